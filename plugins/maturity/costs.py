"""What reading an API costs, and which organisations a run may collect within its budget.

X bills reads per resource returned: each post and each user object in a response (X API
pricing, https://docs.x.com/x-api/getting-started/pricing: Posts: Read $0.005 per resource,
User: Read $0.010 per resource; prices change, so a connection can override them). The other
platforms' reads are free. This module is pure: it counts reads in landed pages, estimates a
run's reads from the previous run's, and admits whole organisations, in the registry's order,
while the estimate fits the run's and the month's budget. It never splits an organisation or an
account: a run either collects an organisation completely or leaves it for the report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from maturity.platforms import X

#: X resource kinds by landed endpoint (connectors/x_assembler.py names the endpoints).
X_RESOURCE_BY_ENDPOINT: Mapping[str, str] = {
    "users_by": "user",
    "users_tweets": "post",
    "users_mentions": "post",
}
#: Documented X prices per resource read, in USD (see the module docstring).
X_DEFAULT_PRICES: Mapping[str, float] = {"post": 0.005, "user": 0.010}
#: What a first run of one X account reads at most: the user lookup, the timeline's history
#: cap and the mentions' history cap (3,200 and 800), each post with its author expanded.
X_FIRST_RUN_READS = {"user": 1 + 800, "post": 3200 + 800}


def _items(value: Any) -> int:
    if isinstance(value, list):
        return sum(1 for v in value if isinstance(v, dict))
    return 1 if isinstance(value, dict) else 0


def reads_in_page(platform: str, endpoint: str, body: Any) -> dict[str, int]:
    """Billable resources in one landed response, by kind: ``{}`` for a free platform.

    Counts ``data`` and the expansions in ``includes`` (``users``, ``tweets``): X bills per
    resource returned, and counting expansions too keeps the guard on the safe side.
    """
    if platform != X or not isinstance(body, dict):
        return {}
    kind = X_RESOURCE_BY_ENDPOINT.get(endpoint)
    if kind is None:
        return {}
    counts = {kind: _items(body.get("data"))}
    includes = body.get("includes")
    if isinstance(includes, dict):
        counts["user"] = counts.get("user", 0) + _items(includes.get("users"))
        counts["post"] = counts.get("post", 0) + _items(includes.get("tweets"))
    return {k: v for k, v in counts.items() if v}


@dataclass(frozen=True)
class Prices:
    per_resource: Mapping[str, float] = field(default_factory=lambda: dict(X_DEFAULT_PRICES))
    currency: str = "USD"

    def price(self, reads: Mapping[str, int]) -> float:
        return sum(self.per_resource.get(kind, 0.0) * n for kind, n in reads.items())


def add(a: Mapping[str, int], b: Mapping[str, int]) -> dict[str, int]:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0) + v
    return out


@dataclass(frozen=True)
class Budget:
    """Read budgets in resources (posts and users together); None is no limit."""

    per_run: int | None = None
    per_month: int | None = None

    @property
    def limited(self) -> bool:
        return self.per_run is not None or self.per_month is not None


Basis = Literal["previous run", "first run"]


@dataclass(frozen=True)
class OrgEstimate:
    org_id: str
    reads: Mapping[str, int]
    basis: Basis

    @property
    def total(self) -> int:
        return sum(self.reads.values())


def estimate(
    org_id: str,
    x_accounts: int,
    previous: Mapping[str, int] | None,
    margin: float = 0.2,
) -> OrgEstimate:
    """An organisation's reads this run: last run's plus ``margin``, or the first-run bound."""
    if previous is not None:
        grown = {k: round(v * (1 + margin)) for k, v in previous.items()}
        return OrgEstimate(org_id, grown, "previous run")
    first = {k: v * x_accounts for k, v in X_FIRST_RUN_READS.items()} if x_accounts else {}
    return OrgEstimate(org_id, first, "first run")


@dataclass(frozen=True)
class Refusal:
    org_id: str
    estimate: int
    reason: str


@dataclass(frozen=True)
class BudgetPlan:
    admitted: tuple[OrgEstimate, ...]
    refused: tuple[Refusal, ...]
    budget: Budget
    spent_this_month: int

    @property
    def estimated_reads(self) -> int:
        return sum(e.total for e in self.admitted)

    def report(self, prices: Prices) -> str:
        lines = [
            f"Read budget: {len(self.admitted)} organisation(s) admitted, estimated "
            f"{self.estimated_reads:,} X reads "
            f"({prices.price(_sum(e.reads for e in self.admitted)):.2f} {prices.currency}); "
            f"run budget {_limit(self.budget.per_run)}, month budget "
            f"{_limit(self.budget.per_month)} of which {self.spent_this_month:,} spent."
        ]
        lines += [f"  not collected: {r.org_id}: {r.reason}" for r in self.refused]
        return "\n".join(lines)


def _sum(reads: Iterable[Mapping[str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in reads:
        out = add(out, r)
    return out


def _limit(value: int | None) -> str:
    return "none" if value is None else f"{value:,}"


def admit(estimates: Sequence[OrgEstimate], budget: Budget, spent_this_month: int) -> BudgetPlan:
    """Admit whole organisations in order while the run's and the month's budget hold.

    An organisation that does not fit is refused with the numbers; later, smaller ones may still
    fit (so one giant does not stop every municipality after it).
    """
    admitted: list[OrgEstimate] = []
    refused: list[Refusal] = []
    run_total = 0
    for e in estimates:
        after_run = run_total + e.total
        after_month = spent_this_month + after_run
        if budget.per_run is not None and after_run > budget.per_run:
            refused.append(
                Refusal(
                    e.org_id,
                    e.total,
                    f"estimated {e.total:,} reads ({e.basis}) would take the run to "
                    f"{after_run:,}, over its budget of {budget.per_run:,}",
                )
            )
            continue
        if budget.per_month is not None and after_month > budget.per_month:
            refused.append(
                Refusal(
                    e.org_id,
                    e.total,
                    f"estimated {e.total:,} reads ({e.basis}) would take the month to "
                    f"{after_month:,}, over its budget of {budget.per_month:,}",
                )
            )
            continue
        admitted.append(e)
        run_total = after_run
    return BudgetPlan(tuple(admitted), tuple(refused), budget, spent_this_month)


# -- the X connection's budget extras ------------------------------------------------------------

BUDGET_PER_RUN_KEY = "read_budget_per_run"
BUDGET_PER_MONTH_KEY = "read_budget_per_month"
PRICES_KEY = "prices"


def parse_budget(value: Any) -> int:
    """A read budget in resources: a whole number >= 0 (``ValueError`` otherwise)."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number of reads")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a whole number of reads (e.g. 200000)") from None
    if number < 0 or (isinstance(value, float) and value != number):
        raise ValueError(f"{value!r} is not a whole number of reads >= 0 (e.g. 200000)")
    return number


def parse_prices(value: Any) -> Prices:
    """``{"post": 0.005, "user": 0.010, "currency": "USD"}``: a price per resource kind (any
    kind left out keeps its documented price) and the currency (``ValueError`` otherwise)."""
    import json

    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise ValueError(
                'is not valid JSON; write it as {"post": 0.005, "user": 0.01}'
            ) from None
    if not isinstance(value, dict):
        raise ValueError('must be a JSON object such as {"post": 0.005, "user": 0.01}')
    per_resource = dict(X_DEFAULT_PRICES)
    currency = "USD"
    for key, price in value.items():
        if key == "currency":
            if not isinstance(price, str) or not price.strip():
                raise ValueError("currency must be a currency code such as 'USD'")
            currency = price.strip()
            continue
        if key not in X_DEFAULT_PRICES:
            raise ValueError(
                f"names {key!r}; X bills the resource kinds {sorted(X_DEFAULT_PRICES)} "
                "(and 'currency')"
            )
        if isinstance(price, bool) or not isinstance(price, (int, float)) or price < 0:
            raise ValueError(f"the price of {key!r} must be a number >= 0, not {price!r}")
        per_resource[key] = float(price)
    return Prices(per_resource, currency)


def resources_in_page(platform: str, endpoint: str, body: Any) -> set[tuple[str, str]]:
    """The billable resources of one landed response as ``(kind, id)``, the same ones
    :func:`reads_in_page` counts: a resource read twice in a window (an overlap re-read, an
    author of several mentions) is one element. ``set()`` for a free platform."""
    if platform != X or not isinstance(body, dict):
        return set()
    kind = X_RESOURCE_BY_ENDPOINT.get(endpoint)
    if kind is None:
        return set()
    found = {(kind, i) for i in _ids(body.get("data"))}
    includes = body.get("includes")
    if isinstance(includes, dict):
        found |= {("user", i) for i in _ids(includes.get("users"))}
        found |= {("post", i) for i in _ids(includes.get("tweets"))}
    return found


def _ids(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    return [str(v["id"]) for v in items if isinstance(v, dict) and v.get("id") is not None]


def count_kinds(resources: Iterable[tuple[str, str]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for kind, _ in resources:
        out[kind] = out.get(kind, 0) + 1
    return out
