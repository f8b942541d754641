"""The run's plan against the APIs' limits: requests per credential, the time the rate limits
impose at least, the split of organisations over credentials, and the read budget.

Everything here but :func:`previous_from_landing` is pure: the assessment DAG's ``plan`` task
gathers the inputs (the registry, the connections, the previous run's landing, the reads the
warehouse recorded this month) and calls these functions; Airflow only orchestrates.

* **Requests.** Each account's requests per *bucket* (``maturity.connectors.limits``): what the
  previous run of the account landed (one landed page is one request), plus a margin; or, for an
  account never collected, the first-run bound from the connection's caps (a timeline of 3,200
  posts is 32 pages of 100).
* **The lower bound on run time.** A bucket of ``L`` requests per window ``W`` that must serve
  ``R`` requests needs ``ceil(R / L)`` windows; the last one's requests go as soon as it opens,
  so no schedule finishes it in less than ``(ceil(R / L) - 1) * W``. Buckets of different
  credentials and endpoints run in parallel, so the run's bound is the largest one. When it
  exceeds the schedule interval, the run cannot finish before the next one is due, and the plan
  says so at the start, with these numbers.
* **Credentials.** Several credentials (apps) of a platform share the organisations: whole
  organisations, in registry order, each to the credential with the least planned load so far
  (ties to the first listed), so the split is balanced and the same for the same plan.
* **Read budget** (X bills per resource read, ``maturity.costs``): whole organisations are
  admitted in registry order while the estimate fits the run's and the month's budget.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from maturity import costs
from maturity.connectors.limits import DOCUMENTED, Limit, bucket_of, limits_for
from maturity.evidence import Window
from maturity.platforms import X

#: Requests and reads of the previous run grow by this much in the estimate (new posts).
MARGIN = 0.2


@dataclass(frozen=True)
class AccountPlan:
    """One account's planned requests per bucket (and X reads per resource kind)."""

    org_id: str
    platform: str
    handle: str
    requests: Mapping[str, int]
    reads: Mapping[str, int] = field(default_factory=dict)
    basis: costs.Basis = "first run"

    @property
    def total(self) -> int:
        return sum(self.requests.values())


def first_run_requests(platform: str, caps: Any) -> dict[str, int]:
    """What collecting one account the first time asks of each bucket at most, from the
    connection's caps and page sizes (``caps``: the platform's connector settings)."""
    if platform == X:
        page = int(caps.page_size)
        requests = {
            "GET /2/users/by": 1,
            "GET /2/users/:id/tweets": math.ceil(int(caps.posts_cap) / page),
        }
        if getattr(caps, "mentions", True):
            requests["GET /2/users/:id/mentions"] = math.ceil(int(caps.mentions_cap) / page)
        return requests
    bucket = next(iter(DOCUMENTED[platform]))
    if platform == "reddit":
        # about, the submitted and comments listings (100 a page), and a comment tree per
        # submission with comments; an own subreddit's listings are not in this bound
        listing = math.ceil(int(caps.listing_cap) / 100)
        pages = 1 + 2 * listing + int(caps.listing_cap)
        if getattr(caps, "mentions", True) and getattr(caps, "user_auth", False):
            pages += listing
    elif platform == "mastodon":
        page = int(caps.page_size)
        pages = 1 + math.ceil(int(caps.posts_cap) / page) + int(caps.contexts_cap)
        if getattr(caps, "mentions", True):
            pages += math.ceil(int(caps.mentions_cap) / page)
    elif platform == "bluesky":
        pages = 1 + math.ceil(int(caps.posts_cap) / int(caps.page_size)) + int(caps.threads_cap)
    else:
        raise ValueError(f"no first-run bound for platform {platform!r}")
    return {bucket: pages}


def grown(counts: Mapping[str, int], margin: float = MARGIN) -> dict[str, int]:
    return {k: math.ceil(v * (1 + margin)) for k, v in counts.items() if v}


def account_plan(
    org_id: str,
    platform: str,
    handle: str,
    previous: tuple[Mapping[str, int], Mapping[str, int]] | None,
    first_run: Mapping[str, int],
    margin: float = MARGIN,
) -> AccountPlan:
    """The account's plan: the previous run's requests and reads grown by ``margin``, or the
    first-run bound (requests) and :data:`maturity.costs.X_FIRST_RUN_READS` (X reads)."""
    if previous is not None:
        requests, reads = previous
        return AccountPlan(
            org_id, platform, handle, grown(requests, margin), grown(reads, margin), "previous run"
        )
    reads = dict(costs.X_FIRST_RUN_READS) if platform == X else {}
    return AccountPlan(org_id, platform, handle, dict(first_run), reads, "first run")


# -- the previous run, from the landing ---------------------------------------------------------


def previous_from_landing(
    root: Path,
    platform: str,
    org_id: str,
    handle: str,
    window: Window,
    *,
    reads: bool = True,
) -> tuple[dict[str, int], dict[str, int]] | None:
    """The requests per bucket and the X reads per kind of the account's latest collected
    window before ``window`` (one landed page is one request), or ``None`` if it has none.
    ``reads=False`` skips opening the pages (no read budget to check): reads are then ``{}``."""
    from maturity.connectors.landing import MANIFEST, Landing, window_of_dir

    account_dir = Landing(root).account(platform, org_id, handle, window).directory.parent
    if not account_dir.is_dir():
        return None
    earlier = []
    for child in account_dir.iterdir():
        other = window_of_dir(child.name)
        if other is not None and other.end <= window.start and (child / MANIFEST).is_file():
            earlier.append((other.end, child))
    if not earlier:
        return None
    _, directory = max(earlier)
    try:
        manifest = json.loads((directory / MANIFEST).read_bytes())
    except (OSError, json.JSONDecodeError):
        return None
    requests: dict[str, int] = {}
    for run in manifest.get("runs") or [{"pages": manifest.get("pages") or []}]:
        for ref in run.get("pages") or []:
            bucket = bucket_of(platform, str(ref.get("endpoint", "")))
            requests[bucket] = requests.get(bucket, 0) + 1
    found: dict[str, int] = {}
    if reads and platform == X:
        previous = window_of_dir(directory.name)
        assert previous is not None
        found = landed_reads(root, org_id, [handle], previous)
    return requests, found


def landed_reads(root: Path, org_id: str, handles: Iterable[str], window: Window) -> dict[str, int]:
    """The X resources the organisation's landed pages of ``window`` hold, by kind.

    Distinct resources: a post or user that several pages or recorded runs of the window
    return (the overlap a rerun re-reads, the author of several mentions) counts once, as X
    bills a resource once per UTC day; so collecting the window again the same day changes
    nothing. A user lookup is shared by several organisations (100 handles a request), so only
    the users of this organisation's ``handles`` count for it."""
    return costs.count_kinds(_landed_resources(root, org_id, handles, window))


def _landed_resources(
    root: Path, org_id: str, handles: Iterable[str], window: Window
) -> set[tuple[str, str]]:
    from maturity.connectors.landing import MANIFEST, Landing

    names = sorted(set(handles))
    own = {h.lower().removeprefix("@") for h in names}
    seen: set[str] = set()
    found: set[tuple[str, str]] = set()
    for handle in names:
        directory = Landing(root).account(X, org_id, handle, window).directory
        try:
            manifest = json.loads((directory / MANIFEST).read_bytes())
        except (OSError, json.JSONDecodeError):
            continue
        for run in manifest.get("runs") or [{"pages": manifest.get("pages") or []}]:
            for ref in run.get("pages") or []:
                path = str(ref.get("path", ""))
                if path in seen:
                    continue
                seen.add(path)
                found |= _page_resources(root, ref, own)
    return found


def _page_resources(root: Path, ref: Mapping[str, Any], own: set[str]) -> set[tuple[str, str]]:
    endpoint = str(ref.get("endpoint", ""))
    try:
        body = json.loads((root / str(ref["path"])).read_bytes())
    except (OSError, KeyError, json.JSONDecodeError):
        return set()
    if endpoint == "users_by" and isinstance(body, dict):
        data = body.get("data")
        mine = [
            u
            for u in (data if isinstance(data, list) else [])
            if isinstance(u, dict) and str(u.get("username", "")).lower() in own
        ]
        body = {"data": mine}
    return costs.resources_in_page(X, endpoint, body)


# -- credentials ----------------------------------------------------------------------------------


def weight(plans: Iterable[AccountPlan], limits: Mapping[str, Limit]) -> float:
    """An organisation's load on one credential: the windows its requests take, over buckets."""
    total = 0.0
    for plan in plans:
        for bucket, n in plan.requests.items():
            limit = limits.get(bucket)
            total += n / limit.requests if limit else 0.0
    return total


def assign(loads: Sequence[tuple[str, float]], credentials: Sequence[str]) -> dict[str, str]:
    """Whole organisations to credentials: in the given (registry) order, each to the one with
    the least load so far; ties go to the first listed. One credential gets everything."""
    if not credentials:
        raise ValueError("at least one credential is needed")
    load = dict.fromkeys(credentials, 0.0)
    out: dict[str, str] = {}
    for org_id, w in loads:
        best = min(credentials, key=lambda c: (load[c], credentials.index(c)))
        out[org_id] = best
        load[best] += w
    return out


# -- the lower bound the limits impose -----------------------------------------------------------


@dataclass(frozen=True)
class BucketLoad:
    platform: str
    credential: str
    bucket: str
    requests: int
    limit: Limit

    @property
    def windows(self) -> int:
        return math.ceil(self.requests / self.limit.requests) if self.requests else 0

    @property
    def seconds(self) -> float:
        """No schedule serves ``requests`` faster: the last window's go as it opens."""
        return max(0, self.windows - 1) * self.limit.window_seconds

    def describe(self) -> str:
        return (
            f"{self.platform} {self.credential} {self.bucket}: {self.requests:,} requests at "
            f"{self.limit.describe()} = {self.windows} window(s), at least "
            f"{_duration(self.seconds)}"
        )


def bucket_loads(
    plans: Iterable[AccountPlan],
    credential_of: Mapping[tuple[str, str], str],
    limits: Mapping[tuple[str, str], Mapping[str, Limit]],
) -> list[BucketLoad]:
    """Requests per (platform, credential, bucket); ``credential_of[(platform, org_id)]``
    and ``limits[(platform, credential)]`` (each credential's limits, its overrides in)."""
    totals: dict[tuple[str, str, str], int] = {}
    for plan in plans:
        cred = credential_of[(plan.platform, plan.org_id)]
        for bucket, n in plan.requests.items():
            key = (plan.platform, cred, bucket)
            totals[key] = totals.get(key, 0) + n
    out = []
    for (platform, cred, bucket), n in sorted(totals.items()):
        limit = limits.get((platform, cred), limits_for(platform)).get(bucket)
        if limit is not None:
            out.append(BucketLoad(platform, cred, bucket, n, limit))
    return out


@dataclass(frozen=True)
class Forecast:
    loads: tuple[BucketLoad, ...]
    interval_seconds: float

    @property
    def bottleneck(self) -> BucketLoad | None:
        return max(self.loads, key=lambda b: b.seconds, default=None)

    @property
    def lower_bound_seconds(self) -> float:
        worst = self.bottleneck
        return worst.seconds if worst is not None else 0.0

    @property
    def exceeds_interval(self) -> bool:
        return self.lower_bound_seconds > self.interval_seconds

    def warning(self, lang: str = "en") -> str | None:
        """The sentence the plan logs, the report repeats and the alert carries; None when the
        run fits its interval."""
        worst = self.bottleneck
        if worst is None or not self.exceeds_interval:
            return None
        bound, interval = _duration(self.lower_bound_seconds), _duration(self.interval_seconds)
        if lang == "nl":
            return (
                f"Deze run past niet in zijn schema-interval: de rate limits vragen minstens "
                f"{bound}, het interval is {interval}. Knelpunt: {worst.describe()}. Voeg een "
                "credential toe (MATURITY_CREDENTIALS_<PLATFORM>), vraag een hogere limiet aan "
                "of verleng het interval."
            )
        return (
            f"This run cannot finish within its schedule interval: the rate limits need at "
            f"least {bound}, the interval is {interval}. Bottleneck: {worst.describe()}. Add a "
            "credential (MATURITY_CREDENTIALS_<PLATFORM>), a higher limit tier, or a longer "
            "interval."
        )

    def summary(self) -> dict[str, Any]:
        return {
            "lower_bound_seconds": self.lower_bound_seconds,
            "interval_seconds": self.interval_seconds,
            "exceeds_interval": self.exceeds_interval,
            "buckets": [
                {
                    "platform": b.platform,
                    "credential": b.credential,
                    "bucket": b.bucket,
                    "requests": b.requests,
                    "limit": b.limit.requests,
                    "window_seconds": b.limit.window_seconds,
                    "windows": b.windows,
                    "seconds": b.seconds,
                }
                for b in self.loads
            ],
        }


def _duration(seconds: float) -> str:
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86_400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86_400:.1f} days"


# -- the read budget ------------------------------------------------------------------------------


def org_reads(org_id: str, plans: Iterable[AccountPlan]) -> costs.OrgEstimate:
    """An organisation's X reads: the sum of its X accounts' plans."""
    reads: dict[str, int] = {}
    basis: costs.Basis = "previous run"
    for plan in plans:
        if plan.platform != X:
            continue
        reads = costs.add(reads, plan.reads)
        if plan.basis == "first run":
            basis = "first run"
    return costs.OrgEstimate(org_id, reads, basis)


def budget_reason(refusal: costs.Refusal, plan: costs.BudgetPlan) -> str:
    """Why an organisation is left out, with the budget numbers (the report repeats it)."""
    return (
        f"not collected: X read budget: {refusal.reason} (run budget "
        f"{_limit(plan.budget.per_run)}, month budget {_limit(plan.budget.per_month)}, "
        f"{plan.spent_this_month:,} already read this month); raise read_budget_per_run or "
        "read_budget_per_month on the X connection, or wait for the next month"
    )


def _limit(value: int | None) -> str:
    return "none" if value is None else f"{value:,}"
