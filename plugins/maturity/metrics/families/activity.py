"""Activity: how much, how regularly and what the organisation posts.

Weeks are the 7-day blocks of the window counted from its start; a last partial block counts as
a week for ``n`` (``ceil(days / 7)``), while ``posts_per_week`` divides by the exact number of
weeks (``days / 7``). Campaign tags are hashtags (case-folded) used in at least three distinct
ISO weeks (Monday to Sunday, UTC). Gap regularity is ``max(0, 1 - sd/mean)`` of the gaps
between consecutive own posts (population standard deviation); on a platform or organisation
the posts of all its accounts form one stream. ``reply_share`` counts replies to someone
else: a reply to one of the organisation's own accounts (a thread) is in no share's numerator,
and neither is an automated reply (:mod:`maturity.metrics.engine.webcare`).

When an account's history reached the platform's cap (:mod:`maturity.metrics.engine.coverage`),
``posts_per_week`` and ``active_weeks_share`` are computed over the span its data covers: a
platform or organisation over the span all its readable accounts cover (from the latest covered
start), counting the posts in it and the weeks (7-day blocks from the window start) that end
after it starts. ``observed_span_days`` is that span in days; ``history_capped`` is 1 when an
account (any account of the scope) reached a cap.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from maturity.metrics.engine import samples as s
from maturity.metrics.engine.local_time import US_PER_DAY, US_PER_HOUR
from maturity.metrics.engine.prepared import Prepared, time_order
from maturity.metrics.engine.scopes import BoolArray, FloatArray, IntArray
from maturity.metrics.engine.values import ScopeValues, counted, ratio, share

US_PER_WEEK = 7 * US_PER_DAY
CAMPAIGN_MIN_WEEKS = 3


def weeks(prep: Prepared) -> tuple[int, float]:
    """The window's weeks: as a whole count (``n``) and exactly (the rate's divisor)."""
    span = prep.end_us - prep.start_us
    return math.ceil(span / US_PER_WEEK), span / US_PER_WEEK


def readable_scopes(prep: Prepared) -> BoolArray:
    return prep.scopes.rollup(prep.readable) > 0


def _acc(prep: Prepared) -> IntArray:
    return np.asarray(prep.posts["acc"].to_numpy(dtype=np.int64))


def _weeks_n(prep: Prepared) -> FloatArray:
    n_weeks, _ = weeks(prep)
    return np.where(readable_scopes(prep), float(n_weeks), 0.0)


def capped(prep: Prepared) -> bool:
    return bool((prep.coverage.capped & prep.readable).any())


def scope_starts(prep: Prepared) -> FloatArray:
    """Per scope: the first instant (epoch µs) that the data of all its readable accounts
    covers (the window start, unless an account was capped)."""

    def make() -> FloatArray:
        start = np.where(prep.readable, prep.coverage.start_us.astype(np.float64), np.nan)
        found = prep.scopes.scope_max(start)
        return np.where(np.isnan(found), float(prep.start_us), found)

    starts: FloatArray = prep.memo("scope_starts", make)
    return starts


def _covered_posts(prep: Prepared) -> tuple[IntArray, IntArray]:
    """(scope, post row) of every post inside its scope's covered span."""
    scope, rows = prep.scopes.expand(_acc(prep))
    t = prep.posts["t"].to_numpy()[rows]
    keep = t >= scope_starts(prep)[scope]
    return scope[keep], rows[keep]


def posts_per_week(prep: Prepared) -> ScopeValues:
    n_weeks, exact = weeks(prep)
    if not capped(prep):
        return counted(prep.scopes.count(_acc(prep)) / exact, _weeks_n(prep), s.POSTS_WEEKS)
    scope, _ = _covered_posts(prep)
    count = np.bincount(scope, minlength=prep.scopes.n).astype(np.float64)
    span = (prep.end_us - scope_starts(prep)) / US_PER_WEEK
    first = _first_weeks(prep)
    n = np.where(readable_scopes(prep), (n_weeks - first).astype(np.float64), 0.0)
    return counted(ratio(count, span), n, s.POSTS_WEEKS)


def _first_weeks(prep: Prepared) -> IntArray:
    """Per scope: the first week (7-day block from the window start) its data covers."""
    return np.asarray((scope_starts(prep) - prep.start_us) // US_PER_WEEK, dtype=np.int64)


def active_weeks_share(prep: Prepared) -> ScopeValues:
    n_weeks, _ = weeks(prep)
    week = (prep.posts["t"].to_numpy() - prep.start_us) // US_PER_WEEK
    if capped(prep):
        scope, rows = _covered_posts(prep)
        n = np.where(readable_scopes(prep), (n_weeks - _first_weeks(prep)).astype(np.float64), 0)
    else:
        scope, rows = prep.scopes.expand(_acc(prep))
        n = _weeks_n(prep)
    # weeks are 0 .. n_weeks - 1: a (scope, week) table of post counts, no hashing
    posts = np.bincount(scope * n_weeks + week[rows], minlength=prep.scopes.n * n_weeks)
    active = (posts.reshape(prep.scopes.n, n_weeks) > 0).sum(axis=1).astype(np.float64)
    return share(active, n, s.POSTS_WEEKS)


def observed_span_days(prep: Prepared) -> ScopeValues:
    span = (prep.end_us - scope_starts(prep)) / US_PER_DAY
    return counted(span, prep.scopes.rollup(prep.readable), s.ACCOUNTS_READABLE)


def history_capped(prep: Prepared) -> ScopeValues:
    flag = (prep.coverage.capped & prep.readable).astype(np.float64)
    value = np.minimum(prep.scopes.rollup(flag), 1.0)
    return counted(value, prep.scopes.rollup(prep.readable), s.ACCOUNTS_READABLE)


def gap_regularity(prep: Prepared) -> ScopeValues:
    n_scopes = prep.scopes.n
    t_all = prep.posts["t"].to_numpy()
    scope, rows = prep.scopes.expand_in_order(_acc(prep), time_order(prep, "posts"))
    t = t_all[rows]
    same = scope[1:] == scope[:-1]
    gaps = ((t[1:] - t[:-1]) / US_PER_HOUR)[same]
    gap_scope = scope[1:][same]
    n = np.bincount(gap_scope, minlength=n_scopes).astype(np.float64)
    mean = ratio(np.bincount(gap_scope, gaps, minlength=n_scopes).astype(np.float64), n)
    deviation = (gaps - mean[gap_scope]) ** 2
    sd = np.sqrt(ratio(np.bincount(gap_scope, deviation, minlength=n_scopes).astype(np.float64), n))
    value = np.maximum(0.0, 1.0 - ratio(sd, mean))
    return counted(value, n, s.POSTS_GAPS)


def _mix(prep: Prepared, column: str) -> ScopeValues:
    acc = _acc(prep)
    flag = prep.posts[column].to_numpy(dtype=np.float64)
    if column == "third_party_reply":
        flag = flag * ~prep.posts["automated"].to_numpy(dtype=bool)
    return share(prep.scopes.count(acc, flag), prep.scopes.count(acc), s.POSTS)


def utm_link_share(prep: Prepared) -> ScopeValues:
    acc = _acc(prep)
    utm = prep.posts["has_utm"].to_numpy(dtype=np.float64)
    link = prep.posts["has_link"].to_numpy(dtype=np.float64)
    return share(prep.scopes.count(acc, utm), prep.scopes.count(acc, link), s.POSTS_WITH_LINK)


def campaign_tags(prep: Prepared) -> ScopeValues:
    sc = prep.scopes
    post = prep.hashtags["post"].to_numpy(dtype=np.int64)
    iso_week = (prep.posts["t"].to_numpy()[post] // US_PER_DAY + 3) // 7
    week = iso_week - (iso_week.min() if len(iso_week) else 0)
    tag, tags = pd.factorize(prep.hashtags["tag"])
    scope, rows = sc.expand(_acc(prep)[post])
    n_tags, n_weeks = max(len(tags), 1), int(week.max(initial=0)) + 1
    used = pd.unique((scope * n_tags + tag[rows]) * n_weeks + week[rows])
    pair_of, pairs = pd.factorize(used // n_weeks)
    weeks_used = np.bincount(pair_of, minlength=len(pairs))
    campaign = pairs[weeks_used >= CAMPAIGN_MIN_WEEKS] // n_tags
    value = np.bincount(campaign, minlength=sc.n).astype(np.float64)
    return counted(value, sc.count(_acc(prep)), s.POSTS)


def content_mix(prep: Prepared) -> dict[str, ScopeValues]:
    return {
        "activity.original_share": _mix(prep, "original"),
        "activity.reply_share": _mix(prep, "third_party_reply"),
        "activity.repost_share": _mix(prep, "repost"),
    }


def compute(prep: Prepared) -> dict[str, ScopeValues]:
    return {
        "activity.posts_per_week": posts_per_week(prep),
        "activity.active_weeks_share": active_weeks_share(prep),
        "activity.gap_regularity": gap_regularity(prep),
        **content_mix(prep),
        "activity.utm_link_share": utm_link_share(prep),
        "activity.campaign_tags": campaign_tags(prep),
        "activity.observed_span_days": observed_span_days(prep),
        "activity.history_capped": history_capped(prep),
    }
