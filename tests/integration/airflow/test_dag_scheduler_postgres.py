"""The assessment DAG through the real scheduler: API server (the execution API and the
plugin), scheduler with the LocalExecutor and DAG processor as separate processes
(``maturity.sandbox.airflow.local_cluster``), writing to the PostgreSQL warehouse (an isolated
schema), triggered and watched over the REST API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from airflow_runs import LOGICAL_DATE, Product
from sqlalchemy.engine import URL

from maturity.sandbox.airflow.local_cluster import Api, LocalCluster
from maturity.warehouse import Warehouse

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.postgres]

DAG_ID = "social_maturity_assessment"
RUN_TIMEOUT = 150.0


def _airflow_uri(url: URL) -> str:
    """The warehouse URL as an Airflow connection URI (conn type postgres)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def airflow_cluster(
    product: Product, airflow_home: Path, postgres_url: URL
) -> Iterator[tuple[Api, Path]]:
    product.warehouse_url = _airflow_uri(postgres_url)
    cluster = LocalCluster(airflow_home, product.env(airflow_home), migrate=False)
    with cluster:
        yield cluster.api(), airflow_home


def test_the_scheduler_runs_the_dag_into_postgres(
    airflow_cluster: tuple[Api, Path], product: Product, postgres_url: URL
) -> None:
    api, logs = airflow_cluster

    assert api.status("/maturity/organisations", auth=False) == 401
    api.login()
    final = api.run_dag(DAG_ID, LOGICAL_DATE, timeout=RUN_TIMEOUT, parse_timeout=90)
    elapsed = final["seconds"]
    print(f"\nscheduler run: {final['state']} in {elapsed:.0f} s (logs in {logs})")
    tis = final["task_instances"]
    not_ok = [
        (t["task_id"], t["rendered_map_index"], t["state"])
        for t in tis
        if t["state"] not in ("success", "skipped")
    ]
    assert final["state"] == "success", not_ok
    pools = {t["task_id"]: t["pool"] for t in tis}
    assert pools["organisation.collect_x"] == "x_api"
    assert final["data_interval_start"].startswith("2026-10-26T00:00:00")

    orgs = [o["id"] for o in product.registry["organisations"]]
    wh = Warehouse(postgres_url)
    try:
        for org_id in orgs:
            data = wh.latest_assessment(org_id)
            assert data is not None, org_id
            assert data.run.trigger == "airflow"
    finally:
        wh.dispose()

    listed = api.call("GET", "/maturity/organisations")["organisations"]
    assert sorted(o["org_id"] for o in listed) == sorted(orgs)
    one = api.call("GET", f"/maturity/organisations/{orgs[0]}/assessment")
    assert one["window"]["end"] == "2026-11-02T00:00:00Z"
