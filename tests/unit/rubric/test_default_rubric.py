"""The default rubric covers the seed's goals, follows the design rules and matches its docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from maturity.metric_dictionary import METRICS_BY_ID
from maturity.phases import Phase
from maturity.rubric import Rubric, load_default_rubric, load_rubric
from maturity.sandbox.demo import demo_strict_rubric_path

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "rubric.md"
STRICT = demo_strict_rubric_path()

#: Every goal of the seed text (phases 1-5) and of Altimeter's Converged stage (phase 6).
SEED_GOALS = {
    Phase.PLANNING: [
        "p1.listen_customers",
        "p1.pilots",
        "p1.readiness_audit",
        "p1.kpis",
        "p1.share_findings",
    ],
    Phase.PRESENCE: [
        "p2.durable_accounts",
        "p2.content_marketing",
        "p2.proactive_information",
        "p2.metrics_business_goals",
        "p2.no_response_expectations",
    ],
    Phase.ENGAGEMENT: [
        "p3.conversations",
        "p3.customer_journey",
        "p3.support",
        "p3.risk_training",
        "p3.internal_collaboration",
    ],
    Phase.FORMALIZED: [
        "p4.internal_ambassador",
        "p4.coordination_structure",
        "p4.board_support",  # the seed's purpose of phase 4: board and management support
        "p4.org_wide_roles",
    ],
    Phase.STRATEGIC: ["p5.strategic_level", "p5.all_staff_aware", "p5.departments_involved"],
    Phase.CONVERGED: ["p6.social_in_every_function", "p6.customer_experience", "p6.one_strategy"],
}
ALL_GOALS = [g for goals in SEED_GOALS.values() for g in goals]

#: Altimeter's seven success factors and the declared facts that stand for them.
SUCCESS_FACTORS = {
    "business goals": "declared.business_goals_prioritised",
    "long-term vision": "declared.long_term_vision",
    "executive support": "declared.executive_sponsor",
    "strategy roadmap": "declared.strategy_roadmap",
    "governance and guidelines": "declared.governance_structure",
    "staff, resources and funding": "declared.budget_and_staff",
    "technology": "declared.technology_stack",
}


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_default_rubric()


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _table_rows(markdown: str, heading: str) -> list[list[str]]:
    """The body rows of the tables in the section under ``## heading``, as lists of cells."""
    section = markdown.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if line.startswith("| `"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def _ids(cell: str) -> set[str]:
    return set(re.findall(r"`([^`]+)`", cell))


# ---------------------------------------------------------------- identity


def test_identity(rubric: Rubric) -> None:
    assert rubric.rubric == "social-business-maturity"
    assert rubric.version == "2026.12.1"
    assert rubric.title.en
    assert rubric.title.nl
    assert rubric.title.en != rubric.title.nl


# ---------------------------------------------------------------- goals


def test_the_goals_are_exactly_the_seed_goals(rubric: Rubric) -> None:
    assert [g.id for g in rubric.goals] == ALL_GOALS


@pytest.mark.parametrize("goal_id", ALL_GOALS)
def test_every_seed_goal_is_cited(rubric: Rubric, goal_id: str) -> None:
    citing = [c.id for c in rubric.criteria if goal_id in c.goals]
    assert citing, f"no criterion tests {goal_id}"


@pytest.mark.parametrize(("phase", "goal_ids"), list(SEED_GOALS.items()))
def test_goals_sit_in_their_phase(rubric: Rubric, phase: Phase, goal_ids: list[str]) -> None:
    by_id = {g.id: g for g in rubric.goals}
    for gid in goal_ids:
        assert by_id[gid].phase == phase
        assert by_id[gid].source == ("altimeter" if phase == Phase.CONVERGED else "seed")


# ---------------------------------------------------------------- criteria and design rules


def test_size(rubric: Rubric) -> None:
    assert 40 <= len(rubric.criteria) <= 56


@pytest.mark.parametrize("phase", list(Phase))
def test_every_phase_has_a_few_gates(rubric: Rubric, phase: Phase) -> None:
    gates = [c for c in rubric.for_phase(phase) if c.role == "gate"]
    assert 1 <= len(gates) <= 4


def test_observed_criteria_read_known_metrics(rubric: Rubric) -> None:
    for c in rubric.criteria:
        if c.kind == "observed":
            assert c.metric in METRICS_BY_ID, c.id
            assert c.fact is None, c.id
        else:
            assert c.fact, c.id
            assert c.fact.startswith("declared."), c.id
            assert c.metric is None, c.id


def test_planning_is_gated_by_observed_evidence_only(rubric: Rubric) -> None:
    """Otherwise no organisation without a questionnaire could ever be placed."""
    gates = [c for c in rubric.for_phase(Phase.PLANNING) if c.role == "gate"]
    assert {c.kind for c in gates} == {"observed"}
    assert any(c.metric == "presence.accounts_total" for c in gates)
    supports = [c for c in rubric.for_phase(Phase.PLANNING) if c.role == "support"]
    assert supports
    assert all(c.kind == "declared" for c in supports)


@pytest.mark.parametrize("phase", [Phase.PRESENCE, Phase.ENGAGEMENT])
def test_presence_and_engagement_gates_are_observed(rubric: Rubric, phase: Phase) -> None:
    assert {c.kind for c in rubric.for_phase(phase) if c.role == "gate"} == {"observed"}


def test_presence_asks_for_no_responsiveness(rubric: Rubric) -> None:
    """The seed: interaction stays out of the Presence phase, on purpose."""
    for c in rubric.for_phase(Phase.PRESENCE):
        assert not (c.metric or "").startswith(("responsiveness.", "interaction.")), c.id


@pytest.mark.parametrize("phase", [Phase.STRATEGIC, Phase.CONVERGED])
def test_later_gates_mix_observed_and_declared(rubric: Rubric, phase: Phase) -> None:
    assert {c.kind for c in rubric.for_phase(phase) if c.role == "gate"} == {"observed", "declared"}


def test_formalized_allows_one_central_account_and_asks_board_support(rubric: Rubric) -> None:
    """The seed: a central *or* hub-and-spoke structure; board support is phase 4's purpose."""
    gates = [c for c in rubric.for_phase(Phase.FORMALIZED) if c.role == "gate"]
    assert all(c.metric != "organisation.functions_with_accounts" for c in gates)
    assert rubric.criterion("formalized.functions_with_accounts").role == "support"
    sponsor = [c for c in rubric.criteria if c.fact == "declared.executive_sponsor"]
    assert [(c.phase, c.role) for c in sponsor] == [(Phase.FORMALIZED, "gate")]
    # the declared gates of phase 4 are corroborated by the accounts
    assert all(
        c.contradicted_when
        for c in gates
        if c.kind == "declared" and c.id != "formalized.roles_assigned"
    )


def test_declarations_are_corroborated_where_the_brief_pairs_them(rubric: Rubric) -> None:
    pairs = {
        c.fact: {r.metric for r in c.contradicted_when}
        for c in rubric.criteria
        if c.contradicted_when
    }
    assert pairs == {
        "declared.governance_structure": {
            "organisation.hub_spoke_links",
            "organisation.response_time_spread",
        },
        "declared.all_staff_aware": {"organisation.employee_accounts"},
        "declared.executive_sponsor": {"organisation.executive_accounts"},
        # a converged organisation's every department, against a single function's account
        "declared.departments_involved": {"organisation.functions_with_accounts"},
    }
    for c in rubric.criteria:
        for r in c.contradicted_when:
            assert r.why.en
            assert r.why.nl
            assert r.why.en != r.why.nl


def test_version_rule_calibration_and_changelog(rubric: Rubric) -> None:
    assert rubric.decision_rule == "point_estimate"
    assert rubric.calibration is not None
    assert (rubric.calibration.lookback_days, rubric.calibration.min_lookback_days) == (91, 56)
    assert rubric.declarations is not None
    assert rubric.declarations.stale_after_months == 18
    assert rubric.declarations.contradiction_discounts_others
    assert [e.version for e in rubric.changelog][:3] == ["2026.12.1", "2026.12.0", "2026.11.0"]
    old = load_rubric("2026.11.0")
    assert (old.version, old.decision_rule, old.calibration) == (
        "2026.11.0",
        "wilson_lower_bound",
        None,
    )
    assert old.criterion("formalized.functions_with_accounts").role == "gate"


def test_weights_are_one_to_ten(rubric: Rubric) -> None:
    assert all(1 <= c.weight <= 10 for c in rubric.criteria)


def test_webcare_reference_points(rubric: Rubric) -> None:
    assert rubric.criterion("converged.response_rate").threshold == 0.65
    assert rubric.criterion("converged.response_rate").min_sample == 50
    first = rubric.criterion("engagement.first_response_day")
    assert first.threshold_for("x") == first.threshold_for("default") == 24
    assert first.threshold_for("bluesky") == 24
    # asynchronous, threaded platforms get two days, pooled by where the answers were
    assert first.threshold_for("reddit") == first.threshold_for("mastodon") == 48
    assert first.aggregate == "pooled"
    assert rubric.criterion("converged.first_response_hour").threshold == 1
    for cid in ("engagement.first_response_day", "converged.first_response_hour"):
        assert rubric.criterion(cid).comparator == "<="


def test_engagement_per_post_is_judged_per_platform(rubric: Rubric) -> None:
    c = rubric.criterion("engagement.per_post")
    assert isinstance(c.threshold, dict)
    assert {"default", "x", "reddit"} <= set(c.threshold)
    assert c.threshold_for("x") != c.threshold_for("reddit")


@pytest.mark.parametrize(("factor", "fact"), list(SUCCESS_FACTORS.items()))
def test_altimeter_success_factors_are_asked(rubric: Rubric, factor: str, fact: str) -> None:
    assert any(c.fact == fact for c in rubric.criteria), factor


def test_texts_are_bilingual_and_help_names_its_source(rubric: Rubric) -> None:
    for c in rubric.criteria:
        for text in (c.label, c.help, c.advice):
            assert text.en.strip(), c.id
            assert text.nl.strip(), c.id
            assert text.en != text.nl, f"{c.id}: the Dutch text is a copy of the English"
        assert c.source in c.help.en, c.id
        assert c.source in c.help.nl, c.id
    for g in rubric.goals:
        assert g.text.en != g.text.nl, g.id


# ---------------------------------------------------------------- docs/rubric.md


def test_doc_lists_every_criterion_with_its_role(rubric: Rubric, doc: str) -> None:
    rows = _table_rows(doc, "The criteria of the default rubric")
    documented = {r[0].strip("`"): r[1] for r in rows}
    expected = {c.id: c.role for c in rubric.criteria}
    assert set(documented) == set(expected), (
        f"undocumented: {sorted(set(expected) - set(documented))}; "
        f"documented but not in the rubric: {sorted(set(documented) - set(expected))}"
    )
    assert documented == expected


def test_doc_maps_every_goal_to_exactly_its_criteria(rubric: Rubric, doc: str) -> None:
    rows = _table_rows(doc, "Seed goals and the criteria that test them")
    table = {r[0].strip("`"): _ids(r[-1]) for r in rows}
    assert set(table) == set(ALL_GOALS)
    for gid in ALL_GOALS:
        citing = {c.id for c in rubric.criteria if gid in c.goals}
        assert table[gid] == citing, f"docs/rubric.md row for {gid}"
        nl, en = next(r[1:3] for r in rows if r[0] == f"`{gid}`")
        assert nl
        assert en
        assert nl != en


def test_doc_lists_every_declared_fact(rubric: Rubric, doc: str) -> None:
    rows = _table_rows(doc, "Declared facts")
    table = {r[0].strip("`"): _ids(r[1]) for r in rows}
    facts: dict[str, set[str]] = {}
    for c in rubric.criteria:
        if c.fact:
            facts.setdefault(c.fact, set()).add(c.id)
    assert table == facts


def test_doc_mentions_every_id(rubric: Rubric, doc: str) -> None:
    mentioned = _ids(re.sub(r"```.*?```", "", doc, flags=re.S))
    missing = [c.id for c in rubric.criteria if c.id not in mentioned]
    missing += [g.id for g in rubric.goals if g.id not in mentioned]
    assert not missing


def test_doc_example_sector_rubric_loads(doc: str, tmp_path: Path) -> None:
    example = next(
        b for b in re.findall(r"```yaml\n(.*?)```", doc, re.S) if "extends: default" in b
    )
    path = tmp_path / "rubric-water-board.yaml"
    path.write_text(example, encoding="utf-8")
    rubric = load_rubric(path)
    default = load_default_rubric()
    assert rubric.rubric != default.rubric
    assert rubric.criterion("strategic.weekend_coverage").role == "gate"
    assert "engagement.per_follower" not in {c.id for c in rubric.criteria}
    assert rubric.criterion("presence.status_updates").kind == "declared"
    gates = sum(c.role == "gate" for c in rubric.criteria)
    assert f"{len(rubric.criteria)} criteria ({gates} gates)" in doc


# ---------------------------------------------------------------- the strict municipality rubric

STRICT_CHANGES = {
    "engagement.response_rate": 0.4,
    "engagement.first_response_day": 8,
    "converged.response_rate": 0.75,
}


def test_strict_municipality_rubric_differs_where_intended(rubric: Rubric) -> None:
    strict = load_rubric(STRICT)
    assert strict.rubric != rubric.rubric
    assert strict.version != rubric.version
    for cid, threshold in STRICT_CHANGES.items():
        assert strict.criterion(cid).threshold == threshold
        assert strict.criterion(cid).threshold != rubric.criterion(cid).threshold
    # Stricter means: a higher bar for >=, a lower one for <= (on every platform).
    for cid in STRICT_CHANGES:
        s, d = strict.criterion(cid), rubric.criterion(cid)
        for t in d.thresholds().values():
            strict_t = s.threshold_for("default")
            assert strict_t is not None
            assert (strict_t > t) if d.comparator == ">=" else (strict_t < t)
    added = strict.criterion("presence.public_platform")
    assert added.thresholds() == {"mastodon": 1.0}
    assert added.role == "support"
    strict_ids = {c.id for c in strict.criteria}
    default_ids = {c.id for c in rubric.criteria}
    assert strict_ids - default_ids == {"presence.public_platform"}
    assert default_ids - strict_ids == {"presence.campaign_tracking"}
    # Everything else is inherited unchanged.
    touched = {*STRICT_CHANGES, "presence.public_platform"}
    for c in rubric.criteria:
        if c.id in strict_ids and c.id not in touched:
            assert strict.criterion(c.id) == c, c.id
    assert strict.goals == rubric.goals
