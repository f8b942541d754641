"""Great Expectations is imported late, set up once per process, quiet, and fast per batch."""

from __future__ import annotations

import os
import subprocess
import sys

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


def test_a_1000_row_batch_validates_again_and_again_with_one_context() -> None:
    """Repeated batches reuse the process's one GX context (what keeps a batch cheap). How fast
    a batch validates is measured by `make bench` (the pipeline section's gate_and_load step),
    not asserted here: a timed test only measures how loaded the machine is."""
    batch = clean_batch(1000)
    assert (len(batch.posts), len(batch.inbound), len(batch.reply_links)) == (1500, 1000, 500)
    context = runtime().context
    for _ in range(3):
        assert validate_batch(batch, lookback=LOOKBACK).success
        assert runtime().context is context
