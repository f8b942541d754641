"""Reddit listings in the real shapes (as PRAW receives them), through the assembler and the
record gate, and inbox mentions attributed only to the account whose inbox it is."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import responses
from connector_pages import (
    CLIENT_SECRET,
    R_OAUTH,
    R_WWW,
    USER_PASSWORD,
    listing,
    r_about,
    r_url,
    token,
)
from real_payloads import landed, load

from maturity.connectors import reddit_assembler as ra
from maturity.connectors.base import Target
from maturity.connectors.context import EndpointPlan, RedditContext
from maturity.connectors.landing import Landing
from maturity.connectors.reddit import RedditConnector
from maturity.connectors.settings import RedditSettings
from maturity.evidence import Window
from maturity.pseudonym import Pseudonymiser
from maturity.quality import validate_batch
from maturity.registry import Account

pytestmark = pytest.mark.unit
LISTING_PAGES = [
    (ra.SUBMITTED, "r_user_submitted"),
    (ra.COMMENTS, "r_user_comments"),
    (ra.TREE, "r_comment_tree"),
    (ra.SUB_NEW, "r_subreddit_new_nsfw"),
    (ra.MENTIONS, "r_inbox_mentions"),
]


def target(handle: str = "AcmeCo", org: str = "acme-org", sub: str | None = "duinwijk") -> Target:
    return Target(
        org, Account(platform="reddit", handle=handle, subreddit=sub), frozenset({handle})
    )


def context(window: Window) -> RedditContext:
    plan = EndpointPlan(lower=window.start - timedelta(hours=1), cap=1000)
    names = (
        "submissions",
        "comments",
        "trees",
        "subreddit_posts",
        "subreddit_comments",
        "mentions",
    )
    return RedditContext(subreddit="duinwijk", plans=dict.fromkeys(names, plan))


def pages(handle: str = "AcmeCo") -> list:
    about = landed("reddit", ra.ABOUT, r_about(handle), seq=0)
    rest = [landed("reddit", e, load(n), seq=i + 1) for i, (e, n) in enumerate(LISTING_PAGES)]
    return [about, *rest]


def test_real_threads_assemble_and_pass_the_record_gate(
    window: Window, pseudo: Pseudonymiser
) -> None:
    landed_pages = pages()
    path = {e: p.ref.path for (e, _), p in zip(LISTING_PAGES, landed_pages[1:], strict=True)}
    batch = ra.assemble(landed_pages, context(window), target(), window, pseudo)

    # negative scores are kept as they are; edited (a timestamp or false) changes nothing
    assert [(p.post_id, p.like_count) for p in batch.posts] == [
        ("t3_1j7abc", -3),
        ("t3_1j7abd", 14),
        ("t1_kc2", -2),
    ]
    assert [(m.message_id, m.kind, m.author) for m in batch.inbound] == [
        ("t1_kc1", "reply", pseudo("reddit", "u:bob_jones")),
        ("t1_kc3", "reply", "[deleted]"),
        ("t1_kc4", "reply", "[removed]"),
        ("t3_1j7nsf", "message", pseudo("reddit", "u:dan_d")),  # NSFW, quarantined subreddit
        ("t3_1j7nsg", "message", "[deleted]"),
        ("t1_km1", "mention", pseudo("reddit", "u:bob_jones")),
        ("t1_km2", "mention", pseudo("reddit", "u:erin_e")),
    ]
    assert {(s.page_path, s.item_id, s.field, s.reason) for s in batch.skipped} == {
        (path[ra.SUBMITTED], "t3_1j7abe", "created_utc", "missing"),
        (path[ra.TREE], "t1_kc5", "created_utc", "missing"),
        (path[ra.TREE], "t1_kc9", "children", "not loaded"),
        (path[ra.TREE], "t1__", "children", "not loaded"),
    }
    result = validate_batch(batch, lookback=timedelta(hours=1))
    assert result.success, result.reason  # quarantined before: [deleted] authors, scores < 0
    assert result.record_counts["skipped"] == 4


def test_inbox_mentions_addressed_to_another_user_are_left_out(
    window: Window, pseudo: Pseudonymiser
) -> None:
    """A landing of another account that holds u/AcmeCo's inbox (as every Reddit account's
    landing did before issue 10) attributes none of its mentions to that account."""
    batch = ra.assemble(
        pages("OtherCo"), context(window), target("OtherCo", "other-org"), window, pseudo
    )
    assert [m.message_id for m in batch.inbound if m.kind == "mention"] == []
    elsewhere = [s for s in batch.skipped if s.reason == "addressed to another account"]
    assert [(s.item_id, s.field) for s in elsewhere] == [("t1_km1", "dest"), ("t1_km2", "dest")]


def test_a_suspended_user_with_almost_no_fields(window: Window, pseudo: Pseudonymiser) -> None:
    about = landed("reddit", ra.ABOUT, load("r_about_suspended"))
    batch = ra.assemble([about], RedditContext(), target(), window, pseudo)
    assert batch.snapshots[0].status == "suspended"
    assert (batch.posts, batch.inbound, batch.skipped) == ((), (), ())


def _user(rsps: responses.RequestsMock, handle: str) -> None:
    rsps.get(r_url(f"/user/{handle}/about"), json=r_about(handle))
    rsps.get(r_url(f"/user/{handle}/submitted"), json=listing([]))
    rsps.get(r_url(f"/user/{handle}/comments"), json=listing([]))


def test_the_inbox_is_read_only_for_the_account_it_belongs_to(
    rsps: responses.RequestsMock, window: Window, tmp_path: Path, pseudo: Pseudonymiser
) -> None:
    rsps.post(R_WWW + "/api/v1/access_token", json=token())
    _user(rsps, "AcmeCo")
    _user(rsps, "OtherCo")
    rsps.get(r_url("/message/mentions"), json=load("r_inbox_mentions"))
    settings = RedditSettings(
        client_id="cid",
        client_secret=CLIENT_SECRET,
        oauth_url=R_OAUTH,
        reddit_url=R_WWW,
        username="AcmeCo",
        password=USER_PASSWORD,
    )
    connector = RedditConnector(settings, pseudo, sleep=lambda _: None)
    landing = Landing(tmp_path)
    try:
        own = connector.collect(target("AcmeCo", sub=None), window, {}, landing)
        other = connector.collect(target("OtherCo", "other-org", None), window, {}, landing)
        other_notes = list(connector.notes)
    finally:
        connector.close()
    assert [m.message_id for m in own.inbound] == ["t1_km1", "t1_km2"]
    assert other.inbound == ()
    assert sum("/message/mentions" in c.request.url for c in rsps.calls) == 1
    assert any("u/AcmeCo's" in n and "skipped" in n for n in other_notes)
    assert "mentions" not in {c.endpoint for c in other.cursors}


def test_the_connector_pages_real_listings_without_refetching_items(
    rsps: responses.RequestsMock, window: Window, tmp_path: Path, pseudo: Pseudonymiser
) -> None:
    """A submission without ``created_utc`` once made PRAW fetch it again (its lazy attribute
    access), a request outside the plan; the connector now reads the listing's data."""
    rsps.post(R_WWW + "/api/v1/access_token", json=token())
    rsps.get(r_url("/user/AcmeCo/about"), json=r_about("AcmeCo"))
    rsps.get(r_url("/user/AcmeCo/submitted"), json=load("r_user_submitted"))
    rsps.get(r_url("/user/AcmeCo/comments"), json=load("r_user_comments"))
    rsps.get(r_url("/comments/1j7abc"), json=load("r_comment_tree"))
    settings = RedditSettings(
        client_id="cid", client_secret=CLIENT_SECRET, oauth_url=R_OAUTH, reddit_url=R_WWW
    )
    connector = RedditConnector(settings, pseudo, sleep=lambda _: None)
    try:
        batch = connector.collect(target(sub=None), window, {}, Landing(tmp_path))
    finally:
        connector.close()
    assert [p.post_id for p in batch.posts] == ["t3_1j7abc", "t3_1j7abd", "t1_kc2"]
    assert [m.author for m in batch.inbound][1:3] == ["[deleted]", "[removed]"]
    assert ("t3_1j7abe", "created_utc") in {(s.item_id, s.field) for s in batch.skipped}
    assert len(rsps.calls) == 5
