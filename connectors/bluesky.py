"""The Bluesky connector: the ``atproto`` SDK's ``Client`` on the public AppView, no login.

``atproto`` speaks HTTP through ``httpx``; its ``Request`` takes httpx client options, so the
client gets a :class:`PolicyTransport`: an ``httpx`` transport that sends each request through a
``requests`` session carrying the shared :class:`PolicyAdapter` (rate-limit waits on
``ratelimit-remaining``/``ratelimit-reset``, retries, fail-fast, landing every page verbatim
before the SDK parses it). The AppView names an unknown, deactivated or taken-down actor in an
HTTP 400 (``InvalidRequest``, ``AccountDeactivated``, ``AccountTakedown``), which is landed and
read as the account's status.

Per account: ``app.bsky.actor.getProfile``, ``app.bsky.feed.getAuthorFeed``
(``filter=posts_with_replies``, paged by ``cursor`` until a post is older than the window or the
cap), and ``app.bsky.feed.getPostThread`` of each in-window post with replies (the replies and
the organisation's answers). Mentions need a login: with the connection's login (the
account's handle) and password (an app password), the connector opens one session at the PDS
(``com.atproto.server.createSession`` at ``extra.pds_url``) and reads
``app.bsky.notification.listNotifications`` (``reasons`` mention and reply, newest first, paged by
``cursor``) for the one account that session belongs to; for any other account, and without a
login, the note says mentions were not read. The session's tokens are never landed or logged:
only the notification pages are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from maturity.connectors import bluesky_assembler as ba
from maturity.connectors.base import Pseudonymise, Target, count_or_none, text_or_none, time_or_none
from maturity.connectors.context import AssemblyContext, EndpointPlan
from maturity.connectors.incremental import bounds, prior_context
from maturity.connectors.ratelimit import RetryPolicy, bluesky_rate_limit
from maturity.connectors.transport import PolicyAdapter
from maturity.errors import ConnectorError
from maturity.platforms import BLUESKY

if TYPE_CHECKING:
    import requests

    from maturity.connectors.landing import AccountLanding, LandedPage, Landing
    from maturity.connectors.settings import BlueskySettings
    from maturity.evidence import Window
    from maturity.records import CollectionBatch, Cursor

ROUTES = {
    "app.bsky.actor.getProfile": ba.PROFILE,
    "app.bsky.feed.getAuthorFeed": ba.FEED,
    "app.bsky.feed.getPostThread": ba.THREAD,
    "app.bsky.notification.listNotifications": ba.NOTIFICATIONS,
}
_HOP_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class PolicyTransport(httpx.BaseTransport):
    """An ``httpx`` transport that sends through a ``requests`` session (and so through the
    policy adapter mounted on it); the body reaches httpx already decoded."""

    def __init__(self, session: requests.Session, timeout: float) -> None:
        self.session = session
        self.timeout = timeout

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        import requests

        headers = {k: v for k, v in request.headers.items() if k.lower() != "accept-encoding"}
        prepared = requests.Request(
            request.method, str(request.url), headers=headers, data=request.read() or None
        ).prepare()
        response = self.session.send(prepared, timeout=self.timeout)
        kept = [(k, v) for k, v in response.headers.items() if k.lower() not in _HOP_HEADERS]
        return httpx.Response(
            response.status_code, headers=kept, content=response.content, request=request
        )


def _body(page: LandedPage | None) -> Any:
    if page is None:
        return None
    try:
        return page.json()
    except ValueError:
        return None


class BlueskyConnector:
    platform = BLUESKY

    def __init__(
        self,
        settings: BlueskySettings,
        pseudonymise: Pseudonymise,
        *,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        import requests
        from atproto import Client
        from atproto_client.request import Request

        self.settings = settings
        self.pseudonymise = pseudonymise
        self._landing: AccountLanding | None = None
        self.notes: list[str] = []
        self.adapter = PolicyAdapter(
            platform=BLUESKY,
            policy=RetryPolicy.from_settings(settings, sleep=sleep, clock=clock),
            read_rate_limit=bluesky_rate_limit,
            timeout=settings.timeout,
            secrets=settings.secrets,
            scope=lambda path: "*",  # the AppView keeps one budget per client IP
            on_page=self._on_page,
            pass_through=frozenset({400, 403, 404}),
        )
        session = self._session = requests.Session()
        session.headers["User-Agent"] = settings.user_agent
        session.mount("http://", self.adapter)
        session.mount("https://", self.adapter)
        self.client = Client(
            base_url=settings.base_url,
            request=Request(transport=PolicyTransport(session, settings.timeout)),
        )
        self._auth: Any = None
        """The logged-in client at the PDS (for notifications), once the login was needed."""
        self._owner: tuple[str, str] | None = None
        """``(handle, did)`` of the session's account."""

    def close(self) -> None:
        self.client.request.close()
        if self._auth is not None:
            self._auth.request.close()
        self._session.close()

    def prepare(self, targets: Sequence[Target], window: Window, landing: Landing) -> None:
        """Nothing is shared between Bluesky accounts. An attempt that resumes after a
        rate-limit deferral answers the interrupted account's requests from its checkpoint."""
        for t in targets:
            self.adapter.replay(landing.pending(BLUESKY, t.org_id, t.account.handle, window))

    # -- capture -------------------------------------------------------------------------------
    def _on_page(
        self,
        request: requests.PreparedRequest,
        response: requests.Response,
        rate_headers: dict[str, str],
    ) -> None:
        url = request.url or ""
        ours = url.startswith(self.settings.base_url) or url.startswith(self.settings.pds_url)
        if self._landing is None or not ours:
            return
        nsid = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
        endpoint = ROUTES.get(nsid)
        if endpoint is None:
            return
        self._landing.land(
            endpoint=endpoint,
            route=f"/xrpc/{nsid}",
            url=url,
            status=response.status_code,
            headers=rate_headers,
            body=response.content,
        )

    def _call(self, endpoint: str, fn: Callable[[], Any]) -> LandedPage | None:
        """Call the SDK; the answer is landed underneath and returned. An error answer (HTTP
        400 for an unknown actor) or a body the SDK's models reject is the assembler's to
        judge from the landed page; no page at all fails the account, named."""
        from atproto_client.exceptions import AtProtocolError

        before = len(self._landing.pages) if self._landing else 0
        try:
            fn()
        except ConnectorError:
            raise
        except (AtProtocolError, ValueError) as exc:
            landed = self._landing.pages[before:] if self._landing else []
            if not landed:
                raise ConnectorError(
                    f"Bluesky's answer could not be used ({type(exc).__name__})",
                    where=f"bluesky account {self.adapter.account}, {endpoint}",
                    fix="check the AppView URL (the connection's host); this is not retried",
                ) from None
        landed = self._landing.pages[before:] if self._landing else []
        return landed[-1] if landed else None

    # -- paging --------------------------------------------------------------------------------
    def _feed(self, actor: str, plan: EndpointPlan) -> None:
        cursor: str | None = None
        seen = 0
        for _ in range(plan.cap // self.settings.page_size + 2):
            params: dict[str, Any] = {
                "actor": actor,
                "limit": self.settings.page_size,
                "filter": "posts_with_replies",
            }
            if cursor:
                params["cursor"] = cursor
            body = _body(
                self._call(ba.FEED, partial(self.client.app.bsky.feed.get_author_feed, params))
            )
            if not isinstance(body, dict):
                return
            feed = body.get("feed")
            items = [i for i in feed if isinstance(i, dict)] if isinstance(feed, list) else []
            seen += len(items)
            older = any(
                (at := time_or_none(_created(i))) is not None
                and plan.lower is not None
                and at < plan.lower
                for i in items
            )
            cursor = text_or_none(body.get("cursor"))
            if cursor is None or older or seen >= plan.cap:
                return
            # an empty page with a cursor goes on: the AppView may filter a whole page

    def _threads(self, window: Window, plan: EndpointPlan) -> None:
        done = 0
        for page in [
            p for p in (self._landing.pages if self._landing else []) if p.ref.endpoint == ba.FEED
        ]:
            body = _body(page)
            feed = body.get("feed") if isinstance(body, dict) else None
            for item in feed if isinstance(feed, list) else []:
                post = item.get("post") if isinstance(item, dict) else None
                if not isinstance(post, dict) or isinstance(item.get("reason"), dict):
                    continue
                uri = text_or_none(post.get("uri"))
                at = time_or_none(_created(item))
                in_plan = (
                    at is not None and at < window.end and (plan.lower is None or at >= plan.lower)
                )
                if not uri or not in_plan or count_or_none(post.get("replyCount")) == 0:
                    continue
                if done >= self.settings.threads_cap:
                    self.notes.append(
                        f"replies: only the threads of the {done} newest posts were read "
                        "(extra.threads_cap)"
                    )
                    return
                done += 1
                params = {"uri": uri, "depth": self.settings.thread_depth, "parentHeight": 0}
                self._call(ba.THREAD, partial(self.client.app.bsky.feed.get_post_thread, params))

    # -- mentions (with a login of the account itself) -----------------------------------------
    def _login(self) -> tuple[str, str]:
        """Open the session once: ``(handle, did)`` of the account the app password is for.
        A refused login fails the account with the API's message (the password redacted)."""
        if self._owner is not None:
            return self._owner
        from atproto import Client
        from atproto_client.exceptions import AtProtocolError
        from atproto_client.request import Request

        self._auth = Client(
            base_url=self.settings.pds_url,
            request=Request(transport=PolicyTransport(self._session, self.settings.timeout)),
        )
        try:
            self._auth.login(
                self.settings.login, self.settings.app_password, fetch_bsky_profile=False
            )
        except AtProtocolError as exc:
            raise ConnectorError(
                f"the Bluesky login was refused ({type(exc).__name__})",
                where=f"bluesky account {self.adapter.account}, com.atproto.server.createSession",
                fix="check the connection's login (the account's handle) and password (an app "
                "password of that account) and extra.pds_url",
            ) from None
        me = self._auth.me
        session = getattr(self._auth, "_session", None)
        handle = text_or_none(getattr(session, "handle", None)) or (self.settings.login or "")
        did = text_or_none(getattr(session, "did", None)) or ""
        self._owner = (handle, did) if me is None else (me.handle, me.did)
        return self._owner

    def _mentions(self, handle: str, did: str, plan: EndpointPlan) -> bool:
        """The account's mention and reply notifications, when the connection's login is this
        account's own (else a note); True when they were read."""
        if not (self.settings.login and self.settings.app_password):
            self.notes.append(
                "mentions: not read (the public AppView has no notifications without a login; "
                "put the account's handle and an app password in the connection's login and "
                "password); replies are read from each post's thread"
            )
            return False
        owner_handle, owner_did = self._login()
        if owner_did != did and owner_handle.lower() != handle.lower():
            self.notes.append(
                f"mentions: the login is {owner_handle}'s, not this account's; skipped (give "
                "each Bluesky account its own connection to read its mentions)"
            )
            return False
        cursor: str | None = None
        seen = 0
        for _ in range(plan.cap // self.settings.page_size + 2):
            params: dict[str, Any] = {
                "limit": self.settings.page_size,
                "reasons": list(ba.MESSAGE_REASONS),
            }
            if cursor:
                params["cursor"] = cursor
            body = _body(
                self._call(
                    ba.NOTIFICATIONS,
                    partial(self._auth.app.bsky.notification.list_notifications, params),
                )
            )
            if not isinstance(body, dict):
                return True
            notes = body.get("notifications")
            items = [i for i in notes if isinstance(i, dict)] if isinstance(notes, list) else []
            seen += len(items)
            older = any(
                (at := time_or_none(i.get("indexedAt"))) is not None
                and plan.lower is not None
                and at < plan.lower
                for i in items
            )
            cursor = text_or_none(body.get("cursor"))
            if cursor is None or older or seen >= plan.cap:
                return True
        return True

    # -- one account ---------------------------------------------------------------------------
    def collect(
        self, target: Target, window: Window, cursors: Mapping[str, Cursor], landing: Landing
    ) -> CollectionBatch:
        handle = target.account.handle
        self.adapter.account = f"@{handle}"
        self.notes = []
        al = landing.account(BLUESKY, target.org_id, handle, window)
        self._landing = al
        prior = prior_context(cursors, ("posts", "mentions"))
        plans: dict[str, EndpointPlan] = {}
        try:
            self._call(
                ba.PROFILE, lambda: self.client.app.bsky.actor.get_profile({"actor": handle})
            )
            snap = ba.snapshot(al.pages, target, window, bool(prior))
            if snap.status == "active" and snap.platform_user_id:
                b = bounds(
                    window, cursors.get("posts"), self.settings.overlap_seconds, ids_allowed=False
                )
                plans["posts"] = b.plan(cap=self.settings.posts_cap)
                self._feed(snap.platform_user_id, plans["posts"])
                self._threads(window, plans["posts"])
                if self.settings.mentions:
                    m = bounds(
                        window,
                        cursors.get("mentions"),
                        self.settings.overlap_seconds,
                        ids_allowed=False,
                    ).plan(cap=self.settings.mentions_cap)
                    if self._mentions(handle, snap.platform_user_id, m):
                        plans["mentions"] = m
        finally:
            self._landing = None
        context = AssemblyContext(prior=prior, plans=plans, notes=tuple(self.notes))
        al.commit(context)
        return ba.assemble(al.pages, context, target, window, self.pseudonymise)


def _created(item: Mapping[str, Any]) -> Any:
    """A feed item's time: the repost's ``indexedAt``, else the post record's ``createdAt``."""
    reason = item.get("reason")
    if isinstance(reason, dict) and reason.get("$type") == ba.REPOST:
        return reason.get("indexedAt")
    post = item.get("post")
    record = post.get("record") if isinstance(post, dict) else None
    return record.get("createdAt") if isinstance(record, dict) else None
