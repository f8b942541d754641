"""Activity: how much, how regularly and what the organisation posts.

Weeks are the 7-day blocks of the window counted from its start; a last partial block counts as
a week for ``n`` (``ceil(days / 7)``), while ``posts_per_week`` divides by the exact number of
weeks (``days / 7``). Campaign tags are hashtags (case-folded) used in at least three distinct
ISO weeks (Monday to Sunday, UTC). Gap regularity is ``max(0, 1 - sd/mean)`` of the gaps
between consecutive own posts (population standard deviation); on a platform or organisation
the posts of all its accounts form one stream. ``reply_share`` counts replies to someone
else: a reply to one of the organisation's own accounts (a thread) is in no share's numerator.
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


def posts_per_week(prep: Prepared) -> ScopeValues:
    _, exact = weeks(prep)
    return counted(prep.scopes.count(_acc(prep)) / exact, _weeks_n(prep), s.POSTS_WEEKS)


def active_weeks_share(prep: Prepared) -> ScopeValues:
    n_weeks, _ = weeks(prep)
    week = (prep.posts["t"].to_numpy() - prep.start_us) // US_PER_WEEK
    scope, rows = prep.scopes.expand(_acc(prep))
    # weeks are 0 .. n_weeks - 1: a (scope, week) table of post counts, no hashing
    posts = np.bincount(scope * n_weeks + week[rows], minlength=prep.scopes.n * n_weeks)
    active = (posts.reshape(prep.scopes.n, n_weeks) > 0).sum(axis=1).astype(np.float64)
    return share(active, _weeks_n(prep), s.POSTS_WEEKS)


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
    }
