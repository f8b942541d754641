"""The DAG parsing benchmark measures the product's DAG files (not a timed test)."""

from __future__ import annotations

import pytest

from maturity.sandbox.bench.dag_bench import run

pytestmark = [pytest.mark.integration]


def test_every_dag_file_of_the_product_is_measured() -> None:
    results = run(1)
    assert {"social_maturity_assessment.py", "social_maturity_views.py"} <= set(results)
    assert all(seconds > 0 for seconds in results.values())
