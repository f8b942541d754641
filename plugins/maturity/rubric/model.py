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


def _known_metric_id(v: str) -> str:
    if v not in METRICS_BY_ID:
        raise ValueError(
            f"unknown metric '{v}'; the metric dictionary (docs/metrics.md) lists the valid ids"
        )
    return v


class Contradiction(BaseModel):
    """Observed evidence that contradicts a declared fact: when the organisation-level value of
    ``metric`` (over all platforms) satisfies ``comparator threshold`` with ``n >= min_sample``,
    a declaration that meets the criterion is *contradicted*, which blocks a gate."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    metric: str
    comparator: Comparator
    threshold: float
    min_sample: int = Field(default=1, ge=1)
    why: Text

    @field_validator("metric")
    @classmethod
    def _known(cls, v: str) -> str:
        return _known_metric_id(v)


class Calibration(BaseModel):
    """The assessment window the thresholds were set for. Another MATURITY_LOOKBACK_DAYS warns;
    one below ``min_lookback_days`` is refused."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    lookback_days: int = Field(gt=0)
    min_lookback_days: int = Field(gt=0)

    @model_validator(mode="after")
    def _order(self) -> Calibration:
        if self.min_lookback_days > self.lookback_days:
            raise ValueError(
                f"min_lookback_days {self.min_lookback_days} is above lookback_days "
                f"{self.lookback_days}; the minimum cannot exceed the calibrated window"
            )
        return self


class Declarations(BaseModel):
    """How declared facts age: older than ``stale_after_months`` (at the window's end) they are
    *stale* and lower the confidence. With ``contradiction_discounts_others``, one contradicted
    declaration makes the questionnaire's other declared gates *uncertain* (not believed on
    its word alone): a respondent shown to overclaim once is not taken at its word elsewhere."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    stale_after_months: int = Field(default=18, ge=1, le=120)
    contradiction_discounts_others: bool = False


class ChangeEntry(BaseModel):
    """One version in the rubric's changelog."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    version: str = Field(min_length=1)
    changes: tuple[Text, ...] = Field(min_length=1)


DecisionRule = Literal["wilson_lower_bound", "point_estimate"]


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
    aggregate: Literal["any", "all", "pooled"] = "any"
    """With a per-platform threshold: ``any`` platform meets it, ``all`` measured ones do, or
    ``pooled``: the value over all platforms against the platforms' thresholds weighted by the
    sample each platform contributed (one bar for an organisation-wide figure whose norms
    differ per platform)."""
    advice: Text
    goals: tuple[str, ...] = Field(min_length=1)
    contradicted_when: tuple[Contradiction, ...] = ()
    needs_full_history: bool = False
    """True when missing weeks read as silence (posting regularity, dormant accounts): where the
    platform capped the history, a miss is then undecided instead of not met."""

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, v: str | None) -> str | None:
        return None if v is None else _known_metric_id(v)

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

    @field_validator("aggregate")
    @classmethod
    def _pooled(cls, v: str, info: ValidationInfo) -> str:
        if v != "pooled":
            return v
        if info.data.get("kind") == "declared":
            raise ValueError(
                "aggregate 'pooled' is for observed criteria (it weighs the thresholds of the "
                "platforms a value was measured on); leave it out of a declared criterion"
            )
        threshold = info.data.get("threshold")
        if not isinstance(threshold, dict):  # one number: the same bar on every platform
            return v
        missing = (
            [] if DEFAULT_PLATFORM in threshold else sorted(set(KNOWN_PLATFORMS) - set(threshold))
        )
        if missing:
            raise ValueError(
                f"aggregate 'pooled' needs a threshold for every platform a value can come "
                f"from, and {missing} have none; add 'default' to the threshold mapping or "
                "name those platforms"
            )
        return v

    @model_validator(mode="after")
    def _source(self) -> Criterion:
        if self.kind == "observed" and (not self.metric or self.fact):
            raise ValueError("an observed criterion names a 'metric' and no 'fact'")
        if self.kind == "declared" and (not self.fact or self.metric):
            raise ValueError("a declared criterion names a 'fact' and no 'metric'")
        if self.contradicted_when and self.kind != "declared":
            raise ValueError(
                "'contradicted_when' is for declared criteria; an observed one is decided by "
                "its own metric"
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
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    rubric: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    version: str = Field(min_length=1)
    title: Text
    goals: tuple[Goal, ...]
    criteria: tuple[Criterion, ...]
    decision_rule: DecisionRule = "wilson_lower_bound"
    """How a sampled proportion meets a threshold: ``wilson_lower_bound`` (before 2026.12.0:
    the whole 95% interval must satisfy it) or ``point_estimate`` (the observed value must,
    from ``min_sample`` on; see docs/rubric.md)."""
    calibration: Calibration | None = None
    declarations: Declarations | None = None
    changelog: tuple[ChangeEntry, ...] = ()

    def for_phase(self, phase: Phase) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.phase == phase)

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)
