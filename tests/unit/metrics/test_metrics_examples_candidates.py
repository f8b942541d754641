"""Structure kept equal by the evidence speed-ups: example candidates, the collector state."""

from __future__ import annotations

import gc

import numpy as np
import pytest

from maturity.gcpause import paused_gc
from maturity.metrics.evidence.examples import ItemTable, _per_account_candidates

pytestmark = pytest.mark.unit


def _table(acc: np.ndarray, t: np.ndarray) -> ItemTable:
    n = len(acc)
    text = np.array([f"i{k}" for k in range(n)], dtype=object)
    return ItemTable("post", acc, t, text, text, text, text, text, text)


def _reference(table: ItemTable, rows: np.ndarray, k: int) -> np.ndarray:
    """The former implementation: one sort of (account, time rank) keys."""
    n = max(len(table.t), 1)
    keys = np.sort(table.acc[rows] * n + table.rank[rows])
    acc_sorted, ordered = keys // n, table.order[keys % n]
    t_sorted = table.t[ordered]
    starts = np.flatnonzero(np.r_[True, acc_sorted[1:] != acc_sorted[:-1]])
    ends = np.r_[starts[1:], len(ordered)]
    threshold = np.repeat(t_sorted[np.maximum(ends - k, starts)], ends - starts)
    return np.sort(ordered[t_sorted >= threshold])


@pytest.mark.parametrize("n_accounts", [1, 7, 70_000])  # 70_000: beyond the 16-bit radix path
@pytest.mark.parametrize("k", [1, 3, 5])
def test_candidates_match_a_plain_sort(n_accounts: int, k: int) -> None:
    rng = np.random.default_rng(n_accounts * 10 + k)
    n = 5_000
    acc = rng.integers(0, n_accounts, n).astype(np.int64)
    acc[:2] = n_accounts - 1  # the largest id is present
    t = rng.integers(0, 50, n).astype(np.int64)  # many ties in time
    table = _table(acc, t)
    for rows in (np.arange(n), np.flatnonzero(rng.random(n) < 0.3), np.array([4], dtype=np.int64)):
        assert np.array_equal(_per_account_candidates(table, rows, k), _reference(table, rows, k))


def test_the_collector_state_is_restored() -> None:
    was = gc.isenabled()
    try:
        for state in (True, False):
            (gc.enable if state else gc.disable)()
            with paused_gc():
                assert not gc.isenabled()
            assert gc.isenabled() is state
        gc.enable()
        with pytest.raises(RuntimeError), paused_gc():
            raise RuntimeError
        assert gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
