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

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from maturity.metrics.engine import samples as s
from maturity.metrics.engine.prepared import Prepared
from maturity.metrics.engine.scopes import BoolArray, FloatArray, IntArray
from maturity.metrics.engine.values import ScopeValues, as_n, ratio, share

ObjectArray = np.ndarray[Any, np.dtype[np.object_]]

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


@dataclass(frozen=True, slots=True)
class ThreadCodes:
    """Conversation ids as integer codes, factorised once for posts and inbound messages
    together (equal ids, equal codes; -1 for none), so threads are joined and grouped on
    integers only."""

    post: IntArray
    """Per post: its thread (conversation, else the replied-to post, else the post itself)."""
    started: IntArray
    """Per original post (in ``posts`` order): the thread it starts (conversation, else the
    post itself)."""
    message: IntArray
    """Per row of ``thread_inbound``: its conversation."""
    n_codes: int
    """Number of distinct ids (codes are below it)."""


def _present(values: ObjectArray) -> BoolArray:
    return np.asarray(~pd.isna(values), dtype=bool)


def thread_codes(prep: Prepared) -> ThreadCodes:
    """The conversation codes of posts and messages (made once, shared by the metrics)."""

    def make() -> ThreadCodes:
        posts = prep.posts
        conversation = np.asarray(posts["conversation_id"].to_numpy(dtype=object))
        original = posts["original"].to_numpy(dtype=bool)
        messages = np.asarray(prep.thread_inbound["conversation_id"].to_numpy(dtype=object))
        codes, uniques = pd.factorize(np.concatenate([conversation, messages]))
        codes = np.asarray(codes, dtype=np.int64)
        n = len(conversation)
        post = codes[:n]
        has_conversation = post >= 0
        if has_conversation.all():
            # every post names its conversation: that is its thread, and the thread it starts
            return ThreadCodes(post, post[original], codes[n:], len(uniques))
        # some do not: a thread is the conversation, else the replied-to post, else the post;
        # a thread started is the conversation, else the post, which differs from the post's
        # thread only where there is no conversation but a replied-to post
        reply_to = np.asarray(posts["in_reply_to_post_id"].to_numpy(dtype=object))
        item = np.asarray(posts["item_id"].to_numpy(dtype=object))
        has_reply_to = _present(reply_to)
        thread = np.where(has_conversation, conversation, np.where(has_reply_to, reply_to, item))
        differs = np.flatnonzero(original & ~has_conversation & has_reply_to)
        codes, uniques = pd.factorize(np.concatenate([thread, item[differs], messages]))
        codes = np.asarray(codes, dtype=np.int64)
        d = len(differs)
        post = codes[:n]
        started = post.copy()
        started[differs] = codes[n : n + d]
        return ThreadCodes(post, started[original], codes[n + d :], len(uniques))

    found: ThreadCodes = prep.memo("thread_codes", make)
    return found


def thread_of(prep: Prepared) -> IntArray:
    """Per post: its thread (conversation, else the replied-to post, else itself) as a code,
    distinct per platform (codes are not dense)."""

    def make() -> IntArray:
        sc = prep.scopes
        platform, names = pd.factorize(sc.accounts["platform"])
        acc_platform = np.asarray(platform, dtype=np.int64)
        codes = thread_codes(prep).post
        return np.asarray(codes * max(len(names), 1) + acc_platform[_acc(prep)], dtype=np.int64)

    codes: IntArray = prep.memo("thread_of", make)
    return codes


def conversation_depth(prep: Prepared) -> ScopeValues:
    """Per scope, the threads with a third-party reply and the turns in them, from one sort of
    (thread, account, reply) keys: account ids are ordered by organisation and platform, so
    the rows of a thread in one account, platform or organisation are adjacent."""
    sc = prep.scopes
    turns = np.flatnonzero(prep.posts["turn"].to_numpy(dtype=bool))
    threads = np.zeros(sc.n)
    total = np.zeros(sc.n)
    if len(turns):
        acc = _acc(prep)[turns]
        third_party = prep.posts["third_party_reply"].to_numpy(dtype=bool)[turns]
        key = np.sort((thread_of(prep)[turns] * sc.n_accounts + acc) * 2 + third_party)
        flag = (key % 2).astype(np.int64)
        pair = key // 2
        thread, acc = pair // sc.n_accounts, pair % sc.n_accounts
        same_thread = thread[1:] == thread[:-1]
        for scope_of_account in (np.arange(sc.n_accounts), sc.acc_pscope, sc.acc_oscope):
            scope = scope_of_account[acc]
            starts = np.flatnonzero(np.r_[True, ~same_thread | (scope[1:] != scope[:-1])])
            turn_count = np.diff(np.r_[starts, len(key)]).astype(np.float64)
            replied = np.add.reduceat(flag, starts) > 0
            group_scope = scope[starts][replied]
            threads += np.bincount(group_scope, minlength=sc.n)
            total += np.bincount(group_scope, turn_count[replied], minlength=sc.n)
    return ScopeValues(ratio(total, threads), as_n(threads), s.THREADS_REPLIED)


def community_threads(prep: Prepared) -> BoolArray:
    """Per original post (in ``posts`` order): at least two distinct third-party repliers.

    Threads are keyed by (organisation and platform, conversation code), as integers: the
    conversation ids of posts and messages are factorised together once; the rest is integer
    sorting and searching.
    """
    codes = thread_codes(prep)
    inbound = prep.thread_inbound
    if bool((inbound["author"].to_numpy(dtype=np.int64) < 0).any()):
        return _community_threads_missing_authors(prep)
    original = prep.posts["original"].to_numpy(dtype=bool)
    n_codes = codes.n_codes + 1
    post_key = prep.scopes.acc_pscope[_acc(prep)[original]] * n_codes + codes.started
    pscope = inbound["pscope"].to_numpy(dtype=np.int64)
    ok = (pscope >= 0) & (codes.message >= 0)
    author = inbound["author"].to_numpy(dtype=np.int64)[ok]
    n_authors = int(author.max(initial=0)) + 1
    # (thread, author) keys in one sort: a thread's authors are adjacent and ordered, so it
    # has two distinct ones exactly when its first and last differ
    pair = np.sort((pscope[ok] * n_codes + codes.message[ok]) * n_authors + author)
    if len(pair) == 0:
        return np.zeros(len(post_key), dtype=bool)
    thread, author = pair // n_authors, pair % n_authors
    starts = np.flatnonzero(np.r_[True, thread[1:] != thread[:-1]])
    last = np.r_[starts[1:], len(pair)] - 1
    community = thread[starts][author[starts] != author[last]]  # sorted, distinct
    if len(community) == 0:
        return np.zeros(len(post_key), dtype=bool)
    at = np.minimum(np.searchsorted(community, post_key), len(community) - 1)
    return np.asarray(community[at] == post_key, dtype=bool)


def _community_threads_missing_authors(prep: Prepared) -> BoolArray:
    """The former computation, kept as it was for messages without an author (records always
    have one; a frame may not): such a message's -1 author code shifts its (thread, author)
    key into the thread coded just before its own, an artefact of that code. Values must
    not change with this speed-up, so this case keeps it."""
    posts, inbound = prep.posts, prep.thread_inbound
    original = posts["original"].to_numpy(dtype=bool)
    started = pd.Series(posts["conversation_id"].to_numpy(dtype=object))
    started = started.fillna(pd.Series(posts["item_id"].to_numpy(dtype=object)))
    codes, uniques = pd.factorize(
        np.concatenate(
            [started.to_numpy(dtype=object)[original], inbound["conversation_id"].to_numpy()]
        )
    )
    n_started = int(original.sum())
    n_codes = len(uniques) + 1
    post_key = prep.scopes.acc_pscope[_acc(prep)[original]] * n_codes + codes[:n_started]
    message_code = codes[n_started:]
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
