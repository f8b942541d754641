"""Hand-built batches and metric values for the quality gate tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from maturity.connectors.replies import link_replies
from maturity.evidence import MetricValue, Window
from maturity.pseudonym import Pseudonymiser
from maturity.records import (
    AccountSnapshot,
    CollectionBatch,
    InboundMessage,
    PageRef,
    Post,
    ReplyLink,
)

#: 13 weeks, Monday 3 August to Monday 2 November 2026.
WINDOW = Window(datetime(2026, 8, 3, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC))
#: Tuesday 1 September 2026, 10:00 UTC.
T0 = datetime(2026, 9, 1, 10, tzinfo=UTC)
PSEUDONYMS = Pseudonymiser("quality-tests-key-0123456789")
POSTS_PAGE = PageRef("landing/x/acme/Acme/tweets-1.json", "a" * 64, "users_tweets")
MENTIONS_PAGE = PageRef("landing/x/acme/Acme/mentions-1.json", "b" * 64, "users_mentions")
USERS_PAGE = PageRef("landing/x/shared/users-1.json", "c" * 64, "users_by")


LOOKBACK = timedelta(days=1)
"""The record gate's lookback in these tests: the connectors' default overlap of a day."""
LOOKBACKS = {"x": LOOKBACK, "reddit": LOOKBACK}


def author(i: int) -> str:
    return PSEUDONYMS("x", f"user-{i}")


def clean_batch(
    n: int = 6,
    *,
    handle: str = "Acme",
    org_id: str = "acme",
    platform: str = "x",
    window: Window = WINDOW,
    start: datetime = T0,
) -> CollectionBatch:
    """``n`` inbound mentions, ``n`` original posts and a reply to every other mention, all
    between ``start`` and four days before the window end."""
    step = min(timedelta(hours=5), (window.end - timedelta(days=4) - start) / max(n, 1))
    inbound = tuple(
        InboundMessage(
            platform=platform,
            message_id=f"{handle}-m{i}",
            org_id=org_id,
            handle=handle,
            author=author(i),
            created_at=start + step * i + timedelta(minutes=20),
            kind="mention",
            conversation_id=f"{handle}-c{i}",
            source=MENTIONS_PAGE,
        )
        for i in range(n)
    )
    originals = tuple(
        Post(
            platform=platform,
            post_id=f"{handle}-p{i}",
            org_id=org_id,
            handle=handle,
            created_at=start + step * i,
            kind="original",
            like_count=i,
            repost_count=1,
            source=POSTS_PAGE,
        )
        for i in range(n)
    )
    replies = tuple(
        Post(
            platform=platform,
            post_id=f"{handle}-r{i}",
            org_id=org_id,
            handle=handle,
            created_at=m.created_at + timedelta(minutes=30 + 90 * (i % 40)),
            kind="reply",
            conversation_id=m.conversation_id,
            in_reply_to_post_id=m.message_id,
            in_reply_to_author=m.author,
            source=POSTS_PAGE,
        )
        for i, m in enumerate(inbound)
        if i % 2 == 0
    )
    posts = originals + replies
    snapshot = AccountSnapshot(
        platform=platform,
        org_id=org_id,
        handle=handle,
        function="main",
        observed_at=window.end,
        status="active",
        display_name="Acme",
        created_at=datetime(2012, 5, 1, tzinfo=UTC),
        followers=1200,
        following=80,
        post_count=5400,
        source=USERS_PAGE,
    )
    return CollectionBatch(
        platform=platform,
        org_id=org_id,
        handle=handle,
        window_start=window.start,
        window_end=window.end,
        snapshots=(snapshot,),
        posts=posts,
        inbound=inbound,
        reply_links=link_replies(inbound, posts),
        pages=(USERS_PAGE, POSTS_PAGE, MENTIONS_PAGE),
    )


def naive(value: datetime) -> datetime:
    return value.replace(tzinfo=None)


def with_snapshot(batch: CollectionBatch, **changes: Any) -> CollectionBatch:
    return replace(batch, snapshots=(replace(batch.snapshots[0], **changes),))


def with_post(batch: CollectionBatch, index: int = 0, **changes: Any) -> CollectionBatch:
    posts = list(batch.posts)
    posts[index] = replace(posts[index], **changes)
    return replace(batch, posts=tuple(posts))


def with_inbound(batch: CollectionBatch, index: int = 1, **changes: Any) -> CollectionBatch:
    """Index 1 by default: an unanswered message, so no reply link refers to it."""
    messages = list(batch.inbound)
    messages[index] = replace(messages[index], **changes)
    return replace(batch, inbound=tuple(messages))


def with_link(batch: CollectionBatch, index: int = 0, **changes: Any) -> CollectionBatch:
    links = list(batch.reply_links)
    links[index] = replace(links[index], **changes)
    return replace(batch, reply_links=tuple(links))


def link(batch: CollectionBatch, index: int = 0) -> ReplyLink:
    return batch.reply_links[index]


# -- metric values ----------------------------------------------------------------------------

RATE = "responsiveness.response_rate"
INBOUND = "responsiveness.inbound_messages"


def responsiveness(
    platform: str = "x",
    account: str | None = None,
    *,
    inbound: int = 10,
    answered: int = 8,
    within_1h: int = 3,
    within_24h: int = 6,
    after_hours: int = 4,
    weekend: int = 2,
) -> list[MetricValue]:
    """The responsiveness values of one scope, consistent with each other."""

    def v(metric: str, value: float | None, n: int) -> MetricValue:
        return MetricValue(f"responsiveness.{metric}", value if n else None, n, platform, account)

    return [
        v("inbound_messages", float(inbound), inbound),
        v("response_rate", answered / inbound if inbound else None, inbound),
        v("within_1h_share", within_1h / inbound if inbound else None, inbound),
        v("within_24h_share", within_24h / inbound if inbound else None, inbound),
        v("first_response_median_hours", 2.5, answered),
        v("first_response_p90_hours", 20.0, answered),
        v("after_hours_response_share", 0.5, after_hours),
        v("weekend_response_share", 0.5, weekend),
    ]


def clean_values() -> list[MetricValue]:
    """Two accounts on X, their platform aggregate and one value of every kind."""
    return [
        *responsiveness("x", "Acme", inbound=6, answered=5, within_1h=2, within_24h=4),
        *responsiveness("x", "AcmeCare", inbound=4, answered=3, within_1h=1, within_24h=2),
        *responsiveness("x", None, inbound=10, answered=8, within_1h=3, within_24h=6),
        *responsiveness("all", None, inbound=10, answered=8, within_1h=3, within_24h=6),
        MetricValue("presence.verified_share", 0.5, 2, "x"),
        MetricValue("presence.account_age_days", 5000.0, 2, "x"),
        MetricValue("presence.accounts_total", 2.0, 2, "all"),
        MetricValue("activity.posts_per_week", 4.2, 13, "all"),
        MetricValue("interaction.engagement_per_follower", 0.01, 40, "all"),
        MetricValue("activity.gap_regularity", 0.7, 30, "all"),
        MetricValue("presence.dormant_share", None, 0, "reddit"),
    ]


def replaced(
    values: list[MetricValue], metric_id: str, platform: str, account: str | None, **changes: Any
) -> list[MetricValue]:
    out = []
    hits = 0
    for v in values:
        if (v.metric_id, v.platform, v.account) == (metric_id, platform, account):
            v = replace(v, **changes)
            hits += 1
        out.append(v)
    assert hits == 1, f"{metric_id}/{platform}/{account}: {hits} values"
    return out
