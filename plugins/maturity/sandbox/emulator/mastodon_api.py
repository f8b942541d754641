"""The Mastodon REST API routes the connector uses, in the documented wire format.

Entities as docs.joinmastodon.org/entities describes them: ``Account`` (with ``fields`` whose
``verified_at`` marks a verified ``rel=me`` link, and ``suspended: true`` for a suspended
account), ``Status``, ``Context`` and ``Notification``. Routes:

* ``GET /api/v1/accounts/lookup?acct=`` (404 ``Record not found`` for an unknown or deleted
  account);
* ``GET /api/v1/accounts/:id/statuses`` (newest first; ``max_id``, ``since_id``, ``min_id``,
  ``limit`` up to 40; a ``Link`` header for the next page);
* ``GET /api/v1/statuses/:id/context``;
* ``GET /api/v1/notifications`` and ``GET /api/v1/accounts/verify_credentials`` (need the
  account's token: ``Bearer`` :func:`token_for` its handle).

Rate-limit headers are Mastodon's: ``X-RateLimit-Limit``, ``-Remaining`` and ``-Reset`` (an ISO
8601 time), 300 requests per 5 minutes by default.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from maturity.sandbox.emulator.http import Request, Response, Router
from maturity.sandbox.emulator.ids import stable_hash
from maturity.sandbox.emulator.mastodon_store import MASTODON_DOMAIN, Account, Item, ThreadStore
from maturity.sandbox.emulator.world import AccountStatus, Platform, World

if TYPE_CHECKING:
    from maturity.sandbox.emulator.ratelimits import Quota

PLATFORM = Platform.MASTODON.value
TOKEN_PREFIX = "emulator-mastodon-token-"
PAGE_DEFAULT = 20
PAGE_MAX = 40
_URL = re.compile(r"https?://[^\s<>\"]+")
_TAG = re.compile(r"(?<![\w/])#(\w+)")


def token_for(handle: str) -> str:
    """The access token the emulator accepts as the account ``handle`` (world or registry)."""
    return TOKEN_PREFIX + handle.split("@", 1)[0].lower()


def error(status: int, message: str) -> Response:
    return Response.json(status, {"error": message})


def not_found() -> Response:
    return error(404, "Record not found")


def too_many_requests() -> Response:
    return error(429, "Too many requests")


def server_error(status: int) -> Response:
    return error(status, "We're sorry, but something went wrong on our end.")


def rate_headers(quota: Quota) -> list[tuple[str, str]]:
    reset = datetime.fromtimestamp(quota.reset_at, UTC).isoformat(timespec="milliseconds")
    return [
        ("X-RateLimit-Limit", str(quota.limit)),
        ("X-RateLimit-Remaining", str(quota.remaining)),
        ("X-RateLimit-Reset", reset.replace("+00:00", "Z")),
    ]


def iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _person_id(name: str) -> str:
    return str(100_000_000 + stable_hash(f"mastodon-person:{name.lower()}") % 10**12)


class MastodonApi:
    def __init__(self, world: World, *, now: datetime) -> None:
        self.store = ThreadStore(world, Platform.MASTODON)
        self.now = now
        self.by_id: dict[str, Account] = {}
        for account in self.store.accounts.values():
            self.by_id[self.account_id(account)] = account
        self.status_by_id = {str(i.sid): i for i in self.store.items.values()}

    def register(self, router: Router) -> None:
        add = router.add
        add(PLATFORM, "GET", "/api/v1/accounts/lookup", self.lookup)
        add(PLATFORM, "GET", "/api/v1/accounts/verify_credentials", self.verify_credentials)
        add(PLATFORM, "GET", "/api/v1/accounts/:id/statuses", self.statuses)
        add(PLATFORM, "GET", "/api/v1/statuses/:id/context", self.context)
        add(PLATFORM, "GET", "/api/v1/notifications", self.notifications)

    # -- auth ----------------------------------------------------------------------------------
    def authorize(self, req: Request) -> Response | None:
        """Public routes need nothing; a route for the token's own account needs its token."""
        if not req.path.startswith(("/api/v1/notifications", "/api/v1/accounts/verify_")):
            return None
        return None if self._owner(req) is not None else error(401, "The access token is invalid")

    def _owner(self, req: Request) -> Account | None:
        auth = req.header("authorization") or ""
        token = auth.removeprefix("Bearer ").strip()
        if not token.startswith(TOKEN_PREFIX):
            return None
        return self.store.account(token.removeprefix(TOKEN_PREFIX))

    # -- entities ------------------------------------------------------------------------------
    def account_id(self, account: Account) -> str:
        return account.world.id or str(10**9 + stable_hash(f"mastodon:{account.handle}") % 10**12)

    def account_json(self, account: Account) -> dict[str, Any]:
        acc = account.world
        username = acc.handle
        aid = self.account_id(account)
        if acc.status == AccountStatus.SUSPENDED:
            return {
                "id": aid,
                "username": username,
                "acct": username,
                "display_name": "",
                "locked": False,
                "created_at": iso(acc.created_at.replace(hour=0, minute=0, second=0)),
                "note": "",
                "url": f"https://{MASTODON_DOMAIN}/@{username}",
                "avatar": f"https://{MASTODON_DOMAIN}/avatars/original/missing.png",
                "header": f"https://{MASTODON_DOMAIN}/headers/original/missing.png",
                "followers_count": 0,
                "following_count": 0,
                "statuses_count": 0,
                "emojis": [],
                "fields": [],
                "suspended": True,
            }
        fields = []
        if acc.url or account.org.website:
            site = acc.url or account.org.website or ""
            fields.append(
                {
                    "name": "Website",
                    "value": f'<a href="{html.escape(site)}" rel="me nofollow noopener noreferrer"'
                    f' target="_blank">{html.escape(site.split("://")[-1])}</a>',
                    "verified_at": iso(acc.created_at) if acc.verified else None,
                }
            )
        own = [i for i in account.items]
        return {
            "id": aid,
            "username": username,
            "acct": username,
            "display_name": acc.display_name,
            "locked": acc.status == AccountStatus.PROTECTED,
            "bot": False,
            "discoverable": True,
            "group": False,
            "created_at": iso(acc.created_at.replace(hour=0, minute=0, second=0)),
            "note": f"<p>{html.escape(acc.description)}</p>" if acc.description else "",
            "url": f"https://{MASTODON_DOMAIN}/@{username}",
            "uri": f"https://{MASTODON_DOMAIN}/users/{username}",
            "avatar": acc.profile_image_url
            or f"https://{MASTODON_DOMAIN}/avatars/original/missing.png",
            "avatar_static": acc.profile_image_url
            or f"https://{MASTODON_DOMAIN}/avatars/original/missing.png",
            "header": acc.banner_url or f"https://{MASTODON_DOMAIN}/headers/original/missing.png",
            "header_static": acc.banner_url
            or f"https://{MASTODON_DOMAIN}/headers/original/missing.png",
            "followers_count": acc.followers,
            "following_count": acc.following,
            "statuses_count": len(own),
            "last_status_at": own[0].created_at.date().isoformat() if own else None,
            "emojis": [],
            "fields": fields,
        }

    def _author_json(self, item: Item) -> dict[str, Any]:
        account = self.store.account(item.author) if item.own else None
        if account is not None:
            return self.account_json(account)
        name = item.author
        return {
            "id": _person_id(name),
            "username": name,
            "acct": name,
            "display_name": name.replace("_", " ").title(),
            "locked": False,
            "bot": False,
            "created_at": "2022-11-07T00:00:00.000Z",
            "note": "",
            "url": f"https://{MASTODON_DOMAIN}/@{name}",
            "avatar": f"https://{MASTODON_DOMAIN}/avatars/original/missing.png",
            "header": f"https://{MASTODON_DOMAIN}/headers/original/missing.png",
            "followers_count": 12,
            "following_count": 40,
            "statuses_count": 80,
            "emojis": [],
            "fields": [],
        }

    def _mention_json(self, account: Account) -> dict[str, Any]:
        return {
            "id": self.account_id(account),
            "username": account.world.handle,
            "acct": account.world.handle,
            "url": f"https://{MASTODON_DOMAIN}/@{account.world.handle}",
        }

    def _content(self, text: str) -> tuple[str, list[dict[str, str]]]:
        escaped = html.escape(text)
        tags = []

        def link(m: re.Match[str]) -> str:
            url = html.unescape(m.group(0))
            return (
                f'<a href="{html.escape(url)}" rel="nofollow noopener noreferrer" '
                f'target="_blank">{html.escape(url.split("://")[-1])}</a>'
            )

        def tag(m: re.Match[str]) -> str:
            name = m.group(1)
            tags.append({"name": name.lower(), "url": f"https://{MASTODON_DOMAIN}/tags/{name}"})
            return (
                f'<a href="https://{MASTODON_DOMAIN}/tags/{name}" class="mention hashtag" '
                f'rel="tag">#<span>{name}</span></a>'
            )

        body = _TAG.sub(tag, _URL.sub(link, escaped))
        return f"<p>{body}</p>", tags

    def status_json(self, item: Item, *, nested: bool = False) -> dict[str, Any]:
        parent = self.store.items.get(item.parent or "")
        owner = self.store.account(item.account)
        mentions = []
        if not item.own and owner is not None:
            mentions.append(self._mention_json(owner))
        target = self.store.items.get(item.target or "")
        reblog = None
        if item.kind == "repost" and target is not None and not nested:
            reblog = self.status_json(target, nested=True)
        content, tags = self._content(item.text) if reblog is None else ("", [])
        m = item.metrics
        return {
            "id": str(item.sid),
            "created_at": iso(item.created_at),
            "in_reply_to_id": str(parent.sid) if parent is not None else None,
            "in_reply_to_account_id": (
                self._author_json(parent)["id"] if parent is not None else None
            ),
            "sensitive": False,
            "spoiler_text": "",
            "visibility": "public",
            "language": "nl",
            "uri": f"https://{MASTODON_DOMAIN}/users/{item.author}/statuses/{item.sid}",
            "url": f"https://{MASTODON_DOMAIN}/@{item.author}/{item.sid}",
            "replies_count": len(item.children),
            "reblogs_count": m.reposts,
            "favourites_count": m.likes,
            "quotes_count": m.quotes,
            "edited_at": None,
            "content": content,
            "reblog": reblog,
            "account": self._author_json(item),
            "media_attachments": [],
            "mentions": mentions,
            "tags": tags,
            "emojis": [],
            "card": None,
            "poll": None,
        }

    # -- routes --------------------------------------------------------------------------------
    def _visible(self, account: Account | None) -> Account | None:
        if account is None or account.world.status == AccountStatus.DELETED:
            return None
        return account

    def lookup(self, req: Request) -> Response:
        acct = (req.query.get("acct") or "").removeprefix("@")
        name, _, domain = acct.partition("@")
        if domain and domain.lower() != MASTODON_DOMAIN:
            return not_found()
        account = self._visible(self.store.account(name))
        if account is None:
            return not_found()
        return Response.json(200, self.account_json(account))

    def verify_credentials(self, req: Request) -> Response:
        owner = self._owner(req)
        assert owner is not None  # authorize() let the request through
        return Response.json(200, self.account_json(owner))

    def _page(self, req: Request, items: list[Item], path: str) -> Response:
        """Newest first between ``min_id``/``since_id`` and ``max_id``, at most ``limit``."""
        try:
            limit = min(PAGE_MAX, max(1, int(req.query.get("limit") or PAGE_DEFAULT)))
            max_id = int(req.query["max_id"]) if req.query.get("max_id") else None
            since = int(req.query["since_id"]) if req.query.get("since_id") else None
            min_id = int(req.query["min_id"]) if req.query.get("min_id") else None
        except ValueError:
            return error(422, "Validation failed: ids and limit are numbers")
        chosen = [
            i
            for i in items
            if (max_id is None or i.sid < max_id)
            and (since is None or i.sid > since)
            and (min_id is None or i.sid > min_id)
            and i.created_at <= self.now
        ]
        page = chosen[-limit:] if min_id is not None else chosen[:limit]
        resp = Response.json(200, [self.status_json(i) for i in page])
        if page:
            base = f"https://{MASTODON_DOMAIN}{path}"
            resp.headers.append(
                (
                    "Link",
                    f'<{base}?max_id={page[-1].sid}>; rel="next", '
                    f'<{base}?min_id={page[0].sid}>; rel="prev"',
                )
            )
        return resp

    def statuses(self, req: Request) -> Response:
        account = self._visible(self.by_id.get(req.params["id"]))
        if account is None:
            return not_found()
        if account.world.status == AccountStatus.SUSPENDED:
            return error(410, "Gone")
        return self._page(req, account.items, req.path)

    def context(self, req: Request) -> Response:
        item = self.status_by_id.get(req.params["id"])
        if item is None or item.created_at > self.now:
            return not_found()
        return Response.json(
            200,
            {
                "ancestors": [self.status_json(i) for i in self.store.ancestors(item)],
                "descendants": [
                    self.status_json(i)
                    for i in self.store.descendants(item)
                    if i.created_at <= self.now
                ],
            },
        )

    def notifications(self, req: Request) -> Response:
        owner = self._owner(req)
        assert owner is not None
        types = {v for k, v in req.query.items() if k.startswith("types")}
        inbound = sorted(
            (i for i in self.store.items.values() if not i.own and i.account == owner.world.handle),
            key=lambda i: i.sid,
            reverse=True,
        )
        if types and "mention" not in types:
            inbound = []
        page = self._page(req, inbound, req.path)
        if page.status != 200:
            return page
        import json

        statuses = json.loads(page.body)
        notes = [
            {
                "id": s["id"],
                "type": "mention",
                "created_at": s["created_at"],
                "account": s["account"],
                "status": s,
            }
            for s in statuses
        ]
        return Response.json(200, notes, headers=page.headers)
