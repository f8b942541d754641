"""Several runs of one window merge to the union of their items; the first run wins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from maturity.connectors.merge import merge_batches
from maturity.pipeline.gate_and_load import link_org
from maturity.records import CollectionBatch, Cursor, InboundMessage, PageRef, Post

pytestmark = pytest.mark.unit
T0 = datetime(2026, 10, 1, tzinfo=UTC)
P1, P2 = PageRef("a/1.json", "1" * 64, "tweets"), PageRef("a/2.json", "2" * 64, "tweets")


def _post(
    pid: str, hours: float, page: PageRef, likes: int = 0, reply_to: str | None = None
) -> Post:
    return Post(
        "x",
        pid,
        "org",
        "acme",
        T0 + timedelta(hours=hours),
        "reply" if reply_to else "original",
        in_reply_to_post_id=reply_to,
        like_count=likes,
        source=page,
    )


def _msg(mid: str, hours: float) -> InboundMessage:
    return InboundMessage(
        "x", mid, "org", "acme", "anon:" + "A" * 26, T0 + timedelta(hours=hours), "mention"
    )


def _batch(
    posts: tuple[Post, ...],
    inbound: tuple[InboundMessage, ...],
    cursor_at: float,
    pages: tuple[PageRef, ...],
    truncated: bool = False,
) -> CollectionBatch:
    cursor = Cursor(
        "x",
        "org",
        "acme",
        "tweets",
        str(int(cursor_at)),
        T0 + timedelta(hours=cursor_at),
        truncated,
    )
    return CollectionBatch(
        "x",
        "org",
        "acme",
        T0,
        T0 + timedelta(days=7),
        posts=posts,
        inbound=inbound,
        cursors=(cursor,),
        pages=pages,
    )


def test_union_first_run_wins_and_the_union_links_replies_across_runs() -> None:
    first = _batch((_post("1", 1, P1, likes=3),), (_msg("m1", 2),), 1, (P1,))
    second = _batch(
        (_post("1", 1, P2, likes=9), _post("2", 5, P2, reply_to="m1")), (), 5, (P2,), truncated=True
    )
    merged = merge_batches([first, second])
    by_id = {p.post_id: p for p in merged.posts}
    assert set(by_id) == {"1", "2"}
    assert by_id["1"].like_count == 3  # as first recorded
    assert by_id["1"].source == P1
    assert [(r.inbound_id, r.reply_post_id) for r in link_org([merged])[0][0].reply_links] == [
        ("m1", "2")
    ]
    (cursor,) = merged.cursors
    assert cursor.newest_id == "5"
    assert cursor.truncated  # either run hitting the cap counts
    assert {p.path for p in merged.pages} == {P1.path, P2.path}


def test_a_rerun_with_nothing_new_merges_to_the_first_run() -> None:
    first = _batch((_post("1", 1, P1),), (_msg("m1", 2),), 1, (P1,))
    rerun = _batch((_post("1", 1, P2),), (), 1, (P2,))
    merged = merge_batches([first, rerun])
    assert merged.posts == first.posts
    assert merged.inbound == first.inbound
    assert merged.pages == first.pages, "a page whose items were all seen adds nothing"


def test_nothing_to_merge() -> None:
    with pytest.raises(ValueError, match="nothing to merge"):
        merge_batches([])


def test_skipped_items_of_every_run_are_kept_once_unless_another_run_recorded_them() -> None:
    from dataclasses import replace

    from maturity.records import SkippedItem

    late = SkippedItem(P1.path, "p1", "created_at", "missing")  # a later run recorded it
    gone = SkippedItem(P1.path, "p9", "created_at", "missing")
    more = SkippedItem(P2.path, "t1_x", "children", "not loaded")
    first = replace(_batch((), (), 1, (P1,)), skipped=(late, gone))
    second = replace(_batch((_post("p1", 1, P2),), (), 2, (P2,)), skipped=(gone, more))
    merged = merge_batches([first, second])
    assert merged.skipped == (gone, more)
