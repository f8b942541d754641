"""Reddit's OAuth API through a real praw.Reddit: accounts, listings, trees, inbox, tokens."""

from __future__ import annotations

import contextlib

import praw
import prawcore
import pytest
import requests
from emulator_small_world import R_SUBMISSIONS, REDDIT_MAIN, T0

from maturity.sandbox.emulator import Emulator
from maturity.sandbox.emulator.clients import praw_reddit

pytestmark = pytest.mark.integration


@pytest.fixture
def reddit(small: Emulator) -> praw.Reddit:
    return praw_reddit(small)


def app_token(emu: Emulator) -> str:
    resp = requests.post(
        f"{emu.reddit_www_url}/api/v1/access_token",
        data={"grant_type": "client_credentials"},
        auth=(emu.reddit_client_id, emu.reddit_client_secret),
        timeout=5,
    )
    assert resp.json()["token_type"] == "bearer"
    return str(resp.json()["access_token"])


def get(emu: Emulator, path: str, token: str, **params: object) -> requests.Response:
    return requests.get(
        f"{emu.reddit_oauth_url}{path}",
        params=params,
        headers={"Authorization": f"bearer {token}"},
        timeout=5,
    )


def test_token_endpoint_answers_like_reddit(small: Emulator) -> None:
    resp = requests.post(
        f"{small.reddit_www_url}/api/v1/access_token",
        data={"grant_type": "client_credentials"},
        auth=(small.reddit_client_id, small.reddit_client_secret),
        timeout=5,
    )
    body = resp.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
    assert (body["token_type"], body["expires_in"], body["scope"]) == ("bearer", 86400, "*")
    wrong = requests.post(
        f"{small.reddit_www_url}/api/v1/access_token",
        data={"grant_type": "client_credentials"},
        auth=(small.reddit_client_id, "nope"),
        timeout=5,
    )
    assert wrong.status_code == 401


def test_oauth_endpoints_need_a_token(small: Emulator) -> None:
    resp = get(small, f"/user/{REDDIT_MAIN}/about", "made-up")
    assert resp.status_code == 401
    assert resp.json() == {"message": "Unauthorized", "error": 401}


def test_redditor_about(reddit: praw.Reddit, small: Emulator) -> None:
    me = reddit.redditor(REDDIT_MAIN)
    assert me.created_utc == (T0.timestamp() - 700 * 86400)
    assert me.link_karma == sum(i % 13 for i in range(R_SUBMISSIONS))
    assert me.comment_karma == 3  # three answers, default score 1
    assert me.is_mod is True
    assert small.calls["GET /user/:name/about"] == 1


def test_submissions_are_newest_first_and_capped_at_1000(
    reddit: praw.Reddit, small: Emulator
) -> None:
    subs = list(reddit.redditor(REDDIT_MAIN).submissions.new(limit=None))
    assert len(subs) == 1000
    created = [s.created_utc for s in subs]
    assert created == sorted(created, reverse=True)
    assert subs[0].title == f"Nieuws {R_SUBMISSIONS - 1}"
    assert small.calls["GET /user/:name/submitted"] == 10  # 100 per page


def test_user_comments_link_back_to_their_submission(reddit: praw.Reddit) -> None:
    comments = list(reddit.redditor(REDDIT_MAIN).comments.new(limit=None))
    bodies = {c.body: c for c in comments}
    assert set(bodies) == {"Graag gedaan!", "Volgende week.", "Wij!"}
    answer = bodies["Graag gedaan!"]
    assert answer.parent_id.startswith("t1_")
    assert answer.link_id.startswith("t3_")
    assert answer.subreddit.display_name == "voorbeeld"


def test_subreddit_listings_and_moderators(reddit: praw.Reddit) -> None:
    sub = reddit.subreddit("voorbeeld")
    assert sub.subscribers == 4321
    assert [m.name for m in sub.moderator()] == ["inwoner_a", REDDIT_MAIN]
    newest = list(sub.new(limit=3))
    assert newest[0].title == f"Nieuws {R_SUBMISSIONS - 1}"
    comments = list(sub.comments(limit=None))
    assert "Weet u/GemeenteVoorbeeld hoe dit zit?" in {c.body for c in comments}
    created = [c.created_utc for c in comments]
    assert created == sorted(created, reverse=True)


def test_answering_requests_never_adds_to_the_store(reddit: praw.Reddit, small: Emulator) -> None:
    store = small.app.reddit
    before = (dict(store.users), dict(store.subs))
    sub = reddit.subreddit("voorbeeld")
    moderators = [m.name for m in sub.moderator()]
    for name in moderators:
        assert reddit.redditor(name).id
    for user in before[0].values():
        with contextlib.suppress(prawcore.NotFound):  # a deleted account
            getattr(reddit.redditor(user.name), "is_suspended", None)  # fetches the profile
    assert (dict(store.users), dict(store.subs)) == before


def submission_id(emu: Emulator, title: str) -> str:
    return next(t.id36 for t in emu.app.reddit.things if t.kind == "t3" and t.title == title)


def test_comment_tree_nests_replies(reddit: praw.Reddit, small: Emulator) -> None:
    submission = reddit.submission(submission_id(small, "Nieuws 0"))
    top = {c.body: c for c in submission.comments}
    assert set(top) == {"Dank voor het nieuws", "Wanneer start dit?"}
    assert submission.comments[0].body == "Dank voor het nieuws"  # best first
    replies = {r.body: r for r in top["Dank voor het nieuws"].replies}
    assert set(replies) == {"Graag gedaan!", "Eens!"}
    assert [r.body for r in replies["Graag gedaan!"].replies] == ["Top, bedankt!"]
    assert replies["Graag gedaan!"].author.name == REDDIT_MAIN
    assert [r.body for r in top["Wanneer start dit?"].replies] == ["Volgende week."]
    assert submission.num_comments == 6


def test_comment_limit_gives_more_stubs_that_replace_more_resolves(small: Emulator) -> None:
    reddit = praw_reddit(small)
    submission = reddit.submission(submission_id(small, "Nieuws 1"))
    submission.comment_limit = 3
    shown = submission.comments.list()
    assert len([c for c in shown if isinstance(c, praw.models.Comment)]) == 3
    assert any(isinstance(c, praw.models.MoreComments) for c in shown)
    submission.comments.replace_more(limit=None)
    assert len(submission.comments.list()) == 8
    assert small.calls["POST /api/morechildren"] == 1


def test_unknown_suspended_and_deleted_accounts(reddit: praw.Reddit) -> None:
    with pytest.raises(prawcore.NotFound):
        reddit.redditor("niemand_hier").link_karma  # noqa: B018
    with pytest.raises(prawcore.NotFound):
        reddit.redditor("WegAccount").link_karma  # noqa: B018
    suspended = reddit.redditor("OudAccount")
    assert suspended.is_suspended is True
    with pytest.raises(prawcore.Forbidden):
        list(suspended.submissions.new(limit=5))


def test_unknown_subreddit_redirects_to_search(reddit: praw.Reddit) -> None:
    with pytest.raises(prawcore.Redirect):
        list(reddit.subreddit("bestaatniet").new(limit=5))


def test_mentions_need_user_auth(small: Emulator) -> None:
    as_org = praw_reddit(small, username=REDDIT_MAIN)
    mentions = list(as_org.inbox.mentions(limit=None))
    assert [m.body for m in mentions] == ["Weet u/GemeenteVoorbeeld hoe dit zit?"]
    assert mentions[0].subject == "username mention"
    inbox = {m.body: m.subject for m in as_org.inbox.all(limit=None)}
    assert inbox["Dank voor het nieuws"] == "post reply"
    assert inbox["Top, bedankt!"] == "comment reply"
    assert "Eens!" not in inbox  # answers a resident, not the organisation
    assert get(small, "/message/mentions", app_token(small)).status_code == 403


def test_wrong_password_is_invalid_grant(small: Emulator) -> None:
    reddit = praw_reddit(small, username=REDDIT_MAIN, password="wrong")
    with pytest.raises(prawcore.OAuthException, match="invalid_grant"):
        list(reddit.inbox.mentions(limit=1))


def test_expired_tokens_are_refreshed_by_praw(reddit: praw.Reddit, small: Emulator) -> None:
    assert reddit.redditor(REDDIT_MAIN).link_karma > 0
    small.expire_reddit_tokens()
    assert reddit.subreddit("voorbeeld").subscribers == 4321
    assert small.calls["POST /api/v1/access_token"] == 2


def test_listing_wire_format_and_before_paging(small: Emulator) -> None:
    token = app_token(small)
    first = get(small, "/r/voorbeeld/new", token, limit=5).json()
    assert first["kind"] == "Listing"
    children = first["data"]["children"]
    assert {c["kind"] for c in children} == {"t3"}
    assert first["data"]["after"] == children[-1]["data"]["name"]
    assert first["data"]["before"] is None
    second = get(small, "/r/voorbeeld/new", token, limit=5, after=first["data"]["after"]).json()
    back = get(
        small,
        "/r/voorbeeld/new",
        token,
        limit=5,
        before=second["data"]["children"][0]["data"]["name"],
    ).json()
    assert [c["data"]["id"] for c in back["data"]["children"]] == [
        c["data"]["id"] for c in children
    ]
    assert get(small, "/r/voorbeeld/new", token, limit=500).json()["data"]["dist"] == 100


def test_info_looks_up_fullnames(reddit: praw.Reddit) -> None:
    newest = next(iter(reddit.subreddit("voorbeeld").new(limit=1)))
    found = list(reddit.info(fullnames=[newest.fullname]))
    assert [s.title for s in found] == [newest.title]
