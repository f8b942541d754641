"""Run a DAG once through real Airflow in this process, with a local ``AIRFLOW_HOME``.

Airflow reads its configuration when it is first imported, so :func:`configure` must run before
anything imports ``airflow`` in this process; the command line (``python -m
maturity.airflow.local_run DAG_ID --logical-date ISO``) does that and prints the run's outcome as
one line of JSON at the end. :func:`run_dag` uses ``DAG.test()``: the scheduler's dependency
rules, trigger rules, mapping, XComs, retries and Assets, with the tasks run one after another in
this process (no executor and no API server).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from maturity.airflow import names

REPO_DAGS = Path(__file__).resolve().parents[3] / "dags"

POOL_SLOTS = {names.X_POOL: 1, names.REDDIT_POOL: 1}


def airflow_env(home: Path, dags_folder: Path = REPO_DAGS) -> dict[str, str]:
    """The environment of a local Airflow: SQLite metadata in ``home``, this checkout's DAGs."""
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
    }


def configure(
    home: Path, dags_folder: Path = REPO_DAGS, extra: Mapping[str, str] | None = None
) -> None:
    """Point this process's Airflow at ``home``; only before ``airflow`` is imported."""
    if "airflow" in sys.modules:
        raise RuntimeError(
            "Airflow is already imported in this process with its own configuration; run "
            "`python -m maturity.airflow.local_run` in a fresh process instead"
        )
    home.mkdir(parents=True, exist_ok=True)
    os.environ.update(airflow_env(home, dags_folder))
    os.environ.update(dict(extra or {}))


def migrate(pools: Mapping[str, int] = POOL_SLOTS) -> None:
    """``airflow db migrate`` in this process, then create the product's pools if missing."""
    from airflow.models.pool import Pool
    from airflow.utils import db

    db.upgradedb()
    for name, slots in pools.items():
        if Pool.get_pool(name) is None:
            Pool.create_or_update_pool(
                name, slots, f"maturity: calls with the {name} credential", include_deferred=False
            )


def run_dag(dag_id: str, logical_date: datetime, dags_folder: Path = REPO_DAGS) -> dict[str, Any]:
    """Run ``dag_id`` once for ``logical_date`` and return its state and its task instances."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=dags_folder)
    if bag.import_errors:
        raise RuntimeError(f"DAG import errors: {bag.import_errors}")
    dag = bag.dags[dag_id]
    run = dag.test(logical_date=logical_date)
    tis = sorted(run.get_task_instances(), key=lambda ti: (ti.task_id, ti.map_index))
    return {
        "dag_id": dag_id,
        "run_id": run.run_id,
        "state": str(run.state),
        "data_interval": [run.data_interval_start.isoformat(), run.data_interval_end.isoformat()],
        "tasks": [
            {
                "task_id": ti.task_id,
                "map_index": ti.map_index,
                "label": ti.rendered_map_index,
                "state": str(ti.state),
                "try_number": ti.try_number,
            }
            for ti in tis
        ],
    }


def asset_events(uri: str = names.ASSESSMENTS_URI) -> list[dict[str, Any]]:
    """The events recorded for the Asset ``uri``, oldest first."""
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        rows = session.scalars(
            select(AssetEvent)
            .join(AssetModel, AssetModel.id == AssetEvent.asset_id)
            .where(AssetModel.uri == uri)
            .order_by(AssetEvent.timestamp)
        ).all()
        return [
            {"source_dag_id": e.source_dag_id, "source_task_id": e.source_task_id, "extra": e.extra}
            for e in rows
        ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dag_id")
    parser.add_argument("--logical-date", required=True, type=datetime.fromisoformat)
    parser.add_argument("--home", type=Path, default=None, help="AIRFLOW_HOME (default: keep)")
    parser.add_argument("--dags-folder", type=Path, default=REPO_DAGS)
    args = parser.parse_args(argv)
    if args.home is not None:
        configure(args.home, args.dags_folder)
    migrate()
    result = run_dag(args.dag_id, args.logical_date, args.dags_folder)
    result["asset_events"] = asset_events()
    print(json.dumps(result, default=str))
    return 0 if result["state"] == "success" else 1


if __name__ == "__main__":
    raise SystemExit(main())
