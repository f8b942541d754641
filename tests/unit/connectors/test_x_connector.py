"""The X connector through tweepy's real Client, with HTTP mocked by ``responses``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from connector_pages import (
    BEARER,
    X_BASE,
    all_strings,
    at,
    iso,
    tweet,
    x_page,
    x_url,
    x_user,
)

from maturity.connectors.base import Target
from maturity.connectors.landing import Landing
from maturity.connectors.settings import XSettings
from maturity.connectors.x import XConnector
from maturity.evidence import Window
from maturity.pipeline.gate_and_load import link_org
from maturity.pseudonym import Pseudonymiser
from maturity.records import Cursor
from maturity.registry import Account

pytestmark = pytest.mark.unit
NOW = 1_741_600_000.0
ORG_ID = "10"
THIRD = "777"
TWEETS = x_url(f"/2/users/{ORG_ID}/tweets")
MENTIONS = x_url(f"/2/users/{ORG_ID}/mentions")
USERS = x_url("/2/users/by")

MakeConnector = Callable[..., XConnector]


@pytest.fixture
def make(pseudo: Pseudonymiser, sleeps: list[float]) -> MakeConnector:
    def build(**settings: object) -> XConnector:
        values: dict[str, object] = {
            "bearer_token": BEARER,
            "base_url": X_BASE,
            "overlap_seconds": 3600,
            "max_retries": 2,
            **settings,
        }
        return XConnector(
            XSettings(**values),
            pseudo,
            sleep=sleeps.append,  # type: ignore[arg-type]
            clock=lambda: NOW,
        )

    return build


def target(handle: str = "acme", own: tuple[str, ...] = ("acme",)) -> Target:
    return Target("acme-org", Account(platform="x", handle=handle), frozenset(own))


def params(call: responses.Call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query)


def lookup(
    rsps: responses.RequestsMock,
    *users: dict[str, object],
    errors: list[dict[str, str]] | None = None,
) -> None:
    body: dict[str, object] = {"data": list(users)} if users else {}
    if errors:
        body["errors"] = errors
    rsps.get(USERS, json=body)


def test_pages_through_next_token_and_links_replies(
    rsps: responses.RequestsMock, make: MakeConnector, window: Window, tmp_path: Path
) -> None:
    lookup(rsps, x_user(ORG_ID, "acme"))
    rsps.get(
        TWEETS,
        json=x_page(
            [
                tweet(
                    "205",
                    5,
                    ORG_ID,
                    referenced_tweets=[{"type": "replied_to", "id": "105"}],
                    in_reply_to_user_id=THIRD,
                    conversation_id="105",
                    entities={
                        "mentions": [{"start": 0, "end": 5, "username": "bob", "id": THIRD}],
                        "hashtags": [{"tag": "help"}],
                        "urls": [
                            {"url": "https://t.co/x", "expanded_url": "https://acme.test/faq"}
                        ],
                    },
                )
            ],
            next_token="p2",
        ),
    )
    rsps.get(
        TWEETS,
        json=x_page([tweet("201", 1, ORG_ID)]),
        match=[
            responses.matchers.query_param_matcher({"pagination_token": "p2"}, strict_match=False)
        ],
    )
    rsps.get(MENTIONS, json=x_page([tweet("105", 4, THIRD, conversation_id="105")]))
    batch = make().collect(target(), window, {}, Landing(tmp_path))

    assert [p.post_id for p in batch.posts] == ["201", "205"]
    assert "pagination_token" not in params(rsps.calls[1])
    assert params(rsps.calls[2])["pagination_token"] == ["p2"]
    reply = batch.posts[1]
    assert reply.kind == "reply"
    assert reply.in_reply_to_post_id == "105"
    assert reply.urls == ("https://acme.test/faq",)
    assert reply.hashtags == ("help",)
    assert [m.message_id for m in batch.inbound] == ["105"]
    assert batch.reply_links == ()  # the organisation's links are made at gate and load
    link = link_org([batch])[0][0].reply_links[0]
    assert (link.inbound_id, link.reply_post_id, link.delay_seconds) == ("105", "205", 3600.0)
    assert batch.snapshots[0].status == "active"
    assert batch.snapshots[0].followers == 1200
    assert {c.endpoint: c.newest_id for c in batch.cursors} == {"posts": "205", "mentions": "105"}


def test_tweepy_host_is_redirected_with_the_bearer_and_a_timeout(
    rsps: responses.RequestsMock, make: MakeConnector, window: Window, tmp_path: Path
) -> None:
    lookup(rsps, x_user(ORG_ID, "acme"))
    rsps.get(TWEETS, json=x_page([]))
    rsps.get(MENTIONS, json=x_page([]))
    make().collect(target(), window, {}, Landing(tmp_path))
    assert all(c.request.url.startswith(X_BASE + "/2/") for c in rsps.calls)
    assert rsps.calls[0].request.headers["Authorization"] == f"Bearer {BEARER}"
    assert rsps.calls[0].request.req_kwargs["timeout"] == 30.0


def test_window_overlap_and_fields_are_requested(
    rsps: responses.RequestsMock, make: MakeConnector, window: Window, tmp_path: Path
) -> None:
    lookup(rsps, x_user(ORG_ID, "acme"))
    rsps.get(TWEETS, json=x_page([]))
    rsps.get(MENTIONS, json=x_page([]))
    make().collect(target(), window, {}, Landing(tmp_path))
    users, posts, mentions = (params(c) for c in rsps.calls)
    assert users["usernames"] == ["acme"]
    assert {"pinned_tweet_id", "public_metrics", "verified"} <= set(
        users["user.fields"][0].split(",")
    )
    assert posts["start_time"] == ["2025-03-09T23:00:00Z"]  # one hour of overlap
    assert posts["end_time"] == ["2025-03-11T00:00:00Z"]
    assert posts["max_results"] == ["100"]
    assert {"referenced_tweets", "entities", "conversation_id", "in_reply_to_user_id"} <= set(
        posts["tweet.fields"][0].split(",")
    )
    assert mentions["expansions"] == ["author_id"]


def test_since_id_cursor_replaces_start_time_without_overlap(
    rsps: responses.RequestsMock, make: MakeConnector, window: Window, tmp_path: Path
) -> None:
    lookup(rsps, x_user(ORG_ID, "acme"))
    rsps.get(TWEETS, json=x_page([tweet("301", 10, ORG_ID)]))
    cursor = Cursor("x", "acme-org", "acme", "posts", "300", at(6))
    batch = make(overlap_seconds=0, mentions=False).collect(
        target(), window, {"posts": cursor}, Landing(tmp_path)
    )
    sent = params(rsps.calls[1])
    assert sent["since_id"] == ["300"]
    assert "start_time" not in sent
    assert batch.cursors[0].newest_id == "301"


def test_cursor_inside_the_window_moves_the_overlap_and_never_goes_back(
    rsps: responses.RequestsMock, make: MakeConnector, window: Window, tmp_path: Path
) -> None:
    lookup(rsps, x_user(ORG_ID, "acme"))
    rsps.get(TWEETS, json=x_page([]))
    cursor = Cursor("x", "acme-org", "acme", "posts", "300", at(6))
    batch = make(mentions=False).collect(target(), window, {"posts": cursor}, Landing(tmp_path))
    assert params(rsps.calls[1])["start_time"] == [iso(at(5)).replace(".000", "")]
    assert (batch.cursors[0].newest_id, batch.cursors[0].newest_at) == ("300", at(6))


def test_overlap_duplicates_are_dropped_by_id(
    rsps: responses.RequestsMock, make: MakeConnector, window: Window, tmp_path: Path
) -> None:
    lookup(rsps, x_user(ORG_ID, "acme"))
    rsps.get(TWEETS, json=x_page([tweet("203", 3, ORG_ID), tweet("202", 2, ORG_ID)], "n"))
    rsps.get(
        TWEETS,
        json=x_page([tweet("202", 2, ORG_ID), tweet("201", -0.5, ORG_ID)]),
        match=[
            responses.matchers.query_param_matcher({"pagination_token": "n"}, strict_match=False)
        ],
    )
    batch = make(mentions=False).collect(target(), window, {}, Landing(tmp_path))
    assert [p.post_id for p in batch.posts] == ["201", "202", "203"]


@pytest.mark.parametrize(("pages", "truncated"), [(3, True), (1, False)])
def test_history_cap_sets_the_truncation_flag(
    rsps: responses.RequestsMock,
    make: MakeConnector,
    window: Window,
    tmp_path: Path,
    pages: int,
    truncated: bool,
) -> None:
    lookup(rsps, x_user(ORG_ID, "acme"))
    for n in range(pages):
        tweets = [tweet(str(1000 - n * 10 - i), 20 - n - i / 10, ORG_ID) for i in range(10)]
        token = f"t{n + 1}" if n + 1 < pages else None
        match = (
            [
                responses.matchers.query_param_matcher(
                    {"pagination_token": f"t{n}"}, strict_match=False
                )
            ]
            if n
            else []
        )
        rsps.get(TWEETS, json=x_page(tweets, token), match=match)
    batch = make(mentions=False, page_size=10, posts_cap=30).collect(
        target(), window, {}, Landing(tmp_path)
    )
    assert len(batch.posts) == pages * 10
    assert batch.cursors[0].truncated is truncated


def test_lookup_resolves_up_to_100_handles_per_request(
    rsps: responses.RequestsMock, make: MakeConnector, window: Window, tmp_path: Path
) -> None:
    handles = [f"acct{i:03d}" for i in range(150)]
    rsps.get(USERS, json={"data": [x_user(str(i), h) for i, h in enumerate(handles[:100])]})
    rsps.get(USERS, json={"data": [x_user(str(i), h) for i, h in enumerate(handles[100:])]})
    targets = [Target("o", Account(platform="x", handle=h), frozenset({h})) for h in handles]
    make().prepare(targets, window, Landing(tmp_path))
    sizes = [len(params(c)["usernames"][0].split(",")) for c in rsps.calls]
    assert sizes == [100, 50]


@pytest.mark.parametrize(
    ("user", "errors", "status"),
    [
        (x_user(ORG_ID, "acme", protected=True), None, "protected"),
        (
            None,
            [{"value": "acme", "detail": "User has been suspended: [acme].", "title": "Forbidden"}],
            "suspended",
        ),
        (
            None,
            [
                {
                    "value": "acme",
                    "detail": "Could not find user with usernames: [acme].",
                    "title": "Not Found Error",
                }
            ],
            "not_found",
        ),
    ],
)
def test_protected_suspended_and_missing_accounts_are_recorded_without_timelines(
    rsps: responses.RequestsMock,
    make: MakeConnector,
    window: Window,
    tmp_path: Path,
    user: dict[str, object] | None,
    errors: list[dict[str, str]] | None,
    status: str,
) -> None:
    lookup(rsps, *([user] if user else []), errors=errors)
    batch = make().collect(target(), window, {}, Landing(tmp_path))
    assert batch.snapshots[0].status == status
    assert batch.posts == ()
    assert len(rsps.calls) == 1


def test_an_account_seen_before_and_now_missing_is_deleted(
    rsps: responses.RequestsMock, make: MakeConnector, window: Window, tmp_path: Path
) -> None:
    lookup(rsps, errors=[{"value": "acme", "detail": "Could not find user", "title": "x"}])
    cursor = Cursor("x", "acme-org", "acme", "posts", "300", at(-30))
    batch = make().collect(target(), window, {"posts": cursor}, Landing(tmp_path))
    assert batch.snapshots[0].status == "deleted"


def test_third_parties_are_pseudonymised_and_no_raw_id_reaches_a_record(
    rsps: responses.RequestsMock,
    make: MakeConnector,
    window: Window,
    tmp_path: Path,
    pseudo: Pseudonymiser,
) -> None:
    raw = {"98765432101", "55501", "carol_smith", "dave99"}
    lookup(rsps, x_user(ORG_ID, "acme"), x_user("11", "acmehelp"))
    rsps.get(
        TWEETS,
        json=x_page(
            [
                tweet(
                    "205",
                    5,
                    ORG_ID,
                    in_reply_to_user_id="98765432101",
                    referenced_tweets=[{"type": "replied_to", "id": "105"}],
                    entities={
                        "mentions": [
                            {"username": "carol_smith", "id": "98765432101"},
                            {"username": "dave99"},
                            {"username": "acmehelp", "id": "11"},
                        ]
                    },
                ),
            ]
        ),
    )
    rsps.get(
        MENTIONS,
        json={
            **x_page(
                [
                    tweet(
                        "105",
                        4,
                        "98765432101",
                        in_reply_to_user_id=ORG_ID,
                        referenced_tweets=[{"type": "replied_to", "id": "100"}],
                    ),
                    tweet("106", 4.5, "55501"),
                    tweet("107", 4.6, "11"),  # the organisation's other account: not inbound
                ]
            ),
            "includes": {"users": [{"id": "98765432101", "username": "carol_smith"}]},
        },
    )
    batch = make().collect(target(own=("acme", "acmehelp")), window, {}, Landing(tmp_path))

    strings = all_strings(batch)
    assert not raw & set(strings), raw & set(strings)
    assert not any(r in s for r in raw for s in strings if "/" not in s)
    post = batch.posts[0]
    assert post.in_reply_to_author == pseudo("x", "98765432101")
    assert post.mentions == (pseudo("x", "98765432101"), pseudo("x", "username:dave99"), "acmehelp")
    assert [(m.message_id, m.kind, m.author) for m in batch.inbound] == [
        ("105", "reply", pseudo("x", "98765432101")),
        ("106", "mention", pseudo("x", "55501")),
    ]
