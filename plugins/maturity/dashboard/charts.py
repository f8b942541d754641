"""The dashboard's charts: Vega-Lite specs built with Altair, rendered to SVG on the server.

vl-convert renders offline (no browser, no CDN), so a page or a mailed report holds its charts
as inline SVG. Every chart comes with its text alternative: a description (the SVG's
``aria-label``) and its data as a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
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
    "contradicted": "#8250df",
}
"""Every status a criterion can have, including ``contradicted`` (a declared fact that observed
evidence contradicts), which newer scoring writes."""
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


VALIDATE = False
"""Check every shape against the Vega-Lite schema (the tests do; pages skip it: it costs more
than rendering)."""

_TABLE = "table"
_CONFIG = {
    "font": _FONT,
    "view": {"stroke": None},
    "axis": {"labelFontSize": 11, "titleFontSize": 12},
    "legend": {"labelFontSize": 11, "titleFontSize": 12},
}


def _shape(chart: Any) -> dict[str, Any]:
    """A chart's spec without its data (a named data set), built once per language."""
    spec: dict[str, Any] = chart.to_dict(validate=VALIDATE)
    spec["config"] = _CONFIG
    return spec


def _filled(shape: dict[str, Any], data: list[dict[str, Any]], description: str) -> str:
    """The chart of ``shape`` with ``data``, as SVG."""
    return render({**shape, "description": description, "datasets": {_TABLE: data}})


def _named() -> Any:
    import altair as alt

    return alt.NamedData(name=_TABLE)  # type: ignore[no-untyped-call]


def _outcome_order(lang: Lang) -> list[str]:
    return [
        outcome(None, "insufficient_evidence", lang),
        outcome(None, "assessed", lang),
        *(outcome(int(p), "assessed", lang) for p in Phase),
    ]


def _outcome_of(verdict: str | None, phase: int | None, lang: Lang) -> str:
    return outcome(phase, verdict or "insufficient_evidence", lang)


@cache
def _distribution_shape(lang: Lang) -> dict[str, Any]:
    import altair as alt

    w = WORDS[lang]
    chart = (
        alt.Chart(_named())
        .mark_bar(color="#0969da")
        .encode(
            x=alt.X(
                "outcome:N",
                sort=_outcome_order(lang),
                title=w["phase"],
                axis=alt.Axis(labelAngle=-30),
            ),
            y=alt.Y("count:Q", title=w["count"], axis=alt.Axis(tickMinStep=1)),
        )
        .properties(width=420, height=220)
    )
    return _shape(chart)


def phase_distribution(rows: Sequence[PortfolioRow], lang: Lang) -> Chart:
    """How many organisations stand in each phase (latest assessment)."""
    w = WORDS[lang]
    counts = dict.fromkeys(_outcome_order(lang), 0)
    for r in rows:
        if r.assessed:
            counts[_outcome_of(r.verdict, r.phase, lang)] += 1
    data: list[dict[str, Any]] = [{"outcome": k, "count": v} for k, v in counts.items()]
    description = w["distribution_alt"] + ": " + ", ".join(f"{k} {v}" for k, v in counts.items())
    return Chart(
        _filled(_distribution_shape(lang), data, description),
        description,
        (w["phase"], w["count"]),
        tuple((k, str(v)) for k, v in counts.items()),
    )


@cache
def _timeline_shape(lang: Lang) -> dict[str, Any]:
    import altair as alt

    w = WORDS[lang]
    labels = {0: "—", **{int(p): p.label(lang) for p in Phase}}
    label_expr = " : ".join(f"datum.value == {k} ? '{v}'" for k, v in labels.items()) + " : ''"
    base = alt.Chart(_named()).encode(
        x=alt.X("window:O", title=w["window"], axis=alt.Axis(labelAngle=-30)),
        y=alt.Y(
            "level:Q",
            title=w["phase"],
            scale=alt.Scale(domain=[0, 6]),
            axis=alt.Axis(values=list(range(7)), labelExpr=label_expr),
        ),
    )
    chart = (
        base.mark_line(color="#0969da") + base.mark_point(filled=True, size=70, color="#0969da")
    ).properties(width=420, height=220)
    return _shape(chart)


def phase_timeline(history: Sequence[AssessmentSummary], lang: Lang) -> Chart:
    """The estimated phase of every window, oldest first (0: no phase)."""
    w = WORDS[lang]
    data: list[dict[str, Any]] = [
        {
            "window": h.window.end.date().isoformat(),
            "level": int(h.phase) if h.phase is not None and h.verdict == "assessed" else 0,
            "outcome": _outcome_of(h.verdict, h.phase, lang),
        }
        for h in history
    ]
    description = (
        w["timeline_alt"] + ": " + ", ".join(f"{d['window']} {d['outcome']}" for d in data)
    )
    return Chart(
        _filled(_timeline_shape(lang), data, description),
        description,
        (w["window"], w["phase"]),
        tuple((str(d["window"]), str(d["outcome"])) for d in data),
    )


@cache
def _heatmap_shape(lang: Lang, rows: int) -> dict[str, Any]:
    import altair as alt

    w = WORDS[lang]
    statuses = [w[s] for s in STATUS_COLOURS]
    chart = (
        alt.Chart(_named())
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
        .properties(width=360, height=max(120, 18 * rows))
    )
    return _shape(chart)


def criteria_heatmap(
    criteria: Sequence[CriterionResult], labels: dict[str, str], lang: Lang
) -> Chart:
    """One cell per criterion, a column per phase, coloured by status."""
    w = WORDS[lang]
    data: list[dict[str, Any]] = []
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
    description = (
        w["heatmap_alt"]
        + ": "
        + "; ".join(f"{d['phase']}: {d['criterion']} {d['status']}" for d in data)
    )
    return Chart(
        _filled(_heatmap_shape(lang, max(slot.values(), default=1)), data, description),
        description,
        (w["phase"], w["criterion"], w["status"]),
        tuple((str(d["phase"]), str(d["criterion"]), str(d["status"])) for d in data),
    )


@cache
def _trends_shape(lang: Lang) -> dict[str, Any]:
    import altair as alt

    w = WORDS[lang]
    base = alt.Chart().encode(x=alt.X("window:O", title=w["window"], axis=alt.Axis(labelAngle=-30)))
    band = base.mark_bar(color="#d0d7de", size=18).encode(
        y=alt.Y("p25:Q", title=w["value"]), y2="p75:Q"
    )
    median = base.mark_tick(color="#57606a", thickness=2, size=18).encode(y="median:Q")
    own = base.mark_line(color="#0969da", point=True).encode(y="value:Q")
    chart = (
        alt.layer(band, median, own, data=_named())
        .properties(width=200, height=120)
        .facet(facet=alt.Facet("metric:N", title=None), columns=3)
        .resolve_scale(y="independent")
    )
    return _shape(chart)


def _num(x: object) -> str:
    return "—" if x is None else f"{float(x):.3g}"  # type: ignore[arg-type]


def metric_trends(points: Sequence[TrendPoint], labels: dict[str, str], lang: Lang) -> Chart:
    """Each metric over the windows, against the sector's P25-P75 band and median."""
    w = WORDS[lang]
    data: list[dict[str, Any]] = [
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
    description = w["trends_alt"]
    keys = ("value", "p25", "median", "p75")
    return Chart(
        _filled(_trends_shape(lang), data, description),
        description,
        (
            w["metric"],
            w["window"],
            w["value"],
            w["sector_p25"],
            w["sector_median"],
            w["sector_p75"],
        ),
        tuple((str(d["metric"]), str(d["window"]), *(_num(d[k]) for k in keys)) for d in data),
    )
