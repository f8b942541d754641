"""The plugin API's response models: the shapes ``maturity.warehouse.payloads`` builds, so that
the API's OpenAPI document (``/maturity/openapi.json``) names and describes every body.

The routes return the serialisers' dicts and FastAPI validates them against these models
(``extra="forbid"``: a field the serialiser adds without its model is an error, not a silent
drop). Optional evidence-reference fields are left out when unknown, as the pipeline wrote them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["met", "not_met", "uncertain", "unknown"]
Verdict = Literal["assessed", "insufficient_evidence"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Account(_Body):
    platform: str = Field(description="x, reddit, mastodon or bluesky.")
    handle: str
    function: str = Field(description="What the account is for: main, service, careers, ...")
    subreddit: str | None = Field(description="Reddit: the organisation's own subreddit.")


class Organisation(_Body):
    org_id: str
    name: str
    sector: str
    timezone: str
    accounts: list[Account]


class OrganisationList(_Body):
    organisations: list[Organisation]


class Labels(_Body):
    """A label in every language the product speaks."""

    en: str
    nl: str


class WindowBody(_Body):
    start: str = Field(description="Start of the assessment window, ISO 8601 UTC, inclusive.")
    end: str = Field(description="End of the assessment window, ISO 8601 UTC, exclusive.")


class RubricRef(_Body):
    id: str
    version: str


class _Outcome(_Body):
    verdict: Verdict
    phase: int | None = Field(
        description="Highest phase attained (1 Planning .. 6 Converged); null when none is "
        "attained or the evidence is insufficient."
    )
    phase_label: Labels


class Summary(_Outcome):
    window: WindowBody
    rubric: RubricRef
    maturity_index: float
    confidence: float
    coverage: float
    code_version: str
    run_id: str
    assessed_at: str


class History(_Body):
    org_id: str
    assessments: list[Summary] = Field(description="Oldest window first.")


class NextStepBody(_Body):
    rank: int
    criterion_id: str
    phase: int
    status: Status
    gap: str = Field(description="What is missing, in words and numbers.")


class RunBody(_Body):
    run_id: str
    trigger: Literal["cli", "airflow"]
    code_version: str
    started_at: str


class _Scored(_Outcome):
    org_id: str
    name: str
    window: WindowBody
    rubric: RubricRef
    phases_attained: list[int]
    maturity_index: float
    confidence: float
    coverage: float
    platforms_covered: list[str]
    platforms_missing: list[str]
    next_steps: list[NextStepBody]


class AssessmentBody(_Scored):
    run: RunBody
    assessed_at: str


class EvidenceRefBody(_Body):
    kind: str = Field(description="query, page or item.")
    ref: str
    platform: str | None = None
    account: str | None = None
    endpoint: str | None = None
    sha256: str | None = None


class CheckBody(_Body):
    platform: str = Field(description="A platform, or 'all' for the organisation as a whole.")
    status: Status
    value: float | None
    n: int = Field(description="Sample size, in the unit the metric dictionary names.")
    threshold: float
    low: float | None
    high: float | None
    reason: str


class MetricValueBody(_Body):
    metric_id: str
    platform: str
    account: str | None
    value: float | None
    n: int
    ci_low: float | None
    ci_high: float | None
    refs: list[EvidenceRefBody]


class FactBody(_Body):
    fact_id: str
    value: bool | float
    declared_by: str
    declared_at: str
    source: str | None


class CriterionBody(_Body):
    criterion_id: str
    phase: int
    kind: Literal["observed", "declared"]
    role: Literal["gate", "support"]
    weight: float
    status: Status
    reason: str
    checks: list[CheckBody]
    metric_values: list[MetricValueBody]
    facts: list[FactBody]


class EvidenceBody(_Outcome):
    org_id: str
    name: str
    window: WindowBody
    rubric: RubricRef
    criteria: list[CriterionBody]


class ScoredBody(_Scored):
    """An assessment as ``maturity assess --json`` and ``maturity rescore --json`` print it."""

    criteria: list[CriterionBody]


class ExplanationBody(AssessmentBody):
    """A stored assessment as ``maturity explain --json`` prints it."""

    criteria: list[CriterionBody]
