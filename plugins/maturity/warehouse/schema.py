"""The warehouse tables, as SQLAlchemy Core metadata.

Every table is keyed on its natural key, so writing the same thing twice lands on the same
rows. Types are portable: text keys, ``Double`` numbers, ``UtcDateTime`` timestamps (aware UTC
on both databases), JSON (``JSONB`` on PostgreSQL). An organisation-wide metric has platform
``'all'``; an aggregate over a platform's accounts has account ``''`` (never NULL, because NULL
cannot take part in a primary key).

The migrations under ``maturity.sql.migrations`` create exactly these tables; a test compares
the two after ``upgrade head``. Change both together.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB

from maturity.warehouse.timestamps import UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

Json = JSON().with_variant(JSONB(), "postgresql")

RUN_KINDS = ("assess", "collect", "rescore")
RUN_TRIGGERS = ("cli", "airflow")
VERDICTS = ("assessed", "insufficient_evidence")
STATUSES = ("met", "not_met", "uncertain", "unknown")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _window() -> list[Column[Any]]:
    return [
        Column("window_start", UtcDateTime(), primary_key=True),
        Column("window_end", UtcDateTime(), primary_key=True),
    ]


def _page_ref() -> list[Column[Any]]:
    """The landed raw page a record came from (``maturity.records.PageRef``), if known."""
    return [
        Column("page_path", Text(), nullable=True),
        Column("page_sha256", String(), nullable=True),
        Column("page_endpoint", String(), nullable=True),
    ]


ASSESSMENT_KEY = ("org_id", "window_start", "window_end", "rubric_id", "rubric_version")

# -- registry ---------------------------------------------------------------------------------

organisation = Table(
    "organisation",
    metadata,
    Column("org_id", String(), primary_key=True),
    Column("name", String(), nullable=False),
    Column("sector", String(), nullable=False),
    Column("timezone", String(), nullable=False),
)

account = Table(
    "account",
    metadata,
    Column("platform", String(), primary_key=True),
    Column("handle_lower", String(), primary_key=True),
    Column("org_id", String(), ForeignKey("organisation.org_id"), nullable=False, index=True),
    Column("handle", String(), nullable=False),
    Column("function", String(), nullable=False),
    Column("subreddit", String(), nullable=True),
)

# -- runs and evidence ------------------------------------------------------------------------

run = Table(
    "run",
    metadata,
    Column("run_id", String(), primary_key=True),
    Column("kind", String(), nullable=False),
    Column("trigger", String(), nullable=False),
    Column("code_version", String(), nullable=False),
    Column("rubric_id", String(), nullable=True),
    Column("rubric_version", String(), nullable=True),
    Column("window_start", UtcDateTime(), nullable=False),
    Column("window_end", UtcDateTime(), nullable=False),
    Column("input_digest", String(), nullable=False),
    Column("first_started_at", UtcDateTime(), nullable=False),
    CheckConstraint(_in("kind", RUN_KINDS), name="kind"),
    CheckConstraint(_in("trigger", RUN_TRIGGERS), name="trigger"),
    CheckConstraint("window_end > window_start", name="window"),
)

metric_value = Table(
    "metric_value",
    metadata,
    Column("org_id", String(), ForeignKey("organisation.org_id"), primary_key=True),
    *_window(),
    Column("metric_id", String(), primary_key=True),
    Column("platform", String(), primary_key=True),
    Column("account", String(), primary_key=True),
    Column("value", Double(), nullable=True),
    Column("n", Integer(), nullable=False),
    Column("ci_low", Double(), nullable=True),
    Column("ci_high", Double(), nullable=True),
    Column("refs", Json, nullable=False),
    Column("run_id", String(), ForeignKey("run.run_id"), nullable=False),
    CheckConstraint("n >= 0", name="n"),
)

declared_fact = Table(
    "declared_fact",
    metadata,
    Column("org_id", String(), ForeignKey("organisation.org_id"), primary_key=True),
    *_window(),
    Column("fact_id", String(), primary_key=True),
    Column("value", Double(), nullable=False),
    Column("is_boolean", Boolean(), nullable=False),
    Column("declared_by", String(), nullable=False),
    Column("declared_at", Date(), nullable=False),
    Column("source", Text(), nullable=True),
    Column("run_id", String(), ForeignKey("run.run_id"), nullable=False),
)

# -- assessments ------------------------------------------------------------------------------

assessment = Table(
    "assessment",
    metadata,
    Column("org_id", String(), ForeignKey("organisation.org_id"), primary_key=True),
    *_window(),
    Column("rubric_id", String(), primary_key=True),
    Column("rubric_version", String(), primary_key=True),
    Column("verdict", String(), nullable=False),
    Column("phase", Integer(), nullable=True),
    Column("phases_attained", Json, nullable=False),
    Column("maturity_index", Double(), nullable=False),
    Column("confidence", Double(), nullable=False),
    Column("coverage", Double(), nullable=False),
    Column("platforms_covered", Json, nullable=False),
    Column("platforms_missing", Json, nullable=False),
    Column("code_version", String(), nullable=False),
    Column("run_id", String(), ForeignKey("run.run_id"), nullable=False),
    Column("assessed_at", UtcDateTime(), nullable=False),
    CheckConstraint(_in("verdict", VERDICTS), name="verdict"),
    CheckConstraint("phase IS NULL OR phase BETWEEN 1 AND 6", name="phase"),
    Index(None, "org_id", "window_end"),
)


def _assessment_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        list(ASSESSMENT_KEY),
        [f"assessment.{c}" for c in ASSESSMENT_KEY],
        name=None,
        ondelete="CASCADE",
    )


def _assessment_key() -> list[Column[Any]]:
    return [
        Column("org_id", String(), primary_key=True),
        *_window(),
        Column("rubric_id", String(), primary_key=True),
        Column("rubric_version", String(), primary_key=True),
    ]


criterion_result = Table(
    "criterion_result",
    metadata,
    *_assessment_key(),
    Column("criterion_id", String(), primary_key=True),
    Column("position", Integer(), nullable=False),
    Column("phase", Integer(), nullable=False),
    Column("kind", String(), nullable=False),
    Column("role", String(), nullable=False),
    Column("weight", Double(), nullable=False),
    Column("status", String(), nullable=False),
    Column("reason", Text(), nullable=False),
    Column("checks", Json, nullable=False),
    Column("evidence_refs", Json, nullable=False),
    _assessment_fk(),
    CheckConstraint(_in("status", STATUSES), name="status"),
)

next_step = Table(
    "next_step",
    metadata,
    *_assessment_key(),
    Column("rank", Integer(), primary_key=True),
    Column("criterion_id", String(), nullable=False),
    Column("phase", Integer(), nullable=False),
    Column("weight", Double(), nullable=False),
    Column("status", String(), nullable=False),
    Column("gap", Text(), nullable=False),
    _assessment_fk(),
    CheckConstraint(_in("status", STATUSES), name="status"),
)

# -- collection -------------------------------------------------------------------------------

account_snapshot = Table(
    "account_snapshot",
    metadata,
    Column("platform", String(), primary_key=True),
    Column("handle_lower", String(), primary_key=True),
    Column("observed_at", UtcDateTime(), primary_key=True),
    Column("org_id", String(), ForeignKey("organisation.org_id"), nullable=False),
    Column("handle", String(), nullable=False),
    Column("function", String(), nullable=False),
    Column("status", String(), nullable=False),
    Column("platform_user_id", String(), nullable=True),
    Column("display_name", Text(), nullable=True),
    Column("description", Text(), nullable=True),
    Column("url", Text(), nullable=True),
    Column("profile_image_url", Text(), nullable=True),
    Column("banner_url", Text(), nullable=True),
    Column("verified", Boolean(), nullable=True),
    Column("created_at", UtcDateTime(), nullable=True),
    Column("followers", Integer(), nullable=True),
    Column("following", Integer(), nullable=True),
    Column("post_count", Integer(), nullable=True),
    Column("pinned_post_id", String(), nullable=True),
    Column("bio_urls", Json, nullable=True),
    Column("history_capped", Boolean(), nullable=True),
    Column("covered_from", UtcDateTime(), nullable=True),
    *_page_ref(),
    ForeignKeyConstraint(
        ["platform", "handle_lower"], ["account.platform", "account.handle_lower"]
    ),
    Index(None, "org_id", "observed_at"),
)

# Posts, inbound messages and reply links are keyed on the organisation too: one message that
# mentions two organisations (a municipality and its province) is collected for each of them and
# belongs to both, each with its own reply link. A reply link has no foreign key to its inbound
# message: links to messages of earlier windows are written without them, and a batch's links may
# name a message that another account's batch (possibly quarantined) holds.
# ``landing_page`` has a row per landed page path (the path names the content's SHA-256, but two
# paths may hold identical bytes), so every ``page_path`` a record names has its row.

post = Table(
    "post",
    metadata,
    Column("platform", String(), primary_key=True),
    Column("org_id", String(), ForeignKey("organisation.org_id"), primary_key=True),
    Column("post_id", String(), primary_key=True),
    Column("handle", String(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("kind", String(), nullable=False),
    Column("conversation_id", String(), nullable=True),
    Column("in_reply_to_post_id", String(), nullable=True),
    Column("in_reply_to_author", String(), nullable=True),
    Column("urls", Json, nullable=False),
    Column("hashtags", Json, nullable=False),
    Column("mentions", Json, nullable=False),
    Column("like_count", Integer(), nullable=False),
    Column("repost_count", Integer(), nullable=False),
    Column("reply_count", Integer(), nullable=False),
    Column("quote_count", Integer(), nullable=False),
    Column("text_signature", String(), nullable=True),
    Column("signed", Boolean(), nullable=True),
    *_page_ref(),
    Index(None, "org_id", "created_at"),
)

inbound_message = Table(
    "inbound_message",
    metadata,
    Column("platform", String(), primary_key=True),
    Column("org_id", String(), ForeignKey("organisation.org_id"), primary_key=True),
    Column("message_id", String(), primary_key=True),
    Column("handle", String(), nullable=False),
    Column("author", String(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("kind", String(), nullable=False),
    Column("conversation_id", String(), nullable=True),
    Column("in_reply_to_post_id", String(), nullable=True),
    Column("text_signature", String(), nullable=True),
    Column("text_words", Integer(), nullable=True),
    Column("text_links", Integer(), nullable=True),
    *_page_ref(),
    Index(None, "org_id", "created_at"),
)

reply_link = Table(
    "reply_link",
    metadata,
    Column("platform", String(), primary_key=True),
    Column("org_id", String(), ForeignKey("organisation.org_id"), primary_key=True),
    Column("inbound_id", String(), primary_key=True),
    Column("reply_post_id", String(), nullable=False),
    Column("handle", String(), nullable=False),
    Column("inbound_at", UtcDateTime(), nullable=False),
    Column("replied_at", UtcDateTime(), nullable=False),
    Index(None, "org_id", "inbound_at"),
)

collection_cursor = Table(
    "collection_cursor",
    metadata,
    Column("platform", String(), primary_key=True),
    Column("org_id", String(), ForeignKey("organisation.org_id"), primary_key=True),
    Column("handle_lower", String(), primary_key=True),
    Column("endpoint", String(), primary_key=True),
    Column("handle", String(), nullable=False),
    Column("newest_id", String(), nullable=True),
    Column("newest_at", UtcDateTime(), nullable=True),
    Column("truncated", Boolean(), nullable=False),
)

landing_page = Table(
    "landing_page",
    metadata,
    Column("path", Text(), primary_key=True),
    Column("sha256", String(), nullable=False),
    Column("endpoint", String(), nullable=False),
    Column("platform", String(), nullable=False),
    Column("org_id", String(), ForeignKey("organisation.org_id"), nullable=False),
    Column("handle", String(), nullable=False),
    # When `maturity purge` deleted the page's file; the row stays as the evidence id.
    Column("purged_at", UtcDateTime(), nullable=True),
    Index(None, "sha256"),
)

# -- quality gates ----------------------------------------------------------------------------
# Not keyed to ``organisation`` by a foreign key: a batch may be validated (and quarantined)
# before the registry is written, and a quarantine must be recordable whatever else fails.

QUALITY_SUBJECTS = ("records", "metrics")

validation_result = Table(
    "validation_result",
    metadata,
    Column("org_id", String(), primary_key=True),
    *_window(),
    Column("subject", String(), primary_key=True),
    Column("platform", String(), primary_key=True),
    Column("handle", String(), primary_key=True),
    Column("suite", String(), primary_key=True),
    Column("expectation_type", String(), primary_key=True),
    Column("kwargs_digest", String(), primary_key=True),
    Column("check_name", String(), nullable=False),
    Column("column_name", String(), nullable=True),
    Column("kwargs", Json, nullable=False),
    Column("success", Boolean(), nullable=False),
    Column("element_count", Integer(), nullable=True),
    Column("unexpected_count", Integer(), nullable=True),
    Column("observed", Json, nullable=False),
    Column("exception", Text(), nullable=True),
    Column("run_id", String(), nullable=False),
    CheckConstraint(_in("subject", QUALITY_SUBJECTS), name="subject"),
)

quarantined_batch = Table(
    "quarantined_batch",
    metadata,
    Column("org_id", String(), primary_key=True),
    *_window(),
    Column("platform", String(), primary_key=True),
    Column("handle", String(), primary_key=True),
    Column("reason", Text(), nullable=False),
    Column("failed", Json, nullable=False),
    Column("pages", Json, nullable=False),
    Column("record_counts", Json, nullable=False),
    Column("run_id", String(), nullable=False),
)

quarantined_metric = Table(
    "quarantined_metric",
    metadata,
    Column("org_id", String(), primary_key=True),
    *_window(),
    Column("metric_id", String(), primary_key=True),
    Column("platform", String(), primary_key=True),
    Column("account", String(), primary_key=True),
    Column("value", Double(), nullable=True),
    Column("n", Integer(), nullable=False),
    Column("failed", Json, nullable=False),
    Column("run_id", String(), nullable=False),
)

# -- what collecting cost -------------------------------------------------------------------------

collection_cost = Table(
    "collection_cost",
    metadata,
    Column("org_id", String(), ForeignKey("organisation.org_id"), primary_key=True),
    *_window(),
    Column("platform", String(), primary_key=True),
    Column("resource", String(), primary_key=True),
    Column("reads", Integer(), nullable=False),
    Column("unit_price", Double(), nullable=False),
    Column("price", Double(), nullable=False),
    Column("currency", String(), nullable=False),
    Column("run_id", String(), nullable=False),
    CheckConstraint("reads >= 0", name="reads"),
    Index(None, "window_end"),
)
"""Reads per organisation, collection window, platform and resource kind (X: ``post``,
``user``): the distinct resources of the window's landed pages
(``maturity.planning.landed_reads``), with the unit price of the run's connection
(``maturity.costs.Prices``)."""
