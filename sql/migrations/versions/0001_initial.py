"""Initial warehouse: registry, runs, evidence, assessments, collection, v_latest_assessment.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Hand-written to mirror ``maturity.warehouse.schema`` as of this revision; the test
``test_warehouse_migrations`` proves they agree. The view text is frozen here on purpose:
replaying this revision must create the view as it was, whatever ``sql/views/`` says later. Only
its phase labels are not copied here: ``render_view`` fills them in from ``maturity.phases``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from maturity.warehouse.views import render_view

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def _window() -> list[sa.Column[Any]]:
    return [
        sa.Column("window_start", TS, nullable=False),
        sa.Column("window_end", TS, nullable=False),
    ]


def _assessment_key() -> list[sa.Column[Any]]:
    return [
        sa.Column("org_id", sa.String(), nullable=False),
        *_window(),
        sa.Column("rubric_id", sa.String(), nullable=False),
        sa.Column("rubric_version", sa.String(), nullable=False),
    ]


ASSESSMENT_KEY = ["org_id", "window_start", "window_end", "rubric_id", "rubric_version"]
STATUS_CHECK = "status IN ('met', 'not_met', 'uncertain', 'unknown')"


def _page_ref() -> list[sa.Column[Any]]:
    return [
        sa.Column("page_path", sa.Text(), nullable=True),
        sa.Column("page_sha256", sa.String(), nullable=True),
        sa.Column("page_endpoint", sa.String(), nullable=True),
    ]


V_LATEST_ASSESSMENT = """
WITH source_assessment AS (
    SELECT
        org_id,
        window_start,
        window_end,
        rubric_id,
        rubric_version,
        verdict,
        phase,
        maturity_index,
        confidence,
        coverage,
        code_version,
        run_id,
        assessed_at
    FROM assessment
),

ranked AS (
    SELECT
        source_assessment.*,
        ROW_NUMBER() OVER (
            PARTITION BY org_id, rubric_id, rubric_version
            ORDER BY window_end DESC, window_start DESC
        ) AS recency
    FROM source_assessment
),

latest AS (
    SELECT * FROM ranked WHERE recency = 1
),

final AS (
    SELECT
        latest.org_id,
        organisation.name AS org_name,
        organisation.sector,
        latest.rubric_id,
        latest.rubric_version,
        latest.window_start,
        latest.window_end,
        latest.verdict,
        latest.phase,
        {{ phase_label(latest.phase, latest.verdict, 'en') }} AS phase_label_en,
        {{ phase_label(latest.phase, latest.verdict, 'nl') }} AS phase_label_nl,
        latest.maturity_index,
        latest.confidence,
        latest.coverage,
        latest.code_version,
        latest.run_id,
        latest.assessed_at
    FROM latest
    INNER JOIN organisation ON organisation.org_id = latest.org_id
)

SELECT * FROM final
"""


def upgrade() -> None:
    _registry()
    _runs_and_evidence()
    _assessments()
    _collection()
    op.execute("CREATE VIEW v_latest_assessment AS\n" + render_view(V_LATEST_ASSESSMENT.strip()))


def _registry() -> None:
    op.create_table(
        "organisation",
        sa.Column("org_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("sector", sa.String(), nullable=False),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_organisation")),
    )
    op.create_table(
        "account",
        sa.Column("platform", sa.String(), nullable=False),
        sa.Column("handle_lower", sa.String(), nullable=False),
        sa.Column("org_id", sa.String(), nullable=False),
        sa.Column("handle", sa.String(), nullable=False),
        sa.Column("function", sa.String(), nullable=False),
        sa.Column("subreddit", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisation.org_id"], name=op.f("fk_account_org_id_organisation")
        ),
        sa.PrimaryKeyConstraint("platform", "handle_lower", name=op.f("pk_account")),
    )
    op.create_index(op.f("ix_account_org_id"), "account", ["org_id"])


def _runs_and_evidence() -> None:
    op.create_table(
        "run",
        sa.Column("run_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("trigger", sa.String(), nullable=False),
        sa.Column("code_version", sa.String(), nullable=False),
        sa.Column("rubric_id", sa.String(), nullable=True),
        sa.Column("rubric_version", sa.String(), nullable=True),
        sa.Column("window_start", TS, nullable=False),
        sa.Column("window_end", TS, nullable=False),
        sa.Column("input_digest", sa.String(), nullable=False),
        sa.Column("first_started_at", TS, nullable=False),
        sa.CheckConstraint("kind IN ('assess', 'collect', 'rescore')", name=op.f("ck_run_kind")),
        sa.CheckConstraint("trigger IN ('cli', 'airflow')", name=op.f("ck_run_trigger")),
        sa.CheckConstraint("window_end > window_start", name=op.f("ck_run_window")),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_run")),
    )
    op.create_table(
        "metric_value",
        sa.Column("org_id", sa.String(), nullable=False),
        *_window(),
        sa.Column("metric_id", sa.String(), nullable=False),
        sa.Column("platform", sa.String(), nullable=False),
        sa.Column("account", sa.String(), nullable=False),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("ci_low", sa.Double(), nullable=True),
        sa.Column("ci_high", sa.Double(), nullable=True),
        sa.Column("refs", JSON, nullable=False),
        sa.Column("run_id", sa.String(), nullable=False),
        sa.CheckConstraint("n >= 0", name=op.f("ck_metric_value_n")),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisation.org_id"], name=op.f("fk_metric_value_org_id_organisation")
        ),
        sa.ForeignKeyConstraint(["run_id"], ["run.run_id"], name=op.f("fk_metric_value_run_id_run")),
        sa.PrimaryKeyConstraint(
            "org_id", "window_start", "window_end", "metric_id", "platform", "account",
            name=op.f("pk_metric_value"),
        ),
    )
    op.create_table(
        "declared_fact",
        sa.Column("org_id", sa.String(), nullable=False),
        *_window(),
        sa.Column("fact_id", sa.String(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("is_boolean", sa.Boolean(), nullable=False),
        sa.Column("declared_by", sa.String(), nullable=False),
        sa.Column("declared_at", sa.Date(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("run_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisation.org_id"], name=op.f("fk_declared_fact_org_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["run.run_id"], name=op.f("fk_declared_fact_run_id_run")
        ),
        sa.PrimaryKeyConstraint(
            "org_id", "window_start", "window_end", "fact_id", name=op.f("pk_declared_fact")
        ),
    )


def _assessments() -> None:
    op.create_table(
        "assessment",
        *_assessment_key(),
        sa.Column("verdict", sa.String(), nullable=False),
        sa.Column("phase", sa.Integer(), nullable=True),
        sa.Column("phases_attained", JSON, nullable=False),
        sa.Column("maturity_index", sa.Double(), nullable=False),
        sa.Column("confidence", sa.Double(), nullable=False),
        sa.Column("coverage", sa.Double(), nullable=False),
        sa.Column("platforms_covered", JSON, nullable=False),
        sa.Column("platforms_missing", JSON, nullable=False),
        sa.Column("code_version", sa.String(), nullable=False),
        sa.Column("run_id", sa.String(), nullable=False),
        sa.Column("assessed_at", TS, nullable=False),
        sa.CheckConstraint(
            "verdict IN ('assessed', 'insufficient_evidence')", name=op.f("ck_assessment_verdict")
        ),
        sa.CheckConstraint(
            "phase IS NULL OR phase BETWEEN 1 AND 6", name=op.f("ck_assessment_phase")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisation.org_id"], name=op.f("fk_assessment_org_id_organisation")
        ),
        sa.ForeignKeyConstraint(["run_id"], ["run.run_id"], name=op.f("fk_assessment_run_id_run")),
        sa.PrimaryKeyConstraint(*ASSESSMENT_KEY, name=op.f("pk_assessment")),
    )
    op.create_index(
        op.f("ix_assessment_org_id_window_end"), "assessment", ["org_id", "window_end"]
    )
    op.create_table(
        "criterion_result",
        *_assessment_key(),
        sa.Column("criterion_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("phase", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("weight", sa.Double(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("checks", JSON, nullable=False),
        sa.Column("evidence_refs", JSON, nullable=False),
        sa.CheckConstraint(STATUS_CHECK, name=op.f("ck_criterion_result_status")),
        sa.ForeignKeyConstraint(
            ASSESSMENT_KEY,
            [f"assessment.{c}" for c in ASSESSMENT_KEY],
            name=op.f("fk_criterion_result_org_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            *ASSESSMENT_KEY, "criterion_id", name=op.f("pk_criterion_result")
        ),
    )
    op.create_table(
        "next_step",
        *_assessment_key(),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.String(), nullable=False),
        sa.Column("phase", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Double(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("gap", sa.Text(), nullable=False),
        sa.CheckConstraint(STATUS_CHECK, name=op.f("ck_next_step_status")),
        sa.ForeignKeyConstraint(
            ASSESSMENT_KEY,
            [f"assessment.{c}" for c in ASSESSMENT_KEY],
            name=op.f("fk_next_step_org_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(*ASSESSMENT_KEY, "rank", name=op.f("pk_next_step")),
    )


def _collection() -> None:
    op.create_table(
        "account_snapshot",
        sa.Column("platform", sa.String(), nullable=False),
        sa.Column("handle_lower", sa.String(), nullable=False),
        sa.Column("observed_at", TS, nullable=False),
        sa.Column("org_id", sa.String(), nullable=False),
        sa.Column("handle", sa.String(), nullable=False),
        sa.Column("function", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("platform_user_id", sa.String(), nullable=True),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("profile_image_url", sa.Text(), nullable=True),
        sa.Column("banner_url", sa.Text(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=True),
        sa.Column("created_at", TS, nullable=True),
        sa.Column("followers", sa.Integer(), nullable=True),
        sa.Column("following", sa.Integer(), nullable=True),
        sa.Column("post_count", sa.Integer(), nullable=True),
        sa.Column("pinned_post_id", sa.String(), nullable=True),
        *_page_ref(),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisation.org_id"],
            name=op.f("fk_account_snapshot_org_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["platform", "handle_lower"], ["account.platform", "account.handle_lower"],
            name=op.f("fk_account_snapshot_platform_account"),
        ),
        sa.PrimaryKeyConstraint(
            "platform", "handle_lower", "observed_at", name=op.f("pk_account_snapshot")
        ),
    )
    op.create_index(
        op.f("ix_account_snapshot_org_id_observed_at"), "account_snapshot",
        ["org_id", "observed_at"],
    )
    op.create_table(
        "post",
        sa.Column("platform", sa.String(), nullable=False),
        sa.Column("post_id", sa.String(), nullable=False),
        sa.Column("org_id", sa.String(), nullable=False),
        sa.Column("handle", sa.String(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("conversation_id", sa.String(), nullable=True),
        sa.Column("in_reply_to_post_id", sa.String(), nullable=True),
        sa.Column("in_reply_to_author", sa.String(), nullable=True),
        sa.Column("urls", JSON, nullable=False),
        sa.Column("hashtags", JSON, nullable=False),
        sa.Column("mentions", JSON, nullable=False),
        sa.Column("like_count", sa.Integer(), nullable=False),
        sa.Column("repost_count", sa.Integer(), nullable=False),
        sa.Column("reply_count", sa.Integer(), nullable=False),
        sa.Column("quote_count", sa.Integer(), nullable=False),
        *_page_ref(),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisation.org_id"], name=op.f("fk_post_org_id_organisation")
        ),
        sa.PrimaryKeyConstraint("platform", "post_id", name=op.f("pk_post")),
    )
    op.create_index(op.f("ix_post_org_id_created_at"), "post", ["org_id", "created_at"])
    op.create_table(
        "inbound_message",
        sa.Column("platform", sa.String(), nullable=False),
        sa.Column("message_id", sa.String(), nullable=False),
        sa.Column("org_id", sa.String(), nullable=False),
        sa.Column("handle", sa.String(), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("conversation_id", sa.String(), nullable=True),
        sa.Column("in_reply_to_post_id", sa.String(), nullable=True),
        *_page_ref(),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisation.org_id"],
            name=op.f("fk_inbound_message_org_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("platform", "message_id", name=op.f("pk_inbound_message")),
    )
    op.create_index(
        op.f("ix_inbound_message_org_id_created_at"), "inbound_message", ["org_id", "created_at"]
    )
    op.create_table(
        "reply_link",
        sa.Column("platform", sa.String(), nullable=False),
        sa.Column("inbound_id", sa.String(), nullable=False),
        sa.Column("org_id", sa.String(), nullable=False),
        sa.Column("reply_post_id", sa.String(), nullable=False),
        sa.Column("handle", sa.String(), nullable=False),
        sa.Column("inbound_at", TS, nullable=False),
        sa.Column("replied_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisation.org_id"], name=op.f("fk_reply_link_org_id_organisation")
        ),
        sa.PrimaryKeyConstraint("platform", "inbound_id", name=op.f("pk_reply_link")),
    )
    op.create_index(
        op.f("ix_reply_link_org_id_inbound_at"), "reply_link", ["org_id", "inbound_at"]
    )
    op.create_table(
        "collection_cursor",
        sa.Column("platform", sa.String(), nullable=False),
        sa.Column("org_id", sa.String(), nullable=False),
        sa.Column("handle_lower", sa.String(), nullable=False),
        sa.Column("endpoint", sa.String(), nullable=False),
        sa.Column("handle", sa.String(), nullable=False),
        sa.Column("newest_id", sa.String(), nullable=True),
        sa.Column("newest_at", TS, nullable=True),
        sa.Column("truncated", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisation.org_id"],
            name=op.f("fk_collection_cursor_org_id_organisation"),
        ),
        sa.PrimaryKeyConstraint(
            "platform", "org_id", "handle_lower", "endpoint", name=op.f("pk_collection_cursor")
        ),
    )
    op.create_table(
        "landing_page",
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("endpoint", sa.String(), nullable=False),
        sa.Column("platform", sa.String(), nullable=False),
        sa.Column("org_id", sa.String(), nullable=False),
        sa.Column("handle", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisation.org_id"], name=op.f("fk_landing_page_org_id_organisation")
        ),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_landing_page")),
    )


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_latest_assessment")
    for table in (
        "landing_page",
        "collection_cursor",
        "reply_link",
        "inbound_message",
        "post",
        "account_snapshot",
        "next_step",
        "criterion_result",
        "assessment",
        "declared_fact",
        "metric_value",
        "run",
        "account",
        "organisation",
    ):
        op.drop_table(table)
