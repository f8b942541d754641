"""Normalised, typed records: what connectors produce and metrics read.

Connectors land raw API pages; normalising a page is a pure function from that page to these
records, so replaying a landing gives the same records again. Third-party people appear only as
keyed pseudonyms (see :mod:`maturity.pseudonym`); the organisation's own accounts keep their
handles, because they are public, official and the subject of the assessment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

AccountStatus = Literal["active", "protected", "suspended", "deleted", "not_found"]
PostKind = Literal["original", "reply", "repost", "quote"]
InboundKind = Literal["mention", "reply", "comment", "message"]


@dataclass(frozen=True, slots=True)
class PageRef:
    """The landed raw API page a record came from: its file in the landing area and hash."""

    path: str
    sha256: str
    endpoint: str


@dataclass(frozen=True, slots=True)
class AccountSnapshot:
    platform: str
    org_id: str
    handle: str
    function: str
    observed_at: datetime
    status: AccountStatus
    platform_user_id: str | None = None
    display_name: str | None = None
    description: str | None = None
    url: str | None = None
    profile_image_url: str | None = None
    banner_url: str | None = None
    verified: bool | None = None
    created_at: datetime | None = None
    followers: int | None = None
    following: int | None = None
    post_count: int | None = None
    pinned_post_id: str | None = None
    source: PageRef | None = None
    bio_urls: tuple[str, ...] = ()
    """Links in the bio, expanded (X ``entities.description.urls``): where it points to."""
    history_capped: bool | None = None
    """True when the account's timeline or mentions reached the platform's history cap (X
    3,200 posts / 800 mentions) in this collection; None when not known."""
    covered_from: datetime | None = None
    """When capped: the oldest post of the capped timeline, so the data covers the window only
    from here on. None when the timeline was not capped (or not known)."""


@dataclass(frozen=True, slots=True)
class Post:
    """A post written by one of the organisation's own accounts."""

    platform: str
    post_id: str
    org_id: str
    handle: str
    created_at: datetime
    kind: PostKind
    conversation_id: str | None = None
    in_reply_to_post_id: str | None = None
    in_reply_to_author: str | None = None
    """Pseudonym of the replied-to author, or the handle when it is one of the org's accounts."""
    urls: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    """Handles of the org's own accounts; pseudonyms for everyone else."""
    like_count: int = 0
    repost_count: int = 0
    reply_count: int = 0
    quote_count: int = 0
    source: PageRef | None = None
    text_signature: str | None = None
    """Near-duplicate signature of the post's text (:mod:`maturity.connectors.text_features`);
    None when the text is not known."""
    signed: bool | None = None
    """The text ends with a personal sign-off (``^JdV``, ``Groet, Anna``); None when unknown."""


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """A message addressed to the organisation by a third party (mention, reply, comment)."""

    platform: str
    message_id: str
    org_id: str
    handle: str
    """The organisation's account it was addressed to."""
    author: str
    """Keyed pseudonym of the third-party author, never the raw id."""
    created_at: datetime
    kind: InboundKind
    conversation_id: str | None = None
    in_reply_to_post_id: str | None = None
    source: PageRef | None = None
    text_signature: str | None = None
    """Near-duplicate signature of the message's text, never the text itself (third parties'
    texts are not kept; see :mod:`maturity.connectors.text_features`). None when unknown."""
    text_words: int | None = None
    """Words of the message's own text (links, mentions and numbers left out)."""
    text_links: int | None = None
    """Links in the message."""


@dataclass(frozen=True, slots=True)
class ReplyLink:
    """The organisation's first reply to an inbound message, and after how long."""

    platform: str
    org_id: str
    inbound_id: str
    reply_post_id: str
    handle: str
    inbound_at: datetime
    replied_at: datetime

    @property
    def delay_seconds(self) -> float:
        return (self.replied_at - self.inbound_at).total_seconds()


Record = AccountSnapshot | Post | InboundMessage | ReplyLink


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where incremental collection of one account and endpoint stands.

    ``newest_id`` is the newest item id seen so far (X ``since_id``; Reddit fullname);
    ``newest_at`` its timestamp. Saved in the same transaction as the records it covers.
    """

    platform: str
    org_id: str
    handle: str
    endpoint: str
    newest_id: str | None
    newest_at: datetime | None
    truncated: bool = False
    """True when the API's history cap (X 3,200 posts / 800 mentions, Reddit ~1,000) was hit."""


@dataclass(frozen=True, slots=True)
class SkippedItem:
    """An item (or a whole page) of a landed page that the assembler could not use.

    The page stays in the landing as received; the item is left out of the records, and the
    batch says which, where and why, so the quality result can count it. ``reason`` is one of
    the fixed phrases of ``maturity.connectors.base`` (``SKIP_*``), so skipped items can be
    grouped by reason.
    """

    page_path: str
    """The landed page it came from (its :attr:`PageRef.path`)."""
    item_id: str | None
    """The item's id as the API gave it, or None when it has none (or the whole page is meant)."""
    field: str | None
    """The field that was missing or unusable (dotted, e.g. ``public_metrics.like_count``)."""
    reason: str


@dataclass(frozen=True, slots=True)
class CollectionBatch:
    """Everything one collection of one account over one window produced.

    The warehouse writes a batch in one transaction: records upserted on natural keys, the
    cursors with them. Collecting the same window twice therefore changes nothing.
    """

    platform: str
    org_id: str
    handle: str
    window_start: datetime
    window_end: datetime
    snapshots: tuple[AccountSnapshot, ...] = ()
    posts: tuple[Post, ...] = ()
    inbound: tuple[InboundMessage, ...] = ()
    reply_links: tuple[ReplyLink, ...] = ()
    """The organisation's first replies to this account's inbound messages, from any of its
    accounts. A connector leaves this empty: ``maturity.pipeline.gate_and_load`` links
    replies once, across the organisation's accounts, before the record gate checks them."""
    cursors: tuple[Cursor, ...] = ()
    pages: tuple[PageRef, ...] = ()
    skipped: tuple[SkippedItem, ...] = ()
    """Items of the landed pages left out of the records, each with its page, id, field and
    reason (a withheld or deleted tweet, a comment without a creation time, …)."""

    def page_refs(self) -> tuple[PageRef, ...]:
        """The landed pages and the pages the records name, each once (by path: identical
        bytes landed under two paths are two pages), in first-seen order: what an audit of
        this batch can point to."""
        records: tuple[AccountSnapshot | Post | InboundMessage, ...] = (
            *self.snapshots,
            *self.posts,
            *self.inbound,
        )
        named = (r.source for r in records)
        seen: dict[str, PageRef] = {}
        for ref in (*self.pages, *(s for s in named if s is not None)):
            seen.setdefault(ref.path, ref)
        return tuple(seen.values())
