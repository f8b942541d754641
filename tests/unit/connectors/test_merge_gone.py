"""What a later run of a window shows the platform no longer serves: a post the timeline no
longer returns where the run read it again, or an account that became protected."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from maturity.connectors.context import EndpointPlan, XContext
from maturity.connectors.merge import Gone, coverage, gone, merge_batches
from maturity.connectors.x_assembler import MENTIONS, TWEETS
from maturity.records import (
    AccountSnapshot,
    CollectionBatch,
    Cursor,
    InboundMessage,
    PageRef,
    Post,
    SkippedItem,
)

pytestmark = pytest.mark.unit
T0 = datetime(2026, 10, 1, tzinfo=UTC)
END = T0 + timedelta(days=7)
PAGE = PageRef("x/org/acme/w/users_tweets/0001-a.json", "a" * 64, TWEETS)


def _post(pid: str, day: float) -> Post:
    return Post("x", pid, "org", "acme", T0 + timedelta(days=day), "original", source=PAGE)


def _batch(*posts: Post, status: str = "active", truncated: bool = False) -> CollectionBatch:
    snap = AccountSnapshot("x", "org", "acme", "main", END, status)  # type: ignore[arg-type]
    cursor = Cursor("x", "org", "acme", "posts", None, None, truncated)
    return CollectionBatch(
        "x", "org", "acme", T0, END, snapshots=(snap,), posts=posts, cursors=(cursor,)
    )


def _read_from(day: float) -> dict[str, EndpointPlan]:
    return {TWEETS: EndpointPlan(lower=T0 + timedelta(days=day), cap=3200)}


def test_a_post_missing_where_a_later_run_read_again_is_gone_and_left_out() -> None:
    first = _batch(_post("1", 1), _post("2", 5), _post("3", 6))
    later = _batch(_post("3", 6))  # read again from day 4: post 2 is no longer served
    found = gone([(first, _read_from(0)), (later, _read_from(4))])
    assert found == Gone(posts=frozenset({"2"}))
    merged = merge_batches([first, later], found)
    assert [p.post_id for p in merged.posts] == ["1", "3"]  # post 1 was not read again


def test_absence_proves_nothing_outside_a_full_reading() -> None:
    first = _batch(_post("1", 1), _post("2", 5))
    # a run that did not read the timeline, one cut short by the cap, one that saw it skipped
    assert not gone([(first, _read_from(0)), (_batch(), {})])
    assert not gone([(first, _read_from(0)), (_batch(truncated=True), {})])
    skipped = replace(_batch(), skipped=(SkippedItem(PAGE.path, "2", "created_at", "missing"),))
    assert gone([(first, _read_from(0)), (skipped, _read_from(4))]) == Gone(posts=frozenset())
    # a post missing once and served again later was not deleted
    runs = [(first, _read_from(0)), (_batch(), _read_from(4)), (first, _read_from(0))]
    assert not gone(runs)


def test_coverage_is_the_x_timelines_a_run_read_in_full() -> None:
    plan = EndpointPlan(lower=T0, cap=3200)
    context = XContext(plans={"posts": plan, "mentions": plan})
    assert coverage("x", context, _batch()) == {TWEETS: plan, MENTIONS: plan}
    assert coverage("x", context, _batch(truncated=True)) == {MENTIONS: plan}
    # a timeline answered with an error about the account itself was not read
    refused = SkippedItem(
        "x/org/acme/w/users_tweets/0001-b.json", "10", "id", "api error: Authorization Error"
    )
    assert coverage("x", context, replace(_batch(), skipped=(refused,))) == {MENTIONS: plan}
    # an error about one referenced tweet does not stop the page being read
    partial = replace(refused, item_id="99", field="referenced_tweets.id")
    assert coverage("x", context, replace(_batch(), skipped=(partial,))) == {
        TWEETS: plan,
        MENTIONS: plan,
    }
    assert coverage("reddit", context, _batch()) == {}


@pytest.mark.parametrize("status", ["protected", "suspended", "deleted"])
def test_an_account_that_withdrew_loses_its_posts_and_keeps_its_latest_status(
    status: str,
) -> None:
    first = _batch(_post("1", 1), _post("2", 5))
    later = _batch(status=status)
    found = gone([(first, _read_from(0)), (later, {})])
    assert found.withdrawn == status
    merged = merge_batches([first, later], found)
    assert merged.posts == ()
    assert [s.status for s in merged.snapshots] == [status]


def test_a_handle_that_no_longer_resolves_is_not_a_withdrawal() -> None:
    first = _batch(_post("1", 1))
    assert not gone([(first, _read_from(0)), (_batch(status="not_found"), {})])


def _message(mid: str, author: str) -> InboundMessage:
    return InboundMessage("reddit", mid, "org", "acme", author, T0, "comment")


def test_a_reddit_item_whose_author_became_deleted_is_gone() -> None:
    first = replace(_batch(), inbound=(_message("t1_a", "anon:" + "A" * 26),))
    blanked = replace(_batch(), inbound=(_message("t1_a", "[deleted]"),))
    found = gone([(first, {}), (blanked, {})])
    assert found == Gone(inbound=frozenset({"t1_a"}))
    assert merge_batches([first, blanked], found).inbound == ()
    # shown as [deleted] from the start: kept as Reddit shows it (no author to protect)
    assert not gone([(blanked, {}), (blanked, {})])
    # an own post that a later run sees, deleted, as someone else's [deleted] comment
    own = replace(_batch(), posts=(replace(_post("t1_a", 1), platform="reddit"),))
    found = gone([(own, {}), (blanked, {})])
    assert found.posts == {"t1_a"}
    merged = merge_batches([own, blanked], found)
    assert merged.posts == ()
    assert merged.inbound == ()


def test_a_reddit_listing_page_loses_the_things_named_and_their_nested_replies_stay() -> None:
    from maturity.connectors.reddit import without_things

    def thing(name: str, replies: object = "") -> dict[str, object]:
        return {"kind": name[:2], "data": {"name": name, "replies": replies}}

    nested = {"kind": "Listing", "data": {"children": [thing("t1_c"), thing("t1_d")]}}
    page = {"kind": "Listing", "data": {"children": [thing("t3_a", nested), thing("t1_b")]}}
    out = without_things(frozenset({"t1_b", "t1_d"}))(page)
    assert out is not None
    assert [c["data"]["name"] for c in out["data"]["children"]] == ["t3_a"]
    (kept,) = out["data"]["children"]
    assert [c["data"]["name"] for c in kept["data"]["replies"]["data"]["children"]] == ["t1_c"]
    assert without_things(frozenset({"t1_x"}))(page) is None, "nothing to take out"
    assert without_things(None)([page, page]) == [{"kind": "Listing", "data": {"children": []}}] * 2
