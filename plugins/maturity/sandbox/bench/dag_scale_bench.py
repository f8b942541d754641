"""Benchmark: one run of the assessment DAG for many emulated organisations, through the real
scheduler, and how the cost per organisation grows with their number.

For each size, a fresh emulator world (every phase) is served on loopback; a local Airflow
(``maturity.sandbox.airflow.local_cluster``: API server, scheduler with the LocalExecutor, DAG
processor) runs ``social_maturity_assessment`` once, for the world's whole 91 days, into a
fresh PostgreSQL warehouse (a schema of its own, dropped afterwards). The time is the
scheduler's: from the trigger to the run's end. Targets (issue: Airflow): 1,000 organisations
within 15 minutes on the 2-core machine; the time per organisation at 1,000 at most 1.2x the
time per organisation at 100.

    python -m maturity.sandbox.bench.dag_scale_bench [N ...] [--parallelism P]
        [--executor local|celery] [--workers W] [--postgres-metadata]

``--executor celery`` runs the same DAG on the CeleryExecutor: Redis as the broker
(``--redis-url``), two Celery workers (``--workers``) with ``parallelism / workers`` slots each,
and the Airflow metadata on PostgreSQL (a database of its own, made afresh), which Celery
needs; ``--postgres-metadata`` puts the LocalExecutor's metadata there too, for a comparison
that differs only in the executor.

Needs PostgreSQL (``MATURITY_TEST_POSTGRES_URL``, default the local server the tests use).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from maturity.sandbox.airflow.local_cluster import Celery, LocalCluster
    from maturity.sandbox.emulator import EmulatedLimit, Emulator, World

TARGET_SECONDS_AT_1000 = 15 * 60
TARGET_GROWTH = 1.2
WORLD_END = datetime(2026, 11, 2, tzinfo=UTC)
WORLD_DAYS = 91
SEED = 1
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
METADATA_DB_PREFIX = "airflow_dag_scale_bench"
"""The metadata database's name before a suffix of its own per run (``_<pid>_<hex>``), so
benchmarks and tests running beside each other on one server never drop each other's."""


@contextmanager
def metadata_database(postgres: str, wanted: bool) -> Iterator[str | None]:
    """A fresh PostgreSQL database for Airflow's metadata when ``wanted``, else None
    (the cluster's SQLite file)."""
    if not wanted:
        yield None
        return
    from maturity.sandbox.airflow.local_cluster import postgres_database

    with postgres_database(
        postgres, f"{METADATA_DB_PREFIX}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    ) as url:
        yield url


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    """A fresh schema on ``base_url``, as an Airflow connection URI whose connections use it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"maturity_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(base_url).set(drivername="postgresql")
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@dataclass(frozen=True)
class Inspection:
    """What a finished run leaves to look at, while it still exists."""

    world: World
    emulator: Emulator
    cluster: LocalCluster
    warehouse: str
    """The warehouse connection URI (``postgresql://...?options=-csearch_path=...``)."""
    run: dict[str, Any]


def run_once(
    n_orgs: int,
    parallelism: int,
    postgres: str,
    timeout: float,
    celery: Celery | None = None,
    postgres_metadata: bool = False,
    *,
    limits: Mapping[str, EmulatedLimit] | None = None,
    x_tokens: tuple[str, ...] = (),
    extra_env: Callable[[Emulator], Mapping[str, str]] | None = None,
    inspect: Callable[[Inspection], Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """One DAG run for ``n_orgs`` generated organisations. ``limits`` replace the emulator's
    ``GENEROUS`` ones; ``x_tokens`` are more X apps' bearer tokens it accepts; ``extra_env``
    adds to the product's environment (more connections, their ``rate_limits``); ``inspect``
    reads what it needs (the metadata, the warehouse) after the run, before both are dropped,
    and its answer joins the result."""
    from maturity.pipeline import settings as s
    from maturity.sandbox.airflow.demo_run import write_registry
    from maturity.sandbox.airflow.local_cluster import LocalCluster
    from maturity.sandbox.emulator import GENEROUS, Emulator, generate_world
    from maturity.sandbox.emulator.registry import registry_data

    world = generate_world(n_orgs, SEED, WORLD_END - timedelta(days=WORLD_DAYS), WORLD_END)
    inspected: Mapping[str, Any] = {}
    with (
        tempfile.TemporaryDirectory(prefix="maturity-dag-scale-") as tmp,
        Emulator(
            world, limits=GENEROUS if limits is None else limits, extra_bearer_tokens=x_tokens
        ) as emulator,
        postgres_schema(postgres) as warehouse,
        metadata_database(postgres, postgres_metadata or celery is not None) as metadata,
    ):
        root = Path(tmp)
        registry = write_registry(registry_data(world), root / "registry.yaml")
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AIRFLOW", "MATURITY_", "_AIRFLOW"))  # a clean slate
        }
        env.update(emulator.connection_env())
        env.update(
            {
                s.HOME: str(root),
                s.REGISTRY: str(registry),
                s.DEMO_PSEUDONYM_KEY: "1",
                s.INTERVAL_DAYS: str(WORLD_DAYS),
                s.LOOKBACK_DAYS: str(WORLD_DAYS),
                "AIRFLOW_CONN_MATURITY_WAREHOUSE": warehouse,
                "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
            }
        )
        if extra_env is not None:
            env.update(extra_env(emulator))
        cluster = LocalCluster(
            root / "airflow",
            env,
            parallelism=parallelism,
            metadata_url=metadata,
            celery=celery,
            start_timeout=300,
        )
        with cluster:
            api = cluster.api()
            api.login()
            run = api.run_dag(
                "social_maturity_assessment", WORLD_END, timeout=timeout, parse_timeout=180
            )
            if inspect is not None:
                inspected = inspect(Inspection(world, emulator, cluster, warehouse, run))
    tis = run["task_instances"]
    states = Counter(t["state"] for t in tis)
    task_seconds = sum(float(t.get("duration") or 0.0) for t in tis)
    waits = handoff_seconds(tis)
    return {
        "orgs": n_orgs,
        "executor": "CeleryExecutor" if celery is not None else "LocalExecutor",
        "hostnames": sorted({str(t.get("hostname")) for t in tis}),
        "state": run["state"],
        "seconds": run["seconds"],
        "per_org": run["seconds"] / n_orgs,
        "task_instances": len(tis),
        "task_seconds_per_org": task_seconds / n_orgs,
        # where an executor's time goes besides the tasks' own: queued to started, per
        # task instance (the executor's hand-off: a broker hop and a worker's fork for Celery)
        "handoff_seconds_median": statistics.median(waits) if waits else None,
        "handoff_seconds_total": sum(waits),
        "states": dict(states),
        "requests": sum(emulator.calls.values()),
        "calls": emulator.calls,
        **inspected,
    }


def handoff_seconds(tis: Sequence[Mapping[str, Any]]) -> list[float]:
    """Seconds from queued to started of each task instance that has both times (the
    REST API's ``queued_when`` and ``start_date``)."""
    waits = []
    for t in tis:
        queued, started = t.get("queued_when"), t.get("start_date")
        if not queued or not started:
            continue
        delta = datetime.fromisoformat(started) - datetime.fromisoformat(queued)
        waits.append(max(0.0, delta.total_seconds()))
    return waits


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("orgs", nargs="*", type=int, default=[100, 1000])
    parser.add_argument("--parallelism", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--executor", choices=("local", "celery"), default="local")
    parser.add_argument("--workers", type=int, default=2, help="Celery workers")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS, help="the Celery broker")
    parser.add_argument("--postgres-metadata", action="store_true")
    args = parser.parse_args(argv)
    from maturity.pipeline import settings
    from maturity.sandbox.airflow.local_cluster import Celery

    celery = None
    if args.executor == "celery":
        slots = max(1, args.parallelism // args.workers)
        celery = Celery(args.redis_url, workers=args.workers, concurrency=slots)

    postgres = settings.read_text(None, settings.TEST_POSTGRES_URL) or DEFAULT_POSTGRES
    results = []
    for n in args.orgs:
        started = time.perf_counter()
        result = run_once(
            n, args.parallelism, postgres, args.timeout, celery, args.postgres_metadata
        )
        result["wall_seconds_with_setup"] = time.perf_counter() - started
        results.append(result)
        print(json.dumps(result), flush=True)
    print(
        f"One DAG run through the scheduler ({results[0]['executor'] if results else ''}, "
        f"parallelism {args.parallelism}"
        + (f", {args.workers} Celery workers" if celery else "")
        + (", PostgreSQL metadata" if celery or args.postgres_metadata else ", SQLite metadata")
        + "), PostgreSQL warehouse, emulator world, 91-day window"
    )
    for r in results:
        print(
            f"  {r['orgs']:>5} organisations: {r['state']:<7} {r['seconds']:8.1f} s "
            f"({r['per_org']:.3f} s per organisation, {r['task_instances']} task instances, "
            f"{r['task_seconds_per_org']:.3f} s of task time per organisation)"
        )
    by_n = {r["orgs"]: r for r in results}
    if 1000 in by_n:
        print(
            f"  1,000 organisations: {by_n[1000]['seconds'] / 60:.1f} min "
            f"(target <= {TARGET_SECONDS_AT_1000 / 60:.0f} min)"
        )
    if 100 in by_n and 1000 in by_n:
        growth = by_n[1000]["per_org"] / by_n[100]["per_org"]
        work = by_n[1000]["task_seconds_per_org"] / by_n[100]["task_seconds_per_org"]
        print(
            f"  per-organisation cost 1,000 / 100: {growth:.2f}x run time, {work:.2f}x task "
            f"time (target <= {TARGET_GROWTH})"
        )
    return 0 if all(r["state"] == "success" for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
