"""Builders for scoring tests: metric values, facts and evidence in one line each."""

from __future__ import annotations

from datetime import UTC, date, datetime

from maturity.evidence import DeclaredFact, MetricValue, OrgEvidence, Window

WINDOW = Window(datetime(2026, 8, 3, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC))


def mv(
    metric: str, value: float | None, n: int, platform: str = "all", **kw: object
) -> MetricValue:
    return MetricValue(metric_id=metric, value=value, n=n, platform=platform, **kw)  # type: ignore[arg-type]


def fact(fact_id: str, value: bool | float, when: date = date(2026, 10, 1)) -> DeclaredFact:
    return DeclaredFact(fact_id, value, "Head of Communications", when, "policy.pdf")


def evidence(
    *items: MetricValue | DeclaredFact, expected: tuple[str, ...] = (), quarantined: int = 0
) -> OrgEvidence:
    return OrgEvidence(
        org_id="org",
        window=WINDOW,
        metrics=tuple(i for i in items if isinstance(i, MetricValue)),
        facts=tuple(i for i in items if isinstance(i, DeclaredFact)),
        platforms_expected=expected,
        quarantined_batches=quarantined,
    )
