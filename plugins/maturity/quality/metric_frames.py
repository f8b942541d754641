"""Metric values as DataFrames for the metric suites: one row per value, one row per scope.

A scope is a (platform, account) pair; ``account`` is ``''`` for a platform or organisation
aggregate, as in the warehouse. A null value is ``NaN``; a value that is ``NaN`` counts as null.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from maturity.evidence import MetricValue
from maturity.metric_dictionary import METRICS_BY_ID
from maturity.quality.metric_suites import KINDS, SCOPE_COLUMNS, kind_column

if TYPE_CHECKING:
    import pandas as pd

Scope = tuple[str, str]
Key = tuple[str, str, str]


def _number(value: float | None) -> float:
    return math.nan if value is None else float(value)


def known(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def key_of(v: MetricValue) -> Key:
    return (v.metric_id, v.platform, v.account or "")


def values_frame(values: Sequence[MetricValue]) -> pd.DataFrame:
    import pandas as pd

    kinds = [
        METRICS_BY_ID[v.metric_id].kind if v.metric_id in METRICS_BY_ID else None for v in values
    ]
    numbers = [_number(v.value) for v in values]
    data: dict[str, Any] = {
        "row": range(len(values)),
        "metric_id": [v.metric_id for v in values],
        "platform": [v.platform for v in values],
        "account": [v.account or "" for v in values],
        "value": pd.Series(numbers, dtype="float64"),
        "n": pd.Series([v.n for v in values], dtype="int64"),
        "value_known": [known(v.value) for v in values],
        "n_nonzero": [v.n != 0 for v in values],
    }
    for kind in KINDS:
        data[kind_column(kind)] = pd.Series(
            [x if k == kind else math.nan for x, k in zip(numbers, kinds, strict=True)],
            dtype="float64",
        )
    return pd.DataFrame(data)


def _read(value: MetricValue, what: str) -> float:
    if what == "n":
        return float(value.n)
    if what == "value":
        return _number(value.value)
    # a count read as a sample size: null because nothing was counted means 0
    if known(value.value):
        return float(value.value)  # type: ignore[arg-type]
    return 0.0 if value.n == 0 else math.nan


def scope_frame(values: Sequence[MetricValue]) -> tuple[pd.DataFrame, list[Scope]]:
    """One row per scope that has a value of any metric the consistency suite reads, and the
    scopes in row order. A metric missing at a scope is null there (and its checks skip it)."""
    import pandas as pd

    wanted = {metric for metric, _ in SCOPE_COLUMNS.values()}
    by_key: dict[Key, MetricValue] = {}
    scopes: dict[Scope, None] = {}
    for v in values:
        if v.metric_id in wanted:
            by_key.setdefault(key_of(v), v)
            scopes.setdefault((v.platform, v.account or ""), None)
    order = list(scopes)
    data: dict[str, Any] = {
        "row": range(len(order)),
        "platform": [p for p, _ in order],
        "account": [a for _, a in order],
    }
    for column, (metric, what) in SCOPE_COLUMNS.items():
        cells = []
        for platform, account in order:
            found = by_key.get((metric, platform, account))
            cells.append(math.nan if found is None else _read(found, what))
        data[column] = pd.Series(cells, dtype="float64")
    return pd.DataFrame(data), order
