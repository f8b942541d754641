"""The Reddit connector through PRAW's real Reddit object, with HTTP mocked by ``responses``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from connector_pages import (
    CLIENT_SECRET,
    R_OAUTH,
    R_WWW,
    USER_PASSWORD,
    all_strings,
    at,
    comment,
    listing,
    r_about,
    r_url,
    submission,
    token,
)

from maturity.connectors.base import Target
from maturity.connectors.landing import Landing
from maturity.connectors.reddit import RedditConnector
from maturity.connectors.settings import RedditSettings
from maturity.errors import ConnectorError
from maturity.evidence import Window
from maturity.pipeline.gate_and_load import link_org
from maturity.pseudonym import Pseudonymiser
from maturity.records import Cursor
from maturity.registry import Account

pytestmark = pytest.mark.unit
NOW = 1_741_600_000.0
TOKEN_URL = R_WWW + "/api/v1/access_token"
Make = Callable[..., RedditConnector]


@pytest.fixture
def make(pseudo: Pseudonymiser, sleeps: list[float]) -> Make:
    def build(**settings: object) -> RedditConnector:
        values: dict[str, object] = {
            "client_id": "cid",
            "client_secret": CLIENT_SECRET,
            "oauth_url": R_OAUTH,
            "reddit_url": R_WWW,
            "overlap_seconds": 3600,
            "max_retries": 2,
            **settings,
        }
        return RedditConnector(
            RedditSettings(**values),
            pseudo,  # type: ignore[arg-type]
            sleep=sleeps.append,
            clock=lambda: NOW,
        )

    return build


def target(subreddit: str | None = None) -> Target:
    return Target(
        "acme-org",
        Account(platform="reddit", handle="AcmeCo", subreddit=subreddit),
        frozenset({"AcmeCo"}),
    )


def user(
    rsps: responses.RequestsMock,
    submitted: list[dict[str, object]] | None = None,
    comments: list[dict[str, object]] | None = None,
) -> None:
    rsps.post(TOKEN_URL, json=token())
    rsps.get(r_url("/user/AcmeCo/about"), json=r_about("AcmeCo"))
    rsps.get(r_url("/user/AcmeCo/submitted"), json=listing(submitted or []))
    rsps.get(r_url("/user/AcmeCo/comments"), json=listing(comments or []))


def test_user_subreddit_and_comment_trees_become_records(
    rsps: responses.RequestsMock,
    make: Make,
    window: Window,
    tmp_path: Path,
    pseudo: Pseudonymiser,
) -> None:
    user(
        rsps,
        submitted=[submission("s1", 2, "AcmeCo", num_comments=1, selftext="ask u/bob_jones")],
        comments=[comment("c2", 3, "AcmeCo", "t1_c1", "t3_s1")],
    )
    rsps.get(
        r_url("/comments/s1"),
        json=[
            listing([submission("s1", 2, "AcmeCo")]),
            listing(
                [
                    comment(
                        "c1",
                        2.5,
                        "bob_jones",
                        "t3_s1",
                        "t3_s1",
                        replies=listing([comment("c2", 3, "AcmeCo", "t1_c1", "t3_s1")]),
                    )
                ]
            ),
        ],
    )
    rsps.get(
        r_url("/r/acmehelp/about/moderators"),
        json={"kind": "UserList", "data": {"children": [{"name": "mod_mia"}]}},
    )
    rsps.get(r_url("/r/acmehelp/new"), json=listing([submission("s9", 4, "carol_c")]))
    rsps.get(
        r_url("/r/acmehelp/comments"),
        json=listing(
            [
                comment("c9", 5, "mod_mia", "t3_s9", "t3_s9"),
                comment("c8", 4.5, "dan_d", "t3_s9", "t3_s9"),
            ]
        ),
    )
    batch = make().collect(target("acmehelp"), window, {}, Landing(tmp_path))

    assert [(p.post_id, p.handle, p.kind) for p in batch.posts] == [
        ("t3_s1", "AcmeCo", "original"),
        ("t1_c2", "AcmeCo", "reply"),
        ("t1_c9", "r/acmehelp", "reply"),
    ]
    assert [(m.message_id, m.kind) for m in batch.inbound] == [
        ("t1_c1", "reply"),
        ("t3_s9", "message"),
        ("t1_c8", "comment"),
    ]
    assert batch.posts[0].mentions == (pseudo("reddit", "u:bob_jones"),)
    assert [
        (r.inbound_id, r.reply_post_id, r.delay_seconds)
        for r in link_org([batch])[0][0].reply_links
    ] == [
        ("t1_c1", "t1_c2", 1800.0),
        ("t3_s9", "t1_c9", 3600.0),
    ]
    strings = set(all_strings(batch))
    assert not {"bob_jones", "carol_c", "dan_d", "mod_mia"} & strings
    assert not any(
        n in s.lower()
        for n in ("bob_jones", "carol_c", "dan_d", "mod_mia")
        for s in strings
        if "/" not in s
    )
    assert batch.snapshots[0].status == "active"
    assert {c.endpoint for c in batch.cursors} == {
        "submissions",
        "comments",
        "subreddit_posts",
        "subreddit_comments",
    }


def test_listings_page_with_after_and_stop_at_the_overlap(
    rsps: responses.RequestsMock,
    make: Make,
    window: Window,
    tmp_path: Path,
) -> None:
    user(rsps)
    rsps.replace(
        responses.GET,
        r_url("/user/AcmeCo/submitted"),
        json=listing(
            [submission("s3", 10, "AcmeCo"), submission("s2", 5, "AcmeCo")], after="t3_s2"
        ),
    )
    rsps.get(
        r_url("/user/AcmeCo/submitted"),
        json=listing(
            [submission("s1", -0.5, "AcmeCo"), submission("s0", -3, "AcmeCo")], after="t3_s0"
        ),
        match=[responses.matchers.query_param_matcher({"after": "t3_s2"}, strict_match=False)],
    )
    batch = make(mentions=False).collect(target(), window, {}, Landing(tmp_path))
    submitted = [c for c in rsps.calls if "/submitted" in c.request.url]
    assert len(submitted) == 2  # s0 is older than the overlap: no third page
    assert parse_qs(urlsplit(submitted[0].request.url).query)["limit"] == ["100"]
    assert [p.post_id for p in batch.posts] == ["t3_s1", "t3_s2", "t3_s3"]  # s1 is overlap
    cursor = next(c for c in batch.cursors if c.endpoint == "submissions")
    assert (cursor.newest_id, cursor.truncated) == ("t3_s3", False)


def test_a_listing_that_ends_at_the_cap_before_the_window_is_truncated(
    rsps: responses.RequestsMock,
    make: Make,
    window: Window,
    tmp_path: Path,
) -> None:
    items = [submission(f"s{i}", 20 - i / 10, "AcmeCo") for i in range(100)]
    user(rsps, submitted=items)
    batch = make(listing_cap=150).collect(target(), window, {}, Landing(tmp_path))
    cursor = next(c for c in batch.cursors if c.endpoint == "submissions")
    assert cursor.truncated is True
    assert len(batch.posts) == 100


def test_saved_cursor_moves_the_lower_bound_and_is_kept_when_newer(
    rsps: responses.RequestsMock,
    make: Make,
    window: Window,
    tmp_path: Path,
) -> None:
    user(rsps, submitted=[submission("s6", 6.5, "AcmeCo"), submission("s5", 5, "AcmeCo")])
    cursor = Cursor("reddit", "acme-org", "AcmeCo", "submissions", "t3_s7", at(7))
    batch = make().collect(target(), window, {"submissions": cursor}, Landing(tmp_path))
    assert [p.post_id for p in batch.posts] == ["t3_s6"]  # s5 is before the cursor - 1 h
    got = next(c for c in batch.cursors if c.endpoint == "submissions")
    assert (got.newest_id, got.newest_at) == ("t3_s7", at(7))


def test_mentions_without_user_auth_are_noted_not_fetched(
    rsps: responses.RequestsMock,
    make: Make,
    window: Window,
    tmp_path: Path,
) -> None:
    user(rsps)
    connector = make()
    connector.collect(target(), window, {}, Landing(tmp_path))
    assert any("not authorised" in n for n in connector.notes)
    assert not any("/message/" in c.request.url for c in rsps.calls)


def test_mentions_with_the_password_grant(
    rsps: responses.RequestsMock,
    make: Make,
    window: Window,
    tmp_path: Path,
    pseudo: Pseudonymiser,
) -> None:
    user(rsps)
    rsps.get(
        r_url("/message/mentions"),
        json=listing(
            [
                {
                    "kind": "t1",
                    "data": {
                        "id": "m1",
                        "name": "t1_m1",
                        "author": "erin_e",
                        "created_utc": at(6).timestamp(),
                        "parent_id": "t3_zz",
                        "context": "/r/any/comments/zz/title/m1/",
                        "body": "u/AcmeCo",
                    },
                }
            ]
        ),
    )
    batch = make(username="AcmeCo", password=USER_PASSWORD).collect(
        target(), window, {}, Landing(tmp_path)
    )
    grant = parse_qs(rsps.calls[0].request.body)
    assert grant["grant_type"] == ["password"]
    assert grant["username"] == ["AcmeCo"]
    assert [(m.message_id, m.kind, m.author, m.conversation_id) for m in batch.inbound] == [
        ("t1_m1", "mention", pseudo("reddit", "u:erin_e"), "t3_zz")
    ]


@pytest.mark.parametrize(
    ("about", "status", "expect"),
    [
        (r_about("AcmeCo", is_suspended=True), 200, "suspended"),
        ({"message": "Not Found", "error": 404}, 404, "not_found"),
    ],
)
def test_suspended_and_missing_users_are_recorded(
    rsps: responses.RequestsMock,
    make: Make,
    window: Window,
    tmp_path: Path,
    about: dict[str, object],
    status: int,
    expect: str,
) -> None:
    rsps.post(TOKEN_URL, json=token())
    rsps.get(r_url("/user/AcmeCo/about"), json=about, status=status)
    batch = make().collect(target(), window, {}, Landing(tmp_path))
    assert batch.snapshots[0].status == expect
    assert batch.posts == ()


def test_429_with_a_near_reset_waits_then_succeeds(
    rsps: responses.RequestsMock,
    make: Make,
    window: Window,
    tmp_path: Path,
    sleeps: list[float],
) -> None:
    rsps.post(TOKEN_URL, json=token())
    rsps.get(
        r_url("/user/AcmeCo/about"),
        status=429,
        json={"error": 429},
        headers={
            "x-ratelimit-used": "100",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": "42",
        },
    )
    rsps.get(r_url("/user/AcmeCo/about"), json=r_about("AcmeCo"))
    rsps.get(r_url("/user/AcmeCo/submitted"), json=listing([]))
    rsps.get(r_url("/user/AcmeCo/comments"), json=listing([]))
    batch = make().collect(target(), window, {}, Landing(tmp_path))
    assert batch.snapshots[0].status == "active"
    assert sleeps == [43.0]


def test_remaining_zero_with_a_far_reset_fails_fast(
    rsps: responses.RequestsMock,
    make: Make,
    window: Window,
    tmp_path: Path,
    sleeps: list[float],
) -> None:
    rsps.post(TOKEN_URL, json=token())
    rsps.get(
        r_url("/user/AcmeCo/about"),
        json=r_about("AcmeCo"),
        headers={
            "x-ratelimit-used": "1000",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": "7200",
        },
    )
    with pytest.raises(ConnectorError, match=r"u/AcmeCo.*/user/AcmeCo/submitted") as err:
        make().collect(target(), window, {}, Landing(tmp_path))
    assert "2025-03-10T11:46:40+00:00" in str(err.value)
    assert sleeps == []


def test_5xx_and_connection_errors_are_retried_by_the_policy_not_prawcore(
    rsps: responses.RequestsMock,
    make: Make,
    window: Window,
    tmp_path: Path,
    sleeps: list[float],
) -> None:
    rsps.post(TOKEN_URL, json=token())
    rsps.get(r_url("/user/AcmeCo/about"), status=503)
    rsps.get(r_url("/user/AcmeCo/about"), body=requests.exceptions.ConnectionError("reset"))
    rsps.get(r_url("/user/AcmeCo/about"), json=r_about("AcmeCo"))
    rsps.get(r_url("/user/AcmeCo/submitted"), json=listing([]))
    rsps.get(r_url("/user/AcmeCo/comments"), json=listing([]))
    batch = make().collect(target(), window, {}, Landing(tmp_path))
    assert batch.snapshots[0].status == "active"
    assert len(sleeps) == 2


def test_5xx_exhausting_retries_is_an_error(
    rsps: responses.RequestsMock,
    make: Make,
    window: Window,
    tmp_path: Path,
    sleeps: list[float],
) -> None:
    rsps.post(TOKEN_URL, json=token())
    for _ in range(3):
        rsps.get(r_url("/user/AcmeCo/about"), status=500)
    with pytest.raises(ConnectorError, match=r"u/AcmeCo.*HTTP 500.*after 3 attempts"):
        make().collect(target(), window, {}, Landing(tmp_path))
    assert len(sleeps) == 2


@pytest.mark.parametrize(
    ("where", "status"), [("token", 401), ("listing", 401), ("listing", 400), ("listing", 403)]
)
def test_other_4xx_is_fatal_and_never_shows_the_secret(
    rsps: responses.RequestsMock,
    make: Make,
    window: Window,
    tmp_path: Path,
    sleeps: list[float],
    where: str,
    status: int,
) -> None:
    if where == "token":
        rsps.post(TOKEN_URL, status=status, json={"message": f"bad {CLIENT_SECRET}"})
    else:
        rsps.post(TOKEN_URL, json=token())
        rsps.get(r_url("/user/AcmeCo/about"), json=r_about("AcmeCo"))
        rsps.get(
            r_url("/user/AcmeCo/submitted"),
            status=status,
            json={"message": f"nope {CLIENT_SECRET}"},
        )
    with pytest.raises(ConnectorError) as err:
        make().collect(target(), window, {}, Landing(tmp_path))
    message = str(err.value)
    assert f"HTTP {status}" in message
    assert "u/AcmeCo" in message
    assert ("access_token" in message) if where == "token" else ("submitted" in message)
    assert CLIENT_SECRET not in message
    assert sleeps == []
