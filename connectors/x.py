"""The X connector: tweepy's ``Client`` (API v2, app-only bearer token) over the policy transport.

tweepy always calls ``https://api.twitter.com``; the :class:`PolicyAdapter` mounted on
``client.session`` sends those requests to ``XSettings.base_url`` instead (the real API at
``https://api.x.com`` by default, or the loopback emulator). ``return_type=requests.Response``
gives the page bytes and headers as received, which are landed before anything is parsed.
tweepy's ``wait_on_rate_limit`` stays off: it recurses without bound; the policy waits instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from maturity.connectors import x_assembler as xa
from maturity.connectors.base import Pseudonymise, Target
from maturity.connectors.context import EndpointPlan, XContext
from maturity.connectors.incremental import bounds, prior_context
from maturity.connectors.ratelimit import RetryPolicy, x_rate_limit
from maturity.connectors.transport import PolicyAdapter
from maturity.errors import ConnectorError
from maturity.platforms import X

if TYPE_CHECKING:
    import requests

    from maturity.connectors.landing import AccountLanding, LandedPage, Landing
    from maturity.connectors.settings import XSettings
    from maturity.evidence import Window
    from maturity.records import CollectionBatch, Cursor

TWEEPY_HOSTS = ("https://api.twitter.com", "https://api.x.com")
"""Hosts tweepy may call (4.x hard-codes the first in ``BaseClient.request``)."""
LOOKUP_BATCH = 100
USER_FIELDS = [
    "created_at",
    "description",
    "entities",
    "pinned_tweet_id",
    "profile_image_url",
    "protected",
    "public_metrics",
    "url",
    "verified",
]
TWEET_FIELDS = [
    "author_id",
    "conversation_id",
    "created_at",
    "entities",
    "in_reply_to_user_id",
    "public_metrics",
    "referenced_tweets",
]
ROUTES = {
    xa.USERS: "/2/users/by",
    xa.TWEETS: "/2/users/:id/tweets",
    xa.MENTIONS: "/2/users/:id/mentions",
}


def _next_token(page: LandedPage) -> str | None:
    """The page's ``meta.next_token``, or None when there is none or the page cannot be read
    (the assembler reports an unreadable page; an empty page may still have a next token)."""
    try:
        body = page.json()
    except ValueError:
        return None
    meta = body.get("meta") if isinstance(body, dict) else None
    token = meta.get("next_token") if isinstance(meta, dict) else None
    return token if isinstance(token, str) and token else None


def without_tweets(ids: frozenset[str] | None) -> Callable[[Any], Any | None]:
    """A page rewrite for :func:`maturity.connectors.landing.redact_pages`: the page without
    the tweets ``ids`` (every tweet, for ``None``: the account withdrew its posts), in ``data``
    and in ``includes.tweets``; ``None`` when the page holds none of them."""

    def drop(tweet: object) -> bool:
        if not isinstance(tweet, dict):
            return False
        return ids is None or str(tweet.get("id")) in ids

    def rewrite(body: Any) -> Any | None:
        if not isinstance(body, dict):
            return None
        out = dict(body)
        changed = False
        data = body.get("data")
        if isinstance(data, list) and any(drop(t) for t in data):
            out["data"] = [t for t in data if not drop(t)]
            changed = True
        includes = body.get("includes")
        tweets = includes.get("tweets") if isinstance(includes, dict) else None
        if isinstance(includes, dict) and isinstance(tweets, list) and any(drop(t) for t in tweets):
            out["includes"] = {**includes, "tweets": [t for t in tweets if not drop(t)]}
            changed = True
        return out if changed else None

    return rewrite


class XConnector:
    platform = X

    def __init__(
        self,
        settings: XSettings,
        pseudonymise: Pseudonymise,
        *,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        import requests
        import tweepy

        self.settings = settings
        self.pseudonymise = pseudonymise
        self.adapter = PolicyAdapter(
            platform=X,
            policy=RetryPolicy.from_settings(settings, sleep=sleep, clock=clock),
            read_rate_limit=x_rate_limit,
            timeout=settings.timeout,
            secrets=settings.secrets,
            redirect={host: settings.base_url for host in TWEEPY_HOSTS},
        )
        self.client = tweepy.Client(
            bearer_token=settings.bearer_token,
            return_type=requests.Response,
            wait_on_rate_limit=False,
        )
        self.client.user_agent = settings.user_agent
        for host in TWEEPY_HOSTS:
            self.client.session.mount(host, self.adapter)
        self._lookup: dict[str, LandedPage] = {}
        self.notes: tuple[str, ...] = ()
        """X leaves nothing out on its own: every endpoint planned is read or the account fails."""

    def close(self) -> None:
        self.client.session.close()

    # -- requests ------------------------------------------------------------------------------
    def _call(self, endpoint: str, handle: str, fn: Callable[[], Any]) -> requests.Response:
        import tweepy

        self.adapter.account = f"@{handle}" if handle else "(lookup)"
        try:
            response: requests.Response = fn()
        except tweepy.HTTPException as exc:
            raise ConnectorError(
                self.adapter.redact(
                    f"HTTP {exc.response.status_code} from X on {endpoint} "
                    f"({'; '.join(exc.api_messages) or exc.response.reason})"
                ),
                where=f"x account @{handle}, GET {ROUTES[endpoint]}",
                fix="the account may have become protected or suspended during the run, or the "
                "app lacks access to this endpoint; this is not retried",
            ) from None
        return response

    @staticmethod
    def _land(al: AccountLanding, endpoint: str, response: requests.Response) -> LandedPage:
        return al.land(
            endpoint=endpoint,
            route=ROUTES[endpoint],
            url=response.url,
            status=response.status_code,
            headers=response.headers,
            body=response.content,
        )

    # -- the shared lookup ---------------------------------------------------------------------
    def prepare(self, targets: Sequence[Target], window: Window, landing: Landing) -> None:
        """Resolve every handle (and the organisations' other handles), 100 per request.

        An attempt that resumes after a rate-limit deferral takes the lookups and pages the
        interrupted attempt landed from its checkpoint instead of asking again."""
        for t in targets:
            pending = landing.pending(X, t.org_id, t.account.handle, window)
            self.adapter.replay(pending)
            for page in pending:
                if page.ref.endpoint == xa.USERS:
                    for name in page.envelope.params.get("usernames", "").split(","):
                        if name:
                            self._lookup.setdefault(name.lower(), page)
        self._resolve(
            {h for t in targets for h in (t.own_handles | {t.account.handle})}, window, landing
        )

    def _resolve(self, handles: set[str], window: Window, landing: Landing) -> None:
        todo = sorted({h.lower() for h in handles} - set(self._lookup))
        shared = landing.shared(X, "users", window)
        for i in range(0, len(todo), LOOKUP_BATCH):
            chunk = todo[i : i + LOOKUP_BATCH]
            response = self._call(
                xa.USERS,
                "",
                partial(self.client.get_users, usernames=chunk, user_fields=USER_FIELDS),
            )
            page = self._land(shared, xa.USERS, response)
            for handle in chunk:
                self._lookup[handle] = page

    # -- one account ---------------------------------------------------------------------------
    def _timeline(
        self,
        al: AccountLanding,
        endpoint: str,
        user_id: str,
        handle: str,
        params: Mapping[str, Any],
    ) -> None:
        method = (
            self.client.get_users_tweets
            if endpoint == xa.TWEETS
            else self.client.get_users_mentions
        )
        cap_pages = self.settings.posts_cap if endpoint == xa.TWEETS else self.settings.mentions_cap
        token: str | None = None
        for _ in range(cap_pages // self.settings.page_size + 2):
            response = self._call(
                endpoint, handle, partial(method, user_id, pagination_token=token, **params)
            )
            token = _next_token(self._land(al, endpoint, response))
            if not token:
                return

    def _plan(self, window: Window, cursor: Cursor | None, cap: int) -> EndpointPlan:
        b = bounds(window, cursor, self.settings.overlap_seconds)
        return b.plan(cap=cap, page_size=self.settings.page_size)

    def _params(self, plan: EndpointPlan, window: Window, mentions: bool) -> dict[str, Any]:
        params: dict[str, Any] = {
            "max_results": self.settings.page_size,
            "tweet_fields": TWEET_FIELDS,
            "end_time": window.end,
        }
        if plan.since_id:
            params["since_id"] = plan.since_id
        else:
            params["start_time"] = plan.lower
        if mentions:
            params["expansions"] = ["author_id"]
        return params

    def collect(
        self, target: Target, window: Window, cursors: Mapping[str, Cursor], landing: Landing
    ) -> CollectionBatch:
        handle = target.account.handle
        own = sorted(target.own_handles | {handle})
        self._resolve(set(own), window, landing)
        al = landing.account(X, target.org_id, handle, window)
        lookup_pages = list(
            {p.ref.path: p for p in (self._lookup[h.lower()] for h in own)}.values()
        )
        for page in lookup_pages:
            al.include(page)
        own_ids = {uid: h for h in own if (uid := xa.user_id_of(lookup_pages, h))}
        prior = prior_context(cursors, ("posts", "mentions"))
        snap = xa.snapshot(lookup_pages, target, window, seen_before=bool(prior))
        user_id = snap.platform_user_id
        plans: dict[str, EndpointPlan] = {}
        if snap.status == "active" and user_id:
            plans["posts"] = self._plan(window, cursors.get("posts"), self.settings.posts_cap)
            if self.settings.mentions:
                plans["mentions"] = self._plan(
                    window, cursors.get("mentions"), self.settings.mentions_cap
                )
            self._timeline(
                al, xa.TWEETS, user_id, handle, self._params(plans["posts"], window, mentions=False)
            )
            if "mentions" in plans:
                self._timeline(
                    al,
                    xa.MENTIONS,
                    user_id,
                    handle,
                    self._params(plans["mentions"], window, mentions=True),
                )
        context = XContext(own_ids=own_ids, prior=prior, plans=plans, notes=self.notes)
        al.commit(context)
        return xa.assemble(al.pages, context, target, window, self.pseudonymise)
