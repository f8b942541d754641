"""Properties of scoring that must hold for any evidence (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_builders import evidence, fact, mv

from maturity.assessment import Status
from maturity.evidence import MetricValue
from maturity.metric_dictionary import METRICS_BY_ID
from maturity.rubric import Rubric, load_default_rubric
from maturity.scoring import score

pytestmark = pytest.mark.unit

PLATFORMS = st.sampled_from(["all", "x", "reddit"])


def _value_for(metric: str) -> st.SearchStrategy[float]:
    if METRICS_BY_ID[metric].kind == "proportion":
        return st.floats(0, 1, allow_nan=False)
    return st.floats(0, 200, allow_nan=False)


@st.composite
def metric_values(draw: st.DrawFn, rubric: Rubric) -> list[MetricValue]:
    metrics = sorted({c.metric for c in rubric.criteria if c.metric})
    chosen = draw(st.lists(st.sampled_from(metrics), unique=True, max_size=len(metrics)))
    return [mv(m, draw(_value_for(m)), draw(st.integers(0, 500)), draw(PLATFORMS)) for m in chosen]


FACT_IDS = ["declared.kpis_defined", "declared.governance_structure", "declared.executive_sponsor"]


def _rubrics() -> list[str]:
    return ["small", "default"]


def _load(name: str, small_rubric: Rubric) -> Rubric:
    return small_rubric if name == "small" else load_default_rubric()


def _phase_num(a: object) -> int:
    p = getattr(a, "phase", None)
    return int(p) if p is not None else 0


@pytest.mark.parametrize("which", _rubrics())
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_improving_a_metric_never_lowers_phase_or_index(
    which: str, small_rubric: Rubric, data: st.DataObject
) -> None:
    rubric = _load(which, small_rubric)
    values = data.draw(metric_values(rubric))
    if not values:
        return
    i = data.draw(st.integers(0, len(values) - 1))
    target = values[i]
    criteria = [c for c in rubric.criteria if c.metric == target.metric_id]
    directions = {c.comparator[0] for c in criteria}
    if len(directions) != 1:
        return  # two criteria pull this metric in opposite directions; no single "better"
    step = data.draw(st.floats(0, 200, allow_nan=False))
    up = directions == {">"}
    new = (target.value or 0) + step if up else max(0.0, (target.value or 0) - step)
    if METRICS_BY_ID[target.metric_id].kind == "proportion":
        new = min(new, 1.0)
    improved = list(values)
    improved[i] = mv(target.metric_id, new, target.n, target.platform)
    before, after = score(rubric, evidence(*values)), score(rubric, evidence(*improved))
    assert _phase_num(after) >= _phase_num(before)
    assert after.maturity_index >= before.maturity_index


@pytest.mark.parametrize("which", _rubrics())
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_attained_phases_are_cumulative_and_gated(
    which: str, small_rubric: Rubric, data: st.DataObject
) -> None:
    rubric = _load(which, small_rubric)
    facts = [
        fact(f, data.draw(st.booleans()))
        for f in data.draw(st.lists(st.sampled_from(FACT_IDS), unique=True))
    ]
    a = score(rubric, evidence(*data.draw(metric_values(rubric)), *facts))
    assert [int(p) for p in a.phases_attained] == list(range(1, len(a.phases_attained) + 1))
    for r in a.criteria:
        if r.role == "gate" and r.phase in a.phases_attained:
            assert r.status == Status.MET
    assert 0.0 <= a.confidence <= 1.0
    assert 0.0 <= a.maturity_index <= 6.0
    assert int(a.maturity_index) == len(a.phases_attained)


@pytest.mark.parametrize("which", _rubrics())
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_an_unmeasured_platform_lowers_confidence_never_the_phase(
    which: str, small_rubric: Rubric, data: st.DataObject
) -> None:
    rubric = _load(which, small_rubric)
    values = data.draw(metric_values(rubric))
    measured = sorted({v.platform for v in values if v.platform != "all" and v.n > 0})
    base = score(rubric, evidence(*values, expected=tuple(measured)))
    wider = score(rubric, evidence(*values, expected=(*measured, "mastodon")))
    assert wider.phase == base.phase
    assert wider.confidence <= base.confidence
    assert "mastodon" in wider.platforms_missing


@pytest.mark.parametrize("which", _rubrics())
def test_no_evidence_is_insufficient(which: str, small_rubric: Rubric) -> None:
    a = score(_load(which, small_rubric), evidence())
    assert a.verdict == "insufficient_evidence"
    assert a.phase is None
