from __future__ import annotations

from pathlib import Path

import pytest

from maturity.metric_dictionary import METRICS, METRICS_BY_ID
from maturity.metrics.docs import render

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]


def test_docs_metrics_md_is_generated_from_the_dictionary() -> None:
    current = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert current == render(), "run `make docs` to regenerate docs/metrics.md"


def test_ids_are_unique_and_namespaced_by_family() -> None:
    assert len(METRICS_BY_ID) == len(METRICS)
    for m in METRICS:
        assert m.id.split(".")[0] == m.family


@pytest.mark.parametrize(
    "family", ["presence", "activity", "responsiveness", "interaction", "organisation"]
)
def test_every_family_has_metrics(family: str) -> None:
    assert any(m.family == family for m in METRICS)
