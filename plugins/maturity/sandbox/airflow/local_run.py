"""Run a DAG once through real Airflow in this process, with a local ``AIRFLOW_HOME``.

Airflow reads its configuration when it is first imported, so :func:`configure` must run before
anything imports ``airflow`` in this process; the command line (``python -m
maturity.sandbox.airflow.local_run DAG_ID --logical-date ISO``) does that and prints the run's
outcome as one line of JSON at the end. :func:`run_dag` uses ``DAG.test()``: the scheduler's
dependency rules, trigger rules, mapping, XComs, retries and Assets, with the tasks run one after
another in this process (no executor and no API server).

The DAG files are the project's ``dags/`` folder, which is not part of the installed package:
:func:`find_dags_folder` takes an explicit folder, else ``MATURITY_DAGS_FOLDER``, else the
``dags/`` of the source checkout that ``maturity`` is installed from (an editable install), and
otherwise fails with a :class:`~maturity.errors.ConfigError` that names the setting.
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

import maturity
from maturity.airflow import names
from maturity.errors import ConfigError
from maturity.pipeline import settings

DAGS_FOLDER_ENV = settings.DAGS_FOLDER
"""The folder of the product's DAG files (the project's ``dags/``)."""
DAG_FILE = f"{names.ASSESSMENT_DAG_ID}.py"
"""The file a DAG folder must hold to be the product's."""
PACKAGE_DIR = Path(maturity.__file__).resolve().parent
"""Where ``maturity`` is installed: ``<checkout>/plugins/maturity`` in a source checkout."""

POOL_SLOTS = dict.fromkeys(names.POOL_BY_PLATFORM.values(), 1)
"""The pools of the platforms' default credentials."""


def pool_slots(env: Mapping[str, str] | None = None) -> dict[str, int]:
    """Every pool the assessment DAG uses with the credentials of ``env`` (default: this
    process's environment): one slot each, ``x_api__x_app2`` for ``MATURITY_CREDENTIALS_X``'s
    ``x_app2``."""
    return dict.fromkeys(names.credential_pools(env), 1)


def checkout_dags_folder(package_dir: Path | None = None) -> Path | None:
    """``<checkout>/dags`` when ``maturity`` runs from a source checkout, else ``None``."""
    package_dir = package_dir or PACKAGE_DIR
    if package_dir.parent.name != "plugins":
        return None
    candidate = package_dir.parent.parent / "dags"
    return candidate if (candidate / DAG_FILE).is_file() else None


def find_dags_folder(explicit: Path | None = None, env: Mapping[str, str] | None = None) -> Path:
    """The DAG folder: ``explicit``, else ``MATURITY_DAGS_FOLDER``, else the checkout's ``dags/``.

    Raises :class:`ConfigError` when the chosen folder lacks the assessment DAG, or when
    nothing is set and ``maturity`` is not installed from a source checkout."""
    fix = (
        f"set {DAGS_FOLDER_ENV} (or pass --dags-folder) to the project's dags/ folder, the one "
        f"with {DAG_FILE}"
    )
    raw = settings.read_text(env, DAGS_FOLDER_ENV) or ""
    if explicit is not None or raw:
        folder = (explicit or Path(raw)).expanduser().resolve()
        if not (folder / DAG_FILE).is_file():
            where = "--dags-folder" if explicit is not None else DAGS_FOLDER_ENV
            raise ConfigError(f"{folder} holds no {DAG_FILE}", where=where, fix=fix)
        return folder
    found = checkout_dags_folder()
    if found is None:
        raise ConfigError(
            f"{DAGS_FOLDER_ENV} is not set and maturity is not installed from a source "
            f"checkout ({PACKAGE_DIR} has no dags/ beside plugins/)",
            where=DAGS_FOLDER_ENV,
            fix=fix,
        )
    return found


def airflow_env(home: Path, dags_folder: Path | None = None) -> dict[str, str]:
    """The environment of a local Airflow: SQLite metadata in ``home``, the product's DAGs
    (:func:`find_dags_folder`)."""
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(find_dags_folder(dags_folder)),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
    }


def configure(
    home: Path, dags_folder: Path | None = None, extra: Mapping[str, str] | None = None
) -> None:
    """Point this process's Airflow at ``home``; only before ``airflow`` is imported."""
    if "airflow" in sys.modules:
        raise RuntimeError(
            "Airflow is already imported in this process with its own configuration; run "
            "`python -m maturity.sandbox.airflow.local_run` in a fresh process instead"
        )
    home.mkdir(parents=True, exist_ok=True)
    os.environ.update(airflow_env(home, dags_folder))
    os.environ.update(dict(extra or {}))


def migrate(pools: Mapping[str, int] | None = None) -> None:
    """``airflow db migrate`` in this process, then create the product's pools if missing
    (by default :func:`pool_slots`: one per credential of every platform)."""
    from airflow.models.pool import Pool
    from airflow.utils import db

    db.upgradedb()
    for name, slots in (pool_slots() if pools is None else pools).items():
        if Pool.get_pool(name) is None:
            Pool.create_or_update_pool(
                name, slots, f"maturity: calls with the {name} credential", include_deferred=False
            )


def run_dag(dag_id: str, logical_date: datetime, dags_folder: Path | None = None) -> dict[str, Any]:
    """Run ``dag_id`` once for ``logical_date`` and return its state and its task instances."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=find_dags_folder(dags_folder))
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
                "pool": ti.pool,
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
    parser.add_argument(
        "--dags-folder",
        type=Path,
        default=None,
        help=f"the DAG files (default: ${DAGS_FOLDER_ENV}, else this checkout's dags/)",
    )
    args = parser.parse_args(argv)
    try:
        dags = find_dags_folder(args.dags_folder)
    except ConfigError as exc:
        print(exc.render(), file=sys.stderr)
        return exc.exit_code
    if args.home is not None:
        configure(args.home, dags)
    migrate()
    result = run_dag(args.dag_id, args.logical_date, dags)
    result["asset_events"] = asset_events()
    print(json.dumps(result, default=str))
    return 0 if result["state"] == "success" else 1


if __name__ == "__main__":
    raise SystemExit(main())
