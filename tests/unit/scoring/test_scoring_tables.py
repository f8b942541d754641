"""Scoring decided by tables a reader can check against small_rubric.yaml."""

from __future__ import annotations

import pytest
from scoring_builders import evidence, fact, mv

from maturity.assessment import Status
from maturity.phases import Phase
from maturity.rubric import Rubric
from maturity.scoring import combine, decide, score

pytestmark = pytest.mark.unit

M, N, U, K = Status.MET, Status.NOT_MET, Status.UNCERTAIN, Status.UNKNOWN


@pytest.mark.parametrize(
    ("comparator", "threshold", "low", "high", "expected"),
    [
        (">=", 0.5, 0.6, 0.8, M),
        (">=", 0.5, 0.5, 0.8, M),
        (">=", 0.5, 0.3, 0.49, N),
        (">=", 0.5, 0.4, 0.6, U),
        (">", 0.5, 0.5, 0.8, U),
        (">", 0.5, 0.3, 0.5, N),
        ("<=", 24, 2, 24, M),
        ("<=", 24, 25, 30, N),
        ("<=", 24, 20, 30, U),
        ("<", 24, 2, 24, U),
        ("<", 24, 24, 30, N),
        ("==", 1, 1, 1, M),
        ("==", 1, 0, 0, N),
    ],
)
def test_decide(
    comparator: str, threshold: float, low: float, high: float, expected: Status
) -> None:
    assert decide(comparator, threshold, low, high) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("statuses", "aggregate", "expected"),
    [
        ([M, N], "any", M),
        ([N, U], "any", U),
        ([N, N], "any", N),
        ([K, K], "any", K),
        ([M, K], "all", M),
        ([M, N], "all", N),
        ([M, U], "all", U),
        ([], "all", K),
    ],
)
def test_combine(statuses: list[Status], aggregate: str, expected: Status) -> None:
    assert combine(statuses, aggregate) == expected


RR = "responsiveness.response_rate"


@pytest.mark.parametrize(
    ("value", "n", "expected", "why"),
    [
        (0.9, 100, M, "Wilson lower bound 0.83 >= 0.5"),
        (0.56, 400, M, "lower bound 0.511 >= 0.5"),
        (0.55, 100, U, "interval 0.45-0.64 straddles 0.5"),
        (0.3, 100, N, "upper bound 0.40 < 0.5"),
        (1.0, 5, U, "5 is below the minimum sample of 20"),
        (0.0, 19, U, "19 is below the minimum sample of 20"),
        (0.0, 20, N, "upper bound 0.16 < 0.5"),
        (None, 10, K, "no value"),
        (0.9, 0, K, "no sample"),
    ],
)
def test_response_rate_is_decided_with_wilson(
    small_rubric: Rubric, value: float | None, n: int, expected: Status, why: str
) -> None:
    a = score(small_rubric, evidence(mv(RR, value, n)))
    result = next(r for r in a.criteria if r.criterion_id == "p3.response_rate")
    assert result.status == expected, why


@pytest.mark.parametrize(
    ("value", "ci", "expected"),
    [
        (10.0, None, M),
        (24.0, None, M),
        (30.0, None, N),
        (22.0, (18.0, 29.0), U),
        (22.0, (18.0, 23.0), M),
    ],
)
def test_duration_uses_point_value_or_its_interval(
    small_rubric: Rubric, value: float, ci: tuple[float, float] | None, expected: Status
) -> None:
    kw = {"ci_low": ci[0], "ci_high": ci[1]} if ci else {}
    a = score(
        small_rubric, evidence(mv("responsiveness.first_response_median_hours", value, 50, **kw))
    )
    assert next(r for r in a.criteria if r.criterion_id == "p3.median").status == expected


def test_census_proportion_is_compared_as_is(small_rubric: Rubric) -> None:
    """Profile completeness counts every field there is: 8 of 10 fields meets >= 0.8."""
    met = score(small_rubric, evidence(mv("presence.profile_completeness", 0.8, 10)))
    miss = score(small_rubric, evidence(mv("presence.profile_completeness", 0.7, 10)))
    assert next(r for r in met.criteria if r.criterion_id == "p2.weeks").status == M
    assert next(r for r in miss.criteria if r.criterion_id == "p2.weeks").status == N


@pytest.mark.parametrize(
    ("platform_values", "expected"),
    [
        ({"x": 6.0, "reddit": 1.0}, M),  # x meets 5
        ({"x": 4.0, "reddit": 3.0}, M),  # reddit meets 2
        ({"x": 4.0, "reddit": 1.0}, N),
        ({"x": 4.0}, N),
        ({"mastodon": 100.0}, K),  # no threshold for mastodon and no default
    ],
)
def test_per_platform_thresholds(
    small_rubric: Rubric, platform_values: dict[str, float], expected: Status
) -> None:
    items = [mv("interaction.engagement_per_post", v, 50, p) for p, v in platform_values.items()]
    a = score(small_rubric, evidence(*items))
    assert next(r for r in a.criteria if r.criterion_id == "p3.engagement").status == expected


def test_aggregate_all_needs_every_measured_platform(small_rubric: Rubric) -> None:
    both = evidence(
        mv("responsiveness.within_1h_share", 0.9, 200, "x"),
        mv("responsiveness.within_1h_share", 0.9, 200, "reddit"),
    )
    one_bad = evidence(
        mv("responsiveness.within_1h_share", 0.9, 200, "x"),
        mv("responsiveness.within_1h_share", 0.1, 200, "reddit"),
    )
    pick = lambda a: next(r for r in a.criteria if r.criterion_id == "p6.within_1h").status  # noqa: E731
    assert pick(score(small_rubric, both)) == M
    assert pick(score(small_rubric, one_bad)) == N


def _phase3_evidence(**overrides: float) -> list:
    base = {"accounts": 3, "completeness": 0.9, "rr": 0.8}
    base.update(overrides)
    return [
        mv("presence.accounts_total", base["accounts"], 3),
        mv("presence.profile_completeness", base["completeness"], 15),
        mv(RR, base["rr"], 200),
    ]


@pytest.mark.parametrize(
    ("items", "phase", "attained", "verdict"),
    [
        ([], None, (), "insufficient_evidence"),
        ([fact("declared.kpis_defined", True)], None, (), "assessed"),  # support only: no gate
        ([mv("presence.accounts_total", 0, 2)], None, (), "assessed"),
        ([mv("presence.accounts_total", 1, 1)], Phase.PLANNING, (Phase.PLANNING,), "assessed"),
        (_phase3_evidence(completeness=0.5), Phase.PLANNING, (Phase.PLANNING,), "assessed"),
        (_phase3_evidence(rr=0.2), Phase.PRESENCE, (Phase.PLANNING, Phase.PRESENCE), "assessed"),
        (_phase3_evidence(), Phase.ENGAGEMENT, tuple(Phase)[:3], "assessed"),
        (
            [
                *_phase3_evidence(),
                mv("organisation.functions_with_accounts", 4, 4),
                fact("declared.governance_structure", True),
            ],
            Phase.FORMALIZED,
            tuple(Phase)[:4],
            "assessed",
        ),
        (
            [
                *_phase3_evidence(),
                mv("organisation.functions_with_accounts", 4, 4),
                fact("declared.governance_structure", True),
                fact("declared.executive_sponsor", True),
                mv("responsiveness.within_1h_share", 0.8, 300, "x"),
            ],
            Phase.CONVERGED,
            tuple(Phase),
            "assessed",
        ),
        # cumulative: meeting phase 4-6 gates does not help when phase 3's gate fails
        (
            [
                *_phase3_evidence(rr=0.2),
                mv("organisation.functions_with_accounts", 4, 4),
                fact("declared.governance_structure", True),
                fact("declared.executive_sponsor", True),
                mv("responsiveness.within_1h_share", 0.8, 300, "x"),
            ],
            Phase.PRESENCE,
            tuple(Phase)[:2],
            "assessed",
        ),
    ],
)
def test_phase_tables(
    small_rubric: Rubric,
    items: list,
    phase: Phase | None,
    attained: tuple[Phase, ...],
    verdict: str,
) -> None:
    a = score(small_rubric, evidence(*items))
    assert (a.phase, a.phases_attained, a.verdict) == (phase, attained, verdict)


def test_insufficient_evidence_is_not_phase_one(small_rubric: Rubric) -> None:
    a = score(small_rubric, evidence())
    assert a.verdict == "insufficient_evidence"
    assert a.phase is None
    assert a.confidence == 0.0
    assert a.next_steps[0].phase == Phase.PLANNING


def test_index_adds_the_met_share_of_the_next_phase(small_rubric: Rubric) -> None:
    # phase 2 attained; phase 3 has weights 5 (gate), 3, 1: the median (3) is met -> 2 + 3/9
    items = [*_phase3_evidence(rr=0.2), mv("responsiveness.first_response_median_hours", 3.0, 40)]
    a = score(small_rubric, evidence(*items))
    assert a.phase == Phase.PRESENCE
    assert a.maturity_index == pytest.approx(2 + 3 / 9, abs=0.01)


def test_next_steps_are_unmet_next_phase_criteria_by_weight(small_rubric: Rubric) -> None:
    a = score(small_rubric, evidence(*_phase3_evidence(rr=0.2)))
    assert [s.criterion_id for s in a.next_steps] == [
        "p3.response_rate",
        "p3.median",
        "p3.engagement",
    ]
    first = a.next_steps[0]
    assert first.status == N
    assert "0.2" in first.gap
    assert ">= 0.5" in first.gap


def test_missing_platform_lowers_confidence_not_phase(small_rubric: Rubric) -> None:
    items = [*_phase3_evidence(), mv(RR, 0.8, 200, "x")]
    measured = score(small_rubric, evidence(*items, expected=("x",)))
    one_missing = score(small_rubric, evidence(*items, expected=("x", "reddit")))
    assert measured.phase == one_missing.phase == Phase.ENGAGEMENT
    assert one_missing.confidence < measured.confidence
    assert one_missing.platforms_missing == ("reddit",)
    assert measured.platforms_covered == ("x",)


def test_small_samples_lower_confidence(small_rubric: Rubric) -> None:
    base = [mv("presence.accounts_total", 1, 1), mv("presence.profile_completeness", 0.9, 10)]
    big = score(small_rubric, evidence(*base, mv(RR, 0.9, 400)))
    small = score(small_rubric, evidence(*base, mv(RR, 0.9, 25)))
    assert big.phase == small.phase == Phase.ENGAGEMENT
    assert small.confidence < big.confidence


def test_quarantine_lowers_confidence(small_rubric: Rubric) -> None:
    clean = score(small_rubric, evidence(*_phase3_evidence()))
    flagged = score(small_rubric, evidence(*_phase3_evidence(), quarantined=1))
    assert flagged.confidence == pytest.approx(clean.confidence * 0.8, abs=0.002)
    assert flagged.phase == clean.phase


def test_latest_declaration_wins(small_rubric: Rubric) -> None:
    from datetime import date

    a = score(
        small_rubric,
        evidence(
            fact("declared.kpis_defined", True, date(2026, 1, 1)),
            fact("declared.kpis_defined", False, date(2026, 9, 1)),
        ),
    )
    r = next(r for r in a.criteria if r.criterion_id == "p1.kpis")
    assert r.status == N
    assert "2026-09-01" in r.reason


def test_account_level_values_do_not_decide_org_criteria(small_rubric: Rubric) -> None:
    a = score(small_rubric, evidence(mv(RR, 0.9, 400, "x", account="gemeente")))
    assert next(r for r in a.criteria if r.criterion_id == "p3.response_rate").status == K
