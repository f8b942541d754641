"""How scoring weighs evidence into an assessment's confidence.

Scoring applies these factors; the quality report quotes the quarantine factor, so it reads it
here instead of importing scoring.
"""

from __future__ import annotations

from typing import Final, Literal

#: Each quarantined batch multiplies confidence by this factor.
QUARANTINE_FACTOR = 0.8
#: A criterion's evidence counts fully towards confidence from this multiple of its minimum sample.
FULL_STRENGTH_SAMPLES = 2.0
#: A declared fact counts for this share of what observed evidence of the same weight counts:
#: the organisation says it, nobody outside has seen it.
DECLARED_STRENGTH = 0.6
#: A declaration older than the rubric's ``stale_after_months`` counts for this share of a
#: fresh one.
STALE_FACTOR = 0.5

Band = Literal["high", "medium", "low"]
#: The words of each band, as every page and table shows them.
BAND_LABELS: Final[dict[str, dict[str, str]]] = {
    "en": {"high": "high", "medium": "medium", "low": "low"},
    "nl": {"high": "hoog", "medium": "middel", "low": "laag"},
}


def band(value: float) -> Band:
    """High from 0.75, medium from 0.5, low below."""
    return "high" if value >= 0.75 else "medium" if value >= 0.5 else "low"
