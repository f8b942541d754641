"""Normalised records as typed pandas DataFrames: one frame per record type, two child tables.

Every frame has the same columns and dtypes whether it holds a million rows or none:
timestamps are ``datetime64[us, UTC]``; keys with few distinct values (platform, organisation,
handle, kinds, authors) are ``category``; ids and free text are ``str``; counts ``int64``
(``Int64`` where the record allows None); ``verified`` is the nullable ``boolean``. A record's
``source`` page becomes ``page_path``, ``page_sha256`` and ``page_endpoint``, as in the warehouse.

A post's list fields are not kept as Python tuples: its links become ``n_urls`` and ``has_utm``
(a link carrying ``utm_*`` parameters), its hashtags and mentions become the long child tables
``hashtags`` (``post_row``, ``tag``, case-folded) and ``mentions`` (``post_row``, ``mention``,
lower-case), where ``post_row`` is the post's position in ``posts``. A posts frame read from the
warehouse (list columns ``urls``, ``hashtags``, ``mentions``) is accepted and converted.

This module imports pandas: import it only where metrics are computed, never at CLI start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from maturity.errors import InputError
from maturity.records import AccountSnapshot, InboundMessage, PageRef, Post, ReplyLink

UTC_US = "datetime64[us, UTC]"
CAT = "category"
STR = "str"

PAGE_COLUMNS: dict[str, str] = {"page_path": STR, "page_sha256": STR, "page_endpoint": STR}

SNAPSHOT_COLUMNS: dict[str, str] = {
    "platform": CAT,
    "org_id": CAT,
    "handle": CAT,
    "function": CAT,
    "observed_at": UTC_US,
    "status": CAT,
    "platform_user_id": STR,
    "display_name": STR,
    "description": STR,
    "url": STR,
    "profile_image_url": STR,
    "banner_url": STR,
    "verified": "boolean",
    "created_at": UTC_US,
    "followers": "Int64",
    "following": "Int64",
    "post_count": "Int64",
    "pinned_post_id": STR,
    "bio_urls": STR,
    "history_capped": "boolean",
    "covered_from": UTC_US,
    **PAGE_COLUMNS,
}

POST_COLUMNS: dict[str, str] = {
    "platform": CAT,
    "post_id": STR,
    "org_id": CAT,
    "handle": CAT,
    "created_at": UTC_US,
    "kind": CAT,
    "conversation_id": STR,
    "in_reply_to_post_id": STR,
    "in_reply_to_author": CAT,
    "n_urls": "int64",
    "has_utm": "bool",
    "like_count": "int64",
    "repost_count": "int64",
    "reply_count": "int64",
    "quote_count": "int64",
    "text_signature": STR,
    "signed": "boolean",
    **PAGE_COLUMNS,
}

INBOUND_COLUMNS: dict[str, str] = {
    "platform": CAT,
    "message_id": STR,
    "org_id": CAT,
    "handle": CAT,
    "author": CAT,
    "created_at": UTC_US,
    "kind": CAT,
    "conversation_id": STR,
    "in_reply_to_post_id": STR,
    "text_signature": STR,
    "text_words": "Int64",
    "text_links": "Int64",
    **PAGE_COLUMNS,
}

REPLY_LINK_COLUMNS: dict[str, str] = {
    "platform": CAT,
    "org_id": CAT,
    "inbound_id": STR,
    "reply_post_id": STR,
    "handle": CAT,
    "inbound_at": UTC_US,
    "replied_at": UTC_US,
}

HASHTAG_COLUMNS: dict[str, str] = {"post_row": "int64", "tag": STR}
MENTION_COLUMNS: dict[str, str] = {"post_row": "int64", "mention": STR}

#: A link whose query string carries a ``utm_*`` campaign parameter.
UTM_PATTERN = r"[?&#]utm_[a-z]+="

_POST_LISTS = ("urls", "hashtags", "mentions")

R = TypeVar("R", AccountSnapshot, Post, InboundMessage, ReplyLink)


@dataclass(frozen=True, slots=True)
class RecordFrames:
    """All records of one or many organisations, as typed frames."""

    snapshots: pd.DataFrame
    posts: pd.DataFrame
    inbound: pd.DataFrame
    reply_links: pd.DataFrame
    hashtags: pd.DataFrame
    mentions: pd.DataFrame

    @property
    def n_interactions(self) -> int:
        """Posts, inbound messages and reply links: the size the benchmark speaks of."""
        return len(self.posts) + len(self.inbound) + len(self.reply_links)


# -- typing columns ---------------------------------------------------------------------------


def _utc(values: pd.Series, column: str) -> pd.Series:
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC").astype(UTC_US)
    if pd.api.types.is_datetime64_dtype(values.dtype):
        raise InputError(
            f"column '{column}' holds naive timestamps",
            where=f"metrics frame column {column}",
            fix="give every timestamp a timezone (records carry aware UTC datetimes)",
        )
    if values.notna().any():
        naive = values.dropna().map(lambda v: getattr(v, "tzinfo", 0) is None)
        if bool(naive.any()):
            raise InputError(
                f"column '{column}' holds naive timestamps",
                where=f"metrics frame column {column}",
                fix="give every timestamp a timezone (records carry aware UTC datetimes)",
            )
    return pd.to_datetime(values, utc=True).astype(UTC_US)


def typed(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """``frame`` with exactly ``columns`` in their dtypes; missing optional columns are null."""
    out: dict[str, pd.Series] = {}
    index = pd.RangeIndex(len(frame))
    for name, dtype in columns.items():
        if name in frame.columns:
            col = pd.Series(frame[name].array, index=index, name=name)
        else:
            col = pd.Series([None] * len(frame), index=index, name=name, dtype=object)
        if dtype == UTC_US:
            out[name] = _utc(col, name)
        elif dtype in ("int64", "bool"):
            out[name] = col.fillna(0).astype(dtype)
        elif dtype == CAT and not isinstance(col.dtype, pd.CategoricalDtype):
            out[name] = col.astype(STR).astype(CAT)
        else:
            out[name] = col.astype(dtype)
    return pd.DataFrame(out, index=index)


# -- records to columns -----------------------------------------------------------------------


def _page_columns(sources: list[PageRef | None]) -> dict[str, list[str | None]]:
    return {
        "page_path": [s.path if s is not None else None for s in sources],
        "page_sha256": [s.sha256 if s is not None else None for s in sources],
        "page_endpoint": [s.endpoint if s is not None else None for s in sources],
    }


def _columns(records: Sequence[R], names: Sequence[str]) -> dict[str, list[Any]]:
    return {name: list(map(attrgetter(name), records)) for name in names}


def _from_records(
    records: Sequence[R], fields: Sequence[str], columns: Mapping[str, str], pages: bool
) -> pd.DataFrame:
    data: dict[str, list[Any]] = _columns(records, fields)
    if pages:
        data.update(_page_columns([getattr(r, "source", None) for r in records]))
    return typed(pd.DataFrame(data, index=pd.RangeIndex(len(records))), columns)


def _fields(columns: Mapping[str, str]) -> list[str]:
    return [c for c in columns if c not in PAGE_COLUMNS]


def _joined(values: object) -> object:
    """A list of links as one text, a link a line (None when there is none)."""
    if isinstance(values, (list, tuple, np.ndarray)):
        return "\n".join(str(v) for v in values) or None
    return values


def snapshots_frame(records: Sequence[AccountSnapshot] | pd.DataFrame) -> pd.DataFrame:
    """Account snapshots; ``bio_urls`` (a list in the records) becomes one text, a link a
    line."""
    if isinstance(records, pd.DataFrame):
        if "bio_urls" in records.columns and records["bio_urls"].dtype == object:
            records = records.assign(bio_urls=records["bio_urls"].map(_joined))
        return typed(records, SNAPSHOT_COLUMNS)
    fields = _fields(SNAPSHOT_COLUMNS)
    data: dict[str, list[Any]] = _columns(records, fields)
    data["bio_urls"] = [_joined(u) for u in data["bio_urls"]]
    data.update(_page_columns([r.source for r in records]))
    return typed(pd.DataFrame(data, index=pd.RangeIndex(len(records))), SNAPSHOT_COLUMNS)


def inbound_frame(records: Sequence[InboundMessage] | pd.DataFrame) -> pd.DataFrame:
    if isinstance(records, pd.DataFrame):
        return typed(records, INBOUND_COLUMNS)
    return _from_records(records, _fields(INBOUND_COLUMNS), INBOUND_COLUMNS, pages=True)


def reply_links_frame(records: Sequence[ReplyLink] | pd.DataFrame) -> pd.DataFrame:
    """Reply links, one per organisation and inbound message: the earliest reply wins if one
    is listed twice."""
    if isinstance(records, pd.DataFrame):
        frame = typed(records, REPLY_LINK_COLUMNS)
    else:
        frame = _from_records(records, list(REPLY_LINK_COLUMNS), REPLY_LINK_COLUMNS, pages=False)
    if frame.empty:
        return frame
    frame = frame.sort_values(["replied_at", "reply_post_id"], kind="stable")
    frame = frame.drop_duplicates(["platform", "org_id", "inbound_id"], keep="first")
    return frame.reset_index(drop=True)


# -- posts and their list fields ---------------------------------------------------------------


def _long(lists: pd.Series, name: str, normalise: Callable[[pd.Series], pd.Series]) -> pd.DataFrame:
    """One row per element of ``lists`` (a Series of sequences), keyed by the post's row."""
    exploded = lists.explode().dropna()
    frame = pd.DataFrame(
        {"post_row": exploded.index.to_numpy(dtype="int64"), name: exploded.astype(STR)}
    )
    frame[name] = normalise(frame[name])
    return frame.reset_index(drop=True)


def _list_series(values: Sequence[Any] | pd.Series) -> pd.Series:
    return pd.Series(
        [tuple(v) if isinstance(v, (list, tuple, np.ndarray)) else () for v in values],
        index=pd.RangeIndex(len(values)),
        dtype=object,
    )


def posts_frames(
    records: Sequence[Post] | pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Posts, their hashtags and their mentions, from records or a frame with list columns."""
    if isinstance(records, pd.DataFrame):
        lists = {name: _list_series(records.get(name, [()] * len(records))) for name in _POST_LISTS}
        base = records.reset_index(drop=True)
    else:
        names = [f for f in _fields(POST_COLUMNS) if f not in ("n_urls", "has_utm")]
        data = _columns(records, names)
        data.update(_page_columns([r.source for r in records]))
        base = pd.DataFrame(data, index=pd.RangeIndex(len(records)))
        lists = {
            name: pd.Series(list(map(attrgetter(name), records)), dtype=object)
            for name in _POST_LISTS
        }
    urls = _long(lists["urls"], "url", lambda s: s)
    with_utm = urls.loc[urls["url"].str.contains(UTM_PATTERN, case=False, regex=True), "post_row"]
    base = base.assign(
        n_urls=np.bincount(urls["post_row"].to_numpy(), minlength=len(base))[: len(base)],
        has_utm=np.isin(np.arange(len(base)), with_utm.to_numpy()),
    )
    hashtags = _long(lists["hashtags"], "tag", lambda s: s.str.lstrip("#").str.casefold())
    mentions = _long(lists["mentions"], "mention", lambda s: s.str.lstrip("@").str.lower())
    return (
        typed(base, POST_COLUMNS),
        typed(hashtags, HASHTAG_COLUMNS),
        typed(mentions, MENTION_COLUMNS),
    )


def record_frames(
    snapshots: Sequence[AccountSnapshot] | pd.DataFrame = (),
    posts: Sequence[Post] | pd.DataFrame = (),
    inbound: Sequence[InboundMessage] | pd.DataFrame = (),
    reply_links: Sequence[ReplyLink] | pd.DataFrame = (),
) -> RecordFrames:
    """Typed frames of the given records (sequences of records or frames, in any mix)."""
    post_frame, hashtags, mentions = posts_frames(posts)
    return RecordFrames(
        snapshots=snapshots_frame(snapshots),
        posts=post_frame,
        inbound=inbound_frame(inbound),
        reply_links=reply_links_frame(reply_links),
        hashtags=hashtags,
        mentions=mentions,
    )


def empty_frames() -> RecordFrames:
    return record_frames()
