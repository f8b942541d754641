"""Real Reddit passes the record gate: deleted/removed authors and negative scores are data.

Both were quarantined before (issue 10): the Reddit assembler keeps ``[deleted]`` and
``[removed]`` authors on purpose, and a Reddit score is upvotes minus downvotes.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from quality_samples import LOOKBACK, clean_batch, with_inbound, with_post

from maturity.quality import validate_batch
from maturity.quality.record_suites import AUTHOR_REGEX
from maturity.records import SkippedItem

pytestmark = pytest.mark.unit


def _outcome(result: object, name: str) -> object:
    return next(o for o in result.outcomes if o.check == name)  # type: ignore[attr-defined]


@pytest.mark.parametrize("placeholder", ["[deleted]", "[removed]"])
def test_a_reddit_message_by_a_deleted_or_removed_author_passes(placeholder: str) -> None:
    batch = with_inbound(clean_batch(platform="reddit"), author=placeholder)
    result = validate_batch(batch, lookback=LOOKBACK)
    assert result.success, result.reason


def test_only_the_placeholders_pass_the_privacy_check_not_names_that_contain_them() -> None:
    for author in ("[deleted]x", "u/[deleted]", "jane_doe", "[Deleted]", "anon:short"):
        batch = with_inbound(clean_batch(platform="reddit"), author=author)
        result = validate_batch(batch, lookback=LOOKBACK)
        assert not result.success, author
        failed = [o.check for o in result.failed]
        assert failed == ["inbound.author_pseudonymised"], (author, failed)
    assert AUTHOR_REGEX.startswith("^(?:anon:")


def test_a_negative_reddit_score_passes_and_a_negative_x_like_count_does_not() -> None:
    reddit = with_post(clean_batch(platform="reddit"), 1, like_count=-7)
    assert validate_batch(reddit, lookback=LOOKBACK).success
    x = with_post(clean_batch(platform="x"), 1, like_count=-7)
    result = validate_batch(x, lookback=LOOKBACK)
    assert [o.check for o in result.failed] == ["posts.like_count_not_negative"]


def test_the_quality_result_counts_the_skipped_items() -> None:
    batch = clean_batch()
    assert "skipped" not in validate_batch(batch, lookback=LOOKBACK).record_counts
    skipped = (
        SkippedItem("x/acme/Acme/w/users_tweets/0001-ab.json", "1901", "created_at", "missing"),
        SkippedItem("x/acme/Acme/w/users_tweets/0001-ab.json", None, "id", "missing"),
    )
    result = validate_batch(replace(batch, skipped=skipped), lookback=LOOKBACK)
    assert result.success
    assert result.record_counts["skipped"] == 2
