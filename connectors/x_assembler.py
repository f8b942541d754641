"""X API v2 pages → records. Pure: no network, no clock, no randomness.

Endpoints (landing names): ``users_by`` (``GET /2/users/by``), ``users_tweets``
(``GET /2/users/:id/tweets``), ``users_mentions`` (``GET /2/users/:id/mentions``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from maturity.connectors.base import Pseudonymise, Target, parse_time
from maturity.connectors.context import EndpointPlan, PriorCursor, XContext
from maturity.platforms import X
from maturity.records import (
    AccountSnapshot,
    AccountStatus,
    CollectionBatch,
    Cursor,
    InboundMessage,
    PageRef,
    Post,
    PostKind,
)

if TYPE_CHECKING:
    from datetime import datetime

    from maturity.connectors.landing import LandedPage
    from maturity.evidence import Window

USERS = "users_by"
TWEETS = "users_tweets"
MENTIONS = "users_mentions"
CURSOR_ENDPOINT = {TWEETS: "posts", MENTIONS: "mentions"}


class Authors:
    """Who a platform user id is: one of the organisation's handles, or a pseudonym."""

    def __init__(
        self, own_ids: Mapping[str, str], own_handles: Iterable[str], pseudonymise: Pseudonymise
    ) -> None:
        self.own_ids = dict(own_ids)
        self.own_handles = {h.lower(): h for h in own_handles}
        self.pseudonymise = pseudonymise

    def by_id(self, user_id: str) -> str:
        return self.own_ids.get(user_id) or self.pseudonymise(X, user_id)

    def mention(self, entity: Mapping[str, Any]) -> str:
        user_id = entity.get("id")
        if user_id:
            return self.by_id(str(user_id))
        name = str(entity.get("username") or "").lower()
        return self.own_handles.get(name) or self.pseudonymise(X, "username:" + name)


# -- the account -----------------------------------------------------------------------------
def _lookup_status(errors: Iterable[Mapping[str, Any]], handle: str) -> AccountStatus | None:
    for err in errors:
        if str(err.get("value", "")).lower() != handle.lower():
            continue
        text = f"{err.get('title', '')} {err.get('detail', '')}".lower()
        return "suspended" if "suspended" in text else "not_found"
    return None


def _profile_url(user: Mapping[str, Any]) -> str | None:
    urls = ((user.get("entities") or {}).get("url") or {}).get("urls") or []
    if urls and urls[0].get("expanded_url"):
        return str(urls[0]["expanded_url"])
    return user.get("url") or None


def snapshot(
    pages: Sequence[LandedPage], target: Target, window: Window, seen_before: bool
) -> AccountSnapshot:
    """The account as the lookup pages describe it; ``observed_at`` is the window's end."""
    account = target.account
    base: dict[str, Any] = {
        "platform": X,
        "org_id": target.org_id,
        "handle": account.handle,
        "function": account.function,
        "observed_at": window.end,
    }
    for page in pages:
        body = page.json()
        for user in body.get("data") or []:
            if str(user.get("username", "")).lower() != account.handle.lower():
                continue
            metrics = user.get("public_metrics") or {}
            return AccountSnapshot(
                **base,
                status="protected" if user.get("protected") else "active",
                platform_user_id=str(user["id"]),
                display_name=user.get("name"),
                description=user.get("description"),
                url=_profile_url(user),
                profile_image_url=user.get("profile_image_url"),
                verified=user.get("verified"),
                created_at=parse_time(user["created_at"]) if user.get("created_at") else None,
                followers=metrics.get("followers_count"),
                following=metrics.get("following_count"),
                post_count=metrics.get("tweet_count"),
                pinned_post_id=user.get("pinned_tweet_id"),
                source=page.ref,
            )
        status = _lookup_status(body.get("errors") or [], account.handle)
        if status is not None:
            if status == "not_found" and seen_before:
                status = "deleted"
            return AccountSnapshot(**base, status=status, source=page.ref)
    source = pages[0].ref if pages else None
    return AccountSnapshot(**base, status="deleted" if seen_before else "not_found", source=source)


def user_id_of(pages: Sequence[LandedPage], handle: str) -> str | None:
    for page in pages:
        for user in page.json().get("data") or []:
            if str(user.get("username", "")).lower() == handle.lower():
                return str(user["id"])
    return None


# -- posts and mentions ----------------------------------------------------------------------
def _references(tweet: Mapping[str, Any]) -> dict[str, str]:
    return {str(r.get("type")): str(r.get("id")) for r in tweet.get("referenced_tweets") or []}


def _kind(refs: Mapping[str, str]) -> PostKind:
    if "retweeted" in refs:
        return "repost"
    if "replied_to" in refs:
        return "reply"
    if "quoted" in refs:
        return "quote"
    return "original"


def to_post(tweet: Mapping[str, Any], target: Target, authors: Authors, ref: PageRef) -> Post:
    refs = _references(tweet)
    entities = tweet.get("entities") or {}
    metrics = tweet.get("public_metrics") or {}
    reply_to_user = tweet.get("in_reply_to_user_id")
    return Post(
        platform=X,
        post_id=str(tweet["id"]),
        org_id=target.org_id,
        handle=target.account.handle,
        created_at=parse_time(tweet["created_at"]),
        kind=_kind(refs),
        conversation_id=tweet.get("conversation_id"),
        in_reply_to_post_id=refs.get("replied_to"),
        in_reply_to_author=authors.by_id(str(reply_to_user)) if reply_to_user else None,
        urls=tuple(str(u.get("expanded_url") or u.get("url")) for u in entities.get("urls") or []),
        hashtags=tuple(str(h.get("tag")) for h in entities.get("hashtags") or []),
        mentions=tuple(authors.mention(m) for m in entities.get("mentions") or []),
        like_count=int(metrics.get("like_count", 0)),
        repost_count=int(metrics.get("retweet_count", 0)),
        reply_count=int(metrics.get("reply_count", 0)),
        quote_count=int(metrics.get("quote_count", 0)),
        source=ref,
    )


def to_inbound(
    tweet: Mapping[str, Any], target: Target, authors: Authors, ref: PageRef
) -> InboundMessage | None:
    author_id = str(tweet.get("author_id") or "")
    if not author_id or author_id in authors.own_ids:
        return None  # the organisation mentioning itself is not inbound
    refs = _references(tweet)
    to_org = refs.get("replied_to") and str(tweet.get("in_reply_to_user_id")) in authors.own_ids
    return InboundMessage(
        platform=X,
        message_id=str(tweet["id"]),
        org_id=target.org_id,
        handle=target.account.handle,
        author=authors.by_id(author_id),
        created_at=parse_time(tweet["created_at"]),
        kind="reply" if to_org else "mention",
        conversation_id=tweet.get("conversation_id"),
        in_reply_to_post_id=refs.get("replied_to"),
        source=ref,
    )


def _in_range(tweet: Mapping[str, Any], lower: datetime | None, window: Window) -> bool:
    at = parse_time(tweet["created_at"])
    return at < window.end and (lower is None or at >= lower)


def _items(
    pages: Sequence[LandedPage], endpoint: str, lower: datetime | None, window: Window
) -> list[tuple[dict[str, Any], PageRef]]:
    seen: set[str] = set()
    out = []
    for page in pages:
        if page.ref.endpoint != endpoint:
            continue
        for tweet in page.json().get("data") or []:
            if str(tweet["id"]) in seen or not _in_range(tweet, lower, window):
                continue
            seen.add(str(tweet["id"]))
            out.append((tweet, page.ref))
    return out


def _truncated(pages: Sequence[LandedPage], endpoint: str, count: int, plan: EndpointPlan) -> bool:
    """The history cap was reached: paging ended while the cap, not the window, was the limit."""
    own = [p for p in pages if p.ref.endpoint == endpoint]
    if not own or (own[-1].json().get("meta") or {}).get("next_token"):
        return False
    fetched = sum(int((p.json().get("meta") or {}).get("result_count", 0)) for p in own)
    return max(fetched, count) >= plan.cap - (plan.page_size or 0)


def _cursor(
    target: Target,
    endpoint: str,
    ids_at: Sequence[tuple[str, str]],
    prior: PriorCursor | None,
    truncated: bool,
) -> Cursor:
    # Ids order by time, then as numbers (X ids are numeric strings of growing length).
    candidates = [(parse_time(at), len(i), i) for i, at in ids_at]
    if prior is not None and prior.newest_id:
        candidates.append((prior.newest_at, len(prior.newest_id), prior.newest_id))
    newest = max(candidates) if candidates else None
    return Cursor(
        platform=X,
        org_id=target.org_id,
        handle=target.account.handle,
        endpoint=endpoint,
        newest_id=newest[2] if newest else None,
        newest_at=newest[0] if newest else None,
        truncated=truncated,
    )


def assemble(
    pages: Sequence[LandedPage],
    context: XContext,
    target: Target,
    window: Window,
    pseudonymise: Pseudonymise,
) -> CollectionBatch:
    """The account's batch from one run's pages (lookup and timelines) and its context."""
    lookup = [p for p in pages if p.ref.endpoint == USERS]
    snap = snapshot(lookup, target, window, seen_before=context.seen_before)
    authors = Authors(context.own_ids, target.own_handles, pseudonymise)
    posts: list[Post] = []
    inbound: list[InboundMessage] = []
    cursors: list[Cursor] = []
    for endpoint, name in CURSOR_ENDPOINT.items():
        plan = context.plans.get(name)
        if plan is None:
            continue
        items = _items(pages, endpoint, plan.lower, window)
        for tweet, ref in items:
            if endpoint == TWEETS:
                posts.append(to_post(tweet, target, authors, ref))
            elif (msg := to_inbound(tweet, target, authors, ref)) is not None:
                inbound.append(msg)
        truncated = _truncated(pages, endpoint, len(items), plan)
        ids_at = [(str(t["id"]), str(t["created_at"])) for t, _ in items]
        cursors.append(_cursor(target, name, ids_at, context.prior.get(name), truncated))
    return CollectionBatch(
        platform=X,
        org_id=target.org_id,
        handle=target.account.handle,
        window_start=window.start,
        window_end=window.end,
        snapshots=(snap,),
        posts=tuple(sorted(posts, key=lambda p: (p.created_at, p.post_id))),
        inbound=tuple(sorted(inbound, key=lambda m: (m.created_at, m.message_id))),
        cursors=tuple(cursors),
        pages=tuple(p.ref for p in pages),
    )
