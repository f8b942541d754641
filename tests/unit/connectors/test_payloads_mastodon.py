"""Mastodon pages in the real entity shapes (Account, Status, Context, Notification) through the
assembler and the record gate: missing optional fields, boosts, a status without a time, a
descendant without an account, a deleted status's notification, a suspended account."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from real_payloads import landed, load

from maturity.connectors import mastodon_assembler as ma
from maturity.connectors.base import Target
from maturity.connectors.context import AssemblyContext, EndpointPlan
from maturity.connectors.landing import LandedPage
from maturity.evidence import Window
from maturity.pseudonym import Pseudonymiser
from maturity.quality import validate_batch
from maturity.registry import Account

pytestmark = pytest.mark.unit
HANDLE = "acme@social.example"


def target(handle: str = HANDLE) -> Target:
    return Target("acme-org", Account(platform="mastodon", handle=handle), frozenset({handle}))


def page(endpoint: str, name: str | Any, seq: int = 1, path: str | None = None) -> LandedPage:
    body = load(name) if isinstance(name, str) else name
    found = landed("mastodon", endpoint, body, seq)
    if path is not None:
        found = replace(found, envelope=replace(found.envelope, path=path))
    return found


def context(window: Window, **plans: EndpointPlan) -> AssemblyContext:
    plan = EndpointPlan(lower=window.start - timedelta(hours=1), cap=800)
    return AssemblyContext(plans=plans or {"posts": plan, "mentions": plan})


def pages() -> list[LandedPage]:
    return [
        page(ma.LOOKUP, "m_account_lookup"),
        page(ma.STATUSES, "m_account_statuses"),
        page(ma.CONTEXT, "m_status_context", path="/api/v1/statuses/113900000000000010/context"),
        page(ma.NOTIFICATIONS, "m_notifications"),
    ]


def test_profile_fields_and_a_verified_rel_me_link(window: Window, pseudo: Pseudonymiser) -> None:
    batch = ma.assemble(pages(), context(window), target(), window, pseudo)
    [snap] = batch.snapshots
    assert snap.status == "active"
    assert snap.platform_user_id == "109302001"
    assert snap.display_name == "Gemeente Acme"
    assert snap.verified is True  # the Website field has verified_at
    assert snap.followers == 2310
    assert snap.post_count == 612
    assert snap.following == 48
    assert snap.created_at is not None
    assert snap.created_at.year == 2022
    assert snap.description is not None
    assert "<" not in snap.description
    assert snap.banner_url
    assert snap.profile_image_url
    assert snap.url == "https://www.acme.example"  # the verified rel=me website field
    bare = {
        **load("m_account_lookup"),
        "header": "https://social.example/headers/original/missing.png",
    }
    bare["fields"] = []
    plain = ma.snapshot([page(ma.LOOKUP, bare)], target(), window, False)
    assert plain.banner_url is None  # missing.png is no header
    assert plain.url is None
    assert plain.verified is None


def test_statuses_contexts_and_mentions_become_records(
    window: Window, pseudo: Pseudonymiser
) -> None:
    batch = ma.assemble(pages(), context(window), target(), window, pseudo)
    posts = {p.post_id: p for p in batch.posts}
    original = posts["113900000000000010"]
    assert original.kind == "original"
    assert original.urls == ("https://www.acme.example/afval?utm_source=mastodon",)
    assert original.hashtags == ("afval",)
    assert (original.like_count, original.repost_count, original.reply_count) == (11, 4, 2)
    assert posts["113900000000000015"].kind == "repost"
    assert posts["113900000000000015"].like_count == 3  # the boosted status's counts
    reply = posts["113900000000000020"]
    assert reply.kind == "reply"
    assert reply.in_reply_to_post_id == "113899999999999000"
    assert reply.in_reply_to_author == pseudo("mastodon", "id:110000777")
    minimal = posts["113900000000000003"]  # no counts, tags or mentions: zeros, not a skip
    assert minimal.like_count == 0
    assert minimal.hashtags == ()
    answer = posts["113900000000000032"]  # the organisation's answer in the context
    assert answer.handle == HANDLE
    assert answer.in_reply_to_post_id == "113900000000000031"
    assert answer.conversation_id == "113900000000000010"
    inbound = {m.message_id: m for m in batch.inbound}
    assert inbound["113900000000000031"].kind == "reply"
    assert inbound["113900000000000033"].kind == "comment"  # answers the answer, not a post
    assert inbound["113900000000000041"].kind == "mention"
    assert not {"pim", "kees", "kees@mastodon.example"} & {m.author for m in batch.inbound}
    assert inbound["113900000000000031"].author == pseudo("mastodon", "id:110000001")


def test_what_cannot_be_read_is_a_named_skip(window: Window, pseudo: Pseudonymiser) -> None:
    batch = ma.assemble(pages(), context(window), target(), window, pseudo)
    skipped = {(s.item_id, s.field, s.reason) for s in batch.skipped}
    assert skipped == {
        ("113900000000000005", "created_at", "missing"),
        ("113900000000000004", "created_at", "unreadable"),
        ("113900000000000034", "account", "missing"),
        ("4699", "status", "missing"),  # a mention of a status deleted since
        ("113900000000000042", "mentions", "addressed to another account"),
    }
    result = validate_batch(batch, lookback=timedelta(hours=1))
    assert result.success, result.reason


def test_cursors_and_truncation(window: Window, pseudo: Pseudonymiser) -> None:
    batch = ma.assemble(pages(), context(window), target(), window, pseudo)
    cursors = {c.endpoint: c for c in batch.cursors}
    assert cursors["posts"].newest_id == "113900000000000010"
    assert not cursors["posts"].truncated  # a status older than the plan was reached
    assert cursors["mentions"].newest_id == "4701"
    capped = context(window, posts=EndpointPlan(lower=None, cap=3))
    one = ma.assemble(pages()[:2], capped, target(), window, pseudo)
    assert [c.truncated for c in one.cursors] == [True]


def test_a_suspended_account_and_an_unknown_one(window: Window, pseudo: Pseudonymiser) -> None:
    suspended = ma.assemble(
        [page(ma.LOOKUP, "m_account_suspended")], AssemblyContext(), target(), window, pseudo
    )
    assert suspended.snapshots[0].status == "suspended"
    assert suspended.posts == ()
    assert suspended.cursors == ()
    gone = landed("mastodon", ma.LOOKUP, {"error": "Record not found"}, status=404)
    unknown = ma.assemble([gone], AssemblyContext(), target(), window, pseudo)
    assert unknown.snapshots[0].status == "not_found"
    seen = AssemblyContext(prior=context(window).prior)
    assert ma.snapshot([gone], target(), window, seen_before=True).status == "deleted"
    assert seen.seen_before is False


def test_an_empty_page_gives_an_empty_batch(window: Window, pseudo: Pseudonymiser) -> None:
    batch = ma.assemble(
        [page(ma.LOOKUP, "m_account_lookup"), page(ma.STATUSES, "m_account_statuses_empty")],
        context(window),
        target(),
        window,
        pseudo,
    )
    assert batch.posts == ()
    assert batch.skipped == ()
    assert {c.endpoint: c.newest_id for c in batch.cursors} == {"posts": None, "mentions": None}


def test_a_page_that_is_not_json_fails_the_account_by_name(
    window: Window, pseudo: Pseudonymiser
) -> None:
    from maturity.errors import ConnectorError

    broken = landed("mastodon", ma.STATUSES, b"<html>upstream error</html>")
    with pytest.raises(ConnectorError, match="not JSON"):
        ma.assemble(
            [page(ma.LOOKUP, "m_account_lookup"), broken], context(window), target(), window, pseudo
        )
