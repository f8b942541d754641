"""The Reddit connector: PRAW's ``Reddit`` over the policy transport, capturing every raw page.

PRAW parses responses into objects and keeps no bytes, so the pages are captured underneath
it: the ``requests.Session`` handed to prawcore's ``Requestor`` (``requestor_kwargs``) carries a
:class:`PolicyAdapter` whose ``on_page`` hook lands each answer from ``oauth_url`` verbatim
before prawcore reads it. PRAW is still what pages through the listings (``after``) and what
authenticates (client credentials, read-only; or the password grant when the connection has
``extra.username``/``extra.password``, which inbox mentions need). Records are then assembled
from the landed pages alone, as on replay.

The policy owns waiting and retrying: a ``Requestor`` subclass lets the policy's
``ConnectorError`` through unwrapped, and the adapter hides the rate-limit headers from
prawcore's own pacer (which would sleep on them with ``time.sleep``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from maturity.connectors import reddit_assembler as ra
from maturity.connectors.base import (
    Pseudonymise,
    Target,
    count_or_none,
    epoch_or_none,
    text_or_none,
)
from maturity.connectors.context import EndpointPlan, RedditContext
from maturity.connectors.incremental import bounds, prior_context
from maturity.connectors.ratelimit import RateLimitDeferred, RetryPolicy, reddit_rate_limit
from maturity.connectors.transport import PolicyAdapter
from maturity.errors import ConnectorError
from maturity.platforms import REDDIT

if TYPE_CHECKING:
    import praw
    import requests

    from maturity.connectors.landing import AccountLanding, Landing
    from maturity.connectors.settings import RedditSettings
    from maturity.evidence import Window
    from maturity.records import CollectionBatch, Cursor

ROUTES: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (name, re.compile(pattern), route)
    for name, pattern, route in (
        (ra.ABOUT, r"^/user/[^/]+/about/?$", "/user/:name/about"),
        (ra.SUBMITTED, r"^/user/[^/]+/submitted/?$", "/user/:name/submitted"),
        (ra.COMMENTS, r"^/user/[^/]+/comments/?$", "/user/:name/comments"),
        (ra.MODERATORS, r"^/r/[^/]+/about/moderators/?$", "/r/:subreddit/about/moderators"),
        (ra.SUB_NEW, r"^/r/[^/]+/new/?$", "/r/:subreddit/new"),
        (ra.SUB_COMMENTS, r"^/r/[^/]+/comments/?$", "/r/:subreddit/comments"),
        (ra.TREE, r"^/comments/[^/]+/?$", "/comments/:id"),
        (ra.MENTIONS, r"^/message/mentions/?$", "/message/mentions"),
    )
)
PAGE = 100


def route_of(path: str) -> tuple[str, str]:
    for name, pattern, route in ROUTES:
        if pattern.match(path):
            return name, route
    return "other", path


def _attr(thing: Any, name: str) -> Any:
    """A field of a PRAW object as the listing sent it, or None when the listing had none."""
    return vars(thing).get(name) if hasattr(thing, "__dict__") else getattr(thing, name, None)


def _requestor_class() -> type[Any]:
    from prawcore.exceptions import RequestException
    from prawcore.requestor import Requestor

    class PolicyRequestor(Requestor):  # type: ignore[misc]
        """prawcore's Requestor, except that a policy decision is not wrapped or retried."""

        def request(
            self, *args: Any, timeout: float | None = None, **kwargs: Any
        ) -> requests.Response:
            try:
                return super().request(*args, timeout=timeout, **kwargs)  # type: ignore[no-any-return]
            except RequestException as exc:
                if isinstance(exc.original_exception, (ConnectorError, RateLimitDeferred)):
                    raise exc.original_exception from None
                raise

    return PolicyRequestor


def _named(child: object, ids: frozenset[str] | None) -> bool:
    """Whether a listing's child is a thing (not a ``more`` placeholder) named in ``ids``
    (every thing, for ``None``)."""
    if not isinstance(child, dict) or child.get("kind") == "more":
        return False
    data = child.get("data")
    return isinstance(data, dict) and (ids is None or str(data.get("name")) in ids)


def _without(node: Any, ids: frozenset[str] | None) -> tuple[Any, bool]:
    """``node`` without the things ``ids``, at any depth; and whether any was taken out."""
    if isinstance(node, list):
        pairs = [_without(n, ids) for n in node]
        return [n for n, _ in pairs], any(c for _, c in pairs)
    if not isinstance(node, dict):
        return node, False
    data = node.get("data")
    if node.get("kind") == "Listing" and isinstance(data, dict):
        found = data.get("children")
        if not isinstance(found, list):
            return node, False
        kept = [_without(c, ids) for c in found if not _named(c, ids)]
        changed = len(kept) != len(found) or any(c for _, c in kept)
        return {**node, "data": {**data, "children": [k for k, _ in kept]}}, changed
    if isinstance(data, dict) and isinstance(data.get("replies"), dict):
        replies, changed = _without(data["replies"], ids)
        return {**node, "data": {**data, "replies": replies}}, changed
    return node, False


def without_things(ids: frozenset[str] | None) -> Callable[[Any], Any | None]:
    """A page rewrite for :func:`maturity.connectors.landing.redact_pages`: the listing page
    (or a submission's pair of listings) without the things ``ids`` (fullnames, ``t3_…``,
    ``t1_…``), also among nested replies; every thing, for ``None`` (the account withdrew its
    posts). ``None`` when the page holds none of them."""

    def rewrite(body: Any) -> Any | None:
        new, changed = _without(body, ids)
        return new if changed else None

    return rewrite


class RedditConnector:
    platform = REDDIT

    def __init__(
        self,
        settings: RedditSettings,
        pseudonymise: Pseudonymise,
        *,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        import praw
        import requests

        self.settings = settings
        self.pseudonymise = pseudonymise
        self._landing: AccountLanding | None = None
        self.notes: list[str] = []
        """What the last collect left out (unreadable optional listings, moderators, mentions)."""
        self.adapter = PolicyAdapter(
            platform=REDDIT,
            policy=RetryPolicy.from_settings(settings, sleep=sleep, clock=clock),
            read_rate_limit=reddit_rate_limit,
            timeout=settings.timeout,
            secrets=settings.secrets,
            scope=lambda path: "*",
            hide_rate_limit_headers=True,
            on_page=self._on_page,
        )
        session = self._session = requests.Session()
        session.mount("http://", self.adapter)
        session.mount("https://", self.adapter)
        auth: dict[str, str] = {}
        if settings.user_auth:
            auth = {"username": settings.username or "", "password": settings.password or ""}
        self.reddit: praw.Reddit = praw.Reddit(
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            user_agent=settings.user_agent,
            oauth_url=settings.oauth_url,
            reddit_url=settings.reddit_url,
            check_for_updates=False,
            timeout=int(settings.timeout),
            requestor_class=_requestor_class(),
            requestor_kwargs={"session": session},
            **auth,
        )
        if not settings.user_auth:
            self.reddit.read_only = True

    def close(self) -> None:
        self._session.close()

    def prepare(self, targets: Sequence[Target], window: Window, landing: Landing) -> None:
        """Nothing is shared between Reddit accounts. An attempt that resumes after a
        rate-limit deferral answers the interrupted account's requests from its checkpoint."""
        for t in targets:
            self.adapter.replay(landing.pending(REDDIT, t.org_id, t.account.handle, window))

    # -- capture -------------------------------------------------------------------------------
    def _on_page(
        self,
        request: requests.PreparedRequest,
        response: requests.Response,
        rate_headers: dict[str, str],
    ) -> None:
        url = request.url or ""
        if self._landing is None or not url.startswith(self.settings.oauth_url):
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

    def _fatal(self, endpoint: str, exc: Exception) -> ConnectorError:
        status = getattr(getattr(exc, "response", None), "status_code", "?")
        return ConnectorError(
            f"HTTP {status} from Reddit ({type(exc).__name__})",
            where=f"reddit account {self.adapter.account}, {endpoint}",
            fix="the account or subreddit may be private, banned or gone, or the app lacks "
            "access; this is not retried",
        )

    # -- listings ------------------------------------------------------------------------------
    def _walk(self, listing: Iterable[Any], lower: datetime | None, cap: int) -> list[Any]:
        """Page a newest-first listing until an item is older than ``lower``.

        An item without a readable ``created_utc`` (the assembler skips it) does not stop the
        walk. Attributes are read from the item's data (``_attr``), never through PRAW's lazy
        attribute access, which would fetch the item again for a missing field."""
        items = []
        for item in listing:
            items.append(item)
            at = epoch_or_none(_attr(item, "created_utc"))
            if (lower is not None and at is not None and at < lower) or len(items) >= cap:
                break
        return items

    def _listing(
        self,
        name: str,
        endpoint: str,
        make: Callable[[], Iterable[Any]],
        plan: EndpointPlan,
        optional: bool = False,
    ) -> list[Any]:
        from prawcore.exceptions import Forbidden, NotFound

        try:
            return self._walk(make(), plan.lower, self.settings.listing_cap)
        except (Forbidden, NotFound) as exc:
            if optional:
                self.notes.append(f"{endpoint}: not readable ({type(exc).__name__}); skipped")
                return []
            raise self._fatal(endpoint, exc) from None

    def _user(self, handle: str, plans: Mapping[str, EndpointPlan]) -> list[Any]:
        redditor = self.reddit.redditor(handle)
        kw: dict[str, Any] = {"limit": None, "request_limit": PAGE}
        submissions = self._listing(
            "submissions",
            ra.SUBMITTED,
            lambda: redditor.submissions.new(**kw),
            plans["submissions"],
        )
        self._listing(
            "comments", ra.COMMENTS, lambda: redditor.comments.new(**kw), plans["comments"]
        )
        return submissions

    def _trees(self, submissions: Sequence[Any], window: Window, plan: EndpointPlan) -> None:
        from prawcore.exceptions import Forbidden, NotFound

        lower = plan.lower
        for sub in submissions:
            at = epoch_or_none(_attr(sub, "created_utc"))
            sid = text_or_none(_attr(sub, "id"))
            in_window = at is not None and (lower is None or lower <= at) and at < window.end
            if not in_window or not sid or not count_or_none(_attr(sub, "num_comments")):
                continue
            submission = self.reddit.submission(id=sid)
            submission.comment_sort = "new"
            submission.comment_limit = self.settings.comment_limit
            try:
                submission._fetch()
            except (Forbidden, NotFound):
                self.notes.append(f"comments of {sub.id}: not readable; skipped")

    def _subreddit(self, name: str, plans: Mapping[str, EndpointPlan]) -> None:
        from prawcore.exceptions import Forbidden, NotFound

        subreddit = self.reddit.subreddit(name)
        try:
            list(subreddit.moderator())
        except (Forbidden, NotFound):
            self.notes.append(
                f"r/{name} moderators: not readable; moderators count as third parties"
            )
        kw: dict[str, Any] = {"limit": None, "request_limit": PAGE}
        self._listing(
            "subreddit_posts", ra.SUB_NEW, lambda: subreddit.new(**kw), plans["subreddit_posts"]
        )
        self._listing(
            "subreddit_comments",
            ra.SUB_COMMENTS,
            lambda: subreddit.comments(**kw),
            plans["subreddit_comments"],
        )

    def _mentions(
        self, handle: str, plans: dict[str, EndpointPlan], window: Window, cursor: Cursor | None
    ) -> None:
        """Read the inbox mentions, for the one account whose inbox it is.

        The inbox belongs to the authenticated user (``extra.username``), so it is read only
        when collecting the account with that handle; every other account gets a note and no
        mentions (the assembler also leaves out an inbox item whose ``dest`` is another user).
        """
        if not self.settings.mentions:
            return
        if not self.settings.user_auth:
            self.notes.append(
                "mentions: not authorised (needs extra.username and "
                "extra.password of the organisation's account); skipped"
            )
            return
        owner = (self.settings.username or "").removeprefix("u/")
        if owner.lower() != handle.lower():
            self.notes.append(
                f"mentions: the inbox read is u/{owner}'s, not this account's; skipped "
                "(give each Reddit account its own connection to read its mentions)"
            )
            return
        plans["mentions"] = self._plan(window, cursor)
        self._listing(
            "mentions",
            ra.MENTIONS,
            lambda: self.reddit.inbox.mentions(limit=None, request_limit=PAGE),
            plans["mentions"],
            optional=True,
        )

    def _plan(self, window: Window, cursor: Cursor | None) -> EndpointPlan:
        b = bounds(window, cursor, self.settings.overlap_seconds, ids_allowed=False)
        return b.plan(cap=self.settings.listing_cap)

    # -- one account ---------------------------------------------------------------------------
    def _status(self, target: Target, window: Window, seen_before: bool) -> str:
        from prawcore.exceptions import Forbidden, NotFound

        # A 403/404 page is landed too; the snapshot reads the status from it.
        with suppress(NotFound, Forbidden):
            self.reddit.redditor(target.account.handle)._fetch()
        pages = self._landing.pages if self._landing else []
        return ra.snapshot(pages, target, window, seen_before).status

    def _unusable(self, exc: Exception) -> ConnectorError:
        """Any other failure prawcore raises (a page that is not JSON): the account fails,
        named, and whatever was landed stays in the landing."""
        response = getattr(exc, "response", None)
        path = urlsplit(getattr(response, "url", "") or "").path or "(unknown endpoint)"
        status = getattr(response, "status_code", "?")
        return ConnectorError(
            self.adapter.redact(
                f"Reddit's answer could not be used ({type(exc).__name__}, HTTP {status})"
            ),
            where=f"reddit account {self.adapter.account}, GET {path}",
            fix="the page stays in the landing; check what the API answered (a proxy or "
            "captive portal page?) and collect the window again",
        )

    def collect(
        self, target: Target, window: Window, cursors: Mapping[str, Cursor], landing: Landing
    ) -> CollectionBatch:
        from prawcore.exceptions import PrawcoreException

        handle = target.account.handle
        self.adapter.account = f"u/{handle}"
        self.notes = []
        al = landing.account(REDDIT, target.org_id, handle, window)
        self._landing = al
        names = ("submissions", "comments", "subreddit_posts", "subreddit_comments", "mentions")
        prior = prior_context(cursors, names)
        plans: dict[str, EndpointPlan] = {}
        try:
            if self._status(target, window, bool(prior)) == "active":
                plans.update({n: self._plan(window, cursors.get(n)) for n in names[:2]})
                plans["trees"] = plans["submissions"]
                submissions = self._user(handle, plans)
                self._trees(submissions, window, plans["trees"])
                if target.account.subreddit:
                    plans.update({n: self._plan(window, cursors.get(n)) for n in names[2:4]})
                    self._subreddit(target.account.subreddit, plans)
                self._mentions(handle, plans, window, cursors.get("mentions"))
        except PrawcoreException as exc:
            raise self._unusable(exc) from None
        finally:
            self._landing = None
        context = RedditContext(
            subreddit=target.account.subreddit, prior=prior, plans=plans, notes=tuple(self.notes)
        )
        al.commit(context)
        return ra.assemble(al.pages, context, target, window, self.pseudonymise)
