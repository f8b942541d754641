"""The rules of rubric 2026.12.0 (issue 12), each with the case that fails without it.

Built on the demo's housing corporation (phase 4 under both versions) and metric values made
here, so each test changes one thing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from scoring_builders import WINDOW, evidence, fact, mv

from maturity.assessment import Status
from maturity.confidence import DECLARED_STRENGTH
from maturity.errors import ConfigError
from maturity.evidence import AccountState, MetricValue, OrgEvidence, PriorAssessment
from maturity.input_file import load_evidence_file
from maturity.phases import Phase
from maturity.pipeline.settings import check_lookback
from maturity.reasons import note_text
from maturity.rubric import Rubric, load_default_rubric, load_rubric
from maturity.sandbox.demo import demo_evidence_path
from maturity.scoring import score

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def new() -> Rubric:
    return load_default_rubric()


@pytest.fixture(scope="module")
def old() -> Rubric:
    return load_rubric("2026.11.0")


@pytest.fixture(scope="module")
def demo() -> dict[str, OrgEvidence]:
    return {o.org_id: o.evidence for o in load_evidence_file(demo_evidence_path())}


def _with(ev: OrgEvidence, *values: MetricValue) -> OrgEvidence:
    """``ev`` with ``values`` replacing the organisation-level values of the same metric."""
    ids = {v.metric_id for v in values}
    kept = tuple(m for m in ev.metrics if m.metric_id not in ids)
    return replace(ev, metrics=kept + values)


def _status(a: object, criterion_id: str) -> Status:
    return next(r.status for r in a.criteria if r.criterion_id == criterion_id)  # type: ignore[attr-defined]


# -- 1. unreadable is not immature --------


UNREADABLE = (
    AccountState("x", "GemeenteNergens", "not_found"),
    AccountState("x", "NergensHelpt", "protected"),
    AccountState("reddit", "nergens", "suspended"),
)


def test_no_readable_account_is_insufficient_evidence_with_a_reason_per_account(
    new: Rubric,
) -> None:
    ev = replace(
        evidence(mv("presence.accounts_total", 0, 3), fact("declared.kpis_defined", True)),
        accounts=UNREADABLE,
    )
    a = score(new, ev)
    assert a.verdict == "insufficient_evidence"
    assert a.phase is None
    reasons = {n.account: note_text(n) for n in a.notes if n.code == "unreadable_account"}
    assert reasons == {
        "GemeenteNergens": "x:GemeenteNergens: not found: check the registry",
        "NergensHelpt": "x:NergensHelpt: protected",
        "nergens": "reddit:nergens: suspended",
    }
    nl = {note_text(n, "nl") for n in a.notes}
    assert "x:GemeenteNergens: niet gevonden: controleer het register" in nl


def test_deleted_accounts_are_readable_absence_so_no_phase_attained(new: Rubric) -> None:
    ev = replace(
        evidence(mv("presence.accounts_total", 0, 1)),
        accounts=(AccountState("x", "Gone", "deleted"),),
    )
    a = score(new, ev)
    assert a.verdict == "assessed"
    assert a.phase is None


def test_a_not_found_account_is_noted_even_when_others_are_read(
    new: Rubric, demo: dict[str, OrgEvidence]
) -> None:
    ev = replace(
        demo["woonstichting-klaverhof"],
        accounts=(AccountState("x", "Klaverhof", "active"), UNREADABLE[0]),
    )
    a = score(new, ev)
    assert a.verdict == "assessed"
    assert [(n.code, n.detail) for n in a.notes if n.account == "GemeenteNergens"] == [
        ("unreadable_account", "not_found")
    ]


# -- 2. declared facts are corroborated and dated --------


def test_klaverhof_is_formalized_under_both_versions(
    new: Rubric, old: Rubric, demo: dict[str, OrgEvidence]
) -> None:
    assert score(new, demo["woonstichting-klaverhof"]).phase == Phase.FORMALIZED
    assert score(old, demo["woonstichting-klaverhof"]).phase == Phase.FORMALIZED


@pytest.mark.parametrize(
    ("criterion_id", "contradiction"),
    [
        ("formalized.governance_structure", mv("organisation.hub_spoke_links", 0.0, 3)),
        ("formalized.governance_structure", mv("organisation.response_time_spread", 8.0, 4)),
        ("formalized.executive_sponsor", mv("organisation.executive_accounts", 0, 2)),
        ("strategic.all_staff_aware", mv("organisation.employee_accounts", 0, 6)),
    ],
)
def test_observed_evidence_contradicts_a_declaration(
    new: Rubric, demo: dict[str, OrgEvidence], criterion_id: str, contradiction: MetricValue
) -> None:
    base = demo["woonstichting-klaverhof"]
    fact_id = new.criterion(criterion_id).fact or ""
    if not any(f.fact_id == fact_id for f in base.facts):
        base = replace(base, facts=(*base.facts, fact(fact_id, True)))
    assert score(new, base).phase == Phase.FORMALIZED
    assert _status(score(new, base), criterion_id) == Status.MET
    ev = _with(base, contradiction)
    a = score(new, ev)
    assert _status(a, criterion_id) == Status.CONTRADICTED
    r = next(r for r in a.criteria if r.criterion_id == criterion_id)
    assert f"contradicted_by:{contradiction.metric_id}" in r.flags
    assert "contradicted" in r.reason
    if new.criterion(criterion_id).role == "gate":
        assert a.phase is not None
        assert a.phase < new.criterion(criterion_id).phase


def test_too_small_a_sample_does_not_contradict(new: Rubric, demo: dict[str, OrgEvidence]) -> None:
    ev = _with(demo["woonstichting-klaverhof"], mv("organisation.hub_spoke_links", 0.0, 1))
    assert _status(score(new, ev), "formalized.governance_structure") == Status.MET


def test_a_declaration_after_the_window_is_not_used(new: Rubric) -> None:
    after = fact("declared.kpis_defined", True, when=date(2026, 12, 1))
    a = score(new, evidence(mv("presence.accounts_total", 1, 1), after))
    r = next(r for r in a.criteria if r.criterion_id == "planning.kpis")
    assert r.status == Status.UNKNOWN
    assert "after the window" in r.reason


def test_a_stale_declaration_lowers_confidence_not_the_status(
    new: Rubric, demo: dict[str, OrgEvidence]
) -> None:
    base = demo["woonstichting-klaverhof"]
    stale = replace(
        base,
        facts=tuple(replace(f, declared_at=date(2024, 1, 15)) for f in base.facts),
    )
    fresh, old_ = score(new, base), score(new, stale)
    assert old_.phase == fresh.phase
    assert old_.confidence < fresh.confidence
    r = next(r for r in old_.criteria if r.criterion_id == "formalized.governance_structure")
    assert "stale:18" in r.flags
    assert "stale" in r.reason


def test_declared_evidence_weighs_less_than_observed(new: Rubric) -> None:
    """A met declared criterion counts for less in the confidence than a met observed one."""
    from maturity.scoring import _strength

    a = score(
        new,
        evidence(mv("presence.accounts_total", 2, 2), fact("declared.listening_programme", True)),
    )
    by_id = {r.criterion_id: r for r in a.criteria}
    observed = _strength(by_id["planning.accounts_exist"], new)
    declared = _strength(by_id["planning.listening"], new)
    assert observed == 1.0
    assert declared == DECLARED_STRENGTH
    assert declared < observed


# -- 3. phase 4 as the seed has it --------------------------------------------------------------


def test_one_central_account_is_not_barred_from_phase_4(
    new: Rubric, old: Rubric, demo: dict[str, OrgEvidence]
) -> None:
    central = _with(
        demo["woonstichting-klaverhof"], mv("organisation.functions_with_accounts", 1, 1)
    )
    assert score(new, central).phase == Phase.FORMALIZED
    assert score(old, central).phase == Phase.ENGAGEMENT


def test_the_executive_sponsor_is_a_phase_4_gate(new: Rubric, demo: dict[str, OrgEvidence]) -> None:
    base = demo["woonstichting-klaverhof"]
    without = replace(
        base, facts=tuple(f for f in base.facts if f.fact_id != "declared.executive_sponsor")
    )
    assert score(new, without).phase == Phase.ENGAGEMENT


# -- 4. decision rules that do not depend on volume --------


@pytest.mark.parametrize(
    ("criterion_id", "value", "n", "old_status", "new_status"),
    [
        ("engagement.response_rate", 0.35, 20, Status.UNCERTAIN, Status.MET),
        ("engagement.response_rate", 0.30, 200, Status.UNCERTAIN, Status.MET),
        ("engagement.response_rate", 0.25, 200, Status.UNCERTAIN, Status.NOT_MET),
        ("converged.response_rate", 35 / 50, 50, Status.UNCERTAIN, Status.MET),
        ("converged.response_rate", 0.9, 40, Status.UNCERTAIN, Status.UNCERTAIN),
    ],
)
def test_point_estimate_from_the_minimum_sample(
    new: Rubric,
    old: Rubric,
    criterion_id: str,
    value: float,
    n: int,
    old_status: Status,
    new_status: Status,
) -> None:
    ev = evidence(mv("responsiveness.response_rate", value, n))
    assert _status(score(old, ev), criterion_id) == old_status
    assert _status(score(new, ev), criterion_id) == new_status


def test_a_gate_short_only_of_sample_size_leaves_the_next_phase_undecided(
    new: Rubric, demo: dict[str, OrgEvidence]
) -> None:
    a = score(new, demo["fietsenmakerij-de-spaak"])
    assert a.phase == Phase.PRESENCE
    assert [(n.code, n.value) for n in a.notes if n.code == "next_phase_undecided"] == [
        ("next_phase_undecided", 3)
    ]
    assert note_text(a.notes[-1]) == "phase 3 cannot be decided yet (too little evidence)"
    # a plain failure of a gate is not "undecided"
    failing = _with(demo["fietsenmakerij-de-spaak"], mv("activity.reply_share", 0.02, 200))
    assert not [n for n in score(new, failing).notes if n.code == "next_phase_undecided"]


def test_a_contradicted_claim_discounts_the_other_declared_gates(new: Rubric) -> None:
    """Claims convergence, shows one webcare account: its phase 5 claim that all staff are
    aware is contradicted (no employee accounts), so its phase 4 declarations are not taken on
    its word either, while an organisation that claims phase 4 alone keeps them."""
    from maturity.scoring import discount_declarations, score_criteria

    declared = [c.criterion_id for c in score_criteria(new, evidence()) if c.kind == "declared"]
    assert declared
    phase4_gates = [
        c.id for c in new.criteria if c.kind == "declared" and c.role == "gate" and c.phase == 4
    ]
    assert phase4_gates
    contradicted = replace(
        score_criteria(new, evidence())[0], criterion_id="x", status=Status.CONTRADICTED
    )
    met_gate = next(
        replace(r, status=Status.MET)
        for r in score_criteria(new, evidence())
        if r.criterion_id == phase4_gates[0]
    )
    out = discount_declarations([contradicted, met_gate])
    assert out[1].status == Status.UNCERTAIN
    assert "discounted_by:x" in out[1].flags
    assert discount_declarations([met_gate])[0].status == Status.MET


# -- 5. time --------

PRIOR = PriorAssessment(3, datetime(2026, 5, 4, tzinfo=UTC))
QUIET = (
    mv("presence.accounts_total", 1, 1),
    mv("activity.posts_per_week", 0.0, 13),
    mv("activity.active_weeks_share", 0.0, 13),
)


def test_quiet_accounts_after_phase_2_are_lapsed(new: Rubric) -> None:
    a = score(new, replace(evidence(*QUIET), prior=PRIOR))
    lapsed = [n for n in a.notes if n.code == "lapsed"]
    assert [(n.value, n.detail) for n in lapsed] == [(3, "2026-05-04")]
    assert "lapsed" in note_text(lapsed[0])
    assert not [n for n in score(new, evidence(*QUIET)).notes if n.code == "lapsed"]
    low = replace(evidence(*QUIET), prior=PriorAssessment(1, PRIOR.window_end))
    assert not [n for n in score(new, low).notes if n.code == "lapsed"]


def test_an_account_that_went_quiet_while_the_organisation_moved_is_lapsed(new: Rubric) -> None:
    """Webcare moved from X to Mastodon: judged on Mastodon's activity, the X account named."""
    prior = PriorAssessment(
        3, datetime(2026, 5, 4, tzinfo=UTC), (("x", "GemDuinwijk"), ("reddit", "duinwijk"))
    )
    moved = evidence(
        mv("presence.accounts_total", 3, 3),
        mv("activity.posts_per_week", 6.0, 13),
        mv("activity.active_weeks_share", 1.0, 13),
        mv("activity.posts_per_week", 0.0, 13, platform="x", account="GemDuinwijk"),
        mv("activity.posts_per_week", 2.0, 13, platform="reddit", account="duinwijk"),
        mv("activity.posts_per_week", 4.0, 13, platform="mastodon", account="gem@social.nl"),
    )
    a = score(new, replace(moved, prior=prior))
    lapsed = [n for n in a.notes if n.code == "account_lapsed"]
    assert [(n.platform, n.account) for n in lapsed] == [("x", "GemDuinwijk")]
    assert "x:GemDuinwijk" in note_text(lapsed[0])
    assert "x:GemDuinwijk" in note_text(lapsed[0], "nl")
    assert not [n for n in a.notes if n.code == "lapsed"]  # the organisation itself goes on
    assert _status(a, "presence.posting_regularity") == Status.MET
    # without an earlier window there is nothing to lapse from
    assert not [n for n in score(new, moved).notes if n.code == "account_lapsed"]


def test_capped_history_is_not_silence(new: Rubric) -> None:
    capped = (
        *QUIET,
        mv("activity.history_capped", 1, 1),
        mv("activity.observed_span_days", 12, 1),
    )
    a = score(new, replace(evidence(*capped), prior=PRIOR))
    assert not [n for n in a.notes if n.code == "lapsed"]
    assert [(n.code, n.value) for n in a.notes if n.code == "history_capped"] == [
        ("history_capped", 12)
    ]
    assert _status(a, "presence.posting_regularity") == Status.UNCERTAIN
    uncapped = score(new, evidence(*QUIET))
    assert _status(uncapped, "presence.posting_regularity") == Status.NOT_MET


def test_the_few_weeks_of_a_capped_history_are_decided_as_a_census(new: Rubric) -> None:
    """A giant whose 3,200 posts cover three weeks: those weeks are all the platform serves,
    not a small sample of the window, so they decide regularity and volume."""
    giant = (
        mv("presence.accounts_total", 1, 1),
        mv("activity.posts_per_week", 380.0, 4),
        mv("activity.active_weeks_share", 1.0, 4),
        mv("activity.observed_span_days", 23, 1),
    )
    capped = score(new, evidence(*giant, mv("activity.history_capped", 1, 1)))
    assert _status(capped, "presence.posting_regularity") == Status.MET
    assert _status(capped, "presence.posting_volume") == Status.MET
    # the same four weeks without a cap are a small sample of the window: not decided yet
    short = score(new, evidence(*giant))
    assert _status(short, "presence.posting_regularity") == Status.UNCERTAIN


def test_another_window_than_the_rubric_is_calibrated_for_is_noted(new: Rubric) -> None:
    a = score(new, replace(evidence(*QUIET), lookback_days=70))
    assert [(n.code, n.value) for n in a.notes if n.code == "lookback_mismatch"] == [
        ("lookback_mismatch", 70)
    ]
    assert not score(new, replace(evidence(*QUIET), lookback_days=91)).notes


def test_a_window_below_the_rubric_minimum_is_refused(new: Rubric) -> None:
    with pytest.raises(ConfigError) as err:
        check_lookback(40, new)
    text = str(err.value)
    assert "MATURITY_LOOKBACK_DAYS" in text
    assert "91" in text
    check_lookback(91, new)
    check_lookback(70, new)  # warns, see the log
    check_lookback(40, load_rubric("2026.11.0"))  # no calibration: the old version does not check


# -- 6. coverage across platforms --------


def test_a_platform_without_an_account_is_not_immaturity(
    new: Rubric, demo: dict[str, OrgEvidence]
) -> None:
    base = demo["woonstichting-klaverhof"]
    wider = replace(base, platforms_expected=(*base.platforms_expected, "reddit", "bluesky"))
    a, b = score(new, base), score(new, wider)
    assert b.phase == a.phase
    assert b.platforms_covered == a.platforms_covered
    assert set(b.platforms_missing) == {"reddit", "bluesky"}
    assert b.confidence < a.confidence


# -- 7. automated replies --------


def test_automated_replies_are_flagged_with_what_was_seen(new: Rubric) -> None:
    ev = evidence(*QUIET, mv("responsiveness.automated_reply_share", 0.6, 40))
    notes = [n for n in score(new, ev).notes if n.code == "automated_replies"]
    assert [(n.value, n.detail) for n in notes] == [(0.6, "40")]
    assert "60%" in note_text(notes[0])
    assert "60%" in note_text(notes[0], "nl")
    few = evidence(*QUIET, mv("responsiveness.automated_reply_share", 0.1, 40))
    assert not [n for n in score(new, few).notes if n.code == "automated_replies"]


def test_window_is_the_builders(new: Rubric) -> None:
    assert WINDOW.end.date() == date(2026, 11, 2)


def test_with_no_readable_account_nothing_counts_as_observed(new: Rubric) -> None:
    from maturity.reasons import criterion_reason

    ev = replace(evidence(mv("presence.accounts_total", 0, 3)), accounts=UNREADABLE)
    a = score(new, ev)
    gate = next(r for r in a.criteria if r.criterion_id == "planning.accounts_exist")
    assert gate.status == Status.UNKNOWN
    assert "could be read" in gate.reason
    nl = criterion_reason(gate, new.criterion(gate.criterion_id), "nl")
    assert "geen account van de organisatie was te lezen" in nl
    assert a.next_steps[0].gap == gate.reason
