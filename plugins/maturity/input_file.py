"""The metrics-and-facts input file of ``maturity assess --input``.

Its format is documented in docs/evidence-file.md.

It carries, per organisation and for one window, the metric values and declared facts that
scoring reads. Later stages produce the same :class:`~maturity.evidence.OrgEvidence` from the
collection pipeline; this file lets an analyst score evidence gathered elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from maturity.errors import InputError
from maturity.evidence import DeclaredFact, EvidenceRef, MetricValue, OrgEvidence, Window
from maturity.metric_dictionary import METRICS_BY_ID
from maturity.platforms import ALL, known_platform
from maturity.registry import ORG_ID_MAX_LENGTH, ORG_ID_PATTERN
from maturity.yamlfile import load_document

FORMAT = "maturity-evidence/1"

#: The largest sample size a metric may give: more than any window holds, and well inside the
#: warehouse's 64-bit integers.
MAX_N = 10**12


def _known_platform(v: str | None) -> str | None:
    return None if v is None else known_platform(v)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class RefIn(_Model):
    kind: Literal["item", "page", "query", "document"]
    ref: str = Field(min_length=1)
    platform: str | None = None
    account: str | None = None
    endpoint: str | None = None
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")

    _platform = field_validator("platform")(_known_platform)


class MetricIn(_Model):
    metric: str
    value: float | None
    n: int = Field(ge=0, le=MAX_N)
    platform: str = ALL
    account: str | None = None
    ci: tuple[float, float] | None = None
    refs: tuple[RefIn, ...] = ()

    @field_validator("metric")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in METRICS_BY_ID:
            raise ValueError(f"unknown metric '{v}'; docs/metrics.md lists the valid ids")
        return v

    @field_validator("platform")
    @classmethod
    def _platform(cls, v: str) -> str:
        return known_platform(v, allow_all=True)

    @field_validator("value")
    @classmethod
    def _range(cls, v: float | None, info: ValidationInfo) -> float | None:
        metric = info.data.get("metric")
        if v is None or metric is None:
            return v
        if METRICS_BY_ID[metric].kind == "proportion" and not 0 <= v <= 1:
            raise ValueError(f"value {v} is not a proportion between 0 and 1")
        if v < 0:
            raise ValueError(f"value {v} cannot be negative")
        return v

    @field_validator("ci")
    @classmethod
    def _ci(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and v[0] > v[1]:
            raise ValueError(f"interval [{v[0]}, {v[1]}] has its low end above its high end")
        return v


class FactIn(_Model):
    fact: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
    value: bool | float
    declared_by: str = Field(min_length=1)
    declared_at: date
    source: str | None = None

    @field_validator("value")
    @classmethod
    def _share(cls, v: bool | float) -> bool | float:
        if not isinstance(v, bool) and not 0 <= v <= 1:
            raise ValueError(f"value {v} must be true, false or a share between 0 and 1")
        return v


class OrgIn(_Model):
    id: str = Field(pattern=ORG_ID_PATTERN, max_length=ORG_ID_MAX_LENGTH)
    name: str = Field(min_length=1)
    sector: str = "other"
    platforms: tuple[str, ...] = ()
    metrics: tuple[MetricIn, ...] = ()
    facts: tuple[FactIn, ...] = ()

    @field_validator("platforms")
    @classmethod
    def _platforms(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for p in v:
            _known_platform(p)
        return v


class WindowIn(_Model):
    start: datetime
    end: datetime

    @model_validator(mode="after")
    def _order(self) -> WindowIn:
        if _utc(self.end) <= _utc(self.start):
            raise ValueError("window end must be after its start")
        return self


class EvidenceFileIn(_Model):
    format: Literal["maturity-evidence/1"]
    window: WindowIn
    organisations: tuple[OrgIn, ...]

    @model_validator(mode="after")
    def _unique(self) -> EvidenceFileIn:
        ids = [o.id for o in self.organisations]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"organisation id(s) listed twice: {dupes}")
        return self


def _utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


@dataclass(frozen=True)
class OrgInput:
    org_id: str
    name: str
    sector: str
    evidence: OrgEvidence


def _to_org(o: OrgIn, window: Window) -> OrgInput:
    metrics = tuple(
        MetricValue(
            metric_id=m.metric,
            value=m.value,
            n=m.n,
            platform=m.platform,
            account=m.account,
            ci_low=m.ci[0] if m.ci else None,
            ci_high=m.ci[1] if m.ci else None,
            refs=tuple(EvidenceRef(**r.model_dump()) for r in m.refs),
        )
        for m in o.metrics
    )
    facts = tuple(
        DeclaredFact(f.fact, f.value, f.declared_by, f.declared_at, f.source) for f in o.facts
    )
    return OrgInput(
        o.id,
        o.name,
        o.sector,
        OrgEvidence(o.id, window, metrics, facts, platforms_expected=o.platforms),
    )


def load_evidence_file(path: str | Path) -> list[OrgInput]:
    """Read and validate an evidence file. Nothing is returned unless all of it is valid."""
    doc = load_document(path)
    if not isinstance(doc.data, dict):
        raise InputError(f"the file must be a mapping with format: {FORMAT}", where=str(path))
    try:
        parsed = EvidenceFileIn.model_validate(doc.data)
    except ValidationError as exc:
        raise doc.invalid(exc, "see docs/evidence-file.md for the format") from None
    window = Window(_utc(parsed.window.start), _utc(parsed.window.end))
    return [_to_org(o, window) for o in parsed.organisations]
