"""Builders of X and Reddit API pages for the connector tests (shaped like the real APIs)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

X_BASE = "https://x-api.test"
R_OAUTH = "https://oauth.reddit.test"
R_WWW = "https://www.reddit.test"
BEARER = "BEARER-sekrit-0123456789abcdef"
CLIENT_SECRET = "CLIENT-sekrit-fedcba9876543210"
USER_PASSWORD = "PASSWORD-sekrit-abcdef0123"
KEY = "unit-test-pseudonym-key-0123456789"
START = datetime(2025, 3, 10, tzinfo=UTC)
END = datetime(2025, 3, 11, tzinfo=UTC)


def at(hours: float) -> datetime:
    """A moment ``hours`` after the window start."""
    return START + timedelta(hours=hours)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


# -- X ---------------------------------------------------------------------------------------
def x_user(uid: str, username: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": uid,
        "username": username,
        "name": username.title(),
        "created_at": "2012-05-01T08:00:00.000Z",
        "description": "Official account",
        "verified": False,
        "protected": False,
        "profile_image_url": "https://img.test/a.png",
        "public_metrics": {
            "followers_count": 1200,
            "following_count": 30,
            "tweet_count": 5400,
            "listed_count": 3,
        },
        **extra,
    }


def tweet(tid: str, hours: float, author: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": tid,
        "text": f"tweet {tid}",
        "created_at": iso(at(hours)),
        "author_id": author,
        "conversation_id": extra.pop("conversation_id", tid),
        "public_metrics": {"like_count": 2, "retweet_count": 1, "reply_count": 0, "quote_count": 0},
        **extra,
    }


def x_page(tweets: list[dict[str, Any]], next_token: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"result_count": len(tweets)}
    if tweets:
        meta["newest_id"], meta["oldest_id"] = tweets[0]["id"], tweets[-1]["id"]
    if next_token:
        meta["next_token"] = next_token
    return {"data": tweets, "meta": meta} if tweets else {"meta": meta}


def x_url(path: str) -> str:
    return X_BASE + path


# -- Reddit ----------------------------------------------------------------------------------
def r_url(path: str) -> re.Pattern[str]:
    """PRAW adds a trailing slash to some paths and not to others; match both."""
    return re.compile(re.escape(R_OAUTH + path.rstrip("/")) + r"/?(\?.*)?$")


def token() -> dict[str, Any]:
    return {"access_token": "access-tok", "expires_in": 3600, "scope": "*", "token_type": "bearer"}


def r_about(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "t2",
        "data": {
            "id": "u" + name,
            "name": name,
            "created_utc": 1_300_000_000.0,
            "icon_img": "",
            "subreddit": {
                "display_name": f"u_{name}",
                "title": name.title(),
                "subscribers": 50,
                "public_description": "we help",
            },
            **extra,
        },
    }


def submission(sid: str, hours: float, author: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "t3",
        "data": {
            "id": sid,
            "name": f"t3_{sid}",
            "author": author,
            "created_utc": at(hours).timestamp(),
            "num_comments": 0,
            "score": 3,
            "is_self": True,
            "selftext": "",
            "subreddit": "acmehelp",
            **extra,
        },
    }


def comment(
    cid: str, hours: float, author: str, parent: str, link: str, **extra: Any
) -> dict[str, Any]:
    return {
        "kind": "t1",
        "data": {
            "id": cid,
            "name": f"t1_{cid}",
            "author": author,
            "created_utc": at(hours).timestamp(),
            "parent_id": parent,
            "link_id": link,
            "body": "text",
            "score": 1,
            "replies": "",
            "subreddit": "acmehelp",
            **extra,
        },
    }


def listing(children: list[dict[str, Any]], after: str | None = None) -> dict[str, Any]:
    return {"kind": "Listing", "data": {"after": after, "before": None, "children": children}}


def all_strings(value: Any) -> list[str]:
    """Every string inside a record, recursively (dataclasses, tuples, datetimes as text)."""
    from dataclasses import fields, is_dataclass

    if isinstance(value, str):
        return [value]
    if is_dataclass(value):
        return [s for f in fields(value) for s in all_strings(getattr(value, f.name))]
    if isinstance(value, (tuple, list)):
        return [s for v in value for s in all_strings(v)]
    return [str(value)] if value is not None else []
