"""Sorting rows by group and then by value with one plain integer sort.

``np.lexsort`` on two keys is several times slower than sorting one int64 array. Ranking the
values once and sorting ``group * n + rank`` gives the same order (ties between equal values
in an unspecified but irrelevant order: callers only read the sorted values).
"""

from __future__ import annotations

from typing import Any

import numpy as np

IntArray = np.ndarray[Any, np.dtype[np.int64]]


def value_order(values: np.ndarray[Any, Any]) -> IntArray:
    """Row positions in value order, equal values in row order (a stable sort's result).

    A plain (unstable) argsort is several times faster than a stable one on int64 or float64;
    where it leaves equal values next to each other in another order, one integer sort of
    (run of equal values, row) keys puts them back in row order. NaNs sort last, in row order.
    """
    values = np.asarray(values)
    if values.dtype.kind not in "iuf" or values.ndim != 1 or len(values) < 2:
        return np.asarray(np.argsort(values, kind="stable"), dtype=np.int64)
    order = np.asarray(np.argsort(values), dtype=np.int64)
    ordered = values[order]
    same = ordered[1:] == ordered[:-1]
    if values.dtype.kind == "f":
        missing = np.isnan(ordered)
        same |= missing[1:] & missing[:-1]
    if not same.any():
        return order
    n = len(order)
    run = np.cumsum(np.r_[True, ~same]) - 1
    return np.asarray(np.sort(run * n + order) % n, dtype=np.int64)


def sort_within_groups(
    groups: IntArray, rows: IntArray, order: IntArray
) -> tuple[IntArray, IntArray]:
    """Sort ``(group, row)`` pairs by group, then by the rank of ``row`` in ``order``.

    ``order`` is :func:`value_order` of the underlying values (length ``n``); ``rows`` index
    them, each at most once per group. Returns the sorted groups and rows.
    """
    n = max(len(order), 1)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64)
    keys = np.sort(groups.astype(np.int64) * n + rank[rows])
    return keys // n, order[keys % n]
