"""The record suites: a clean batch passes; each corruption fails exactly its expectation."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from quality_samples import (
    LOOKBACK,
    WINDOW,
    author,
    clean_batch,
    link,
    naive,
    with_inbound,
    with_link,
    with_post,
    with_snapshot,
)

from maturity.errors import InputError
from maturity.quality import validate_batch
from maturity.quality.record_suites import PSEUDONYM_REGEX, RECORD_SUITES
from maturity.records import CollectionBatch

pytestmark = pytest.mark.unit

Corrupt = Callable[[CollectionBatch], CollectionBatch]
END = WINDOW.end
START = WINDOW.start


def _duplicate_post(b: CollectionBatch) -> CollectionBatch:
    return replace(b, posts=(*b.posts, replace(b.posts[0], like_count=99)))


def _duplicate_message(b: CollectionBatch) -> CollectionBatch:
    return replace(b, inbound=(*b.inbound, b.inbound[1]))


def _duplicate_link(b: CollectionBatch) -> CollectionBatch:
    return replace(b, reply_links=(*b.reply_links, b.reply_links[0]))


#: Every record check, and a change to a clean batch that violates it and nothing else.
VIOLATIONS: dict[str, Corrupt] = {
    "snapshots.observed_at_not_null": lambda b: with_snapshot(b, observed_at=naive(END)),
    "snapshots.observed_at_not_after_window_end": lambda b: with_snapshot(
        b, observed_at=END + timedelta(seconds=1)
    ),
    "snapshots.followers_not_negative": lambda b: with_snapshot(b, followers=-1),
    "snapshots.following_not_negative": lambda b: with_snapshot(b, following=-5),
    "snapshots.post_count_not_negative": lambda b: with_snapshot(b, post_count=-1),
    "snapshots.platform_known": lambda b: with_snapshot(b, platform="myspace"),
    "posts.post_id_not_null": lambda b: with_post(b, 0, post_id=""),
    "posts.post_id_unique": _duplicate_post,
    "posts.created_at_not_null": lambda b: with_post(b, 0, created_at=naive(b.posts[0].created_at)),
    "posts.created_at_in_window": lambda b: with_post(b, 0, created_at=END),
    "posts.like_count_not_negative": lambda b: with_post(b, 1, like_count=-1),
    "posts.repost_count_not_negative": lambda b: with_post(b, 1, repost_count=-2),
    "posts.reply_count_not_negative": lambda b: with_post(b, 1, reply_count=-3),
    "posts.quote_count_not_negative": lambda b: with_post(b, 1, quote_count=-4),
    "posts.platform_known": lambda b: with_post(b, 0, platform="friendster"),
    "inbound.message_id_not_null": lambda b: with_inbound(b, message_id=""),
    "inbound.message_id_unique": _duplicate_message,
    "inbound.created_at_not_null": lambda b: with_inbound(
        b, created_at=naive(b.inbound[1].created_at)
    ),
    "inbound.created_at_in_window": lambda b: with_inbound(b, created_at=START - timedelta(days=3)),
    "inbound.author_not_null": lambda b: with_inbound(b, author=None),
    "inbound.author_pseudonymised": lambda b: with_inbound(b, author="@jane_doe_1984"),
    "inbound.platform_known": lambda b: with_inbound(b, platform="orkut"),
    "reply_links.inbound_id_not_null": lambda b: with_link(b, inbound_id=""),
    "reply_links.inbound_id_unique": _duplicate_link,
    "reply_links.delay_s_not_null": lambda b: with_link(b, replied_at=naive(link(b).replied_at)),
    "reply_links.reply_not_before_message": lambda b: with_link(
        b, replied_at=link(b).inbound_at - timedelta(minutes=1)
    ),
    "reply_links.platform_known": lambda b: with_link(b, platform="myspace"),
}

CHECKS = {c.name: (s, c) for s in RECORD_SUITES for c in s.checks}


def test_a_clean_batch_passes_every_expectation() -> None:
    batch = clean_batch()
    result = validate_batch(batch, lookback=LOOKBACK)
    assert result.success, result.reason
    assert result.reason == ""
    assert [o.check for o in result.outcomes] == list(CHECKS)
    assert all(o.success and o.unexpected_count == 0 for o in result.outcomes)
    posts = next(o for o in result.outcomes if o.check == "posts.like_count_not_negative")
    assert posts.element_count == len(batch.posts)
    assert (result.org_id, result.platform, result.handle) == ("acme", "x", "Acme")
    assert result.record_counts == {"snapshots": 1, "posts": 9, "inbound": 6, "reply_links": 3}
    assert [p.endpoint for p in result.pages] == ["users_by", "users_tweets", "users_mentions"]


def test_every_record_check_has_a_violation_case() -> None:
    assert set(VIOLATIONS) == set(CHECKS)


@pytest.mark.parametrize("check_name", list(VIOLATIONS))
def test_a_violation_fails_exactly_its_expectation(check_name: str) -> None:
    suite, check = CHECKS[check_name]
    result = validate_batch(VIOLATIONS[check_name](clean_batch()), lookback=LOOKBACK)
    assert not result.success
    assert [o.check for o in result.failed] == [check_name]
    failed = result.failed[0]
    assert failed.suite == suite.name
    assert failed.unexpected_count is not None
    assert failed.unexpected_count >= 1
    assert failed.unexpected_rows
    for named in (check_name, check.expectation_type, suite.name, check.column or ""):
        assert named in result.reason


def test_the_reason_names_the_offending_ids() -> None:
    result = validate_batch(with_post(clean_batch(), 1, like_count=-1), lookback=LOOKBACK)
    assert "Acme-p1" in result.reason
    assert result.failed[0].observed["unexpected_ids"] == ["Acme-p1"]
    assert result.failed[0].observed["unexpected_values"] == [-1]


def test_a_raw_author_never_appears_in_the_results() -> None:
    raw = "@jane_doe_1984"
    result = validate_batch(with_inbound(clean_batch(), author=raw), lookback=LOOKBACK)
    (failed,) = result.failed
    assert failed.check == "inbound.author_pseudonymised"
    assert "unexpected_values" not in failed.observed
    assert raw not in repr(result.outcomes)
    assert raw not in result.reason
    assert failed.observed["unexpected_ids"] == ["Acme-m1"]


def test_several_violations_are_all_named() -> None:
    batch = with_post(with_snapshot(clean_batch(), followers=-1), 2, quote_count=-1)
    result = validate_batch(batch, lookback=LOOKBACK)
    assert {o.check for o in result.failed} == {
        "snapshots.followers_not_negative",
        "posts.quote_count_not_negative",
    }
    assert result.reason.startswith("2 expectation(s) failed")


def test_window_bounds_created_from_lookback_and_exclusive_end() -> None:
    inside_overlap = with_post(clean_batch(), 0, created_at=START - timedelta(hours=12))
    assert validate_batch(inside_overlap, lookback=LOOKBACK).success
    strict = validate_batch(inside_overlap, lookback=timedelta(0))
    assert [o.check for o in strict.failed] == ["posts.created_at_in_window"]
    before_overlap = with_post(clean_batch(), 0, created_at=START - LOOKBACK - timedelta(seconds=1))
    assert [o.check for o in validate_batch(before_overlap, lookback=LOOKBACK).failed] == [
        "posts.created_at_in_window"
    ]
    last_second = with_post(clean_batch(), 0, created_at=END - timedelta(seconds=1))
    assert validate_batch(last_second, lookback=LOOKBACK).success
    at_start = with_post(clean_batch(), 0, created_at=START)
    assert validate_batch(at_start, lookback=timedelta(0)).success


def test_outcome_kwargs_show_the_window_bounds_that_were_used() -> None:
    result = validate_batch(clean_batch(), lookback=LOOKBACK)
    window = next(o for o in result.outcomes if o.check == "posts.created_at_in_window")
    assert window.kwargs["min_value"] == (START - LOOKBACK).isoformat()
    assert window.kwargs["max_value"] == END.isoformat()
    other = validate_batch(
        clean_batch(window=replace(WINDOW, start=START - timedelta(days=7))), lookback=LOOKBACK
    )
    again = next(o for o in other.outcomes if o.check == "posts.created_at_in_window")
    assert again.kwargs_digest == window.kwargs_digest


def test_a_reply_in_the_same_second_as_its_message_is_allowed() -> None:
    batch = with_link(clean_batch(), replied_at=link(clean_batch()).inbound_at)
    assert validate_batch(batch, lookback=LOOKBACK).success


def test_offsets_other_than_utc_are_compared_as_instants() -> None:
    from zoneinfo import ZoneInfo

    amsterdam = (END - timedelta(minutes=30)).astimezone(ZoneInfo("Europe/Amsterdam"))
    assert validate_batch(
        with_post(clean_batch(), 0, created_at=amsterdam), lookback=LOOKBACK
    ).success


def test_an_empty_batch_passes() -> None:
    batch = CollectionBatch("x", "acme", "Acme", WINDOW.start, WINDOW.end)
    result = validate_batch(batch, lookback=LOOKBACK)
    assert result.success
    assert all(o.element_count == 0 for o in result.outcomes)


def test_a_window_without_timezone_is_a_caller_error() -> None:
    batch = replace(clean_batch(), window_start=datetime(2026, 8, 3))
    with pytest.raises(InputError, match="has no timezone"):
        validate_batch(batch, lookback=LOOKBACK)


def test_the_pseudonym_pattern_matches_the_pseudonymiser() -> None:
    assert re.fullmatch(PSEUDONYM_REGEX, author(1))
    assert re.fullmatch(PSEUDONYM_REGEX, author(2).upper()) is None


def test_a_lookback_is_required_for_every_platform_of_the_batches() -> None:
    from maturity.quality import validate_batches

    with pytest.raises(InputError, match="no lookback for platform"):
        validate_batches([clean_batch()], lookbacks={"reddit": LOOKBACK})


def test_the_lookback_follows_the_connection_overlap() -> None:
    """A three-day overlap re-fetches three days back; the gate accepts what it fetched."""
    two_days_before = with_post(clean_batch(), 0, created_at=START - timedelta(days=2))
    assert not validate_batch(two_days_before, lookback=LOOKBACK).success
    assert validate_batch(two_days_before, lookback=timedelta(days=3)).success


def test_window_end_snapshot_is_inside() -> None:
    assert validate_batch(with_snapshot(clean_batch(), observed_at=END), lookback=LOOKBACK).success
    assert WINDOW.end.tzinfo is UTC


def test_an_expectation_that_cannot_run_fails_the_batch_with_its_error() -> None:
    result = validate_batch(with_post(clean_batch(), 1, like_count="5"), lookback=LOOKBACK)
    (failed,) = result.failed
    assert failed.check == "posts.like_count_not_negative"
    assert failed.exception
    assert "could not run" in result.reason
