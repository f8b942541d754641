"""Bluesky AppView pages → records. Pure: no network, no clock, no randomness.

Shapes are the lexicons' (github.com/bluesky-social/atproto, ``lexicons/app/bsky``):
``app.bsky.actor.getProfile`` answers a ``#profileViewDetailed`` (or, for an unknown or
taken-down actor, HTTP 400 with ``error`` ``InvalidRequest`` / ``AccountTakedown`` /
``AccountDeactivated``); ``app.bsky.feed.getAuthorFeed`` a ``feed`` of ``#feedViewPost``
(``post``, ``reply``, ``reason``: ``#reasonRepost`` / ``#reasonPin``) and a ``cursor``;
``app.bsky.feed.getPostThread`` a ``thread`` that is a ``#threadViewPost`` (``post``,
``parent``, ``replies``), a ``#notFoundPost`` (deleted) or a ``#blockedPost``;
``app.bsky.notification.listNotifications`` (with a login of the account itself)
``notifications`` (``uri``, ``author``, ``reason``, ``record``, ``indexedAt``) and a ``cursor``:
a ``mention`` is an inbound mention, a ``reply`` an inbound reply (once, whether its thread was
read or not); other reasons (likes, follows, reposts) are not messages and are left out.

Posts by the organisation's accounts (their handle is a registry handle, or their DID the
profile's) keep the handle; everybody else's replies in the threads are inbound, pseudonymised
by DID. Ids are AT URIs (``at://did/app.bsky.feed.post/rkey``). A handle that is a domain of its
own (not a ``*.bsky.social`` name) is the domain owner's proof of the account, so the snapshot
counts it as verified; so does a ``verification.verifiedStatus`` of ``valid``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from maturity.connectors.base import (
    SKIP_API_ERROR,
    SKIP_MISSING,
    SKIP_NOT_LOADED,
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
from maturity.platforms import BLUESKY
from maturity.pseudonym import mask_handles
from maturity.records import AccountSnapshot, CollectionBatch, InboundMessage, Post

if TYPE_CHECKING:
    from maturity.connectors.context import AssemblyContext, EndpointPlan
    from maturity.connectors.landing import LandedPage
    from maturity.evidence import Window
    from maturity.records import AccountStatus, InboundKind, PageRef, PostKind

PROFILE = "actor_profile"
FEED = "author_feed"
THREAD = "post_thread"
NOTIFICATIONS = "notifications"
MESSAGE_REASONS = ("mention", "reply")
"""The notification reasons that are messages to the account (``reasons`` of the request)."""
HOSTED_SUFFIXES = (".bsky.social",)
"""Handles under the hosting service's own domain prove no ownership of a domain."""
THREAD_VIEW = "app.bsky.feed.defs#threadViewPost"
NOT_FOUND = "app.bsky.feed.defs#notFoundPost"
BLOCKED = "app.bsky.feed.defs#blockedPost"
REPOST = "app.bsky.feed.defs#reasonRepost"
SUSPENDED_ERRORS = frozenset({"AccountTakedown"})
GONE_ERRORS = frozenset({"AccountDeactivated", "InvalidRequest", "NotFound"})


def domain_handle(handle: str | None) -> bool:
    """A handle that is a domain of its own (``gemeente.nl``), not ``name.bsky.social``."""
    return bool(handle) and not str(handle).lower().endswith(HOSTED_SUFFIXES)


def profile_page(pages: Sequence[LandedPage]) -> LandedPage | None:
    found = [p for p in pages if p.ref.endpoint == PROFILE]
    return found[-1] if found else None


def snapshot(
    pages: Sequence[LandedPage], target: Target, window: Window, seen_before: bool
) -> AccountSnapshot:
    base: dict[str, Any] = {
        "platform": BLUESKY,
        "org_id": target.org_id,
        "handle": target.account.handle,
        "function": target.account.function,
        "observed_at": window.end,
    }
    page = profile_page(pages)
    gone: AccountStatus = "deleted" if seen_before else "not_found"
    if page is None:
        return AccountSnapshot(**base, status=gone)
    if page.envelope.status != 200:
        try:
            error = page.json()
        except ValueError:
            error = {}
        name = error.get("error") if isinstance(error, dict) else None
        status: AccountStatus = "suspended" if name in SUSPENDED_ERRORS else gone
        return AccountSnapshot(**base, status=status, source=page.ref)
    data = page_body(page)
    handle = text_or_none(data.get("handle"))
    verification = data.get("verification")
    checked = (
        isinstance(verification, dict) and verification.get("verifiedStatus") == "valid"
    ) or domain_handle(handle)
    labels = data.get("labels")
    taken_down = isinstance(labels, list) and any(
        isinstance(lb, dict) and lb.get("val") == "!takedown" for lb in labels
    )
    return AccountSnapshot(
        **base,
        status="suspended" if taken_down else "active",
        platform_user_id=text_or_none(data.get("did")),
        display_name=text_or_none(data.get("displayName")),
        description=mask_handles(
            text_or_none(data.get("description")),
            target.own_handles | {target.account.handle, handle or target.account.handle},
        ),
        url=f"https://bsky.app/profile/{handle or target.account.handle}",
        profile_image_url=text_or_none(data.get("avatar")),
        banner_url=text_or_none(data.get("banner")),
        verified=checked,
        created_at=time_or_none(data.get("createdAt")),
        followers=count_or_none(data.get("followersCount")),
        following=count_or_none(data.get("followsCount")),
        post_count=count_or_none(data.get("postsCount")),
        source=page.ref,
    )


@dataclass
class People:
    own_handles: frozenset[str]
    own_dids: dict[str, str]
    pseudonymise: Pseudonymise

    def own(self, author: Mapping[str, Any]) -> str | None:
        did = text_or_none(author.get("did"))
        if did is not None and did in self.own_dids:
            return self.own_dids[did]
        handle = (text_or_none(author.get("handle")) or "").lower()
        return next((h for h in self.own_handles if h.lower() == handle), None)

    def label_did(self, did: str) -> str:
        return self.own_dids.get(did) or self.pseudonymise(BLUESKY, did)

    def label(self, author: Mapping[str, Any]) -> str:
        own = self.own(author)
        if own is not None:
            return own
        did = text_or_none(author.get("did"))
        handle = (text_or_none(author.get("handle")) or "").lower()
        return self.pseudonymise(BLUESKY, did or "handle:" + handle)


def did_of(uri: str | None) -> str | None:
    """The repository (author) DID of an AT URI ``at://did:plc:…/app.bsky.feed.post/…``."""
    if not uri or not uri.startswith("at://"):
        return None
    return uri[5:].split("/", 1)[0] or None


def _people(pages: Sequence[LandedPage], target: Target, pseudonymise: Pseudonymise) -> People:
    people = People(frozenset(target.own_handles | {target.account.handle}), {}, pseudonymise)
    for page in pages:
        if page.envelope.status != 200:
            continue
        for author in _authors(page):
            did = text_or_none(author.get("did"))
            own = people.own(author)
            if did and own:
                people.own_dids[did] = own
    return people


def _authors(page: LandedPage) -> Iterator[Mapping[str, Any]]:
    if page.ref.endpoint == PROFILE:
        yield page_body(page)
        return
    for view, _, _ in _views(page):
        author = view.get("author")
        if isinstance(author, dict):
            yield author


def _feed(page: LandedPage) -> list[Any]:
    feed = page_body(page).get("feed")
    return feed if isinstance(feed, list) else []


def _views(
    page: LandedPage, skips: Skips | None = None
) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None, str | None]]:
    """``(postView, reason, root uri)`` of each post on a feed or thread page; notFound and
    blocked thread entries are skipped (and added to ``skips`` when given)."""
    if page.ref.endpoint == FEED:
        for item in _feed(page):
            post = item.get("post") if isinstance(item, dict) else None
            if not isinstance(post, dict):
                if skips is not None:
                    skips.add(page.ref, None, "post", SKIP_MISSING)
                continue
            reason = item.get("reason")
            yield post, reason if isinstance(reason, dict) else None, None
    elif page.ref.endpoint == THREAD:
        thread = page_body(page).get("thread")
        root = None
        if isinstance(thread, dict) and isinstance(thread.get("post"), dict):
            root = _root_uri(thread["post"])
        yield from _walk(thread, page.ref, skips, root, top=True)
    elif page.ref.endpoint == NOTIFICATIONS:
        yield from _notification_views(page, skips)


def _notification_views(
    page: LandedPage, skips: Skips | None
) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None, str | None]]:
    """The mention and reply notifications of a page as post views (with their ``reason``)."""
    notes = page_body(page).get("notifications")
    for note in notes if isinstance(notes, list) else []:
        if not isinstance(note, dict) or note.get("reason") not in MESSAGE_REASONS:
            continue
        record = note.get("record")
        if not isinstance(record, dict):
            if skips is not None:
                skips.add(page.ref, note.get("uri"), "record", SKIP_MISSING)
            continue
        view = {k: note.get(k) for k in ("uri", "cid", "author", "indexedAt")}
        view["record"] = record
        view["reason"] = note.get("reason")
        yield view, None, _root_uri(view)


def _root_uri(post: Mapping[str, Any]) -> str | None:
    record = post.get("record")
    reply = record.get("reply") if isinstance(record, dict) else None
    root = reply.get("root") if isinstance(reply, dict) else None
    found = text_or_none(root.get("uri")) if isinstance(root, dict) else None
    return found or text_or_none(post.get("uri"))


def _walk(
    node: object, ref: PageRef, skips: Skips | None, root: str | None, *, top: bool = False
) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None, str | None]]:
    if not isinstance(node, dict):
        return
    kind = node.get("$type")
    if kind in (NOT_FOUND, BLOCKED) or node.get("notFound") or node.get("blocked"):
        if skips is not None:
            reason = SKIP_NOT_LOADED if kind == BLOCKED or node.get("blocked") else SKIP_API_ERROR
            skips.add(
                ref, node.get("uri"), "blocked" if reason == SKIP_NOT_LOADED else "notFound", reason
            )
        return
    post = node.get("post")
    if not isinstance(post, dict):
        if skips is not None:
            skips.add(ref, node.get("uri"), "post", SKIP_MISSING)
        return
    if not top:
        yield post, None, root
    replies = node.get("replies")
    for child in replies if isinstance(replies, list) else []:
        yield from _walk(child, ref, skips, root)


def _record(post: Mapping[str, Any]) -> Mapping[str, Any]:
    record = post.get("record")
    return record if isinstance(record, dict) else {}


def _parent(post: Mapping[str, Any]) -> str | None:
    reply = _record(post).get("reply")
    parent = reply.get("parent") if isinstance(reply, dict) else None
    return text_or_none(parent.get("uri")) if isinstance(parent, dict) else None


def _kind(post: Mapping[str, Any], reason: Mapping[str, Any] | None) -> PostKind:
    if reason is not None and reason.get("$type") == REPOST:
        return "repost"
    if _parent(post):
        return "reply"
    embed = _record(post).get("embed")
    if isinstance(embed, dict) and str(embed.get("$type", "")).startswith("app.bsky.embed.record"):
        return "quote"
    return "original"


def _facets(post: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    facets = _record(post).get("facets")
    for facet in facets if isinstance(facets, list) else []:
        features = facet.get("features") if isinstance(facet, dict) else None
        for feature in features if isinstance(features, list) else []:
            if isinstance(feature, dict):
                yield feature


def _created(
    post: Mapping[str, Any], reason: Mapping[str, Any] | None, ref: PageRef, skips: Skips
) -> datetime | None:
    if reason is not None and reason.get("$type") == REPOST:
        raw, name = reason.get("indexedAt"), "reason.indexedAt"
    else:
        raw, name = _record(post).get("createdAt"), "record.createdAt"
        if raw is None:
            raw, name = post.get("indexedAt"), "indexedAt"
    at = time_or_none(raw)
    if at is None:
        skips.add(ref, post.get("uri"), name, SKIP_MISSING if raw is None else SKIP_UNREADABLE)
    return at


def _to_post(
    post: Mapping[str, Any],
    pid: str,
    kind: PostKind,
    at: datetime,
    handle: str,
    root: str | None,
    people: People,
    target: Target,
    ref: PageRef,
) -> Post:
    parent = _parent(post) if kind == "reply" else None
    parent_did = did_of(parent)
    features = list(_facets(post))
    return Post(
        platform=BLUESKY,
        post_id=pid,
        org_id=target.org_id,
        handle=handle,
        created_at=at,
        kind=kind,
        conversation_id=root or _root_uri(post),
        in_reply_to_post_id=parent,
        in_reply_to_author=people.label_did(parent_did) if parent_did else None,
        urls=tuple(
            dict.fromkeys(
                str(f["uri"])
                for f in features
                if f.get("$type", "").endswith("#link") and f.get("uri")
            )
        ),
        hashtags=tuple(
            dict.fromkeys(
                str(f["tag"]).lower()
                for f in features
                if f.get("$type", "").endswith("#tag") and f.get("tag")
            )
        ),
        mentions=tuple(
            dict.fromkeys(
                people.label_did(str(f["did"]))
                for f in features
                if f.get("$type", "").endswith("#mention") and f.get("did")
            )
        ),
        like_count=count_or_none(post.get("likeCount")) or 0,
        repost_count=count_or_none(post.get("repostCount")) or 0,
        reply_count=count_or_none(post.get("replyCount")) or 0,
        quote_count=count_or_none(post.get("quoteCount")) or 0,
        source=ref,
    )


@dataclass
class _Collected:
    posts: dict[str, Post] = field(default_factory=dict)
    inbound: dict[str, InboundMessage] = field(default_factory=dict)
    seen: list[tuple[datetime, str]] = field(default_factory=list)
    mentions_seen: list[tuple[datetime, str]] = field(default_factory=list)


def _take(
    page: LandedPage,
    plan: EndpointPlan,
    window: Window,
    people: People,
    target: Target,
    skips: Skips,
    out: _Collected,
) -> None:
    feed = page.ref.endpoint == FEED
    for post, reason, root in _views(page, skips):
        uri = text_or_none(post.get("uri"))
        if uri is None:
            skips.add(page.ref, None, "uri", SKIP_MISSING)
            continue
        at = _created(post, reason, page.ref, skips)
        if at is None or not (at < window.end and (plan.lower is None or at >= plan.lower)):
            continue
        kind = _kind(post, reason)
        pid = f"{uri}#repost" if kind == "repost" else uri
        if feed:
            out.seen.append((at, pid))
        elif page.ref.endpoint == NOTIFICATIONS:
            out.mentions_seen.append((at, pid))
        author = post.get("author")
        author = author if isinstance(author, dict) else {"did": did_of(uri)}
        own = target.account.handle if feed and kind == "repost" else people.own(author)
        if own is not None:
            out.posts.setdefault(
                pid, _to_post(post, pid, kind, at, own, root, people, target, page.ref)
            )
            continue
        if feed or uri in out.inbound:
            continue  # a feed holds only the account's own posts and reposts
        parent = _parent(post)
        inbound_kind: InboundKind = "reply" if parent in out.posts else "comment"
        if post.get("reason") == "mention":
            inbound_kind = "mention"
        elif post.get("reason") == "reply":
            inbound_kind = "reply"
        out.inbound[uri] = InboundMessage(
            platform=BLUESKY,
            message_id=uri,
            org_id=target.org_id,
            handle=target.account.handle,
            author=people.label(author),
            created_at=at,
            kind=inbound_kind,
            conversation_id=root,
            in_reply_to_post_id=parent,
            source=page.ref,
        )


def _truncated(pages: Sequence[LandedPage], plan: EndpointPlan, endpoint: str = FEED) -> bool:
    own = [p for p in pages if p.ref.endpoint == endpoint and p.envelope.status == 200]
    if not own or text_or_none(page_body(own[-1]).get("cursor")) is None:
        return False
    if endpoint == NOTIFICATIONS:
        notes = [page_body(p).get("notifications") for p in own]
        items = [i for n in notes if isinstance(n, list) for i in n if isinstance(i, dict)]
        times = [time_or_none(i.get("indexedAt")) for i in items]
    else:
        items = [i for p in own for i in _feed(p) if isinstance(i, dict)]
        times = [
            time_or_none(_record(i["post"]).get("createdAt"))
            if isinstance(i.get("post"), dict)
            else None
            for i in items
        ]
    reached = plan.lower is not None and any(t is not None and t < plan.lower for t in times)
    return not reached and len(items) >= plan.cap


def assemble(
    pages: Sequence[LandedPage],
    context: AssemblyContext,
    target: Target,
    window: Window,
    pseudonymise: Pseudonymise,
) -> CollectionBatch:
    """The account's batch from one run's pages (profile, author feed, threads, and with a
    login the account's mention and reply notifications)."""
    pages = decoded(pages)
    people = _people(pages, target, pseudonymise)
    skips = Skips()
    out = _Collected()
    plan = context.plans.get("posts")
    mentions = context.plans.get("mentions")
    plans = {FEED: plan, THREAD: plan, NOTIFICATIONS: mentions}
    order = {FEED: 0, THREAD: 1, NOTIFICATIONS: 2}
    readable = [p for p in pages if p.ref.endpoint in order and p.envelope.status == 200]
    for page in sorted(readable, key=lambda p: order[p.ref.endpoint]):  # stable: fetch order
        page_plan = plans[page.ref.endpoint]
        if page_plan is not None:
            _take(page, page_plan, window, people, target, skips, out)
    cursors = []
    if plan is not None:
        cursors.append(
            newest_cursor(
                target, "posts", out.seen, context.prior.get("posts"), _truncated(pages, plan)
            )
        )
    if mentions is not None:
        cursors.append(
            newest_cursor(
                target,
                "mentions",
                out.mentions_seen,
                context.prior.get("mentions"),
                _truncated(pages, mentions, NOTIFICATIONS),
            )
        )
    return CollectionBatch(
        platform=BLUESKY,
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
