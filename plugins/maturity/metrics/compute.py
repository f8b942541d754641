"""From signals to evidence: every metric of the dictionary, per account, platform and overall.

``compute_metrics`` takes one organisation's records (sequences of records or frames from
:mod:`maturity.metrics.engine.frames`) and returns a ``MetricValue`` for every metric in
:data:`maturity.metric_dictionary.METRICS` at every scope: each registered account, each
platform the organisation has accounts on, and ``platform = 'all'``. ``compute_metrics_many``
does the same for many organisations in one vectorised pass (the batch path).

Computation notes
-----------------
* **Window.** Posts and inbound messages count when created inside ``[start, end)``. A reply
  counts when it came before ``end``, so a window's numbers never change later. Presence reads
  each account's latest snapshot at or before ``end``.
* **Accounts.** Only registered accounts count, matched case-insensitively on (organisation,
  platform, handle); Reddit posts attributed to ``r/<subreddit>`` belong to the account that
  registered that subreddit. An account is *observed* when it has a snapshot and *readable*
  when that snapshot says ``active``. Behaviour (activity, responsiveness, interaction) is
  measured on readable accounts only: an account without a readable snapshot was not
  measured, and an unmeasured account is unknown, not inactive. Left-out records are counted
  in ``OrgEvidence.notes``.
* **Pooling.** Platform and ``all`` values pool the units of their accounts: a proportion is
  the sum of numerators over the sum of denominators (never a mean of account shares); a
  median or P90 is over all answered messages of the scope; posts per week is all posts over
  the weeks of the window; gap regularity treats the posts of all accounts as one stream. So
  ``n`` of a platform is the sum of its accounts' ``n`` for every metric counted in messages,
  posts or accounts. Organisation-wide metrics and ``presence.platforms_active`` describe a
  set of accounts and have no per-account value.
* **Business hours.** Monday to Friday, 09:00 (inclusive) to 17:00 (exclusive), local time in
  the organisation's IANA timezone, DST included; public holidays are not excluded. A message
  at 08:59 is after hours, one at 09:00 is not, one at 17:00 is again. After-hours includes
  the weekend; the weekend share counts Saturday and Sunday only.
* **Missing data.** Every metric is returned at every scope. A value is ``None`` exactly when
  its ``n`` is 0: nothing to measure (no readable account, no inbound message, no answered
  message, no name stems registered) or an undefined value (a spread over a zero median, the
  regularity of posts that all share one instant). Scoring reads ``n == 0`` as unknown.
* **Intervals.** Median and P90 first response carry a distribution-free 95% interval
  (order statistics); proportions carry none, as scoring computes their Wilson interval.
* **Evidence.** Each value carries up to ``k_examples`` item refs (most recent items of its
  sample; accounts for presence metrics) with the endpoint they came from, the landed pages of
  those items, and one ``query`` ref: SQL over the warehouse tables that returns the value's
  whole sample (``n`` rows where ``n`` counts rows), parameters inlined as literals, in the
  SQLite (default) or PostgreSQL dialect. See :mod:`maturity.metrics.evidence.queries`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

from maturity.evidence import DeclaredFact, EvidenceRef, MetricValue, OrgEvidence, Window
from maturity.gcpause import paused_gc
from maturity.metric_dictionary import METRICS, METRICS_BY_ID
from maturity.metrics.engine.frames import RecordFrames, record_frames
from maturity.metrics.engine.prepared import Prepared, prepare
from maturity.metrics.engine.values import ScopeValues
from maturity.metrics.evidence.refs import EvidenceBuilder
from maturity.metrics.families import activity, interaction, organisation, presence, responsiveness
from maturity.records import AccountSnapshot, InboundMessage, Post, ReplyLink
from maturity.registry import Organisation, Registry

if TYPE_CHECKING:
    import pandas as pd

SqlDialect = Literal["sqlite", "postgresql"]
DEFAULT_K_EXAMPLES = 5

FAMILIES = (presence, activity, responsiveness, interaction, organisation)


def compute_scope_values(prep: Prepared) -> dict[str, ScopeValues]:
    """Every dictionary metric at every scope, as arrays; fails if one has no computation."""
    results: dict[str, ScopeValues] = {}
    for family in FAMILIES:
        results.update(family.compute(prep))
    missing = sorted(set(METRICS_BY_ID) - set(results))
    if missing:
        raise NotImplementedError(f"no computation for metric(s) {missing}")
    return results


def _org_values(
    prep: Prepared,
    org: int,
    results: dict[str, ScopeValues],
    lists: dict[str, _Lists],
    refs: dict[str, list[tuple[EvidenceRef, ...]]],
) -> tuple[MetricValue, ...]:
    sc = prep.scopes
    scopes = sc.scopes_of_org(org)
    levels = [int(sc.level[scope]) for scope in scopes]
    platforms = [sc.scope_platform[scope] for scope in scopes]
    accounts = [sc.scope_account[scope] for scope in scopes]
    out: list[MetricValue] = []
    append = out.append
    for definition in METRICS:
        metric_id = definition.id
        wanted = results[metric_id].levels
        value, n, low, high = lists[metric_id]
        metric_refs = refs[metric_id]
        for i, scope in enumerate(scopes):
            if levels[i] not in wanted:
                continue
            count = n[scope]
            known = count != 0
            append(
                MetricValue(
                    metric_id,
                    value[scope] if known else None,
                    count,
                    platforms[i],
                    accounts[i],
                    low[scope] if low is not None and known else None,
                    high[scope] if high is not None and known else None,
                    metric_refs[scope],
                )
            )
    return tuple(out)


_Lists = tuple[list[float], list[int], list[float] | None, list[float] | None]


def _as_lists(values: ScopeValues) -> _Lists:
    """A metric's arrays as Python lists (one conversion, not one per value)."""

    def bound(array: object) -> list[float] | None:
        return None if array is None else np.asarray(array, dtype=np.float64).tolist()

    return values.value.tolist(), values.n.tolist(), bound(values.ci_low), bound(values.ci_high)


def compute_metrics_many(
    registry: Registry | Iterable[Organisation],
    window: Window,
    frames: RecordFrames,
    *,
    k_examples: int = DEFAULT_K_EXAMPLES,
    sql_dialect: SqlDialect = "sqlite",
) -> dict[str, tuple[MetricValue, ...]]:
    """Metric values of every organisation in ``registry`` from one set of frames.

    The records of all organisations are computed together (one groupby pass per metric, no
    loop over organisations or rows); the result maps organisation id to its values.
    """
    orgs = tuple(registry.organisations if isinstance(registry, Registry) else registry)
    with paused_gc():
        prep = prepare(orgs, window, frames)
        return _values_by_org(prep, k_examples, sql_dialect)


def _values_by_org(
    prep: Prepared, k_examples: int, sql_dialect: SqlDialect
) -> dict[str, tuple[MetricValue, ...]]:
    results = compute_scope_values(prep)
    lists = {m: _as_lists(r) for m, r in results.items()}
    evidence = EvidenceBuilder(prep, k_examples, sql_dialect)
    refs = {definition.id: evidence.scope_refs(results[definition.id]) for definition in METRICS}
    return {
        org.id: _org_values(prep, i, results, lists, refs) for i, org in enumerate(prep.scopes.orgs)
    }


def _frames(
    snapshots: Sequence[AccountSnapshot] | pd.DataFrame,
    posts: Sequence[Post] | pd.DataFrame,
    inbound: Sequence[InboundMessage] | pd.DataFrame,
    reply_links: Sequence[ReplyLink] | pd.DataFrame,
) -> RecordFrames:
    return record_frames(snapshots, posts, inbound, reply_links)


def compute_metrics(
    org: Organisation,
    window: Window,
    snapshots: Sequence[AccountSnapshot] | pd.DataFrame,
    posts: Sequence[Post] | pd.DataFrame,
    inbound: Sequence[InboundMessage] | pd.DataFrame,
    reply_links: Sequence[ReplyLink] | pd.DataFrame,
    *,
    k_examples: int = DEFAULT_K_EXAMPLES,
    sql_dialect: SqlDialect = "sqlite",
) -> tuple[MetricValue, ...]:
    """Every dictionary metric of ``org`` over ``window``: per account, platform and 'all'."""
    frames = _frames(snapshots, posts, inbound, reply_links)
    return compute_metrics_many(
        [org], window, frames, k_examples=k_examples, sql_dialect=sql_dialect
    )[org.id]


def _notes(prep: Prepared) -> tuple[str, ...]:
    left = prep.left_out
    return tuple(
        f"{count} {what} in the window left out"
        for what, count in zip(left["what"].tolist(), left["count"].tolist(), strict=True)
    )


def compute_org_evidence(
    org: Organisation,
    window: Window,
    snapshots: Sequence[AccountSnapshot] | pd.DataFrame,
    posts: Sequence[Post] | pd.DataFrame,
    inbound: Sequence[InboundMessage] | pd.DataFrame,
    reply_links: Sequence[ReplyLink] | pd.DataFrame,
    *,
    facts: Sequence[DeclaredFact] = (),
    quarantined_batches: int = 0,
    k_examples: int = DEFAULT_K_EXAMPLES,
    sql_dialect: SqlDialect = "sqlite",
) -> OrgEvidence:
    """The organisation's evidence for scoring: its metric values, facts and coverage."""
    with paused_gc():
        prep = prepare((org,), window, _frames(snapshots, posts, inbound, reply_links))
        metrics = _values_by_org(prep, k_examples, sql_dialect)[org.id]
    return OrgEvidence(
        org_id=org.id,
        window=window,
        metrics=metrics,
        facts=tuple(facts),
        platforms_expected=org.platforms,
        quarantined_batches=quarantined_batches,
        notes=_notes(prep),
    )
