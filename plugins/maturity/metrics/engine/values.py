"""Per-scope results of one metric: value and sample size for every scope, as arrays.

``value`` is NaN exactly where ``n`` is 0: the metric is unknown there (no sample, or a value
that is undefined, such as a ratio over a zero median), which becomes
``MetricValue(value=None, n=0)``. ``levels`` says at which scope levels the metric is
reported (organisation-wide metrics have no per-account value). ``sample`` names the sample set
whose example items and reproducing query are attached as evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from maturity.metrics.engine.scopes import ACCOUNT, ORG, PLATFORM

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]

EVERY_LEVEL = frozenset({ACCOUNT, PLATFORM, ORG})
ORG_LEVELS = frozenset({PLATFORM, ORG})


@dataclass(frozen=True, slots=True)
class ScopeValues:
    value: FloatArray
    n: IntArray
    sample: str
    levels: frozenset[int] = EVERY_LEVEL
    ci_low: FloatArray | None = None
    ci_high: FloatArray | None = None
    denominator: FloatArray | None = field(default=None)
    """A denominator worth stating in the evidence (engagement per follower)."""

    def __post_init__(self) -> None:
        unknown = (self.n <= 0) | np.isnan(self.value)
        self.value[unknown] = np.nan
        self.n[unknown] = 0


def as_n(counts: np.ndarray[Any, Any]) -> IntArray:
    return np.rint(np.asarray(counts, dtype=np.float64)).astype(np.int64)


def counted(
    value: FloatArray, n: FloatArray, sample: str, levels: frozenset[int] = EVERY_LEVEL
) -> ScopeValues:
    """A value (count, duration, score) over a sample of ``n`` units."""
    return ScopeValues(np.array(value, dtype=np.float64, copy=True), as_n(n), sample, levels)


def share(
    numerator: FloatArray,
    denominator: FloatArray,
    sample: str,
    levels: frozenset[int] = EVERY_LEVEL,
) -> ScopeValues:
    """``numerator / denominator`` with ``n = denominator`` (a pooled proportion or rate)."""
    return ScopeValues(ratio(numerator, denominator), as_n(denominator), sample, levels)


def ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    out = np.full(len(denominator), np.nan)
    ok = denominator > 0
    out[ok] = numerator[ok] / denominator[ok]
    return out
