"""Quantiles per group in one sort, with distribution-free confidence intervals.

The point estimate interpolates linearly between order statistics (numpy's default, DuckDB's
``quantile_cont``, PostgreSQL's ``percentile_cont``). The 95% interval of quantile ``q`` over
``n`` values is the pair of order statistics at ranks ``n·q ∓ 1.96·√(n·q·(1−q))`` (the normal
approximation to the binomial), clipped to the sample: with few values it spans almost the
whole sample, which is what lets scoring call a median from three messages uncertain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from maturity.metrics.engine.ordering import sort_within_groups, value_order
from maturity.wilson import Z95

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]


@dataclass(frozen=True, slots=True)
class GroupedQuantile:
    value: FloatArray
    low: FloatArray
    high: FloatArray
    n: IntArray


@dataclass(frozen=True, slots=True)
class SortedGroups:
    """Values sorted within their groups; ``start[g]`` and ``n[g]`` locate group ``g``."""

    values: FloatArray
    start: IntArray
    n: IntArray

    @classmethod
    def of(cls, groups: IntArray, values: FloatArray, n_groups: int) -> SortedGroups:
        """Group ``values`` (one group per value) and sort each group."""
        rows = np.arange(len(values), dtype=np.int64)
        return cls.of_rows(groups, rows, values, n_groups)

    @classmethod
    def of_rows(
        cls, groups: IntArray, rows: IntArray, values: FloatArray, n_groups: int
    ) -> SortedGroups:
        """Group ``values[rows]`` by ``groups`` (a row may be in many groups, once each)."""
        _, sorted_rows = sort_within_groups(groups, rows, value_order(values))
        counts = np.bincount(groups, minlength=n_groups).astype(np.int64)
        start = np.cumsum(counts) - counts
        return cls(values[sorted_rows], start, counts)

    @classmethod
    def of_sorted(
        cls, groups: IntArray, rows: IntArray, values: FloatArray, n_groups: int
    ) -> SortedGroups:
        """From ``(group, row)`` pairs already sorted by group and then by value."""
        counts = np.bincount(groups, minlength=n_groups).astype(np.int64)
        start = np.cumsum(counts) - counts
        return cls(values[rows], start, counts)

    def at_rank(self, rank: IntArray, has: np.ndarray[Any, np.dtype[np.bool_]]) -> FloatArray:
        """The value at 0-based ``rank`` within each group (NaN for empty groups)."""
        out = np.full(len(self.n), np.nan)
        out[has] = self.values[self.start[has] + rank[has]]
        return out

    def quantile(self, q: float) -> GroupedQuantile:
        has = self.n > 0
        last = np.maximum(self.n - 1, 0)
        pos = q * last
        lo = np.floor(pos).astype(np.int64)
        hi = np.ceil(pos).astype(np.int64)
        frac = pos - lo
        below, above = self.at_rank(lo, has), self.at_rank(hi, has)
        value = below + frac * (above - below)
        spread = Z95 * np.sqrt(self.n * q * (1 - q))
        low_rank = np.clip(np.floor(self.n * q - spread).astype(np.int64) - 1, 0, last)
        high_rank = np.clip(np.ceil(self.n * q + spread).astype(np.int64) - 1, 0, last)
        low = np.fmin(self.at_rank(low_rank, has), value)
        high = np.fmax(self.at_rank(high_rank, has), value)
        return GroupedQuantile(value, low, high, self.n)
