"""Bluesky AppView pages in the lexicons' shapes (profileViewDetailed, feedViewPost with reply
and reasonRepost, threadViewPost with notFoundPost and blockedPost) through the assembler and
the record gate, and the AppView's error bodies for unknown and taken-down actors."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from real_payloads import landed, load

from maturity.connectors import bluesky_assembler as ba
from maturity.connectors.base import Target
from maturity.connectors.context import AssemblyContext, EndpointPlan
from maturity.connectors.landing import LandedPage
from maturity.errors import ConnectorError
from maturity.evidence import Window
from maturity.pseudonym import Pseudonymiser
from maturity.quality import validate_batch
from maturity.registry import Account

pytestmark = pytest.mark.unit
HANDLE = "acme.example"
ORG = "did:plc:acme2vkq4o3gm7wzvyp5lbxe"
PIM = "did:plc:pim7hx3lq2m4dsy6kfa5ryxc"
KEES = "did:plc:kees5ntj6afzq3b7xw2ocmgd"
ORIGINAL = f"at://{ORG}/app.bsky.feed.post/3lk2a7orig01a"


def target(handle: str = HANDLE) -> Target:
    return Target("acme-org", Account(platform="bluesky", handle=handle), frozenset({handle}))


def page(endpoint: str, name: str | Any, seq: int = 1, status: int = 200) -> LandedPage:
    body = load(name) if isinstance(name, str) else name
    return landed("bluesky", endpoint, body, seq, status)


def context(window: Window, cap: int = 1000) -> AssemblyContext:
    return AssemblyContext(
        plans={"posts": EndpointPlan(lower=window.start - timedelta(hours=1), cap=cap)}
    )


def pages() -> list[LandedPage]:
    return [
        page(ba.PROFILE, "b_profile"),
        page(ba.FEED, "b_author_feed"),
        page(ba.THREAD, "b_post_thread"),
    ]


def test_profile_and_a_domain_handle_as_proof(window: Window, pseudo: Pseudonymiser) -> None:
    batch = ba.assemble(pages(), context(window), target(), window, pseudo)
    [snap] = batch.snapshots
    assert snap.status == "active"
    assert snap.platform_user_id == ORG
    assert snap.verified is True  # acme.example: the domain proves the account
    assert (snap.followers, snap.following, snap.post_count) == (1840, 35, 402)
    assert snap.banner_url
    assert snap.profile_image_url
    assert snap.description
    hosted = ba.snapshot([page(ba.PROFILE, "b_profile_hosted")], target(), window, False)
    assert hosted.verified is False  # a *.bsky.social name proves nothing
    assert hosted.display_name is None
    assert hosted.description is None


def test_feed_and_thread_become_records(window: Window, pseudo: Pseudonymiser) -> None:
    batch = ba.assemble(pages(), context(window), target(), window, pseudo)
    posts = {p.post_id: p for p in batch.posts}
    original = posts[ORIGINAL]
    assert original.kind == "original"
    assert original.conversation_id == ORIGINAL
    assert original.urls == ("https://www.acme.example/afval?utm_source=bluesky",)
    assert original.hashtags == ("afval",)
    assert original.mentions == (pseudo("bluesky", PIM),)
    assert (original.like_count, original.repost_count, original.reply_count) == (12, 3, 2)
    assert original.quote_count == 1
    kinds = {p.post_id.rsplit("/", 1)[-1]: p.kind for p in batch.posts}
    assert kinds["3lk29quote1aa"] == "quote"
    assert kinds["3lk2a2answ1aa"] == "reply"
    assert kinds["3lk27other1aa#repost"] == "repost"
    answer = posts[f"at://{ORG}/app.bsky.feed.post/3lk2a2answ1aa"]
    assert answer.in_reply_to_author == pseudo("bluesky", KEES)
    in_thread = posts[f"at://{ORG}/app.bsky.feed.post/3lk2b5answ2aa"]
    assert in_thread.handle == HANDLE
    assert in_thread.conversation_id == ORIGINAL
    inbound = {m.message_id.rsplit("/", 1)[-1]: m for m in batch.inbound}
    assert inbound["3lk2b3pim01aa"].kind == "reply"
    assert inbound["3lk2b3pim01aa"].author == pseudo("bluesky", PIM)
    assert inbound["3lk2b3pim01aa"].in_reply_to_post_id == ORIGINAL
    assert inbound["3lk2noauth01a"].author == pseudo("bluesky", KEES)  # from the URI's DID


def test_deleted_blocked_and_timeless_posts_are_named_skips(
    window: Window, pseudo: Pseudonymiser
) -> None:
    batch = ba.assemble(pages(), context(window), target(), window, pseudo)
    skipped = {
        (s.item_id and s.item_id.rsplit("/", 1)[-1], s.field, s.reason) for s in batch.skipped
    }
    assert skipped == {
        ("3lk2notime1aa", "indexedAt", "missing"),
        ("3lk2badtim1aa", "record.createdAt", "unreadable"),
        (None, "post", "missing"),  # a pinned-post reason without a post
        ("3lk2deleted1a", "notFound", "api error"),
        ("3lk2blocked1a", "blocked", "not loaded"),
    }
    result = validate_batch(batch, lookback=timedelta(hours=1))
    assert result.success, result.reason


def test_cursor_and_an_empty_page_with_a_cursor(window: Window, pseudo: Pseudonymiser) -> None:
    batch = ba.assemble(pages(), context(window), target(), window, pseudo)
    [cursor] = batch.cursors
    assert cursor.newest_id == ORIGINAL
    assert not cursor.truncated
    empty = [page(ba.PROFILE, "b_profile"), page(ba.FEED, "b_author_feed_empty_cursor")]
    nothing = ba.assemble(empty, context(window, cap=0), target(), window, pseudo)
    assert nothing.posts == ()
    assert nothing.skipped == ()
    assert [c.truncated for c in nothing.cursors] == [True]  # stopped at the cap, more to read
    last = [page(ba.PROFILE, "b_profile"), page(ba.FEED, "b_author_feed_last")]
    done = ba.assemble(last, context(window, cap=0), target(), window, pseudo)
    assert [c.truncated for c in done.cursors] == [False]


@pytest.mark.parametrize(
    ("body", "seen_before", "status"),
    [
        ("b_profile_takedown", False, "suspended"),
        ("b_profile_not_found", False, "not_found"),
        ("b_profile_not_found", True, "deleted"),
    ],
)
def test_error_answers_are_account_statuses(
    window: Window, body: str, seen_before: bool, status: str
) -> None:
    found = page(ba.PROFILE, body, status=400)
    assert ba.snapshot([found], target(), window, seen_before).status == status


def test_a_deleted_thread_root_adds_nothing(window: Window, pseudo: Pseudonymiser) -> None:
    only = [page(ba.PROFILE, "b_profile"), page(ba.THREAD, "b_post_thread_deleted_root")]
    batch = ba.assemble(only, context(window), target(), window, pseudo)
    assert batch.posts == ()
    assert batch.inbound == ()
    assert [(s.field, s.reason) for s in batch.skipped] == [("notFound", "api error")]


def test_a_feed_that_is_not_an_object_fails_the_account(
    window: Window, pseudo: Pseudonymiser
) -> None:
    broken = page(ba.FEED, [1, 2])
    with pytest.raises(ConnectorError, match="not a author_feed page"):
        ba.assemble(
            [page(ba.PROFILE, "b_profile"), broken], context(window), target(), window, pseudo
        )


JOOST = "did:plc:joost4c2vbm7ql5xa3kfhd6n"
PIM_REPLY = f"at://{PIM}/app.bsky.feed.post/3lk2b3pim01aa"


def with_mentions(window: Window) -> AssemblyContext:
    plan = EndpointPlan(lower=window.start - timedelta(hours=1), cap=1000)
    return AssemblyContext(plans={"posts": plan, "mentions": plan})


def test_notifications_add_mentions_once_and_leave_likes_out(
    window: Window, pseudo: Pseudonymiser
) -> None:
    with_notes = [*pages(), page(ba.NOTIFICATIONS, "b_notifications")]
    batch = ba.assemble(with_notes, with_mentions(window), target(), window, pseudo)
    without = ba.assemble(pages(), context(window), target(), window, pseudo)
    added = {m.message_id: m for m in batch.inbound}.keys() - {
        m.message_id for m in without.inbound
    }
    mention_uri = f"at://{JOOST}/app.bsky.feed.post/3lk2c9joost1a"
    assert added == {mention_uri}  # the like is no message; the reply came from its thread
    mention = next(m for m in batch.inbound if m.message_id == mention_uri)
    assert mention.kind == "mention"
    assert mention.author == pseudo("bluesky", JOOST)
    assert mention.source is not None
    assert mention.source.endpoint == ba.NOTIFICATIONS
    # the reply is in the batch once, as its thread gave it
    assert [m.message_id for m in batch.inbound].count(PIM_REPLY) == 1
    # a mention without its record is a skipped item, named; the old one is outside the plan
    assert any(s.field == "record" for s in batch.skipped)
    assert all("old001a" not in m.message_id for m in batch.inbound)
    cursors = {c.endpoint: c for c in batch.cursors}
    assert cursors["mentions"].newest_id == mention_uri
    result = validate_batch(batch, lookback=timedelta(hours=1))
    assert result.success, result.reason


def test_notifications_alone_give_the_reply_as_a_reply(
    window: Window, pseudo: Pseudonymiser
) -> None:
    only = [page(ba.PROFILE, "b_profile"), page(ba.NOTIFICATIONS, "b_notifications")]
    batch = ba.assemble(only, with_mentions(window), target(), window, pseudo)
    kinds = {m.message_id: m.kind for m in batch.inbound}
    assert kinds[PIM_REPLY] == "reply"
    assert kinds[f"at://{JOOST}/app.bsky.feed.post/3lk2c9joost1a"] == "mention"
