"""The maturity model as data: a versioned rubric, validated when it is loaded."""

from __future__ import annotations

from maturity.rubric.loader import DEFAULT_RUBRIC_PATH, load_default_rubric, load_rubric
from maturity.rubric.model import Comparator, Criterion, Goal, Rubric

__all__ = [
    "DEFAULT_RUBRIC_PATH",
    "Comparator",
    "Criterion",
    "Goal",
    "Rubric",
    "load_default_rubric",
    "load_rubric",
]
