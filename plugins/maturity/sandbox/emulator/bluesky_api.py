"""The Bluesky AppView queries the connector uses, as the lexicons define them.

* ``GET /xrpc/app.bsky.actor.getProfile?actor=`` → ``app.bsky.actor.defs#profileViewDetailed``;
  an unknown or deleted actor is HTTP 400 ``InvalidRequest`` (``Profile not found``), a
  suspended one HTTP 400 ``AccountTakedown``.
* ``GET /xrpc/app.bsky.feed.getAuthorFeed?actor=&limit=&cursor=&filter=`` → ``feed`` of
  ``#feedViewPost`` (reposts with a ``#reasonRepost``), newest first, and a ``cursor`` while
  there is more.
* ``GET /xrpc/app.bsky.feed.getPostThread?uri=&depth=`` → ``thread``: a ``#threadViewPost``
  whose ``replies`` nest, or a ``#notFoundPost``.

Rate-limit headers are the AppView's: ``ratelimit-limit``, ``ratelimit-remaining``,
``ratelimit-reset`` (epoch seconds) and ``ratelimit-policy`` (``3000;w=300``).

With a login (the organisation's own account, as the PDS serves it):

* ``POST /xrpc/com.atproto.server.createSession`` with ``{identifier, password}`` →
  ``{did, handle, accessJwt, refreshJwt, active}``. The identifier is the account's handle (or
  DID); the emulator accepts any app password that starts with :data:`APP_PASSWORD_PREFIX`
  (:func:`app_password_for` gives one), so a test can put a canary in it. A wrong one is HTTP 401
  ``AuthenticationRequired`` (``Invalid identifier or password``).
* ``GET /xrpc/app.bsky.notification.listNotifications?limit=&cursor=&reasons=`` with
  ``Authorization: Bearer <accessJwt>`` → ``notifications`` (newest first; each ``uri``, ``cid``,
  ``author`` (a ``#profileView``), ``reason`` (``mention`` or ``reply``), ``reasonSubject`` for a
  reply, ``record`` (the post record), ``isRead``, ``indexedAt``, ``labels``), ``cursor`` while
  there is more, ``priority``. Without a valid token: HTTP 401 ``AuthenticationRequired``.
"""

from __future__ import annotations

import base64
import json
import math
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from maturity.sandbox.emulator.http import Request, Response, Router
from maturity.sandbox.emulator.ids import stable_hash
from maturity.sandbox.emulator.mastodon_store import (
    BLUESKY_HOSTED,
    Account,
    Item,
    ThreadStore,
)
from maturity.sandbox.emulator.world import AccountStatus, Platform, World

if TYPE_CHECKING:
    from maturity.sandbox.emulator.ratelimits import Quota

PLATFORM = Platform.BLUESKY.value
_B32 = "234567abcdefghijklmnopqrstuvwxyz"
POST = "app.bsky.feed.post"
APP_PASSWORD_PREFIX = "emulator-bluesky-app-password-"
SESSION_SECONDS = 7200
"""How long an access token lives (the SDK refreshes a token 15 minutes before its ``exp``)."""


def app_password_for(handle: str) -> str:
    """An app password the emulator accepts for ``handle``."""
    return f"{APP_PASSWORD_PREFIX}{handle}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def session_jwt(did: str, scope: str, seconds: int) -> str:
    """A JWT in the PDS's shape (``sub`` the account's DID, ``exp`` in real epoch seconds,
    since the SDK compares it with the wall clock); the signature is not a real one."""
    now = int(time.time())
    header = {"typ": "at+jwt", "alg": "ES256K"}
    payload = {"scope": scope, "sub": did, "iat": now, "exp": now + seconds, "aud": "did:web:emu"}
    parts = [json.dumps(header).encode(), json.dumps(payload).encode(), b"emulator-signature"]
    return ".".join(_b64(p) for p in parts)


def jwt_subject(token: str) -> str | None:
    """The ``sub`` of a token :func:`session_jwt` made; None for anything else."""
    try:
        payload = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("scope") != "com.atproto.appPass":
        return None
    sub = data.get("sub")
    return sub if isinstance(sub, str) else None


def unauthorized(message: str = "Authentication Required") -> Response:
    return error(401, "AuthenticationRequired", message)


def error(status: int, name: str, message: str) -> Response:
    return Response.json(status, {"error": name, "message": message})


def not_found() -> Response:
    return error(404, "MethodNotImplemented", "Method Not Implemented")


def too_many_requests() -> Response:
    return error(429, "RateLimitExceeded", "Rate Limit Exceeded")


def server_error(status: int) -> Response:
    return error(status, "InternalServerError", "Internal Server Error")


def rate_headers(quota: Quota) -> list[tuple[str, str]]:
    return [
        ("ratelimit-limit", str(quota.limit)),
        ("ratelimit-remaining", str(quota.remaining)),
        ("ratelimit-reset", str(math.ceil(quota.reset_at))),
        ("ratelimit-policy", f"{quota.limit};w=300"),
    ]


def iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def did_for(name: str) -> str:
    """A stable ``did:plc:`` of 24 base-32 characters for an account or person name."""
    n = stable_hash(f"bluesky:{name.lower()}")
    chars = []
    for _ in range(24):
        n, r = divmod(n * 2654435761 + 97, 32)
        chars.append(_B32[r])
    return "did:plc:" + "".join(chars)


def tid(sid: int) -> str:
    """A 13-character record key (TID) that sorts like ``sid``."""
    out = []
    n = sid
    for _ in range(13):
        n, r = divmod(n, 32)
        out.append(_B32[r])
    return "".join(reversed(out))


class BlueskyApi:
    def __init__(self, world: World, *, now: datetime) -> None:
        self.store = ThreadStore(world, Platform.BLUESKY)
        self.now = now
        self.by_did: dict[str, Account] = {self.did(a): a for a in self.store.accounts.values()}
        self.by_uri: dict[str, Item] = {self.uri(i): i for i in self.store.items.values()}

    def register(self, router: Router) -> None:
        router.add(PLATFORM, "GET", "/xrpc/app.bsky.actor.getProfile", self.get_profile)
        router.add(PLATFORM, "GET", "/xrpc/app.bsky.feed.getAuthorFeed", self.get_author_feed)
        router.add(PLATFORM, "GET", "/xrpc/app.bsky.feed.getPostThread", self.get_post_thread)
        router.add(PLATFORM, "POST", "/xrpc/com.atproto.server.createSession", self.create_session)
        router.add(
            PLATFORM,
            "GET",
            "/xrpc/app.bsky.notification.listNotifications",
            self.list_notifications,
        )

    # -- entities ------------------------------------------------------------------------------
    def did(self, account: Account) -> str:
        return did_for(account.handle)

    def _author(self, item: Item) -> tuple[str, str, Account | None]:
        account = self.store.account(item.author) if item.own else None
        if account is not None:
            return self.did(account), account.handle, account
        handle = f"{item.author.lower().replace('_', '-').strip('-')}.{BLUESKY_HOSTED}"
        return did_for(handle), handle, None

    def uri(self, item: Item) -> str:
        did, _, _ = self._author(item)
        return f"at://{did}/{POST}/{tid(item.sid)}"

    def cid(self, item: Item) -> str:
        return "bafyrei" + tid(stable_hash(item.key))[:13] * 4

    def _basic(self, did: str, handle: str, account: Account | None) -> dict[str, Any]:
        name = account.world.display_name if account else handle.split(".", 1)[0]
        out: dict[str, Any] = {"did": did, "handle": handle, "displayName": name, "labels": []}
        if account and account.world.profile_image_url:
            out["avatar"] = account.world.profile_image_url
        out["createdAt"] = iso(account.world.created_at) if account else "2023-09-01T00:00:00.000Z"
        return out

    def profile_json(self, account: Account) -> dict[str, Any]:
        acc = account.world
        out = self._basic(self.did(account), account.handle, account)
        out.update(
            {
                "description": acc.description,
                "followersCount": acc.followers,
                "followsCount": acc.following,
                "postsCount": len(account.items),
                "indexedAt": iso(acc.created_at),
                "associated": {"lists": 0, "feedgens": 0, "starterPacks": 0, "labeler": False},
            }
        )
        if acc.banner_url:
            out["banner"] = acc.banner_url
        return out

    def _ref(self, item: Item) -> dict[str, str]:
        return {"uri": self.uri(item), "cid": self.cid(item)}

    def post_json(self, item: Item) -> dict[str, Any]:
        did, handle, account = self._author(item)
        record: dict[str, Any] = {
            "$type": POST,
            "text": item.text,
            "createdAt": iso(item.created_at),
            "langs": ["nl"],
        }
        parent = self.store.items.get(item.parent or "")
        if parent is not None:
            record["reply"] = {
                "root": self._ref(self.store.root(item)),
                "parent": self._ref(parent),
            }
        target = self.store.items.get(item.target or "")
        if item.kind == "quote" and target is not None:
            record["embed"] = {"$type": "app.bsky.embed.record", "record": self._ref(target)}
        facets = []
        raw = item.text.encode("utf-8")
        for word in item.text.split():
            if word.startswith(("http://", "https://")):
                start = raw.find(word.encode("utf-8"))
                facets.append(
                    {
                        "index": {"byteStart": start, "byteEnd": start + len(word.encode())},
                        "features": [{"$type": "app.bsky.richtext.facet#link", "uri": word}],
                    }
                )
            elif word.startswith("#") and len(word) > 1:
                start = raw.find(word.encode("utf-8"))
                facets.append(
                    {
                        "index": {"byteStart": start, "byteEnd": start + len(word.encode())},
                        "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": word[1:]}],
                    }
                )
        if facets:
            record["facets"] = facets
        m = item.metrics
        return {
            "uri": self.uri(item),
            "cid": self.cid(item),
            "author": self._basic(did, handle, account),
            "record": record,
            "replyCount": len(item.children),
            "repostCount": m.reposts,
            "likeCount": m.likes,
            "quoteCount": m.quotes,
            "indexedAt": iso(item.created_at),
            "labels": [],
        }

    # -- routes --------------------------------------------------------------------------------
    def _actor(self, req: Request) -> Account | Response:
        actor = req.query.get("actor") or ""
        if not actor:
            return error(400, "InvalidRequest", 'Error: Params must have the property "actor"')
        account = self.by_did.get(actor) or self.store.account(actor)
        if account is None or account.world.status == AccountStatus.DELETED:
            return error(400, "InvalidRequest", "Profile not found")
        if account.world.status == AccountStatus.SUSPENDED:
            return error(400, "AccountTakedown", "Account has been suspended")
        return account

    def get_profile(self, req: Request) -> Response:
        found = self._actor(req)
        return (
            found if isinstance(found, Response) else Response.json(200, self.profile_json(found))
        )

    def get_author_feed(self, req: Request) -> Response:
        found = self._actor(req)
        if isinstance(found, Response):
            return found
        try:
            limit = min(100, max(1, int(req.query.get("limit") or 50)))
        except ValueError:
            return error(400, "InvalidRequest", "Error: limit must be an integer")
        cursor = req.query.get("cursor")
        entries = []
        for item in found.items:  # newest first
            if item.created_at > self.now:
                continue
            if cursor and iso(item.created_at) + f"::{item.sid}" >= cursor:
                continue
            if req.query.get("filter") == "posts_no_replies" and item.kind == "reply":
                continue
            entries.append(item)
        page = entries[:limit]
        feed = [entry for item in page if (entry := self._feed_entry(item)) is not None]
        body: dict[str, Any] = {"feed": feed}
        if len(entries) > limit:
            last = page[-1]
            body["cursor"] = iso(last.created_at) + f"::{last.sid}"
        return Response.json(200, body)

    def _feed_entry(self, item: Item) -> dict[str, Any] | None:
        """A ``#feedViewPost``: the post (with its ``reply`` context), or for a repost the
        reposted post with a ``#reasonRepost``."""
        if item.kind == "repost":
            target = self.store.items.get(item.target or "")
            if target is None:
                return None
            did, handle, account = self._author(item)
            return {
                "post": self.post_json(target),
                "reason": {
                    "$type": "app.bsky.feed.defs#reasonRepost",
                    "by": self._basic(did, handle, account),
                    "indexedAt": iso(item.created_at),
                },
            }
        entry: dict[str, Any] = {"post": self.post_json(item)}
        parent = self.store.items.get(item.parent or "")
        if parent is not None:
            view = "app.bsky.feed.defs#postView"
            entry["reply"] = {
                "root": {"$type": view, **self.post_json(self.store.root(item))},
                "parent": {"$type": view, **self.post_json(parent)},
            }
        return entry

    def _thread(self, item: Item, depth: int) -> dict[str, Any]:
        node: dict[str, Any] = {
            "$type": "app.bsky.feed.defs#threadViewPost",
            "post": self.post_json(item),
        }
        if depth > 0:
            node["replies"] = [
                self._thread(self.store.items[k], depth - 1)
                for k in item.children
                if self.store.items[k].created_at <= self.now
            ]
        return node

    def get_post_thread(self, req: Request) -> Response:
        uri = req.query.get("uri") or ""
        try:
            depth = min(1000, max(0, int(req.query.get("depth") or 6)))
        except ValueError:
            return error(400, "InvalidRequest", "Error: depth must be an integer")
        item = self.by_uri.get(uri)
        if item is None or item.created_at > self.now:
            return error(400, "NotFound", f"Post not found: {uri}")
        return Response.json(200, {"thread": self._thread(item, depth)})

    # -- a login: the account's own notifications ----------------------------------------------
    def create_session(self, req: Request) -> Response:
        try:
            body = req.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not body.get("identifier") or not body.get("password"):
            return error(
                400, "InvalidRequest", 'Input must have the properties "identifier", "password"'
            )
        ident = str(body["identifier"])
        account = self.by_did.get(ident) or self.store.account(ident)
        password = str(body["password"])
        if account is None or not password.startswith(APP_PASSWORD_PREFIX):
            return unauthorized("Invalid identifier or password")
        if account.world.status == AccountStatus.SUSPENDED:
            return unauthorized("Account has been taken down")
        did = self.did(account)
        return Response.json(
            200,
            {
                "did": did,
                "handle": account.handle,
                "accessJwt": session_jwt(did, "com.atproto.appPass", SESSION_SECONDS),
                "refreshJwt": session_jwt(did, "com.atproto.refresh", 90 * 86400),
                "active": True,
            },
        )

    def _session_owner(self, req: Request) -> Account | None:
        auth = req.header("authorization") or ""
        if not auth.startswith("Bearer "):
            return None
        did = jwt_subject(auth.removeprefix("Bearer ").strip())
        return self.by_did.get(did or "")

    def _notification(self, owner: Account, item: Item) -> dict[str, Any]:
        post = self.post_json(item)
        record = post["record"]
        reason = "reply" if item.kind == "reply" and item.parent else "mention"
        if reason == "mention":
            text = f"@{owner.handle} {record['text']}"
            start = 0
            end = len(f"@{owner.handle}".encode())
            record = {
                **record,
                "text": text,
                "facets": [
                    {
                        "index": {"byteStart": start, "byteEnd": end},
                        "features": [
                            {"$type": "app.bsky.richtext.facet#mention", "did": self.did(owner)}
                        ],
                    }
                ],
            }
        out: dict[str, Any] = {
            "uri": post["uri"],
            "cid": post["cid"],
            "author": {**post["author"], "indexedAt": post["indexedAt"]},
            "reason": reason,
            "record": record,
            "isRead": False,
            "indexedAt": post["indexedAt"],
            "labels": [],
        }
        if reason == "reply":
            out["reasonSubject"] = record["reply"]["parent"]["uri"]
        return out

    def list_notifications(self, req: Request) -> Response:
        owner = self._session_owner(req)
        if owner is None:
            return unauthorized()
        try:
            limit = min(100, max(1, int(req.query.get("limit") or 50)))
        except ValueError:
            return error(400, "InvalidRequest", "Error: limit must be an integer")
        reasons = set(req.query_all("reasons"))
        cursor = req.query.get("cursor")
        entries = []
        inbound = (
            i for i in self.store.items.values() if not i.own and i.account == owner.world.handle
        )
        for item in sorted(inbound, key=lambda i: i.sid, reverse=True):
            if item.created_at > self.now:
                continue
            reason = "reply" if item.kind == "reply" and item.parent else "mention"
            if reasons and reason not in reasons:
                continue
            if cursor and iso(item.created_at) + f"::{item.sid}" >= cursor:
                continue
            entries.append(item)
        page = entries[:limit]
        body: dict[str, Any] = {
            "notifications": [self._notification(owner, i) for i in page],
            "priority": False,
        }
        if len(entries) > limit:
            last = page[-1]
            body["cursor"] = iso(last.created_at) + f"::{last.sid}"
        return Response.json(200, body)
