"""The charts: valid Vega-Lite, rendered to SVG with their marks, and a text alternative."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from maturity.assessment import CriterionResult, Status
from maturity.dashboard import charts
from maturity.dashboard.reads import PortfolioRow, TrendPoint
from maturity.evidence import Window
from maturity.phases import Phase
from maturity.warehouse.reads import AssessmentSummary

pytestmark = pytest.mark.unit

END = datetime(2026, 11, 2, tzinfo=UTC)
MID = datetime(2026, 8, 3, tzinfo=UTC)


@pytest.fixture
def validating(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every shape built afresh and checked against the Vega-Lite schema."""
    monkeypatch.setattr(charts, "VALIDATE", True)
    shapes = (
        charts._distribution_shape,
        charts._timeline_shape,
        charts._heatmap_shape,
        charts._trends_shape,
    )
    for shape in shapes:
        shape.cache_clear()
    yield
    for shape in shapes:
        shape.cache_clear()


def _portfolio() -> list[PortfolioRow]:
    def row(org: str, phase: int | None, verdict: str) -> PortfolioRow:
        return PortfolioRow(org, org, "x", verdict, phase, 1.0, 0.8, 0.9, END, None, None, None)

    return [
        row("a", 3, "assessed"),
        row("b", 3, "assessed"),
        row("c", None, "insufficient_evidence"),
    ]


@pytest.mark.usefixtures("validating")
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_distribution_counts_each_outcome(lang: str) -> None:
    chart = charts.phase_distribution(_portfolio(), lang)
    assert chart.svg.startswith("<svg")
    assert "mark-rect" in chart.svg
    counts = dict(chart.rows)
    engagement = "3 Engagement" if lang == "en" else "3 Betrokkenheid"
    assert counts[engagement] == "2"
    assert sum(int(v) for v in counts.values()) == 3
    assert engagement + " 2" in chart.description


@pytest.mark.usefixtures("validating")
def test_timeline_heatmap_and_trends_render_with_their_data() -> None:
    windows = (
        (datetime(2026, 5, 3, tzinfo=UTC), MID, Phase.PRESENCE),
        (MID, END, Phase.ENGAGEMENT),
    )
    history = [
        AssessmentSummary("a", Window(s, e), "r", "1", "assessed", p, 2.0, 0.8, 0.9, "0", "run", e)
        for s, e, p in windows
    ]
    timeline = charts.phase_timeline(history, "en")
    assert timeline.rows == (("2026-08-03", "2 Presence"), ("2026-11-02", "3 Engagement"))
    assert "mark-symbol" in timeline.svg

    criteria = [
        CriterionResult("a.one", Phase.PLANNING, "observed", "gate", 1, Status.MET, "r"),
        CriterionResult("a.two", Phase.PRESENCE, "declared", "gate", 1, Status.NOT_MET, "r"),
    ]
    heat = charts.criteria_heatmap(criteria, {"a.one": "First"}, "en")
    assert heat.rows == (("1 Planning", "First", "met"), ("2 Presence", "a.two", "not met"))
    assert heat.svg.count("<path") >= 2

    points = [TrendPoint("m.x", "all", END, 0.5, 0.2, 0.3, 0.4, 5)]
    trends = charts.metric_trends(points, {}, "en")
    assert trends.rows == (("m.x (all)", "2026-11-02", "0.5", "0.2", "0.3", "0.4"),)
    assert "mark-line" in trends.svg


def test_the_same_chart_is_rendered_once() -> None:
    charts._render.cache_clear()
    charts.phase_distribution(_portfolio(), "en")
    charts.phase_distribution(_portfolio(), "en")
    assert charts._render.cache_info().hits == 1
