"""Responsiveness: how many inbound messages get a reply, and how fast.

The sample is every *actionable* inbound message created in the window to a readable account:
spam (floods, bot-like authors, link bait) is left out, see
:mod:`maturity.metrics.engine.webcare`. A message is answered when the organisation's first
reply (its reply link) came before the window end and is not automated, or, when it is, a later
reply of a person did. ``inbound_messages`` counts the actionable messages (the sample of
every rate) and ``inbound_total`` every inbound message; ``response_rate_raw`` is the rate
over every inbound message and every first reply, for side-by-side display. Rates and shares
are pooled over the messages of a scope: ``response_rate = answered / actionable``;
``within_1h_share`` and ``within_24h_share`` count messages answered by a person within 1 or
24 hours over *all* actionable messages. Median and P90 first response (hours) are over the
answered messages, with a distribution-free 95% interval. After-hours and weekend shares count
messages answered within 24 hours over the messages received outside business hours (weekdays
09:00-17:00 in the organisation's timezone) or on Saturday and Sunday.
"""

from __future__ import annotations

import numpy as np

from maturity.metrics.engine import local_time
from maturity.metrics.engine import samples as s
from maturity.metrics.engine.ordering import value_order
from maturity.metrics.engine.prepared import Prepared, local_times
from maturity.metrics.engine.quantiles import SortedGroups
from maturity.metrics.engine.scopes import BoolArray, FloatArray, IntArray
from maturity.metrics.engine.values import ScopeValues, counted, share

SECONDS_PER_HOUR = 3600.0


def _acc(prep: Prepared) -> IntArray:
    return np.asarray(prep.inbound["acc"].to_numpy(dtype=np.int64))


def _flag(prep: Prepared, column: str) -> FloatArray:
    return np.asarray(prep.inbound[column].to_numpy(dtype=np.float64))


def _share_of_inbound(prep: Prepared, column: str) -> ScopeValues:
    acc = _acc(prep)
    return share(prep.scopes.count(acc, _flag(prep, column)), prep.scopes.count(acc), s.INBOUND)


def _share_of_actionable(prep: Prepared, column: str) -> ScopeValues:
    acc = _acc(prep)
    actionable = _flag(prep, "actionable")
    return share(
        prep.scopes.count(acc, _flag(prep, column) * actionable),
        prep.scopes.count(acc, actionable),
        s.ACTIONABLE,
    )


def _count(prep: Prepared, column: str | None, sample: str) -> ScopeValues:
    """A count of messages; ``n`` is the count itself (0 is unknown: nothing to count)."""
    acc = _acc(prep)
    count = prep.scopes.count(acc, None if column is None else _flag(prep, column))
    if column == "excluded":
        # none excluded out of some inbound is a known 0
        return counted(count, prep.scopes.count(acc), sample)
    return counted(count, count, sample)


def automated_reply_share(prep: Prepared) -> ScopeValues:
    acc = _acc(prep)
    replied = _flag(prep, "answered_raw")
    return share(
        prep.scopes.count(acc, _flag(prep, "auto_reply") * replied),
        prep.scopes.count(acc, replied),
        s.REPLIED,
    )


def actionable_delays(prep: Prepared) -> SortedGroups:
    """Actionable messages answered by a person: delays in hours, sorted within every scope."""

    def make() -> SortedGroups:
        answered = prep.inbound["answered"].to_numpy(dtype=bool) & prep.inbound[
            "actionable"
        ].to_numpy(dtype=bool)
        acc = _acc(prep)[answered]
        hours = prep.inbound["delay_s"].to_numpy(dtype=np.float64)[answered] / SECONDS_PER_HOUR
        scope, rows = prep.scopes.expand_in_order(acc, value_order(hours))
        return SortedGroups.of_sorted(scope, rows, hours, prep.scopes.n)

    if not (prep.inbound["spam"].to_numpy() != 0).any():
        return answered_delays(prep)
    groups: SortedGroups = prep.memo("actionable_delays", make)
    return groups


def answered_delays(prep: Prepared) -> SortedGroups:
    """Answered messages' delays in hours, sorted within every scope (made once, shared with
    the organisation-wide spread, which reads the account scopes)."""

    def make() -> SortedGroups:
        answered = prep.inbound["answered"].to_numpy(dtype=bool)
        acc = _acc(prep)[answered]
        hours = prep.inbound["delay_s"].to_numpy(dtype=np.float64)[answered] / SECONDS_PER_HOUR
        scope, rows = prep.scopes.expand_in_order(acc, value_order(hours))
        return SortedGroups.of_sorted(scope, rows, hours, prep.scopes.n)

    groups: SortedGroups = prep.memo("answered_delays", make)
    return groups


def first_response(groups: SortedGroups, q: float, sample: str = s.ANSWERED) -> ScopeValues:
    quantile = groups.quantile(q)
    return ScopeValues(
        quantile.value.copy(),
        quantile.n.copy(),
        sample,
        ci_low=quantile.low,
        ci_high=quantile.high,
    )


def received_when(prep: Prepared) -> dict[str, BoolArray]:
    """Per inbound message: received ``after_hours`` and at the ``weekend``, local time."""

    def make() -> dict[str, BoolArray]:
        inbound = prep.inbound
        acc = _acc(prep)
        t = inbound["t"].to_numpy(dtype=np.int64)
        local = local_times(t, prep.scopes.acc_org[acc], prep.scopes, prep.window)
        return {
            "after_hours": ~local_time.business_hours(local),
            "weekend": local_time.weekend(local),
        }

    flags: dict[str, BoolArray] = prep.memo("received_when", make)
    return flags


def _answered_within_24h_of(prep: Prepared, column: str, sample: str) -> ScopeValues:
    acc = _acc(prep)
    received = received_when(prep)[column].astype(np.float64) * _flag(prep, "actionable")
    answered = received * _flag(prep, "within_24h")
    return share(prep.scopes.count(acc, answered), prep.scopes.count(acc, received), sample)


def compute(prep: Prepared) -> dict[str, ScopeValues]:
    return {
        "responsiveness.inbound_messages": _count(prep, "actionable", s.ACTIONABLE),
        "responsiveness.inbound_total": _count(prep, None, s.INBOUND),
        "responsiveness.inbound_actionable": _count(prep, "actionable", s.ACTIONABLE),
        "responsiveness.inbound_excluded_spam": _count(prep, "excluded", s.INBOUND),
        "responsiveness.response_rate": _share_of_actionable(prep, "answered"),
        "responsiveness.response_rate_raw": _share_of_inbound(prep, "answered_raw"),
        "responsiveness.automated_reply_share": automated_reply_share(prep),
        "responsiveness.first_response_median_hours": first_response(
            actionable_delays(prep), 0.5, s.ANSWERED_ACTIONABLE
        ),
        "responsiveness.first_response_p90_hours": first_response(
            actionable_delays(prep), 0.9, s.ANSWERED_ACTIONABLE
        ),
        "responsiveness.within_1h_share": _share_of_actionable(prep, "within_1h"),
        "responsiveness.within_24h_share": _share_of_actionable(prep, "within_24h"),
        "responsiveness.after_hours_response_share": _answered_within_24h_of(
            prep, "after_hours", s.AFTER_HOURS
        ),
        "responsiveness.weekend_response_share": _answered_within_24h_of(
            prep, "weekend", s.WEEKEND
        ),
    }
