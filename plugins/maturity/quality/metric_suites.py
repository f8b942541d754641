"""The metric suites: what metric values must satisfy before scoring reads them.

``metrics.values`` looks at each value on its own (one row per ``MetricValue``): known metric
and platform, one value per key, ``n >= 0``, the range its kind allows, and the rule of the
metrics code that a value is null exactly when its sample is empty (``n == 0``; see
``maturity.metrics.engine.values``).

``metrics.consistency`` compares the responsiveness values of one scope (platform and account)
with each other (one row per scope). The metrics code computes them from one sample of inbound
messages, so their sample sizes must agree: ``response_rate``, ``within_1h_share`` and
``within_24h_share`` are over all inbound messages (``n`` = the ``inbound_messages`` count),
first-response median and P90 over the answered ones (at most that many, and the same for
both), after-hours over the inbound messages outside business hours, weekend over those on a
weekend (a subset of after-hours). The shares nest: answered within 1 h <= within 24 h <=
answered at all, and P90 >= median. A failing row leaves out the values named in ``rejects``
at that scope.
"""

from __future__ import annotations

from typing import Final

from maturity.metric_dictionary import METRICS, MetricKind
from maturity.platforms import ALL, KNOWN_PLATFORMS
from maturity.quality.checks import Check, Suite

INBOUND: Final = "responsiveness.inbound_messages"
RATE: Final = "responsiveness.response_rate"
WITHIN_1H: Final = "responsiveness.within_1h_share"
WITHIN_24H: Final = "responsiveness.within_24h_share"
MEDIAN: Final = "responsiveness.first_response_median_hours"
P90: Final = "responsiveness.first_response_p90_hours"
AFTER_HOURS: Final = "responsiveness.after_hours_response_share"
WEEKEND: Final = "responsiveness.weekend_response_share"

KINDS: Final[tuple[MetricKind, ...]] = ("proportion", "duration", "count", "rate", "ratio", "score")


def kind_column(kind: str) -> str:
    """The values frame's column holding the values of metrics of ``kind`` (null elsewhere)."""
    return f"{kind}_value"


#: Consistency frame columns: (metric id, what of it). ``count`` is the value of a count metric
#: read as a sample size, 0 when the value is null because nothing was counted.
SCOPE_COLUMNS: Final[dict[str, tuple[str, str]]] = {
    "inbound_count": (INBOUND, "count"),
    "response_rate_n": (RATE, "n"),
    "within_1h_n": (WITHIN_1H, "n"),
    "within_24h_n": (WITHIN_24H, "n"),
    "median_n": (MEDIAN, "n"),
    "p90_n": (P90, "n"),
    "after_hours_n": (AFTER_HOURS, "n"),
    "weekend_n": (WEEKEND, "n"),
    "response_rate": (RATE, "value"),
    "within_1h": (WITHIN_1H, "value"),
    "within_24h": (WITHIN_24H, "value"),
    "median_hours": (MEDIAN, "value"),
    "p90_hours": (P90, "value"),
}

_NON_NEGATIVE_WHY: Final[dict[str, str]] = {
    "duration": "A duration (response time, account age) cannot be negative.",
    "count": "A count cannot be negative.",
    "rate": "A rate (posts per week, interactions per post) cannot be negative.",
    "ratio": "A ratio of non-negative quantities cannot be negative.",
    "score": "Scores are defined from 0 up.",
}


def _non_negative(kind: str) -> Check:
    return Check(
        f"values.{kind}_not_negative",
        "ExpectColumnValuesToBeBetween",
        {"column": kind_column(kind), "min_value": 0},
        _NON_NEGATIVE_WHY[kind] + " A negative one is a computation error.",
    )


VALUES = Suite(
    "metrics.values",
    (
        Check(
            "values.metric_known",
            "ExpectColumnValuesToBeInSet",
            {"column": "metric_id", "value_set": sorted(m.id for m in METRICS)},
            "Rubrics refer to metrics of the dictionary; a value of an unknown metric has no "
            "definition, kind or unit to judge it by.",
        ),
        Check(
            "values.platform_known",
            "ExpectColumnValuesToBeInSet",
            {"column": "platform", "value_set": [*KNOWN_PLATFORMS, ALL]},
            "A value is per known platform or 'all'; any other platform is counted nowhere.",
        ),
        Check(
            "values.key_unique",
            "ExpectCompoundColumnsToBeUnique",
            {"column_list": ["metric_id", "platform", "account"]},
            "One value per metric, platform and account: with two, scoring would pick one at "
            "random and the warehouse refuses the pair.",
        ),
        Check(
            "values.n_not_negative",
            "ExpectColumnValuesToBeBetween",
            {"column": "n", "min_value": 0},
            "A sample size counts units; it cannot be negative.",
        ),
        Check(
            "values.proportion_in_unit_interval",
            "ExpectColumnValuesToBeBetween",
            {"column": kind_column("proportion"), "min_value": 0, "max_value": 1},
            "A proportion is a share of its sample, between 0 and 1; scoring builds a Wilson "
            "interval on it, which is undefined outside that range.",
        ),
        *(_non_negative(kind) for kind in KINDS if kind != "proportion"),
        Check(
            "values.null_iff_no_sample",
            "ExpectColumnPairValuesToBeEqual",
            {"column_A": "value_known", "column_B": "n_nonzero"},
            "The metrics code gives a value exactly when its sample is not empty (value null "
            "iff n == 0); scoring reads n == 0 as unknown. A value without a sample, or a "
            "sample without a value, means the two were computed apart.",
        ),
    ),
    id_columns=("metric_id", "platform", "account"),
)


def _equal(name: str, a: str, b: str, rejects: tuple[str, ...], why: str) -> Check:
    return Check(
        f"consistency.{name}",
        "ExpectColumnPairValuesToBeEqual",
        {"column_A": a, "column_B": b, "ignore_row_if": "either_value_is_missing"},
        why,
        rejects=rejects,
    )


def _at_least(name: str, a: str, b: str, rejects: tuple[str, ...], why: str) -> Check:
    return Check(
        f"consistency.{name}",
        "ExpectColumnPairValuesAToBeGreaterThanB",
        {
            "column_A": a,
            "column_B": b,
            "or_equal": True,
            "ignore_row_if": "either_value_is_missing",
        },
        why,
        rejects=rejects,
    )


CONSISTENCY = Suite(
    "metrics.consistency",
    (
        _equal(
            "response_rate_n_is_inbound_count",
            "response_rate_n",
            "inbound_count",
            (RATE, INBOUND),
            "The response rate is over every actionable inbound message (spam left out): its n is "
            "the inbound count, which counts the actionable messages.",
        ),
        _equal(
            "within_1h_n_is_response_rate_n",
            "within_1h_n",
            "response_rate_n",
            (WITHIN_1H, RATE),
            "Answered-within-1h is a share of all actionable inbound messages, like the response "
            "rate.",
        ),
        _equal(
            "within_24h_n_is_response_rate_n",
            "within_24h_n",
            "response_rate_n",
            (WITHIN_24H, RATE),
            "Answered-within-24h is a share of all actionable inbound messages, like the response "
            "rate.",
        ),
        _at_least(
            "first_response_n_within_response_rate_n",
            "response_rate_n",
            "median_n",
            (MEDIAN, RATE),
            "First-response times are over answered messages, a subset of the inbound ones.",
        ),
        _equal(
            "p90_n_is_median_n",
            "p90_n",
            "median_n",
            (P90, MEDIAN),
            "Median and P90 first response are over the same answered messages.",
        ),
        _at_least(
            "after_hours_n_within_inbound_count",
            "inbound_count",
            "after_hours_n",
            (AFTER_HOURS, INBOUND),
            "Messages outside business hours are a subset of the inbound messages.",
        ),
        _at_least(
            "weekend_n_within_after_hours_n",
            "after_hours_n",
            "weekend_n",
            (WEEKEND, AFTER_HOURS),
            "Weekend messages are a subset of those outside business hours.",
        ),
        _at_least(
            "within_1h_not_above_within_24h",
            "within_24h",
            "within_1h",
            (WITHIN_1H, WITHIN_24H),
            "A message answered within 1 hour is answered within 24 hours.",
        ),
        _at_least(
            "within_24h_not_above_response_rate",
            "response_rate",
            "within_24h",
            (WITHIN_24H, RATE),
            "A message answered within 24 hours is answered.",
        ),
        _at_least(
            "p90_not_below_median",
            "p90_hours",
            "median_hours",
            (P90, MEDIAN),
            "The 90th percentile of a sample is never below its median.",
        ),
    ),
    id_columns=("platform", "account"),
)

METRIC_SUITES: Final = (VALUES, CONSISTENCY)
