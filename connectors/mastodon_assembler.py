"""Mastodon pages → records. Pure: no network, no clock, no randomness.

Shapes are the Mastodon REST API's entities (docs.joinmastodon.org/entities): the account
lookup answers an ``Account``; ``/api/v1/accounts/:id/statuses`` a list of ``Status``;
``/api/v1/statuses/:id/context`` a ``Context`` (``ancestors`` and ``descendants``, lists of
``Status``); ``/api/v1/notifications`` a list of ``Notification`` (``type``, ``account``,
``status``).

Statuses by the organisation's own accounts (their ``acct`` is one of the registry handles, or
their id is the looked-up account's) are posts under that handle; everybody else's statuses in
a status's descendants are inbound replies, and mention notifications are inbound mentions.
Third parties become keyed pseudonyms of ``id:<account id>`` (ids are the instance's own: the
connection reads everything through one instance). A status without an ``id`` or a readable
``created_at`` is a :class:`~maturity.records.SkippedItem`, and so is a descendant without an
``account``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from maturity.connectors.base import (
    SKIP_ELSEWHERE,
    SKIP_MISSING,
    SKIP_UNREADABLE,
    Pseudonymise,
    Skips,
    Target,
    count_or_none,
    page_body,
    text_or_none,
    time_or_none,
)
from maturity.connectors.decoded import decoded
from maturity.connectors.incremental import newest_cursor
from maturity.platforms import MASTODON
from maturity.pseudonym import mask_handles
from maturity.records import AccountSnapshot, CollectionBatch, InboundMessage, Post

if TYPE_CHECKING:
    from maturity.connectors.context import AssemblyContext, EndpointPlan
    from maturity.connectors.landing import LandedPage
    from maturity.evidence import Window
    from maturity.records import AccountStatus, InboundKind, PageRef, PostKind

LOOKUP = "accounts_lookup"
STATUSES = "account_statuses"
CONTEXT = "status_context"
NOTIFICATIONS = "notifications"
CREDENTIALS = "verify_credentials"
LISTINGS = {STATUSES: "posts", NOTIFICATIONS: "mentions"}
"""Paged endpoints and the cursor each one keeps; contexts use the ``posts`` plan."""
_TAG = re.compile(r"<[^>]+>")
_HREF = re.compile(r'<a\s[^>]*href="([^"]+)"[^>]*>', re.IGNORECASE)


def plain(content: str | None) -> str | None:
    """Status or note HTML as text (tags dropped, entities decoded)."""
    if content is None:
        return None
    text = html.unescape(_TAG.sub(" ", content.replace("<br>", "\n").replace("</p>", "\n")))
    return re.sub(r"[ \t]+", " ", text).strip() or None


def local_acct(handle: str) -> str:
    """``user@host`` → ``user`` (how an account on the connection's own instance is named)."""
    return handle.lower().split("@", 1)[0]


def same_account(acct: str, handle: str) -> bool:
    """Whether ``acct`` (as the instance names it: ``user`` when local, ``user@host`` when not)
    is the registry's ``user@host``."""
    acct, handle = acct.lower(), handle.lower()
    return acct == handle or ("@" not in acct and acct == local_acct(handle))


def lookup_page(pages: Sequence[LandedPage]) -> LandedPage | None:
    found = [p for p in pages if p.ref.endpoint == LOOKUP]
    return found[-1] if found else None


def snapshot(
    pages: Sequence[LandedPage], target: Target, window: Window, seen_before: bool
) -> AccountSnapshot:
    base: dict[str, Any] = {
        "platform": MASTODON,
        "org_id": target.org_id,
        "handle": target.account.handle,
        "function": target.account.function,
        "observed_at": window.end,
    }
    page = lookup_page(pages)
    gone: AccountStatus = "deleted" if seen_before else "not_found"
    if page is None:
        return AccountSnapshot(**base, status=gone)
    if page.envelope.status == 410:
        return AccountSnapshot(**base, status="suspended", source=page.ref)
    if page.envelope.status != 200:
        return AccountSnapshot(**base, status=gone, source=page.ref)
    data = page_body(page)
    if data.get("suspended") is True:
        return AccountSnapshot(**base, status="suspended", source=page.ref)
    fields = data.get("fields")
    fields = [f for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []
    verified = any(text_or_none(f.get("verified_at")) for f in fields)
    name = text_or_none(data.get("acct")) or target.account.handle
    return AccountSnapshot(
        **base,
        status="protected" if data.get("locked") is True else "active",
        platform_user_id=text_or_none(data.get("id")),
        display_name=text_or_none(data.get("display_name")),
        description=mask_handles(
            plain(text_or_none(data.get("note"))),
            target.own_handles | {target.account.handle, name},
        ),
        url=_website(fields),
        profile_image_url=text_or_none(data.get("avatar")),
        banner_url=None if _missing(data.get("header")) else text_or_none(data.get("header")),
        verified=verified if fields else None,
        created_at=time_or_none(data.get("created_at")),
        followers=count_or_none(data.get("followers_count")),
        following=count_or_none(data.get("following_count")),
        post_count=count_or_none(data.get("statuses_count")),
        source=page.ref,
    )


def _website(fields: Sequence[Mapping[str, Any]]) -> str | None:
    """The profile's website: the first field linking out, a verified (``rel=me``) one first."""
    ordered = sorted(fields, key=lambda f: text_or_none(f.get("verified_at")) is None)
    for f in ordered:
        href = _HREF.search(text_or_none(f.get("value")) or "")
        if href is not None:
            return html.unescape(href.group(1))
    return None


def _missing(image: object) -> bool:
    """Mastodon serves ``…/headers/original/missing.png`` for a profile without a header."""
    return isinstance(image, str) and image.endswith("/missing.png")


@dataclass
class People:
    own_handles: frozenset[str]
    own_ids: dict[str, str]
    """Account id → registry handle of the organisation's accounts seen on the pages."""
    pseudonymise: Pseudonymise

    def own_handle(self, account: Mapping[str, Any]) -> str | None:
        aid = text_or_none(account.get("id"))
        if aid is not None and aid in self.own_ids:
            return self.own_ids[aid]
        acct = text_or_none(account.get("acct")) or ""
        for handle in self.own_handles:
            if acct and same_account(acct, handle):
                return handle
        return None

    def label_id(self, account_id: str | None) -> str | None:
        if account_id is None:
            return None
        return self.own_ids.get(account_id) or self.pseudonymise(MASTODON, "id:" + account_id)

    def label(self, account: Mapping[str, Any]) -> str:
        own = self.own_handle(account)
        if own is not None:
            return own
        aid = text_or_none(account.get("id"))
        acct = (text_or_none(account.get("acct")) or "").lower()
        return self.pseudonymise(MASTODON, "id:" + aid if aid else "acct:" + acct)


def _people(pages: Sequence[LandedPage], target: Target, pseudonymise: Pseudonymise) -> People:
    handles = frozenset(target.own_handles | {target.account.handle})
    people = People(handles, {}, pseudonymise)
    for account in _accounts(pages):
        aid = text_or_none(account.get("id"))
        own = people.own_handle(account)
        if aid is not None and own is not None:
            people.own_ids[aid] = own
    return people


def _accounts(pages: Sequence[LandedPage]) -> Iterator[Mapping[str, Any]]:
    for page in pages:
        if page.envelope.status != 200:
            continue
        if page.ref.endpoint in (LOOKUP, CREDENTIALS):
            yield page_body(page)
            continue
        for status, _ in _statuses(page):
            account = status.get("account")
            if isinstance(account, dict):
                yield account


def _statuses(page: LandedPage) -> Iterator[tuple[dict[str, Any], str | None]]:
    """The statuses of a page with the id of their conversation's root (when the page says)."""
    endpoint = page.ref.endpoint
    if endpoint == STATUSES:
        for item in _notifications(page):  # a list of statuses, read the same way
            if isinstance(item, dict):
                yield item, None
    elif endpoint == CONTEXT:
        body = page_body(page)
        ancestors = body.get("ancestors")
        ancestors = ancestors if isinstance(ancestors, list) else []
        focal = page.envelope.path.rstrip("/").split("/")[-2] if page.envelope.path else None
        root = next(
            (text_or_none(a.get("id")) for a in ancestors if isinstance(a, dict)), None
        ) or text_or_none(focal)
        descendants = body.get("descendants")
        for item in descendants if isinstance(descendants, list) else []:
            if isinstance(item, dict):
                yield item, root
    elif endpoint == NOTIFICATIONS:
        for item in _notifications(page):
            status = item.get("status") if isinstance(item, dict) else None
            if isinstance(status, dict):
                yield status, None


def _notifications(page: LandedPage) -> list[Any]:
    """The page's JSON list (statuses or notifications); an object (an error) reads as empty."""
    body = page_body(page, list)
    return body if isinstance(body, list) else []


def _created(item: Mapping[str, Any], ref: PageRef, skips: Skips) -> datetime | None:
    raw = item.get("created_at")
    at = time_or_none(raw)
    if at is None:
        skips.add(
            ref, item.get("id"), "created_at", SKIP_MISSING if raw is None else SKIP_UNREADABLE
        )
    return at


def _kind(status: Mapping[str, Any]) -> PostKind:
    if isinstance(status.get("reblog"), dict):
        return "repost"
    if isinstance(status.get("quote"), dict):
        return "quote"
    if text_or_none(status.get("in_reply_to_id")):
        return "reply"
    return "original"


def _urls(content: str, status: Mapping[str, Any]) -> tuple[str, ...]:
    skip = set()
    for key in ("mentions", "tags"):
        found = status.get(key)
        for m in found if isinstance(found, list) else []:
            if isinstance(m, dict) and (url := text_or_none(m.get("url"))):
                skip.add(url)
    out = []
    for anchor in re.finditer(r"<a\s[^>]*>", content, re.IGNORECASE):
        tag = anchor.group(0)
        href = _HREF.match(tag)
        if href is None or 'class="mention' in tag or "hashtag" in tag:
            continue
        url = html.unescape(href.group(1))
        if url not in skip:
            out.append(url)
    return tuple(dict.fromkeys(out))


def _to_post(
    status: Mapping[str, Any],
    sid: str,
    at: datetime,
    handle: str,
    root: str | None,
    people: People,
    target: Target,
    ref: PageRef,
) -> Post:
    kind = _kind(status)
    shown = status["reblog"] if kind == "repost" else status
    content = text_or_none(shown.get("content")) or ""
    tags = shown.get("tags")
    mentions = shown.get("mentions")
    parent = text_or_none(status.get("in_reply_to_id"))
    return Post(
        platform=MASTODON,
        post_id=sid,
        org_id=target.org_id,
        handle=handle,
        created_at=at,
        kind=kind,
        conversation_id=root if root else (sid if kind != "reply" else None),
        in_reply_to_post_id=parent,
        in_reply_to_author=people.label_id(text_or_none(status.get("in_reply_to_account_id")))
        if parent
        else None,
        urls=_urls(content, shown),
        hashtags=tuple(
            dict.fromkeys(
                str(t["name"]).lower()
                for t in (tags if isinstance(tags, list) else [])
                if isinstance(t, dict) and text_or_none(t.get("name"))
            )
        ),
        mentions=tuple(
            dict.fromkeys(
                people.label(m)
                for m in (mentions if isinstance(mentions, list) else [])
                if isinstance(m, dict)
            )
        ),
        like_count=count_or_none(shown.get("favourites_count")) or 0,
        repost_count=count_or_none(shown.get("reblogs_count")) or 0,
        reply_count=count_or_none(shown.get("replies_count")) or 0,
        quote_count=count_or_none(shown.get("quotes_count")) or 0,
        source=ref,
    )


@dataclass
class _Collected:
    posts: dict[str, Post] = field(default_factory=dict)
    inbound: dict[str, InboundMessage] = field(default_factory=dict)
    seen: dict[str, list[tuple[datetime, str]]] = field(default_factory=dict)


def _inbound(
    status: Mapping[str, Any],
    sid: str,
    at: datetime,
    kind: InboundKind,
    root: str | None,
    people: People,
    target: Target,
    ref: PageRef,
) -> InboundMessage:
    return InboundMessage(
        platform=MASTODON,
        message_id=sid,
        org_id=target.org_id,
        handle=target.account.handle,
        author=people.label(status["account"]),
        created_at=at,
        kind=kind,
        conversation_id=root,
        in_reply_to_post_id=text_or_none(status.get("in_reply_to_id")),
        source=ref,
    )


def _in_plan(at: datetime, plan: EndpointPlan, window: Window) -> bool:
    return at < window.end and (plan.lower is None or at >= plan.lower)


def _page_items(
    page: LandedPage, skips: Skips
) -> list[tuple[dict[str, Any], str | None, str | None]]:
    """``(status, conversation root, notification id)`` of each status on a page; for
    notifications only mentions, each with its status (one without is skipped)."""
    if page.ref.endpoint != NOTIFICATIONS:
        return [(s, root, None) for s, root in _statuses(page)]
    items: list[tuple[dict[str, Any], str | None, str | None]] = []
    for note in _notifications(page):
        if not isinstance(note, dict) or note.get("type") != "mention":
            continue
        status = note.get("status")
        if not isinstance(status, dict):
            skips.add(page.ref, note.get("id"), "status", SKIP_MISSING)
            continue
        items.append((status, None, text_or_none(note.get("id"))))
    return items


def _elsewhere(status: Mapping[str, Any], target: Target) -> bool:
    """A mention whose ``mentions`` name other accounts but not the one collected."""
    mentions = status.get("mentions")
    named = [m for m in (mentions if isinstance(mentions, list) else []) if isinstance(m, dict)]
    return bool(named) and not any(
        same_account(text_or_none(m.get("acct")) or "", target.account.handle) for m in named
    )


def _inbound_kind(endpoint: str, status: Mapping[str, Any], own_posts: set[str]) -> InboundKind:
    if endpoint == NOTIFICATIONS:
        return "mention"
    return "reply" if text_or_none(status.get("in_reply_to_id")) in own_posts else "comment"


def _read_page(
    page: LandedPage,
    plan: EndpointPlan,
    window: Window,
    people: People,
    target: Target,
    skips: Skips,
    out: _Collected,
) -> None:
    endpoint = page.ref.endpoint
    own_posts = set(out.posts)
    for status, root, note_id in _page_items(page, skips):
        sid = text_or_none(status.get("id"))
        if sid is None:
            skips.add(page.ref, None, "id", SKIP_MISSING)
            continue
        at = _created(status, page.ref, skips)
        if at is None or not _in_plan(at, plan, window):
            continue
        account = status.get("account")
        if endpoint != STATUSES and not isinstance(account, dict):
            skips.add(page.ref, sid, "account", SKIP_MISSING)
            continue
        # the account's own timeline is its own, whatever an odd ``account`` says
        own = target.account.handle if endpoint == STATUSES else people.own_handle(account or {})
        if endpoint == NOTIFICATIONS and _elsewhere(status, target):
            skips.add(page.ref, sid, "mentions", SKIP_ELSEWHERE)
            continue
        if endpoint in LISTINGS:
            out.seen.setdefault(endpoint, []).append((at, note_id or sid))
        if own is not None:
            if sid not in out.posts:
                out.posts[sid] = _to_post(status, sid, at, own, root, people, target, page.ref)
        elif sid not in out.inbound:
            kind = _inbound_kind(endpoint, status, own_posts)
            out.inbound[sid] = _inbound(status, sid, at, kind, root, people, target, page.ref)


def _truncated(pages: Sequence[LandedPage], endpoint: str, plan: EndpointPlan) -> bool:
    items: list[Any] = []
    for p in pages:
        if p.ref.endpoint == endpoint and p.envelope.status == 200:
            body = page_body(p, list)
            items.extend(body if isinstance(body, list) else [])
    times = [time_or_none(i.get("created_at")) for i in items if isinstance(i, dict)]
    reached = plan.lower is not None and any(t is not None and t < plan.lower for t in times)
    return not reached and len(items) >= plan.cap


def assemble(
    pages: Sequence[LandedPage],
    context: AssemblyContext,
    target: Target,
    window: Window,
    pseudonymise: Pseudonymise,
) -> CollectionBatch:
    """The account's batch from one run's pages (lookup, statuses, contexts, notifications)."""
    pages = decoded(pages)
    plans = context.plans
    people = _people(pages, target, pseudonymise)
    skips = Skips()
    out = _Collected()
    order = {STATUSES: 0, CONTEXT: 1, NOTIFICATIONS: 2}
    readable = [p for p in pages if p.ref.endpoint in order and p.envelope.status == 200]
    for page in sorted(readable, key=lambda p: order[p.ref.endpoint]):  # stable: fetch order
        plan = plans.get(LISTINGS.get(page.ref.endpoint, "posts"))
        if plan is not None:
            _read_page(page, plan, window, people, target, skips, out)
    cursors = [
        newest_cursor(
            target,
            name,
            out.seen.get(endpoint, []),
            context.prior.get(name),
            _truncated(pages, endpoint, plans[name]),
        )
        for endpoint, name in LISTINGS.items()
        if name in plans
    ]
    return CollectionBatch(
        platform=MASTODON,
        org_id=target.org_id,
        handle=target.account.handle,
        window_start=window.start,
        window_end=window.end,
        snapshots=(snapshot(pages, target, window, context.seen_before),),
        posts=tuple(sorted(out.posts.values(), key=lambda p: (p.created_at, p.post_id))),
        inbound=tuple(sorted(out.inbound.values(), key=lambda m: (m.created_at, m.message_id))),
        cursors=tuple(cursors),
        pages=tuple(p.ref for p in pages),
        skipped=skips.result(),
    )
