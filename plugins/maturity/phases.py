"""The six cumulative phases of the Social Business maturity model, and their labels.

The labels, in English and Dutch, are defined here once: the CLI, the plugin API and the
warehouse view ``v_latest_assessment`` (``maturity.warehouse.views``) all read them from here.
"""

from __future__ import annotations

from enum import IntEnum


class Phase(IntEnum):
    PLANNING = 1
    PRESENCE = 2
    ENGAGEMENT = 3
    FORMALIZED = 4
    STRATEGIC = 5
    CONVERGED = 6

    def label(self, lang: str = "en") -> str:
        return PHASE_LABELS[self][lang]


PHASE_LABELS: dict[Phase, dict[str, str]] = {
    Phase.PLANNING: {"en": "Planning", "nl": "Planning"},
    Phase.PRESENCE: {"en": "Presence", "nl": "Aanwezigheid"},
    Phase.ENGAGEMENT: {"en": "Engagement", "nl": "Betrokkenheid"},
    Phase.FORMALIZED: {"en": "Formalized", "nl": "Geformaliseerd"},
    Phase.STRATEGIC: {"en": "Strategic", "nl": "Strategisch"},
    Phase.CONVERGED: {"en": "Converged", "nl": "Geconvergeerd"},
}

INSUFFICIENT_EVIDENCE = {"en": "Insufficient evidence", "nl": "Onvoldoende bewijs"}
BELOW_PLANNING = {"en": "No phase attained", "nl": "Geen fase bereikt"}

#: The languages every label has.
LANGUAGES: tuple[str, ...] = ("en", "nl")


def outcome_labels(phase: int | None, verdict: str) -> dict[str, str]:
    """The label of an assessment's outcome, per language: its phase, or why it has none
    (insufficient evidence; no phase attained)."""
    if verdict == "insufficient_evidence":
        return dict(INSUFFICIENT_EVIDENCE)
    if phase is None:
        return dict(BELOW_PLANNING)
    return dict(PHASE_LABELS[Phase(phase)])
