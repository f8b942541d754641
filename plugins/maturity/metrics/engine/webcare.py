"""Webcare rules: which inbound messages need an answer, and which replies are a person's.

Like webcare tools (Sprout Social, Coosto, OBI4wan), the responsiveness metrics count only
*actionable* inbound messages: what needs no answer does not count against the organisation.
An inbound message is left out as spam, for the first of these reasons that holds:

* ``flood``: its text is one of at least :data:`FLOOD_MIN_MESSAGES` near-identical messages to
  the same organisation on the same platform (normalised text, MinHash LSH bands, see
  :mod:`maturity.connectors.text_features`; near-duplicates chain into one group), and either
  its author sent :data:`FLOOD_AUTHOR_REPEATS` or more of them, or most of the group carry a
  link (a promotion). Many customers writing nearly the same complaint without a link (an
  outage) are *not* a flood.
* ``bot author``: its author sent :data:`BOT_BURST_MESSAGES` or more messages to the
  organisation within one hour somewhere in the window (no person keeps that up); all of
  that author's messages are left out.
* ``link bait``: it carries a link and at most :data:`LINK_BAIT_MAX_WORDS` words of its own.

An organisation's first reply to a message is *automated* when

* its account answers at machine speed around the clock: at least :data:`AUTO_MIN_FAST`
  answers within :data:`AUTO_MAX_DELAY_S` seconds, making up at least
  :data:`AUTO_FAST_SHARE` of its answers, one of them to a message received at night
  (00:00-07:00 local) or at the weekend; its answers within that delay are automated;
* or it answers a spam message;
* or its text is templated: it is one of at least :data:`TEMPLATE_MIN_REPLIES` near-identical
  replies of its account, such replies make up at least :data:`TEMPLATE_SHARE` of the
  account's replies with a known text, and it carries no personal sign-off (``^JdV``,
  ``Groet, Anna``). Human webcare varies its words and signs its answers, so it is not
  flagged.

A message whose first reply is automated is answered only when a later reply of the
organisation to it (``in_reply_to_post_id``) is not automated; that reply's delay counts.

Everything here is per organisation (never across the organisations computed together), so an
organisation's values do not depend on which others are in the batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from maturity.metrics.engine import local_time
from maturity.metrics.engine.scopes import BoolArray, FloatArray, IntArray, Scopes

ObjectArray = np.ndarray[Any, np.dtype[np.object_]]

FLOOD_MIN_MESSAGES = 5
FLOOD_AUTHOR_REPEATS = 3
FLOOD_LINK_SHARE = 0.5
BOT_BURST_MESSAGES = 10
BOT_BURST_SECONDS = 3600
LINK_BAIT_MAX_WORDS = 3
AUTO_MAX_DELAY_S = 60.0
AUTO_MIN_FAST = 10
AUTO_FAST_SHARE = 0.8
AUTO_NIGHT_END_HOUR = 7
TEMPLATE_MIN_REPLIES = 5
TEMPLATE_SHARE = 0.5

NOT_SPAM, FLOOD, BOT_AUTHOR, LINK_BAIT = 0, 1, 2, 3
SPAM_REASONS: dict[int, str] = {
    FLOOD: "flood of near-identical messages",
    BOT_AUTHOR: "bot-like author",
    LINK_BAIT: "link bait",
}
#: Hex characters per LSH band of a text signature (as ``maturity.connectors.text_features``).
BAND_HEX = 8


def present(values: ObjectArray) -> BoolArray:
    return np.asarray(~pd.isna(values), dtype=bool)


def near_duplicate_groups(signatures: ObjectArray, group: IntArray) -> IntArray:
    """Per row: its near-duplicate group (rows of the same ``group`` whose signatures share a
    band, chained), numbered by its first row; -1 for a row without a signature or group."""
    out = np.full(len(signatures), -1, dtype=np.int64)
    rows = np.flatnonzero(present(signatures) & (group >= 0))
    if len(rows) == 0:
        return out
    text = pd.Series(signatures[rows], dtype=object).astype(str)
    width = int(text.str.len().min())
    n_groups = int(group.max()) + 1
    keys: list[IntArray] = []
    for start in range(0, width - BAND_HEX + 1, BAND_HEX):
        band, _ = pd.factorize(text.str.slice(start, start + BAND_HEX))
        dense, _ = pd.factorize(band.astype(np.int64) * n_groups + group[rows])
        keys.append(np.asarray(dense, dtype=np.int64))
    label = np.arange(len(rows), dtype=np.int64)
    while True:
        new = label.copy()
        for key in keys:
            first = np.full(int(key.max()) + 1, len(rows), dtype=np.int64)
            np.minimum.at(first, key, label)
            new = np.minimum(new, first[key])
        new = new[new]
        if np.array_equal(new, label):
            break
        label = new
    out[rows] = rows[label]
    return out


def _counts_of(label: IntArray, n: int) -> IntArray:
    """Per row: how many rows share its label (0 for label -1)."""
    ok = label >= 0
    counts = np.bincount(label[ok], minlength=n)
    return np.where(ok, counts[np.maximum(label, 0)], 0)


def _floods(
    signature: ObjectArray, pscope: IntArray, author: IntArray, links: FloatArray
) -> BoolArray:
    group = near_duplicate_groups(signature, pscope)
    n = len(group)
    size = _counts_of(group, n)
    big = size >= FLOOD_MIN_MESSAGES
    if not big.any():
        return big
    with_link = np.bincount(group[big], (links[big] > 0).astype(np.float64), minlength=n)
    promo = with_link[np.maximum(group, 0)] >= FLOOD_LINK_SHARE * np.maximum(size, 1)
    pair, _ = pd.factorize(group * (int(author.max(initial=0)) + 2) + author + 1)
    repeats = _counts_of(np.where(big & (author >= 0), pair, -1), n)
    return big & (promo | (repeats >= FLOOD_AUTHOR_REPEATS))


def _bot_authors(org: IntArray, author: IntArray, t_us: IntArray, start_us: int) -> BoolArray:
    """Per message: its author sent a burst to the organisation (see the module docstring)."""
    ok = author >= 0
    n_authors = int(author.max(initial=0)) + 1
    key = org * n_authors + author
    counts = np.bincount(key[ok], minlength=int(key.max(initial=0)) + 1) if ok.any() else None
    if counts is None or counts.max(initial=0) < BOT_BURST_MESSAGES:
        return np.zeros(len(author), dtype=bool)
    candidate = ok & (counts[np.maximum(key, 0)] >= BOT_BURST_MESSAGES)
    seconds = (t_us[candidate] - start_us) // 1_000_000
    span = int(seconds.max(initial=0)) + BOT_BURST_SECONDS + 1
    pair, _ = pd.factorize(key[candidate])
    ordered = np.sort(np.asarray(pair, dtype=np.int64) * span + seconds)
    k = BOT_BURST_MESSAGES - 1
    burst = ordered[k:] - ordered[:-k] < BOT_BURST_SECONDS
    bursting = np.unique(ordered[:-k][burst] // span)
    out = np.zeros(len(author), dtype=bool)
    out[np.flatnonzero(candidate)] = np.isin(pair, bursting)
    return out


def spam_reasons(
    signature: ObjectArray | None,
    words: FloatArray,
    links: FloatArray,
    author: IntArray,
    pscope: IntArray,
    org: IntArray,
    t_us: IntArray,
    start_us: int,
) -> IntArray:
    """Per inbound message: why it is left out as spam (:data:`SPAM_REASONS`), else 0."""
    reason = np.zeros(len(author), dtype=np.int64)
    link_bait = (links >= 1) & (words <= LINK_BAIT_MAX_WORDS)
    reason[link_bait] = LINK_BAIT
    reason[_bot_authors(org, author, t_us, start_us)] = BOT_AUTHOR
    if signature is not None and present(signature).any():
        reason[_floods(signature, pscope, author, links)] = FLOOD
    return reason


@dataclass(frozen=True, slots=True)
class Replies:
    """What the rules need of the organisation's own posts."""

    acc: IntArray
    t: IntArray
    item_id: ObjectArray
    in_reply_to: ObjectArray
    third_party_reply: BoolArray
    signature: ObjectArray
    signed: BoolArray


def templated_posts(posts: Replies, acc_pscope: IntArray) -> BoolArray:
    """Per own post: a templated third-party reply without a personal sign-off."""
    signature = posts.signature.copy()
    signature[~posts.third_party_reply] = None
    known = present(signature)
    if not known.any():
        return np.zeros(len(known), dtype=bool)
    group = near_duplicate_groups(signature, posts.acc)
    in_template = _counts_of(group, len(group)) >= TEMPLATE_MIN_REPLIES
    n_acc = len(acc_pscope)
    share = np.bincount(posts.acc[in_template], minlength=n_acc) / np.maximum(
        np.bincount(posts.acc[known], minlength=n_acc), 1
    )
    return in_template & (share[posts.acc] >= TEMPLATE_SHARE) & ~posts.signed


def machine_speed(
    acc: IntArray,
    answered: BoolArray,
    delay_s: FloatArray,
    local_us: Any,
    n_accounts: int,
) -> BoolArray:
    """Per inbound message: answered at machine speed by an account that does so around the
    clock. ``local_us`` gives local epoch microseconds of some rows (called only when an
    account qualifies on speed alone)."""
    fast = answered & (delay_s <= AUTO_MAX_DELAY_S)
    n_fast = np.bincount(acc[fast], minlength=n_accounts)
    n_answered = np.bincount(acc[answered], minlength=n_accounts)
    quick = (n_fast >= AUTO_MIN_FAST) & (n_fast >= AUTO_FAST_SHARE * np.maximum(n_answered, 1))
    if not quick.any():
        return np.zeros(len(acc), dtype=bool)
    rows = np.flatnonzero(fast & quick[acc])
    local = local_us(rows)
    off = (local_time.hour(local) < AUTO_NIGHT_END_HOUR) | local_time.weekend(local)
    around_the_clock = np.bincount(acc[rows][off], minlength=n_accounts) > 0
    return fast & around_the_clock[acc]


def scopes_of_posts(scopes: Scopes, acc: IntArray) -> IntArray:
    return np.asarray(scopes.acc_pscope[acc], dtype=np.int64)
