"""The dashboard's charts: Vega-Lite specs built with Altair, rendered to SVG on the server.

vl-convert renders offline (no browser, no CDN), so a page or a mailed report holds its charts
as inline SVG. Every chart comes with its text alternative: a description (the SVG's
``aria-label``) and its data as a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from maturity.dashboard.i18n import WORDS, Lang, outcome
from maturity.phases import Phase

if TYPE_CHECKING:
    from maturity.assessment import CriterionResult
    from maturity.dashboard.reads import PortfolioRow, TrendPoint
    from maturity.warehouse.reads import AssessmentSummary

STATUS_COLOURS = {
    "met": "#1a7f37",
    "not_met": "#cf222e",
    "uncertain": "#bf8700",
    "unknown": "#8c959f",
}
_FONT = "DejaVu Sans, Verdana, sans-serif"


@dataclass(frozen=True, slots=True)
class Chart:
    """A rendered chart and its text alternative."""

    svg: str
    description: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    @property
    def svg_markup(self) -> Any:
        """The SVG for a template: vl-convert's own output, whose texts it escaped."""
        from markupsafe import Markup

        return Markup(self.svg)


def render(spec: dict[str, Any]) -> str:
    """Vega-Lite to SVG, offline; the same spec (same data) is rendered once."""
    import json

    return _render(json.dumps(spec, sort_keys=True))


@lru_cache(maxsize=256)
def _render(spec: str) -> str:
    import vl_convert

    svg: str = vl_convert.vegalite_to_svg(spec)
    return svg


def _spec(chart: Any, description: str) -> dict[str, Any]:
    spec: dict[str, Any] = chart.properties(description=description).to_dict()
    spec["config"] = {
        "font": _FONT,
        "view": {"stroke": None},
        "axis": {"labelFontSize": 11, "titleFontSize": 12},
        "legend": {"labelFontSize": 11, "titleFontSize": 12},
    }
    return spec


def _data(values: list[dict[str, Any]]) -> Any:
    import altair as alt

    return alt.Data(values=values)  # type: ignore[no-untyped-call]


def _outcome_order(lang: Lang) -> list[str]:
    return [
        outcome(None, "insufficient_evidence", lang),
        outcome(None, "assessed", lang),
        *(outcome(int(p), "assessed", lang) for p in Phase),
    ]


def _outcome_of(verdict: str | None, phase: int | None, lang: Lang) -> str:
    return outcome(phase, verdict or "insufficient_evidence", lang)


def phase_distribution(rows: Sequence[PortfolioRow], lang: Lang) -> Chart:
    """How many organisations stand in each phase (latest assessment)."""
    import altair as alt

    w = WORDS[lang]
    order = _outcome_order(lang)
    counts = dict.fromkeys(order, 0)
    for r in rows:
        if r.assessed:
            counts[_outcome_of(r.verdict, r.phase, lang)] += 1
    data = [{"outcome": k, "count": v} for k, v in counts.items()]
    chart = (
        alt.Chart(_data(data))
        .mark_bar(color="#0969da")
        .encode(
            x=alt.X("outcome:N", sort=order, title=w["phase"], axis=alt.Axis(labelAngle=-30)),
            y=alt.Y("count:Q", title=w["count"], axis=alt.Axis(tickMinStep=1)),
        )
        .properties(width=420, height=220)
    )
    description = w["distribution_alt"] + ": " + ", ".join(f"{k} {v}" for k, v in counts.items())
    return Chart(
        render(_spec(chart, description)),
        description,
        (w["phase"], w["count"]),
        tuple((k, str(v)) for k, v in counts.items()),
    )


def phase_timeline(history: Sequence[AssessmentSummary], lang: Lang) -> Chart:
    """The estimated phase of every window, oldest first (0: no phase)."""
    import altair as alt

    w = WORDS[lang]
    data = [
        {
            "window": h.window.end.date().isoformat(),
            "level": int(h.phase) if h.phase is not None and h.verdict == "assessed" else 0,
            "outcome": _outcome_of(h.verdict, h.phase, lang),
        }
        for h in history
    ]
    labels = {0: "—", **{int(p): p.label(lang) for p in Phase}}
    label_expr = " : ".join(f"datum.value == {k} ? '{v}'" for k, v in labels.items()) + " : ''"
    base = alt.Chart(_data(data)).encode(
        x=alt.X("window:O", title=w["window"], axis=alt.Axis(labelAngle=-30)),
        y=alt.Y(
            "level:Q",
            title=w["phase"],
            scale=alt.Scale(domain=[0, 6]),
            axis=alt.Axis(values=list(range(7)), labelExpr=label_expr),
        ),
    )
    chart = (base.mark_line(color="#0969da") + base.mark_point(filled=True, size=70)).properties(
        width=420, height=220
    )
    description = (
        w["timeline_alt"] + ": " + ", ".join(f"{d['window']} {d['outcome']}" for d in data)
    )
    return Chart(
        render(_spec(chart, description)),
        description,
        (w["window"], w["phase"]),
        tuple((str(d["window"]), str(d["outcome"])) for d in data),
    )


def criteria_heatmap(
    criteria: Sequence[CriterionResult], labels: dict[str, str], lang: Lang
) -> Chart:
    """One cell per criterion, a column per phase, coloured by status."""
    import altair as alt

    w = WORDS[lang]
    data = []
    slot: dict[int, int] = {}
    for r in criteria:
        slot[r.phase] = slot.get(r.phase, 0) + 1
        data.append(
            {
                "phase": f"{int(r.phase)} {Phase(r.phase).label(lang)}",
                "slot": slot[r.phase],
                "status": w[r.status.value],
                "criterion": labels.get(r.criterion_id, r.criterion_id),
            }
        )
    statuses = [w[s] for s in STATUS_COLOURS]
    chart = (
        alt.Chart(_data(data))
        .mark_rect(stroke="white", strokeWidth=2)
        .encode(
            x=alt.X(
                "phase:O",
                title=w["phase"],
                sort=[f"{int(p)} {p.label(lang)}" for p in Phase],
                axis=alt.Axis(labelAngle=-30),
            ),
            y=alt.Y("slot:O", title=w["criteria"], axis=None),
            color=alt.Color(
                "status:N",
                title=w["status"],
                scale=alt.Scale(domain=statuses, range=list(STATUS_COLOURS.values())),
            ),
            tooltip=["criterion:N", "status:N"],
        )
        .properties(width=360, height=max(120, 18 * max(slot.values(), default=1)))
    )
    description = (
        w["heatmap_alt"]
        + ": "
        + "; ".join(f"{d['phase']}: {d['criterion']} {d['status']}" for d in data)
    )
    return Chart(
        render(_spec(chart, description)),
        description,
        (w["phase"], w["criterion"], w["status"]),
        tuple((str(d["phase"]), str(d["criterion"]), str(d["status"])) for d in data),
    )


def metric_trends(points: Sequence[TrendPoint], labels: dict[str, str], lang: Lang) -> Chart:
    """Each metric over the windows, against the sector's P25-P75 band and median."""
    import altair as alt

    w = WORDS[lang]
    data = [
        {
            "metric": f"{labels.get(p.metric_id, p.metric_id)} ({p.platform})",
            "window": p.window_end.date().isoformat(),
            "value": p.value,
            "p25": p.sector_p25,
            "median": p.sector_median,
            "p75": p.sector_p75,
        }
        for p in points
    ]
    base = alt.Chart().encode(x=alt.X("window:O", title=w["window"], axis=alt.Axis(labelAngle=-30)))
    band = base.mark_bar(color="#d0d7de", size=18).encode(
        y=alt.Y("p25:Q", title=w["value"]), y2="p75:Q"
    )
    median = base.mark_tick(color="#57606a", thickness=2, size=18).encode(y="median:Q")
    own = base.mark_line(color="#0969da", point=True).encode(y="value:Q")
    chart = (
        alt.layer(band, median, own, data=_data(data))
        .properties(width=200, height=120)
        .facet(facet=alt.Facet("metric:N", title=None), columns=3)
        .resolve_scale(y="independent")
    )
    description = w["trends_alt"]

    def num(x: float | None) -> str:
        return "—" if x is None else f"{x:.3g}"

    return Chart(
        render(_spec(chart, description)),
        description,
        (
            w["metric"],
            w["window"],
            w["value"],
            w["sector_p25"],
            w["sector_median"],
            w["sector_p75"],
        ),
        tuple(
            (
                str(d["metric"]),
                str(d["window"]),
                num(d["value"]),  # type: ignore[arg-type]
                num(d["p25"]),  # type: ignore[arg-type]
                num(d["median"]),  # type: ignore[arg-type]
                num(d["p75"]),  # type: ignore[arg-type]
            )
            for d in data
        ),
    )
