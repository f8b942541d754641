"""The executor option of the local cluster, without starting it: what the CeleryExecutor run
(test_dag_celery.py) depends on, checked in milliseconds."""

from __future__ import annotations

from pathlib import Path

import pytest

from maturity.sandbox.airflow import local_cluster as lc

pytestmark = pytest.mark.unit

METADATA = "postgresql+psycopg://postgres@127.0.0.1:5432/airflow_celery_test"


def test_the_local_executor_is_the_default(tmp_path: Path) -> None:
    env = lc.cluster_env(tmp_path, 8080)
    assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    assert not any(k.startswith("AIRFLOW__CELERY__") for k in env)
    cluster = lc.LocalCluster(tmp_path, {})
    assert [name for name, _, _ in cluster.processes()] == [
        "api-server",
        "scheduler",
        "dag-processor",
    ]


def test_celery_gets_the_broker_the_result_backend_and_a_queue_of_its_own(
    tmp_path: Path,
) -> None:
    celery = lc.Celery("redis://127.0.0.1:6379/0")
    env = lc.cluster_env(tmp_path, 8080, metadata_url=METADATA, celery=celery)
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__CELERY__BROKER_URL"] == "redis://127.0.0.1:6379/0"
    assert env["AIRFLOW__CELERY__RESULT_BACKEND"] == f"db+{METADATA}"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] == METADATA
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC"].startswith(
        "postgresql+psycopg_async://"
    )
    assert env["AIRFLOW__OPERATORS__DEFAULT_QUEUE"] == celery.queue
    assert celery.queue != lc.Celery("redis://127.0.0.1:6379/0").queue


def test_two_workers_each_with_its_own_name(tmp_path: Path) -> None:
    celery = lc.Celery("redis://127.0.0.1:6379/0", workers=2, concurrency=1)
    cluster = lc.LocalCluster(tmp_path, {}, metadata_url=METADATA, celery=celery)
    workers = [(n, a, e) for n, a, e in cluster.processes() if n.startswith("celery-")]
    assert [n for n, _, _ in workers] == ["celery-worker1", "celery-worker2"]
    for name, args, env in workers:
        own = name.removeprefix("celery-")
        assert args[:2] == ["celery", "worker"]
        assert args[args.index("--celery-hostname") + 1] == f"{own}@%h"
        assert args[args.index("--queues") + 1] == celery.queue
        assert env[lc.WORKER_HOSTNAME_ENV] == own
        assert (
            env["AIRFLOW__CORE__HOSTNAME_CALLABLE"]
            == "maturity.sandbox.airflow.local_cluster.worker_hostname"
        )


def test_the_hostname_callable_names_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(lc.WORKER_HOSTNAME_ENV, "worker2")
    assert lc.worker_hostname() == "worker2"
    monkeypatch.delenv(lc.WORKER_HOSTNAME_ENV)
    assert lc.worker_hostname()  # the machine's name


def test_celery_needs_postgresql_metadata_and_a_redis_broker(tmp_path: Path) -> None:
    celery = lc.Celery("redis://127.0.0.1:6379/0")
    with pytest.raises(ValueError, match="metadata on PostgreSQL"):
        lc.cluster_env(tmp_path, 8080, celery=celery)
    with pytest.raises(ValueError, match="not a Redis URL"):
        lc.Celery("amqp://127.0.0.1:5672//")
    with pytest.raises(ValueError, match="at least 1"):
        lc.Celery("redis://127.0.0.1:6379/0", workers=0)
