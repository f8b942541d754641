"""X API v2 through a real tweepy.Client: lookups, timelines, paging, caps, errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
import tweepy
from emulator_small_world import MAIN, SERVICE, T0, X_MENTIONS, X_POSTS

from maturity.sandbox.emulator import Emulator
from maturity.sandbox.emulator.clients import tweepy_client
from maturity.sandbox.emulator.ids import snowflake_time

pytestmark = pytest.mark.integration

USER_FIELDS = [
    "description",
    "url",
    "profile_image_url",
    "verified",
    "created_at",
    "public_metrics",
    "pinned_tweet_id",
    "entities",
    "protected",
]
TWEET_FIELDS = [
    "created_at",
    "public_metrics",
    "conversation_id",
    "in_reply_to_user_id",
    "referenced_tweets",
    "entities",
    "author_id",
]


@pytest.fixture
def client(small: Emulator) -> tweepy.Client:
    return tweepy_client(small)


@pytest.fixture
def main_id(client: tweepy.Client) -> int:
    return int(client.get_user(username=MAIN).data.id)


def all_ids(client: tweepy.Client, method: object, user_id: int, **kwargs: object) -> list[int]:
    ids: list[int] = []
    for page in tweepy.Paginator(method, user_id, max_results=100, **kwargs):
        ids.extend(int(t.id) for t in page.data or [])
    return ids


def test_users_by_serves_found_users_and_errors_in_x_format(client: tweepy.Client) -> None:
    resp = client.get_users(
        usernames=[MAIN, "gemsusp", "gemweg", "gemprive", "nobody"], user_fields=USER_FIELDS
    )
    assert [u.username for u in resp.data] == [MAIN, "gemprive"]
    assert resp.data[1].protected is True
    by_value = {e["value"]: e for e in resp.errors}
    assert by_value["gemsusp"] == {
        "value": "gemsusp",
        "detail": "User has been suspended: [gemsusp].",
        "title": "Forbidden",
        "resource_type": "user",
        "parameter": "usernames",
        "resource_id": "gemsusp",
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }
    for missing in ("gemweg", "nobody"):
        assert by_value[missing]["title"] == "Not Found Error"
        assert by_value[missing]["detail"] == f"Could not find user with usernames: [{missing}]."
        assert by_value[missing]["type"] == "https://api.twitter.com/2/problems/resource-not-found"


def test_user_fields_are_filled_from_the_world(client: tweepy.Client) -> None:
    user = client.get_users(usernames=[MAIN], user_fields=USER_FIELDS).data[0]
    assert user.name == "Gemeente Voorbeeld"
    assert user.verified is True
    assert user.public_metrics["followers_count"] == 12_345
    assert user.public_metrics["tweet_count"] == X_POSTS + 3  # three answers by the main account
    assert user.created_at == T0 - timedelta(days=3000)
    assert user.url.startswith("https://t.co/")
    assert user.entities["url"]["urls"][0]["expanded_url"] == "https://www.voorbeeld.example"
    assert user.pinned_tweet_id is not None
    assert user.profile_image_url.endswith("gemvoorbeeld_normal.jpg")


def test_only_requested_user_fields_are_served(client: tweepy.Client) -> None:
    user = client.get_users(usernames=[MAIN]).data[0]
    assert set(user.data) == {"id", "name", "username"}


def test_timeline_is_newest_first_and_paging_reaches_only_the_3200_most_recent(
    client: tweepy.Client, main_id: int, small: Emulator
) -> None:
    ids = all_ids(client, client.get_users_tweets, main_id)
    assert len(ids) == 3200
    assert ids == sorted(ids, reverse=True)
    assert len(set(ids)) == len(ids)
    assert small.calls["GET /2/users/:id/tweets"] == 32
    everything = sorted(small.app.x.user_by_name(MAIN).timeline, reverse=True)  # type: ignore[union-attr]
    assert ids == everything[:3200]


def test_exclude_replies_limits_the_timeline_to_the_800_most_recent(
    client: tweepy.Client, main_id: int, small: Emulator
) -> None:
    ids = all_ids(
        client,
        client.get_users_tweets,
        main_id,
        exclude=["replies"],
        tweet_fields=["referenced_tweets"],
    )
    newest_800 = sorted(small.app.x.user_by_name(MAIN).timeline)[-800:]  # type: ignore[union-attr]
    assert set(ids) <= set(newest_800)
    assert 0 < len(ids) < 800
    assert all(small.app.x.tweets[i].type == "original" for i in ids)


def test_mentions_reach_only_the_800_most_recent(client: tweepy.Client, main_id: int) -> None:
    ids = all_ids(client, client.get_users_mentions, main_id)
    assert X_MENTIONS > 800
    assert len(ids) == 800
    assert ids == sorted(ids, reverse=True)


def test_since_id_and_until_id_are_exclusive_bounds(client: tweepy.Client, main_id: int) -> None:
    page = client.get_users_tweets(main_id, max_results=20).data
    newer, pivot, older = int(page[4].id), int(page[5].id), int(page[6].id)
    since = client.get_users_tweets(main_id, since_id=pivot, max_results=100).data
    assert [int(t.id) for t in since] == [int(t.id) for t in page[:5]]
    until = client.get_users_tweets(main_id, until_id=pivot, max_results=5).data
    assert int(until[0].id) == older
    assert all(int(t.id) < pivot < newer for t in until)


def test_start_and_end_time_select_by_creation_time(client: tweepy.Client, main_id: int) -> None:
    start = T0 + timedelta(hours=3250)
    end = T0 + timedelta(hours=3260)
    tweets = client.get_users_tweets(
        main_id, start_time=start, end_time=end, tweet_fields=["created_at"], max_results=100
    ).data
    times = [t.created_at for t in tweets]
    assert times
    assert all(start <= t <= end for t in times)
    assert times == sorted(times, reverse=True)


def test_ids_are_snowflakes_of_the_creation_time(client: tweepy.Client, main_id: int) -> None:
    for tweet in client.get_users_tweets(main_id, tweet_fields=["created_at"]).data:
        assert abs(snowflake_time(int(tweet.id)) - tweet.created_at) < timedelta(seconds=1)


def test_links_are_shortened_with_the_utm_link_in_entities(
    client: tweepy.Client, main_id: int
) -> None:
    tweet = next(
        t
        for t in client.get_users_tweets(main_id, tweet_fields=TWEET_FIELDS).data
        if not t.referenced_tweets
    )
    assert "https://t.co/" in tweet.text
    url = tweet.entities["urls"][0]
    assert "utm_source=twitter" in url["expanded_url"]
    assert tweet.text[url["start"] : url["end"]] == url["url"]
    tag = tweet.entities["hashtags"][0]
    assert tweet.text[tag["start"] : tag["end"]] == "#afval"


def test_answers_reference_the_message_they_answer(client: tweepy.Client, small: Emulator) -> None:
    service = client.get_user(username=SERVICE).data
    answers = client.get_users_tweets(
        service.id, tweet_fields=TWEET_FIELDS, expansions=["referenced_tweets.id"]
    ).data
    assert len(answers) == 2
    for answer in answers:
        asked = answer.referenced_tweets[0]
        assert asked.type == "replied_to"
        question = small.app.x.tweets[int(asked.id)]
        assert answer.in_reply_to_user_id == question.author_id
        assert int(answer.conversation_id) == question.id
        assert answer.created_at - question.created_at == timedelta(minutes=45)
        assert answer.text.startswith("@burger")


def test_mentions_expand_their_authors(client: tweepy.Client, main_id: int) -> None:
    resp = client.get_users_mentions(
        main_id, expansions=["author_id"], tweet_fields=["author_id"], max_results=10
    )
    authors = {u.id for u in resp.includes["users"]}
    assert {t.author_id for t in resp.data} == authors
    assert all(u.username.startswith("burger") for u in resp.includes["users"])
    assert resp.meta["result_count"] == 10
    assert "next_token" in resp.meta


def test_out_of_range_max_results_is_a_400_in_x_format(client: tweepy.Client, main_id: int) -> None:
    with pytest.raises(tweepy.BadRequest) as err:
        client.get_users_tweets(main_id, max_results=101)
    body = err.value.response.json()
    assert body["title"] == "Invalid Request"
    assert body["type"] == "https://api.twitter.com/2/problems/invalid-request"
    assert "is not between 5 and 100" in body["errors"][0]["message"]


def test_unknown_parameters_and_bad_tokens_are_400(small: Emulator, main_id: int) -> None:
    import requests

    auth = {"Authorization": f"Bearer {small.bearer_token}"}
    url = f"{small.x_base_url}/2/users/{main_id}/tweets"
    assert requests.get(url, params={"foo": "1"}, headers=auth, timeout=5).status_code == 400
    bad = requests.get(url, params={"pagination_token": "nottoken1234"}, headers=auth, timeout=5)
    assert bad.status_code == 400
    assert "pagination_token" in bad.json()["errors"][0]["parameters"]


def test_hidden_users_timelines_answer_with_errors(client: tweepy.Client, small: Emulator) -> None:
    ids = {h: small.app.x.user_by_name(h).id for h in ("gemsusp", "gemprive", "gemweg")}  # type: ignore[union-attr]
    suspended = client.get_users_tweets(ids["gemsusp"])
    assert suspended.data is None
    assert suspended.errors[0]["detail"] == f"User has been suspended: [{ids['gemsusp']}]."
    protected = client.get_users_tweets(ids["gemprive"])
    assert protected.errors[0]["title"] == "Authorization Error"
    deleted = client.get_users_tweets(ids["gemweg"])
    assert deleted.errors[0]["title"] == "Not Found Error"


def test_a_wrong_bearer_token_is_401_in_x_format(small: Emulator) -> None:
    client = tweepy_client(small, bearer_token="wrong")
    with pytest.raises(tweepy.Unauthorized) as err:
        client.get_users(usernames=[MAIN])
    assert err.value.response.json() == {
        "title": "Unauthorized",
        "detail": "Unauthorized",
        "type": "about:blank",
        "status": 401,
    }


def test_previous_token_pages_back(client: tweepy.Client, main_id: int) -> None:
    first = client.get_users_tweets(main_id, max_results=10)
    second = client.get_users_tweets(
        main_id, max_results=10, pagination_token=first.meta["next_token"]
    )
    back = client.get_users_tweets(
        main_id, max_results=10, pagination_token=second.meta["previous_token"]
    )
    assert [t.id for t in back.data] == [t.id for t in first.data]
