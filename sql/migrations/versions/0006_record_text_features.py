"""Records keep what the webcare and history-cap rules read: text features and cap marks.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

Rubric 2026.12.0 (docs/metrics.md, "Actionable messages", "Automated replies", "History caps")
reads, per record, what the assemblers derive from the texts they never store:

* ``inbound_message.text_signature``, ``text_words``, ``text_links``: a near-duplicate
  signature of a third party's text (never the text), its own words and its links;
* ``post.text_signature``, ``post.signed``: the same signature of the organisation's own text,
  and whether it ends with a personal sign-off;
* ``account_snapshot.bio_urls`` (the bio's expanded links), ``history_capped`` and
  ``covered_from`` (the platform's history cap was reached; the data starts here).

All nullable: records collected before this revision have them unknown (NULL), which the
metrics read as "not known", never as "no". Downgrade drops the columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

COLUMNS: dict[str, tuple[sa.Column[object], ...]] = {
    "inbound_message": (
        sa.Column("text_signature", sa.String(), nullable=True),
        sa.Column("text_words", sa.Integer(), nullable=True),
        sa.Column("text_links", sa.Integer(), nullable=True),
    ),
    "post": (
        sa.Column("text_signature", sa.String(), nullable=True),
        sa.Column("signed", sa.Boolean(), nullable=True),
    ),
    "account_snapshot": (
        sa.Column("bio_urls", JSON, nullable=True),
        sa.Column("history_capped", sa.Boolean(), nullable=True),
        sa.Column("covered_from", sa.DateTime(timezone=True), nullable=True),
    ),
}


def upgrade() -> None:
    # Plain ADD COLUMN on both databases: no table is rebuilt, so the BI views that read these
    # tables (0005) stay as they are.
    for table, columns in COLUMNS.items():
        for column in columns:
            op.add_column(table, column)


def downgrade() -> None:
    # Plain DROP COLUMN too (SQLite >= 3.35 has it): a batch rebuild would rename the table
    # under the BI views, which SQLite refuses.
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, columns in COLUMNS.items():
        for column in reversed(columns):
            if sqlite:
                op.execute(sa.text(f'ALTER TABLE "{table}" DROP COLUMN "{column.name}"'))
            else:
                op.drop_column(table, column.name)
