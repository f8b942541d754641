"""The rubric's schema: goals from the seed text, and the criteria that test them."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from maturity.metric_dictionary import METRICS_BY_ID
from maturity.phases import Phase
from maturity.platforms import KNOWN_PLATFORMS

Comparator = Literal[">=", ">", "<=", "<", "=="]
DEFAULT_PLATFORM = "default"


class Text(BaseModel):
    """A text the product shows to users, in English and Dutch."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    en: str = Field(min_length=1)
    nl: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


class Goal(BaseModel):
    """A goal of a phase as the seed text states it; criteria cite goals by id."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    id: str = Field(pattern=r"^p[1-6]\.[a-z0-9_]+$")
    phase: Phase
    text: Text
    source: Literal["seed", "altimeter"] = "seed"

    @model_validator(mode="after")
    def _prefix_matches_phase(self) -> Goal:
        if int(self.id[1]) != int(self.phase):
            raise ValueError(
                f"goal id '{self.id}' starts with p{self.id[1]} but phase is "
                f"{int(self.phase)}; use the prefix p{int(self.phase)}"
            )
        return self


def _check_range(kind: object, metric: object, platform: str, value: float) -> None:
    where = f"threshold {value:g} for {platform} is out of range"
    if kind == "declared" and not 0.0 <= value <= 1.0:
        raise ValueError(
            f"{where}: declared facts are true (1), false (0) or a share, so use 0 to 1"
        )
    if isinstance(metric, str) and metric in METRICS_BY_ID:
        if METRICS_BY_ID[metric].kind == "proportion" and not 0.0 <= value <= 1.0:
            raise ValueError(f"{where}: metric '{metric}' is a proportion, so use 0 to 1")
        if value < 0:
            raise ValueError(f"{where}: metric '{metric}' cannot be negative")


class Criterion(BaseModel):
    """One testable condition of a phase.

    ``threshold`` is one number, or a mapping from platform to number with an optional
    ``default``. An observed criterion reads ``metric`` from the metric dictionary; a
    declared one reads the declared fact ``fact`` (true counts as 1, false as 0).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

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

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, v: str | None) -> str | None:
        if v is not None and v not in METRICS_BY_ID:
            raise ValueError(
                f"unknown metric '{v}'; the metric dictionary (docs/metrics.md) lists the valid ids"
            )
        return v

    @field_validator("threshold")
    @classmethod
    def _threshold(
        cls, v: float | dict[str, float], info: ValidationInfo
    ) -> float | dict[str, float]:
        if isinstance(v, dict):
            if not v:
                raise ValueError("a per-platform threshold needs at least one platform")
            unknown = sorted(set(v) - {*KNOWN_PLATFORMS, DEFAULT_PLATFORM})
            if unknown:
                raise ValueError(
                    f"unknown platform(s) {unknown}; use {[*KNOWN_PLATFORMS, DEFAULT_PLATFORM]}"
                )
        values = v.items() if isinstance(v, dict) else [(DEFAULT_PLATFORM, v)]
        kind, metric = info.data.get("kind"), info.data.get("metric")
        for platform, value in values:
            _check_range(kind, metric, platform, float(value))
        return v

    @model_validator(mode="after")
    def _source(self) -> Criterion:
        if self.kind == "observed" and (not self.metric or self.fact):
            raise ValueError("an observed criterion names a 'metric' and no 'fact'")
        if self.kind == "declared" and (not self.fact or self.metric):
            raise ValueError("a declared criterion names a 'fact' and no 'metric'")
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
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

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
