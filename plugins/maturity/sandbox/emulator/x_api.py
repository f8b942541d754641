"""X API v2 endpoints in X's wire format: user lookup, user timelines and mention timelines.

Timelines are newest first, paged by ``pagination_token`` with ``meta.next_token``; only the
3,200 most recent posts of a timeline (800 with ``exclude=replies``) and the 800 most recent
mentions can be reached, as on X. Unknown parameters and out-of-range values get X's 400
``Invalid Request``; users that cannot be shown come back in ``errors`` with HTTP 200.
"""

from __future__ import annotations

import hmac
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from maturity.sandbox.emulator.http import Request, Response, Router
from maturity.sandbox.emulator.ids import base36, snowflake_floor
from maturity.sandbox.emulator.world import AccountStatus, PostType
from maturity.sandbox.emulator.x_store import XStore, XTweet, XUser

PROBLEMS = "https://api.twitter.com/2/problems/"
TIMELINE_CAP = 3200
TIMELINE_CAP_NO_REPLIES = 800
MENTIONS_CAP = 800

TWEET_FIELDS = frozenset(
    {
        "article",
        "attachments",
        "author_id",
        "card_uri",
        "community_id",
        "context_annotations",
        "conversation_id",
        "created_at",
        "display_text_range",
        "edit_controls",
        "edit_history_tweet_ids",
        "entities",
        "geo",
        "id",
        "in_reply_to_user_id",
        "lang",
        "media_metadata",
        "non_public_metrics",
        "note_tweet",
        "organic_metrics",
        "possibly_sensitive",
        "promoted_metrics",
        "public_metrics",
        "referenced_tweets",
        "reply_settings",
        "scopes",
        "source",
        "text",
        "withheld",
    }
)
USER_FIELDS = frozenset(
    {
        "affiliation",
        "connection_status",
        "created_at",
        "description",
        "entities",
        "id",
        "location",
        "most_recent_tweet_id",
        "name",
        "pinned_tweet_id",
        "profile_banner_url",
        "profile_image_url",
        "protected",
        "public_metrics",
        "receives_your_dm",
        "subscription_type",
        "url",
        "username",
        "verified",
        "verified_type",
        "withheld",
    }
)
TWEET_EXPANSIONS = frozenset(
    {
        "article.cover_media",
        "article.media_entities",
        "attachments.media_keys",
        "attachments.media_source_tweet",
        "attachments.poll_ids",
        "author_id",
        "edit_history_tweet_ids",
        "entities.mentions.username",
        "geo.place_id",
        "in_reply_to_user_id",
        "entities.note.mentions.username",
        "referenced_tweets.id",
        "referenced_tweets.id.attachments.media_keys",
        "referenced_tweets.id.author_id",
    }
)
USER_EXPANSIONS = frozenset({"affiliation.user_id", "most_recent_tweet_id", "pinned_tweet_id"})
MEDIA_FIELDS = frozenset(
    {
        "alt_text",
        "duration_ms",
        "height",
        "media_key",
        "non_public_metrics",
        "organic_metrics",
        "preview_image_url",
        "promoted_metrics",
        "public_metrics",
        "type",
        "url",
        "variants",
        "width",
    }
)
PLACE_FIELDS = frozenset(
    {
        "contained_within",
        "country",
        "country_code",
        "full_name",
        "geo",
        "id",
        "name",
        "place_type",
    }
)
POLL_FIELDS = frozenset({"duration_minutes", "end_datetime", "id", "options", "voting_status"})
_TIMELINE_EXTRA = {
    "media.fields": MEDIA_FIELDS,
    "place.fields": PLACE_FIELDS,
    "poll.fields": POLL_FIELDS,
}
_TOKEN_SECRET = b"maturity-emulator-pagination"
_EXPANSION_FIELDS = {
    "author_id": "author_id",
    "in_reply_to_user_id": "in_reply_to_user_id",
    "referenced_tweets.id": "referenced_tweets",
    "referenced_tweets.id.author_id": "referenced_tweets",
    "entities.mentions.username": "entities",
}
"""An expansion also serves the field it expands, as X does."""


# --- X's error bodies ------------------------------------------------------------------------


def problem(
    status: int, title: str, detail: str | None = None, type_: str = "about:blank", **extra: Any
) -> Response:
    body: dict[str, Any] = {
        "title": title,
        "detail": detail or title,
        "type": type_,
        "status": status,
        **extra,
    }
    return Response.json(status, body)


def unauthorized() -> Response:
    return problem(401, "Unauthorized")


def too_many_requests(usage_cap: bool) -> Response:
    if usage_cap:
        return Response.json(
            429,
            {
                "title": "UsageCapExceeded",
                "detail": "Usage cap exceeded: Monthly product cap",
                "type": PROBLEMS + "usage-capped",
                "period": "Monthly",
                "scope": "Product",
            },
        )
    return problem(429, "Too Many Requests")


def server_error(status: int) -> Response:
    titles = {
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }
    return problem(status, titles.get(status, "Server Error"))


def not_found_route() -> Response:
    return Response.json(
        404, {"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}
    )


def resource_error(value: str, parameter: str, status: AccountStatus | None) -> dict[str, Any]:
    """The ``errors`` entry for a user that cannot be shown."""
    base = {"value": value, "resource_type": "user", "parameter": parameter, "resource_id": value}
    if status == AccountStatus.SUSPENDED:
        return {
            **base,
            "detail": f"User has been suspended: [{value}].",
            "title": "Forbidden",
            "type": PROBLEMS + "resource-not-found",
        }
    if status == AccountStatus.PROTECTED:
        return {
            **base,
            "section": "data",
            "title": "Authorization Error",
            "detail": f"Sorry, you are not authorized to see the user with id: [{value}].",
            "type": PROBLEMS + "not-authorized-for-resource",
        }
    return {
        **base,
        "detail": f"Could not find user with {parameter}: [{value}].",
        "title": "Not Found Error",
        "type": PROBLEMS + "resource-not-found",
    }


# --- parameters ------------------------------------------------------------------------------


@dataclass
class Params:
    """Reads query parameters, collecting X-style validation errors."""

    req: Request
    allowed: frozenset[str]
    errors: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for name in sorted(set(self.req.query) - self.allowed):
            self._error(
                name,
                self.req.query[name],
                f"The query parameter [{name}] is not one of [{','.join(sorted(self.allowed))}]",
            )

    def _error(self, name: str, value: str, message: str) -> None:
        self.errors.append({"parameters": {name: [value]}, "message": message})

    def values(self, name: str, known: frozenset[str]) -> frozenset[str]:
        raw = self.req.query.get(name)
        if raw is None or name not in self.allowed:
            return frozenset()
        chosen = frozenset(v for v in raw.split(",") if v)
        for bad in sorted(chosen - known):
            self._error(
                name,
                bad,
                f"The `{name}` query parameter value [{bad}] is not one of "
                f"[{','.join(sorted(known))}]",
            )
        return chosen & known

    def int_range(self, name: str, low: int, high: int, default: int) -> int:
        raw = self.req.query.get(name)
        if raw is None:
            return default
        if not raw.isdigit() or not low <= int(raw) <= high:
            self._error(
                name,
                raw,
                f"The `{name}` query parameter value [{raw}] is not between {low} and {high}",
            )
            return default
        return int(raw)

    def snowflake(self, name: str, raw: str | None = None) -> int | None:
        raw = self.req.query.get(name) if raw is None else raw
        if raw is None:
            return None
        if not raw.isdigit() or len(raw) > 19:
            self._error(
                name,
                raw,
                f"The `{name}` query parameter value [{raw}] does not match ^[0-9]{{1,19}}$",
            )
            return None
        return int(raw)

    def time(self, name: str) -> datetime | None:
        raw = self.req.query.get(name)
        if raw is None:
            return None
        try:
            value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            value = None
        if value is None or value.tzinfo is None:
            self._error(
                name,
                raw,
                f"The `{name}` query parameter value [{raw}] is not a valid "
                "RFC 3339 date-time (YYYY-MM-DDTHH:mm:ssZ)",
            )
            return None
        return value

    def token(self, name: str) -> tuple[str, int] | None:
        raw = self.req.query.get(name)
        if raw is None:
            return None
        decoded = decode_token(raw)
        if decoded is None:
            self._error(name, raw, f"The `{name}` query parameter value [{raw}] is invalid")
        return decoded


def encode_token(direction: str, boundary: int) -> str:
    value = (boundary << 1) | (1 if direction == "prev" else 0)
    body = base36(value)
    mac = hmac.new(_TOKEN_SECRET, body.encode(), "sha256").hexdigest()[:8]
    return body + base36(int(mac, 16)).rjust(7, "0")


def decode_token(token: str) -> tuple[str, int] | None:
    if len(token) < 8 or not token.isalnum():
        return None
    body, mac = token[:-7], token[-7:]
    want = base36(int(hmac.new(_TOKEN_SECRET, body.encode(), "sha256").hexdigest()[:8], 16))
    if not hmac.compare_digest(want.rjust(7, "0"), mac):
        return None
    value = int(body, 36)
    return ("prev" if value & 1 else "next"), value >> 1


# --- paging ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    ids: list[int]
    """Newest first."""
    next_token: str | None
    previous_token: str | None


def paginate(
    ids: Sequence[int],
    *,
    max_results: int,
    since_id: int | None = None,
    until_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    token: tuple[str, int] | None = None,
) -> Page:
    """One page of ``ids`` (ascending) as X pages a timeline, newest first."""
    lo, hi = 0, len(ids)
    if since_id is not None:
        lo = max(lo, bisect_right(ids, since_id))
    if start is not None:
        lo = max(lo, bisect_left(ids, snowflake_floor(start)))
    if until_id is not None:
        hi = min(hi, bisect_left(ids, until_id))
    if end is not None:
        hi = min(hi, bisect_left(ids, snowflake_floor(end + timedelta(seconds=1))))
    top, bottom = hi, lo
    if token is not None and token[0] == "prev":
        lo = max(lo, bisect_right(ids, token[1]))
        hi = min(hi, lo + max_results)
    elif token is not None:
        hi = min(hi, bisect_left(ids, token[1]))
    if lo >= hi:
        return Page([], None, None)
    first = max(lo, hi - max_results)
    page = list(reversed(ids[first:hi]))
    next_token = encode_token("next", page[-1]) if first > bottom else None
    previous_token = encode_token("prev", page[0]) if token is not None and hi < top else None
    return Page(page, next_token, previous_token)


# --- endpoints -------------------------------------------------------------------------------

_USER_PARAMS = frozenset({"user.fields", "expansions", "tweet.fields"})
_TIMELINE_PARAMS = frozenset(
    {
        "max_results",
        "pagination_token",
        "since_id",
        "until_id",
        "start_time",
        "end_time",
        "tweet.fields",
        "user.fields",
        "expansions",
        *_TIMELINE_EXTRA,
    }
)


class XApi:
    def __init__(self, store: XStore) -> None:
        self.store = store

    def register(self, router: Router) -> None:
        routes: list[tuple[str, Callable[[Request], Response]]] = [
            ("/2/users/by/username/:username", self.user_by_username),
            ("/2/users/by", self.users_by_usernames),
            ("/2/users/:id/tweets", self.user_tweets),
            ("/2/users/:id/mentions", self.user_mentions),
            ("/2/users/:id", self.user_by_id),
            ("/2/users", self.users_by_ids),
            ("/2/tweets/:id", self.tweet_by_id),
            ("/2/tweets", self.tweets_by_ids),
        ]
        for template, handler in routes:
            router.add("x", "GET", template, handler)

    # users

    def users_by_usernames(self, req: Request) -> Response:
        return self._users(req, "usernames", by_name=True, single=False)

    def user_by_username(self, req: Request) -> Response:
        return self._users(req, "username", by_name=True, single=True)

    def users_by_ids(self, req: Request) -> Response:
        return self._users(req, "ids", by_name=False, single=False)

    def user_by_id(self, req: Request) -> Response:
        return self._users(req, "id", by_name=False, single=True)

    def _users(self, req: Request, parameter: str, *, by_name: bool, single: bool) -> Response:
        p = Params(req, _USER_PARAMS if single else _USER_PARAMS | {parameter})
        user_fields = p.values("user.fields", USER_FIELDS)
        expansions = p.values("expansions", USER_EXPANSIONS)
        tweet_fields = p.values("tweet.fields", TWEET_FIELDS)
        if "pinned_tweet_id" in expansions:
            user_fields |= {"pinned_tweet_id"}
        raw = req.params.get(parameter) if single else req.query.get(parameter)
        wanted = [v for v in (raw or "").split(",") if v]
        p.errors.extend(_lookup_errors(parameter, raw, wanted, by_name))
        if p.errors:
            return invalid_request(p.errors)
        data, errors, pinned = [], [], []
        for value in wanted:
            user = self.store.user_by_name(value) if by_name else self.store.user(int(value))
            if user is None or user.status in (AccountStatus.DELETED, AccountStatus.SUSPENDED):
                errors.append(resource_error(value, parameter, user.status if user else None))
                continue
            data.append(self.store.user_json(user, user_fields))
            if "pinned_tweet_id" in expansions and user.pinned_tweet_id in self.store.tweets:
                pinned.append(self.store.tweets[user.pinned_tweet_id])
        body: dict[str, Any] = {}
        if data:
            body["data"] = data[0] if single else data
        if pinned:
            body["includes"] = {"tweets": [self.store.tweet_json(t, tweet_fields) for t in pinned]}
        if errors:
            body["errors"] = errors
        return Response.json(200, body)

    # timelines

    def user_tweets(self, req: Request) -> Response:
        return self._timeline(req, mentions=False)

    def user_mentions(self, req: Request) -> Response:
        return self._timeline(req, mentions=True)

    def _timeline(self, req: Request, *, mentions: bool) -> Response:
        allowed = _TIMELINE_PARAMS if mentions else _TIMELINE_PARAMS | {"exclude"}
        p = Params(req, allowed)
        uid = p.snowflake("id", req.params["id"])
        max_results = p.int_range("max_results", 5, 100, 10)
        since_id, until_id = p.snowflake("since_id"), p.snowflake("until_id")
        start, end = p.time("start_time"), p.time("end_time")
        token = p.token("pagination_token")
        exclude = p.values("exclude", frozenset({"replies", "retweets"}))
        fields = p.values("tweet.fields", TWEET_FIELDS)
        user_fields = p.values("user.fields", USER_FIELDS)
        expansions = p.values("expansions", TWEET_EXPANSIONS)
        fields = with_expanded(fields, expansions)
        for name, known in _TIMELINE_EXTRA.items():
            p.values(name, known)
        if start is not None and end is not None and start >= end:
            p.errors.append(
                {
                    "parameters": {"start_time": [req.query["start_time"]]},
                    "message": "The `start_time` query parameter value must be before "
                    "the `end_time` query parameter value",
                }
            )
        if p.errors or uid is None:
            return invalid_request(p.errors)
        user = self.store.user(uid)
        if user is None or user.status != AccountStatus.ACTIVE:
            error = resource_error(str(uid), "id", user.status if user else None)
            return Response.json(200, {"errors": [error]})
        ids = self._reachable(user, mentions=mentions, exclude=exclude)
        page = paginate(
            ids,
            max_results=max_results,
            since_id=since_id,
            until_id=until_id,
            start=start,
            end=end,
            token=token,
        )
        return Response.json(200, self._page_body(page, fields, user_fields, expansions))

    def _reachable(self, user: XUser, *, mentions: bool, exclude: frozenset[str]) -> Sequence[int]:
        held = self.store.unindexed
        if held:
            return [i for i in self._reachable_all(user, mentions, exclude) if i not in held]
        return self._reachable_all(user, mentions, exclude)

    def _reachable_all(self, user: XUser, mentions: bool, exclude: frozenset[str]) -> Sequence[int]:
        if mentions:
            return user.mentions[-MENTIONS_CAP:]
        cap = TIMELINE_CAP_NO_REPLIES if "replies" in exclude else TIMELINE_CAP
        window = user.timeline[-cap:]
        if not exclude:
            return window
        skip = {PostType.REPLY} if "replies" in exclude else set()
        if "retweets" in exclude:
            skip.add(PostType.REPOST)
        return [i for i in window if self.store.tweets[i].type not in skip]

    def _page_body(
        self,
        page: Page,
        fields: frozenset[str],
        user_fields: frozenset[str],
        expansions: frozenset[str],
    ) -> dict[str, Any]:
        if not page.ids:
            return {"meta": {"result_count": 0}}
        tweets = [self.store.tweets[i] for i in page.ids]
        body: dict[str, Any] = {"data": [self.store.tweet_json(t, fields) for t in tweets]}
        includes = self._includes(tweets, fields, user_fields, expansions)
        if includes:
            body["includes"] = includes
        meta: dict[str, Any] = {
            "result_count": len(tweets),
            "newest_id": str(page.ids[0]),
            "oldest_id": str(page.ids[-1]),
        }
        if page.next_token:
            meta["next_token"] = page.next_token
        if page.previous_token:
            meta["previous_token"] = page.previous_token
        body["meta"] = meta
        return body

    def _includes(
        self,
        tweets: list[XTweet],
        fields: frozenset[str],
        user_fields: frozenset[str],
        expansions: frozenset[str],
    ) -> dict[str, Any]:
        users: dict[int, XUser] = {}
        refs: dict[int, XTweet] = {}
        for t in tweets:
            for uid in self._expanded_users(t, expansions):
                user = self.store.user(uid) if uid is not None else None
                if user is not None and user.visible:
                    users.setdefault(user.id, user)
            ref = self.store.tweets.get(t.target_id) if t.target_id is not None else None
            if (
                ref is not None
                and "referenced_tweets.id" in expansions
                and self.store.users_by_id[ref.author_id].visible
            ):
                refs.setdefault(ref.id, ref)
        out: dict[str, Any] = {}
        if users:
            out["users"] = [self.store.user_json(u, user_fields) for u in users.values()]
        if refs:
            out["tweets"] = [self.store.tweet_json(t, fields) for t in refs.values()]
        return out

    def _expanded_users(self, t: XTweet, expansions: frozenset[str]) -> list[int | None]:
        uids: list[int | None] = []
        if "author_id" in expansions:
            uids.append(t.author_id)
        if "in_reply_to_user_id" in expansions:
            uids.append(t.in_reply_to_user_id)
        if "entities.mentions.username" in expansions:
            uids.extend(self.store.name_ids.get(name) for name in t.mentioned or ())
        ref = self.store.tweets.get(t.target_id) if t.target_id is not None else None
        if ref is not None and "referenced_tweets.id.author_id" in expansions:
            uids.append(ref.author_id)
        return uids

    # posts

    def tweet_by_id(self, req: Request) -> Response:
        return self._tweets(req, [req.params["id"]], "id", single=True)

    def tweets_by_ids(self, req: Request) -> Response:
        raw = req.query.get("ids", "")
        return self._tweets(req, [v for v in raw.split(",") if v], "ids", single=False)

    def _tweets(self, req: Request, wanted: list[str], parameter: str, *, single: bool) -> Response:
        allowed = _TIMELINE_PARAMS - {
            "max_results",
            "pagination_token",
            "since_id",
            "until_id",
            "start_time",
            "end_time",
        }
        p = Params(req, allowed if single else allowed | {"ids"})
        fields = p.values("tweet.fields", TWEET_FIELDS)
        user_fields = p.values("user.fields", USER_FIELDS)
        expansions = p.values("expansions", TWEET_EXPANSIONS)
        fields = with_expanded(fields, expansions)
        if not wanted or len(wanted) > 100:
            p.errors.append(
                {
                    "parameters": {parameter: wanted},
                    "message": f"The `{parameter}` query parameter value is not "
                    "between 1 and 100 ids",
                }
            )
        ids = [p.snowflake(parameter, v) for v in wanted]
        if p.errors:
            return invalid_request(p.errors)
        found, errors = [], []
        for raw, tid in zip(wanted, ids, strict=True):
            t = self.store.tweets.get(tid) if tid is not None else None
            if t is None or not self.store.users_by_id[t.author_id].visible:
                errors.append(
                    {
                        "value": raw,
                        "detail": f"Could not find tweet with {parameter}: [{raw}].",
                        "title": "Not Found Error",
                        "resource_type": "tweet",
                        "parameter": parameter,
                        "resource_id": raw,
                        "type": PROBLEMS + "resource-not-found",
                    }
                )
            else:
                found.append(t)
        body: dict[str, Any] = {}
        if found:
            data = [self.store.tweet_json(t, fields) for t in found]
            body["data"] = data[0] if single else data
            includes = self._includes(found, fields, user_fields, expansions)
            if includes:
                body["includes"] = includes
        if errors:
            body["errors"] = errors
        return Response.json(200, body)


def with_expanded(fields: frozenset[str], expansions: frozenset[str]) -> frozenset[str]:
    return fields | {_EXPANSION_FIELDS[e] for e in expansions if e in _EXPANSION_FIELDS}


def invalid_request(errors: list[dict[str, Any]]) -> Response:
    return Response.json(
        400,
        {
            "errors": errors,
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": PROBLEMS + "invalid-request",
        },
    )


def _valid_username(value: str) -> bool:
    return 0 < len(value) <= 15 and all((c.isalnum() and c.isascii()) or c == "_" for c in value)


def _lookup_errors(
    parameter: str, raw: str | None, wanted: list[str], by_name: bool
) -> list[dict[str, Any]]:
    if not wanted:
        return [
            {
                "parameters": {parameter: []},
                "message": f"The `{parameter}` query parameter can not be empty",
            }
        ]
    if len(wanted) > 100:
        return [
            {
                "parameters": {parameter: [raw]},
                "message": f"The `{parameter}` query parameter value [{raw}] is not between "
                "1 and 100",
            }
        ]
    pattern = "^[A-Za-z0-9_]{1,15}$" if by_name else "^[0-9]{1,19}$"
    return [
        {
            "parameters": {parameter: [value]},
            "message": f"The `{parameter}` query parameter value [{value}] does not match "
            f"{pattern}",
        }
        for value in wanted
        if not (_valid_username(value) if by_name else value.isdigit() and len(value) <= 19)
    ]
