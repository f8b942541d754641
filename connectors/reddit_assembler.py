"""Reddit listing pages → records. Pure: no network, no clock, no randomness.

Ids are Reddit *fullnames* (``t3_…`` submissions, ``t1_…`` comments), because comments point
at their parent by fullname. Posts by the organisation's own user accounts keep its handle;
posts and replies in its subreddit by a moderator are the organisation speaking there and are
attributed to ``r/<subreddit>``, without the moderator's name. Every other author becomes a
keyed pseudonym of ``u:<lower-case username>``; ``[deleted]`` and ``[removed]`` authors stay
as they are (nobody can be identified from them).

Every field of a ``Thing`` but its ``kind`` may be missing (see docs/connectors.md): an item
without an id or a ``created_utc`` is left out as a :class:`~maturity.records.SkippedItem`,
and so is each ``more`` placeholder (comments Reddit did not send) and, in the inbox, each
mention addressed (``dest``) to another user than the account collected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from maturity.connectors.base import (
    SKIP_ELSEWHERE,
    SKIP_MISSING,
    SKIP_NOT_LOADED,
    SKIP_UNREADABLE,
    Pseudonymise,
    Skips,
    Target,
    count_or_none,
    epoch_or_none,
    page_body,
    text_or_none,
)
from maturity.connectors.context import EndpointPlan, RedditContext
from maturity.connectors.decoded import decoded
from maturity.connectors.incremental import newest_cursor
from maturity.connectors.text_features import TextFeatures, features_of, text_features
from maturity.platforms import REDDIT
from maturity.pseudonym import mask_handles
from maturity.records import (
    AccountSnapshot,
    CollectionBatch,
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
REMOVED = "[removed]"
GONE = frozenset({DELETED, REMOVED})
"""Authors Reddit shows instead of a name: the account was deleted, or a moderator removed the
item. Kept as they are, never pseudonymised."""
_USER_MENTION = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})")


def children(
    body: Any, ref: PageRef | None = None, skips: Skips | None = None
) -> Iterator[dict[str, Any]]:
    """The items of a listing page, or of both listings of a submission's comment page, with
    their replies. Each has a ``name`` (fullname); ``more`` placeholders and children that are
    not objects, or have no id, are left out (and added to ``skips`` when given)."""
    listings = body if isinstance(body, list) else [body]
    for listing in listings:
        if not isinstance(listing, dict) or listing.get("kind") != "Listing":
            continue
        data = listing.get("data")
        found = data.get("children") if isinstance(data, dict) else None
        for child in found if isinstance(found, list) else []:
            item = _child(child, ref, skips)
            if item is None:
                continue
            yield item
            replies = item.get("replies")
            if isinstance(replies, dict):
                yield from children(replies, ref, skips)


def _child(child: object, ref: PageRef | None, skips: Skips | None) -> dict[str, Any] | None:
    """A listing child's data with its ``name``, or None when it is not an item to read."""

    def skip(item_id: object, field: str | None, reason: str) -> None:
        if ref is not None and skips is not None:
            skips.add(ref, item_id, field, reason)

    kind = child.get("kind") if isinstance(child, dict) else None
    item = child.get("data") if isinstance(child, dict) else None
    if kind == "more":
        more = item if isinstance(item, dict) else {}
        skip(more.get("name") or more.get("id"), "children", SKIP_NOT_LOADED)
        return None
    if kind not in {"t1", "t3", "t4"}:
        return None
    if not isinstance(item, dict):
        skip(None, "data", SKIP_UNREADABLE)
        return None
    name = text_or_none(item.get("name"))
    if name is None and (iid := text_or_none(item.get("id"))) is not None:
        name = f"{kind}_{iid}"
    if name is None:
        skip(None, "id", SKIP_MISSING)
        return None
    return {**item, "name": name}


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
        if author in GONE:
            return author
        if not author:
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
    data = page_body(page).get("data")
    data = data if isinstance(data, dict) else {}
    if data.get("is_suspended") is True:
        return AccountSnapshot(**base, status="suspended", source=page.ref)
    profile = data.get("subreddit")
    profile = profile if isinstance(profile, dict) else {}
    uid = text_or_none(data.get("id"))
    name = text_or_none(data.get("name")) or target.account.handle
    verified = data.get("verified")
    return AccountSnapshot(
        **base,
        status="active",
        platform_user_id=f"t2_{uid}" if uid else None,
        display_name=text_or_none(profile.get("title")) or text_or_none(data.get("name")),
        description=mask_handles(
            text_or_none(profile.get("public_description")),
            target.own_handles | {target.account.handle, name},
        ),
        url=f"https://www.reddit.com/user/{name}",
        profile_image_url=text_or_none(data.get("icon_img")),
        banner_url=text_or_none(profile.get("banner_img")),
        verified=verified if isinstance(verified, bool) else None,
        created_at=epoch_or_none(data.get("created_utc")),
        followers=count_or_none(profile.get("subscribers")),
        source=page.ref,
    )


def _mentions(text: str, people: People) -> tuple[str, ...]:
    return tuple(dict.fromkeys(people.label(m) for m in _USER_MENTION.findall(text or "")))


def _to_post(
    item: Mapping[str, Any],
    at: datetime,
    handle: str,
    people: People,
    target: Target,
    ref: PageRef,
    known: Mapping[str, TextFeatures] | None = None,
) -> Post:
    """``like_count`` is the item's ``score`` (ups minus downs), which can be negative."""
    name = str(item["name"])
    is_comment = name.startswith("t1_")
    text = text_or_none(item.get("body") if is_comment else item.get("selftext"))
    url = text_or_none(item.get("url"))
    parent = text_or_none(item.get("parent_id")) if is_comment else None
    features = text_features(_full_text(item, is_comment), known=known)
    return Post(
        platform=REDDIT,
        post_id=name,
        org_id=target.org_id,
        handle=handle,
        created_at=at,
        kind="reply" if is_comment else "original",
        conversation_id=text_or_none(item.get("link_id")) if is_comment else name,
        in_reply_to_post_id=parent,
        in_reply_to_author=people.of_item(parent),
        urls=(url,) if url and not is_comment and item.get("is_self") is not True else (),
        mentions=_mentions(text or "", people),
        like_count=count_or_none(item.get("score")) or 0,
        repost_count=count_or_none(item.get("num_crossposts")) or 0,
        reply_count=count_or_none(item.get("num_comments")) or 0,
        source=ref,
        text_signature=features.signature if features else None,
        signed=features.signed if features else None,
    )


def _full_text(item: Mapping[str, Any], is_comment: bool) -> str | None:
    """A comment's body; a submission's title, self text and link (None when it has none)."""
    if is_comment:
        return text_or_none(item.get("body"))
    parts = [text_or_none(item.get(k)) for k in ("title", "selftext")]
    if item.get("is_self") is not True:
        parts.append(text_or_none(item.get("url")))
    found = [p for p in parts if p]
    return "\n".join(found) if found else None


def _context_link(item: Mapping[str, Any]) -> str | None:
    match = re.search(r"/comments/([a-z0-9]+)/", text_or_none(item.get("context")) or "")
    return f"t3_{match.group(1)}" if match else text_or_none(item.get("link_id"))


def author_of(item: Mapping[str, Any]) -> str:
    """The item's author as Reddit names it; ``[deleted]`` when it names nobody."""
    return text_or_none(item.get("author")) or DELETED


def _to_inbound(
    item: Mapping[str, Any],
    at: datetime,
    kind: InboundKind,
    people: People,
    target: Target,
    ref: PageRef,
    known: Mapping[str, TextFeatures] | None = None,
) -> InboundMessage:
    name = str(item["name"])
    features = text_features(_full_text(item, not name.startswith("t3_")), known=known)
    return InboundMessage(
        platform=REDDIT,
        message_id=name,
        org_id=target.org_id,
        handle=target.account.handle,
        author=people.label(author_of(item)),
        created_at=at,
        kind=kind,
        conversation_id=(_context_link(item) if name.startswith(("t1_", "t4_")) else name),
        in_reply_to_post_id=text_or_none(item.get("parent_id")),
        source=ref,
        text_signature=features.signature if features else None,
        text_words=features.words if features else None,
        text_links=features.links if features else None,
    )


def _created(item: Mapping[str, Any], ref: PageRef, skips: Skips) -> datetime | None:
    """The item's ``created_utc``, or None (and a skipped item) when it has none."""
    raw = item.get("created_utc")
    at = epoch_or_none(raw)
    if at is None:
        skips.add(
            ref, item["name"], "created_utc", SKIP_MISSING if raw is None else SKIP_UNREADABLE
        )
    return at


def _addressed_elsewhere(item: Mapping[str, Any], target: Target) -> bool:
    """An inbox item whose recipient (``dest``) is another user than the account collected.

    The inbox is the authenticated user's: only the account with that username gets its
    mentions (the connector reads it for no other). An item without ``dest`` is kept."""
    dest = text_or_none(item.get("dest"))
    return dest is not None and dest.lower() != target.account.handle.lower()


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
    at: datetime,
    endpoint: str,
    ref: PageRef,
    people: People,
    target: Target,
    org_items: set[str],
    out: _Collected,
    known: Mapping[str, TextFeatures] | None = None,
) -> None:
    voice = _voice(item, people)
    name = str(item["name"])
    if _is_post(endpoint, voice):
        if name not in out.posts:
            out.posts[name] = _to_post(
                item, at, voice or target.account.handle, people, target, ref, known
            )
    elif name not in out.inbound:
        kind = _inbound_kind(endpoint, item, org_items)
        out.inbound[name] = _to_inbound(item, at, kind, people, target, ref, known)


def _voice(item: Mapping[str, Any], people: People) -> str | None:
    author = author_of(item)
    return people.org_voice(author) if author not in GONE else None


def _is_post(endpoint: str, voice: str | None) -> bool:
    """The item is the organisation's (a post), else a third party's (inbound)."""
    return endpoint in {SUBMITTED, COMMENTS} or voice is not None


def _text_of(item: Mapping[str, Any], endpoint: str, people: People) -> str | None:
    """The text :func:`_take` reads from the item: as a post or as an inbound message."""
    name = str(item["name"])
    if _is_post(endpoint, _voice(item, people)):
        return _full_text(item, name.startswith("t1_"))
    return _full_text(item, not name.startswith("t3_"))


def _truncated(
    pages: Sequence[LandedPage], endpoint: str, lower: datetime | None, plan: EndpointPlan
) -> bool:
    own = [p for p in pages if p.ref.endpoint == endpoint]
    if not own:
        return False
    last = page_body(own[-1], list)
    data = last.get("data") if isinstance(last, dict) else None
    if isinstance(data, dict) and data.get("after"):
        return False
    items = [i for p in own for i in children(page_body(p, list))]
    times = (epoch_or_none(i.get("created_utc")) for i in items)
    reached = lower is not None and any(at is not None and at < lower for at in times)
    return not reached and len(items) >= plan.cap - 100


def _people(
    pages: Sequence[LandedPage],
    context: RedditContext,
    target: Target,
    pseudonymise: Pseudonymise,
) -> People:
    moderators = set()
    for p in pages:
        if p.ref.endpoint == MODERATORS and p.envelope.status == 200:
            data = page_body(p).get("data")
            found = data.get("children") if isinstance(data, dict) else None
            for m in found if isinstance(found, list) else []:
                if isinstance(m, dict) and (name := text_or_none(m.get("name"))):
                    moderators.add(name.lower())
    people = People(
        own={h.lower(): h for h in target.own_handles | {target.account.handle}},
        moderators=moderators,
        subreddit=context.subreddit,
        pseudonymise=pseudonymise,
    )
    for page in pages:
        if page.envelope.status == 200 and page.ref.endpoint not in {ABOUT, MODERATORS}:
            for item in children(page_body(page, list)):
                people.authors.setdefault(str(item["name"]), author_of(item))
    return people


if TYPE_CHECKING:
    _Taken = tuple[Mapping[str, Any], datetime, str, PageRef]


def _in_window(
    pages: Sequence[LandedPage],
    plans: Mapping[str, EndpointPlan],
    target: Target,
    window: Window,
    skips: Skips,
) -> tuple[list[_Taken], dict[str, list[tuple[datetime, str]]]]:
    """The items of the listings and trees that fall in the window (with their time, endpoint
    and page), in page order; and per endpoint, the times and names seen (for the cursors)."""
    seen: dict[str, list[tuple[datetime, str]]] = {}
    taken: list[_Taken] = []
    for page in pages:
        endpoint = page.ref.endpoint
        plan = plans.get(LISTINGS.get(endpoint, "trees"))
        if plan is None or page.envelope.status != 200:
            continue
        lower = plan.lower
        for item in children(page_body(page, list), page.ref, skips):
            if endpoint == TREE and str(item["name"]).startswith("t3_"):
                continue  # the submission itself: already a post from user_submitted
            at = _created(item, page.ref, skips)
            if at is None or not (at < window.end and (lower is None or at >= lower)):
                continue
            if endpoint == MENTIONS and _addressed_elsewhere(item, target):
                skips.add(page.ref, item["name"], "dest", SKIP_ELSEWHERE)
                continue
            seen.setdefault(endpoint, []).append((at, str(item["name"])))
            taken.append((item, at, endpoint, page.ref))
    return taken, seen


def assemble(
    pages: Sequence[LandedPage],
    context: RedditContext,
    target: Target,
    window: Window,
    pseudonymise: Pseudonymise,
) -> CollectionBatch:
    """The account's batch from one run's pages (profile, listings, trees) and its context."""
    pages = decoded(pages)
    plans = context.plans
    people = _people(pages, context, target, pseudonymise)
    org_items = {
        name
        for name, author in people.authors.items()
        if author not in GONE and people.org_voice(author)
    }
    out = _Collected()
    skips = Skips()
    taken, seen = _in_window(pages, plans, target, window, skips)
    known = features_of(_text_of(item, endpoint, people) for item, _, endpoint, _ in taken)
    for item, at, endpoint, ref in taken:
        _take(item, at, endpoint, ref, people, target, org_items, out, known)
    cursors = []
    for endpoint, name in LISTINGS.items():
        plan = plans.get(name)
        if plan is None:
            continue
        cursors.append(
            newest_cursor(
                target,
                name,
                seen.get(endpoint, []),
                context.prior.get(name),
                _truncated(pages, endpoint, plan.lower, plan),
            )
        )
    posts = sorted(out.posts.values(), key=lambda p: (p.created_at, p.post_id))
    inbound = sorted(out.inbound.values(), key=lambda m: (m.created_at, m.message_id))
    snap = snapshot(pages, target, window, context.seen_before)
    if snap.status == "active" and plans:
        capped = [c.endpoint for c in cursors if c.truncated]
        oldest = [
            min(at for at, _ in seen[e])
            for e, name in LISTINGS.items()
            if name in capped and seen.get(e)
        ]
        snap = replace(
            snap, history_capped=bool(capped), covered_from=max(oldest) if oldest else None
        )
    return CollectionBatch(
        platform=REDDIT,
        org_id=target.org_id,
        handle=target.account.handle,
        window_start=window.start,
        window_end=window.end,
        snapshots=(snap,),
        posts=tuple(posts),
        inbound=tuple(inbound),
        cursors=tuple(cursors),
        pages=tuple(p.ref for p in pages),
        skipped=skips.result(),
    )
