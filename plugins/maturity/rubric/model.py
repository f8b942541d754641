"""The rubric's schema: goals from the seed text, and the criteria that test them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from maturity.metrics.dictionary import METRICS_BY_ID
from maturity.phases import Phase
from maturity.platforms import KNOWN_PLATFORMS

Comparator = Literal[">=", ">", "<=", "<", "=="]
DEFAULT_PLATFORM = "default"


class Text(BaseModel):
    """A text the product shows to users, in English and Dutch."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    en: str = Field(min_length=1)
    nl: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


class Goal(BaseModel):
    """A goal of a phase as the seed text states it; criteria cite goals by id."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^p[1-6]\.[a-z0-9_]+$")
    phase: Phase
    text: Text
    source: Literal["seed", "altimeter"] = "seed"


class Criterion(BaseModel):
    """One testable condition of a phase.

    ``threshold`` is one number, or a mapping from platform to number with an optional
    ``default``. An observed criterion reads ``metric`` from the metric dictionary; a
    declared one reads the declared fact ``fact`` (true counts as 1, false as 0).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
    phase: Phase
    label: Text
    help: Text
    kind: Literal["observed", "declared"]
    metric: str | None = None
    fact: str | None = None
    comparator: Comparator = ">="
    threshold: float | dict[str, float]
    min_sample: int = Field(default=1, ge=0)
    weight: float = Field(gt=0, le=100)
    role: Literal["gate", "support"]
    aggregate: Literal["any", "all"] = "any"
    advice: Text
    goals: tuple[str, ...] = Field(min_length=1)

    @field_validator("threshold")
    @classmethod
    def _platform_keys(cls, v: float | dict[str, float]) -> float | dict[str, float]:
        if isinstance(v, dict):
            if not v:
                raise ValueError("a per-platform threshold needs at least one platform")
            unknown = sorted(set(v) - {*KNOWN_PLATFORMS, DEFAULT_PLATFORM})
            if unknown:
                raise ValueError(
                    f"unknown platform(s) {unknown}; use {[*KNOWN_PLATFORMS, DEFAULT_PLATFORM]}"
                )
        return v

    @model_validator(mode="after")
    def _source_and_range(self) -> Criterion:
        if self.kind == "observed":
            if not self.metric or self.fact:
                raise ValueError("an observed criterion names a 'metric' and no 'fact'")
            if self.metric not in METRICS_BY_ID:
                raise ValueError(
                    f"unknown metric '{self.metric}'; the metric dictionary "
                    "(docs/metrics.md) lists the valid ids"
                )
            kind = METRICS_BY_ID[self.metric].kind
            for platform, value in self.thresholds().items():
                if kind == "proportion" and not 0.0 <= value <= 1.0:
                    raise ValueError(
                        f"threshold {value} for {platform} is out of range: metric "
                        f"'{self.metric}' is a proportion, so use a number from 0 to 1"
                    )
                if value < 0:
                    raise ValueError(
                        f"threshold {value} for {platform} is out of range: metric "
                        f"'{self.metric}' cannot be negative"
                    )
        else:
            if not self.fact or self.metric:
                raise ValueError("a declared criterion names a 'fact' and no 'metric'")
            for platform, value in self.thresholds().items():
                if not 0.0 <= value <= 1.0:
                    raise ValueError(
                        f"threshold {value} for {platform} is out of range: declared facts "
                        "are true (1) or false (0) or a share, so use a number from 0 to 1"
                    )
        return self

    def thresholds(self) -> dict[str, float]:
        if isinstance(self.threshold, dict):
            return dict(self.threshold)
        return {DEFAULT_PLATFORM: float(self.threshold)}

    def threshold_for(self, platform: str) -> float | None:
        """The threshold on ``platform``; None if the criterion does not apply there."""
        t = self.thresholds()
        return t.get(platform, t.get(DEFAULT_PLATFORM))

    @property
    def source(self) -> str:
        return self.metric or self.fact or ""


class Rubric(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rubric: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    version: str = Field(min_length=1)
    title: Text
    goals: tuple[Goal, ...]
    criteria: tuple[Criterion, ...]

    def for_phase(self, phase: Phase) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.phase == phase)

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)
