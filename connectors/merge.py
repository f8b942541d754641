"""Merge the batches of several collection runs of one account and window.

A rerun with cursors fetches only what is new since the last run (plus an overlap), so the
window's records are the union of its runs. Items are keyed on their ids and the first run that
saw an item wins, so collecting a window again never rewrites what was already recorded (its
source page included); items only a later run saw are added, and each endpoint's cursor is the
furthest one reached. The skipped items are those of every run, each once, except an item that
another run recorded. (Reply links are not a batch's: ``maturity.pipeline.gate_and_load``
links replies once, across the organisation's accounts.)

One exception to "the first run wins": content the platform stopped serving (:func:`gone`).
A later run that read an endpoint again, in full, between its plan's lower bound and the
window's end, and did not see an item an earlier run saw there, shows that the item was
deleted (or made unavailable); an account that a later run found protected, suspended or
deleted withdrew its own posts. Those items are left out of the merged batch, and the
account's snapshot is the latest run's. ``maturity.pipeline.retention.purge_gone`` then
removes them from the warehouse and the landing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import PurePosixPath

from maturity.connectors.base import SKIP_API_ERROR
from maturity.connectors.context import AssemblyContext, EndpointPlan
from maturity.platforms import REDDIT, X
from maturity.records import CollectionBatch, Cursor

WITHDRAWN = frozenset({"protected", "suspended", "deleted"})
"""Account states whose posts must no longer be kept (X developer policy). ``not_found`` is
not one: a handle that no longer resolves may have been renamed or mistyped."""


@dataclass(frozen=True)
class Gone:
    """What an account's later runs show the platform no longer serves."""

    posts: frozenset[str] = frozenset()
    inbound: frozenset[str] = frozenset()
    withdrawn: str | None = None
    """The account's status when its latest run found it protected, suspended or deleted:
    every post of the account goes, in every window."""

    def __bool__(self) -> bool:
        return bool(self.posts or self.inbound or self.withdrawn)


def coverage(
    platform: str, context: AssemblyContext, batch: CollectionBatch
) -> dict[str, EndpointPlan]:
    """The page endpoints a run read in full, each with its plan: from the plan's lower bound
    (or ``since_id``) to the window's end, and not cut short by a cap (a truncated cursor).

    An endpoint whose answer carried an error about the request itself (X ``errors`` naming
    the account's ``id``: the account became protected during the run, say) was not read.

    X: the account's timeline and mentions. Reddit: the account's own submissions and
    comments (a deleted one leaves the user's listings; elsewhere Reddit shows a deleted item
    as ``[deleted]`` instead, which :func:`gone` reads from the item itself)."""
    from maturity.connectors import reddit_assembler as ra
    from maturity.connectors.x_assembler import CURSOR_ENDPOINT

    read = {
        X: CURSOR_ENDPOINT,
        REDDIT: {ra.SUBMITTED: ra.LISTINGS[ra.SUBMITTED], ra.COMMENTS: ra.LISTINGS[ra.COMMENTS]},
    }.get(platform, {})
    truncated = {c.endpoint for c in batch.cursors if c.truncated}
    refused = {
        PurePosixPath(s.page_path).parent.name
        for s in batch.skipped
        if s.reason.startswith(SKIP_API_ERROR) and s.field in (None, "id")
    }
    out: dict[str, EndpointPlan] = {}
    for endpoint, name in read.items():
        plan = context.plans.get(name)
        if plan is not None and name not in truncated and endpoint not in refused:
            out[endpoint] = plan
    return out


def _covered(plan: EndpointPlan, item_id: str, at: datetime, end: datetime) -> bool:
    if at >= end:
        return False
    if plan.lower is not None:
        return at >= plan.lower
    if plan.since_id and plan.since_id.isdigit() and item_id.isdigit():
        return int(item_id) > int(plan.since_id)
    return plan.since_id is None


def gone(runs: Sequence[tuple[CollectionBatch, Mapping[str, EndpointPlan]]]) -> Gone:
    """What the platform stopped serving, from an account's runs of one window (oldest first),
    each with its :func:`coverage`.

    An item is gone when the last run that covered its endpoint and time did not see it (a run
    sees an item it recorded or skipped), or when a later run shows it with Reddit's
    ``[deleted]`` / ``[removed]`` author where an earlier one had a person or the
    organisation; an item seen again later (with its author) is not. The account is withdrawn
    when its latest run's snapshot says so."""
    from maturity.connectors.reddit_assembler import GONE

    if not runs:
        return Gone()
    where: dict[tuple[str, str], tuple[str | None, datetime]] = {}
    authored: set[tuple[str, str]] = set()
    seen_last: dict[tuple[str, str], bool] = {}
    for batch, covered in runs:
        items = [("post", p.post_id, p.created_at, p.source) for p in batch.posts] + [
            ("inbound", m.message_id, m.created_at, m.source) for m in batch.inbound
        ]
        for kind, item_id, at, source in items:
            where.setdefault((kind, item_id), (source.endpoint if source else None, at))
        authored |= {("post", p.post_id) for p in batch.posts} | {
            ("inbound", m.message_id) for m in batch.inbound if m.author not in GONE
        }
        seen = {i for _, i, _, _ in items} | {s.item_id for s in batch.skipped if s.item_id}
        blanked = {m.message_id for m in batch.inbound if m.author in GONE}
        for key, (endpoint, at) in where.items():
            if key[1] in blanked:
                if key not in authored:
                    continue  # never seen with an author: kept as Reddit shows it
                seen_last[key] = False
            elif key[1] in seen:
                seen_last[key] = True
            elif (plan := covered.get(endpoint or "")) and _covered(
                plan, key[1], at, batch.window_end
            ):
                seen_last[key] = False
    missing = {key for key, ok in seen_last.items() if not ok}
    latest = runs[-1][0].snapshots
    status = latest[-1].status if latest else None
    return Gone(
        posts=frozenset(i for kind, i in missing if kind == "post"),
        inbound=frozenset(i for kind, i in missing if kind == "inbound"),
        withdrawn=status if status in WITHDRAWN else None,
    )


def _furthest(a: Cursor, b: Cursor) -> Cursor:
    """The cursor that reached the newer item; truncated if either run was."""
    if a.newest_at is None:
        newer = b
    elif b.newest_at is None:
        newer = a
    else:
        newer = b if b.newest_at > a.newest_at else a
    return replace(newer, truncated=a.truncated or b.truncated)


def merge_batches(
    batches: Sequence[CollectionBatch], without: Gone | None = None
) -> CollectionBatch:
    """One batch with every item of ``batches``, the earliest run's version of each, except
    what ``without`` names (:func:`gone`): those items, and every post of a withdrawn
    account, are left out, and a withdrawn account's snapshot is the latest run's."""
    if not batches:
        raise ValueError("nothing to merge")
    without = without or Gone()
    dropped = without.posts | without.inbound
    first = batches[0]
    if len(batches) == 1 and not without:
        return first
    posts = {
        p.post_id: p
        for b in reversed(batches)
        for p in b.posts
        if not without.withdrawn and p.post_id not in dropped
    }
    inbound = {
        m.message_id: m for b in reversed(batches) for m in b.inbound if m.message_id not in dropped
    }
    order = batches if without.withdrawn else list(reversed(batches))
    snapshots = {(s.handle.lower(), s.observed_at): s for b in order for s in b.snapshots}
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
    if without.withdrawn:
        pages.update({p.path: p for p in batches[-1].pages})
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
