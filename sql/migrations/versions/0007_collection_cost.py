"""Collection costs: reads per organisation, window, platform and resource kind, and the BI
view v_assessment_cost.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

X bills reads per resource returned. The table ``collection_cost`` keeps, per organisation,
collection window, platform and resource kind (``post``, ``user``), the reads counted in the
window's landed pages, their unit price, price and currency, written with the organisation's
load (docs/warehouse.md). The view ``v_assessment_cost`` (its text frozen below, a copy of
``sql/views/v_assessment_cost.sql`` as of this revision) shows them next to the assessment of
the window (docs/bi.md). Downgrade drops the view, then the table.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from maturity.warehouse.timestamps import UtcDateTime
from maturity.warehouse.views import render_view

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

V_ASSESSMENT_COST = """
-- v_assessment_cost: what collecting each organisation's window cost, per platform and
-- resource kind (X bills reads per post and per user object returned), next to the assessment
-- of that window when there is one. reads is the number of resources counted in the landed
-- pages; price = reads * unit_price in currency (the prices of the X connection, or X's
-- documented ones). One row per (org_id, window, platform, resource, rubric); rubric_id and
-- rubric_version are NULL when the window was collected but not (yet) assessed.
WITH source_cost AS (
    SELECT
        org_id,
        window_start,
        window_end,
        platform,
        resource,
        reads,
        unit_price,
        price,
        currency,
        run_id
    FROM collection_cost
),

assessed AS (
    SELECT
        org_id,
        window_start,
        window_end,
        rubric_id,
        rubric_version,
        phase
    FROM assessment
),

final AS (
    SELECT
        source_cost.org_id,
        organisation.name AS org_name,
        organisation.sector,
        source_cost.window_start,
        source_cost.window_end,
        source_cost.platform,
        source_cost.resource,
        source_cost.reads,
        source_cost.unit_price,
        source_cost.price,
        source_cost.currency,
        assessed.rubric_id,
        assessed.rubric_version,
        assessed.phase,
        source_cost.run_id
    FROM source_cost
    INNER JOIN organisation
        ON organisation.org_id = source_cost.org_id
    LEFT JOIN assessed
        ON assessed.org_id = source_cost.org_id
        AND assessed.window_end = source_cost.window_end
)

SELECT * FROM final
"""

VIEWS: dict[str, str] = {"v_assessment_cost": V_ASSESSMENT_COST}


def upgrade() -> None:
    op.create_table(
        "collection_cost",
        sa.Column("org_id", sa.String(), nullable=False),
        sa.Column("window_start", UtcDateTime(), nullable=False),
        sa.Column("window_end", UtcDateTime(), nullable=False),
        sa.Column("platform", sa.String(), nullable=False),
        sa.Column("resource", sa.String(), nullable=False),
        sa.Column("reads", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Double(), nullable=False),
        sa.Column("price", sa.Double(), nullable=False),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("run_id", sa.String(), nullable=False),
        sa.CheckConstraint("reads >= 0", name=op.f("ck_collection_cost_reads")),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisation.org_id"], name=op.f("fk_collection_cost_org_id_organisation")
        ),
        sa.PrimaryKeyConstraint(
            "org_id",
            "window_start",
            "window_end",
            "platform",
            "resource",
            name=op.f("pk_collection_cost"),
        ),
    )
    op.create_index("ix_collection_cost_window_end", "collection_cost", ["window_end"])
    dialect = op.get_bind().dialect.name
    for name, select_sql in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS\n" + render_view(select_sql.strip(), dialect))


def downgrade() -> None:
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    op.drop_index("ix_collection_cost_window_end", table_name="collection_cost")
    op.drop_table("collection_cost")
