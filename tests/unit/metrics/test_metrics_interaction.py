"""Interaction: engagement, conversation depth and community replies, by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest
from metrics_records import (
    WINDOW,
    account,
    at,
    compute,
    inbound,
    org,
    pick,
    post,
    snapshot,
)

pytestmark = pytest.mark.unit

ACME = org(
    account("Acme"), account("AcmeCare", function="service"), account("AcmeNews", function="press")
)
SNAPSHOTS = [
    snapshot("Acme", followers=1000),
    snapshot("AcmeCare", followers=100),
    snapshot("AcmeNews"),
]


def vn(values, metric, platform="all", handle=None):  # type: ignore[no-untyped-def]
    found = pick(values, f"interaction.{metric}", platform, handle)
    return found.value, found.n


def test_engagement_per_post_and_per_follower() -> None:
    posts = [
        # 10 + 2 + 3 + 1 = 16 and 4: 20 interactions on Acme's 2 posts
        post("a1", "Acme", at(), like_count=10, repost_count=2, reply_count=3, quote_count=1),
        post("a2", "Acme", at(hours=1), like_count=4),
        post("c1", "AcmeCare", at(), like_count=5),
        # AcmeNews has no follower count: in engagement per post, not per follower
        post("n1", "AcmeNews", at(), like_count=95),
    ]
    values = compute(ACME, snapshots=SNAPSHOTS, posts=posts)
    assert vn(values, "engagement_per_post", "x", "Acme") == (10.0, 2)
    assert vn(values, "engagement_per_post") == (30.0, 4)  # 16 + 4 + 5 + 95 over 4
    assert vn(values, "engagement_per_follower", "x", "Acme") == (pytest.approx(0.01), 2)
    # pooled: 25 interactions over 1000 x 2 + 100 x 1 follower-posts
    per_follower = pick(values, "interaction.engagement_per_follower")
    assert (per_follower.value, per_follower.n) == (pytest.approx(25 / 2100), 3)
    query = next(r.ref for r in per_follower.refs if r.kind == "query")
    assert "denominator: followers at window end x own posts" in query
    assert "= 2,100" in query


def test_conversation_depth_counts_turns_in_threads_with_a_third_party_reply() -> None:
    posts = [
        # thread c1: the organisation opens it and replies twice to customers: 3 turns
        post("c1", "Acme", at(), conversation_id="c1"),
        post(
            "c1-r1", "Acme", at(hours=1), "reply", conversation_id="c1", in_reply_to_author="p:ann"
        ),
        post(
            "c1-r2",
            "AcmeCare",
            at(hours=2),
            "reply",
            conversation_id="c1",
            in_reply_to_author="p:bob",
        ),
        # thread c2: one reply in a customer's thread: 1 turn
        post(
            "c2-r1", "Acme", at(hours=3), "reply", conversation_id="c2", in_reply_to_author="p:cas"
        ),
        # thread c3: the organisation threads with itself only: not a conversation
        post("c3", "Acme", at(hours=4), conversation_id="c3"),
        post(
            "c3-r1", "Acme", at(hours=5), "reply", conversation_id="c3", in_reply_to_author="Acme"
        ),
        # a repost in c1 is not a turn
        post("c1-rp", "Acme", at(hours=6), "repost", conversation_id="c1"),
    ]
    values = compute(ACME, snapshots=SNAPSHOTS, posts=posts)
    assert vn(values, "conversation_depth") == (2.0, 2)
    # per account: Acme replied in c1 (2 own turns) and c2 (1); AcmeCare in c1 (1)
    assert vn(values, "conversation_depth", "x", "Acme") == (1.5, 2)
    assert vn(values, "conversation_depth", "x", "AcmeCare") == (1.0, 1)


def test_community_reply_share_needs_two_distinct_third_parties() -> None:
    posts = [
        post("t1", "Acme", at(), conversation_id="t1"),
        post("t2", "Acme", at(hours=1), conversation_id="t2"),
        post("t3", "AcmeCare", at(hours=2)),
        post("r", "Acme", at(hours=3), "reply", conversation_id="t9"),
    ]
    messages = [
        inbound("m1", "Acme", at(minutes=5), author="p:ann", conversation_id="t1"),
        inbound("m2", "Acme", at(minutes=6), author="p:bob", conversation_id="t1"),
        inbound("m3", "Acme", at(minutes=7), author="p:ann", conversation_id="t1"),
        inbound("m4", "Acme", at(hours=2), author="p:ann", conversation_id="t2"),
        inbound("m5", "Acme", at(hours=2), author="p:ann", conversation_id="t2"),
        # a second replier after the window end does not count
        inbound(
            "m6", "Acme", WINDOW.end + timedelta(hours=1), author="p:bob", conversation_id="t2"
        ),
    ]
    values = compute(ACME, snapshots=SNAPSHOTS, posts=posts, messages=messages)
    assert vn(values, "community_reply_share") == (pytest.approx(1 / 3), 3)
    assert vn(values, "community_reply_share", "x", "Acme") == (0.5, 2)
