"""Reddit's OAuth API in Reddit's wire format: the token endpoint, account and subreddit
listings, comment trees (with ``more`` stubs and ``/api/morechildren``) and the inbox.

Listings page with ``after``/``before``/``limit`` (at most 100 a page) and reach only the first
1,000 items, as on Reddit. Accounts that are deleted answer 404, suspended accounts answer
``is_suspended: true`` on ``about`` and 403 on their listings.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from maturity.sandbox.emulator.http import Request, Response, Router
from maturity.sandbox.emulator.reddit_store import (
    RedditStore,
    RSub,
    RUser,
    Thing,
    controversy,
    hot,
)
from maturity.sandbox.emulator.world import AccountStatus

LISTING_CAP = 1000
PAGE_MAX = 100
PAGE_DEFAULT = 25
TREE_DEFAULT = 200
TREE_MAX = 500
MORECHILDREN_MAX = 100
_PERIODS = {
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
    "month": timedelta(days=30),
    "year": timedelta(days=365),
}


def reddit_error(status: int, message: str) -> Response:
    return Response.json(status, {"message": message, "error": status})


def unauthorized() -> Response:
    resp = reddit_error(401, "Unauthorized")
    resp.headers.append(("www-authenticate", 'Bearer realm="reddit", error="invalid_token"'))
    return resp


def too_many_requests() -> Response:
    return reddit_error(429, "Too Many Requests")


def server_error(status: int) -> Response:
    return Response.text(
        status,
        "<!doctype html><html><head><title>Ow! -- reddit.com</title>"
        "</head><body><h1>all of our servers are busy right now</h1>"
        "</body></html>",
    )


def not_found() -> Response:
    return reddit_error(404, "Not Found")


def forbidden() -> Response:
    return reddit_error(403, "Forbidden")


def listing(
    children: list[dict[str, Any]], after: str | None = None, before: str | None = None
) -> dict[str, Any]:
    return {
        "kind": "Listing",
        "data": {
            "after": after,
            "dist": len(children),
            "modhash": None,
            "geo_filter": "",
            "children": children,
            "before": before,
        },
    }


@dataclass(frozen=True)
class Grant:
    username: str | None
    expires_at: float


class TokenBook:
    """Access tokens the token endpoint handed out; thread-safe."""

    def __init__(self, clock: Callable[[], float], ttl: int) -> None:
        self._clock = clock
        self.ttl = ttl
        self._tokens: dict[str, Grant] = {}
        self._lock = threading.Lock()

    def issue(self, username: str | None) -> str:
        token = f"{int(self._clock())}-{secrets.token_urlsafe(24)}"
        with self._lock:
            self._tokens[token] = Grant(username, self._clock() + self.ttl)
        return token

    def check(self, token: str) -> Grant | None:
        with self._lock:
            grant = self._tokens.get(token)
        if grant is None or grant.expires_at <= self._clock():
            return None
        return grant

    def revoke(self, token: str) -> None:
        with self._lock:
            self._tokens.pop(token, None)

    def expire_all(self) -> None:
        with self._lock:
            self._tokens.clear()


class RedditApi:
    def __init__(
        self,
        store: RedditStore,
        *,
        client_id: str,
        client_secret: str,
        password: str,
        tokens: TokenBook,
        now: datetime,
    ) -> None:
        self.store = store
        self.client_id = client_id
        self.client_secret = client_secret
        self.password = password
        self.tokens = tokens
        self.now = now

    def register(self, router: Router) -> None:
        add = router.add
        add("reddit", "POST", "/api/v1/access_token", self.access_token)
        add("reddit", "POST", "/api/v1/revoke_token", self.revoke_token)
        get: list[tuple[str, Callable[[Request], Response]]] = [
            ("/api/v1/me", self.me),
            ("/user/:name/about", self.user_about),
            ("/user/:name/submitted", self.user_submitted),
            ("/user/:name/comments", self.user_comments),
            ("/user/:name/overview", self.user_overview),
            ("/user/:name", self.user_overview),
            ("/r/:sub/about/moderators", self.sub_moderators),
            ("/r/:sub/about", self.sub_about),
            ("/r/:sub/new", self.sub_new),
            ("/r/:sub/hot", self.sub_hot),
            ("/r/:sub/top", self.sub_top),
            ("/r/:sub/comments/:id/:slug", self.comments),
            ("/r/:sub/comments/:id", self.comments),
            ("/r/:sub/comments", self.sub_comments),
            ("/comments/:id/:slug", self.comments),
            ("/comments/:id", self.comments),
            ("/api/info", self.info),
            ("/api/morechildren", self.morechildren),
            ("/message/inbox", self.inbox),
            ("/message/unread", self.unread),
            ("/message/mentions", self.mentions),
        ]
        for template, handler in get:
            add("reddit", "GET", template, handler)
        add("reddit", "POST", "/api/morechildren", self.morechildren)

    # --- auth ---------------------------------------------------------------------------------

    def authorize(self, req: Request) -> Grant | None:
        scheme, _, token = (req.header("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        return self.tokens.check(token.strip())

    def _client_ok(self, req: Request) -> bool:
        scheme, _, encoded = (req.header("authorization") or "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            client_id, _, secret = base64.b64decode(encoded).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return client_id == self.client_id and secret == self.client_secret

    def access_token(self, req: Request) -> Response:
        if not self._client_ok(req):
            return unauthorized()
        form = req.form()
        grant = form.get("grant_type", "")
        username: str | None = None
        if grant == "password":
            user = self.store.user(form.get("username", ""))
            if (
                user is None
                or not user.is_org
                or user.status != AccountStatus.ACTIVE
                or form.get("password") != self.password
            ):
                return Response.json(200, {"error": "invalid_grant"})
            username = user.name
        elif grant not in (
            "client_credentials",
            "https://oauth.reddit.com/grants/installed_client",
        ):
            return Response.json(200, {"error": "unsupported_grant_type"})
        token = self.tokens.issue(username)
        return Response.json(
            200,
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": self.tokens.ttl,
                "scope": "*",
            },
        )

    def revoke_token(self, req: Request) -> Response:
        if not self._client_ok(req):
            return unauthorized()
        self.tokens.revoke(req.form().get("token", ""))
        return Response(204)

    def me(self, req: Request) -> Response:
        grant = self.authorize(req)
        user = self.store.user(grant.username) if grant and grant.username else None
        if user is None:
            return forbidden()
        return Response.json(200, self.store.user_json(user)["data"])

    # --- accounts -----------------------------------------------------------------------------

    def _account(self, req: Request) -> RUser | Response:
        user = self.store.user(req.params["name"])
        if user is None or user.status == AccountStatus.DELETED:
            return not_found()
        return user

    def user_about(self, req: Request) -> Response:
        user = self._account(req)
        if isinstance(user, Response):
            return user
        return Response.json(200, self.store.user_json(user))

    def _user_listing(self, req: Request, ords: Callable[[RUser], list[int]]) -> Response:
        user = self._account(req)
        if isinstance(user, Response):
            return user
        if user.status == AccountStatus.SUSPENDED:
            return forbidden()
        things = [self.store.things[o] for o in ords(user)]
        return self._listing(req, things, default_sort="new", default_period="all")

    def user_submitted(self, req: Request) -> Response:
        return self._user_listing(req, lambda u: u.submitted)

    def user_comments(self, req: Request) -> Response:
        return self._user_listing(req, lambda u: u.comments)

    def user_overview(self, req: Request) -> Response:
        return self._user_listing(req, lambda u: sorted(u.submitted + u.comments))

    # --- subreddits ---------------------------------------------------------------------------

    def _sub(self, req: Request) -> RSub | None:
        return self.store.sub(req.params["sub"])

    def _missing_sub(self, req: Request) -> Response:
        resp = Response(302, b"", content_type="text/html; charset=utf-8")
        resp.headers.append(
            ("location", "https://www.reddit.com/subreddits/search.json?q=" + req.params["sub"])
        )
        return resp

    def sub_about(self, req: Request) -> Response:
        sub = self._sub(req)
        return Response.json(200, self.store.subreddit_json(sub)) if sub else not_found()

    def sub_moderators(self, req: Request) -> Response:
        sub = self._sub(req)
        return Response.json(200, self.store.moderators_json(sub)) if sub else not_found()

    def _sub_listing(self, req: Request, sort: str | None, *, comments: bool = False) -> Response:
        sub = self._sub(req)
        if sub is None:
            return self._missing_sub(req)
        ords = sub.comments if comments else sub.new
        things = [self.store.things[o] for o in ords]
        return self._listing(req, things, default_sort="new", default_period="day", force_sort=sort)

    def sub_new(self, req: Request) -> Response:
        return self._sub_listing(req, "new")

    def sub_hot(self, req: Request) -> Response:
        return self._sub_listing(req, "hot")

    def sub_top(self, req: Request) -> Response:
        return self._sub_listing(req, "top")

    def sub_comments(self, req: Request) -> Response:
        return self._sub_listing(req, "new", comments=True)

    # --- listings -----------------------------------------------------------------------------

    def _sorted(self, things: list[Thing], sort: str, period: str) -> list[Thing]:
        if sort in ("top", "controversial") and period in _PERIODS:
            since = self.now - _PERIODS[period]
            things = [t for t in things if t.created_at >= since]
        if sort == "top":
            return sorted(things, key=lambda t: (t.metrics.score, t.ord), reverse=True)
        if sort == "hot":
            return sorted(things, key=lambda t: (hot(t), t.ord), reverse=True)
        if sort == "controversial":
            return sorted(things, key=lambda t: (controversy(t), t.ord), reverse=True)
        return sorted(things, key=lambda t: t.ord, reverse=True)

    def _listing(
        self,
        req: Request,
        things: list[Thing],
        *,
        default_sort: str,
        default_period: str,
        force_sort: str | None = None,
    ) -> Response:
        sort = force_sort or req.query.get("sort", default_sort)
        ordered = self._sorted(things, sort, req.query.get("t", default_period))[:LISTING_CAP]
        page, after, before = page_of(ordered, req)
        children = [self.store.thing_json(t) for t in page]
        return Response.json(200, listing(children, after, before))

    def info(self, req: Request) -> Response:
        children: list[dict[str, Any]] = []
        for fullname in (v for v in req.query.get("id", "").split(",") if v):
            thing = self.store.thing(fullname)
            if thing is not None:
                children.append(self.store.thing_json(thing))
            elif fullname.startswith("t5_"):
                sub = next((s for s in self.store.subs.values() if s.fullname == fullname), None)
                if sub is not None:
                    children.append(self.store.subreddit_json(sub))
        for name in (v for v in req.query.get("sr_name", "").split(",") if v):
            sub = self.store.sub(name)
            if sub is not None:
                children.append(self.store.subreddit_json(sub))
        return Response.json(200, listing(children))

    # --- comment trees ------------------------------------------------------------------------

    def comments(self, req: Request) -> Response:
        submission = self.store.thing("t3_" + req.params["id"])
        if submission is None:
            return not_found()
        sort = req.query.get("sort", "confidence")
        limit = _int(req.query.get("limit"), TREE_DEFAULT, 1, TREE_MAX)
        depth = _int(req.query.get("depth"), 0, 0, 100) or None
        budget = [limit]
        tree = self._tree(submission, submission.children, sort, budget, depth)
        head = listing([self.store.thing_json(submission)])
        return Response.json(200, [head, listing(tree)])

    def _ordered(self, children: list[Thing], sort: str) -> list[Thing]:
        if sort == "new":
            return sorted(children, key=lambda t: t.ord, reverse=True)
        if sort == "old":
            return list(children)
        if sort == "controversial":
            return sorted(children, key=lambda t: (controversy(t), -t.ord), reverse=True)
        return sorted(children, key=lambda t: (t.metrics.score, -t.ord), reverse=True)

    def _tree(
        self, parent: Thing, children: list[Thing], sort: str, budget: list[int], depth: int | None
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        ordered = self._ordered(children, sort)
        for i, child in enumerate(ordered):
            if budget[0] <= 0:
                out.append(more(parent, ordered[i:]))
                break
            budget[0] -= 1
            data = self.store.comment_json(child)
            if child.children:
                if depth is not None and child.depth + 1 >= depth:
                    data["replies"] = listing([more(child, self._ordered(child.children, sort))])
                else:
                    replies = self._tree(child, child.children, sort, budget, depth)
                    data["replies"] = listing(replies) if replies else ""
            out.append({"kind": "t1", "data": data})
        return out

    def morechildren(self, req: Request) -> Response:
        args = {**req.query, **(req.form() if req.method == "POST" else {})}
        submission = self.store.thing(args.get("link_id", ""))
        if submission is None or submission.kind != "t3":
            return Response.json(
                200, {"json": {"errors": [["INVALID_LINK", "that link doesn't exist", "link_id"]]}}
            )
        wanted = [c for c in args.get("children", "").split(",") if c][:MORECHILDREN_MAX]
        things: list[dict[str, Any]] = []
        for id36 in wanted:
            thing = self.store.thing("t1_" + id36)
            if thing is not None and thing.root is submission:
                self._flatten(thing, args.get("sort", "confidence"), things)
        return Response.json(200, {"json": {"errors": [], "data": {"things": things}}})

    def _flatten(self, thing: Thing, sort: str, out: list[dict[str, Any]]) -> None:
        out.append({"kind": "t1", "data": self.store.comment_json(thing)})
        for child in self._ordered(thing.children, sort):
            self._flatten(child, sort, out)

    # --- inbox --------------------------------------------------------------------------------

    def _inbox(self, req: Request, kinds: frozenset[str]) -> Response:
        grant = self.authorize(req)
        user = self.store.user(grant.username) if grant and grant.username else None
        if user is None:
            return forbidden()
        items = [(o, k) for o, k in reversed(user.inbox) if k in kinds][:LISTING_CAP]
        things = [self.store.things[o] for o, _ in items]
        page, after, before = page_of(things, req)
        kind_of = dict(items)
        children = [self.store.message_json(t, kind_of[t.ord], user) for t in page]
        return Response.json(200, listing(children, after, before))

    def inbox(self, req: Request) -> Response:
        return self._inbox(req, frozenset({"post_reply", "comment_reply", "username_mention"}))

    def unread(self, req: Request) -> Response:
        return self._inbox(req, frozenset())

    def mentions(self, req: Request) -> Response:
        return self._inbox(req, frozenset({"username_mention"}))


def more(parent: Thing, rest: list[Thing]) -> dict[str, Any]:
    """Reddit's ``more`` stub for the comments of ``rest`` (and everything under them)."""
    count = sum(_subtree_size(t) for t in rest)
    return {
        "kind": "more",
        "data": {
            "count": count,
            "name": rest[0].fullname,
            "id": rest[0].id36,
            "parent_id": parent.fullname,
            "depth": rest[0].depth,
            "children": [t.id36 for t in rest],
        },
    }


def _subtree_size(thing: Thing) -> int:
    return 1 + sum(_subtree_size(c) for c in thing.children)


def page_of(ordered: list[Thing], req: Request) -> tuple[list[Thing], str | None, str | None]:
    """Reddit paging over an already sorted list: ``after``, ``before``, ``limit``."""
    limit = _int(req.query.get("limit"), PAGE_DEFAULT, 1, PAGE_MAX, clamp=True)
    after, before = req.query.get("after"), req.query.get("before")
    names = [t.fullname for t in ordered]
    start, stop = 0, limit
    if after:
        if after not in names:
            return [], None, None
        start = names.index(after) + 1
        stop = start + limit
    elif before:
        if before not in names:
            return [], None, None
        stop = names.index(before)
        start = max(0, stop - limit)
    page = ordered[start:stop]
    if not page:
        return [], None, None
    next_after = page[-1].fullname if start + len(page) < len(ordered) else None
    prev_before = page[0].fullname if start > 0 else None
    return page, next_after, prev_before


def _int(raw: str | None, default: int, low: int, high: int, *, clamp: bool = True) -> int:
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        return default
    if value < low:
        return default
    return min(value, high) if clamp else value
