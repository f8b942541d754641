"""Normalised records (``maturity.records``) to rows and back."""

from __future__ import annotations

from collections.abc import Mapping
from operator import attrgetter
from typing import Any

from maturity.records import AccountSnapshot, Cursor, InboundMessage, PageRef, Post, ReplyLink

Row = dict[str, Any]

_SNAPSHOT_FIELDS = (
    "platform",
    "org_id",
    "handle",
    "function",
    "observed_at",
    "status",
    "platform_user_id",
    "display_name",
    "description",
    "url",
    "profile_image_url",
    "banner_url",
    "verified",
    "created_at",
    "followers",
    "following",
    "post_count",
    "pinned_post_id",
    "history_capped",
    "covered_from",
)
_POST_FIELDS = (
    "platform",
    "post_id",
    "org_id",
    "handle",
    "created_at",
    "kind",
    "conversation_id",
    "in_reply_to_post_id",
    "in_reply_to_author",
    "like_count",
    "repost_count",
    "reply_count",
    "quote_count",
    "text_signature",
    "signed",
)
_POST_LISTS = ("urls", "hashtags", "mentions")
_INBOUND_FIELDS = (
    "platform",
    "message_id",
    "org_id",
    "handle",
    "author",
    "created_at",
    "kind",
    "conversation_id",
    "in_reply_to_post_id",
    "text_signature",
    "text_words",
    "text_links",
)
_REPLY_FIELDS = (
    "platform",
    "org_id",
    "inbound_id",
    "reply_post_id",
    "handle",
    "inbound_at",
    "replied_at",
)


PAGE_COLUMNS = ("page_path", "page_sha256", "page_endpoint")
POST_COLUMNS = (*_POST_FIELDS, *_POST_LISTS, *PAGE_COLUMNS)
"""The columns of :func:`post_values`, in its order."""
INBOUND_COLUMNS = (*_INBOUND_FIELDS, *PAGE_COLUMNS)
REPLY_COLUMNS = _REPLY_FIELDS
_NO_PAGE = (None, None, None)
_page_values = attrgetter("path", "sha256", "endpoint")


def post_values(p: Post) -> tuple[Any, ...]:
    """:func:`post_row` as a tuple of :data:`POST_COLUMNS` (the lists stay tuples: they are
    written as JSON arrays either way)."""
    page = p.source
    return _post_values(p) + _post_lists(p) + (_NO_PAGE if page is None else _page_values(page))


def inbound_values(m: InboundMessage) -> tuple[Any, ...]:
    """:func:`inbound_row` as a tuple of :data:`INBOUND_COLUMNS`."""
    page = m.source
    return _inbound_values(m) + (_NO_PAGE if page is None else _page_values(page))


def reply_values(r: ReplyLink) -> tuple[Any, ...]:
    """:func:`reply_row` as a tuple of :data:`REPLY_COLUMNS`."""
    return _reply_values(r)  # type: ignore[no-any-return]


def _page_columns(ref: PageRef | None) -> Row:
    if ref is None:
        return {"page_path": None, "page_sha256": None, "page_endpoint": None}
    return {"page_path": ref.path, "page_sha256": ref.sha256, "page_endpoint": ref.endpoint}


def _page_from(row: Mapping[Any, Any]) -> PageRef | None:
    if row["page_sha256"] is None:
        return None
    return PageRef(path=row["page_path"], sha256=row["page_sha256"], endpoint=row["page_endpoint"])


_snapshot_values = attrgetter(*_SNAPSHOT_FIELDS)
_post_values = attrgetter(*_POST_FIELDS)
_post_lists = attrgetter(*_POST_LISTS)
_inbound_values = attrgetter(*_INBOUND_FIELDS)
_reply_values = attrgetter(*_REPLY_FIELDS)


def snapshot_row(s: AccountSnapshot) -> Row:
    return {
        **dict(zip(_SNAPSHOT_FIELDS, _snapshot_values(s), strict=True)),
        "handle_lower": s.handle.lower(),
        "bio_urls": list(s.bio_urls),
        **_page_columns(s.source),
    }


def snapshot_from_row(row: Mapping[Any, Any]) -> AccountSnapshot:
    return AccountSnapshot(
        **{f: row[f] for f in _SNAPSHOT_FIELDS},
        bio_urls=tuple(row["bio_urls"] or ()),
        source=_page_from(row),
    )


def post_row(p: Post) -> Row:
    row = dict(zip(_POST_FIELDS, _post_values(p), strict=True))
    row.update(zip(_POST_LISTS, map(list, _post_lists(p)), strict=True))
    row.update(_page_columns(p.source))
    return row


def post_from_row(row: Mapping[Any, Any]) -> Post:
    fields: dict[str, Any] = {f: row[f] for f in _POST_FIELDS}
    fields.update({f: tuple(row[f]) for f in _POST_LISTS})
    return Post(**fields, source=_page_from(row))


def inbound_row(m: InboundMessage) -> Row:
    row = dict(zip(_INBOUND_FIELDS, _inbound_values(m), strict=True))
    row.update(_page_columns(m.source))
    return row


def inbound_from_row(row: Mapping[Any, Any]) -> InboundMessage:
    return InboundMessage(**{f: row[f] for f in _INBOUND_FIELDS}, source=_page_from(row))


def reply_row(r: ReplyLink) -> Row:
    return dict(zip(_REPLY_FIELDS, _reply_values(r), strict=True))


def reply_from_row(row: Mapping[Any, Any]) -> ReplyLink:
    return ReplyLink(**{f: row[f] for f in _REPLY_FIELDS})


def cursor_row(c: Cursor) -> Row:
    return {
        "platform": c.platform,
        "org_id": c.org_id,
        "handle_lower": c.handle.lower(),
        "endpoint": c.endpoint,
        "handle": c.handle,
        "newest_id": c.newest_id,
        "newest_at": c.newest_at,
        "truncated": c.truncated,
    }


def cursor_from_row(row: Mapping[Any, Any]) -> Cursor:
    return Cursor(
        platform=row["platform"],
        org_id=row["org_id"],
        handle=row["handle"],
        endpoint=row["endpoint"],
        newest_id=row["newest_id"],
        newest_at=row["newest_at"],
        truncated=bool(row["truncated"]),
    )


def page_row(ref: PageRef, platform: str, org_id: str, handle: str) -> Row:
    return {
        "sha256": ref.sha256,
        "path": ref.path,
        "endpoint": ref.endpoint,
        "platform": platform,
        "org_id": org_id,
        "handle": handle,
    }
