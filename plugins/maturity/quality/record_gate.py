"""The record gate: run the record suites on one collection batch."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from maturity.errors import InputError
from maturity.quality import record_frames as rf
from maturity.quality import record_suites as rs
from maturity.quality.checks import Suite
from maturity.quality.results import BatchValidation, ExpectationOutcome
from maturity.records import AccountSnapshot, CollectionBatch, InboundMessage, PageRef, Post

if TYPE_CHECKING:
    import pandas as pd

_FRAMES: tuple[tuple[Suite, Callable[[CollectionBatch], pd.DataFrame]], ...] = (
    (rs.SNAPSHOTS, rf.snapshot_frame),
    (rs.POSTS, rf.post_frame),
    (rs.INBOUND, rf.inbound_frame),
    (rs.REPLY_LINKS, rf.reply_link_frame),
)


def _check_window(batch: CollectionBatch) -> None:
    where = f"validate_batch({batch.platform}:{batch.handle})"
    for name in ("window_start", "window_end"):
        value = getattr(batch, name)
        if value.tzinfo is None or value.utcoffset() is None:
            raise InputError(
                f"batch {name} {value.isoformat()} has no timezone",
                where=where,
                fix="collect with timezone-aware (UTC) windows",
            )
    if batch.window_end <= batch.window_start:
        raise InputError(
            f"batch window end {batch.window_end.isoformat()} is not after its start "
            f"{batch.window_start.isoformat()}",
            where=where,
        )


def validate_batch(
    batch: CollectionBatch, *, lookback: timedelta = rs.DEFAULT_LOOKBACK
) -> BatchValidation:
    """Run every record suite on ``batch``; the batch passes when every expectation does.

    Created times must lie in ``[window_start - lookback, window_end)``: ``lookback`` is the
    connectors' collection overlap (one day by default); pass ``timedelta(0)`` for the strict
    window. A window without a timezone is a caller error (``InputError``), not bad data.
    """
    from maturity.quality.gx_runtime import validate_frame

    _check_window(batch)
    parameters = {
        rs.CREATED_FROM: batch.window_start - lookback,
        rs.WINDOW_END: batch.window_end,
    }
    outcomes: list[ExpectationOutcome] = []
    for suite, frame_of in _FRAMES:
        wanted = {p: parameters[p] for p in suite.parameters}
        outcomes.extend(validate_frame(suite, frame_of(batch), wanted))
    return BatchValidation(
        org_id=batch.org_id,
        platform=batch.platform,
        handle=batch.handle,
        window_start=batch.window_start,
        window_end=batch.window_end,
        outcomes=tuple(outcomes),
        pages=_pages(batch),
        record_counts={
            "snapshots": len(batch.snapshots),
            "posts": len(batch.posts),
            "inbound": len(batch.inbound),
            "reply_links": len(batch.reply_links),
        },
    )


def _pages(batch: CollectionBatch) -> tuple[PageRef, ...]:
    """The batch's landed pages and the pages its records name, each once, in first-seen order."""
    records: list[AccountSnapshot | Post | InboundMessage] = [
        *batch.snapshots,
        *batch.posts,
        *batch.inbound,
    ]
    sources = [r.source for r in records]
    seen: dict[str, PageRef] = {}
    for ref in (*batch.pages, *(s for s in sources if s is not None)):
        seen.setdefault(ref.sha256, ref)
    return tuple(seen.values())
