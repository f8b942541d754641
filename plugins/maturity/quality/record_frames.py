"""A collection batch as one small DataFrame per record type, shaped for the record suites.

Every frame has a ``row`` column (the record's position in the batch), which GX reports back
for unexpected rows. Timestamps become UTC; a missing or naive one becomes ``NaT``. An empty
or blank id becomes null, and so does a Reddit post's ``like_count`` (a score, which can be
negative; see ``SIGNED_SCORE_PLATFORMS``). Columns the suites do not read are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from maturity.platforms import REDDIT
from maturity.records import CollectionBatch

if TYPE_CHECKING:
    import pandas as pd


def _aware(value: object) -> datetime | None:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        return None
    return value


def _id(value: object) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def _times(values: Iterable[object]) -> pd.DatetimeIndex:
    import pandas as pd

    return pd.DatetimeIndex(pd.to_datetime([_aware(v) for v in values], utc=True))


def _frame(columns: dict[str, Sequence[Any]], times: Sequence[str] = ()) -> pd.DataFrame:
    import pandas as pd

    n = len(next(iter(columns.values())))
    data: dict[str, Any] = {"row": range(n)}
    for name, values in columns.items():
        data[name] = _times(values) if name in times else list(values)
    return pd.DataFrame(data)


def snapshot_frame(batch: CollectionBatch) -> pd.DataFrame:
    s = batch.snapshots
    return _frame(
        {
            "platform": [x.platform for x in s],
            "handle": [x.handle for x in s],
            "observed_at": [x.observed_at for x in s],
            "followers": [_count(x.followers) for x in s],
            "following": [_count(x.following) for x in s],
            "post_count": [_count(x.post_count) for x in s],
        },
        times=("observed_at",),
    )


def _count(value: int | None) -> float:
    return float("nan") if value is None else value


SIGNED_SCORE_PLATFORMS: frozenset[str] = frozenset({REDDIT})
"""Platforms whose ``Post.like_count`` is a net score (Reddit: upvotes minus downvotes), which
can be negative; their ``like_count`` is null in the frame, so the not-negative check skips it."""


def _likes(platform: str, value: int) -> float:
    return float("nan") if platform in SIGNED_SCORE_PLATFORMS else value


def post_frame(batch: CollectionBatch) -> pd.DataFrame:
    p = batch.posts
    return _frame(
        {
            "platform": [x.platform for x in p],
            "post_id": [_id(x.post_id) for x in p],
            "created_at": [x.created_at for x in p],
            "like_count": [_likes(x.platform, x.like_count) for x in p],
            "repost_count": [x.repost_count for x in p],
            "reply_count": [x.reply_count for x in p],
            "quote_count": [x.quote_count for x in p],
        },
        times=("created_at",),
    )


def inbound_frame(batch: CollectionBatch) -> pd.DataFrame:
    m = batch.inbound
    return _frame(
        {
            "platform": [x.platform for x in m],
            "message_id": [_id(x.message_id) for x in m],
            "created_at": [x.created_at for x in m],
            "author": [_id(x.author) for x in m],
        },
        times=("created_at",),
    )


def reply_link_frame(batch: CollectionBatch) -> pd.DataFrame:
    r = batch.reply_links
    frame = _frame(
        {
            "platform": [x.platform for x in r],
            "inbound_id": [_id(x.inbound_id) for x in r],
            "inbound_at": [x.inbound_at for x in r],
            "replied_at": [x.replied_at for x in r],
        },
        times=("inbound_at", "replied_at"),
    )
    frame["delay_s"] = (frame["replied_at"] - frame["inbound_at"]).dt.total_seconds()
    return frame
