"""Example items behind a value: up to K item refs per scope, with their landed pages.

The examples of a scope are its K most recent items (ties broken by item id); accounts, which
have no time, come in handle order. They are chosen for every scope of a sample set at once:
the K most recent of a platform or organisation are among the K most recent of its accounts,
so only those few candidates are sorted. A table's rows are ordered by time once and every
sample set taken from it reuses that order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from maturity.evidence import EvidenceRef
from maturity.metrics.endpoints import RecordKind, endpoint_of
from maturity.metrics.ordering import value_order
from maturity.metrics.scopes import IntArray, Scopes

ObjectArray = np.ndarray[Any, np.dtype[np.object_]]
RefCache = dict[tuple[str, int], tuple[EvidenceRef, EvidenceRef | None]]
#: (record, rows of one scope's examples) -> their assembled refs, shared across sample sets
RunCache = dict[tuple[str, tuple[int, ...]], tuple[EvidenceRef, ...]]


@dataclass(frozen=True, slots=True)
class ItemTable:
    """Items (posts, messages or accounts): account, recency and where each came from."""

    record: RecordKind
    acc: IntArray
    t: IntArray
    item: ObjectArray
    platform: ObjectArray
    handle: ObjectArray
    page_path: ObjectArray
    page_sha256: ObjectArray
    page_endpoint: ObjectArray
    rank: IntArray = field(init=False)
    """Each row's position in time order."""
    order: IntArray = field(init=False)

    def __post_init__(self) -> None:
        order = value_order(self.t)
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order), dtype=np.int64)
        object.__setattr__(self, "order", order)
        object.__setattr__(self, "rank", rank)

    @classmethod
    def of(cls, frame: pd.DataFrame, record: RecordKind) -> ItemTable:
        """From a frame with columns acc, t, item_id, platform, handle and page_*."""

        def col(name: str) -> ObjectArray:
            return np.asarray(frame[name].to_numpy(dtype=object))

        return cls(
            record=record,
            acc=np.asarray(frame["acc"].to_numpy(dtype=np.int64)),
            t=np.asarray(frame["t"].to_numpy(dtype=np.int64)),
            item=col("item_id"),
            platform=col("platform"),
            handle=col("handle"),
            page_path=col("page_path"),
            page_sha256=col("page_sha256"),
            page_endpoint=col("page_endpoint"),
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
    """``rows`` ordered by (account, time order), and their accounts.

    The table's time order is taken as it is (a mask, no sort); a stable sort on the account
    then keeps time order within each account. Account ids that fit 16 bits sort by radix.
    """
    keep = np.zeros(len(table.t), dtype=bool)
    keep[rows] = True
    in_time = table.order[keep[table.order]]
    acc = table.acc[in_time]
    small = acc.astype(np.uint16) if len(acc) and acc.max() < 2**16 and acc.min() >= 0 else acc
    by_acc = np.argsort(small, kind="stable")
    return acc[by_acc], in_time[by_acc]


def _item_refs(table: ItemTable, r: int, cache: RefCache) -> tuple[EvidenceRef, EvidenceRef | None]:
    """The item ref of row ``r`` and its page ref, made once per record and reused."""
    key = (table.record, r)
    refs = cache.get(key)
    if refs is None:
        platform, handle = str(table.platform[r]), str(table.handle[r])
        endpoint = endpoint_of(platform, _text(table.page_endpoint[r]), table.record)
        item = EvidenceRef("item", str(table.item[r]), platform, handle, endpoint)
        path, sha = _text(table.page_path[r]), _text(table.page_sha256[r])
        page = EvidenceRef("page", path, platform, handle, endpoint, sha) if path else None
        refs = cache[key] = (item, page)
    return refs


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _assemble(items: list[EvidenceRef], pages: list[EvidenceRef]) -> tuple[EvidenceRef, ...]:
    unique: dict[str, EvidenceRef] = {}
    for page in pages:
        unique.setdefault(page.ref, page)
    return (*items, *unique.values())


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
    item_rank, _ = pd.factorize(table.item[chosen].astype(str), sort=True)
    order = np.lexsort((item_rank, -table.t[chosen], scope))
    scope, chosen = scope[order], chosen[order]
    starts = np.flatnonzero(np.r_[True, scope[1:] != scope[:-1]])
    position = np.arange(len(scope)) - np.repeat(starts, np.diff(np.r_[starts, len(scope)]))
    keep = position < k
    scope, chosen = scope[keep], chosen[keep]
    bounds = np.flatnonzero(np.r_[True, scope[1:] != scope[:-1], True]).tolist()
    scope_ids, rows = scope.tolist(), chosen.tolist()
    out: dict[int, tuple[EvidenceRef, ...]] = {}
    # a platform's or organisation's examples are often those of one of its accounts, and
    # sample sets of the same table often choose the same rows: the refs of one run of rows
    # are assembled once
    assembled: RunCache = {} if runs is None else runs
    record = table.record
    for start, end in pairwise(bounds):
        run = tuple(rows[start:end])
        refs = assembled.get((record, run))
        if refs is None:
            items: list[EvidenceRef] = []
            pages: list[EvidenceRef] = []
            for r in run:
                item, page = _item_refs(table, r, cache)
                items.append(item)
                if page is not None:
                    pages.append(page)
            refs = assembled[(record, run)] = _assemble(items, pages)
        out[scope_ids[start]] = refs
    return out
