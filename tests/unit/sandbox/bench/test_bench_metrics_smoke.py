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
    # the other direction: every DuckDB value has a pandas value at the same scope
    assert result["n_values_only_duckdb"] == 0
    # employee accounts exist in the synthetic world and are compared with real counts
    assert result["nonzero_values_compared"]["organisation.employee_accounts"] > 0
    assert result["values_ratio_same_threads"] > 0


def test_the_subprocess_failing_is_reported_with_its_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import subprocess

    def failed(*args: object, **kwargs: object) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess([], -9, "noise on stdout\n", "MemoryError\n")

    monkeypatch.setattr(subprocess, "run", failed)
    with pytest.raises(RuntimeError, match=r"ended with code -9.*\n.*MemoryError"):
        run(n_interactions=1_000)
