"""The demo evidence places its fictional organisations where its header says they belong."""

from __future__ import annotations

import pytest

from maturity.assessment import Assessment, Status
from maturity.input_file import OrgInput, load_evidence_file
from maturity.phases import Phase
from maturity.rubric import load_default_rubric, load_rubric
from maturity.sandbox.demo import demo_evidence_path, demo_strict_rubric_path
from maturity.scoring import score

pytestmark = pytest.mark.unit

INSUFFICIENT = None

#: The intended outcome of each demo organisation, as the comment at the top of evidence.yaml says.
INTENDED: dict[str, Phase | None] = {
    "gemeente-duinwijk": Phase.STRATEGIC,
    "polderstroom-energie": Phase.CONVERGED,
    "woonstichting-klaverhof": Phase.FORMALIZED,
    "gemeente-grachtenburg": Phase.ENGAGEMENT,
    "waterschap-veenland-oost": Phase.ENGAGEMENT,
    "tulpenveld-verzekeringen": Phase.ENGAGEMENT,
    "gemeente-kanaalzijde": Phase.ENGAGEMENT,
    "museum-kleischuur": Phase.PRESENCE,
    "gemeente-zoutewaard": Phase.PRESENCE,
    "fietsenmakerij-de-spaak": Phase.PRESENCE,
    "gemeente-heidedorp": Phase.PLANNING,
    "brouwerij-dorstige-reiger": Phase.PLANNING,
    "gemeente-moerkerkenveld": INSUFFICIENT,
}


@pytest.fixture(scope="module")
def orgs() -> dict[str, OrgInput]:
    return {o.org_id: o for o in load_evidence_file(demo_evidence_path())}


@pytest.fixture(scope="module")
def assessed(orgs: dict[str, OrgInput]) -> dict[str, Assessment]:
    rubric = load_default_rubric()
    return {oid: score(rubric, o.evidence) for oid, o in orgs.items()}


def test_every_demo_organisation_has_an_intended_phase(orgs: dict[str, OrgInput]) -> None:
    assert list(orgs) == list(INTENDED)


@pytest.mark.parametrize(("org_id", "phase"), list(INTENDED.items()))
def test_each_organisation_lands_in_its_intended_phase(
    assessed: dict[str, Assessment], org_id: str, phase: Phase | None
) -> None:
    a = assessed[org_id]
    if phase is INSUFFICIENT:
        assert a.verdict == "insufficient_evidence"
        assert a.phase is None
    else:
        assert a.verdict == "assessed"
        assert a.phase == phase, [n.criterion_id for n in a.next_steps if n.phase == phase + 1]


def test_the_spread_covers_every_phase_and_insufficient_evidence(
    assessed: dict[str, Assessment],
) -> None:
    phases = {a.phase for a in assessed.values() if a.verdict == "assessed"}
    assert phases == set(Phase)
    assert any(a.verdict == "insufficient_evidence" for a in assessed.values())


def test_a_missing_platform_lowers_confidence_not_the_phase(
    assessed: dict[str, Assessment],
) -> None:
    a = assessed["gemeente-kanaalzijde"]
    assert a.platforms_missing == ("mastodon",)
    assert a.platforms_covered == ("x",)
    complete = [b for b in assessed.values() if b.phase == a.phase and not b.platforms_missing]
    assert complete
    assert all(a.confidence < b.confidence for b in complete)


def test_small_samples_leave_the_next_gates_uncertain(assessed: dict[str, Assessment]) -> None:
    a = assessed["fietsenmakerij-de-spaak"]
    gates = [r for r in a.criteria if r.phase == Phase.ENGAGEMENT and r.role == "gate"]
    assert gates
    assert {r.status for r in gates} == {Status.UNCERTAIN}


def test_observed_evidence_alone_reaches_engagement_at_most(
    orgs: dict[str, OrgInput], assessed: dict[str, Assessment]
) -> None:
    assert orgs["tulpenveld-verzekeringen"].evidence.facts == ()
    a = assessed["tulpenveld-verzekeringen"]
    declared_gates = [
        r
        for r in a.criteria
        if r.phase == Phase.FORMALIZED and r.role == "gate" and r.kind == "declared"
    ]
    assert {r.status for r in declared_gates} == {Status.UNKNOWN}


def test_the_strict_municipality_rubric_demotes_slow_municipalities(
    orgs: dict[str, OrgInput], assessed: dict[str, Assessment]
) -> None:
    strict = load_rubric(demo_strict_rubric_path())
    demoted = {
        oid: score(strict, orgs[oid].evidence).phase
        for oid in ("gemeente-grachtenburg", "gemeente-kanaalzijde")
    }
    assert demoted == {
        "gemeente-grachtenburg": Phase.PRESENCE,
        "gemeente-kanaalzijde": Phase.PRESENCE,
    }
    assert score(strict, orgs["gemeente-duinwijk"].evidence).phase == (
        assessed["gemeente-duinwijk"].phase
    )
