"""The assessment DAG on a distributed engine: the CeleryExecutor, run for real.

API server, scheduler, DAG processor and two Celery workers (``airflow celery worker``) as
separate processes on this machine (``maturity.sandbox.airflow.local_cluster``), with Redis as
the broker and PostgreSQL as Airflow's metadata database (a database of its own, made afresh)
and Celery's result backend: the topology of ``docker-compose.yml``. The run writes to the
PostgreSQL warehouse (a schema of its own); the same world run in-process through
``DAG.test()`` into SQLite is the reference the phases are compared against. The reference
runs in a subprocess while the cluster starts and runs, which saves about a minute.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from airflow_runs import LOGICAL_DATE, WORLD_END, Product, run_assessment
from sqlalchemy import Engine, select
from sqlalchemy.engine import URL

from maturity.sandbox.airflow.local_cluster import Api, Celery, LocalCluster, postgres_database
from maturity.sandbox.emulator import World, generate_world
from maturity.warehouse import Warehouse
from maturity.warehouse import schema as t

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.postgres,
    # Several Airflow processes start on two shared cores: minutes when the machine is busy.
    pytest.mark.timeout(900),
]

DAG_ID = "social_maturity_assessment"
RUN_TIMEOUT = 600.0
METADATA_DB = f"airflow_celery_test_{os.getpid()}"  # one per run: never drops a neighbour's
WORKERS = ("worker1", "worker2")


@pytest.fixture(scope="module")
def world() -> World:
    """Two organisations (the other Airflow tests use four): every step still has a task per
    organisation to hand to each worker, in half the time."""
    return generate_world(2, 7, WORLD_END - timedelta(days=91), WORLD_END)


def phases(url: URL | str) -> dict[str, tuple[Any, ...]]:
    """Each organisation's assessment headline: verdict, phase, phases attained, index."""
    wh = Warehouse(url)
    try:
        a = t.assessment.c
        with wh.engine.connect() as c:
            rows = c.execute(
                select(a.org_id, a.verdict, a.phase, a.phases_attained, a.maturity_index)
            ).all()
    finally:
        wh.dispose()
    return {r[0]: (r[1], r[2], json.dumps(r[3]), round(r[4], 9)) for r in rows}


@pytest.fixture
def reference_run(
    product: Product, airflow_home: Path, tmp_path: Path
) -> Iterator[tuple[Future[dict[str, Any]], str]]:
    """The same world through ``DAG.test()`` into SQLite, started now in the background: the
    future of the run's result, and the reference warehouse's URL."""
    path = tmp_path / "reference.sqlite"
    reference = Product(
        tmp_path / "reference",
        product.connections,
        json.dumps({"conn_type": "sqlite", "host": str(path)}),
        product.registry,
    )
    reference.root.mkdir()
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(run_assessment, reference, airflow_home), f"sqlite:///{path}"


@pytest.fixture
def metadata_url(postgres_admin: Engine) -> Iterator[str]:
    admin = postgres_admin.url.render_as_string(hide_password=False)
    with postgres_database(admin, METADATA_DB) as url:
        yield url


@pytest.fixture
def celery_cluster(
    redis_url: str,
    metadata_url: str,
    postgres_url: URL,
    reference_run: object,
    product: Product,
    tmp_path: Path,
) -> Iterator[tuple[Api, Path]]:
    """The cluster, started after the reference run (which then runs alongside it); Redis
    and PostgreSQL are asked for first, so that a missing one skips (or fails) at once."""
    product.warehouse_url = postgres_url.set(drivername="postgresql").render_as_string(
        hide_password=False
    )
    home = tmp_path / "airflow-celery"
    # One task slot per worker: the tasks import pandas and Great Expectations, and two
    # cores run two of them at a time faster than four.
    celery = Celery(redis_url, workers=len(WORKERS), concurrency=1)
    cluster = LocalCluster(
        home,
        product.env(home),
        metadata_url=metadata_url,
        celery=celery,
        start_timeout=300,
        stop_grace=3,  # nothing of a finished run is worth waiting for
    )
    with cluster:
        yield cluster.api(), home


def test_celery_workers_run_the_dag_into_the_same_phases(
    celery_cluster: tuple[Api, Path],
    product: Product,
    postgres_url: URL,
    reference_run: tuple[Future[dict[str, Any]], str],
) -> None:
    api, logs = celery_cluster
    api.login()
    started = time.perf_counter()
    final = api.run_dag(DAG_ID, LOGICAL_DATE, timeout=RUN_TIMEOUT, parse_timeout=90)
    tis = final["task_instances"]
    task_seconds = sum(float(ti.get("duration") or 0) for ti in tis)
    print(
        f"\nCeleryExecutor run: {final['state']} in {final['seconds']:.0f} s "
        f"({time.perf_counter() - started:.0f} s from the trigger; {len(tis)} task instances, "
        f"{task_seconds:.0f} s of task time; logs in {logs})"
    )
    # One shard per organisation: its collect task for a platform where it has no account
    # skips; every other task instance succeeds.
    empty = {
        (f"organisation.collect_{p}", o["id"])
        for o in product.registry["organisations"]
        for p in ("x", "reddit", "mastodon", "bluesky")
        if p not in {a["platform"] for a in o["accounts"]}
    }
    assert empty, "the registry leaves some platform out, so some collect tasks skip"
    not_ok = [
        (ti["task_id"], ti["rendered_map_index"], ti["state"])
        for ti in tis
        if ti["state"] != "success"
        and not (ti["state"] == "skipped" and (ti["task_id"], ti["rendered_map_index"]) in empty)
    ]
    assert final["state"] == "success", not_ok
    assert not not_ok

    ran_on = {ti["hostname"] for ti in tis if ti["state"] == "success"}
    assert ran_on == set(WORKERS), ran_on

    celery_phases = phases(postgres_url)
    orgs = sorted(o["id"] for o in product.registry["organisations"])
    assert sorted(celery_phases) == orgs

    future, reference_url = reference_run
    result = future.result(timeout=RUN_TIMEOUT)
    assert result["state"] == "success", result["log"]
    assert celery_phases == phases(reference_url)
