"""The metrics benchmark runs end to end on a tiny world (not a timed test)."""

from __future__ import annotations

import pytest

from maturity.sandbox.bench.metrics_bench import generate, run

pytestmark = pytest.mark.unit

KEYS = {
    "n_interactions",
    "n_orgs",
    "n_metric_values",
    "pandas_s",
    "pandas_values_s",
    "pandas_compared_s",
    "duckdb_s",
    "duckdb_1_thread_s",
    "ratio",
    "peak_rss_mb",
    "max_abs_diff",
    "ratio_met",
    "rss_met",
}


def test_generation_is_seeded_and_about_the_asked_size() -> None:
    _, _, first = generate(5_000, n_orgs=10)
    _, _, second = generate(5_000, n_orgs=10)
    assert 4_500 <= first.n_interactions <= 5_500
    assert first.posts.equals(second.posts)
    assert first.inbound.equals(second.inbound)


def test_run_returns_the_numbers_and_agrees_with_duckdb() -> None:
    pytest.importorskip("duckdb")
    result = run(n_interactions=5_000)
    assert set(result) >= KEYS
    assert result["n_metric_values"] > 0
    assert result["pandas_s"] > 0
    assert result["duckdb_s"] > 0
    assert result["max_abs_diff"] < 1e-9
