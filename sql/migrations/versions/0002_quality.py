"""Quality gates: validation results, quarantined batches, quarantined metric values.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02

Hand-written to mirror the ``-- quality gates`` tables of ``maturity.warehouse.schema``; the
test ``test_warehouse_migrations`` proves they agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def _key(*columns: str) -> list[sa.Column[Any]]:
    return [
        sa.Column("org_id", sa.String(), nullable=False),
        sa.Column("window_start", TS, nullable=False),
        sa.Column("window_end", TS, nullable=False),
        *(sa.Column(c, sa.String(), nullable=False) for c in columns),
    ]


def upgrade() -> None:
    key = ("subject", "platform", "handle", "suite", "expectation_type", "kwargs_digest")
    op.create_table(
        "validation_result",
        *_key(*key),
        sa.Column("check_name", sa.String(), nullable=False),
        sa.Column("column_name", sa.String(), nullable=True),
        sa.Column("kwargs", JSON, nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("element_count", sa.Integer(), nullable=True),
        sa.Column("unexpected_count", sa.Integer(), nullable=True),
        sa.Column("observed", JSON, nullable=False),
        sa.Column("exception", sa.Text(), nullable=True),
        sa.Column("run_id", sa.String(), nullable=False),
        sa.CheckConstraint(
            "subject IN ('records', 'metrics')", name=op.f("ck_validation_result_subject")
        ),
        sa.PrimaryKeyConstraint(
            "org_id", "window_start", "window_end", *key, name=op.f("pk_validation_result")
        ),
    )
    op.create_table(
        "quarantined_batch",
        *_key("platform", "handle"),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("failed", JSON, nullable=False),
        sa.Column("pages", JSON, nullable=False),
        sa.Column("record_counts", JSON, nullable=False),
        sa.Column("run_id", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint(
            "org_id", "window_start", "window_end", "platform", "handle",
            name=op.f("pk_quarantined_batch"),
        ),
    )
    op.create_table(
        "quarantined_metric",
        *_key("metric_id", "platform", "account"),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("failed", JSON, nullable=False),
        sa.Column("run_id", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint(
            "org_id", "window_start", "window_end", "metric_id", "platform", "account",
            name=op.f("pk_quarantined_metric"),
        ),
    )


def downgrade() -> None:
    for table in ("quarantined_metric", "quarantined_batch", "validation_result"):
        op.drop_table(table)
