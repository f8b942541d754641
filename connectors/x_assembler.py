"""X API v2 pages → records. Pure: no network, no clock, no randomness.

Endpoints (landing names): ``users_by`` (``GET /2/users/by``), ``users_tweets``
(``GET /2/users/:id/tweets``), ``users_mentions`` (``GET /2/users/:id/mentions``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from maturity.connectors.base import (
    SKIP_API_ERROR,
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
from maturity.connectors.context import EndpointPlan, PriorCursor, XContext
from maturity.connectors.decoded import decoded
from maturity.connectors.text_features import TextFeatures, features_of, text_features
from maturity.platforms import X
from maturity.pseudonym import mask_handles
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
        user_id = text_or_none(entity.get("id"))
        if user_id:
            return self.by_id(user_id)
        name = str(entity.get("username") or "").lower()
        return self.own_handles.get(name) or self.pseudonymise(X, "username:" + name)


# -- the account -----------------------------------------------------------------------------
def _objects(value: object) -> list[Mapping[str, Any]]:
    """The objects of a JSON array; anything that is not an array, or not an object in it, is
    left out (the schema allows neither, and nothing could be read from it)."""
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _lookup_status(errors: Iterable[Mapping[str, Any]], handle: str) -> AccountStatus | None:
    for err in errors:
        if str(err.get("value", "")).lower() != handle.lower():
            continue
        text = f"{err.get('title', '')} {err.get('detail', '')}".lower()
        return "suspended" if "suspended" in text else "not_found"
    return None


def _profile_url(user: Mapping[str, Any]) -> str | None:
    entities = user.get("entities")
    url = entities.get("url") if isinstance(entities, Mapping) else None
    urls = _objects(url.get("urls") if isinstance(url, Mapping) else None)
    expanded = text_or_none(urls[0].get("expanded_url")) if urls else None
    return expanded or text_or_none(user.get("url"))


def _bio_urls(user: Mapping[str, Any]) -> tuple[str, ...]:
    """The links of the bio, expanded (``entities.description.urls``)."""
    entities = user.get("entities")
    bio = entities.get("description") if isinstance(entities, Mapping) else None
    urls = _objects(bio.get("urls") if isinstance(bio, Mapping) else None)
    found = (text_or_none(u.get("expanded_url")) or text_or_none(u.get("url")) for u in urls)
    return tuple(u for u in found if u)


def _users(pages: Sequence[LandedPage]) -> Iterator[Mapping[str, Any]]:
    """Every user object of the lookup pages, in order."""
    for page in pages:
        yield from _objects(page_body(page).get("data"))


def _same(user: Mapping[str, Any], handle: str) -> bool:
    return str(user.get("username") or "").lower() == handle.lower()


def snapshot(
    pages: Sequence[LandedPage], target: Target, window: Window, seen_before: bool
) -> AccountSnapshot:
    """The account as the lookup pages describe it; ``observed_at`` is the window's end.

    Every user field but ``username`` may be missing (it is what the lookup asked for): a
    missing one is None in the snapshot."""
    account = target.account
    own = target.own_handles | {account.handle}
    base: dict[str, Any] = {
        "platform": X,
        "org_id": target.org_id,
        "handle": account.handle,
        "function": account.function,
        "observed_at": window.end,
    }
    for page in pages:
        body = page_body(page)
        for user in _objects(body.get("data")):
            if not _same(user, account.handle):
                continue
            metrics = user.get("public_metrics")
            metrics = metrics if isinstance(metrics, Mapping) else {}
            verified = user.get("verified")
            return AccountSnapshot(
                **base,
                status="protected" if user.get("protected") is True else "active",
                platform_user_id=text_or_none(user.get("id")),
                display_name=text_or_none(user.get("name")),
                description=mask_handles(text_or_none(user.get("description")), own),
                url=_profile_url(user),
                profile_image_url=text_or_none(user.get("profile_image_url")),
                verified=verified if isinstance(verified, bool) else None,
                created_at=time_or_none(user.get("created_at")),
                followers=count_or_none(metrics.get("followers_count")),
                following=count_or_none(metrics.get("following_count")),
                post_count=count_or_none(metrics.get("tweet_count")),
                pinned_post_id=text_or_none(user.get("pinned_tweet_id")),
                source=page.ref,
                bio_urls=_bio_urls(user),
            )
        status = _lookup_status(_objects(body.get("errors")), account.handle)
        if status is not None:
            if status == "not_found" and seen_before:
                status = "deleted"
            return AccountSnapshot(**base, status=status, source=page.ref)
    source = pages[0].ref if pages else None
    return AccountSnapshot(**base, status="deleted" if seen_before else "not_found", source=source)


def user_id_of(pages: Sequence[LandedPage], handle: str) -> str | None:
    for user in _users(pages):
        if _same(user, handle) and (uid := text_or_none(user.get("id"))):
            return uid
    return None


# -- posts and mentions ----------------------------------------------------------------------
def _references(tweet: Mapping[str, Any]) -> dict[str, str]:
    refs = _objects(tweet.get("referenced_tweets"))
    return {str(r.get("type")): rid for r in refs if (rid := text_or_none(r.get("id"))) is not None}


def _kind(refs: Mapping[str, str]) -> PostKind:
    if "retweeted" in refs:
        return "repost"
    if "replied_to" in refs:
        return "reply"
    if "quoted" in refs:
        return "quote"
    return "original"


def _entities(tweet: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    entities = tweet.get("entities")
    return _objects(entities.get(name)) if isinstance(entities, Mapping) else []


def _metric(metrics: Mapping[str, Any], name: str) -> int:
    return count_or_none(metrics.get(name)) or 0


def to_post(
    tweet: Mapping[str, Any],
    at: datetime,
    target: Target,
    authors: Authors,
    ref: PageRef,
    known: Mapping[str, TextFeatures] | None = None,
) -> Post:
    """A post of the account; ``at`` is its creation time, already read. A missing
    ``public_metrics`` counts as 0 of each, missing ``entities`` as none."""
    refs = _references(tweet)
    metrics = tweet.get("public_metrics")
    metrics = metrics if isinstance(metrics, Mapping) else {}
    reply_to_user = text_or_none(tweet.get("in_reply_to_user_id"))
    urls = (
        text_or_none(u.get("expanded_url")) or text_or_none(u.get("url"))
        for u in _entities(tweet, "urls")
    )
    mentions = (
        m
        for m in _entities(tweet, "mentions")
        if text_or_none(m.get("id")) or text_or_none(m.get("username"))
    )
    features = text_features(text_or_none(tweet.get("text")), len(_entities(tweet, "urls")), known)
    return Post(
        platform=X,
        post_id=str(tweet["id"]),
        org_id=target.org_id,
        handle=target.account.handle,
        created_at=at,
        kind=_kind(refs),
        conversation_id=text_or_none(tweet.get("conversation_id")),
        in_reply_to_post_id=refs.get("replied_to"),
        in_reply_to_author=authors.by_id(reply_to_user) if reply_to_user else None,
        urls=tuple(u for u in urls if u),
        hashtags=tuple(
            t for h in _entities(tweet, "hashtags") if (t := text_or_none(h.get("tag")))
        ),
        mentions=tuple(authors.mention(m) for m in mentions),
        like_count=_metric(metrics, "like_count"),
        repost_count=_metric(metrics, "retweet_count"),
        reply_count=_metric(metrics, "reply_count"),
        quote_count=_metric(metrics, "quote_count"),
        source=ref,
        text_signature=features.signature if features else None,
        signed=features.signed if features else None,
    )


def to_inbound(
    tweet: Mapping[str, Any],
    at: datetime,
    target: Target,
    authors: Authors,
    ref: PageRef,
    known: Mapping[str, TextFeatures] | None = None,
) -> InboundMessage | None:
    """A mention of the account, or None when the organisation mentions itself. The caller
    has checked ``author_id``."""
    author_id = str(tweet["author_id"])
    if author_id in authors.own_ids:
        return None  # the organisation mentioning itself is not inbound
    refs = _references(tweet)
    to_org = (
        refs.get("replied_to") and text_or_none(tweet.get("in_reply_to_user_id")) in authors.own_ids
    )
    features = text_features(text_or_none(tweet.get("text")), len(_entities(tweet, "urls")), known)
    return InboundMessage(
        platform=X,
        message_id=str(tweet["id"]),
        org_id=target.org_id,
        handle=target.account.handle,
        author=authors.by_id(author_id),
        created_at=at,
        kind="reply" if to_org else "mention",
        conversation_id=text_or_none(tweet.get("conversation_id")),
        in_reply_to_post_id=refs.get("replied_to"),
        source=ref,
        text_signature=features.signature if features else None,
        text_words=features.words if features else None,
        text_links=features.links if features else None,
    )


def _usable(
    tweet: Mapping[str, Any], endpoint: str, ref: PageRef, skips: Skips
) -> tuple[str, datetime] | None:
    """The tweet's id and creation time, or None (and a skipped item) when it lacks either, or
    (a mention) its author: without them it can be neither placed nor attributed."""
    raw_id = tweet.get("id")
    tid = text_or_none(raw_id)
    if tid is None:
        skips.add(ref, None, "id", SKIP_MISSING if raw_id is None else SKIP_UNREADABLE)
        return None
    raw_at = tweet.get("created_at")
    at = time_or_none(raw_at)
    if at is None:
        skips.add(ref, tid, "created_at", SKIP_MISSING if raw_at is None else SKIP_UNREADABLE)
        return None
    if endpoint == MENTIONS and text_or_none(tweet.get("author_id")) is None:
        raw = tweet.get("author_id")
        skips.add(ref, tid, "author_id", SKIP_MISSING if raw is None else SKIP_UNREADABLE)
        return None
    return tid, at


def _api_errors(body: Mapping[str, Any], ref: PageRef, skips: Skips) -> None:
    """A timeline page's ``errors`` (partial errors, or the whole answer): each one skipped."""
    for err in _objects(body.get("errors")):
        item = err.get("resource_id") or err.get("value")
        field = text_or_none(err.get("parameter"))
        title = text_or_none(err.get("title"))
        skips.add(ref, item, field, f"{SKIP_API_ERROR}: {title}" if title else SKIP_API_ERROR)


def _items(
    pages: Sequence[LandedPage],
    endpoint: str,
    lower: datetime | None,
    window: Window,
    skips: Skips,
) -> list[tuple[Mapping[str, Any], str, datetime, PageRef]]:
    seen: set[str] = set()
    out = []
    for page in pages:
        if page.ref.endpoint != endpoint:
            continue
        body = page_body(page)
        _api_errors(body, page.ref, skips)
        data = body.get("data")
        for tweet in data if isinstance(data, list) else []:
            if not isinstance(tweet, Mapping):
                skips.add(page.ref, None, None, SKIP_UNREADABLE)
                continue
            usable = _usable(tweet, endpoint, page.ref, skips)
            if usable is None:
                continue
            tid, at = usable
            if tid in seen or not (at < window.end and (lower is None or at >= lower)):
                continue
            seen.add(tid)
            out.append((tweet, tid, at, page.ref))
    return out


def _truncated(pages: Sequence[LandedPage], endpoint: str, count: int, plan: EndpointPlan) -> bool:
    """The history cap was reached: paging ended while the cap, not the window, was the limit."""
    own = [p for p in pages if p.ref.endpoint == endpoint]

    def meta(page: LandedPage) -> Mapping[str, Any]:
        found = page_body(page).get("meta")
        return found if isinstance(found, Mapping) else {}

    if not own or text_or_none(meta(own[-1]).get("next_token")):
        return False
    fetched = sum(count_or_none(meta(p).get("result_count")) or 0 for p in own)
    return max(fetched, count) >= plan.cap - (plan.page_size or 0)


def _cursor(
    target: Target,
    endpoint: str,
    ids_at: Sequence[tuple[str, datetime]],
    prior: PriorCursor | None,
    truncated: bool,
) -> Cursor:
    # Ids order by time, then as numbers (X ids are numeric strings of growing length).
    candidates = [(at, len(i), i) for i, at in ids_at]
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


def _with_cap(
    snap: AccountSnapshot, cursors: Sequence[Cursor], capped_from: Sequence[datetime]
) -> AccountSnapshot:
    """The snapshot with whether a timeline reached the history cap, and from when the capped
    timelines cover the window (the latest of their oldest items)."""
    capped = any(c.truncated for c in cursors)
    return replace(
        snap, history_capped=capped, covered_from=max(capped_from) if capped_from else None
    )


def assemble(
    pages: Sequence[LandedPage],
    context: XContext,
    target: Target,
    window: Window,
    pseudonymise: Pseudonymise,
) -> CollectionBatch:
    """The account's batch from one run's pages (lookup and timelines) and its context.

    Accepts every page the API v2 schema allows (see docs/connectors.md): a tweet without an
    id, a creation time or (a mention) an author, and each entry of a page's ``errors``, is
    left out as a :class:`~maturity.records.SkippedItem`. Raises only
    :class:`~maturity.errors.ConnectorError`, for a page that is not a JSON object."""
    pages = decoded(pages)
    lookup = [p for p in pages if p.ref.endpoint == USERS]
    snap = snapshot(lookup, target, window, seen_before=context.seen_before)
    authors = Authors(context.own_ids, target.own_handles, pseudonymise)
    skips = Skips()
    posts: list[Post] = []
    inbound: list[InboundMessage] = []
    cursors: list[Cursor] = []
    capped_from: list[datetime] = []
    for endpoint, name in CURSOR_ENDPOINT.items():
        plan = context.plans.get(name)
        if plan is None:
            continue
        items = _items(pages, endpoint, plan.lower, window, skips)
        known = features_of(text_or_none(tweet.get("text")) for tweet, *_ in items)
        for tweet, _, at, ref in items:
            if endpoint == TWEETS:
                posts.append(to_post(tweet, at, target, authors, ref, known))
            elif (msg := to_inbound(tweet, at, target, authors, ref, known)) is not None:
                inbound.append(msg)
        truncated = _truncated(pages, endpoint, len(items), plan)
        if truncated and items:
            capped_from.append(min(at for _, _, at, _ in items))
        ids_at = [(tid, at) for _, tid, at, _ in items]
        cursors.append(_cursor(target, name, ids_at, context.prior.get(name), truncated))
    if snap.status == "active" and any(plan is not None for plan in context.plans.values()):
        snap = _with_cap(snap, cursors, capped_from)
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
        skipped=skips.result(),
    )
