"""X API v2 pages in the real shapes: every field the schema leaves optional may be missing.

Before issue 10 the first of these pages stopped ``maturity collect`` with
``KeyError: 'created_at'``; now what cannot be used is a skipped item with a reason.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import responses
from connector_pages import BEARER, X_BASE, x_url
from real_payloads import landed, load

from maturity.connectors import x_assembler as xa
from maturity.connectors.base import Target
from maturity.connectors.context import EndpointPlan, XContext
from maturity.connectors.landing import Landing
from maturity.connectors.settings import XSettings
from maturity.connectors.x import XConnector
from maturity.errors import ConnectorError
from maturity.evidence import Window
from maturity.pseudonym import Pseudonymiser
from maturity.registry import Account

pytestmark = pytest.mark.unit
ACME = "2244994945"
HELP = "1490372981234567890"
OWN = frozenset({"acme", "AcmeHelp"})


def target(handle: str = "acme") -> Target:
    return Target("acme-org", Account(platform="x", handle=handle), OWN)


def context(window: Window) -> XContext:
    plan = EndpointPlan(lower=window.start - timedelta(hours=1), cap=3200, page_size=100)
    return XContext(
        own_ids={ACME: "acme", HELP: "AcmeHelp"}, plans={"posts": plan, "mentions": plan}
    )


def pages() -> list:
    names = [
        (xa.USERS, "x_users_by"),
        (xa.TWEETS, "x_users_tweets_partial"),
        (xa.TWEETS, "x_users_tweets_empty_next"),
        (xa.TWEETS, "x_users_tweets_last"),
        (xa.MENTIONS, "x_users_mentions_partial"),
        (xa.MENTIONS, "x_users_mentions_errors_only"),
    ]
    return [landed("x", endpoint, load(name), seq=i) for i, (endpoint, name) in enumerate(names)]


def test_real_shaped_pages_assemble_and_what_is_left_out_is_named(
    window: Window, pseudo: Pseudonymiser
) -> None:
    landed_pages = pages()
    path = {
        name: p.ref.path
        for name, p in zip(
            ["users", "tweets", "empty", "last", "mentions", "errors"], landed_pages, strict=True
        )
    }
    batch = xa.assemble(landed_pages, context(window), target(), window, pseudo)

    # ids as strings of any length, an edited tweet under its latest id, a withheld one kept
    assert [p.post_id for p in batch.posts] == [
        "20",
        "1899960000000000003",
        "1899970000000000002",
        "1899987654321098765",
    ]
    short, withheld, reply, edited = batch.posts
    assert (short.like_count, short.conversation_id, short.urls, short.mentions) == (
        0,
        None,
        (),
        (),
    )
    assert withheld.like_count == 1
    assert (reply.kind, reply.in_reply_to_post_id, reply.like_count) == (
        "reply", "1460323737035677698", 0)  # fmt: skip
    assert edited.urls == ("https://acme.example/werk",)
    assert edited.hashtags == ("verkeer",)
    assert edited.mentions == (pseudo("x", "777"),)
    assert (edited.like_count, edited.repost_count, edited.reply_count) == (9, 3, 1)

    assert [(m.message_id, m.kind, m.author) for m in batch.inbound] == [
        ("1899991111111111111", "reply", pseudo("x", "777")),
        ("1899993333333333333", "mention", pseudo("x", "1354137406356992000")),
    ]
    skipped = {(s.page_path, s.item_id, s.field, s.reason) for s in batch.skipped}
    assert skipped == {
        (path["tweets"], "1899950000000000004", "created_at", "missing"),
        (
            path["tweets"],
            "1460323737035677698",
            "referenced_tweets.id",
            "api error: Not Found Error",
        ),
        (path["mentions"], "1899992222222222222", "author_id", "missing"),
        (path["mentions"], "1354137406356992000", "author_id", "api error: Not Found Error"),
        (path["errors"], "1899994444444444444", "id", "api error: Authorization Error"),
    }
    cursors = {c.endpoint: c for c in batch.cursors}
    assert cursors["posts"].newest_id == "1899987654321098765"
    assert cursors["mentions"].newest_id == "1899993333333333333"
    assert not cursors["posts"].truncated  # the last page has no token; far below the cap
    assert batch.snapshots[0].status == "active"
    assert batch.snapshots[0].followers == 1200


@pytest.mark.parametrize(
    ("handle", "status", "user_id"),
    [
        ("AcmeHelp", "active", HELP),
        ("AcmeGone", "not_found", None),
        ("AcmePers", "suspended", None),
    ],
)
def test_a_lookup_with_a_withheld_user_and_errors_gives_each_account_its_status(
    window: Window, pseudo: Pseudonymiser, handle: str, status: str, user_id: str | None
) -> None:
    lookup = [landed("x", xa.USERS, load("x_users_by"))]
    snap = xa.snapshot(lookup, target(handle), window, seen_before=False)
    assert (snap.status, snap.platform_user_id) == (status, user_id)
    if handle == "AcmeHelp":  # only id, name and username: the rest is unknown, not an error
        assert (snap.followers, snap.created_at, snap.verified, snap.url) == (
            None,
            None,
            None,
            None,
        )


def test_a_page_that_is_not_a_json_object_is_the_documented_error(
    window: Window, pseudo: Pseudonymiser
) -> None:
    for body in (b"<html>rate limited</html>", b"[1, 2]"):
        bad = [*pages()[:1], landed("x", xa.TWEETS, body, seq=9)]
        with pytest.raises(ConnectorError) as info:
            xa.assemble(bad, context(window), target(), window, pseudo)
        assert bad[1].ref.path in info.value.render()


def test_the_connector_collects_real_shaped_pages_without_a_traceback(
    rsps: responses.RequestsMock, window: Window, tmp_path: Path, pseudo: Pseudonymiser
) -> None:
    """The reproduction of issue 10: this stopped with KeyError 'created_at' in _in_range."""
    rsps.get(x_url("/2/users/by"), json=load("x_users_by"))
    tweets = x_url(f"/2/users/{ACME}/tweets")
    rsps.get(tweets, json=load("x_users_tweets_partial"))
    rsps.get(tweets, json=load("x_users_tweets_empty_next"))  # an empty page may have a token
    rsps.get(tweets, json=load("x_users_tweets_last"))
    rsps.get(x_url(f"/2/users/{ACME}/mentions"), json=load("x_users_mentions_partial"))
    connector = XConnector(
        XSettings(bearer_token=BEARER, base_url=X_BASE, overlap_seconds=3600), pseudo
    )
    try:
        batch = connector.collect(target(), window, {}, Landing(tmp_path))
    finally:
        connector.close()
    assert len(batch.posts) == 4
    assert len(batch.inbound) == 2
    assert {(s.item_id, s.field) for s in batch.skipped} >= {
        ("1899950000000000004", "created_at"),
        ("1899992222222222222", "author_id"),
    }
    assert len(rsps.calls) == 5
