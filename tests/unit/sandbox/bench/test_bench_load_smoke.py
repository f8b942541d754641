"""The load benchmark on tiny inputs (not a timed test): it loads, reloads without adding a
row, and prints one line per database with rows/s and the target."""

from __future__ import annotations

import pytest

from maturity.sandbox.bench import load_bench

pytestmark = [pytest.mark.integration]


def test_a_tiny_load_is_measured_and_reloads_nothing() -> None:
    result = load_bench.run("sqlite", 400, 2, load_bench.DEFAULT_POSTGRES)
    assert result["rows"] == load_bench.make_load(400).rows > 400
    assert 0 < result["min"] <= result["median"] <= result["max"]
    assert result["reload_median"] > 0
    assert result["reload_added"] == 0


def test_the_command_prints_each_database_against_its_target(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert load_bench.main(["200", "--repeat", "1", "--no-postgres"]) == 0
    out = capsys.readouterr().out
    assert "sqlite" in out
    assert "target >= 100,000" in out
    assert "0 rows added" in out
    assert "postgresql" not in out
