"""docs/rubric.md prints the effective bar of every proportion threshold at n = 10 ... 1,000;
the tables there are generated from the code and must match it.

``MATURITY_UPDATE_DOCS=1 pytest tests/unit/rubric/test_effective_bars.py`` rewrites them."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from maturity.rubric import load_default_rubric, load_rubric
from maturity.scoring import bar_table, effective_bar

pytestmark = pytest.mark.unit

DOC = Path(__file__).resolve().parents[3] / "docs" / "rubric.md"
VERSIONS = {
    "2026.11.0": lambda: load_rubric("2026.11.0"),
    "2026.12.0": lambda: load_rubric("2026.12.0"),
    "2026.12.1": load_default_rubric,
}


def _section(version: str) -> re.Pattern[str]:
    v = re.escape(version)
    return re.compile(rf"(<!-- bars:{v}:start -->\n)(.*?)(<!-- bars:{v}:end -->)", re.S)


@pytest.mark.parametrize("version", list(VERSIONS))
def test_the_doc_prints_the_bars_the_code_applies(version: str) -> None:
    rubric = VERSIONS[version]()
    assert rubric.version == version
    table = bar_table(rubric)
    text = DOC.read_text(encoding="utf-8")
    if os.environ.get("MATURITY_UPDATE_DOCS") == "1":
        text = _section(version).sub(lambda m: m.group(1) + table + m.group(3), text)
        DOC.write_text(text, encoding="utf-8")
    found = _section(version).search(text)
    assert found, f"docs/rubric.md has no bars:{version} markers"
    assert found.group(2) == table, (
        "docs/rubric.md is out of date: run MATURITY_UPDATE_DOCS=1 pytest "
        "tests/unit/rubric/test_effective_bars.py"
    )


def test_the_old_rule_needed_55_percent_to_show_30_and_failed_35_of_50() -> None:
    old = load_rubric("2026.11.0")
    assert effective_bar(old.criterion("engagement.response_rate"), 20, old.decision_rule) == 0.55
    bar = effective_bar(old.criterion("converged.response_rate"), 50, old.decision_rule)
    assert bar is not None
    assert bar > 35 / 50


def test_the_new_rule_keeps_the_benchmark_from_the_minimum_sample_on() -> None:
    new = load_default_rubric()
    rate = new.criterion("engagement.response_rate")
    assert effective_bar(rate, 10, new.decision_rule) is None  # below min_sample 20
    for n in (20, 50, 200, 1000):
        assert effective_bar(rate, n, new.decision_rule) == pytest.approx(0.30, abs=1 / n)
    bar = effective_bar(new.criterion("converged.response_rate"), 50, new.decision_rule)
    assert bar is not None
    assert bar <= 35 / 50
