"""The dashboard inside a real local Airflow (API server, scheduler, DAG processor), seen by a
real browser after signing in on Airflow's login page: the "Maturity" navigation entry shows
the portfolio, and a request without the session is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from maturity.sandbox.airflow.local_cluster import PASSWORD, USER, LocalCluster
from maturity.sandbox.bench.dashboard_bench import EXAMPLE_ORG, EXAMPLE_SHA256

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def airflow(demo_warehouse_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("airflow-ui")
    env = {
        "AIRFLOW_HOME": str(home),
        "MATURITY_HOME": str(home / "maturity"),
        "MATURITY_WAREHOUSE_URL": f"sqlite:///{demo_warehouse_path}",
    }
    with LocalCluster(home, env, start_timeout=300) as cluster:
        yield f"http://127.0.0.1:{cluster.port}"


def test_maturity_in_the_airflow_ui_after_signing_in(browser: Any, airflow: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    assert page.goto(f"{airflow}/maturity/dashboard/").status == 401

    page.goto(f"{airflow}/")
    page.get_by_label("Username").fill(USER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/auth/login" not in url, timeout=60_000)

    page.goto(f"{airflow}/plugin/maturity")
    frame = page.frame_locator("iframe")
    rows = frame.locator("#portfolio tbody tr")
    rows.first.wait_for(timeout=60_000)
    assert rows.count() == 13

    page.goto(f"{airflow}/maturity/dashboard/org/{EXAMPLE_ORG}/criterion/engagement.response_rate")
    assert page.locator("table.items .landing-sha256").all_inner_texts() == [EXAMPLE_SHA256]
    context.close()
