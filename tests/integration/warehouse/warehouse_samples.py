"""Sample evidence, assessments and collection batches for the warehouse tests.

Built directly from the contract types (maturity.evidence, maturity.assessment,
maturity.records), so these tests do not depend on the scoring engine.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select, text

from maturity.assessment import Assessment, CriterionResult, NextStep, PlatformCheck, Status
from maturity.evidence import DeclaredFact, EvidenceRef, MetricValue, OrgEvidence, Window
from maturity.phases import Phase
from maturity.records import (
    AccountSnapshot,
    CollectionBatch,
    Cursor,
    InboundMessage,
    PageRef,
    Post,
    ReplyLink,
)
from maturity.warehouse import AccountRow, OrgRow, RunInfo, Warehouse, deterministic_run_id
from maturity.warehouse.schema import metadata

Q1 = Window(datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC))
Q2 = Window(datetime(2025, 4, 1, tzinfo=UTC), datetime(2025, 7, 1, tzinfo=UTC))
STARTED = datetime(2025, 7, 2, 6, 30, tzinfo=UTC)

PAGE = PageRef(path="landing/x/acme/mentions/0001.json", sha256="a" * 64, endpoint="mentions")


def org_row(org_id: str = "acme", name: str = "Acme Zorg") -> OrgRow:
    return OrgRow(
        org_id,
        name,
        sector="health",
        accounts=(
            AccountRow("reddit", "AcmeZorg", "service", subreddit="acmezorg"),
            AccountRow("x", "AcmeZorg", "main"),
        ),
    )


def metrics() -> tuple[MetricValue, ...]:
    return (
        MetricValue(
            "responsiveness.response_rate",
            0.71,
            120,
            platform="x",
            refs=(
                EvidenceRef("query", "SELECT ... FROM inbound_message WHERE ..."),
                EvidenceRef(
                    "page", PAGE.path, platform="x", endpoint="mentions", sha256=PAGE.sha256
                ),
            ),
        ),
        MetricValue("activity.posts_per_week", 4.5, 13, ci_low=3.9, ci_high=5.2),
        MetricValue(
            "presence.verified_share",
            0.5,
            2,
            platform="x",
            account="AcmeZorg",
            refs=(EvidenceRef("item", "1789", platform="x", account="AcmeZorg"),),
        ),
        MetricValue("responsiveness.first_response_median_hours", None, 0, platform="reddit"),
    )


def facts() -> tuple[DeclaredFact, ...]:
    return (
        DeclaredFact(
            "policy.social_media_policy", True, "j.jansen", date(2025, 3, 1), "intranet/policy.pdf"
        ),
        DeclaredFact("team.fte_social", 2.5, "j.jansen", date(2025, 3, 1)),
    )


def evidence(
    org_id: str = "acme",
    window: Window = Q1,
    metric_values: tuple[MetricValue, ...] | None = None,
    declared: tuple[DeclaredFact, ...] | None = None,
) -> OrgEvidence:
    return OrgEvidence(
        org_id=org_id,
        window=window,
        metrics=metrics() if metric_values is None else metric_values,
        facts=facts() if declared is None else declared,
        platforms_expected=("x", "reddit"),
    )


def criteria(ev: OrgEvidence) -> tuple[CriterionResult, ...]:
    rate = next(m for m in ev.metrics if m.metric_id == "responsiveness.response_rate")
    return (
        CriterionResult(
            "responsiveness.response_rate",
            Phase.ENGAGEMENT,
            "observed",
            "gate",
            3.0,
            Status.MET,
            "x: 0.71 (95% CI 0.62-0.78) >= 0.65 on 120 messages",
            checks=(
                PlatformCheck("x", Status.MET, 0.71, 120, 0.65, 0.62, 0.78, "met on x"),
                PlatformCheck("reddit", Status.UNKNOWN, None, 0, 0.5, None, None, "no data"),
            ),
            metric_values=(rate,),
        ),
        CriterionResult(
            "policy.social_media_policy",
            Phase.FORMALIZED,
            "declared",
            "support",
            1.5,
            Status.MET,
            "declared by j.jansen on 2025-03-01",
            facts=tuple(f for f in ev.facts if f.fact_id == "policy.social_media_policy"),
        ),
        CriterionResult(
            "presence.verified_share",
            Phase.PRESENCE,
            "observed",
            "support",
            1.0,
            Status.UNCERTAIN,
            "0.5 on 2 accounts: interval straddles 0.5",
        ),
    )


def next_steps() -> tuple[NextStep, ...]:
    return (
        NextStep(
            1,
            "presence.verified_share",
            Phase.PRESENCE,
            1.0,
            Status.UNCERTAIN,
            "verified share 0.50 -> needs >= 0.50 on more accounts",
        ),
        NextStep(
            2,
            "activity.campaign_tags",
            Phase.STRATEGIC,
            2.0,
            Status.NOT_MET,
            "campaign tags 1 -> needs >= 3",
        ),
    )


def assessment(
    ev: OrgEvidence,
    rubric_version: str = "2025.1",
    *,
    phase: Phase | None = Phase.ENGAGEMENT,
    maturity_index: float = 2.6,
    with_criteria: tuple[CriterionResult, ...] | None = None,
    with_steps: tuple[NextStep, ...] | None = None,
) -> Assessment:
    return Assessment(
        org_id=ev.org_id,
        window=ev.window,
        rubric_id="social-business",
        rubric_version=rubric_version,
        verdict="assessed" if phase is not None else "insufficient_evidence",
        phase=phase,
        phases_attained=tuple(p for p in Phase if phase is not None and p <= phase),
        maturity_index=maturity_index,
        confidence=0.82,
        coverage=0.9,
        platforms_covered=("x",),
        platforms_missing=("reddit",),
        criteria=criteria(ev) if with_criteria is None else with_criteria,
        next_steps=next_steps() if with_steps is None else with_steps,
    )


def run_for(
    a: Assessment,
    *,
    digest: str = "d1",
    started_at: datetime = STARTED,
    code_version: str = "0.1.0",
    kind: Any = "assess",
) -> RunInfo:
    return RunInfo(
        run_id=deterministic_run_id(kind, a.window, a.rubric_version, digest),
        kind=kind,
        trigger="cli",
        code_version=code_version,
        rubric_id=a.rubric_id,
        rubric_version=a.rubric_version,
        window_start=a.window.start,
        window_end=a.window.end,
        input_digest=digest,
        started_at=started_at,
    )


def write(wh: Warehouse, ev: OrgEvidence, a: Assessment, **run_kwargs: Any) -> RunInfo:
    run = run_for(a, **run_kwargs)
    wh.write_assessment(org_row(ev.org_id), ev, a, run)
    return run


# -- collection -------------------------------------------------------------------------------

T0 = datetime(2025, 2, 3, 9, 0, tzinfo=UTC)


def batch(*, newest: datetime = T0 + timedelta(hours=5), likes: int = 3) -> CollectionBatch:
    snapshot = AccountSnapshot(
        "x",
        "acme",
        "AcmeZorg",
        "main",
        Q1.end,
        "active",
        platform_user_id="42",
        display_name="Acme Zorg",
        description="Zorg dichtbij",
        url="https://acme.example",
        verified=True,
        created_at=datetime(2012, 5, 1, tzinfo=UTC),
        followers=1200,
        following=80,
        post_count=5400,
        source=PAGE,
    )
    post = Post(
        "x",
        "p1",
        "acme",
        "AcmeZorg",
        T0,
        "original",
        conversation_id="p1",
        urls=("https://acme.example/?utm_source=x",),
        hashtags=("zorg",),
        mentions=("ps_ab12",),
        like_count=likes,
        repost_count=1,
        source=PAGE,
    )
    reply = Post(
        "x",
        "p2",
        "acme",
        "AcmeZorg",
        T0 + timedelta(hours=2),
        "reply",
        conversation_id="p1",
        in_reply_to_post_id="m1",
        in_reply_to_author="ps_cd34",
    )
    inbound = InboundMessage(
        "x",
        "m1",
        "acme",
        "AcmeZorg",
        "ps_cd34",
        T0 + timedelta(hours=1),
        "reply",
        conversation_id="p1",
        in_reply_to_post_id="p1",
        source=PAGE,
    )
    link = ReplyLink("x", "acme", "m1", "p2", "AcmeZorg", inbound.created_at, reply.created_at)
    cursors = (
        Cursor("x", "acme", "AcmeZorg", "mentions", "m1", newest),
        Cursor("x", "acme", "AcmeZorg", "timeline", "p2", newest, truncated=True),
    )
    return CollectionBatch(
        "x",
        "acme",
        "AcmeZorg",
        Q1.start,
        Q1.end,
        snapshots=(snapshot,),
        posts=(post, reply),
        inbound=(inbound,),
        reply_links=(link,),
        cursors=cursors,
        pages=(PAGE,),
    )


def later_batch() -> CollectionBatch:
    """The same account re-collected: engagement grew, the cursor moved on."""
    return replace(batch(newest=T0 + timedelta(days=3), likes=9))


# -- inspection -------------------------------------------------------------------------------


def dump(wh: Warehouse, skip: tuple[str, ...] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (but ``skip``), ordered by primary key: two equal dumps mean
    equal contents."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with wh.engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.name in skip:
                continue
            rows = connection.execute(select(table).order_by(*table.primary_key.columns))
            out[table.name] = [tuple(r) for r in rows]
    return out


def row_versions(wh: Warehouse) -> dict[str, list[tuple[Any, ...]]]:
    """PostgreSQL's row version (xmin) of every row: unchanged only if no row was rewritten."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with wh.engine.connect() as connection:
        for table in metadata.sorted_tables:
            keys = ", ".join(c.name for c in table.primary_key.columns)
            rows = connection.execute(
                text(f'SELECT xmin::text, {keys} FROM "{table.name}" ORDER BY {keys}')
            )
            out[table.name] = [tuple(r) for r in rows]
    return out


def batch_of(org_id: str, handle: str, b: CollectionBatch | None = None) -> CollectionBatch:
    """``b`` (default :func:`batch`) as collected for another organisation's account: the same
    message, post and page ids, as when one message mentions both organisations."""
    b = batch() if b is None else b
    mine = {"org_id": org_id, "handle": handle}
    return replace(
        b,
        org_id=org_id,
        handle=handle,
        snapshots=tuple(replace(s, **mine) for s in b.snapshots),
        posts=tuple(replace(p, **mine) for p in b.posts),
        inbound=tuple(replace(m, **mine) for m in b.inbound),
        reply_links=tuple(replace(r, **mine) for r in b.reply_links),
        cursors=tuple(replace(c, **mine) for c in b.cursors),
    )
