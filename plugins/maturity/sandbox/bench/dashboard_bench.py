"""Benchmark and test data for the dashboard: a demo-like warehouse, and page times over it.

``fill_demo_like(wh, copies)`` scores the demo organisations (``maturity.sandbox.demo``) into
``wh`` for two windows, the demo's and the quarter before it, so the portfolio has movers and
every organisation a timeline; ``copies`` repeats the thirteen demo organisations under new
ids (``<id>-c<k>``) to reach a portfolio of any size. Duinwijk's response rate also gets an
example message stored with the raw page it was read from, so the evidence drill-down reaches
a landing page and its SHA-256 through a stored record.

    python -m maturity.sandbox.bench.dashboard_bench [organisations] [repeat]

prints the p50 wall time of the portfolio page, one organisation's page and one report, over
a temporary SQLite warehouse of about that many organisations (default 1,000), imports and
the first (warming) request excluded; the organisation's page also with the chart cache
cleared before each request (a first view). Targets: portfolio <= 1 s, organisation <= 300 ms,
report <= 2 s.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from maturity.input_file import OrgInput
    from maturity.warehouse import Warehouse

EXAMPLE_ORG = "gemeente-duinwijk"
EXAMPLE_HANDLE = "DuinwijkHelpt"
EXAMPLE_MESSAGE = "1849000000000000001"
EXAMPLE_PAGE = "landing/x/2026-11-02/gemeente-duinwijk/mentions-p0003.json"
EXAMPLE_SHA256 = "5d2c8e1f0a3b4c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d"
#: Organisations whose previous window lacked every declared fact: they moved up since.
MOVERS = ("gemeente-duinwijk", "polderstroom-energie")


def _with_example(org: OrgInput) -> OrgInput:
    """Duinwijk's response rate names one example message (stored by ``_store_example``)."""
    from maturity.evidence import EvidenceRef

    if org.org_id != EXAMPLE_ORG:
        return org
    item = EvidenceRef("item", EXAMPLE_MESSAGE, platform="x", account=EXAMPLE_HANDLE)
    metrics = tuple(
        replace(m, refs=(item, *m.refs))
        if m.metric_id == "responsiveness.response_rate" and m.account is None
        else m
        for m in org.evidence.metrics
    )
    return replace(org, evidence=replace(org.evidence, metrics=metrics))


def _previous(org: OrgInput) -> OrgInput:
    """The quarter before: the same values, and no declared facts for the movers."""
    from maturity.evidence import Window

    w = org.evidence.window
    span = w.end - w.start
    facts = () if org.org_id in MOVERS else org.evidence.facts
    window = Window(w.start - span, w.start)
    return replace(org, evidence=replace(org.evidence, window=window, facts=facts))


def _copy(org: OrgInput, k: int) -> OrgInput:
    if k == 0:
        return org
    org_id = f"{org.org_id}-c{k}"
    return replace(
        org, org_id=org_id, name=f"{org.name} {k}", evidence=replace(org.evidence, org_id=org_id)
    )


def _store_example(wh: Warehouse, org: OrgInput) -> None:
    from maturity.records import CollectionBatch, InboundMessage, PageRef
    from maturity.warehouse import AccountRow, OrgRow

    wh.write_organisations(
        [
            OrgRow(
                org.org_id,
                org.name,
                org.sector,
                accounts=(AccountRow("x", EXAMPLE_HANDLE, "service"),),
            )
        ]
    )
    page = PageRef(EXAMPLE_PAGE, EXAMPLE_SHA256, "mentions")
    w = org.evidence.window
    message = InboundMessage(
        "x",
        EXAMPLE_MESSAGE,
        org.org_id,
        EXAMPLE_HANDLE,
        "anon:0c1d2e3f",
        w.end - timedelta(days=3, hours=5),
        "mention",
        source=page,
    )
    wh.write_collection(
        CollectionBatch(
            "x", org.org_id, EXAMPLE_HANDLE, w.start, w.end, inbound=(message,), pages=(page,)
        )
    )


def fill_demo_like(wh: Warehouse, copies: int = 1) -> int:
    """Score the demo organisations (``copies`` times over) for two windows into ``wh``;
    returns the number of organisations."""
    from maturity.input_file import load_evidence_file
    from maturity.pipeline.score import score_inputs
    from maturity.rubric import load_default_rubric
    from maturity.sandbox.demo import demo_evidence_path

    rubric = load_default_rubric()
    demo = [_with_example(o) for o in load_evidence_file(demo_evidence_path())]
    orgs = [_copy(o, k) for k in range(copies) for o in demo]
    score_inputs([_previous(o) for o in orgs], rubric, wh, input_digest="dashboard-previous")
    score_inputs(orgs, rubric, wh, input_digest="dashboard-current")
    _store_example(wh, next(o for o in demo if o.org_id == EXAMPLE_ORG))
    return len(orgs)


def _samples(fn: object, repeat: int) -> list[float]:
    """Seconds of each of ``repeat`` calls, after one warming call."""
    times = []
    fn()  # type: ignore[operator]
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return times


TARGETS = {
    "portfolio": 1.0,
    "organisation": 0.3,
    "organisation (charts not cached)": 0.3,
    "report": 2.0,
}


def run(organisations: int = 1000, repeat: int = 5) -> dict[str, float]:
    """p50 seconds of the portfolio page, an organisation page and a report."""
    return {name: statistics.median(v) for name, v in run_samples(organisations, repeat).items()}


def run_samples(organisations: int = 1000, repeat: int = 5) -> dict[str, list[float]]:
    """Seconds of every request of the portfolio page, an organisation page and a report."""
    from fastapi.testclient import TestClient

    from maturity.dashboard import charts
    from maturity.dashboard.app import create_app
    from maturity.dashboard.report import organisation_report
    from maturity.rubric import load_default_rubric
    from maturity.warehouse import Warehouse

    copies = max(1, -(-organisations // 13))
    with tempfile.TemporaryDirectory() as tmp:
        wh = Warehouse(f"sqlite:///{Path(tmp) / 'warehouse.sqlite'}")
        wh.migrate()
        t0 = time.perf_counter()
        n = fill_demo_like(wh, copies)
        print(f"filled {n} organisations x 2 windows in {time.perf_counter() - t0:.1f} s")
        rubric = load_default_rubric()
        client = TestClient(create_app(lambda: wh, rubric_factory=lambda: rubric))

        def get(url: str) -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        def cold() -> None:
            charts._render.cache_clear()
            get(f"/org/{EXAMPLE_ORG}-c1")

        results = {
            "portfolio": _samples(lambda: get("/"), repeat),
            "organisation": _samples(lambda: get(f"/org/{EXAMPLE_ORG}-c1"), repeat),
            "organisation (charts not cached)": _samples(cold, repeat),
            "report": _samples(
                lambda: organisation_report(wh, f"{EXAMPLE_ORG}-c2", "en", rubric), repeat
            ),
        }
        wh.dispose()
    for name, samples in results.items():
        seconds = statistics.median(samples)
        verdict = "ok" if seconds <= TARGETS[name] else "OVER TARGET"
        target = TARGETS[name] * 1000
        print(f"{name:<33} p50 {seconds * 1000:7.0f} ms   target {target:.0f} ms  {verdict}")
    return results


def main(argv: list[str]) -> int:
    organisations = int(argv[0]) if argv else 1000
    repeat = int(argv[1]) if len(argv) > 1 else 5
    run(organisations, repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
