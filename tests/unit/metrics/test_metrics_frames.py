"""Records to typed frames: columns and dtypes hold for empty and full frames alike."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest
from metrics_records import at, inbound, page, post, reply, snapshot

from maturity.errors import InputError
from maturity.metrics.engine.frames import (
    INBOUND_COLUMNS,
    POST_COLUMNS,
    REPLY_LINK_COLUMNS,
    SNAPSHOT_COLUMNS,
    posts_frames,
    record_frames,
)

pytestmark = pytest.mark.unit


def _dtypes(frame: pd.DataFrame) -> dict[str, str]:
    return {
        c: "category" if isinstance(t, pd.CategoricalDtype) else str(t)
        for c, t in frame.dtypes.items()
    }


@pytest.mark.parametrize("empty", [True, False])
def test_frames_have_their_columns_and_dtypes(empty: bool) -> None:
    msg = inbound("m", "Acme", at(), source=page("m"))
    frames = (
        record_frames()
        if empty
        else record_frames(
            [snapshot("Acme", followers=3, verified=None)],
            [post("p", "Acme", at(), hashtags=("Tag",), mentions=("@Care",))],
            [msg],
            [reply(msg, timedelta(hours=1))],
        )
    )
    for frame, spec in (
        (frames.snapshots, SNAPSHOT_COLUMNS),
        (frames.posts, POST_COLUMNS),
        (frames.inbound, INBOUND_COLUMNS),
        (frames.reply_links, REPLY_LINK_COLUMNS),
    ):
        assert list(frame.columns) == list(spec)
        assert _dtypes(frame) == dict(spec)
        assert len(frame) == (0 if empty else 1)
    assert list(frames.hashtags.columns) == ["post_row", "tag"]
    assert list(frames.mentions.columns) == ["post_row", "mention"]


def test_timestamps_are_utc_whatever_the_offset() -> None:
    cest = timezone(timedelta(hours=2))
    frames = record_frames(posts=[post("p", "Acme", datetime(2026, 9, 1, 12, tzinfo=cest))])
    assert str(frames.posts["created_at"].dtype) == "datetime64[us, UTC]"
    assert frames.posts["created_at"].iloc[0] == pd.Timestamp("2026-09-01 10:00", tz="UTC")


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(InputError, match="naive"):
        record_frames(posts=[post("p", "Acme", datetime(2026, 9, 1))])


def test_page_refs_become_columns() -> None:
    frames = record_frames(inbound=[inbound("m", "Acme", at(), source=page("m"))])
    row = frames.inbound.iloc[0]
    assert (row["page_path"], row["page_sha256"], row["page_endpoint"]) == (
        "landing/m.json",
        "sha-m",
        "users_mentions",
    )


def test_post_lists_become_flags_and_child_tables() -> None:
    posts = [
        post(
            "a",
            "Acme",
            at(),
            urls=("https://x.nl/?utm_source=t", "https://y.nl"),
            hashtags=("#Launch", "news"),
            mentions=("@AcmeCare",),
        ),
        post("b", "Acme", at(), urls=("https://y.nl/#utm_source=t",)),
        post("c", "Acme", at()),
    ]
    frame, hashtags, mentions = posts_frames(posts)
    assert frame["n_urls"].tolist() == [2, 1, 0]
    assert frame["has_utm"].tolist() == [True, True, False]
    assert hashtags.values.tolist() == [[0, "launch"], [0, "news"]]
    assert mentions.values.tolist() == [[0, "acmecare"]]


def test_a_warehouse_posts_frame_with_list_columns_is_accepted() -> None:
    raw = pd.DataFrame(
        {
            "platform": ["x"],
            "post_id": ["p"],
            "org_id": ["acme"],
            "handle": ["Acme"],
            "created_at": [at()],
            "kind": ["original"],
            "urls": [["https://a.nl/?utm_id=1"]],
            "hashtags": [["Tag"]],
            "mentions": [[]],
            "like_count": [1],
            "repost_count": [0],
            "reply_count": [0],
            "quote_count": [0],
        }
    )
    frame, hashtags, mentions = posts_frames(raw)
    assert frame["has_utm"].tolist() == [True]
    assert hashtags["tag"].tolist() == ["tag"]
    assert mentions.empty
    assert list(mentions.columns) == ["post_row", "mention"]


def test_duplicate_reply_links_keep_the_earliest_reply() -> None:
    msg = inbound("m", "Acme", at())
    late, early = (
        reply(msg, timedelta(hours=5), reply_post_id="late"),
        reply(msg, timedelta(hours=1), reply_post_id="early"),
    )
    frames = record_frames(reply_links=[late, early])
    assert frames.reply_links["reply_post_id"].tolist() == ["early"]
