"""What scoring produces: the phase, how sure it is, the evidence, and the next steps."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from maturity.evidence import DeclaredFact, MetricValue, Window
from maturity.phases import Phase


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNCERTAIN = "uncertain"
    UNKNOWN = "unknown"
    CONTRADICTED = "contradicted"
    """A declared fact that observed evidence contradicts; it blocks a gate like not met."""


#: A criterion status in words, as the CLI, the dashboard and the reports show it.
STATUS_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "met": "met",
        "not_met": "not met",
        "uncertain": "uncertain",
        "unknown": "unknown",
        "contradicted": "contradicted",
    },
    "nl": {
        "met": "voldaan",
        "not_met": "niet voldaan",
        "uncertain": "onzeker",
        "unknown": "onbekend",
        "contradicted": "tegengesproken",
    },
}


Verdict = Literal["assessed", "insufficient_evidence"]

NoteCode = Literal[
    "unreadable_account",
    "registry_not_found",
    "next_phase_undecided",
    "lapsed",
    "account_lapsed",
    "history_capped",
    "automated_replies",
    "lookback_mismatch",
]


@dataclass(frozen=True, slots=True)
class Note:
    """Something a reader must know about an assessment besides its criteria.

    ``detail`` is a code word (an account status, a metric id), never prose: reasons.py turns a
    note into English or Dutch.
    """

    code: NoteCode
    platform: str | None = None
    account: str | None = None
    value: float | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class PlatformCheck:
    """A criterion checked against one metric value (one platform, or all)."""

    platform: str
    status: Status
    value: float | None
    n: int
    threshold: float
    low: float | None
    high: float | None
    reason: str


@dataclass(frozen=True, slots=True)
class CriterionResult:
    criterion_id: str
    phase: Phase
    kind: Literal["observed", "declared"]
    role: Literal["gate", "support"]
    weight: float
    status: Status
    reason: str
    checks: tuple[PlatformCheck, ...] = ()
    metric_values: tuple[MetricValue, ...] = ()
    facts: tuple[DeclaredFact, ...] = ()
    flags: tuple[str, ...] = ()
    """Code words about the evidence: ``stale`` (a declaration older than the rubric allows),
    ``contradicted_by:<metric>``, ``too_little_evidence``, ``history_capped``."""


@dataclass(frozen=True, slots=True)
class NextStep:
    rank: int
    criterion_id: str
    phase: Phase
    weight: float
    status: Status
    gap: str
    """What is missing, in words and numbers: 'response rate 0.41 -> needs >= 0.65'."""


@dataclass(frozen=True, slots=True)
class Assessment:
    org_id: str
    window: Window
    rubric_id: str
    rubric_version: str
    verdict: Verdict
    phase: Phase | None
    """Highest phase attained, cumulatively; None when insufficient evidence or none attained."""
    phases_attained: tuple[Phase, ...]
    maturity_index: float
    confidence: float
    coverage: float
    """Weighted share of the criteria up to the next phase that have decisive evidence."""
    platforms_covered: tuple[str, ...]
    platforms_missing: tuple[str, ...]
    criteria: tuple[CriterionResult, ...]
    next_steps: tuple[NextStep, ...]
    notes: tuple[Note, ...] = ()
