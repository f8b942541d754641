"""Great Expectations is imported late, set up once per process, quiet, and fast per batch."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from quality_samples import LOOKBACK, clean_batch

from maturity.quality import validate_batch
from maturity.quality.gx_runtime import runtime
from maturity.quality.metric_suites import METRIC_SUITES
from maturity.quality.record_suites import RECORD_SUITES

pytestmark = pytest.mark.unit


def test_importing_the_package_does_not_import_gx_or_pandas() -> None:
    code = (
        "import sys, maturity.quality, maturity.warehouse; "
        "print(','.join(m for m in ('great_expectations', 'pandas', 'numpy') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_one_context_per_process_and_analytics_off() -> None:
    validate_batch(clean_batch(), lookback=LOOKBACK)
    assert runtime() is runtime()
    assert os.environ["GX_ANALYTICS_ENABLED"] == "false"
    assert runtime().context.variables.progress_bars.globally is False


def test_no_progress_bars_on_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    validate_batch(clean_batch(), lookback=LOOKBACK)
    assert "Calculating Metrics" not in capfd.readouterr().err


def test_expectation_keys_are_unique() -> None:
    """(suite, type, kwargs digest) is part of the validation_result key."""
    keys = [
        (s.name, c.expectation_type, c.digest)
        for s in (*RECORD_SUITES, *METRIC_SUITES)
        for c in s.checks
    ]
    assert len(keys) == len(set(keys))


def test_a_1000_row_batch_validates_in_well_under_a_second() -> None:
    batch = clean_batch(1000)
    assert (len(batch.posts), len(batch.inbound), len(batch.reply_links)) == (1500, 1000, 500)
    validate_batch(batch, lookback=LOOKBACK)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        assert validate_batch(batch, lookback=LOOKBACK).success
        timings.append(time.perf_counter() - started)
    # typically 0.1-0.3 s; the bound leaves room for a loaded CI machine
    assert sorted(timings)[1] < 1.0, timings
