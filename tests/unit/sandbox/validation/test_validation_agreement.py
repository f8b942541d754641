"""Agreement statistics: the confusion matrix, within one phase, Cohen's kappa."""

from __future__ import annotations

import pytest

from maturity.sandbox.validation.agreement import (
    CLASSES,
    agreement,
    cohen_kappa,
    confusion,
    label,
    within_one,
)

pytestmark = pytest.mark.unit


def test_kappa_of_a_worked_example() -> None:
    # observed 3/4; chance 0.5 x 0.25 + 0.5 x 0.75 = 0.5; kappa (0.75 - 0.5) / 0.5 = 0.5
    assert cohen_kappa(["1", "1", "2", "2"], ["1", "2", "2", "2"]) == pytest.approx(0.5)


def test_kappa_is_one_for_perfect_agreement_and_below_zero_for_systematic_disagreement() -> None:
    assert cohen_kappa(["1", "2", "IE"], ["1", "2", "IE"]) == pytest.approx(1.0)
    assert cohen_kappa(["1", "2", "1", "2"], ["2", "1", "2", "1"]) == pytest.approx(-1.0)


def test_kappa_is_undefined_when_both_sides_have_one_class() -> None:
    assert cohen_kappa(["3", "3"], ["3", "3"]) is None


@pytest.mark.parametrize(
    ("designed", "estimated", "near"),
    [
        ("3", "4", True),
        ("3", "2", True),
        ("3", "5", False),
        ("1", "0", True),
        ("IE", "IE", True),
        ("IE", "0", False),
        ("1", "IE", False),
    ],
)
def test_within_one(designed: str, estimated: str, near: bool) -> None:
    assert within_one(designed, estimated) is near


def test_label_keeps_insufficient_evidence_apart_from_no_phase() -> None:
    assert label(None, insufficient=True) == "IE"
    assert label(None, insufficient=False) == "0"
    assert label(4, insufficient=False) == "4"


def test_confusion_counts_designed_rows_against_estimated_columns() -> None:
    m = confusion(["IE", "2", "2"], ["0", "2", "3"])
    assert m[CLASSES.index("IE")][CLASSES.index("0")] == 1
    assert m[CLASSES.index("2")][CLASSES.index("2")] == 1
    assert m[CLASSES.index("2")][CLASSES.index("3")] == 1
    assert sum(map(sum, m)) == 3


def test_agreement_rates() -> None:
    a = agreement(["1", "2", "3", "IE"], ["1", "3", "5", "0"])
    assert (a.n, a.exact, a.within_one) == (4, 0.25, 0.5)


def test_a_label_outside_the_classes_is_named() -> None:
    with pytest.raises(ValueError, match="'7'"):
        confusion(["7"], ["1"])
    with pytest.raises(ValueError, match="2 designed labels against 1"):
        confusion(["1", "2"], ["1"])
