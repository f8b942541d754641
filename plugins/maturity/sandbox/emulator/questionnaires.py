"""Questionnaires that go with a generated world: what each organisation would declare.

A generated organisation is designed to show one phase. Its questionnaire declares the facts of
the rubric's declared criteria up to that phase as true and later ones as false, so that the
demo can place organisations in phases 4 to 6, which rest partly on declared facts. Shares
(for example the share of departments involved) grow with the phase.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from maturity.questionnaire import FORMAT, rubric_facts

if TYPE_CHECKING:
    from maturity.rubric import Rubric
    from maturity.sandbox.emulator.world import World, WorldOrganisation


def answers_for(org: WorldOrganisation, rubric: Rubric) -> dict[str, bool | float]:
    """The declared facts of ``org``: true up to its designed phase, false beyond it."""
    phase = org.phase or 1
    out: dict[str, bool | float] = {}
    for fact_id, criterion in sorted(rubric_facts(rubric).items()):
        thresholds = criterion.thresholds().values()
        is_share = any(0 < t < 1 for t in thresholds)
        if is_share:
            out[fact_id] = round(min(1.0, 0.16 * phase), 2)
        else:
            out[fact_id] = int(criterion.phase) <= phase
    return out


def questionnaire_data(
    org: WorldOrganisation, rubric: Rubric, declared_at: date
) -> dict[str, object]:
    return {
        "format": FORMAT,
        "organisation": org.id,
        "language": "nl",
        "declared_by": f"Afdeling communicatie, {org.name} (generated)",
        "declared_at": declared_at.isoformat(),
        "source": "generated with the emulator world; fictional",
        "answers": answers_for(org, rubric),
    }


def dump_questionnaires(world: World, directory: str | Path, rubric: Rubric) -> dict[str, Path]:
    """Write one questionnaire per organisation into ``directory``; returns id -> path."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    if world.end is None:
        raise ValueError("a world without an end has no date to declare its questionnaires on")
    declared_at = world.end.date()
    out: dict[str, Path] = {}
    for org in world.organisations:
        path = d / f"{org.id}.yaml"
        data = questionnaire_data(org, rubric, declared_at)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
        out[org.id] = path
    return out
