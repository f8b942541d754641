"""What every metric family reads: the window's records, mapped onto registered, readable accounts.

* An account's state is its latest ``AccountSnapshot`` observed at or before the window end; it
  is *observed* when there is one and *readable* when that one has status ``active``.
* Posts and inbound messages count when created inside ``[start, end)``, addressed to (or
  written by) a registered account of their organisation, and that account is readable.
  Handles compare case-insensitively; Reddit posts attributed to ``r/<subreddit>`` belong to
  the account that registered the subreddit. Records left out are counted for the notes.
* An inbound message is answered when a reply link for it has ``inbound_at <= replied_at <
  end``: a reply after the window end is not counted, so re-running a window gives the same
  numbers whenever it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from maturity.evidence import Window
from maturity.metrics import local_time
from maturity.metrics.frames import UTC_US, RecordFrames
from maturity.metrics.scopes import BoolArray, IntArray, Scopes, codes_of
from maturity.registry import Organisation

ObjectArray = np.ndarray[Any, np.dtype[np.object_]]
US = 1_000_000
ACTIVE = "active"


def micros(values: pd.Series) -> IntArray:
    """Epoch microseconds of a UTC timestamp column (NaT becomes the int64 minimum)."""
    if values.dtype != UTC_US:
        values = values.astype(UTC_US)
    return np.asarray(values.array.asi8, dtype=np.int64)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_micros(at: datetime) -> int:
    """Epoch microseconds of an aware datetime, exactly."""
    return (at - EPOCH) // timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Prepared:
    scopes: Scopes
    window: Window
    start_us: int
    end_us: int
    accounts: pd.DataFrame
    """One row per registered account (row = account id): its latest snapshot's fields."""
    posts: pd.DataFrame
    hashtags: pd.DataFrame
    """``post`` (row in ``posts``), ``tag``."""
    mentions: pd.DataFrame
    """``post`` (row in ``posts``), ``account`` mentioned (-1 when not an own account)."""
    inbound: pd.DataFrame
    thread_inbound: pd.DataFrame
    """Inbound messages of the assessed organisations in the window, to any of their accounts:
    ``pscope`` (their organisation and platform), ``conversation_id``, ``author`` (a code)."""
    left_out: pd.DataFrame
    """Per organisation: records left out and why (``org``, ``what``, ``count``)."""
    readable: BoolArray
    """Per account: its latest snapshot at or before window end is ``active``."""
    derived: dict[str, Any] = field(default_factory=dict)
    """Columns derived on first use (by the family that needs them), kept for the others."""

    def memo(self, name: str, make: Callable[[], Any]) -> Any:
        if name not in self.derived:
            self.derived[name] = make()
        return self.derived[name]


# -- accounts ---------------------------------------------------------------------------------

_SNAPSHOT_TEXT = (
    "status",
    "platform_user_id",
    "display_name",
    "description",
    "url",
    "profile_image_url",
    "banner_url",
    "page_path",
    "page_sha256",
    "page_endpoint",
)


def _latest_snapshots(snapshots: pd.DataFrame, scopes: Scopes, end_us: int) -> pd.DataFrame:
    acc = scopes.account_of(snapshots["org_id"], snapshots["platform"], snapshots["handle"])
    t = micros(snapshots["observed_at"])
    idx = np.flatnonzero((acc >= 0) & (t <= end_us))
    idx = idx[np.lexsort((t[idx], acc[idx]))]
    last = np.r_[acc[idx][1:] != acc[idx][:-1], True] if len(idx) else np.zeros(0, bool)
    chosen = snapshots.iloc[idx[last]]
    ids = acc[idx[last]]
    out = pd.DataFrame(index=pd.RangeIndex(scopes.n_accounts))
    out["observed"] = np.isin(np.arange(scopes.n_accounts), ids)
    for name in _SNAPSHOT_TEXT:
        col = pd.Series(np.full(scopes.n_accounts, None, dtype=object))
        col.iloc[ids] = chosen[name].astype("str").to_numpy(dtype=object)
        out[name] = col.astype("str")
    out["readable"] = (out["status"] == ACTIVE).to_numpy(dtype=bool)
    for name, source in (("verified", "verified"), ("followers", "followers")):
        values = np.full(scopes.n_accounts, np.nan)
        values[ids] = chosen[source].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
        out[name] = values
    for name in ("created_at", "observed_at"):
        values = np.full(scopes.n_accounts, np.nan)
        stamps = chosen[name]
        values[ids] = np.where(stamps.isna(), np.nan, micros(stamps).astype(np.float64))
        out[f"{name}_us"] = values
    return out


# -- posts ------------------------------------------------------------------------------------


def _in_window(t: IntArray, start_us: int, end_us: int) -> IntArray:
    return np.flatnonzero((t >= start_us) & (t < end_us))


def _left_out(scopes: Scopes, org_ids: pd.Series, drop: BoolArray, what: str) -> pd.DataFrame:
    org = scopes.org_of(org_ids)
    counts = np.bincount(org[drop & (org >= 0)], minlength=scopes.n_orgs)
    nz = np.flatnonzero(counts)
    return pd.DataFrame({"org": nz, "what": what, "count": counts[nz]})


def frame_of(columns: dict[str, np.ndarray[Any, Any]]) -> pd.DataFrame:
    """A frame of numpy columns; object columns stay ``object`` (no per-row string checks)."""
    return pd.DataFrame(
        {
            name: pd.Series(values, dtype=object, copy=False) if values.dtype == object else values
            for name, values in columns.items()
        }
    )


def objects(values: pd.Series) -> ObjectArray:
    """A column as an object array; a categorical one shares its category strings."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = np.asarray([*values.cat.categories.astype(object), None], dtype=object)
        return np.asarray(categories[values.cat.codes.to_numpy()])
    return np.asarray(values.to_numpy(dtype=object))


def _post_columns(sub: pd.DataFrame, acc: IntArray, scopes: Scopes) -> pd.DataFrame:
    kind = sub["kind"]
    self_target = scopes.account_of(sub["org_id"], sub["platform"], sub["in_reply_to_author"])
    is_reply = (kind == "reply").to_numpy(dtype=bool)
    engagement = (
        sub["like_count"].to_numpy()
        + sub["repost_count"].to_numpy()
        + sub["reply_count"].to_numpy()
        + sub["quote_count"].to_numpy()
    )
    return frame_of(
        {
            "acc": acc,
            "t": micros(sub["created_at"]),
            "original": (kind == "original").to_numpy(dtype=bool),
            "reply": is_reply,
            "third_party_reply": is_reply & (self_target < 0),
            "repost": kind.isin(["repost", "quote"]).to_numpy(dtype=bool),
            "turn": (kind != "repost").to_numpy(dtype=bool),
            "engagement": engagement.astype(np.float64),
            "has_link": (sub["n_urls"].to_numpy() > 0),
            "has_utm": sub["has_utm"].to_numpy(dtype=bool) & (sub["n_urls"].to_numpy() > 0),
            "item_id": objects(sub["post_id"]),
            "conversation_id": objects(sub["conversation_id"]),
            "in_reply_to_post_id": objects(sub["in_reply_to_post_id"]),
            "platform": objects(sub["platform"]),
            "handle": objects(sub["handle"]),
            "org": scopes.acc_org[acc],
            "page_path": sub["page_path"].to_numpy(dtype=object),
            "page_sha256": sub["page_sha256"].to_numpy(dtype=object),
            "page_endpoint": sub["page_endpoint"].to_numpy(dtype=object),
        }
    )


def _posts(
    frames: RecordFrames, scopes: Scopes, start_us: int, end_us: int, readable: BoolArray
) -> tuple[pd.DataFrame, IntArray, list[pd.DataFrame]]:
    p = frames.posts
    rows = _in_window(micros(p["created_at"]), start_us, end_us)
    sub = p.iloc[rows]
    acc = scopes.account_of(sub["org_id"], sub["platform"], sub["handle"])
    registered = acc >= 0
    keep = registered.copy()
    keep[registered] = readable[acc[registered]]
    notes = [
        _left_out(scopes, sub["org_id"], ~registered, "posts by accounts not in the registry"),
        _left_out(scopes, sub["org_id"], registered & ~keep, "posts by unreadable accounts"),
    ]
    sub = sub.iloc[np.flatnonzero(keep)]
    return _post_columns(sub, acc[keep], scopes), rows[keep], notes


def _children(child: pd.DataFrame, kept_rows: IntArray, n_rows: int, column: str) -> pd.DataFrame:
    position = np.full(n_rows, -1, dtype=np.int64)
    position[kept_rows] = np.arange(len(kept_rows), dtype=np.int64)
    post = position[child["post_row"].to_numpy(dtype=np.int64)]
    ok = post >= 0
    return pd.DataFrame({"post": post[ok], column: child[column].to_numpy(dtype=object)[ok]})


def _mentions(
    frames: RecordFrames, posts: pd.DataFrame, kept_rows: IntArray, scopes: Scopes
) -> pd.DataFrame:
    rows = _children(frames.mentions, kept_rows, len(frames.posts), "mention")
    post = rows["post"].to_numpy()
    acc = scopes.account_of(
        pd.Series(scopes.accounts["org_id"].to_numpy()[posts["acc"].to_numpy()[post]]),
        pd.Series(posts["platform"].to_numpy()[post]),
        pd.Series(rows["mention"].to_numpy()),
    )
    return pd.DataFrame({"post": post, "account": acc})


# -- inbound ----------------------------------------------------------------------------------


def _link_positions(sub: pd.DataFrame, links: pd.DataFrame) -> IntArray:
    """For each message, the row of its reply link (-1 when none), matched on platform and id."""
    out = np.full(len(sub), -1, dtype=np.int64)
    if links.empty or sub.empty:
        return out
    link_codes, link_names = codes_of(links["platform"])
    msg_codes, msg_names = codes_of(sub["platform"])
    for k, name in enumerate(msg_names):
        if name not in link_names:
            continue
        on_links = np.flatnonzero(link_codes == link_names.index(name))
        on_msgs = np.flatnonzero(msg_codes == k)
        if len(on_links) == 0:
            continue
        index = pd.Index(links["inbound_id"].to_numpy(dtype=object)[on_links])
        if not index.is_unique:
            keep = ~index.duplicated(keep="first")
            index, on_links = index[keep], on_links[keep]
        found = index.get_indexer(sub["message_id"].to_numpy(dtype=object)[on_msgs])
        out[on_msgs] = np.where(found >= 0, on_links[np.maximum(found, 0)], -1)
    return out


def _answered(
    sub: pd.DataFrame, links: pd.DataFrame, scopes: Scopes, end_us: int
) -> tuple[BoolArray, np.ndarray[Any, np.dtype[np.float64]]]:
    pos = _link_positions(sub, links)
    has = pos >= 0
    if not has.any():
        return has, np.full(len(sub), np.nan)
    safe = np.maximum(pos, 0)
    same_org = scopes.org_of(links["org_id"])[safe] == scopes.org_of(sub["org_id"])
    inbound_at = micros(links["inbound_at"])[safe]
    replied_at = micros(links["replied_at"])[safe]
    answered = has & same_org & (replied_at >= inbound_at) & (replied_at < end_us)
    delay = np.where(answered, (replied_at - inbound_at) / US, np.nan)
    return answered, delay


def local_times(t: IntArray, org: IntArray, scopes: Scopes, window: Window) -> IntArray:
    """Local wall-clock epoch microseconds of UTC ``t``, in each row's organisation's zone."""
    local = t.copy()
    zone_of_org, zones = pd.factorize(pd.Series([o.timezone for o in scopes.orgs], dtype=object))
    row_zone = zone_of_org[org]
    for k, tz in enumerate(zones.tolist()):
        idx = np.flatnonzero(row_zone == k)
        local[idx] = local_time.local_micros(t[idx], tz, window.start, window.end)
    return local


def _inbound(
    frames: RecordFrames,
    scopes: Scopes,
    window: Window,
    start_us: int,
    end_us: int,
    readable: BoolArray,
) -> tuple[pd.DataFrame, pd.DataFrame, list[pd.DataFrame]]:
    m = frames.inbound
    sub = m.iloc[_in_window(micros(m["created_at"]), start_us, end_us)]
    org = scopes.org_of(sub["org_id"])
    author, _ = codes_of(sub["author"])
    threads = pd.DataFrame(
        {
            "pscope": scopes.platform_scope_of(org, sub["platform"]),
            "conversation_id": sub["conversation_id"].to_numpy(dtype=object),
            "author": author,
        }
    ).iloc[np.flatnonzero(org >= 0)]
    acc = scopes.account_of(sub["org_id"], sub["platform"], sub["handle"])
    registered = acc >= 0
    keep = registered.copy()
    keep[registered] = readable[acc[registered]]
    notes = [
        _left_out(
            scopes, sub["org_id"], ~registered, "inbound messages to accounts not in the registry"
        ),
        _left_out(
            scopes, sub["org_id"], registered & ~keep, "inbound messages to unreadable accounts"
        ),
    ]
    sub, acc = sub.iloc[np.flatnonzero(keep)], acc[keep]
    t = micros(sub["created_at"])
    answered, delay = _answered(sub, frames.reply_links, scopes, end_us)
    frame = frame_of(
        {
            "acc": acc,
            "t": t,
            "answered": answered,
            "delay_s": delay,
            "within_1h": answered & (delay <= 3600),
            "within_24h": answered & (delay <= 86400),
            "item_id": objects(sub["message_id"]),
            "platform": objects(sub["platform"]),
            "handle": objects(sub["handle"]),
            "page_path": sub["page_path"].to_numpy(dtype=object),
            "page_sha256": sub["page_sha256"].to_numpy(dtype=object),
            "page_endpoint": sub["page_endpoint"].to_numpy(dtype=object),
        }
    )
    return frame, threads.reset_index(drop=True), notes


def prepare(orgs: tuple[Organisation, ...], window: Window, frames: RecordFrames) -> Prepared:
    scopes = Scopes(orgs)
    start_us, end_us = to_micros(window.start), to_micros(window.end)
    accounts = _latest_snapshots(frames.snapshots, scopes, end_us)
    readable = np.asarray(accounts["readable"].to_numpy(dtype=bool))
    posts, kept_rows, post_notes = _posts(frames, scopes, start_us, end_us, readable)
    inbound, threads, inbound_notes = _inbound(frames, scopes, window, start_us, end_us, readable)
    return Prepared(
        scopes=scopes,
        window=window,
        start_us=start_us,
        end_us=end_us,
        accounts=accounts,
        posts=posts,
        hashtags=_children(frames.hashtags, kept_rows, len(frames.posts), "tag"),
        mentions=_mentions(frames, posts, kept_rows, scopes),
        inbound=inbound,
        thread_inbound=threads,
        left_out=pd.concat([*post_notes, *inbound_notes], ignore_index=True),
        readable=readable,
    )
