"""Every word the dashboard and the reports show, in English and Dutch.

Phase labels come from ``maturity.phases`` and criterion labels from the rubric; this module
holds the rest: headings, column names, status words and the seven success factors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from maturity.assessment import STATUS_LABELS
from maturity.confidence import BAND_LABELS, band
from maturity.errors import InputError
from maturity.phases import LANGUAGES, outcome_labels

Lang = str

WORDS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "title": "Social Business maturity",
        "portfolio": "Portfolio",
        "organisation": "Organisation",
        "evidence": "Evidence",
        "language": "Language",
        "skip": "Skip to content",
        "distribution": "Phases across the portfolio",
        "distribution_alt": "Number of organisations per phase",
        "moved": "Moved since the previous window",
        "moved_none": "No organisation changed phase since its previous window.",
        "from": "from",
        "to": "to",
        "up": "up",
        "down": "down",
        "organisations": "Organisations",
        "shown": "shown",
        "of": "of",
        "filter": "Filter",
        "apply": "Apply",
        "all": "all",
        "sector": "Sector",
        "phase": "Phase",
        "confidence": "Confidence",
        "coverage": "Coverage",
        "index": "Index",
        "window": "Window",
        "platforms": "Platforms",
        "not_measured": "not measured",
        "next_step": "Top next step",
        "next_steps": "Next steps",
        "next_steps_none": "No next steps: every criterion up to the next phase is met.",
        "sort_by": "Sort by",
        "ascending": "ascending",
        "descending": "descending",
        "timeline": "Phase over time",
        "timeline_alt": "Estimated phase per assessment window",
        "heatmap": "Criteria by phase",
        "heatmap_alt": "Status of every criterion, grouped by phase",
        "factors": "The seven success factors",
        "factors_note": "Declared by the organisation (questionnaire or documents).",
        "factor": "Success factor",
        "trends": "Metrics against the sector",
        "trends_alt": "The organisation's metric values per window, with the sector's "
        "25th-75th percentile band and median",
        "trends_none": "No metric was measured in more than one organisation of this sector.",
        "metric": "Metric",
        "value": "Value",
        "sector_p25": "sector P25",
        "sector_median": "sector median",
        "sector_p75": "sector P75",
        "criterion": "Criterion",
        "criteria": "Criteria",
        "status": "Status",
        "kind": "Kind",
        "observed": "observed",
        "declared": "declared",
        "reason": "Reason",
        "checks": "Checks per platform",
        "platform": "Platform",
        "threshold": "Threshold",
        "interval": "Interval",
        "sample": "n",
        "metric_values": "Metric values",
        "examples": "Example items",
        "examples_none": "No example items are stored for this criterion.",
        "item": "Item",
        "created": "Created",
        "landing_page": "Landing page",
        "sha256": "SHA-256",
        "account": "Account",
        "facts": "Declared facts",
        "declared_by": "declared by",
        "on": "on",
        "source": "source",
        "purged": "purged",
        "rests_on": "What the estimate rests on",
        "how_sure": "How sure the estimate is",
        "rubric": "Rubric",
        "run": "Run",
        "runs": "Results of this run",
        "runs_none": "This run wrote no assessments (yet).",
        "generated": "Report generated from the warehouse",
        "report": "Report",
        "report_portfolio": "Portfolio report",
        "no_assessment": "no assessment yet",
        **BAND_LABELS["en"],
        **STATUS_LABELS["en"],
        "count": "Organisations",
        "back": "Back to the organisation",
        "chart_data": "The chart's data as a table",
        "goal": "Rank",
        "advice": "What to do",
    },
    "nl": {
        "title": "Social Business-volwassenheid",
        "portfolio": "Portfolio",
        "organisation": "Organisatie",
        "evidence": "Bewijs",
        "language": "Taal",
        "skip": "Naar de inhoud",
        "distribution": "Fasen in de portfolio",
        "distribution_alt": "Aantal organisaties per fase",
        "moved": "Verschoven sinds de vorige periode",
        "moved_none": "Geen organisatie is van fase veranderd sinds haar vorige periode.",
        "from": "van",
        "to": "naar",
        "up": "omhoog",
        "down": "omlaag",
        "organisations": "Organisaties",
        "shown": "getoond",
        "of": "van",
        "filter": "Filter",
        "apply": "Toepassen",
        "all": "alle",
        "sector": "Sector",
        "phase": "Fase",
        "confidence": "Zekerheid",
        "coverage": "Dekking",
        "index": "Index",
        "window": "Periode",
        "platforms": "Platforms",
        "not_measured": "niet gemeten",
        "next_step": "Belangrijkste volgende stap",
        "next_steps": "Volgende stappen",
        "next_steps_none": "Geen volgende stappen: elk criterium tot de volgende fase is voldaan.",
        "sort_by": "Sorteren op",
        "ascending": "oplopend",
        "descending": "aflopend",
        "timeline": "Fase door de tijd",
        "timeline_alt": "Geschatte fase per beoordelingsperiode",
        "heatmap": "Criteria per fase",
        "heatmap_alt": "Status van elk criterium, per fase gegroepeerd",
        "factors": "De zeven succesfactoren",
        "factors_note": "Verklaard door de organisatie (vragenlijst of documenten).",
        "factor": "Succesfactor",
        "trends": "Metrieken tegenover de sector",
        "trends_alt": "De metriekwaarden van de organisatie per periode, met de band van het "
        "25e tot 75e percentiel en de mediaan van de sector",
        "trends_none": "Geen metriek is gemeten bij meer dan één organisatie uit deze sector.",
        "metric": "Metriek",
        "value": "Waarde",
        "sector_p25": "sector P25",
        "sector_median": "sectormediaan",
        "sector_p75": "sector P75",
        "criterion": "Criterium",
        "criteria": "Criteria",
        "status": "Status",
        "kind": "Soort",
        "observed": "waargenomen",
        "declared": "verklaard",
        "reason": "Reden",
        "checks": "Toetsen per platform",
        "platform": "Platform",
        "threshold": "Drempel",
        "interval": "Interval",
        "sample": "n",
        "metric_values": "Metriekwaarden",
        "examples": "Voorbeelditems",
        "examples_none": "Voor dit criterium zijn geen voorbeelditems opgeslagen.",
        "item": "Item",
        "created": "Gemaakt",
        "landing_page": "Landingspagina",
        "sha256": "SHA-256",
        "account": "Account",
        "facts": "Verklaarde feiten",
        "declared_by": "verklaard door",
        "on": "op",
        "source": "bron",
        "purged": "verwijderd",
        "rests_on": "Waar de schatting op rust",
        "how_sure": "Hoe zeker de schatting is",
        "rubric": "Rubriek",
        "run": "Run",
        "runs": "Resultaten van deze run",
        "runs_none": "Deze run heeft (nog) geen beoordelingen geschreven.",
        "generated": "Rapport gemaakt uit het datawarehouse",
        "report": "Rapport",
        "report_portfolio": "Portfoliorapport",
        "no_assessment": "nog geen beoordeling",
        **BAND_LABELS["nl"],
        **STATUS_LABELS["nl"],
        "count": "Organisaties",
        "back": "Terug naar de organisatie",
        "chart_data": "De gegevens van de grafiek als tabel",
        "goal": "Rang",
        "advice": "Wat te doen",
    },
}


@dataclass(frozen=True, slots=True)
class SuccessFactor:
    """One of Altimeter's seven success factors, and the declared facts that show it."""

    key: str
    label: dict[str, str]
    facts: tuple[str, ...]


SUCCESS_FACTORS: Final[tuple[SuccessFactor, ...]] = (
    SuccessFactor(
        "business_goals",
        {"en": "Business goals", "nl": "Bedrijfsdoelen"},
        ("declared.business_goals_prioritised", "declared.kpis_defined"),
    ),
    SuccessFactor(
        "long_term_vision",
        {"en": "Long-term vision", "nl": "Langetermijnvisie"},
        ("declared.long_term_vision",),
    ),
    SuccessFactor(
        "executive_support",
        {"en": "Executive support", "nl": "Steun van de top"},
        ("declared.executive_sponsor",),
    ),
    SuccessFactor(
        "strategy_roadmap",
        {"en": "Strategy roadmap", "nl": "Strategische routekaart"},
        ("declared.strategy_roadmap",),
    ),
    SuccessFactor(
        "governance",
        {"en": "Governance and guidelines", "nl": "Governance en richtlijnen"},
        ("declared.governance_structure", "declared.social_policy"),
    ),
    SuccessFactor(
        "resources",
        {"en": "Staff, resources and funding", "nl": "Mensen, middelen en budget"},
        ("declared.budget_and_staff",),
    ),
    SuccessFactor(
        "technology",
        {"en": "Technology", "nl": "Technologie"},
        ("declared.technology_stack",),
    ),
)


def check_lang(lang: str, where: str = "lang") -> Lang:
    """``lang`` if the product speaks it; an ``InputError`` naming the choices if not."""
    if lang not in LANGUAGES:
        raise InputError(
            f"unknown language '{lang}'",
            where=where,
            fix=f"use one of {', '.join(LANGUAGES)}",
        )
    return lang


def words(lang: Lang) -> dict[str, str]:
    return WORDS[check_lang(lang)]


def outcome(phase: int | None, verdict: str, lang: Lang) -> str:
    """The outcome's label; a phase is numbered ("4 Formalized")."""
    label = outcome_labels(phase, verdict)[lang]
    numbered = phase is not None and verdict != "insufficient_evidence"
    return f"{phase} {label}" if numbered else label


def confidence_band(value: float) -> str:
    """High from 0.75, medium from 0.5, low below (``maturity.confidence.band``)."""
    return band(value)
