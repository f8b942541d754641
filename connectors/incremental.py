"""Incremental windows: what to request for a window ``[start, end)`` given a saved cursor.

The window is the scheduler's data interval, so a rerun asks for the same data. The request
reaches back ``overlap`` before the window (or before the cursor, when the cursor already lies
inside the window) to pick up items the platform indexed late; items are deduplicated by id.
With no overlap and a cursor inside the window, X is asked ``since_id`` the cursor instead.
A cursor newer than the window (a backfill of an older window) is not used, and never moves
back: the batch's cursor is the newer of the saved one and the newest item seen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from maturity.connectors.context import EndpointPlan, PriorCursor
from maturity.evidence import Window
from maturity.records import Cursor

if TYPE_CHECKING:
    from maturity.connectors.base import Target


@dataclass(frozen=True)
class Bounds:
    lower: datetime | None
    """Oldest creation time requested (inclusive); None when ``since_id`` bounds instead."""
    upper: datetime
    since_id: str | None = None

    def plan(self, *, cap: int, page_size: int | None = None) -> EndpointPlan:
        """The endpoint's plan for the manifest context, with the connector's caps."""
        return EndpointPlan(lower=self.lower, since_id=self.since_id, cap=cap, page_size=page_size)


def bounds(
    window: Window, cursor: Cursor | None, overlap_seconds: float, *, ids_allowed: bool = True
) -> Bounds:
    overlap = timedelta(seconds=overlap_seconds)
    inside = (
        cursor is not None
        and cursor.newest_at is not None
        and window.start <= cursor.newest_at < window.end
    )
    if not inside or cursor is None or cursor.newest_at is None:
        return Bounds(window.start - overlap, window.end)
    if overlap_seconds == 0 and ids_allowed and cursor.newest_id:
        return Bounds(None, window.end, since_id=cursor.newest_id)
    return Bounds(cursor.newest_at - overlap, window.end)


def prior_context(cursors: Mapping[str, Cursor], names: tuple[str, ...]) -> dict[str, PriorCursor]:
    """The saved cursors of ``names`` that reached an item, as the context keeps them (UTC)."""
    out: dict[str, PriorCursor] = {}
    for name in names:
        c = cursors.get(name)
        if c is not None and c.newest_id and c.newest_at:
            out[name] = PriorCursor(newest_id=c.newest_id, newest_at=c.newest_at.astimezone(UTC))
    return out


def newest_cursor(
    target: Target,
    endpoint: str,
    items: Sequence[tuple[datetime, str]],
    prior: PriorCursor | None,
    truncated: bool,
) -> Cursor:
    """The endpoint's cursor after a run: the newest ``(created_at, id)`` of what it read, or
    the prior cursor's when the run read nothing newer. (X orders its numeric ids by length
    too, so its assembler keeps its own.)"""
    candidates = list(items)
    if prior is not None and prior.newest_id:
        candidates.append((prior.newest_at, prior.newest_id))
    newest = max(candidates) if candidates else None
    return Cursor(
        platform=target.account.platform,
        org_id=target.org_id,
        handle=target.account.handle,
        endpoint=endpoint,
        newest_id=newest[1] if newest else None,
        newest_at=newest[0] if newest else None,
        truncated=truncated,
    )
