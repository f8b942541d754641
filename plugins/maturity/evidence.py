"""What scoring reads: measured metric values and declared facts, each with its sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from maturity.platforms import ALL

RefKind = Literal["item", "page", "query", "document"]


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    """A pointer to where a number came from, so an analyst can check it.

    ``item``: a post or message id on a platform; ``page``: a landed raw API page (its file and
    content hash); ``query``: SQL that reproduces the full set; ``document``: a source document
    behind a declared fact.
    """

    kind: RefKind
    ref: str
    platform: str | None = None
    account: str | None = None
    endpoint: str | None = None
    sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Window:
    """A half-open assessment window ``[start, end)``."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"window end {self.end} is not after start {self.start}")

    @property
    def key(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


@dataclass(frozen=True, slots=True)
class MetricValue:
    """One measured value. ``n`` is its sample size, in the unit the dictionary names.

    ``account`` is None for a value aggregated over the organisation's accounts on ``platform``
    (or over all platforms when ``platform`` is ``"all"``). ``ci_low``/``ci_high`` is an interval
    the metric computation supplies (for example a bootstrap interval of a median); scoring
    computes a Wilson interval itself for proportions.
    """

    metric_id: str
    value: float | None
    n: int
    platform: str = ALL
    account: str | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    refs: tuple[EvidenceRef, ...] = ()


@dataclass(frozen=True, slots=True)
class DeclaredFact:
    """A fact the organisation declared (questionnaire or document), with who and when."""

    fact_id: str
    value: bool | float
    declared_by: str
    declared_at: date
    source: str | None = None


#: Account statuses that give no observed evidence: the platform does not know the account,
#: has suspended it, or keeps it protected. A *deleted* account is observed absence instead.
UNREADABLE_STATUSES: frozenset[str] = frozenset({"not_found", "suspended", "protected"})


@dataclass(frozen=True, slots=True)
class AccountState:
    """The last status the platform gave for one registered account in the window."""

    platform: str
    handle: str
    status: str
    """One of ``maturity.records.AccountStatus``: active, protected, suspended, deleted,
    not_found."""

    @property
    def readable(self) -> bool:
        return self.status not in UNREADABLE_STATUSES


@dataclass(frozen=True, slots=True)
class PriorAssessment:
    """The organisation's latest earlier assessment, for the "lapsed" rules.

    ``active_accounts``: ``(platform, handle)`` of the accounts that posted in that window, so
    an account that has gone quiet since (moved to another platform, say) can be named."""

    phase: int | None
    window_end: datetime
    active_accounts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class OrgEvidence:
    """Everything scoring needs for one organisation and one window."""

    org_id: str
    window: Window
    metrics: tuple[MetricValue, ...] = ()
    facts: tuple[DeclaredFact, ...] = ()
    platforms_expected: tuple[str, ...] = ()
    """Platforms the registry lists accounts on; those not measured lower confidence."""
    quarantined_batches: int = 0
    """Batches left out by the quality gates; each lowers confidence."""
    notes: tuple[str, ...] = field(default=())
    accounts: tuple[AccountState, ...] = ()
    """The registered accounts and their statuses; empty when not known (an evidence file)."""
    prior: PriorAssessment | None = None
    """The latest earlier assessment of the organisation, if any."""
    lookback_days: int | None = None
    """The assessment window's length in days as configured (MATURITY_LOOKBACK_DAYS)."""
