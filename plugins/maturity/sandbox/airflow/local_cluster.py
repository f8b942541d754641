"""A real Airflow on this machine: API server, scheduler and DAG processor as separate
processes, driven over the REST API, with one of two executors:

- the LocalExecutor (the default): the scheduler runs each task in a process of its own;
- the CeleryExecutor (``celery=Celery(broker_url)``): the scheduler sends each task through the
  Redis broker to ``airflow celery worker`` processes, two by default, each with a hostname of
  its own (the task instances' ``hostname`` names the worker that ran them). Celery needs the
  metadata on PostgreSQL (``metadata_url``; :func:`postgres_database` makes a fresh one), which
  is also the Celery result backend, as in ``docker-compose.yml``.

The scheduler test, the Celery test and the scale benchmark run the assessment DAG through it;
nothing here is used in production.

    with LocalCluster(home, product_env, metadata_url=...) as cluster:
        api = cluster.api()
        api.login(PASSWORD)
        result = api.run_dag(DAG_ID, logical_date, timeout=900)

Every process is started in one process group, and stopping the cluster stops the group
(SIGTERM, then SIGKILL), so nothing outlives it.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from maturity.pipeline import settings
from maturity.sandbox.airflow.local_run import airflow_env, pool_slots

PASSWORD = "local-cluster-password"
USER = "admin"
COMPONENTS = (("api-server",), ("scheduler",), ("dag-processor",))
LOCAL_EXECUTOR = "LocalExecutor"
CELERY_EXECUTOR = "CeleryExecutor"
WORKER_HOSTNAME_ENV = "LOCAL_CLUSTER_WORKER_HOSTNAME"
"""Set for each Celery worker of a cluster: the hostname its task instances record."""


def worker_hostname() -> str:
    """Airflow's ``[core] hostname_callable`` in a cluster's Celery workers: the worker's own
    name (two workers on one machine would otherwise both record this machine's name)."""
    return os.environ.get(WORKER_HOSTNAME_ENV) or socket.getfqdn()


@dataclass(frozen=True)
class Celery:
    """The CeleryExecutor's side of a cluster: the broker, and ``workers`` Celery workers with
    ``concurrency`` task slots each, serving one queue of the cluster's own (a broker shared
    with other clusters or tests never hands their tasks to this one's workers)."""

    broker_url: str
    workers: int = 2
    concurrency: int = 2
    queue: str = field(default_factory=lambda: f"maturity-{uuid.uuid4().hex[:10]}")

    def __post_init__(self) -> None:
        if not self.broker_url.startswith(("redis://", "rediss://")):
            raise ValueError(
                f"Celery broker_url {self.broker_url!r} is not a Redis URL: give "
                "redis://HOST:PORT/DB (the broker docker-compose.yml and the tests use)"
            )
        if self.workers < 1 or self.concurrency < 1:
            raise ValueError(
                f"Celery workers={self.workers}, concurrency={self.concurrency}: both must "
                "be at least 1"
            )

    def worker_names(self) -> list[str]:
        return [f"worker{i + 1}" for i in range(self.workers)]

    def env(self, metadata_url: str) -> dict[str, str]:
        return {
            "AIRFLOW__CORE__EXECUTOR": CELERY_EXECUTOR,
            "AIRFLOW__CELERY__BROKER_URL": self.broker_url,
            "AIRFLOW__CELERY__RESULT_BACKEND": f"db+{metadata_url}",
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(self.concurrency),
            "AIRFLOW__OPERATORS__DEFAULT_QUEUE": self.queue,
            "AIRFLOW__CELERY__SYNC_PARALLELISM": "1",
        }

    def worker_command(self, name: str) -> list[str]:
        return [
            "celery",
            "worker",
            "--celery-hostname",
            f"{name}@%h",
            "--queues",
            self.queue,
            "--concurrency",
            str(self.concurrency),
            # No log server: two workers on one machine would both want its port, and the
            # task logs are files under this cluster's home anyway.
            "--skip-serve-logs",
            "--without-mingle",
            "--without-gossip",
        ]


@contextmanager
def postgres_database(admin_url: str, name: str) -> Iterator[str]:
    """A fresh, empty database ``name`` on the server of ``admin_url`` (dropped first if it
    exists, and dropped afterwards), as a SQLAlchemy URL for psycopg 3."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if not name.replace("_", "").isalnum():
        raise ValueError(f"database name {name!r}: use letters, digits and underscores only")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            c.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(admin_url).set(drivername="postgresql+psycopg", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cluster_secrets(home: Path) -> dict[str, str]:
    """The API secret, JWT secret and Fernet key of the cluster in ``home``: random, made when
    the home is first used and kept in ``home/secrets.json`` (owner-only), so every process of
    the cluster (and a restart on the same metadata) shares them, and no two homes do."""
    path = home / "secrets.json"
    if path.is_file():
        kept: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        return kept
    made = {
        "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
        "AIRFLOW__CORE__FERNET_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    }
    home.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(made, fh)
    return made


def cluster_env(
    home: Path,
    port: int,
    *,
    metadata_url: str | None = None,
    dags_folder: Path | None = None,
    parallelism: int = 8,
    celery: Celery | None = None,
) -> dict[str, str]:
    """Airflow's settings for a local cluster in ``home`` (SQLite metadata unless
    ``metadata_url`` is given), with the simple auth manager and one user; the LocalExecutor,
    or the CeleryExecutor with ``celery``."""
    passwords = home / "passwords.json"
    env = airflow_env(home, dags_folder)
    if metadata_url:
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = metadata_url
        if metadata_url.startswith("postgresql+psycopg://"):
            # Airflow would make its async URL with asyncpg, which is not installed; psycopg 3
            # has an async driver of its own.
            env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC"] = metadata_url.replace(
                "postgresql+psycopg://", "postgresql+psycopg_async://", 1
            )
    if celery is not None:
        if not metadata_url or metadata_url.startswith("sqlite"):
            raise ValueError(
                "the CeleryExecutor needs the Airflow metadata on PostgreSQL: pass "
                "metadata_url (see postgres_database)"
            )
        executor = celery.env(metadata_url)
    else:
        executor = {"AIRFLOW__CORE__EXECUTOR": LOCAL_EXECUTOR}
    return {
        **env,
        **executor,
        "AIRFLOW__CORE__PARALLELISM": str(parallelism),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(home / "plugins"),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__WORKERS": "1",
        **cluster_secrets(home),
        "AIRFLOW__CORE__AUTH_MANAGER": (
            "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
        ),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USER}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
        # No scheduled run of its own while a manual run waits (max_active_runs=1): the next
        # 29 February is far enough away.
        settings.SCHEDULE: "0 0 29 2 *",
    }


class Api:
    """The cluster's REST API (``/api/v2``, ``/auth``) and the plugin's (``/maturity``)."""

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
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"null")

    def status(self, path: str, *, auth: bool) -> int:
        """The HTTP status of a GET, without raising for 4xx/5xx."""
        try:
            self.call("GET", path, auth=auth)
        except urllib.error.HTTPError as exc:
            return exc.code
        return 200

    def login(self, password: str = PASSWORD) -> None:
        self.token = self.call(
            "POST", "/auth/token", {"username": USER, "password": password}, auth=False
        )["access_token"]

    def wait(self, what: str, check: Callable[[], Any], timeout: float, every: float = 1) -> Any:
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                value = check()
                if value:
                    return value
            except (urllib.error.URLError, ConnectionError, OSError) as exc:
                last = exc
            time.sleep(every)
        raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what} ({last})")

    def run_dag(
        self, dag_id: str, logical_date: datetime, *, timeout: float, parse_timeout: float = 120
    ) -> dict[str, Any]:
        """Unpause ``dag_id``, trigger one run for ``logical_date`` and wait for it to end.

        Returns the run (``state``, ``data_interval_start`` …), its task instances, and
        ``seconds``: from the run being queued to its end, as Airflow recorded them.
        """
        self.wait(
            "the DAG to be parsed",
            lambda: self.call("GET", f"/api/v2/dags/{dag_id}"),
            parse_timeout,
        )
        self.call("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})
        started = time.monotonic()
        run = self.call(
            "POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": logical_date.isoformat()}
        )
        path = f"/api/v2/dags/{dag_id}/dagRuns/{run['dag_run_id']}"

        def finished() -> dict[str, Any] | None:
            state: dict[str, Any] = self.call("GET", path)
            return state if state["state"] in ("success", "failed") else None

        final: dict[str, Any] = self.wait("the DAG run", finished, timeout, every=2)
        final["seconds"] = (
            datetime.fromisoformat(final["end_date"]) - datetime.fromisoformat(final["queued_at"])
        ).total_seconds()
        final["client_seconds"] = time.monotonic() - started
        final["task_instances"] = self.task_instances(path)
        return final

    def task_instances(self, run_path: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        while True:
            page = self.call("GET", f"{run_path}/taskInstances?limit=100&offset={len(out)}")
            out.extend(page["task_instances"])
            if not page["task_instances"] or len(out) >= page["total_entries"]:
                return out


def prepare_metadata(env: Mapping[str, str], pools: Mapping[str, int] | None = None) -> None:
    """Migrate the metadata database of ``env`` and create the product's pools (by default one
    per credential that ``env`` lists, ``local_run.pool_slots``), in a subprocess (Airflow
    reads its configuration when first imported)."""
    pools = pool_slots(env) if pools is None else pools
    code = (
        "import json, sys; from maturity.sandbox.airflow import local_run; "
        "local_run.migrate(json.loads(sys.argv[1]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(dict(pools))],
        env=dict(env),
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"migrating the Airflow metadata failed ({done.returncode}):\n{tail}")


class LocalCluster:
    """API server, scheduler and DAG processor for ``home`` (and, with ``celery``, its Celery
    workers), with ``env`` on top of :func:`cluster_env`; logs go to ``home/<component>.log``
    (``home/celery-<worker>.log``)."""

    def __init__(
        self,
        home: Path,
        env: Mapping[str, str],
        *,
        metadata_url: str | None = None,
        parallelism: int = 8,
        dags_folder: Path | None = None,
        password: str = PASSWORD,
        start_timeout: float = 120,
        migrate: bool = True,
        celery: Celery | None = None,
        stop_grace: float = 20.0,
    ) -> None:
        """``migrate=False`` when ``home`` already has migrated metadata with the pools;
        ``stop_grace``: seconds between SIGTERM and SIGKILL when the cluster stops."""
        self.home = home
        self.stop_grace = stop_grace
        self.celery = celery
        self.migrate = migrate
        self.port = free_port()
        self.start_timeout = start_timeout
        home.mkdir(parents=True, exist_ok=True)
        (home / "plugins").mkdir(exist_ok=True)
        (home / "passwords.json").write_text(json.dumps({USER: password}))
        self.env = {
            **env,
            **cluster_env(
                home,
                self.port,
                metadata_url=metadata_url,
                dags_folder=dags_folder,
                parallelism=parallelism,
                celery=celery,
            ),
        }
        self._group: int | None = None
        self._logs: list[IO[bytes]] = []

    def api(self) -> Api:
        return Api(f"http://127.0.0.1:{self.port}")

    def processes(self) -> list[tuple[str, list[str], dict[str, str]]]:
        """Each process of the cluster: its log name, ``airflow`` arguments and environment."""
        out = [(c[0], list(c), self.env) for c in COMPONENTS]
        if self.celery is not None:
            for name in self.celery.worker_names():
                env = {
                    **self.env,
                    "AIRFLOW__CORE__HOSTNAME_CALLABLE": f"{__name__}.worker_hostname",
                    WORKER_HOSTNAME_ENV: name,
                }
                out.append((f"celery-{name}", self.celery.worker_command(name), env))
        return out

    def start(self) -> Api:
        if self.migrate:
            prepare_metadata(self.env)
        binary = str(Path(sys.executable).parent / "airflow")
        for name, args, env in self.processes():
            log = open(self.home / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop
            self._logs.append(log)
            proc = subprocess.Popen(
                [binary, *args],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                process_group=0 if self._group is None else self._group,
            )
            self._group = proc.pid if self._group is None else self._group
        api = self.api()
        api.wait(
            "the API server",
            lambda: api.call("GET", "/api/v2/monitor/health", auth=False),
            self.start_timeout,
        )
        return api

    def stop(self) -> None:
        if self._group is not None:
            stop_group(self._group, self.stop_grace)
            self._group = None
        for log in self._logs:
            log.close()
        self._logs.clear()

    def __enter__(self) -> LocalCluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def stop_group(group: int, grace: float = 20.0) -> None:
    """SIGTERM the process group, then (after ``grace`` seconds) SIGKILL what is left; return
    when it is gone."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
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
