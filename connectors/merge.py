"""Merge the batches of several collection runs of one account and window.

A rerun with cursors fetches only what is new since the last run (plus an overlap), so the
window's records are the union of its runs. Items are keyed on their ids and the first run that
saw an item wins, so collecting a window again never rewrites what was already recorded (its
source page included); items only a later run saw are added, and each endpoint's cursor is the
furthest one reached. The skipped items are those of every run, each once, except an item that
another run recorded. (Reply links are not a batch's: ``maturity.pipeline.gate_and_load``
links replies once, across the organisation's accounts.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from maturity.records import CollectionBatch, Cursor


def _furthest(a: Cursor, b: Cursor) -> Cursor:
    """The cursor that reached the newer item; truncated if either run was."""
    if a.newest_at is None:
        newer = b
    elif b.newest_at is None:
        newer = a
    else:
        newer = b if b.newest_at > a.newest_at else a
    return replace(newer, truncated=a.truncated or b.truncated)


def merge_batches(batches: Sequence[CollectionBatch]) -> CollectionBatch:
    """One batch with every item of ``batches``, the earliest run's version of each."""
    if not batches:
        raise ValueError("nothing to merge")
    first = batches[0]
    if len(batches) == 1:
        return first
    posts = {p.post_id: p for b in reversed(batches) for p in b.posts}
    inbound = {m.message_id: m for b in reversed(batches) for m in b.inbound}
    snapshots = {
        (s.handle.lower(), s.observed_at): s for b in reversed(batches) for s in b.snapshots
    }
    cursors: dict[str, Cursor] = {}
    for b in batches:
        for c in b.cursors:
            cursors[c.endpoint] = _furthest(cursors[c.endpoint], c) if c.endpoint in cursors else c
    # Every page of the first run stays; a later run adds only the pages its new items came
    # from, so a rerun that found nothing new leaves the list (and the warehouse) as it was.
    sources = {p.source.path for p in posts.values() if p.source} | {
        m.source.path for m in inbound.values() if m.source
    }
    pages = {p.path: p for p in first.pages}
    for b in batches[1:]:
        pages.update({p.path: p for p in b.pages if p.path in sources and p.path not in pages})
    recorded = set(posts) | set(inbound)
    skipped = {
        s: None
        for b in batches
        for s in b.skipped
        if s.item_id is None or s.item_id not in recorded
    }
    merged_posts = tuple(sorted(posts.values(), key=lambda p: (p.created_at, p.post_id)))
    merged_inbound = tuple(sorted(inbound.values(), key=lambda m: (m.created_at, m.message_id)))
    return replace(
        first,
        snapshots=tuple(snapshots[k] for k in sorted(snapshots, key=str)),
        posts=merged_posts,
        inbound=merged_inbound,
        cursors=tuple(cursors[e] for e in sorted(cursors)),
        pages=tuple(pages.values()),
        skipped=tuple(skipped),
    )
