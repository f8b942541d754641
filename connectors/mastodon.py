"""The Mastodon connector: Mastodon.py's ``Mastodon`` over the policy transport, capturing pages.

Mastodon.py takes a ``requests.Session`` (``session=``); the :class:`PolicyAdapter` mounted on it
lands every answer from the instance verbatim (``on_page``) before Mastodon.py parses it, and
hides the ``X-RateLimit-*`` headers from Mastodon.py after reading them, so the policy alone
waits for a reset (``ratelimit_method="throw"`` as a second guard: Mastodon.py never sleeps).
The defaults of a Mastodon server are 300 requests per 5 minutes per account or IP
(docs.joinmastodon.org/api/rate-limits); the policy reads ``X-RateLimit-Remaining`` and the
ISO 8601 ``X-RateLimit-Reset`` of every answer.

Per account (on the connection's instance for its own domain, else on the account's own
server, ``https://<domain>``): ``GET /api/v1/accounts/lookup?acct=`` (the profile); the
account's statuses (``GET /api/v1/accounts/:id/statuses``, newest first, paged by ``max_id``,
or ``since_id`` the cursor with no overlap); each in-window status's
``GET /api/v1/statuses/:id/context`` (its descendants: the replies and the organisation's
answers); and, with a token of the account itself, the mention notifications
(``GET /api/v1/notifications?types[]=mention``). Records are assembled from the landed pages
alone, as on replay.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from maturity.connectors import mastodon_assembler as ma
from maturity.connectors.base import Pseudonymise, Target, count_or_none, text_or_none, time_or_none
from maturity.connectors.context import AssemblyContext, EndpointPlan
from maturity.connectors.incremental import bounds, prior_context
from maturity.connectors.ratelimit import RateLimitDeferred, RetryPolicy, mastodon_rate_limit
from maturity.connectors.transport import PolicyAdapter
from maturity.errors import ConnectorError
from maturity.platforms import MASTODON

if TYPE_CHECKING:
    import requests

    from maturity.connectors.landing import AccountLanding, LandedPage, Landing
    from maturity.connectors.settings import MastodonSettings
    from maturity.evidence import Window
    from maturity.records import CollectionBatch, Cursor

ROUTES: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (name, re.compile(pattern), route)
    for name, pattern, route in (
        (ma.LOOKUP, r"/api/v1/accounts/lookup/?$", "/api/v1/accounts/lookup"),
        (ma.STATUSES, r"/api/v1/accounts/[^/]+/statuses/?$", "/api/v1/accounts/:id/statuses"),
        (ma.CONTEXT, r"/api/v1/statuses/[^/]+/context/?$", "/api/v1/statuses/:id/context"),
        (ma.NOTIFICATIONS, r"/api/v1/notifications/?$", "/api/v1/notifications"),
        (
            ma.CREDENTIALS,
            r"/api/v1/accounts/verify_credentials/?$",
            "/api/v1/accounts/verify_credentials",
        ),
    )
)
MASTODON_VERSION = "4.3.0"
"""The API version Mastodon.py is told the server speaks (no version probe is sent)."""


def route_of(path: str) -> tuple[str, str]:
    for name, pattern, route in ROUTES:
        if pattern.search(path):
            return name, route
    return "other", path


def _body(page: LandedPage) -> Any:
    try:
        return page.json()
    except ValueError:
        return None


class MastodonConnector:
    platform = MASTODON

    def __init__(
        self,
        settings: MastodonSettings,
        pseudonymise: Pseudonymise,
        *,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        import requests

        self.settings = settings
        self.pseudonymise = pseudonymise
        self._landing: AccountLanding | None = None
        self.notes: list[str] = []
        self.adapter = PolicyAdapter(
            platform=MASTODON,
            policy=RetryPolicy.from_settings(settings, sleep=sleep, clock=clock),
            read_rate_limit=mastodon_rate_limit,
            timeout=settings.timeout,
            secrets=settings.secrets,
            scope=lambda path: "*",  # one budget per account token / IP, not per endpoint
            hide_rate_limit_headers=True,
            on_page=self._on_page,
            pass_through=frozenset({403, 404, 410}),
        )
        session = self._session = requests.Session()
        session.mount("http://", self.adapter)
        session.mount("https://", self.adapter)
        self.client = self._new_client(settings.base_url, settings.access_token)
        self._remote: dict[str, Any] = {}
        """Clients of other servers, by domain (no token: public endpoints only)."""
        self._owner: str | None = None
        """The acct of the token's account (``verify_credentials``), once asked."""

    def _new_client(self, base_url: str, token: str | None) -> Any:
        from mastodon import Mastodon

        return Mastodon(
            api_base_url=base_url,
            access_token=token,
            session=self._session,
            ratelimit_method="throw",
            request_timeout=self.settings.timeout,
            mastodon_version=MASTODON_VERSION,
            version_check_mode="none",
            user_agent=self.settings.user_agent,
        )

    def client_for(self, handle: str) -> Any:
        """The connection's instance for its own domain's accounts; for ``user@other.domain``
        that account's own server, where the public lookup and statuses find it."""
        domain = handle.rpartition("@")[2].lower()
        if not domain or domain == self.settings.home_domain:
            return self.client
        if domain not in self._remote:
            self._remote[domain] = self._new_client(f"https://{domain}", None)
        return self._remote[domain]

    def close(self) -> None:
        self._session.close()

    def prepare(self, targets: Sequence[Target], window: Window, landing: Landing) -> None:
        """Nothing is shared between Mastodon accounts. An attempt that resumes after a
        rate-limit deferral answers the interrupted account's requests from its checkpoint."""
        for t in targets:
            self.adapter.replay(landing.pending(MASTODON, t.org_id, t.account.handle, window))

    # -- capture -------------------------------------------------------------------------------
    def _on_page(
        self,
        request: requests.PreparedRequest,
        response: requests.Response,
        rate_headers: dict[str, str],
    ) -> None:
        url = request.url or ""
        if self._landing is None:
            return
        endpoint, route = route_of(urlsplit(url).path)
        if endpoint == "other":
            return
        self._landing.land(
            endpoint=endpoint,
            route=route,
            url=url,
            status=response.status_code,
            headers=rate_headers,
            body=response.content,
        )

    def _last(self, endpoint: str) -> LandedPage | None:
        pages = [
            p for p in (self._landing.pages if self._landing else []) if p.ref.endpoint == endpoint
        ]
        return pages[-1] if pages else None

    def _call(self, endpoint: str, fn: Callable[[], Any]) -> LandedPage | None:
        """Call Mastodon.py; the answer is landed underneath. A 404/410 (gone) returns the
        landed page; another error of Mastodon.py fails the account, named."""
        from mastodon.errors import MastodonError, MastodonNotFoundError

        before = len(self._landing.pages) if self._landing else 0
        try:
            fn()
        except MastodonNotFoundError:
            pass
        except ConnectorError:
            raise
        except MastodonError as exc:
            if isinstance(exc.__context__, (ConnectorError, RateLimitDeferred)):
                # the policy's decision (retries spent, a far reset), wrapped by Mastodon.py
                raise exc.__context__ from None
            # 403/410 and answers Mastodon.py cannot parse land first; a page that did land
            # is the assembler's to judge (it names a page that is not JSON).
            landed = self._landing.pages[before:] if self._landing else []
            if not landed or type(exc).__name__ == "MastodonNetworkError":
                raise ConnectorError(
                    self.adapter.redact(
                        f"Mastodon's answer could not be used ({type(exc).__name__})"
                    ),
                    where=f"mastodon account {self.adapter.account}, {endpoint}",
                    fix="check the instance URL (the connection's host) and what it answered; "
                    "this is not retried",
                ) from None
        landed = self._landing.pages[before:] if self._landing else []
        return landed[-1] if landed else None

    # -- paging --------------------------------------------------------------------------------
    def _statuses(self, client: Any, account_id: str, plan: EndpointPlan) -> list[str]:
        """Page the account's statuses newest first until one is older than the plan's lower
        bound, the cap is reached or a page is empty; the ids of the statuses seen."""
        ids: list[str] = []
        max_id: str | None = None
        for _ in range(plan.cap // self.settings.page_size + 2):
            page = self._call(
                ma.STATUSES,
                partial(
                    client.account_statuses,
                    account_id,
                    max_id=max_id,
                    since_id=plan.since_id,
                    limit=self.settings.page_size,
                ),
            )
            body = _body(page) if page is not None else None
            items = [i for i in body if isinstance(i, dict)] if isinstance(body, list) else []
            if not items:
                return ids
            older = False
            for item in items:
                sid = text_or_none(item.get("id"))
                at = time_or_none(item.get("created_at"))
                if sid:
                    ids.append(sid)
                if plan.lower is not None and at is not None and at < plan.lower:
                    older = True
            max_id = text_or_none(items[-1].get("id"))
            # a short page is the last one: asking again would only fetch an empty page
            short = len(items) < self.settings.page_size
            if older or short or len(ids) >= plan.cap or max_id is None:
                return ids
        return ids

    def _contexts(self, client: Any, window: Window, plan: EndpointPlan) -> None:
        """Each own status in the plan with replies (or an unknown reply count): its context."""
        done = 0
        for page in [
            p
            for p in (self._landing.pages if self._landing else [])
            if p.ref.endpoint == ma.STATUSES
        ]:
            body = _body(page)
            for item in body if isinstance(body, list) else []:
                if not isinstance(item, dict) or isinstance(item.get("reblog"), dict):
                    continue
                sid = text_or_none(item.get("id"))
                at = time_or_none(item.get("created_at"))
                in_plan = (
                    at is not None and at < window.end and (plan.lower is None or at >= plan.lower)
                )
                replies = count_or_none(item.get("replies_count"))
                if not sid or not in_plan or replies == 0:
                    continue
                if done >= self.settings.contexts_cap:
                    self.notes.append(
                        f"replies: only the {done} newest statuses' replies were read "
                        "(extra.contexts_cap)"
                    )
                    return
                done += 1
                self._call(ma.CONTEXT, partial(client.status_context, sid))

    def _mentions(self, handle: str, plan: EndpointPlan) -> bool:
        """The mention notifications, for the one account whose token it is (else a note)."""
        if self.client_for(handle) is not self.client:
            self.notes.append(
                "mentions: not read (the account is on another server than the connection's "
                "token); replies are read from each status's context"
            )
            return False
        if not self.settings.access_token:
            self.notes.append(
                "mentions: not read (needs an access token of the organisation's account in "
                "the connection's password); replies are read from each status's context"
            )
            return False
        if self._owner is None:
            page = self._call(ma.CREDENTIALS, self.client.account_verify_credentials)
            body = _body(page) if page is not None and page.envelope.status == 200 else None
            self._owner = text_or_none(body.get("acct")) if isinstance(body, dict) else ""
        if not self._owner or not ma.same_account(self._owner, handle):
            self.notes.append(
                f"mentions: the token is {self._owner or 'unknown'}'s, not this account's; "
                "skipped (give each Mastodon account its own connection to read its mentions)"
            )
            return False
        max_id: str | None = None
        seen = 0
        for _ in range(plan.cap // 40 + 2):
            page = self._call(
                ma.NOTIFICATIONS,
                partial(
                    self.client.notifications,
                    types=["mention"],
                    max_id=max_id,
                    since_id=plan.since_id,
                    limit=40,
                ),
            )
            body = _body(page) if page is not None else None
            items = [i for i in body if isinstance(i, dict)] if isinstance(body, list) else []
            if not items:
                return True
            seen += len(items)
            times = [time_or_none(i.get("created_at")) for i in items]
            max_id = text_or_none(items[-1].get("id"))
            if (
                seen >= plan.cap
                or max_id is None
                or any(t is not None and plan.lower is not None and t < plan.lower for t in times)
            ):
                return True
        return True

    def _plan(self, window: Window, cursor: Cursor | None, cap: int) -> EndpointPlan:
        b = bounds(window, cursor, self.settings.overlap_seconds)
        return b.plan(cap=cap, page_size=self.settings.page_size)

    # -- one account ---------------------------------------------------------------------------
    def collect(
        self, target: Target, window: Window, cursors: Mapping[str, Cursor], landing: Landing
    ) -> CollectionBatch:
        handle = target.account.handle
        self.adapter.account = f"@{handle}"
        self.notes = []
        al = landing.account(MASTODON, target.org_id, handle, window)
        self._landing = al
        prior = prior_context(cursors, ("posts", "mentions"))
        plans: dict[str, EndpointPlan] = {}
        try:
            client = self.client_for(handle)
            self._call(ma.LOOKUP, partial(client.account_lookup, handle))
            snap = ma.snapshot(al.pages, target, window, bool(prior))
            if snap.status in ("active", "protected") and snap.platform_user_id:
                plans["posts"] = self._plan(window, cursors.get("posts"), self.settings.posts_cap)
                self._statuses(client, snap.platform_user_id, plans["posts"])
                self._contexts(client, window, plans["posts"])
                if self.settings.mentions:
                    plan = self._plan(window, cursors.get("mentions"), self.settings.mentions_cap)
                    if self._mentions(handle, plan):
                        plans["mentions"] = plan
        finally:
            self._landing = None
        context = AssemblyContext(prior=prior, plans=plans, notes=tuple(self.notes))
        al.commit(context)
        return ma.assemble(al.pages, context, target, window, self.pseudonymise)
