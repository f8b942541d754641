"""Reasons read the same numbers in English and Dutch."""

from __future__ import annotations

from datetime import date

import pytest

from maturity.assessment import PlatformCheck, Status
from maturity.evidence import DeclaredFact
from maturity.reasons import check_reason, fact_reason, fmt

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("x", "en", "nl"),
    [(0.0833, "0.0833", "0,0833"), (24.0, "24", "24"), (12345.6, "12,346", "12.346")],
)
def test_numbers(x: float, en: str, nl: str) -> None:
    assert (fmt(x), fmt(x, "nl")) == (en, nl)


CHECK = PlatformCheck("x", Status.NOT_MET, 0.41, 120, 0.65, 0.33, 0.5, "")


def test_a_check_in_both_languages() -> None:
    assert check_reason(CHECK, ">=", 20) == (
        "0.41 on x (95% interval 0.33-0.5), n=120, misses >= 0.65"
    )
    assert check_reason(CHECK, ">=", 20, "nl") == (
        "0,41 op x (95%-interval 0,33-0,5), n=120, haalt niet >= 0,65"
    )


def test_a_small_sample_is_named_as_such() -> None:
    small = PlatformCheck("all", Status.UNCERTAIN, 1.0, 3, 0.65, 0.44, 1.0, "")
    assert "below the minimum sample of 20" in check_reason(small, ">=", 20)
    assert "onder de minimale steekproef van 20" in check_reason(small, ">=", 20, "nl")


def test_a_declaration() -> None:
    fact = DeclaredFact("declared.training", False, "HR", date(2026, 9, 1), "plan.pdf")
    assert fact_reason(fact, ">=", 1.0) == "declared false by HR on 2026-09-01; needs >= 1"
    assert fact_reason(fact, ">=", 1.0, "nl") == "verklaard nee door HR op 2026-09-01; nodig >= 1"
