"""Example items behind a value: up to K item refs per scope, with their landed pages.

The examples of a scope are its K most recent items (ties broken by item id); accounts, which
have no time, come in handle order. They are chosen for every scope of a sample set at once:
the K most recent of a platform or organisation are among the K most recent of its accounts,
so only those few candidates are sorted. A table's rows are ordered by time once and every
sample set taken from it reuses that order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import InitVar, dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from maturity.evidence import EvidenceRef
from maturity.metrics.engine.ordering import value_order
from maturity.metrics.engine.prepared import SourceColumn
from maturity.metrics.engine.scopes import IntArray, Scopes
from maturity.metrics.evidence.endpoints import RecordKind, endpoint_of

ObjectArray = np.ndarray[Any, np.dtype[np.object_]]
#: row -> its item ref and page ref, for the rows of one table (one record kind)
RefCache = dict[int, tuple[EvidenceRef, EvidenceRef | None]]
#: rows of one scope's examples -> their assembled refs, shared across the sample sets of one
#: table
RunCache = dict[tuple[int, ...], tuple[EvidenceRef, ...]]


#: A column of items: an object array, or a records column read through the items' rows.
Column = ObjectArray | SourceColumn


@dataclass(frozen=True, slots=True)
class ItemTable:
    """Items (posts, messages or accounts): account, recency and where each came from."""

    record: RecordKind
    acc: IntArray
    t: IntArray
    item: ObjectArray
    platform: Column
    handle: Column
    page_path: Column
    page_sha256: Column
    page_endpoint: Column
    time_order: InitVar[IntArray | None] = None
    """:func:`value_order` of ``t`` when the caller has it already."""
    rank: IntArray = field(init=False)
    """Each row's position in time order."""
    order: IntArray = field(init=False)
    by_account: IntArray = field(init=False)
    """Rows ordered by account, then by time order (one sort, shared by every sample set)."""

    def __post_init__(self, time_order: IntArray | None) -> None:
        order = value_order(self.t) if time_order is None else time_order
        n = len(order)
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n, dtype=np.int64)
        object.__setattr__(self, "order", order)
        object.__setattr__(self, "rank", rank)
        keys = np.sort(self.acc.astype(np.int64) * max(n, 1) + rank)
        object.__setattr__(self, "by_account", order[keys % max(n, 1)])

    @classmethod
    def of(
        cls,
        frame: pd.DataFrame,
        record: RecordKind,
        time_order: IntArray | None = None,
        sources: Mapping[str, SourceColumn] | None = None,
    ) -> ItemTable:
        """From a frame with columns acc, t, item_id, and platform, handle and page_* (in the
        frame or in ``sources``)."""

        def col(name: str) -> Column:
            if sources is not None and name in sources:
                return sources[name]
            return np.asarray(frame[name].to_numpy(dtype=object))

        return cls(
            record=record,
            acc=np.asarray(frame["acc"].to_numpy(dtype=np.int64)),
            t=np.asarray(frame["t"].to_numpy(dtype=np.int64)),
            item=np.asarray(frame["item_id"].to_numpy(dtype=object)),
            platform=col("platform"),
            handle=col("handle"),
            page_path=col("page_path"),
            page_sha256=col("page_sha256"),
            page_endpoint=col("page_endpoint"),
            time_order=time_order,
        )


def _per_account_candidates(table: ItemTable, rows: IntArray, k: int) -> IntArray:
    """Rows at least as recent as their account's K-th most recent row."""
    acc_sorted, ordered = _by_account_in_time_order(table, rows)
    t_sorted = table.t[ordered]
    starts = np.flatnonzero(np.r_[True, acc_sorted[1:] != acc_sorted[:-1]])
    ends = np.r_[starts[1:], len(ordered)]
    threshold = np.repeat(t_sorted[np.maximum(ends - k, starts)], ends - starts)
    return np.sort(ordered[t_sorted >= threshold])


def _by_account_in_time_order(table: ItemTable, rows: IntArray) -> tuple[IntArray, IntArray]:
    """``rows`` ordered by (account, time order), and their accounts: the table's own such
    order, masked (no sort per sample set)."""
    if len(rows) == len(table.t):  # every row (rows are distinct)
        ordered = table.by_account
    else:
        keep = np.zeros(len(table.t), dtype=bool)
        keep[rows] = True
        ordered = table.by_account[keep[table.by_account]]
    return table.acc[ordered], ordered


def _make_item_refs(table: ItemTable, rows: list[int], cache: RefCache) -> None:
    """The item and page refs of ``rows`` (not yet in ``cache``), into ``cache``: one pass over
    the rows' columns as lists, the endpoint looked up once per (platform, landed endpoint)."""
    if not rows:
        return
    record = table.record
    at = np.asarray(rows, dtype=np.int64)
    endpoints: dict[tuple[str, object], str | None] = {}
    for r, platform_value, handle_value, item_value, landed, path_value, sha_value in zip(
        rows,
        table.platform[at].tolist(),
        table.handle[at].tolist(),
        table.item[at].tolist(),
        table.page_endpoint[at].tolist(),
        table.page_path[at].tolist(),
        table.page_sha256[at].tolist(),
        strict=True,
    ):
        platform, handle = str(platform_value), str(handle_value)
        key = (platform, landed)
        if key in endpoints:
            endpoint = endpoints[key]
        else:
            endpoint = endpoints[key] = endpoint_of(platform, _text(landed), record)
        item = EvidenceRef("item", str(item_value), platform, handle, endpoint)
        if isinstance(path_value, str) and path_value:
            page = EvidenceRef("page", path_value, platform, handle, endpoint, _text(sha_value))
            cache[r] = (item, page)
        else:
            cache[r] = (item, None)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _assemble(items: list[EvidenceRef], pages: list[EvidenceRef]) -> tuple[EvidenceRef, ...]:
    unique: dict[str, EvidenceRef] = {}
    for page in pages:
        unique.setdefault(page.ref, page)
    return (*items, *unique.values())


def _scope_order(table: ItemTable, scope: IntArray, chosen: IntArray) -> IntArray:
    """The order of (scope, row) pairs by scope, then most recent first, ties by item id.

    Without ties in time inside a scope, one integer sort of (scope, reversed time rank) keys
    gives that order; with ties, item ids rank them (as text), in a sort of three keys.
    """
    n = max(len(table.t), 1)
    order = np.argsort(scope * n + (n - 1 - table.rank[chosen]))
    s, t = scope[order], table.t[chosen[order]]
    if not ((s[1:] == s[:-1]) & (t[1:] == t[:-1])).any():
        return np.asarray(order, dtype=np.int64)
    item_rank, _ = pd.factorize(table.item[chosen].astype(str), sort=True)
    return np.asarray(np.lexsort((item_rank, -table.t[chosen], scope)), dtype=np.int64)


def example_refs(
    table: ItemTable,
    rows: IntArray,
    scopes: Scopes,
    k: int,
    cache: RefCache,
    runs: RunCache | None = None,
) -> dict[int, tuple[EvidenceRef, ...]]:
    """Scope id → up to ``k`` item refs of ``table[rows]`` (most recent first) and their pages."""
    if len(rows) == 0 or k <= 0:
        return {}
    candidates = _per_account_candidates(table, rows, k)
    scope, which = scopes.expand(table.acc[candidates])
    chosen = candidates[which]
    order = _scope_order(table, scope, chosen)
    scope, chosen = scope[order], chosen[order]
    starts = np.flatnonzero(np.r_[True, scope[1:] != scope[:-1]])
    position = np.arange(len(scope)) - np.repeat(starts, np.diff(np.r_[starts, len(scope)]))
    keep = position < k
    scope, chosen = scope[keep], chosen[keep]
    bounds = np.flatnonzero(np.r_[True, scope[1:] != scope[:-1], True]).tolist()
    scope_ids, rows_list = scope.tolist(), chosen.tolist()
    _make_item_refs(table, [r for r in np.unique(chosen).tolist() if r not in cache], cache)
    out: dict[int, tuple[EvidenceRef, ...]] = {}
    # a platform's or organisation's examples are often those of one of its accounts, and
    # sample sets of the same table often choose the same rows: the refs of one run of rows
    # are assembled once
    assembled: RunCache = {} if runs is None else runs
    for start, end in pairwise(bounds):
        run = tuple(rows_list[start:end])
        refs = assembled.get(run)
        if refs is None:
            made = [cache[r] for r in run]
            pages = [page for _, page in made if page is not None]
            refs = assembled[run] = _assemble([item for item, _ in made], pages)
        out[scope_ids[start]] = refs
    return out
