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
from maturity.metrics.engine import local_time, webcare
from maturity.metrics.engine.coverage import Coverage, coverage
from maturity.metrics.engine.frames import UTC_US, RecordFrames
from maturity.metrics.engine.ordering import value_order
from maturity.metrics.engine.scopes import BoolArray, IntArray, Scopes, codes_of
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
    post_sources: dict[str, SourceColumn]
    """Per row of ``posts``: its platform, handle and landed page, read where needed."""
    inbound_sources: dict[str, SourceColumn]
    """Per row of ``inbound``: its platform, handle and landed page, read where needed."""
    coverage: Coverage
    """Per account: where its data starts to cover the window, and whether it was capped."""
    derived: dict[str, Any] = field(default_factory=dict)
    """Columns derived on first use (by the family that needs them), kept for the others."""

    def memo(self, name: str, make: Callable[[], Any]) -> Any:
        if name not in self.derived:
            self.derived[name] = make()
        return self.derived[name]


def time_order(prep: Prepared, table: str) -> IntArray:
    """Rows of ``prep.posts`` or ``prep.inbound`` in time order (stable; made once, shared by
    the metrics and the evidence examples)."""

    def make() -> IntArray:
        frame = prep.posts if table == "posts" else prep.inbound
        return value_order(np.asarray(frame["t"].to_numpy(dtype=np.int64)))

    order: IntArray = prep.memo(f"{table}_time_order", make)
    return order


# -- accounts ---------------------------------------------------------------------------------

_SNAPSHOT_TEXT = (
    "status",
    "platform_user_id",
    "display_name",
    "description",
    "url",
    "profile_image_url",
    "banner_url",
    "pinned_post_id",
    "bio_urls",
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


def _left_out(scopes: Scopes, org: IntArray, drop: BoolArray, what: str) -> pd.DataFrame:
    counts = np.bincount(org[drop & (org >= 0)], minlength=scopes.n_orgs)
    nz = np.flatnonzero(counts)
    return pd.DataFrame({"org": nz, "what": what, "count": counts[nz]})


def frame_of(columns: dict[str, np.ndarray[Any, Any]]) -> pd.DataFrame:
    """A frame of numpy columns, not copied; object columns stay ``object`` (no per-row string
    checks). The arrays must be the frame's own (fresh arrays, not views of shared ones)."""
    return pd.DataFrame(
        {
            name: pd.Series(values, dtype=object, copy=False) if values.dtype == object else values
            for name, values in columns.items()
        },
        copy=False,
    )


def objects(values: pd.Series, rows: IntArray | None = None) -> ObjectArray:
    """A column (or its ``rows``) as a new object array; a categorical one shares its category
    strings (one take of its codes, no per-row work)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = np.asarray(
            [*values.cat.categories.astype(object).tolist(), None], dtype=object
        )
        codes = values.cat.codes.to_numpy()
        return np.asarray(categories[codes if rows is None else codes[rows]])
    array = np.asarray(values.to_numpy(dtype=object))
    return array.copy() if rows is None else np.asarray(array[rows])


class SourceColumn:
    """A column of a records frame seen through the prepared rows (``rows``: positions in the
    frame): gathered only where it is read, as examples read a few rows of columns that no
    metric needs."""

    __slots__ = ("rows", "values")

    def __init__(self, values: pd.Series, rows: IntArray) -> None:
        self.values = values
        self.rows = rows

    def __getitem__(self, at: IntArray) -> ObjectArray:
        return objects(self.values, self.rows[at])

    def __len__(self) -> int:
        return len(self.rows)


#: Columns only the evidence reads (a few rows of them): kept as :class:`SourceColumn`.
SOURCE_COLUMNS = ("platform", "handle", "page_path", "page_sha256", "page_endpoint")


def _source_columns(frame: pd.DataFrame, rows: IntArray) -> dict[str, SourceColumn]:
    return {name: SourceColumn(frame[name], rows) for name in SOURCE_COLUMNS}


def _is(values: pd.Series, *names: str) -> BoolArray:
    """Per row: the value is one of ``names`` (a categorical compares codes, not strings)."""
    return np.asarray(values.isin(names).to_numpy(dtype=bool))


def _kept(
    scopes: Scopes, frame: pd.DataFrame, rows: IntArray, readable: BoolArray, what: str
) -> tuple[IntArray, IntArray, IntArray, list[pd.DataFrame]]:
    """Of a frame's ``rows`` (in the window), those of registered readable accounts: the kept
    rows, their accounts, every row's organisation, and the notes on the rows left out."""
    org = scopes.org_of(frame["org_id"])[rows]
    acc = scopes.account_of(frame["org_id"], frame["platform"], frame["handle"])[rows]
    registered = acc >= 0
    keep = registered.copy()
    keep[registered] = readable[acc[registered]]
    notes = [
        _left_out(scopes, org, ~registered, f"{what} accounts not in the registry"),
        _left_out(scopes, org, registered & ~keep, f"{what} unreadable accounts"),
    ]
    return rows[keep], acc[keep], org, notes


def _post_columns(p: pd.DataFrame, rows: IntArray, acc: IntArray, scopes: Scopes) -> pd.DataFrame:
    kind = p["kind"]
    is_reply = _is(kind, "reply")[rows]
    # a reply to one of the organisation's own accounts is no third-party reply
    replies = rows[is_reply]
    to_own = scopes.account_of(
        p["org_id"].iloc[replies],
        p["platform"].iloc[replies],
        p["in_reply_to_author"].iloc[replies],
    )
    third_party = is_reply.copy()
    third_party[is_reply] = to_own < 0
    engagement = (
        p["like_count"].to_numpy()[rows]
        + p["repost_count"].to_numpy()[rows]
        + p["reply_count"].to_numpy()[rows]
        + p["quote_count"].to_numpy()[rows]
    )
    n_urls = p["n_urls"].to_numpy()[rows]
    return frame_of(
        {
            "acc": acc,
            "t": micros(p["created_at"])[rows],
            "original": _is(kind, "original")[rows],
            "reply": is_reply,
            "third_party_reply": third_party,
            "repost": _is(kind, "repost", "quote")[rows],
            "turn": ~_is(kind, "repost")[rows],
            "engagement": engagement.astype(np.float64),
            "has_link": n_urls > 0,
            "has_utm": p["has_utm"].to_numpy(dtype=bool)[rows] & (n_urls > 0),
            "item_id": objects(p["post_id"], rows),
            "conversation_id": objects(p["conversation_id"], rows),
            "in_reply_to_post_id": objects(p["in_reply_to_post_id"], rows),
            "org": scopes.acc_org[acc],
        }
    )


def _posts(
    frames: RecordFrames, scopes: Scopes, start_us: int, end_us: int, readable: BoolArray
) -> tuple[pd.DataFrame, IntArray, list[pd.DataFrame]]:
    p = frames.posts
    rows = _in_window(micros(p["created_at"]), start_us, end_us)
    kept, acc, _, notes = _kept(scopes, p, rows, readable, "posts by")
    return _post_columns(p, kept, acc, scopes), kept, notes


def _children(child: pd.DataFrame, kept_rows: IntArray, n_rows: int, column: str) -> pd.DataFrame:
    position = np.full(n_rows, -1, dtype=np.int64)
    position[kept_rows] = np.arange(len(kept_rows), dtype=np.int64)
    post = position[child["post_row"].to_numpy(dtype=np.int64)]
    ok = post >= 0
    return frame_of({"post": post[ok], column: child[column].to_numpy(dtype=object)[ok]})


def _mentions(
    frames: RecordFrames, posts: pd.DataFrame, kept_rows: IntArray, scopes: Scopes
) -> pd.DataFrame:
    rows = _children(frames.mentions, kept_rows, len(frames.posts), "mention")
    post = rows["post"].to_numpy()
    poster = posts["acc"].to_numpy()[post]
    # a post's platform is its account's (accounts are matched on it)
    acc = scopes.account_of(
        pd.Series(scopes.accounts["org_id"].to_numpy()[poster]),
        pd.Series(scopes.accounts["platform"].to_numpy()[poster]),
        pd.Series(rows["mention"].to_numpy()),
    )
    return pd.DataFrame({"post": post, "account": acc}, copy=False)


# -- inbound ----------------------------------------------------------------------------------


def first_match(
    keys: ObjectArray,
    key_groups: IntArray,
    lookup: ObjectArray,
    lookup_groups: IntArray,
) -> IntArray:
    """For each of ``lookup``: the position of the first of ``keys`` equal to it in the same
    group, else -1. Groups are integer codes (the same numbering on both sides); a row whose
    group is negative matches nothing. Missing values match each other.

    Two hash passes, both linear in the rows: the values of both sides are factorised
    together, then the (value, group) pairs of both sides are. Memory stays proportional to
    the rows; a dense table over every value and group (values x groups cells) would not.
    """
    out = np.full(len(lookup), -1, dtype=np.int64)
    if len(keys) == 0 or len(lookup) == 0:
        return out
    codes, uniques = pd.factorize(np.concatenate([keys, lookup]))
    codes = np.asarray(codes, dtype=np.int64)
    codes[codes < 0] = len(uniques)
    n_groups = int(max(key_groups.max(initial=-1), lookup_groups.max(initial=-1))) + 1
    if n_groups == 0:
        return out
    on_keys = np.flatnonzero(key_groups >= 0)
    on_lookup = np.flatnonzero(lookup_groups >= 0)
    if len(on_keys) == 0 or len(on_lookup) == 0:
        return out
    pair_keys = codes[: len(keys)][on_keys] * n_groups + key_groups[on_keys]
    pair_lookup = codes[len(keys) :][on_lookup] * n_groups + lookup_groups[on_lookup]
    pairs, _ = pd.factorize(np.concatenate([pair_keys, pair_lookup]))
    pairs = np.asarray(pairs, dtype=np.int64)
    of_keys, of_lookup = pairs[: len(pair_keys)], pairs[len(pair_keys) :]
    # factorize numbers pairs in order of first appearance, and the keys come first: the
    # keys' pairs are 0 .. n_key_pairs - 1, and a code is new where it exceeds all before it
    seen = np.maximum.accumulate(of_keys)
    new = np.empty(len(of_keys), dtype=bool)
    new[0] = True
    new[1:] = of_keys[1:] > seen[:-1]
    first = on_keys[new]
    found = of_lookup < len(first)
    out[on_lookup[found]] = first[of_lookup[found]]
    return out


def _platform_codes(*columns: pd.Series) -> list[IntArray]:
    """Codes of platform columns in one numbering (-1 for missing)."""
    names: dict[str, int] = {}
    out = []
    for column in columns:
        codes, cats = codes_of(column)
        table = np.array([names.setdefault(c, len(names)) for c in cats] + [-1], dtype=np.int64)
        out.append(np.asarray(table[codes], dtype=np.int64))
    return out


def _link_positions(
    platform: pd.Series,
    message_id: ObjectArray,
    org: IntArray,
    links: pd.DataFrame,
    scopes: Scopes,
) -> IntArray:
    """For each message, the row of its organisation's reply link (-1 when none), matched on
    platform, organisation and id (a message that mentions two organisations has a link of
    each); the first link wins when a message has several."""
    if links.empty or len(message_id) == 0:
        return np.full(len(message_id), -1, dtype=np.int64)
    link_platform, msg_platform = _platform_codes(links["platform"], platform)
    link_org = scopes.org_of(links["org_id"])
    n_orgs = max(len(scopes.orgs), 1)

    def group(platform_code: IntArray, org_code: IntArray) -> IntArray:
        ok = (platform_code >= 0) & (org_code >= 0)
        return np.where(ok, platform_code * n_orgs + org_code, -1)

    link_ids = np.asarray(links["inbound_id"].to_numpy(dtype=object))
    return first_match(
        link_ids, group(link_platform, link_org), message_id, group(msg_platform, org)
    )


def _answered_at(
    pos: IntArray, links: pd.DataFrame, end_us: int
) -> tuple[BoolArray, np.ndarray[Any, np.dtype[np.float64]]]:
    has = pos >= 0
    if not has.any():
        return has, np.full(len(pos), np.nan)
    safe = np.maximum(pos, 0)
    inbound_at = micros(links["inbound_at"])[safe]
    replied_at = micros(links["replied_at"])[safe]
    answered = has & (replied_at >= inbound_at) & (replied_at < end_us)
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


def _category_codes(values: pd.Series) -> IntArray:
    """Integer codes of a column (-1 for missing): a categorical's own codes, else codes in
    order of first appearance."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return np.asarray(values.cat.codes.to_numpy(), dtype=np.int64)
    codes, _ = pd.factorize(values)
    return np.asarray(codes, dtype=np.int64)


def _inbound(
    frames: RecordFrames,
    scopes: Scopes,
    window: Window,
    start_us: int,
    end_us: int,
    readable: BoolArray,
) -> tuple[pd.DataFrame, IntArray, pd.DataFrame, list[pd.DataFrame]]:
    m = frames.inbound
    t_all = micros(m["created_at"])
    rows = _in_window(t_all, start_us, end_us)
    kept, acc, org, notes = _kept(scopes, m, rows, readable, "inbound messages to")
    assessed = np.flatnonzero(org >= 0)
    on_org = rows[assessed]
    threads = frame_of(
        {
            "pscope": scopes.platform_scope_of(org[assessed], m["platform"].iloc[on_org]),
            "conversation_id": objects(m["conversation_id"], on_org),
            "author": _category_codes(m["author"].iloc[rows])[assessed],
        }
    )
    message_id = objects(m["message_id"], kept)
    platform = m["platform"].iloc[kept]
    links = frames.reply_links
    pos = _link_positions(platform, message_id, scopes.acc_org[acc], links, scopes)
    answered_raw, delay_raw = _answered_at(pos, links, end_us)
    t = t_all[kept]
    spam = _spam(m, kept, acc, t, scopes, start_us)
    frame = frame_of(
        {
            "acc": acc,
            "t": t,
            "answered_raw": answered_raw,
            "delay_raw_s": delay_raw,
            "spam": spam,
            "actionable": spam == webcare.NOT_SPAM,
            "excluded": spam != webcare.NOT_SPAM,
            "item_id": message_id,
        }
    )
    notes.extend(_spam_notes(scopes, scopes.acc_org[acc], spam))
    return frame, kept, threads, notes


def _optional(column: pd.Series, rows: IntArray, dtype: str) -> np.ndarray[Any, Any] | None:
    """A column that records may leave empty, at ``rows``; None when every value is missing."""
    if not bool(column.notna().any()):
        return None
    if dtype == "object":
        return objects(column, rows)
    return np.asarray(column.to_numpy(dtype=np.float64, na_value=np.nan))[rows]


def _spam(
    m: pd.DataFrame, kept: IntArray, acc: IntArray, t: IntArray, scopes: Scopes, start_us: int
) -> IntArray:
    """Per kept inbound message: why it is spam (``webcare.SPAM_REASONS``), else 0."""
    n = len(kept)
    nan = np.full(n, np.nan)
    words = _optional(m["text_words"], kept, "float")
    links = _optional(m["text_links"], kept, "float")
    return webcare.spam_reasons(
        _optional(m["text_signature"], kept, "object"),
        nan if words is None else words,
        nan if links is None else links,
        _category_codes(m["author"].iloc[kept]) if n else np.zeros(0, dtype=np.int64),
        scopes.acc_pscope[acc],
        scopes.acc_org[acc],
        t,
        start_us,
    )


def _spam_notes(scopes: Scopes, org: IntArray, spam: IntArray) -> list[pd.DataFrame]:
    return [
        _left_out(scopes, org, spam == code, f"inbound messages as spam ({reason})")
        for code, reason in webcare.SPAM_REASONS.items()
    ]


def _replies(posts: pd.DataFrame, frames: RecordFrames, post_rows: IntArray) -> webcare.Replies:
    p = frames.posts
    signature = _optional(p["text_signature"], post_rows, "object")
    signed = p["signed"].to_numpy(dtype=bool, na_value=False)[post_rows]
    return webcare.Replies(
        acc=posts["acc"].to_numpy(dtype=np.int64),
        t=posts["t"].to_numpy(dtype=np.int64),
        item_id=np.asarray(posts["item_id"].to_numpy(dtype=object)),
        in_reply_to=np.asarray(posts["in_reply_to_post_id"].to_numpy(dtype=object)),
        third_party_reply=posts["third_party_reply"].to_numpy(dtype=bool),
        signature=np.full(len(posts), None, dtype=object) if signature is None else signature,
        signed=np.asarray(signed, dtype=bool),
    )


def _automated(
    inbound: pd.DataFrame,
    posts: pd.DataFrame,
    frames: RecordFrames,
    post_rows: IntArray,
    inbound_rows: IntArray,
    scopes: Scopes,
    window: Window,
    end_us: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The inbound frame with the answers of people only (``answered``, ``delay_s``,
    ``within_1h``, ``within_24h``, ``auto_reply``), and the posts with ``automated``."""
    acc = inbound["acc"].to_numpy(dtype=np.int64)
    answered_raw = inbound["answered_raw"].to_numpy(dtype=bool)
    delay_raw = inbound["delay_raw_s"].to_numpy(dtype=np.float64)
    t = inbound["t"].to_numpy(dtype=np.int64)

    def local_us(rows: IntArray) -> IntArray:
        return local_times(t[rows], scopes.acc_org[acc[rows]], scopes, window)

    auto = webcare.machine_speed(acc, answered_raw, delay_raw, local_us, scopes.n_accounts)
    auto |= answered_raw & (inbound["spam"].to_numpy() != webcare.NOT_SPAM)
    automated_post = np.zeros(len(posts), dtype=bool)
    has_text = bool(frames.posts["text_signature"].notna().any()) if len(posts) else False
    if len(posts) and (auto.any() or has_text):
        replies = _replies(posts, frames, post_rows)
        automated_post = webcare.templated_posts(replies, scopes.acc_pscope)
        reply_row = _reply_rows(inbound, frames.reply_links, inbound_rows, frames, replies, scopes)
        linked = reply_row >= 0
        auto |= answered_raw & linked & automated_post[np.maximum(reply_row, 0)]
        automated_post[reply_row[linked & auto]] = True
    answered, delay = answered_raw & ~auto, np.where(auto, np.nan, delay_raw)
    if auto.any():
        human_at = _human_follow_up(inbound, auto, posts, automated_post, scopes, end_us)
        found = human_at >= 0
        answered = answered | found
        delay = np.where(found, (human_at - t) / US, delay)
    inbound = inbound.assign(
        answered=answered,
        delay_s=delay,
        within_1h=answered & (delay <= 3600),
        within_24h=answered & (delay <= 86400),
        auto_reply=auto,
        answered_actionable=answered & inbound["actionable"].to_numpy(dtype=bool),
    )
    return inbound, posts.assign(automated=automated_post)


def _reply_rows(
    inbound: pd.DataFrame,
    links: pd.DataFrame,
    inbound_rows: IntArray,
    frames: RecordFrames,
    replies: webcare.Replies,
    scopes: Scopes,
) -> IntArray:
    """Per inbound message: the row in the posts of its first reply (-1 when not there)."""
    acc = inbound["acc"].to_numpy(dtype=np.int64)
    m = frames.inbound
    pos = _link_positions(
        m["platform"].iloc[inbound_rows],
        inbound["item_id"].to_numpy(dtype=object),
        scopes.acc_org[acc],
        links,
        scopes,
    )
    reply_ids = np.full(len(acc), None, dtype=object)
    ok = pos >= 0
    if ok.any():
        reply_ids[ok] = links["reply_post_id"].to_numpy(dtype=object)[pos[ok]]
    return first_match(
        replies.item_id,
        scopes.acc_pscope[replies.acc],
        reply_ids,
        np.where(ok, scopes.acc_pscope[acc], -1),
    )


def _human_follow_up(
    inbound: pd.DataFrame,
    auto: BoolArray,
    posts: pd.DataFrame,
    automated_post: BoolArray,
    scopes: Scopes,
    end_us: int,
) -> IntArray:
    """Per inbound message answered by an automated reply: the time of the organisation's
    earliest other reply to it that is not automated (-1 when none)."""
    acc = inbound["acc"].to_numpy(dtype=np.int64)
    t = inbound["t"].to_numpy(dtype=np.int64)
    post_t = posts["t"].to_numpy(dtype=np.int64)
    candidates = np.flatnonzero(
        ~automated_post & posts["reply"].to_numpy(dtype=bool) & (post_t < end_us)
    )
    candidates = candidates[np.argsort(post_t[candidates], kind="stable")]
    post_acc = posts["acc"].to_numpy(dtype=np.int64)[candidates]
    to = np.asarray(posts["in_reply_to_post_id"].to_numpy(dtype=object))[candidates]
    row = first_match(
        to,
        scopes.acc_pscope[post_acc],
        inbound["item_id"].to_numpy(dtype=object),
        np.where(auto, scopes.acc_pscope[acc], -1),
    )
    if len(candidates) == 0:
        return np.full(len(t), -1, dtype=np.int64)
    at = np.where(row >= 0, post_t[candidates][np.maximum(row, 0)], -1)
    return np.where((at >= 0) & (at >= t), at, -1)


def prepare(orgs: tuple[Organisation, ...], window: Window, frames: RecordFrames) -> Prepared:
    scopes = Scopes(orgs)
    start_us, end_us = to_micros(window.start), to_micros(window.end)
    accounts = _latest_snapshots(frames.snapshots, scopes, end_us)
    readable = np.asarray(accounts["readable"].to_numpy(dtype=bool))
    posts, kept_rows, post_notes = _posts(frames, scopes, start_us, end_us, readable)
    inbound, inbound_rows, threads, inbound_notes = _inbound(
        frames, scopes, window, start_us, end_us, readable
    )
    inbound, posts = _automated(
        inbound, posts, frames, kept_rows, inbound_rows, scopes, window, end_us
    )
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
        post_sources=_source_columns(frames.posts, kept_rows),
        inbound_sources=_source_columns(frames.inbound, inbound_rows),
        coverage=coverage(
            frames.snapshots,
            scopes,
            start_us,
            end_us,
            (posts["acc"].to_numpy(dtype=np.int64), posts["t"].to_numpy(dtype=np.int64)),
            (inbound["acc"].to_numpy(dtype=np.int64), inbound["t"].to_numpy(dtype=np.int64)),
        ),
    )
