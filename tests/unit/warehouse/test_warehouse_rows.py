"""Evidence and assessment rows survive JSON unchanged (what the JSON columns hold)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maturity.assessment import PlatformCheck, Status
from maturity.errors import InputError
from maturity.evidence import DeclaredFact, EvidenceRef, MetricValue
from maturity.warehouse import assessment_rows as ar

pytestmark = pytest.mark.unit

finite = st.floats(allow_nan=False, allow_infinity=False)
text = st.text(min_size=1, max_size=12)
refs = st.builds(
    EvidenceRef,
    kind=st.sampled_from(["item", "page", "query", "document"]),
    ref=text,
    platform=st.none() | text,
    account=st.none() | text,
    endpoint=st.none() | text,
    sha256=st.none() | text,
)
metric_values = st.builds(
    MetricValue,
    metric_id=text,
    value=st.none() | finite,
    n=st.integers(0, 10**6),
    platform=text,
    account=st.none() | text,
    ci_low=st.none() | finite,
    ci_high=st.none() | finite,
    refs=st.lists(refs, max_size=3).map(tuple),
)
facts = st.builds(
    DeclaredFact,
    fact_id=text,
    value=st.booleans() | finite,
    declared_by=text,
    declared_at=st.dates(),
    source=st.none() | text,
)


def _through_json(data: object) -> object:
    return json.loads(json.dumps(data))


@given(metric_values)
def test_metric_value_json_round_trip(m: MetricValue) -> None:
    data = _through_json(ar.metric_to_json(m, "m"))
    assert ar.metric_from_json(data) == m  # type: ignore[arg-type]


@given(facts)
def test_fact_json_round_trip_keeps_booleans(f: DeclaredFact) -> None:
    back = ar.fact_from_json(_through_json(ar.fact_to_json(f, "f")))  # type: ignore[arg-type]
    assert back == f
    assert type(back.value) is type(f.value)


def test_check_json_round_trip() -> None:
    check = PlatformCheck("x", Status.UNCERTAIN, 0.6, 40, 0.65, 0.45, 0.73, "straddles")
    assert ar.check_from_json(_through_json(ar.check_to_json(check, "c"))) == check  # type: ignore[arg-type]


def test_metric_row_uses_empty_account_for_aggregates() -> None:
    scope = {"org_id": "acme"}
    row = ar.metric_row(scope, MetricValue("a.b", 1.0, 3), "r1")
    assert (row["platform"], row["account"]) == ("all", "")
    assert ar.metric_from_row(row).account is None


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_numbers_are_refused(bad: float) -> None:
    with pytest.raises(InputError, match="not a finite number"):
        ar.fact_row({}, DeclaredFact("f", bad, "me", date(2025, 1, 1)), "r1")
