"""The six cumulative phases of the Social Business maturity model."""

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
