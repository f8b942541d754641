"""The dashboard's pages over a demo-like warehouse, through FastAPI's TestClient."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from maturity.dashboard.app import create_app
from maturity.sandbox.bench.dashboard_bench import (
    EXAMPLE_MESSAGE,
    EXAMPLE_ORG,
    EXAMPLE_PAGE,
    EXAMPLE_SHA256,
    MOVERS,
)
from maturity.warehouse import Warehouse

pytestmark = pytest.mark.integration

ORG = f"/org/{EXAMPLE_ORG}"
EVIDENCE = f"{ORG}/criterion/engagement.response_rate"


@pytest.fixture(scope="module")
def app(demo_warehouse: Warehouse) -> FastAPI:
    return create_app(lambda: demo_warehouse)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    return TestClient(app)


def _rows(html: str) -> list[str]:
    """The org ids of the portfolio table's rows, in order."""
    return re.findall(r'<tr data-org="([^"]+)">', html)


def test_portfolio_lists_every_organisation_with_its_phase(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    rows = _rows(r.text)
    assert len(rows) == 13
    assert EXAMPLE_ORG in rows
    assert "13 shown of 13" in r.text
    assert "<svg" in r.text
    assert "mark-rect" in r.text


def test_portfolio_names_who_moved_since_the_previous_window(
    client: TestClient, demo_warehouse: Warehouse
) -> None:
    changed = set()
    for org in demo_warehouse.list_organisations():
        *_, before, now = [None, None, *demo_warehouse.assessment_history(org.org_id)]
        both = before and now and now.verdict == before.verdict == "assessed"
        if both and now.phase != before.phase:  # type: ignore[union-attr]
            changed.add(org.org_id)
    assert set(MOVERS) <= changed  # the movers the filler made lost their facts before
    r = client.get("/")
    moved = r.text[r.text.index('id="moved"') : r.text.index('id="organisations"')]
    assert set(re.findall(r'href="/org/([^"?]+)\?', moved)) == changed
    assert moved.count("<li>") == len(changed)


def test_portfolio_filters_by_sector_phase_and_confidence(client: TestClient) -> None:
    municipalities = _rows(client.get("/", params={"sector": "municipality"}).text)
    assert municipalities
    assert all(o.startswith("gemeente-") for o in municipalities)
    strategic = _rows(client.get("/", params={"phase": "5"}).text)
    assert EXAMPLE_ORG in strategic
    assert len(strategic) < 13
    high = set(_rows(client.get("/", params={"confidence": "high"}).text))
    low = set(_rows(client.get("/", params={"confidence": "low"}).text))
    assert high
    assert low
    assert not high & low


def test_portfolio_sorts_by_a_column_both_ways(client: TestClient) -> None:
    up = _rows(client.get("/", params={"sort": "phase", "order": "asc"}).text)
    down = _rows(client.get("/", params={"sort": "phase", "order": "desc"}).text)
    assert up != sorted(up)
    assert down[0] != up[0]
    page = client.get("/", params={"sort": "confidence", "order": "desc"}).text
    confidences = [float(x) for x in re.findall(r'class="conf-\w+">([0-9.]+) ', page)]
    assert confidences == sorted(confidences, reverse=True)


def test_bad_filters_are_refused_naming_the_parameter(client: TestClient) -> None:
    r = client.get("/", params={"phase": "7"})
    assert r.status_code == 422
    assert "query parameter phase" in r.json()["detail"]
    r = client.get("/", params={"lang": "de"})
    assert r.status_code == 422
    assert "unknown language 'de'" in r.json()["detail"]


def test_organisation_page_has_timeline_heatmap_factors_trends_and_next_steps(
    client: TestClient,
) -> None:
    html = client.get(ORG).text
    for anchor in ("timeline", "criteria", "factors", "trends", "next-steps"):
        assert f'id="{anchor}"' in html, anchor
    assert html.count("<svg") == 3  # timeline, heat map, trends
    assert "Executive support" in html
    assert "Technology" in html
    assert "sector median" in html  # the trends' table alternative
    assert f'href="{EVIDENCE}?lang=en"' in html


def test_every_chart_has_a_text_alternative(client: TestClient) -> None:
    html = client.get(ORG).text
    figures = re.findall(r"<figure>.*?</figure>", html, flags=re.S)
    assert len(figures) == 3
    for f in figures:
        assert re.search(r'role="img" aria-label="[^"]{20,}"', f)
        assert "<details>" in f
        assert "<td>" in f


def test_the_pages_speak_dutch(client: TestClient) -> None:
    html = client.get(ORG, params={"lang": "nl"}).text
    assert '<html lang="nl">' in html
    for word in ("Fase door de tijd", "De zeven succesfactoren", "Volgende stappen"):
        assert word in html
    assert "Next steps" not in html


def test_drill_down_reaches_the_landing_page_and_its_hash(client: TestClient) -> None:
    html = client.get(EVIDENCE).text
    assert EXAMPLE_MESSAGE in html
    assert EXAMPLE_PAGE in html
    assert EXAMPLE_SHA256 in html


def test_unknown_organisation_and_criterion_are_404_with_a_fix(client: TestClient) -> None:
    r = client.get("/org/nobody")
    assert r.status_code == 404
    assert "unknown organisation nobody" in r.json()["detail"]
    r = client.get(f"{ORG}/criterion/no.such")
    assert r.status_code == 404
    assert "no criterion no.such" in r.json()["detail"]


def test_run_page_lists_the_assessments_of_a_run(
    client: TestClient, demo_warehouse: Warehouse
) -> None:
    data = demo_warehouse.latest_assessment(EXAMPLE_ORG)
    assert data is not None
    html = client.get(f"/runs/{data.run.run_id}").text
    assert html.count(f"{data.run.run_id}</td>") == 13


def test_run_page_of_an_airflow_run_reads_its_data_interval(demo_warehouse: Warehouse) -> None:
    data = demo_warehouse.latest_assessment(EXAMPLE_ORG)
    assert data is not None
    asked: list[tuple[str, str]] = []

    def window_end(dag_id: str, run_id: str):  # type: ignore[no-untyped-def]
        asked.append((dag_id, run_id))
        return data.assessment.window.end if run_id == "scheduled__x" else None

    client = TestClient(create_app(lambda: demo_warehouse, run_window=window_end))
    html = client.get("/runs/scheduled__x", params={"dag_id": "social_maturity_assessment"}).text
    assert asked == [("social_maturity_assessment", "scheduled__x")]
    assert len(re.findall(r"<tr><td><a href=", html)) == 13
    r = client.get("/runs/manual__y", params={"dag_id": "social_maturity_assessment"})
    assert r.status_code == 404


def test_names_from_the_warehouse_are_escaped(tmp_path: object) -> None:
    from pathlib import Path

    from maturity.warehouse import OrgRow

    wh = Warehouse(f"sqlite:///{Path(str(tmp_path)) / 'w.sqlite'}")
    wh.migrate()
    wh.write_organisations([OrgRow("evil", "<script>alert(1)</script>", "x<b>")])
    html = TestClient(create_app(lambda: wh)).get("/").text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    wh.dispose()


def test_pages_forbid_every_outside_request(client: TestClient) -> None:
    csp = client.get("/").headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'self'" in csp
