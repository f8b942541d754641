"""Declared facts: the questionnaire an organisation fills in, and its template.

Phases 4-6 are mostly internal, so the rubric reads *declared* facts for them: who declared
what, when, and from which document. The questions are the facts the rubric's declared
criteria read, grouped by Altimeter's seven success factors. The format is documented in
docs/questionnaire.md; ``maturity questionnaire template ORG`` writes an empty file to fill in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from maturity.errors import InputError
from maturity.evidence import DeclaredFact
from maturity.yamlfile import load_document

if TYPE_CHECKING:
    from maturity.rubric import Criterion, Rubric

FORMAT = "maturity-questionnaire/1"

#: Altimeter's seven success factors of social business strategy, and the facts that speak to
#: each. A fact of the rubric that no factor lists is asked under "other".
SUCCESS_FACTORS: dict[str, dict[str, Any]] = {
    "business_goals": {
        "en": "Business goals",
        "nl": "Bedrijfsdoelen",
        "facts": (
            "declared.business_goals_prioritised",
            "declared.kpis_defined",
            "declared.social_reporting",
        ),
    },
    "long_term_vision": {
        "en": "Long-term vision",
        "nl": "Langetermijnvisie",
        "facts": ("declared.long_term_vision", "declared.customer_experience_driven"),
    },
    "executive_support": {
        "en": "Executive support",
        "nl": "Steun van de top",
        "facts": ("declared.executive_sponsor", "declared.ambassador"),
    },
    "strategy_roadmap": {
        "en": "Strategy roadmap",
        "nl": "Strategische roadmap",
        "facts": (
            "declared.strategy_roadmap",
            "declared.pilot_projects",
            "declared.readiness_audit",
            "declared.findings_shared",
        ),
    },
    "governance": {
        "en": "Governance and guidelines",
        "nl": "Governance en richtlijnen",
        "facts": (
            "declared.governance_structure",
            "declared.roles_assigned",
            "declared.social_policy",
            "declared.risk_management",
            "declared.response_expectations_stated",
        ),
    },
    "staff_resources_funding": {
        "en": "Staff, resources and funding",
        "nl": "Mensen, middelen en budget",
        "facts": (
            "declared.budget_and_staff",
            "declared.training",
            "declared.all_staff_aware",
            "declared.internal_collaboration",
            "declared.departments_involved",
        ),
    },
    "technology": {
        "en": "Technology",
        "nl": "Technologie",
        "facts": (
            "declared.technology_stack",
            "declared.listening_programme",
            "declared.proactive_information",
        ),
    },
}


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    value: bool | float | None
    declared_by: str | None = None
    declared_at: date | None = None
    source: str | None = None

    @field_validator("value")
    @classmethod
    def _share(cls, v: bool | float | None) -> bool | float | None:
        if v is not None and not isinstance(v, bool) and not 0 <= v <= 1:
            raise ValueError(f"value {v} must be true, false or a share from 0 to 1")
        return v


class _Questionnaire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    format: str = Field(pattern=r"^maturity-questionnaire/1$")
    organisation: str
    language: str = "en"
    declared_by: str | None = None
    declared_at: date | None = None
    source: str | None = None
    answers: dict[str, _Answer | bool | float | None] = Field(default_factory=dict)


@dataclass(frozen=True)
class Questionnaire:
    org_id: str
    facts: tuple[DeclaredFact, ...]
    unanswered: tuple[str, ...]


def rubric_facts(rubric: Rubric) -> dict[str, Criterion]:
    """Every fact a declared criterion reads, with the first criterion that reads it."""
    out: dict[str, Criterion] = {}
    for c in rubric.criteria:
        if c.kind == "declared" and c.fact and c.fact not in out:
            out[c.fact] = c
    return out


def _fact(
    fact_id: str, raw: _Answer | bool | float | None, q: _Questionnaire, where: str
) -> DeclaredFact | None:
    try:
        answer = raw if isinstance(raw, _Answer) else _Answer(value=raw)
    except ValidationError as exc:
        msg = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise InputError(f"answer '{fact_id}': {msg}", where=where) from None
    if answer.value is None:
        return None
    by = answer.declared_by or q.declared_by
    when = answer.declared_at or q.declared_at
    if not by or not when:
        raise InputError(
            f"answer '{fact_id}' does not say who declared it and when",
            where=where,
            fix="give declared_by and declared_at on the answer or at the top of the file",
        )
    return DeclaredFact(fact_id, answer.value, by, when, answer.source or q.source)


def load_questionnaire(
    path: str | Path, rubric: Rubric, org_id: str | None = None
) -> Questionnaire:
    """Read a filled-in questionnaire; every answer must be a fact the rubric reads."""
    doc = load_document(path)
    if not isinstance(doc.data, dict):
        raise InputError(
            f"a questionnaire must be a mapping with format: {FORMAT}", where=str(path)
        )
    try:
        q = _Questionnaire.model_validate(doc.data)
    except ValidationError as exc:
        raise doc.invalid(exc, "see docs/questionnaire.md") from None
    if org_id is not None and q.organisation != org_id:
        raise InputError(
            f"the questionnaire is for '{q.organisation}', not '{org_id}'",
            where=doc.where(("organisation",)),
            fix="point the registry's questionnaire path at this organisation's file",
        )
    known = rubric_facts(rubric)
    facts: list[DeclaredFact] = []
    for fact_id, raw in q.answers.items():
        where = doc.where(("answers", fact_id))
        if fact_id not in known:
            raise InputError(
                f"unknown question '{fact_id}'",
                where=where,
                fix=f"answer one of: {', '.join(sorted(known))}",
            )
        fact = _fact(fact_id, raw, q, where)
        if fact is not None:
            facts.append(fact)
    answered = {f.fact_id for f in facts}
    return Questionnaire(q.organisation, tuple(facts), tuple(sorted(set(known) - answered)))


def _comment(text: str, indent: str = "  ") -> list[str]:
    import textwrap

    return [f"{indent}# {line}" for line in textwrap.wrap(text, 92 - len(indent))]


def render_template(org_id: str, rubric: Rubric, lang: str = "en") -> str:
    """An empty questionnaire for ``org_id`` with every question explained, in ``lang``."""
    known = rubric_facts(rubric)
    en = lang != "nl"
    lines = [
        f"# {'Questionnaire' if en else 'Vragenlijst'}: Social Business maturity "
        f"({rubric.rubric} {rubric.version})",
        "# "
        + (
            "Answer true, false, or a share from 0 to 1 where asked; leave null when "
            "unknown. Unanswered questions stay 'unknown', never 'no'."
            if en
            else "Antwoord true, false of een aandeel van 0 tot 1 waar gevraagd; laat null staan "
            "als het onbekend is. Onbeantwoorde vragen blijven 'onbekend', nooit 'nee'."
        ),
        f"format: {FORMAT}",
        f"organisation: {org_id}",
        f"language: {'en' if en else 'nl'}",
        "declared_by: null   # "
        + ("name and role of who answers" if en else "naam en functie van wie antwoordt"),
        "declared_at: null   # YYYY-MM-DD",
        "source: null        # "
        + ("document the answers rest on" if en else "document waarop de antwoorden steunen"),
        "answers:",
    ]
    asked: set[str] = set()
    groups = [(f[lang if not en else "en"], f["facts"]) for f in SUCCESS_FACTORS.values()]
    groups.append(("Other" if en else "Overig", tuple(sorted(known))))
    for title, fact_ids in groups:
        todo = [f for f in fact_ids if f in known and f not in asked]
        if not todo:
            continue
        lines.append(f"  # --- {title} ---")
        for fact_id in todo:
            c = known[fact_id]
            lines += _comment(c.label.get(lang))
            lines += _comment(c.help.get(lang))
            lines.append(f"  {fact_id}: null")
            asked.add(fact_id)
    return "\n".join(lines) + "\n"
