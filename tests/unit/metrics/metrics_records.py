"""Hand-built records for the metric tests: short constructors with readable defaults."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from maturity.evidence import MetricValue, Window
from maturity.metrics.compute import compute_metrics
from maturity.records import AccountSnapshot, InboundMessage, PageRef, Post, ReplyLink
from maturity.registry import Account, Organisation

#: 13 weeks, Monday 3 August to Monday 2 November 2026 (Europe/Amsterdam leaves DST on 25 Oct).
WINDOW = Window(datetime(2026, 8, 3, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC))
#: Tuesday 1 September 2026, 10:00 UTC = 12:00 in Amsterdam: business hours.
T0 = datetime(2026, 9, 1, 10, tzinfo=UTC)


def at(*, days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
    return T0 + timedelta(days=days, hours=hours, minutes=minutes)


def org(
    *accounts: Account,
    stems: tuple[str, ...] = ("acme",),
    tz: str = "Europe/Amsterdam",
    org_id: str = "acme",
) -> Organisation:
    return Organisation(id=org_id, name="Acme", timezone=tz, name_stems=stems, accounts=accounts)


def account(handle: str, platform: str = "x", function: str = "main", **kw: Any) -> Account:
    return Account(platform=platform, handle=handle, function=function, **kw)


def page(name: str, endpoint: str = "users_mentions") -> PageRef:
    return PageRef(path=f"landing/{name}.json", sha256=f"sha-{name}", endpoint=endpoint)


def snapshot(
    handle: str,
    platform: str = "x",
    *,
    status: str = "active",
    observed_at: datetime | None = None,
    org_id: str = "acme",
    function: str = "main",
    **kw: Any,
) -> AccountSnapshot:
    return AccountSnapshot(
        platform=platform,
        org_id=org_id,
        handle=handle,
        function=function,
        observed_at=observed_at or WINDOW.end,
        status=status,  # type: ignore[arg-type]
        **kw,
    )


def post(
    post_id: str,
    handle: str,
    created_at: datetime,
    kind: str = "original",
    *,
    platform: str = "x",
    org_id: str = "acme",
    **kw: Any,
) -> Post:
    return Post(
        platform=platform,
        post_id=post_id,
        org_id=org_id,
        handle=handle,
        created_at=created_at,
        kind=kind,
        **kw,
    )  # type: ignore[arg-type]


def inbound(
    message_id: str,
    handle: str,
    created_at: datetime,
    *,
    author: str = "p:someone",
    platform: str = "x",
    org_id: str = "acme",
    kind: str = "mention",
    **kw: Any,
) -> InboundMessage:
    return InboundMessage(
        platform=platform,
        message_id=message_id,
        org_id=org_id,
        handle=handle,
        author=author,
        created_at=created_at,
        kind=kind,
        **kw,
    )  # type: ignore[arg-type]


def reply(
    message: InboundMessage,
    after: timedelta,
    *,
    reply_post_id: str | None = None,
    handle: str | None = None,
) -> ReplyLink:
    return ReplyLink(
        platform=message.platform,
        org_id=message.org_id,
        inbound_id=message.message_id,
        reply_post_id=reply_post_id or f"re-{message.message_id}",
        handle=handle or message.handle,
        inbound_at=message.created_at,
        replied_at=message.created_at + after,
    )


def compute(
    organisation: Organisation,
    *,
    snapshots: Sequence[AccountSnapshot] = (),
    posts: Sequence[Post] = (),
    messages: Sequence[InboundMessage] = (),
    links: Sequence[ReplyLink] = (),
    window: Window = WINDOW,
    **kw: Any,
) -> tuple[MetricValue, ...]:
    return compute_metrics(organisation, window, snapshots, posts, messages, links, **kw)


def pick(
    values: Iterable[MetricValue],
    metric_id: str,
    platform: str = "all",
    account_handle: str | None = None,
) -> MetricValue:
    found = [
        v
        for v in values
        if v.metric_id == metric_id and v.platform == platform and v.account == account_handle
    ]
    assert len(found) == 1, f"{metric_id}/{platform}/{account_handle}: {len(found)} values"
    return found[0]


def active_snapshots(organisation: Organisation, **kw: Any) -> list[AccountSnapshot]:
    """An active snapshot at window end for every registered account."""
    return [
        snapshot(a.handle, a.platform, org_id=organisation.id, function=a.function, **kw)
        for a in organisation.accounts
    ]
