"""Batches, metric values and their (cached) validations for the warehouse quality tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import select

from maturity.evidence import MetricValue, Window
from maturity.pseudonym import Pseudonymiser
from maturity.quality import (
    BatchValidation,
    MetricValidation,
    validate_batch,
    validate_metric_values,
)
from maturity.records import (
    AccountSnapshot,
    CollectionBatch,
    Cursor,
    InboundMessage,
    PageRef,
    Post,
    ReplyLink,
)
from maturity.warehouse import OrgRow, Warehouse
from maturity.warehouse.schema import metadata

W1 = Window(datetime(2026, 8, 3, tzinfo=UTC), datetime(2026, 8, 10, tzinfo=UTC))
W2 = Window(datetime(2026, 8, 10, tzinfo=UTC), datetime(2026, 8, 17, tzinfo=UTC))
#: The trailing assessment window that spans both collection windows.
AW = Window(datetime(2026, 5, 18, tzinfo=UTC), datetime(2026, 8, 17, tzinfo=UTC))
LOOKBACK = timedelta(days=1)
ORG = OrgRow("acme", "Acme")
RUN = "collect-20260803T000000Z-20260810T000000Z-0123456789abcdef"
AUTHOR = Pseudonymiser("quality-store-tests-0123456789")("x", "42")
RECORD_TABLES = ("account_snapshot", "post", "inbound_message", "reply_link")
QUALITY_TABLES = ("validation_result", "quarantined_batch", "quarantined_metric")


def page(handle: str, what: str) -> PageRef:
    return PageRef(f"landing/x/acme/{handle}/{what}.json", f"{handle}-{what}".ljust(64, "0"), what)


def batch(handle: str = "Acme", window: Window = W1) -> CollectionBatch:
    t0 = window.start + timedelta(days=1, hours=9)
    msg = InboundMessage(
        "x", f"{handle}-m1", "acme", handle, AUTHOR, t0, "mention", source=page(handle, "mentions")
    )
    post = Post(
        "x",
        f"{handle}-p1",
        "acme",
        handle,
        t0 + timedelta(hours=1),
        "reply",
        in_reply_to_post_id=msg.message_id,
        like_count=2,
        source=page(handle, "tweets"),
    )
    link = ReplyLink("x", "acme", msg.message_id, post.post_id, handle, t0, post.created_at)
    snap = AccountSnapshot(
        "x",
        "acme",
        handle,
        "main",
        window.end,
        "active",
        followers=10,
        source=page(handle, "users"),
    )
    cursor = Cursor("x", "acme", handle, "tweets", post.post_id, post.created_at)
    return CollectionBatch(
        "x",
        "acme",
        handle,
        window.start,
        window.end,
        snapshots=(snap,),
        posts=(post,),
        inbound=(msg,),
        reply_links=(link,),
        cursors=(cursor,),
        pages=(page(handle, "users"), page(handle, "tweets"), page(handle, "mentions")),
    )


def corrupted(handle: str = "AcmeCare", window: Window = W1) -> CollectionBatch:
    """A raw author id slipped through normalisation, and a negative like count."""
    b = batch(handle, window)
    return replace(
        b,
        inbound=(replace(b.inbound[0], author="1234567890"),),
        posts=(replace(b.posts[0], like_count=-1),),
    )


@cache
def validated(handle: str, bad: bool = False, window: Window = W1) -> BatchValidation:
    return validate_batch(
        corrupted(handle, window) if bad else batch(handle, window), lookback=LOOKBACK
    )


def values(rate: float = 0.8) -> list[MetricValue]:
    r = "responsiveness."
    return [
        MetricValue(r + "inbound_messages", 10.0, 10, "x"),
        MetricValue(r + "response_rate", rate, 10, "x"),
        MetricValue(r + "first_response_median_hours", -1.0 if rate > 1 else 3.0, 8, "x"),
        MetricValue("presence.verified_share", None, 0, "all"),
    ]


@cache
def metric_validation(bad: bool = False, window: Window = AW) -> MetricValidation:
    return validate_metric_values("acme", window, values(1.3 if bad else 0.8))


def dump(wh: Warehouse, tables: tuple[str, ...] | None = None) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {}
    with wh.engine.connect() as connection:
        for table in metadata.sorted_tables:
            if tables is None or table.name in tables:
                rows = connection.execute(select(table).order_by(*table.primary_key.columns))
                out[table.name] = [tuple(r) for r in rows]
    return out
