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


def test_the_sql_history_cap_agrees_with_pandas_on_capped_accounts() -> None:
    """The benchmark's world has no capped account, so its agreement on ``history_capped`` and
    ``observed_span_days`` is a check of constants; here one account is capped by its
    snapshot and another reaches X's timeline cap, and both sides must still agree."""
    duckdb = pytest.importorskip("duckdb")
    import numpy as np
    import pandas as pd

    from maturity.metrics.compute import compute_metrics_many
    from maturity.sandbox.bench import metrics_bench as mb

    reg, window, frames = generate(5_000, n_orgs=4)
    snapshots = frames.snapshots.copy()
    first = snapshots.index[(snapshots["handle"] == "org0") & (snapshots["status"] == "active")]
    assert len(first) == 1, "org0's main account must be readable in this seed"
    snapshots.loc[first, "history_capped"] = True
    snapshots.loc[first, "covered_from"] = pd.Timestamp(window.start) + pd.Timedelta(days=30)
    # org1's care account: 3,200 posts in the last 40 days of the window (X's timeline cap)
    posts = frames.posts
    care = posts.index[posts["handle"] == "org1care"]
    extra = posts.loc[np.resize(care.to_numpy(), 3_200)].reset_index(drop=True)
    extra["post_id"] = [f"cap{i}" for i in range(len(extra))]
    extra["created_at"] = pd.Timestamp(window.end) - pd.to_timedelta(
        (np.arange(len(extra)) + 1) * 1_000, unit="s"
    )
    frames = type(frames)(
        snapshots=snapshots,
        posts=pd.concat([posts[posts["handle"] != "org1care"], extra], ignore_index=True),
        inbound=frames.inbound,
        reply_links=frames.reply_links,
        hashtags=frames.hashtags.iloc[0:0],
        mentions=frames.mentions.iloc[0:0],
    )
    values = compute_metrics_many(reg, window, frames)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    mb._duckdb_tables(con, reg, frames)
    duck = mb.duckdb_metrics(con, window).set_index(["org_id", "platform", "account"])
    compared, capped = 0, 0
    for org_id, metric_values in values.items():
        for v in metric_values:
            if v.metric_id not in ("activity.history_capped", "activity.observed_span_days"):
                continue
            theirs = duck[mb.COMPARED[v.metric_id]].get((org_id, v.platform, v.account or ""))
            if v.value is None:
                assert theirs is None or pd.isna(theirs), (org_id, v)
                continue
            assert theirs == pytest.approx(v.value, abs=1e-9), (org_id, v, theirs)
            compared += 1
            capped += v.metric_id == "activity.history_capped" and v.value == 1
    assert compared > 0
    # org0's main account, x and all; org1's care account, x and all
    assert capped == 6
