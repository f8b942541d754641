"""The realistic-limits section on a tiny world (4 organisations, windows / 60, request counts
/ 100 so the limits bind): the real scheduler runs the DAG, meets the limits by rescheduling
and the section reports every row.

Slow (100 to 130 s here, most of it the local Airflow's start-up and migration): it is the only test
that runs the DAG with the product's and the emulator's limits compressed alike and two X apps,
so the benchmark cannot rot unseen; the scheduler tests' start-up cannot be shared with it
because the connections differ."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from maturity.sandbox.bench import realistic_bench as rb
from maturity.sandbox.bench.runner import Context, realistic

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.postgres]


def test_the_section_runs_at_compressed_limits_and_reports_its_rows(
    postgres_admin: Engine,
) -> None:
    result = realistic(Context(quick=True))
    (run,) = result.details["runs"]
    assert run["state"] == "success"
    assert run["x_credentials"] == 2
    assert run["reschedules"] >= 1, "the limits were met and the collect tasks rescheduled"
    assert run["deferred_seconds"] > 0
    assert run["lower_bound_seconds"] > 0
    assert run["seconds"] >= run["lower_bound_seconds"], "no run beats the limits' bound"
    assert run["cost_orgs"] == 4
    assert run["x_reads_per_org"] > 0
    ids = {f.id: f for f in result.figures}
    assert ids["realistic_4_ratio"].values == [run["seconds"] / run["lower_bound_seconds"]]
    assert ids["realistic_4_ratio"].target == rb.TARGET_RATIO
    assert ids["realistic_4_held"].target == 0.0
    assert ids["realistic_4_held"].values == [run["held_slot_seconds"]]
    assert ids["realistic_4_x_price"].values == [run["x_price_per_org"]]
    assert "windows / 60" in result.conditions["rate limits"]
    assert "request counts / 100" in result.conditions["rate limits"]
    assert run["retry_delay"] == 5
    assert result.conditions["first retry delay"] == "5 s (smoke run)"
    assert "reschedule_races" in run
