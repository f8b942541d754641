"""Example items behind a value: up to K item refs per scope, with their landed pages.

The examples of a scope are its K most recent items (ties broken by item id); accounts, which
have no time, come in handle order. They are chosen for every scope of a sample set at once:
the K most recent of a platform or organisation are among the K most recent of its accounts,
so only those few candidates are sorted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from maturity.evidence import EvidenceRef
from maturity.metrics.endpoints import RecordKind, endpoint_of
from maturity.metrics.scopes import IntArray, Scopes

ObjectArray = np.ndarray[Any, np.dtype[np.object_]]


@dataclass(frozen=True, slots=True)
class Candidates:
    """The items of one sample set: their account, recency and where they came from."""

    acc: IntArray
    t: IntArray
    item: ObjectArray
    platform: ObjectArray
    handle: ObjectArray
    page_path: ObjectArray
    page_sha256: ObjectArray
    page_endpoint: ObjectArray
    row: IntArray
    """Position in the table the candidates were taken from (for reusing refs)."""
    record: RecordKind

    @classmethod
    def of(cls, frame: pd.DataFrame, record: RecordKind, rows: IntArray) -> Candidates:
        """Candidates from ``frame`` (columns acc, t, item_id, platform, handle, page_*),
        which holds rows ``rows`` of its source table."""

        def col(name: str) -> ObjectArray:
            return np.asarray(frame[name].to_numpy(dtype=object))

        return cls(
            acc=np.asarray(frame["acc"].to_numpy(dtype=np.int64)),
            t=np.asarray(frame["t"].to_numpy(dtype=np.int64)),
            item=col("item_id"),
            platform=col("platform"),
            handle=col("handle"),
            page_path=col("page_path"),
            page_sha256=col("page_sha256"),
            page_endpoint=col("page_endpoint"),
            row=rows,
            record=record,
        )


def _per_account_candidates(acc: IntArray, t: IntArray, k: int) -> IntArray:
    """Rows at least as recent as their account's K-th most recent row."""
    order = np.lexsort((t, acc))
    acc_sorted, t_sorted = acc[order], t[order]
    first = np.r_[True, acc_sorted[1:] != acc_sorted[:-1]]
    starts = np.flatnonzero(first)
    ends = np.r_[starts[1:], len(order)]
    kth = t_sorted[np.maximum(ends - k, starts)]
    threshold = np.repeat(kth, ends - starts)
    return np.sort(order[t_sorted >= threshold])


RefCache = dict[tuple[str, int], tuple[EvidenceRef, EvidenceRef | None]]


def _item_refs(c: Candidates, r: int, cache: RefCache) -> tuple[EvidenceRef, EvidenceRef | None]:
    """The item ref of candidate ``r`` and its page ref, made once per record and reused."""
    key = (c.record, int(c.row[r]))
    refs = cache.get(key)
    if refs is None:
        platform, handle = str(c.platform[r]), str(c.handle[r])
        endpoint = endpoint_of(platform, _text(c.page_endpoint[r]), c.record)
        item = EvidenceRef("item", str(c.item[r]), platform, handle, endpoint)
        path, sha = _text(c.page_path[r]), _text(c.page_sha256[r])
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
    c: Candidates, scopes: Scopes, k: int, cache: RefCache
) -> dict[int, tuple[EvidenceRef, ...]]:
    """Scope id → up to ``k`` item refs (most recent first) and the pages they came from."""
    if len(c.acc) == 0 or k <= 0:
        return {}
    rows = _per_account_candidates(c.acc, c.t, k)
    scope, which = scopes.expand(c.acc[rows])
    picked = pd.DataFrame(
        {
            "scope": scope,
            "t": c.t[rows][which],
            "item": c.item[rows][which].astype(str),
            "row": rows[which],
        }
    )
    picked = picked.sort_values(["scope", "t", "item"], ascending=[True, False, True])
    picked = picked.groupby("scope", sort=False).head(k)
    items: dict[int, list[EvidenceRef]] = {}
    pages: dict[int, list[EvidenceRef]] = {}
    for s, r in zip(picked["scope"].tolist(), picked["row"].tolist(), strict=True):
        item, page = _item_refs(c, r, cache)
        items.setdefault(s, []).append(item)
        if page is not None:
            pages.setdefault(s, []).append(page)
    return {s: _assemble(refs, pages.get(s, [])) for s, refs in items.items()}
