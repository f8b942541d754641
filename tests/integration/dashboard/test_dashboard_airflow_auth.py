"""In Airflow the dashboard sits inside the plugin's app, behind Airflow's authentication."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from maturity.airflow import names
from maturity.airflow.plugin import DeferredApp, MaturityPlugin, _create_app
from maturity.sandbox.bench.dashboard_bench import EXAMPLE_ORG
from maturity.warehouse import Warehouse

pytestmark = pytest.mark.integration

PAGES = ("/dashboard/", f"/dashboard/org/{EXAMPLE_ORG}", "/dashboard/runs/x?dag_id=d")


@pytest.fixture
def plugin_app(demo_warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch) -> DeferredApp:
    monkeypatch.setattr("maturity.airflow.api.open_warehouse", lambda: demo_warehouse)
    return DeferredApp(_create_app)


@pytest.mark.parametrize("page", PAGES)
def test_every_dashboard_page_refuses_a_request_without_a_user(
    plugin_app: DeferredApp, page: str
) -> None:
    response = TestClient(plugin_app).get(page)  # type: ignore[arg-type]
    assert response.status_code == 401


def test_a_signed_in_user_sees_the_portfolio_with_links_under_the_mount(
    plugin_app: DeferredApp,
) -> None:
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser
    from airflow.api_fastapi.core_api.security import get_user

    dashboard = next(r for r in plugin_app.app.routes if getattr(r, "path", "") == "/dashboard")
    sub = dashboard.app  # type: ignore[attr-defined]
    sub.dependency_overrides[get_user] = lambda: SimpleAuthManagerUser(username="v", role="viewer")
    client = TestClient(plugin_app, root_path=names.API_PREFIX)  # type: ignore[arg-type]
    html = client.get(f"{names.API_PREFIX}/dashboard/").text
    assert f'href="/maturity/dashboard/org/{EXAMPLE_ORG}?lang=en"' in html


def test_the_ui_shows_maturity_in_the_navigation_and_on_every_dag_run() -> None:
    views = {v["destination"]: v for v in MaturityPlugin.external_views}
    assert views["nav"]["name"] == "Maturity"
    assert views["nav"]["href"] == "maturity/dashboard/"
    assert views["dag_run"]["href"] == "maturity/dashboard/runs/{RUN_ID}?dag_id={DAG_ID}"
    assert len({v["url_route"] for v in views.values()}) == 2
