"""docs/quality.md describes every check the suites run."""

from __future__ import annotations

from pathlib import Path

import pytest

from maturity.quality.checks import Suite
from maturity.quality.metric_suites import CONSISTENCY, METRIC_SUITES
from maturity.quality.record_suites import AUTHOR_REGEX, PSEUDONYM_REGEX, RECORD_SUITES

pytestmark = pytest.mark.unit

DOC = Path(__file__).resolve().parents[3] / "docs" / "quality.md"


def _table_rows() -> dict[str, str]:
    """Markdown table rows that start with a check name, by that name."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    return {line.split("|")[1].strip(" `"): line for line in lines if line.startswith("| `")}


@pytest.mark.parametrize("suite", [*RECORD_SUITES, *METRIC_SUITES], ids=lambda s: s.name)
def test_every_check_is_documented_with_its_expectation(suite: Suite) -> None:
    rows = _table_rows()
    for check in suite.checks:
        assert check.name in rows, f"{check.name} is not in docs/quality.md"
        if suite is not CONSISTENCY:  # that table names the rule instead of the GX type
            assert check.expectation_type in rows[check.name], check.name
    assert suite.name in DOC.read_text(encoding="utf-8")


def test_the_documented_pseudonym_pattern_is_the_one_checked() -> None:
    assert f"`{PSEUDONYM_REGEX}`" in DOC.read_text(encoding="utf-8")
    assert f"`{AUTHOR_REGEX}`" in DOC.read_text(encoding="utf-8")
