"""The dashboard's pages and the reports, rendered from Jinja2 templates (autoescaped).

A ``Pages`` object holds what every page needs (the rubric for labels, the link prefix, the
language); each method turns one read (``maturity.dashboard.reads``) into HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlencode

from maturity.dashboard import charts
from maturity.dashboard.i18n import (
    SUCCESS_FACTORS,
    WORDS,
    Lang,
    check_lang,
    confidence_band,
    outcome,
)
from maturity.errors import InputError
from maturity.phases import LANGUAGES, Phase

if TYPE_CHECKING:
    from jinja2 import Environment

    from maturity.assessment import Assessment, CriterionResult, NextStep
    from maturity.dashboard.reads import (
        CriterionEvidence,
        OrganisationView,
        PortfolioRow,
        RunRow,
    )
    from maturity.rubric import Criterion, Rubric

SORT_KEYS: Final = ("name", "sector", "phase", "confidence", "coverage", "index")
PHASE_FILTERS: Final = ("insufficient", "none", *(str(int(p)) for p in Phase), "unassessed")
CONFIDENCE_FILTERS: Final = ("high", "medium", "low")


@cache
def environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(
        loader=PackageLoader("maturity.dashboard", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def stylesheet() -> str:
    return (resources.files("maturity.dashboard") / "static" / "dashboard.css").read_text("utf-8")


@dataclass(frozen=True, slots=True)
class Filters:
    sector: str = ""
    phase: str = ""
    confidence: str = ""

    def __post_init__(self) -> None:
        for name, value, allowed in (
            ("phase", self.phase, PHASE_FILTERS),
            ("confidence", self.confidence, CONFIDENCE_FILTERS),
        ):
            if value and value not in allowed:
                raise InputError(
                    f"unknown {name} filter '{value}'",
                    where=f"query parameter {name}",
                    fix=f"use one of {', '.join(allowed)}, or leave it empty",
                )

    def keep(self, r: PortfolioRow) -> bool:
        if self.sector and r.sector != self.sector:
            return False
        if self.phase and _phase_key(r) != self.phase:
            return False
        return not self.confidence or (
            r.confidence is not None and confidence_band(r.confidence) == self.confidence
        )


@dataclass(frozen=True, slots=True)
class Sort:
    key: str = "name"
    order: str = "asc"

    def __post_init__(self) -> None:
        if self.key not in SORT_KEYS:
            raise InputError(
                f"unknown sort column '{self.key}'",
                where="query parameter sort",
                fix=f"use one of {', '.join(SORT_KEYS)}",
            )
        if self.order not in ("asc", "desc"):
            raise InputError(
                f"unknown sort order '{self.order}'",
                where="query parameter order",
                fix="use asc or desc",
            )

    def apply(self, rows: Sequence[PortfolioRow]) -> list[PortfolioRow]:
        key: Callable[[PortfolioRow], Any] = {
            "name": lambda r: r.name.casefold(),
            "sector": lambda r: (r.sector, r.name.casefold()),
            "phase": lambda r: (_phase_rank(r), r.name.casefold()),
            "confidence": lambda r: r.confidence if r.confidence is not None else -1.0,
            "coverage": lambda r: r.coverage if r.coverage is not None else -1.0,
            "index": lambda r: r.maturity_index if r.maturity_index is not None else -1.0,
        }[self.key]
        return sorted(rows, key=key, reverse=self.order == "desc")


def _phase_key(r: PortfolioRow) -> str:
    if not r.assessed:
        return "unassessed"
    if r.verdict == "insufficient_evidence":
        return "insufficient"
    return "none" if r.phase is None else str(r.phase)


def _phase_rank(r: PortfolioRow) -> int:
    key = _phase_key(r)
    return {"unassessed": -2, "insufficient": -1, "none": 0}.get(key) or int(key)


@dataclass(frozen=True, slots=True)
class FactorView:
    label: str
    results: tuple[CriterionResult, ...]


@dataclass
class Pages:
    """Renders pages in one language, with links under ``root`` (the app's mount path)."""

    rubric: Rubric | None
    lang: Lang = "en"
    root: str = ""
    query: Mapping[str, str] = field(default_factory=dict)
    """The request's other query parameters, kept by the language switch."""
    path: str = "/"

    def __post_init__(self) -> None:
        check_lang(self.lang)

    # -- texts ----------------------------------------------------------------------------

    def _criterion(self, criterion_id: str) -> Criterion | None:
        if self.rubric is None:
            return None
        try:
            return self.rubric.criterion(criterion_id)
        except KeyError:
            return None

    def label(self, criterion_id: str) -> str:
        c = self._criterion(criterion_id)
        return c.label.get(self.lang) if c else criterion_id

    def advice(self, criterion_id: str) -> str | None:
        c = self._criterion(criterion_id)
        return c.advice.get(self.lang) if c else None

    def reason(self, r: CriterionResult) -> str:
        from maturity.reasons import criterion_reason

        return criterion_reason(r, self._criterion(r.criterion_id), self.lang)

    def _gap(self, a: Assessment) -> Callable[[NextStep], str]:
        results = {r.criterion_id: r for r in a.criteria}

        def gap(s: NextStep) -> str:
            r = results.get(s.criterion_id)
            return self.reason(r) if r is not None else s.gap

        return gap

    # -- links ----------------------------------------------------------------------------

    def url(self, path: str, **params: str) -> str:
        """A link to ``path`` under the app's mount, in this language."""
        return f"{self.root}{path}?{urlencode({'lang': self.lang, **params})}"

    def bare_url(self, path: str) -> str:
        return f"{self.root}{path}"

    def _switch(self) -> list[tuple[str, str]]:
        return [
            (code, f"{self.root}{self.path}?{urlencode({**self.query, 'lang': code})}")
            for code in LANGUAGES
        ]

    def _render(self, template: str, *, links: bool = True, **context: Any) -> str:
        w = WORDS[self.lang]
        return (
            environment()
            .get_template(template)
            .render(
                lang=self.lang,
                w=w,
                css=stylesheet(),
                url=self.url,
                bare_url=self.bare_url,
                switch=self._switch() if links else None,
                outcome=lambda phase, verdict: outcome(phase, verdict, self.lang),
                phase_name=lambda p: f"{int(p)} {Phase(p).label(self.lang)}",
                band=confidence_band,
                label=self.label,
                advice=self.advice,
                reason=self.reason,
                num=_num,
                **context,
            )
        )

    # -- pages ----------------------------------------------------------------------------

    def portfolio(
        self, rows: Sequence[PortfolioRow], filters: Filters = Filters(), sort: Sort = Sort()
    ) -> str:
        w = WORDS[self.lang]
        shown = sort.apply([r for r in rows if filters.keep(r)])
        columns = [
            ("name", w["organisation"], ""),
            ("sector", w["sector"], ""),
            ("phase", w["phase"], ""),
            ("confidence", w["confidence"], "num"),
            ("coverage", w["coverage"], "num"),
            ("index", w["index"], "num"),
        ]

        def sort_url(key: str) -> str:
            order = "desc" if key == sort.key and sort.order == "asc" else "asc"
            kept = {k: v for k, v in vars_of(filters).items() if v}
            return self.url("/", sort=key, order=order, **kept)

        return self._render(
            "portfolio.html",
            distribution=charts.phase_distribution(rows, self.lang),
            moved=[r for r in rows if r.moved],
            rows=shown,
            total=len(rows),
            sectors=sorted({r.sector for r in rows}),
            phase_choices=[(k, self._phase_choice(k)) for k in PHASE_FILTERS],
            filters=filters,
            sort=sort,
            sort_label=dict((k, v) for k, v, _ in columns)[sort.key],
            columns=columns,
            sort_url=sort_url,
        )

    def _phase_choice(self, key: str) -> str:
        if key == "unassessed":
            return WORDS[self.lang]["no_assessment"]
        if key == "insufficient":
            return outcome(None, "insufficient_evidence", self.lang)
        return outcome(None if key == "none" else int(key), "assessed", self.lang)

    def _organisation_context(self, view: OrganisationView) -> dict[str, Any]:
        data = view.latest
        if data is None:
            return {"a": None, "org_id": "", "name": view.name}
        a = data.assessment
        labels = {r.criterion_id: self.label(r.criterion_id) for r in a.criteria}
        return {
            "a": a,
            "org_id": a.org_id,
            "name": view.name,
            "run_id": data.run.run_id,
            "timeline": charts.phase_timeline(view.history, self.lang),
            "heatmap": charts.criteria_heatmap(a.criteria, labels, self.lang),
            "factors": self._factors(a),
            "gap": self._gap(a),
        }

    def _factors(self, a: Assessment) -> list[FactorView]:
        by_fact: dict[str, list[CriterionResult]] = {}
        for r in a.criteria:
            c = self._criterion(r.criterion_id)
            fact = c.fact if c is not None else None
            fact = fact or next((f.fact_id for f in r.facts), None)
            if fact:
                by_fact.setdefault(fact, []).append(r)
        return [
            FactorView(
                f.label[self.lang], tuple(r for fid in f.facts for r in by_fact.get(fid, ()))
            )
            for f in SUCCESS_FACTORS
        ]

    def organisation(self, org_id: str, view: OrganisationView) -> str:
        context = self._organisation_context(view)
        context["org_id"] = org_id
        if view.trends:
            metric_labels: dict[str, str] = {}
            context["trends"] = charts.metric_trends(view.trends, metric_labels, self.lang)
        else:
            context["trends"] = None
        return self._render("organisation.html", **context)

    def evidence(self, org_id: str, name: str, ev: CriterionEvidence) -> str:
        return self._render(
            "evidence.html", org_id=org_id, name=name, r=ev.result, metrics=ev.metrics
        )

    def run(self, run_label: str, rows: Sequence[RunRow]) -> str:
        return self._render("run.html", run_label=run_label, rows=rows)

    # -- reports --------------------------------------------------------------------------

    def organisation_report(self, org_id: str, view: OrganisationView, warehouse: str) -> str:
        context = self._organisation_context(view)
        context["org_id"] = org_id
        a = view.latest.assessment if view.latest else None
        counts = {s: 0 for s in ("met", "not_met", "uncertain", "unknown")}
        for r in a.criteria if a else ():
            counts[r.status.value] = counts.get(r.status.value, 0) + 1
        return self._render(
            "report_org.html",
            links=False,
            status_counts=list(counts.items()),
            warehouse=warehouse,
            **context,
        )

    def portfolio_report(self, rows: Sequence[PortfolioRow], warehouse: str) -> str:
        return self._render(
            "report_portfolio.html",
            links=False,
            distribution=charts.phase_distribution(rows, self.lang),
            moved=[r for r in rows if r.moved],
            rows=sorted(rows, key=lambda r: r.name.casefold()),
            warehouse=warehouse,
        )


def vars_of(filters: Filters) -> dict[str, str]:
    return {"sector": filters.sector, "phase": filters.phase, "confidence": filters.confidence}


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.4g}"
