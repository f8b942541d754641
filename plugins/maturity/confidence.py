"""How scoring weighs evidence into an assessment's confidence.

Scoring applies these factors; the quality report quotes the quarantine factor, so it reads it
here instead of importing scoring.
"""

from __future__ import annotations

#: Each quarantined batch multiplies confidence by this factor.
QUARANTINE_FACTOR = 0.8
#: A criterion's evidence counts fully towards confidence from this multiple of its minimum sample.
FULL_STRENGTH_SAMPLES = 2.0
