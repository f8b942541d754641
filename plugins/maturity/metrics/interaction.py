"""Interaction: what the organisation's posts get back, and how it converses.

* ``engagement_per_post``: likes + reposts + replies + quotes received, over own posts.
* ``engagement_per_follower``: the same interactions over ``Σ followers × posts`` of the
  accounts with a known, positive follower count at window end (per account: engagement per
  post / followers; pooled, each post is weighed by its account's audience). The denominator
  is stated in the value's query ref; ``n`` counts the posts.
* ``conversation_depth``: threads (``conversation_id``, else the replied-to post, else the post)
  in which the organisation replied to a third party at least once; the value is the mean
  number of organisation turns (own posts other than reposts) in those threads.
* ``community_reply_share``: original posts (threads started) in which at least two distinct
  third parties wrote inbound messages (same organisation, platform and conversation, inside
  the window), over all original posts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from maturity.metrics import samples as s
from maturity.metrics.prepared import Prepared
from maturity.metrics.scopes import BoolArray, FloatArray, IntArray
from maturity.metrics.values import ScopeValues, as_n, ratio, share

COMMUNITY_MIN_REPLIERS = 2


def _acc(prep: Prepared) -> IntArray:
    return np.asarray(prep.posts["acc"].to_numpy(dtype=np.int64))


def _engagement(prep: Prepared) -> FloatArray:
    return np.asarray(prep.posts["engagement"].to_numpy(dtype=np.float64))


def engagement_per_post(prep: Prepared) -> ScopeValues:
    acc = _acc(prep)
    return share(prep.scopes.count(acc, _engagement(prep)), prep.scopes.count(acc), s.POSTS)


def followers_known(prep: Prepared) -> FloatArray:
    """Per account: followers at window end where known and positive, else 0."""
    followers = np.nan_to_num(prep.accounts["followers"].to_numpy(dtype=np.float64), nan=0.0)
    return np.where(prep.readable & (followers > 0), followers, 0.0)


def engagement_per_follower(prep: Prepared) -> ScopeValues:
    sc = prep.scopes
    followers = followers_known(prep)
    acc = _acc(prep)
    keep = followers[acc] > 0
    posts = np.bincount(acc[keep], minlength=sc.n_accounts).astype(np.float64)
    denominator = sc.rollup(posts * followers)
    value = ratio(sc.count(acc[keep], _engagement(prep)[keep]), denominator)
    return ScopeValues(value, as_n(sc.rollup(posts)), s.POSTS_FOLLOWED, denominator=denominator)


def _coalesce(*columns: str, prep: Prepared) -> pd.Series:
    out = pd.Series(prep.posts[columns[0]].to_numpy(dtype=object))
    for column in columns[1:]:
        out = out.fillna(pd.Series(prep.posts[column].to_numpy(dtype=object)))
    return out


def thread_of(prep: Prepared) -> IntArray:
    """Per post: its thread (conversation, else the replied-to post, else itself) as a code,
    distinct per platform."""

    def make() -> IntArray:
        thread, _ = pd.factorize(
            _coalesce("conversation_id", "in_reply_to_post_id", "item_id", prep=prep)
        )
        platform, names = pd.factorize(prep.posts["platform"].to_numpy(dtype=object))
        key, _ = pd.factorize(thread.astype(np.int64) * max(len(names), 1) + platform)
        return np.asarray(key, dtype=np.int64)

    codes: IntArray = prep.memo("thread_of", make)
    return codes


def conversation_depth(prep: Prepared) -> ScopeValues:
    sc = prep.scopes
    turns = np.flatnonzero(prep.posts["turn"].to_numpy(dtype=bool))
    thread = thread_of(prep)[turns]
    third_party = prep.posts["third_party_reply"].to_numpy(dtype=np.float64)[turns]
    scope, rows = sc.expand(_acc(prep)[turns])
    n_threads = int(thread.max(initial=0)) + 1
    group_of, groups = pd.factorize(scope * n_threads + thread[rows])
    turn_count = np.bincount(group_of).astype(np.float64)
    replied = np.bincount(group_of, third_party[rows]) > 0
    group_scope = groups[replied] // n_threads
    threads = np.bincount(group_scope, minlength=sc.n).astype(np.float64)
    total = np.bincount(group_scope, turn_count[replied], minlength=sc.n).astype(np.float64)
    return ScopeValues(ratio(total, threads), as_n(threads), s.THREADS_REPLIED)


def community_threads(prep: Prepared) -> BoolArray:
    """Per original post (in ``posts`` order): at least two distinct third-party repliers.

    Threads are keyed by (organisation and platform, conversation id), as integers: the
    conversation ids of posts and messages are factorised together once.
    """
    posts, inbound = prep.posts, prep.thread_inbound
    original = posts["original"].to_numpy(dtype=bool)
    started = _coalesce("conversation_id", "item_id", prep=prep).to_numpy(dtype=object)[original]
    codes, uniques = pd.factorize(
        np.concatenate([started, inbound["conversation_id"].to_numpy(dtype=object)])
    )
    n_codes = len(uniques) + 1
    post_key = prep.scopes.acc_pscope[_acc(prep)[original]] * n_codes + codes[: len(started)]
    message_code = codes[len(started) :]
    pscope = inbound["pscope"].to_numpy(dtype=np.int64)
    ok = (pscope >= 0) & (message_code >= 0)
    author = inbound["author"].to_numpy(dtype=np.int64)[ok]
    n_authors = int(author.max(initial=0)) + 1
    thread = pscope[ok] * n_codes + message_code[ok]
    thread_of, threads = pd.factorize(pd.unique(thread * n_authors + author) // n_authors)
    repliers = np.bincount(thread_of, minlength=len(threads))
    return np.isin(post_key, threads[repliers >= COMMUNITY_MIN_REPLIERS])


def community_reply_share(prep: Prepared) -> ScopeValues:
    original = prep.posts["original"].to_numpy(dtype=bool)
    acc = _acc(prep)[original]
    community = np.asarray(community_threads(prep), dtype=np.float64)
    return share(prep.scopes.count(acc, community), prep.scopes.count(acc), s.THREADS_STARTED)


def compute(prep: Prepared) -> dict[str, ScopeValues]:
    return {
        "interaction.engagement_per_post": engagement_per_post(prep),
        "interaction.engagement_per_follower": engagement_per_follower(prep),
        "interaction.conversation_depth": conversation_depth(prep),
        "interaction.community_reply_share": community_reply_share(prep),
    }
