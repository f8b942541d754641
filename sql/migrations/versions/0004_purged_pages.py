"""Retention: a landing page row says when its file was purged.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

``landing_page.purged_at`` (nullable): set by ``maturity purge`` when the page's file is
deleted from the landing area. The row itself (path, SHA-256, endpoint, account) stays, so
the evidence refs that name the page still say what it was, and that it is gone.
Downgrade drops the column (the rows stay, their files stay deleted).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("landing_page") as batch:
        batch.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("landing_page") as batch:
        batch.drop_column("purged_at")
