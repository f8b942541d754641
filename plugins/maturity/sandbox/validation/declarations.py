"""What each archetype declares: the questionnaire, from the model's goals per phase.

The facts are the questionnaire's vocabulary (:data:`maturity.questionnaire.FORMAT` files);
which phase of the model each fact belongs to is read from the model text here, not from
the rubric: an archetype that declares "up to phase 4" answers true to the goals the model
names for phases 1 to 4 and false to the later ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from maturity.questionnaire import FORMAT

if TYPE_CHECKING:
    from datetime import date

    from maturity.sandbox.validation.behaviour import Archetype

MODEL_FACTS: dict[int, tuple[str, ...]] = {
    # Fase 1: luisteren, pilotprojecten, audits, KPI's, bevindingen delen, doelen prioriteren
    1: (
        "declared.listening_programme",
        "declared.pilot_projects",
        "declared.readiness_audit",
        "declared.kpis_defined",
        "declared.findings_shared",
        "declared.business_goals_prioritised",
    ),
    # Fase 2: proactieve informatie; social media metrics geïntegreerd met bedrijfsdoelen
    2: ("declared.proactive_information", "declared.social_reporting"),
    # Fase 3: risicomanagement en training, interne samenwerking; webcare (reactiebeleid)
    3: (
        "declared.risk_management",
        "declared.training",
        "declared.internal_collaboration",
        "declared.response_expectations_stated",
    ),
    # Fase 4: ambassadeur, centraal/decentraal gestuurde structuur, organisatiebrede rollen,
    # ondersteuning door bestuur/directie, processen en orde
    4: (
        "declared.ambassador",
        "declared.governance_structure",
        "declared.roles_assigned",
        "declared.executive_sponsor",
        "declared.social_policy",
    ),
    # Fase 5: strategisch niveau, top en alle medewerkers op de hoogte, middelen
    5: (
        "declared.strategy_roadmap",
        "declared.long_term_vision",
        "declared.all_staff_aware",
        "declared.budget_and_staff",
    ),
    # Fase 6 (Altimeter): gedreven door klantervaring, in elke functie en elk proces
    6: ("declared.customer_experience_driven", "declared.technology_stack"),
}
DEPARTMENTS = "declared.departments_involved"
DEPARTMENTS_BY_PHASE = {1: 0.1, 2: 0.15, 3: 0.25, 4: 0.5, 5: 0.9, 6: 1.0}
"""'Vrijwel elke afdeling' (phase 5) and every function (phase 6); fewer before."""


def answers(arch: Archetype) -> dict[str, bool | float]:
    """The archetype's answers; empty when it returned no questionnaire."""
    up_to = arch.declarations.up_to
    if up_to == 0:
        return {}
    out: dict[str, bool | float] = {
        fact: phase <= up_to for phase, facts in MODEL_FACTS.items() for fact in facts
    }
    share = arch.declarations.departments_share
    out[DEPARTMENTS] = round(share if share is not None else DEPARTMENTS_BY_PHASE[up_to], 2)
    return out


def write_questionnaire(arch: Archetype, directory: Path, declared_at: date) -> Path | None:
    data = answers(arch)
    if not data:
        return None
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{arch.id}.yaml"
    doc = {
        "format": FORMAT,
        "organisation": arch.id,
        "language": "nl",
        "declared_by": f"Afdeling communicatie, {arch.title} (validation set; fictional)",
        "declared_at": declared_at.isoformat(),
        "source": "maturity.sandbox.validation archetype",
        "answers": data,
    }
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), "utf-8")
    return path
