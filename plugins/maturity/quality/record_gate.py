"""The record gate: run the record suites on one collection batch."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from maturity.errors import InputError
from maturity.quality import record_frames as rf
from maturity.quality import record_suites as rs
from maturity.quality.checks import Suite
from maturity.quality_results import BatchValidation, ExpectationOutcome
from maturity.records import CollectionBatch

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


def _record_counts(batch: CollectionBatch) -> dict[str, int]:
    """Records per type, and ``skipped``: the items of the landed pages the assembler left out
    (only when there are any, so a batch without them reads as before)."""
    counts = {
        "snapshots": len(batch.snapshots),
        "posts": len(batch.posts),
        "inbound": len(batch.inbound),
        "reply_links": len(batch.reply_links),
    }
    if batch.skipped:
        counts["skipped"] = len(batch.skipped)
    return counts


def validate_batch(batch: CollectionBatch, *, lookback: timedelta) -> BatchValidation:
    """Run every record suite on ``batch``; the batch passes when every expectation does.

    Created times must lie in ``[window_start - lookback, window_end)``: ``lookback`` is how
    far before the window the batch's connection re-fetched (its ``overlap_seconds``); pass
    ``timedelta(0)`` for the strict window. A window without a timezone is a caller error
    (``InputError``), not bad data.
    """
    [result] = validate_batches([batch], lookbacks={batch.platform: lookback})
    return result


def validate_batches(
    batches: Sequence[CollectionBatch], *, lookbacks: Mapping[str, timedelta]
) -> list[BatchValidation]:
    """:func:`validate_batch` for each of ``batches``, in order, with the same results;
    ``lookbacks`` gives each platform's lookback (its connection's overlap).

    Batches of the same window and lookback are validated together: one GX validation per
    suite when they all pass, each batch on its own when any of them fails (see
    ``validate_frames``). That is what makes validating many small batches (one per account)
    cheap.
    """
    from maturity.quality.gx_runtime import validate_frames

    for batch in batches:
        _check_window(batch)
    missing = sorted({b.platform for b in batches} - set(lookbacks))
    if missing:
        raise InputError(
            f"no lookback for platform(s) {missing}",
            where="validate_batches",
            fix="pass each platform's collection overlap in lookbacks",
        )
    outcomes: list[list[ExpectationOutcome]] = [[] for _ in batches]
    groups: dict[tuple[datetime, datetime, timedelta], list[int]] = {}
    for i, batch in enumerate(batches):
        key = (batch.window_start, batch.window_end, lookbacks[batch.platform])
        groups.setdefault(key, []).append(i)
    for (start, end, lookback), members in groups.items():
        parameters = {rs.CREATED_FROM: start - lookback, rs.WINDOW_END: end}
        for suite, frame_of in _FRAMES:
            wanted = {p: parameters[p] for p in suite.parameters}
            frames = [frame_of(batches[i]) for i in members]
            for i, found in zip(members, validate_frames(suite, frames, wanted), strict=True):
                outcomes[i].extend(found)
    return [
        BatchValidation(
            org_id=batch.org_id,
            platform=batch.platform,
            handle=batch.handle,
            window_start=batch.window_start,
            window_end=batch.window_end,
            outcomes=tuple(found),
            pages=batch.page_refs(),
            record_counts=_record_counts(batch),
        )
        for batch, found in zip(batches, outcomes, strict=True)
    ]
