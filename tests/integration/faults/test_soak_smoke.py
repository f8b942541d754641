"""``make soak`` in small: two seeded runs with random faults lose and duplicate nothing."""

from __future__ import annotations

import pytest

from maturity.sandbox.soak import draw_faults, soak

pytestmark = pytest.mark.integration


def test_two_soak_runs_end_identical_or_cleanly_failed_with_nothing_lost() -> None:
    report = soak(2, seed=5)
    assert report.runs == 2
    assert sum(report.faults.values()) > 0, "faults were injected and fired"
    assert report.identical + report.rerun_identical == 2, report.render()
    assert report.rows_lost == 0
    assert report.rows_duplicated == 0
    assert report.ok


def test_the_faults_are_drawn_from_the_seed() -> None:
    import random

    a = [draw_faults(random.Random(f"7:{i}")) for i in range(5)]
    b = [draw_faults(random.Random(f"7:{i}")) for i in range(5)]
    assert a == b
    assert {f["kind"] for run in a for f in run}, "some kind"
