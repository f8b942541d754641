"""Designed against estimated phases: the confusion matrix, exact and within-one agreement
and Cohen's kappa, overall and per archetype.

Classes are ``IE`` (insufficient evidence), ``0`` (assessed, no phase attained) and ``1``..``6``.
Within one: both numeric and at most one phase apart, or both ``IE``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from maturity.sandbox.validation.behaviour import INSUFFICIENT

CLASSES: tuple[str, ...] = (INSUFFICIENT, "0", "1", "2", "3", "4", "5", "6")


def label(phase: int | None, *, insufficient: bool) -> str:
    """The class of a verdict: ``IE``, or the phase (``0`` when none was attained)."""
    if insufficient:
        return INSUFFICIENT
    return str(phase or 0)


def within_one(designed: str, estimated: str) -> bool:
    if INSUFFICIENT in (designed, estimated):
        return designed == estimated
    return abs(int(designed) - int(estimated)) <= 1


@dataclass(frozen=True)
class Agreement:
    n: int
    exact: float
    within_one: float
    kappa: float | None
    """None when undefined (a single class on both sides)."""
    matrix: tuple[tuple[int, ...], ...]
    """Rows: designed class; columns: estimated class; both in :data:`CLASSES` order."""


def cohen_kappa(designed: Sequence[str], estimated: Sequence[str]) -> float | None:
    """Unweighted Cohen's kappa; None when chance agreement is 1 (kappa undefined)."""
    import numpy as np

    m = np.asarray(confusion(designed, estimated), dtype=float)
    n = m.sum()
    if n == 0:
        return None
    observed = np.trace(m) / n
    chance = float((m.sum(axis=1) * m.sum(axis=0)).sum() / (n * n))
    if chance >= 1.0:
        return None
    return float((observed - chance) / (1.0 - chance))


def confusion(designed: Sequence[str], estimated: Sequence[str]) -> list[list[int]]:
    if len(designed) != len(estimated):
        raise ValueError(
            f"confusion: {len(designed)} designed labels against {len(estimated)} estimated"
        )
    index = {c: i for i, c in enumerate(CLASSES)}
    m = [[0] * len(CLASSES) for _ in CLASSES]
    for d, e in zip(designed, estimated, strict=True):
        if d not in index or e not in index:
            raise ValueError(f"confusion: label {d!r} or {e!r} is not one of {CLASSES}")
        m[index[d]][index[e]] += 1
    return m


def agreement(designed: Sequence[str], estimated: Sequence[str]) -> Agreement:
    m = confusion(designed, estimated)
    n = len(designed)
    exact = sum(d == e for d, e in zip(designed, estimated, strict=True))
    near = sum(within_one(d, e) for d, e in zip(designed, estimated, strict=True))
    return Agreement(
        n=n,
        exact=exact / n if n else 0.0,
        within_one=near / n if n else 0.0,
        kappa=cohen_kappa(designed, estimated),
        matrix=tuple(tuple(row) for row in m),
    )
