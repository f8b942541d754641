"""Reads for ``maturity explain``, reports and the API: typed results, never raw rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, Table, select

from maturity.assessment import Assessment, NextStep, Verdict
from maturity.errors import InputError
from maturity.evidence import AccountState, DeclaredFact, MetricValue, Window
from maturity.phases import Phase
from maturity.records import AccountSnapshot, Cursor, InboundMessage, Post, ReplyLink
from maturity.warehouse import assessment_rows as ar
from maturity.warehouse import record_rows as rr
from maturity.warehouse import schema as t
from maturity.warehouse.org import AccountRow, OrgRow
from maturity.warehouse.runs import RunInfo
from maturity.warehouse.timestamps import to_utc

_KNOWN_SHOWN = 20


@dataclass(frozen=True, slots=True)
class ExplainData:
    """One stored assessment with everything needed to explain it."""

    organisation: OrgRow
    assessment: Assessment
    """As written: criteria (checks, the evidence each was decided on) and next steps."""
    metrics: tuple[MetricValue, ...]
    """Every metric value of the window, ordered by metric, platform, account."""
    facts: tuple[DeclaredFact, ...]
    run: RunInfo
    """The run that wrote the assessment; ``started_at`` is when that run id first wrote."""
    code_version: str
    assessed_at: datetime


@dataclass(frozen=True, slots=True)
class AssessmentSummary:
    org_id: str
    window: Window
    rubric_id: str
    rubric_version: str
    verdict: Verdict
    phase: Phase | None
    maturity_index: float
    confidence: float
    coverage: float
    code_version: str
    run_id: str
    assessed_at: datetime


@dataclass(frozen=True, slots=True)
class RecordSet:
    """The normalised records of one organisation and window."""

    snapshots: tuple[AccountSnapshot, ...]
    posts: tuple[Post, ...]
    inbound: tuple[InboundMessage, ...]
    reply_links: tuple[ReplyLink, ...]


def list_organisations(connection: Connection) -> list[OrgRow]:
    accounts: dict[str, list[AccountRow]] = {}
    for a in connection.execute(
        select(t.account).order_by(
            t.account.c.org_id, t.account.c.platform, t.account.c.handle_lower
        )
    ).mappings():
        accounts.setdefault(a["org_id"], []).append(
            AccountRow(a["platform"], a["handle"], a["function"], a["subreddit"])
        )
    rows = connection.execute(select(t.organisation).order_by(t.organisation.c.org_id))
    return [
        OrgRow(
            o["org_id"], o["name"], o["sector"], o["timezone"], tuple(accounts.get(o["org_id"], ()))
        )
        for o in rows.mappings()
    ]


def require_organisation(connection: Connection, org_id: str) -> OrgRow:
    """The organisation ``org_id``; an ``InputError`` naming the known ones if there is none."""
    orgs = list_organisations(connection)
    for org in orgs:
        if org.org_id == org_id:
            return org
    known = [o.org_id for o in orgs]
    shown = ", ".join(known[:_KNOWN_SHOWN]) + (" ..." if len(known) > _KNOWN_SHOWN else "")
    raise InputError(
        f"unknown organisation {org_id}; known: {shown or '(none)'}",
        where="warehouse",
        fix="use an id from the registry, or assess the organisation first",
    )


def _run(connection: Connection, run_id: str) -> RunInfo:
    row = connection.execute(select(t.run).where(t.run.c.run_id == run_id)).mappings().one()
    return RunInfo(
        run_id=row["run_id"],
        kind=row["kind"],
        trigger=row["trigger"],
        code_version=row["code_version"],
        rubric_id=row["rubric_id"],
        rubric_version=row["rubric_version"],
        window_start=row["window_start"],
        window_end=row["window_end"],
        input_digest=row["input_digest"],
        started_at=row["first_started_at"],
    )


def _in_window(table: Table, org_id: str, window: Window) -> list[ColumnElement[bool]]:
    return [
        table.c.org_id == org_id,
        table.c.window_start == window.start,
        table.c.window_end == window.end,
    ]


def _explain(connection: Connection, org: OrgRow, head: dict[str, object]) -> ExplainData:
    key = [t.criterion_result.c[k] == head[k] for k in t.ASSESSMENT_KEY]
    rows = list(
        connection.execute(
            select(t.criterion_result).where(*key).order_by(t.criterion_result.c.position)
        ).mappings()
    )
    criteria = tuple(ar.criterion_from_row(r) for r in rows)
    step_key = [t.next_step.c[k] == head[k] for k in t.ASSESSMENT_KEY]
    steps: tuple[NextStep, ...] = tuple(
        ar.next_step_from_row(r)
        for r in connection.execute(
            select(t.next_step).where(*step_key).order_by(t.next_step.c.rank)
        ).mappings()
    )
    assessment = ar.assessment_from_rows(head, criteria, steps, ar.notes_from_criterion_rows(rows))
    mv = t.metric_value
    metrics = tuple(
        ar.metric_from_row(r)
        for r in connection.execute(
            select(mv)
            .where(*_in_window(mv, org.org_id, assessment.window))
            .order_by(mv.c.metric_id, mv.c.platform, mv.c.account)
        ).mappings()
    )
    df = t.declared_fact
    facts = tuple(
        ar.fact_from_row(r)
        for r in connection.execute(
            select(df).where(*_in_window(df, org.org_id, assessment.window)).order_by(df.c.fact_id)
        ).mappings()
    )
    return ExplainData(
        organisation=org,
        assessment=assessment,
        metrics=metrics,
        facts=facts,
        run=_run(connection, str(head["run_id"])),
        code_version=str(head["code_version"]),
        assessed_at=head["assessed_at"],  # type: ignore[arg-type]
    )


def latest_assessment(
    connection: Connection,
    org_id: str,
    as_of: datetime | None = None,
    rubric_version: str | None = None,
    rubric_id: str | None = None,
) -> ExplainData | None:
    """The assessment of the latest window ending at or before ``as_of`` (default: any).

    Ties on the window (several rubric versions) go to the most recently first-run one.
    None if the organisation has no such assessment; ``InputError`` if it is unknown.
    """
    org = require_organisation(connection, org_id)
    a = t.assessment
    query = (
        select(a)
        .join(t.run, t.run.c.run_id == a.c.run_id)
        .where(a.c.org_id == org_id)
        .order_by(
            a.c.window_end.desc(),
            a.c.window_start.desc(),
            t.run.c.first_started_at.desc(),
            a.c.rubric_version.desc(),
        )
        .limit(1)
    )
    if as_of is not None:
        query = query.where(a.c.window_end <= to_utc(as_of))
    if rubric_version is not None:
        query = query.where(a.c.rubric_version == rubric_version)
    if rubric_id is not None:
        query = query.where(a.c.rubric_id == rubric_id)
    head = connection.execute(query).mappings().first()
    if head is None:
        return None
    return _explain(connection, org, dict(head))


def assessment_history(connection: Connection, org_id: str) -> list[AssessmentSummary]:
    """Every stored assessment of ``org_id``, oldest window first."""
    require_organisation(connection, org_id)
    return assessment_histories(connection, [org_id])[org_id]


HISTORY_CHUNK = 500
"""Organisations per query of :func:`assessment_histories` (SQLite bounds bound parameters)."""


def assessment_histories(
    connection: Connection, org_ids: Sequence[str]
) -> dict[str, list[AssessmentSummary]]:
    """Every stored assessment of each of ``org_ids``, oldest window first: one query per
    :data:`HISTORY_CHUNK` organisations instead of one per organisation. An organisation
    without assessments (or unknown) gets an empty list."""
    a = t.assessment
    out: dict[str, list[AssessmentSummary]] = {org_id: [] for org_id in org_ids}
    wanted = list(out)
    for at in range(0, len(wanted), HISTORY_CHUNK):
        rows = connection.execute(
            select(a)
            .where(a.c.org_id.in_(wanted[at : at + HISTORY_CHUNK]))
            .order_by(
                a.c.org_id, a.c.window_end, a.c.window_start, a.c.rubric_id, a.c.rubric_version
            )
        ).mappings()
        for r in rows:
            out[r["org_id"]].append(
                AssessmentSummary(
                    org_id=r["org_id"],
                    window=Window(r["window_start"], r["window_end"]),
                    rubric_id=r["rubric_id"],
                    rubric_version=r["rubric_version"],
                    verdict=r["verdict"],
                    phase=Phase(r["phase"]) if r["phase"] is not None else None,
                    maturity_index=r["maturity_index"],
                    confidence=r["confidence"],
                    coverage=r["coverage"],
                    code_version=r["code_version"],
                    run_id=r["run_id"],
                    assessed_at=r["assessed_at"],
                )
            )
    return out


def read_cursor(
    connection: Connection, platform: str, org_id: str, handle: str
) -> dict[str, Cursor]:
    """The saved cursors of one account, by endpoint (empty if it was never collected)."""
    c = t.collection_cursor
    rows = connection.execute(
        select(c)
        .where(c.c.platform == platform, c.c.org_id == org_id, c.c.handle_lower == handle.lower())
        .order_by(c.c.endpoint)
    ).mappings()
    return {r["endpoint"]: rr.cursor_from_row(r) for r in rows}


def read_records(
    connection: Connection, org_id: str, window_start: datetime, window_end: datetime
) -> RecordSet:
    """Records of ``org_id`` in the window: posts and inbound messages created in
    ``[start, end)``, reply links whose inbound message is, and snapshots observed in
    ``[start, end]`` (a snapshot "at window end" is taken at the end instant)."""
    require_organisation(connection, org_id)
    start, end = to_utc(window_start), to_utc(window_end)
    s, p, m, r = t.account_snapshot, t.post, t.inbound_message, t.reply_link
    snapshots = connection.execute(
        select(s)
        .where(s.c.org_id == org_id, s.c.observed_at >= start, s.c.observed_at <= end)
        .order_by(s.c.platform, s.c.handle_lower, s.c.observed_at)
    ).mappings()
    posts = connection.execute(
        select(p)
        .where(p.c.org_id == org_id, p.c.created_at >= start, p.c.created_at < end)
        .order_by(p.c.created_at, p.c.platform, p.c.post_id)
    ).mappings()
    inbound = connection.execute(
        select(m)
        .where(m.c.org_id == org_id, m.c.created_at >= start, m.c.created_at < end)
        .order_by(m.c.created_at, m.c.platform, m.c.message_id)
    ).mappings()
    links = connection.execute(
        select(r)
        .where(r.c.org_id == org_id, r.c.inbound_at >= start, r.c.inbound_at < end)
        .order_by(r.c.inbound_at, r.c.platform, r.c.inbound_id)
    ).mappings()
    return RecordSet(
        snapshots=tuple(rr.snapshot_from_row(x) for x in snapshots),
        posts=tuple(rr.post_from_row(x) for x in posts),
        inbound=tuple(rr.inbound_from_row(x) for x in inbound),
        reply_links=tuple(rr.reply_from_row(x) for x in links),
    )


def account_states(
    connection: Connection, org_id: str, window_start: datetime, window_end: datetime
) -> tuple[AccountState, ...]:
    """The last status of each of the organisation's accounts observed in ``[start, end]``."""
    s = t.account_snapshot
    rows = connection.execute(
        select(s.c.platform, s.c.handle_lower, s.c.handle, s.c.status)
        .where(
            s.c.org_id == org_id,
            s.c.observed_at >= to_utc(window_start),
            s.c.observed_at <= to_utc(window_end),
        )
        .order_by(s.c.platform, s.c.handle_lower, s.c.observed_at)
    ).all()
    last = {
        (r.platform, r.handle_lower): AccountState(r.platform, r.handle, r.status) for r in rows
    }
    return tuple(last.values())
