"""The dashboard's reads over the warehouse: typed rows for its pages, bound parameters only.

One function per page. Each takes an open ``Connection`` and reads what its page shows, no
more; assessments and their criteria come through ``maturity.warehouse.reads``.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, tuple_

from maturity.assessment import CriterionResult
from maturity.evidence import EvidenceRef, MetricValue
from maturity.warehouse import reads as wr
from maturity.warehouse import retention
from maturity.warehouse import schema as t
from maturity.warehouse.reads import AssessmentSummary, ExplainData

_ORDER = (
    t.assessment.c.org_id,
    t.assessment.c.window_end.desc(),
    t.assessment.c.window_start.desc(),
    t.run.c.first_started_at.desc(),
    t.assessment.c.rubric_version.desc(),
)


@dataclass(frozen=True, slots=True)
class PortfolioRow:
    """An organisation's latest assessment, the one before it, and its top next step."""

    org_id: str
    name: str
    sector: str
    verdict: str | None
    phase: int | None
    maturity_index: float | None
    confidence: float | None
    coverage: float | None
    window_end: datetime | None
    previous_verdict: str | None
    previous_phase: int | None
    top_step: str | None

    @property
    def assessed(self) -> bool:
        return self.verdict is not None

    @property
    def moved(self) -> int:
        """+1 up, -1 down, 0 same. Only between two assessed windows: insufficient evidence
        is missing data, not a phase, so a window without it is no move (nor is none before).
        """
        if self.verdict != "assessed" or self.previous_verdict != "assessed":
            return 0
        now, before = self.phase or 0, self.previous_phase or 0
        return (now > before) - (now < before)


def portfolio(connection: Connection) -> list[PortfolioRow]:
    """Every organisation, with its latest and previous assessment (ordered by org id)."""
    a, o = t.assessment, t.organisation
    orgs = connection.execute(select(o.c.org_id, o.c.name, o.c.sector).order_by(o.c.org_id)).all()
    heads = connection.execute(
        select(
            a.c.org_id,
            a.c.window_start,
            a.c.window_end,
            a.c.rubric_id,
            a.c.rubric_version,
            a.c.verdict,
            a.c.phase,
            a.c.maturity_index,
            a.c.confidence,
            a.c.coverage,
        )
        .join(t.run, t.run.c.run_id == a.c.run_id)
        .order_by(*_ORDER)
    ).all()
    latest: dict[str, tuple[object, ...]] = {}
    previous: dict[str, tuple[object, ...]] = {}
    for row in heads:
        org_id = row.org_id
        if org_id not in latest:
            latest[org_id] = tuple(row)
        elif org_id not in previous and row.window_end < latest[org_id][2]:  # type: ignore[operator]
            previous[org_id] = tuple(row)
    steps = _top_steps(connection, latest.values())
    rows = []
    for org_id, name, sector in orgs:
        head = latest.get(org_id)
        before = previous.get(org_id)
        rows.append(
            PortfolioRow(
                org_id=org_id,
                name=name,
                sector=sector,
                verdict=str(head[5]) if head else None,
                phase=head[6] if head else None,  # type: ignore[arg-type]
                maturity_index=head[7] if head else None,  # type: ignore[arg-type]
                confidence=head[8] if head else None,  # type: ignore[arg-type]
                coverage=head[9] if head else None,  # type: ignore[arg-type]
                window_end=head[2] if head else None,  # type: ignore[arg-type]
                previous_verdict=str(before[5]) if before else None,
                previous_phase=before[6] if before else None,  # type: ignore[arg-type]
                top_step=steps.get(head[:5]) if head else None,
            )
        )
    return rows


def _top_steps(
    connection: Connection, heads: Iterable[tuple[object, ...]]
) -> dict[tuple[object, ...], str]:
    """The rank-1 next step of each assessment key."""
    wanted = {h[:5] for h in heads}
    if not wanted:
        return {}
    ns = t.next_step
    rows = connection.execute(
        select(*(ns.c[k] for k in t.ASSESSMENT_KEY), ns.c.criterion_id).where(ns.c.rank == 1)
    ).all()
    return {tuple(r[:5]): r[5] for r in rows if tuple(r[:5]) in wanted}


# -- one organisation -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrendPoint:
    metric_id: str
    platform: str
    window_end: datetime
    value: float
    sector_p25: float | None
    sector_median: float | None
    sector_p75: float | None
    sector_n: int
    """How many organisations of the sector had a value for this metric in this window."""


@dataclass(frozen=True, slots=True)
class OrganisationView:
    latest: ExplainData | None
    history: list[AssessmentSummary]
    trends: list[TrendPoint]
    sector: str
    name: str


def organisation(connection: Connection, org_id: str) -> OrganisationView:
    """``InputError`` (naming the known ids) if the organisation is unknown."""
    org = wr.require_organisation(connection, org_id)
    latest = wr.latest_assessment(connection, org_id)
    history = wr.assessment_history(connection, org_id)
    trends = _trends(connection, org_id, org.sector, latest) if latest else []
    return OrganisationView(latest, history, trends, org.sector, org.name)


TREND_SERIES = 9
"""At most this many metric series on an organisation's page: gates first, in rubric order."""


def _trend_metrics(latest: ExplainData) -> list[tuple[str, str]]:
    """(metric, platform) of the observed criteria's organisation- or platform-wide values."""
    seen: dict[tuple[str, str], None] = {}
    criteria = sorted(latest.assessment.criteria, key=lambda r: r.role != "gate")
    for r in criteria:
        for v in r.metric_values:
            if v.account is None:
                seen[(v.metric_id, v.platform)] = None
    return list(seen)[:TREND_SERIES]


def _trends(
    connection: Connection, org_id: str, sector: str, latest: ExplainData
) -> list[TrendPoint]:
    keys = _trend_metrics(latest)
    if not keys:
        return []
    mv, o = t.metric_value, t.organisation
    rows = connection.execute(
        select(mv.c.org_id, mv.c.metric_id, mv.c.platform, mv.c.window_end, mv.c.value)
        .join(o, o.c.org_id == mv.c.org_id)
        .where(
            o.c.sector == sector,
            tuple_(mv.c.metric_id, mv.c.platform).in_(keys),
            mv.c.account == "",
        )
    ).all()
    wanted = set(keys)
    own: dict[tuple[str, str, datetime], float] = {}
    sector_values: dict[tuple[str, str, datetime], list[float]] = defaultdict(list)
    for r in rows:
        key = (r.metric_id, r.platform, r.window_end)
        if (r.metric_id, r.platform) not in wanted or r.value is None:
            continue
        sector_values[key].append(float(r.value))
        if r.org_id == org_id:
            own[key] = float(r.value)
    points = []
    for key, value in sorted(own.items()):
        p25, median, p75 = _quartiles(sector_values[key])
        points.append(
            TrendPoint(key[0], key[1], key[2], value, p25, median, p75, len(sector_values[key]))
        )
    return points


def _quartiles(values: Sequence[float]) -> tuple[float | None, float | None, float | None]:
    """P25, median and P75 (inclusive method); None for fewer than two organisations."""
    if len(values) < 2:
        return None, None, None
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


# -- evidence drill-down ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExampleItem:
    """An item behind a metric value, and the raw page it was read from."""

    ref: EvidenceRef
    kind: str | None
    """post kind or inbound message kind; None when the record is no longer stored."""
    created_at: datetime | None
    page_path: str | None
    page_sha256: str | None
    purged_at: datetime | None


@dataclass(frozen=True, slots=True)
class MetricEvidence:
    value: MetricValue
    items: list[ExampleItem]
    pages: list[tuple[EvidenceRef, datetime | None]]
    queries: list[str]


@dataclass(frozen=True, slots=True)
class CriterionEvidence:
    data: ExplainData
    result: CriterionResult
    metrics: list[MetricEvidence]


def criterion_evidence(
    connection: Connection, org_id: str, criterion_id: str
) -> CriterionEvidence | None:
    """The latest assessment's criterion with its values, example items and pages; None if
    the organisation has no assessment or the assessment has no such criterion."""
    data = wr.latest_assessment(connection, org_id)
    if data is None:
        return None
    result = next((r for r in data.assessment.criteria if r.criterion_id == criterion_id), None)
    if result is None:
        return None
    refs = [ref for v in result.metric_values for ref in v.refs]
    records = _records(connection, org_id, [r for r in refs if r.kind == "item"])
    page_paths = [r.ref for r in refs if r.kind == "page"]
    page_paths += [r.page_path for r in records.values() if r.page_path]
    purged = retention.purged_pages(connection, page_paths) if page_paths else {}
    metrics = []
    for v in result.metric_values:
        items = []
        for ref in (r for r in v.refs if r.kind == "item"):
            found = records.get((ref.platform or "", ref.ref))
            path = found.page_path if found else None
            items.append(
                ExampleItem(
                    ref=ref,
                    kind=found.kind if found else None,
                    created_at=found.created_at if found else None,
                    page_path=path,
                    page_sha256=found.page_sha256 if found else None,
                    purged_at=purged.get(path) if path else None,
                )
            )
        pages = [(r, purged.get(r.ref)) for r in v.refs if r.kind == "page"]
        queries = [r.ref for r in v.refs if r.kind == "query"]
        metrics.append(MetricEvidence(v, items, pages, queries))
    return CriterionEvidence(data, result, metrics)


@dataclass(frozen=True, slots=True)
class _Record:
    kind: str
    created_at: datetime
    page_path: str | None
    page_sha256: str | None


def _records(
    connection: Connection, org_id: str, items: Sequence[EvidenceRef]
) -> dict[tuple[str, str], _Record]:
    """The stored posts and inbound messages named by item refs, by (platform, id)."""
    ids = sorted({r.ref for r in items})
    if not ids:
        return {}
    found: dict[tuple[str, str], _Record] = {}
    p, m = t.post, t.inbound_message
    for table, id_col in ((p, p.c.post_id), (m, m.c.message_id)):
        rows = connection.execute(
            select(
                table.c.platform,
                id_col,
                table.c.kind,
                table.c.created_at,
                table.c.page_path,
                table.c.page_sha256,
            ).where(table.c.org_id == org_id, id_col.in_(ids))
        ).all()
        for r in rows:
            found.setdefault((r[0], r[1]), _Record(r[2], r[3], r[4], r[5]))
    return found


# -- one Airflow run ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunRow:
    org_id: str
    name: str
    verdict: str
    phase: int | None
    confidence: float
    coverage: float
    run_id: str


def run_results(
    connection: Connection, *, run_id: str | None = None, window_end: datetime | None = None
) -> list[RunRow]:
    """The assessments a run wrote: by the warehouse's run id, or by the window's end (an
    Airflow run's data interval end is its window's end)."""
    a, o = t.assessment, t.organisation
    query = (
        select(
            a.c.org_id, o.c.name, a.c.verdict, a.c.phase, a.c.confidence, a.c.coverage, a.c.run_id
        )
        .join(o, o.c.org_id == a.c.org_id)
        .order_by(a.c.org_id, a.c.rubric_version)
    )
    if run_id is not None:
        query = query.where(a.c.run_id == run_id)
    if window_end is not None:
        query = query.where(a.c.window_end == window_end)
    return [RunRow(*r) for r in connection.execute(query).all()]
