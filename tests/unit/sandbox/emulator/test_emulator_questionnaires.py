"""Generated questionnaires declare what a world's organisation was designed to show."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from maturity.questionnaire import load_questionnaire
from maturity.registry import load_registry
from maturity.rubric import load_default_rubric
from maturity.sandbox.emulator import generate_world
from maturity.sandbox.emulator.questionnaires import answers_for
from maturity.sandbox.emulator.registry import dump_registry

pytestmark = pytest.mark.unit


def test_registry_with_questionnaires_loads_and_matches_phases(tmp_path: Path) -> None:
    world = generate_world(
        8, 3, datetime(2026, 8, 3, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC)
    )
    registry = load_registry(
        dump_registry(world, tmp_path / "registry.yaml", with_questionnaires=True)
    )
    rubric = load_default_rubric()
    phases = {o.id: o.phase for o in world.organisations}
    for org in registry.organisations:
        assert org.questionnaire is not None
        facts = {
            f.fact_id: f.value for f in load_questionnaire(org.questionnaire, rubric, org.id).facts
        }
        for c in rubric.criteria:
            if c.kind == "declared" and isinstance(facts[c.fact or ""], bool):
                assert facts[c.fact or ""] == (int(c.phase) <= (phases[org.id] or 1))


def test_shares_grow_with_the_phase() -> None:
    world = generate_world(
        12, 5, datetime(2026, 8, 3, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC)
    )
    rubric = load_default_rubric()
    by_phase = sorted(world.organisations, key=lambda o: o.phase or 0)
    low = answers_for(by_phase[0], rubric)["declared.departments_involved"]
    high = answers_for(by_phase[-1], rubric)["declared.departments_involved"]
    assert isinstance(low, float)
    assert isinstance(high, float)
    assert high > low
