"""Reddit listing pages → records. Pure: no network, no clock, no randomness.

Ids are Reddit *fullnames* (``t3_…`` submissions, ``t1_…`` comments), because comments point
at their parent by fullname. Posts by the organisation's own user accounts keep its handle;
posts and replies in its subreddit by a moderator are the organisation speaking there and are
attributed to ``r/<subreddit>``, without the moderator's name. Every other author becomes a
keyed pseudonym of ``u:<lower-case username>``; ``[deleted]`` authors stay ``[deleted]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from maturity.connectors.base import Pseudonymise, Target, from_epoch
from maturity.connectors.context import EndpointPlan, PriorCursor, RedditContext
from maturity.platforms import REDDIT
from maturity.records import (
    AccountSnapshot,
    CollectionBatch,
    Cursor,
    InboundKind,
    InboundMessage,
    PageRef,
    Post,
)

if TYPE_CHECKING:
    from datetime import datetime

    from maturity.connectors.landing import LandedPage
    from maturity.evidence import Window

ABOUT = "user_about"
SUBMITTED = "user_submitted"
COMMENTS = "user_comments"
SUB_NEW = "subreddit_new"
SUB_COMMENTS = "subreddit_comments"
MODERATORS = "subreddit_moderators"
TREE = "submission_comments"
MENTIONS = "inbox_mentions"
LISTINGS = {
    SUBMITTED: "submissions",
    COMMENTS: "comments",
    SUB_NEW: "subreddit_posts",
    SUB_COMMENTS: "subreddit_comments",
    MENTIONS: "mentions",
}
"""Paged listings and the cursor each one keeps."""
DELETED = "[deleted]"
_USER_MENTION = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})")


def children(body: Any) -> Iterator[dict[str, Any]]:
    """The items of a listing page, or of both listings of a submission's comment page."""
    listings = body if isinstance(body, list) else [body]
    for listing in listings:
        if isinstance(listing, dict) and listing.get("kind") == "Listing":
            for child in listing["data"].get("children") or []:
                if child.get("kind") in {"t1", "t3", "t4"}:
                    yield from _flatten(child)


def _flatten(child: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    data = dict(child["data"])
    data.setdefault("name", f"{child['kind']}_{data.get('id')}")
    yield data
    replies = data.get("replies")
    if isinstance(replies, dict):
        yield from children(replies)


@dataclass
class People:
    own: dict[str, str]
    """lower-case username → handle as the registry has it."""
    moderators: set[str]
    subreddit: str | None
    pseudonymise: Pseudonymise
    authors: dict[str, str] = field(default_factory=dict)
    """fullname → raw author, for every item on the pages (only used to pseudonymise)."""

    def org_voice(self, author: str) -> str | None:
        """The handle a post by ``author`` is attributed to, or None for a third party."""
        name = author.lower()
        if name in self.own:
            return self.own[name]
        if self.subreddit and name in self.moderators:
            return f"r/{self.subreddit}"
        return None

    def label(self, author: str) -> str:
        if author == DELETED or not author:
            return DELETED
        return self.org_voice(author) or self.pseudonymise(REDDIT, "u:" + author.lower())

    def of_item(self, fullname: str | None) -> str | None:
        author = self.authors.get(fullname or "")
        return self.label(author) if author else None


def snapshot(
    pages: Sequence[LandedPage], target: Target, window: Window, seen_before: bool
) -> AccountSnapshot:
    base: dict[str, Any] = {
        "platform": REDDIT,
        "org_id": target.org_id,
        "handle": target.account.handle,
        "function": target.account.function,
        "observed_at": window.end,
    }
    about = [p for p in pages if p.ref.endpoint == ABOUT]
    if not about:
        return AccountSnapshot(**base, status="deleted" if seen_before else "not_found")
    page = about[-1]
    if page.envelope.status != 200:
        return AccountSnapshot(
            **base, status="deleted" if seen_before else "not_found", source=page.ref
        )
    data = page.json().get("data") or {}
    if data.get("is_suspended"):
        return AccountSnapshot(**base, status="suspended", source=page.ref)
    profile = data.get("subreddit") or {}
    return AccountSnapshot(
        **base,
        status="active",
        platform_user_id=f"t2_{data['id']}" if data.get("id") else None,
        display_name=profile.get("title") or data.get("name"),
        description=profile.get("public_description") or None,
        url=f"https://www.reddit.com/user/{data.get('name', target.account.handle)}",
        profile_image_url=data.get("icon_img") or None,
        banner_url=profile.get("banner_img") or None,
        verified=data.get("verified"),
        created_at=from_epoch(data["created_utc"]) if data.get("created_utc") else None,
        followers=profile.get("subscribers"),
        source=page.ref,
    )


def _mentions(text: str, people: People) -> tuple[str, ...]:
    return tuple(dict.fromkeys(people.label(m) for m in _USER_MENTION.findall(text or "")))


def _to_post(
    item: Mapping[str, Any], handle: str, people: People, target: Target, ref: PageRef
) -> Post:
    is_comment = str(item["name"]).startswith("t1_")
    text = item.get("body") if is_comment else item.get("selftext")
    url = item.get("url")
    parent = item.get("parent_id") if is_comment else None
    return Post(
        platform=REDDIT,
        post_id=item["name"],
        org_id=target.org_id,
        handle=handle,
        created_at=from_epoch(item["created_utc"]),
        kind="reply" if is_comment else "original",
        conversation_id=item.get("link_id") if is_comment else item["name"],
        in_reply_to_post_id=parent,
        in_reply_to_author=people.of_item(parent),
        urls=(url,) if url and not is_comment and not item.get("is_self") else (),
        mentions=_mentions(str(text or ""), people),
        like_count=int(item.get("score") or 0),
        repost_count=int(item.get("num_crossposts") or 0),
        reply_count=int(item.get("num_comments") or 0),
        source=ref,
    )


def _context_link(item: Mapping[str, Any]) -> str | None:
    match = re.search(r"/comments/([a-z0-9]+)/", str(item.get("context") or ""))
    return f"t3_{match.group(1)}" if match else item.get("link_id")


def _to_inbound(
    item: Mapping[str, Any], kind: InboundKind, people: People, target: Target, ref: PageRef
) -> InboundMessage:
    name = str(item["name"])
    return InboundMessage(
        platform=REDDIT,
        message_id=name,
        org_id=target.org_id,
        handle=target.account.handle,
        author=people.label(str(item.get("author") or DELETED)),
        created_at=from_epoch(item["created_utc"]),
        kind=kind,
        conversation_id=(_context_link(item) if name.startswith(("t1_", "t4_")) else name),
        in_reply_to_post_id=item.get("parent_id"),
        source=ref,
    )


def _in_range(item: Mapping[str, Any], lower: datetime | None, window: Window) -> bool:
    at = from_epoch(item["created_utc"])
    return at < window.end and (lower is None or at >= lower)


@dataclass
class _Collected:
    posts: dict[str, Post] = field(default_factory=dict)
    inbound: dict[str, InboundMessage] = field(default_factory=dict)


def _inbound_kind(endpoint: str, item: Mapping[str, Any], org_items: set[str]) -> InboundKind:
    if endpoint == MENTIONS:
        return "mention"
    if endpoint == SUB_NEW:
        return "message"
    return "reply" if item.get("parent_id") in org_items else "comment"


def _take(
    item: Mapping[str, Any],
    endpoint: str,
    ref: PageRef,
    people: People,
    target: Target,
    org_items: set[str],
    out: _Collected,
) -> None:
    author = str(item.get("author") or DELETED)
    voice = people.org_voice(author) if author != DELETED else None
    if endpoint in {SUBMITTED, COMMENTS} or voice is not None:
        if item["name"] not in out.posts:
            out.posts[item["name"]] = _to_post(
                item, voice or target.account.handle, people, target, ref
            )
    elif item["name"] not in out.inbound:
        kind = _inbound_kind(endpoint, item, org_items)
        out.inbound[item["name"]] = _to_inbound(item, kind, people, target, ref)


def _truncated(
    pages: Sequence[LandedPage], endpoint: str, lower: datetime | None, plan: EndpointPlan
) -> bool:
    own = [p for p in pages if p.ref.endpoint == endpoint]
    if not own:
        return False
    last = own[-1].json()
    if (last.get("data") or {}).get("after"):
        return False
    items = [i for p in own for i in children(p.json())]
    reached = lower is not None and any(from_epoch(i["created_utc"]) < lower for i in items)
    return not reached and len(items) >= plan.cap - 100


def _cursor(
    target: Target,
    name: str,
    items: Sequence[Mapping[str, Any]],
    prior: PriorCursor | None,
    truncated: bool,
) -> Cursor:
    candidates = [(from_epoch(i["created_utc"]), str(i["name"])) for i in items]
    if prior is not None and prior.newest_id:
        candidates.append((prior.newest_at, prior.newest_id))
    newest = max(candidates) if candidates else None
    return Cursor(
        platform=REDDIT,
        org_id=target.org_id,
        handle=target.account.handle,
        endpoint=name,
        newest_id=newest[1] if newest else None,
        newest_at=newest[0] if newest else None,
        truncated=truncated,
    )


def _people(
    pages: Sequence[LandedPage],
    context: RedditContext,
    target: Target,
    pseudonymise: Pseudonymise,
) -> People:
    moderators = {
        str(m.get("name", "")).lower()
        for p in pages
        if p.ref.endpoint == MODERATORS and p.envelope.status == 200
        for m in (p.json().get("data") or {}).get("children") or []
    }
    people = People(
        own={h.lower(): h for h in target.own_handles | {target.account.handle}},
        moderators=moderators,
        subreddit=context.subreddit,
        pseudonymise=pseudonymise,
    )
    for page in pages:
        if page.envelope.status == 200 and page.ref.endpoint not in {ABOUT, MODERATORS}:
            for item in children(page.json()):
                people.authors.setdefault(str(item["name"]), str(item.get("author") or DELETED))
    return people


def assemble(
    pages: Sequence[LandedPage],
    context: RedditContext,
    target: Target,
    window: Window,
    pseudonymise: Pseudonymise,
) -> CollectionBatch:
    """The account's batch from one run's pages (profile, listings, trees) and its context."""
    plans = context.plans
    people = _people(pages, context, target, pseudonymise)
    org_items = {
        name
        for name, author in people.authors.items()
        if author != DELETED and people.org_voice(author)
    }
    out = _Collected()
    seen: dict[str, list[dict[str, Any]]] = {}
    for page in pages:
        endpoint = page.ref.endpoint
        plan = plans.get(LISTINGS.get(endpoint, "trees"))
        if plan is None or page.envelope.status != 200:
            continue
        lower = plan.lower
        for item in children(page.json()):
            if endpoint == TREE and str(item["name"]).startswith("t3_"):
                continue  # the submission itself: already a post from user_submitted
            if not _in_range(item, lower, window):
                continue
            seen.setdefault(endpoint, []).append(item)
            _take(item, endpoint, page.ref, people, target, org_items, out)
    cursors = []
    for endpoint, name in LISTINGS.items():
        plan = plans.get(name)
        if plan is None:
            continue
        cursors.append(
            _cursor(
                target,
                name,
                seen.get(endpoint, []),
                context.prior.get(name),
                _truncated(pages, endpoint, plan.lower, plan),
            )
        )
    posts = sorted(out.posts.values(), key=lambda p: (p.created_at, p.post_id))
    inbound = sorted(out.inbound.values(), key=lambda m: (m.created_at, m.message_id))
    return CollectionBatch(
        platform=REDDIT,
        org_id=target.org_id,
        handle=target.account.handle,
        window_start=window.start,
        window_end=window.end,
        snapshots=(snapshot(pages, target, window, context.seen_before),),
        posts=tuple(posts),
        inbound=tuple(inbound),
        cursors=tuple(cursors),
        pages=tuple(p.ref for p in pages),
    )
