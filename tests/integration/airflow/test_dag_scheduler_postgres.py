"""The assessment DAG through the real scheduler: API server (the execution API and the
plugin), scheduler with the LocalExecutor and DAG processor as separate processes, writing to
the PostgreSQL warehouse (an isolated schema), triggered and watched over the REST API."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from airflow_runs import LOGICAL_DATE, Product
from sqlalchemy.engine import URL

from maturity.warehouse import Warehouse

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.postgres]

DAG_ID = "social_maturity_assessment"
PASSWORD = "scheduler-test-password"
RUN_TIMEOUT = 150.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _airflow_uri(url: URL) -> str:
    """The warehouse URL as an Airflow connection URI (conn type postgres)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class Api:
    def __init__(self, base: str) -> None:
        self.base = base
        self.token: str | None = None

    def call(self, method: str, path: str, body: Any = None, *, auth: bool = True) -> Any:
        request = urllib.request.Request(
            self.base + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json"},
        )
        if auth and self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def status(self, path: str, *, auth: bool) -> int:
        try:
            self.call("GET", path, auth=auth)
        except urllib.error.HTTPError as exc:
            return exc.code
        return 200

    def wait(self, what: str, check: Any, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                value = check()
                if value:
                    return value
            except (urllib.error.URLError, ConnectionError, OSError) as exc:
                last = exc
            time.sleep(1)
        raise AssertionError(f"timed out waiting for {what} ({last})")


@pytest.fixture
def airflow_cluster(
    product: Product, airflow_home: Path, postgres_url: URL, tmp_path: Path
) -> Iterator[tuple[Api, Path]]:
    port = _free_port()
    plugins = airflow_home / "plugins"
    plugins.mkdir()
    from importlib.metadata import entry_points

    if not entry_points(group="airflow.plugins", name="maturity"):
        (plugins / "maturity_plugin.py").write_text(
            "from maturity.airflow.plugin import MaturityPlugin  # noqa: F401\n"
        )
    passwords = airflow_home / "passwords.json"
    passwords.write_text(json.dumps({"admin": PASSWORD}))
    product.warehouse_url = _airflow_uri(postgres_url)
    env = {
        **product.env(airflow_home),
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "8",
        "AIRFLOW__CORE__DAGS_FOLDER": str(Path(__file__).resolve().parents[3] / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(plugins),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{airflow_home / 'airflow.db'}",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__API__SECRET_KEY": "scheduler-test-api-secret",
        "AIRFLOW__API_AUTH__JWT_SECRET": "scheduler-test-jwt-secret-0123456789abcdef",
        "AIRFLOW__CORE__FERNET_KEY": "bWF0dXJpdHktc2NoZWR1bGVyLXRlc3Qta2V5LTMyYiE=",
        "AIRFLOW__CORE__AUTH_MANAGER": (
            "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
        ),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
        # No scheduled run of its own while the test's manual run waits (max_active_runs=1):
        # the next 29 February is after the test.
        "MATURITY_SCHEDULE": "0 0 29 2 *",
    }
    binary = str(Path(sys.executable).parent / "airflow")
    logs = []
    procs: list[subprocess.Popen[bytes]] = []
    group: int | None = None
    try:
        for component in (["api-server"], ["scheduler"], ["dag-processor"]):
            log = open(tmp_path / f"{component[0]}.log", "wb")  # noqa: SIM115
            logs.append(log)
            proc = subprocess.Popen(
                [binary, *component],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                process_group=0 if group is None else group,
            )
            group = proc.pid if group is None else group
            procs.append(proc)
        api = Api(f"http://127.0.0.1:{port}")
        api.wait(
            "the API server", lambda: api.call("GET", "/api/v2/monitor/health", auth=False), 90
        )
        yield api, tmp_path
    finally:
        if group is not None:
            _stop(group)
        for log in logs:
            log.close()


def _stop(group: int) -> None:
    for sig, wait in ((signal.SIGTERM, 20.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(group, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)


def test_the_scheduler_runs_the_dag_into_postgres(
    airflow_cluster: tuple[Api, Path], product: Product, postgres_url: URL
) -> None:
    api, logs = airflow_cluster
    started = time.monotonic()

    assert api.status("/maturity/organisations", auth=False) == 401
    token = api.call(
        "POST", "/auth/token", {"username": "admin", "password": PASSWORD}, auth=False
    )["access_token"]
    api.token = token

    api.wait("the DAG to be parsed", lambda: api.call("GET", f"/api/v2/dags/{DAG_ID}"), 90)
    api.call("PATCH", f"/api/v2/dags/{DAG_ID}", {"is_paused": False})
    run = api.call(
        "POST", f"/api/v2/dags/{DAG_ID}/dagRuns", {"logical_date": LOGICAL_DATE.isoformat()}
    )
    run_path = f"/api/v2/dags/{DAG_ID}/dagRuns/{run['dag_run_id']}"

    def finished() -> dict[str, Any] | None:
        state = api.call("GET", run_path)
        return state if state["state"] in ("success", "failed") else None

    final = api.wait("the DAG run", finished, RUN_TIMEOUT)
    elapsed = time.monotonic() - started
    print(f"\nscheduler run: {final['state']} in {elapsed:.0f} s (logs in {logs})")
    tis = api.call("GET", f"{run_path}/taskInstances?limit=500")["task_instances"]
    not_ok = [
        (t["task_id"], t["rendered_map_index"], t["state"])
        for t in tis
        if t["state"] not in ("success", "skipped")
    ]
    assert final["state"] == "success", not_ok
    pools = {t["task_id"]: t["pool"] for t in tis}
    assert pools["collect_x"] == "x_api"
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
    assert elapsed < 180
