"""Validating many batches or metric sets together gives what validating each alone gives,
with one Great Expectations validation per suite when everything passes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from quality_samples import (
    LOOKBACK,
    LOOKBACKS,
    RATE,
    WINDOW,
    clean_batch,
    clean_values,
    naive,
    replaced,
    with_inbound,
    with_post,
)

from maturity.evidence import Window
from maturity.quality import (
    gx_runtime,
    validate_batch,
    validate_batches,
    validate_metric_sets,
    validate_metric_values,
)

pytestmark = pytest.mark.unit


def _calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count GX validations (the rows each one saw)."""
    seen: list[int] = []
    real = gx_runtime._run

    def counting(suite: Any, frame: Any, parameters: Any, fmt: Any) -> Any:
        seen.append(len(frame))
        return real(suite, frame, parameters, fmt)

    monkeypatch.setattr(gx_runtime, "_run", counting)
    return seen


def test_clean_batches_are_validated_in_one_pass_per_suite(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    batches = [clean_batch(handle=h, org_id=o) for h, o in (("A", "a"), ("B", "b"), ("C", "c"))]
    alone = [validate_batch(b, lookback=LOOKBACK) for b in batches]
    calls = _calls(monkeypatch)
    together = validate_batches(batches, lookbacks=LOOKBACKS)
    assert together == alone
    assert all(r.success for r in together)
    assert len(calls) == 4, "one validation per record suite"


def test_a_bad_batch_among_good_ones_fails_alone_with_its_own_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = clean_batch(handle="A", org_id="a")
    bad = with_post(clean_batch(handle="B", org_id="b"), 2, like_count=-3)
    late = with_inbound(clean_batch(handle="C", org_id="c"), created_at=naive(WINDOW.end))
    together = validate_batches([good, bad, late], lookbacks=LOOKBACKS)
    assert together == [
        validate_batch(good, lookback=LOOKBACK),
        validate_batch(bad, lookback=LOOKBACK),
        validate_batch(late, lookback=LOOKBACK),
    ]
    assert [r.success for r in together] == [True, False, False]
    [negative] = [o for o in together[1].outcomes if not o.success]
    assert negative.check == "posts.like_count_not_negative"
    assert negative.unexpected_rows == (2,)


def test_the_same_id_in_two_batches_is_not_a_repeat(monkeypatch: pytest.MonkeyPatch) -> None:
    # a message that mentions two accounts of one organisation is in both mention timelines
    main = clean_batch(handle="Acme", org_id="acme")
    care = replace(clean_batch(handle="AcmeCare", org_id="acme"), inbound=main.inbound)
    alone = [validate_batch(main, lookback=LOOKBACK), validate_batch(care, lookback=LOOKBACK)]
    calls = _calls(monkeypatch)
    together = validate_batches([main, care], lookbacks=LOOKBACKS)
    assert [r.success for r in together] == [True, True]
    assert together == alone
    assert len(calls) == 4, "still one pass per suite"


def test_a_repeat_within_one_batch_is_still_found() -> None:
    batch = clean_batch()
    repeated = replace(batch, posts=(*batch.posts, batch.posts[0]))
    result = validate_batches([clean_batch(handle="B", org_id="b"), repeated], lookbacks=LOOKBACKS)
    assert [r.success for r in result] == [True, False]
    assert "posts.post_id_unique" in {o.check for o in result[1].outcomes if not o.success}


def test_uniqueness_is_scoped_by_a_column_no_other_check_reads() -> None:
    from maturity.quality import metric_suites as ms
    from maturity.quality import record_suites as rs

    assert gx_runtime._scoped_columns(rs.POSTS) == ["post_id"]
    assert gx_runtime._scoped_columns(ms.VALUES) == ["account"]


def test_batches_of_different_windows_keep_their_own_bounds() -> None:
    early = Window(WINDOW.start - timedelta(days=91), WINDOW.start)
    old = clean_batch(handle="Old", org_id="o", window=early, start=early.start)
    now = clean_batch(handle="Now", org_id="n")
    # the old batch's records lie outside the current window, and inside its own
    assert [r.success for r in validate_batches([old, now], lookbacks=LOOKBACKS)] == [True, True]
    moved = replace(old, window_start=WINDOW.start, window_end=WINDOW.end)
    assert [r.success for r in validate_batches([moved, now], lookbacks=LOOKBACKS)] == [False, True]


def test_no_batches_is_no_results() -> None:
    assert validate_batches([], lookbacks=LOOKBACKS) == []


def test_metric_sets_together_match_each_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    clean = clean_values()
    broken = replaced(clean, RATE, "x", "Acme", value=1.4)
    sets = [("a", WINDOW, clean), ("b", WINDOW, broken), ("c", WINDOW, clean)]
    alone = [validate_metric_values(o, w, v) for o, w, v in sets]
    together = validate_metric_sets(sets)
    assert together == alone
    assert [r.success for r in together] == [True, False, True]
    calls = _calls(monkeypatch)
    validate_metric_sets([("a", WINDOW, clean), ("c", WINDOW, clean)])
    assert len(calls) == 2, "one validation per metric suite when every set passes"
