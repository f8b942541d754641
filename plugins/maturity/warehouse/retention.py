"""Retention of raw items: what ``maturity purge`` deletes from the warehouse, and what it keeps.

Deleted, when older than the cutoff: posts and inbound messages (by ``created_at``), reply links
(by ``inbound_at``: the message they answer is gone) and account snapshots (by
``observed_at``; they hold the organisation's own bio). These are the raw items.

Kept: organisations and accounts, runs, metric values with their evidence refs, declared facts,
assessments, criterion results, next steps, collection cursors, quality results and
quarantines, and every ``landing_page`` row (path and SHA-256: the evidence ids). A page whose
file the purge deleted gets ``purged_at``, so its refs still say what it was and that it is gone.

Content the platform stopped serving goes at once, whatever its age (:func:`purge_gone`): a
deleted post or message, and every post of an account that became protected, suspended or
deleted, with the reply links that name them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    and_,
    delete,
    false,
    func,
    or_,
    select,
    update,
)

from maturity.warehouse import schema as t

#: Each raw table with the time column that dates its rows.
RAW: tuple[tuple[Table, str], ...] = (
    (t.reply_link, "inbound_at"),
    (t.inbound_message, "created_at"),
    (t.post, "created_at"),
    (t.account_snapshot, "observed_at"),
)


@dataclass(frozen=True, slots=True)
class RawCounts:
    """Rows per raw table older than a cutoff, and landing page rows to mark purged."""

    rows: dict[str, int]
    pages: int

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _older(table: Table, column: str, cutoff: datetime) -> ColumnElement[bool]:
    return table.c[column] < cutoff


def _pages(prefixes: Iterable[str]) -> ColumnElement[bool]:
    """Unpurged landing pages under any of the directories ``prefixes`` (relative paths)."""
    under = [
        t.landing_page.c.path.startswith(p.rstrip("/") + "/", autoescape=True) for p in prefixes
    ]
    return and_(t.landing_page.c.purged_at.is_(None), or_(*under) if under else false())


def count_older(connection: Connection, cutoff: datetime, prefixes: Iterable[str]) -> RawCounts:
    rows = {
        table.name: int(
            connection.execute(
                select(func.count()).select_from(table).where(_older(table, column, cutoff))
            ).scalar_one()
        )
        for table, column in RAW
    }
    pages = connection.execute(
        select(func.count()).select_from(t.landing_page).where(_pages(list(prefixes)))
    ).scalar_one()
    return RawCounts(rows, int(pages))


def purge_older(
    connection: Connection, cutoff: datetime, prefixes: Iterable[str], now: datetime
) -> RawCounts:
    """Delete the raw rows older than ``cutoff`` and mark the pages under ``prefixes`` purged
    at ``now``, in the caller's transaction. Idempotent: a second call finds nothing."""
    prefixes = list(prefixes)
    rows = {}
    for table, column in RAW:
        result = connection.execute(delete(table).where(_older(table, column, cutoff)))
        rows[table.name] = int(result.rowcount or 0)
    marked = connection.execute(
        update(t.landing_page).where(_pages(prefixes)).values(purged_at=now)
    )
    return RawCounts(rows, int(marked.rowcount or 0))


def purged_pages(connection: Connection, paths: Iterable[str]) -> dict[str, datetime]:
    """When each of ``paths`` (landing page paths) was purged; absent if it was not."""
    wanted = sorted(set(paths))
    out: dict[str, datetime] = {}
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        rows = connection.execute(
            select(t.landing_page.c.path, t.landing_page.c.purged_at).where(
                t.landing_page.c.path.in_(chunk), t.landing_page.c.purged_at.is_not(None)
            )
        )
        out.update({path: at for path, at in rows})
    return out


@dataclass(frozen=True, slots=True)
class GoneCounts:
    """Rows :func:`purge_gone` deleted, per table."""

    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def purge_gone(
    connection: Connection,
    platform: str,
    *,
    posts: Iterable[str] = (),
    inbound: Iterable[str] = (),
    withdrawn: tuple[str, str] | None = None,
) -> GoneCounts:
    """Delete content the platform no longer serves, in the caller's transaction: the posts
    and inbound messages with these ids on ``platform`` (under every organisation that stored
    them), every post of the ``withdrawn`` ``(org_id, handle)`` account, and the reply links
    to or from any of them. Idempotent."""
    post_ids = sorted(set(posts))
    message_ids = sorted(set(inbound))
    if withdrawn is not None:
        org_id, handle = withdrawn
        own = connection.execute(
            select(t.post.c.post_id).where(
                t.post.c.platform == platform,
                t.post.c.org_id == org_id,
                func.lower(t.post.c.handle) == handle.lower(),
            )
        )
        post_ids = sorted({*post_ids, *(row[0] for row in own)})
    rows = {t.reply_link.name: 0, t.inbound_message.name: 0, t.post.name: 0}
    for i in range(0, max(len(post_ids), len(message_ids)), 500):
        chunk_posts, chunk_messages = post_ids[i : i + 500], message_ids[i : i + 500]
        link = t.reply_link.c
        rows[t.reply_link.name] += _deleted(
            connection,
            delete(t.reply_link).where(
                link.platform == platform,
                or_(link.reply_post_id.in_(chunk_posts), link.inbound_id.in_(chunk_messages)),
            ),
        )
        rows[t.inbound_message.name] += _deleted(
            connection,
            delete(t.inbound_message).where(
                t.inbound_message.c.platform == platform,
                t.inbound_message.c.message_id.in_(chunk_messages),
            ),
        )
        rows[t.post.name] += _deleted(
            connection,
            delete(t.post).where(t.post.c.platform == platform, t.post.c.post_id.in_(chunk_posts)),
        )
    return GoneCounts(rows)


def _deleted(connection: Connection, statement: Any) -> int:
    return int(connection.execute(statement).rowcount or 0)
