"""The demo through real Airflow: the assessment DAG, once, against the emulator.

``python -m maturity.sandbox.airflow.demo_run`` (or :func:`run_demo`):

1. prepares a local ``AIRFLOW_HOME`` (``$MATURITY_HOME/airflow-demo``; SQLite metadata, migrated
   in this process, the product's pools);
2. starts the API emulator on loopback with a generated world (every maturity phase) and writes
   that world's registry and questionnaires (``maturity.sandbox.emulator.registry``);
3. points ``AIRFLOW_CONN_X_DEFAULT`` / ``AIRFLOW_CONN_REDDIT_DEFAULT`` at the emulator and
   ``AIRFLOW_CONN_MATURITY_WAREHOUSE`` at the embedded SQLite warehouse;
4. runs ``social_maturity_assessment`` once with ``DAG.test()`` for a fixed data interval, the
   world's whole period, so every run of the demo writes the same rows;
5. prints the phase table from the warehouse.

It must run in a fresh process: Airflow reads its configuration when first imported.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import warnings
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from maturity.airflow import names
from maturity.errors import ConfigError
from maturity.pipeline import settings as s

WORLD_END = datetime(2026, 11, 2, tzinfo=UTC)
WORLD_DAYS = 91
WORLD_ORGS = 12
WORLD_SEED = 1  # every organisation of this world lands in the phase it was designed for


def write_registry(registry: Mapping[str, Any], path: Path) -> Path:
    import yaml

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# Organisations and accounts of a generated emulator world "
        "(maturity.sandbox.airflow.demo_run)\n"
        + yaml.safe_dump(dict(registry), sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    return path


def demo_environment(
    maturity_home: Path, registry: Path, connections: Mapping[str, str]
) -> dict[str, str]:
    """The product's settings for the demo run (read by the DAG file and by every task)."""
    env = {
        **connections,
        s.HOME: str(maturity_home),
        s.REGISTRY: str(registry),
        "AIRFLOW_CONN_MATURITY_WAREHOUSE": json.dumps(
            {"conn_type": "sqlite", "host": str(maturity_home / "warehouse.sqlite")}
        ),
        # One run collects the world's whole period; the pipeline scores the same 91 days.
        s.INTERVAL_DAYS: str(WORLD_DAYS),
        s.LOOKBACK_DAYS: str(WORLD_DAYS),
        s.RETRY_DELAY: "2",
        # Errors only: a failed task still says why; the demo key's warning is printed once.
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "ERROR",
    }
    if not s.read_text(None, s.PSEUDONYM_KEY):
        env[s.DEMO_PSEUDONYM_KEY] = "1"  # generated people only
    return env


def phase_rows(registry: Path) -> list[tuple[str, Any]]:
    """(name, assessment) of every registry organisation, as the warehouse holds them now."""
    from maturity.airflow.hooks import WarehouseHook
    from maturity.registry import load_registry

    wh = WarehouseHook().get_conn()
    try:
        rows = []
        for org in load_registry(registry).organisations:
            data = wh.latest_assessment(org.id)
            if data is not None:
                rows.append((org.name, data.assessment))
        return rows
    finally:
        wh.dispose()


def run_demo(maturity_home: Path | None = None, *, orgs: int = WORLD_ORGS, lang: str = "en") -> int:
    from rich.console import Console

    from maturity.sandbox.airflow import local_run
    from maturity.sandbox.emulator import GENEROUS, Emulator, generate_world
    from maturity.sandbox.emulator.registry import dump_registry

    console = Console(width=max(Console().width, 120))
    home = (maturity_home or s.home()).resolve()
    airflow_home = home / "airflow-demo"
    world = generate_world(
        orgs, WORLD_SEED, WORLD_END - timedelta(days=WORLD_DAYS), WORLD_END, fediverse=FEDIVERSE
    )
    registry = airflow_home / "registry.yaml"
    dump_registry(world, registry, with_questionnaires=True)
    add_newcomer(registry)
    moved = fediverse_only(registry)
    with Emulator(world, limits=GENEROUS) as emulator:
        connections = emulator.connection_env(mastodon_account=moved[1] if moved else None)
        local_run.configure(airflow_home, extra=demo_environment(home, registry, connections))
        logging.getLogger().setLevel(logging.ERROR)
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        console.print(
            f"Running {names.ASSESSMENT_DAG_ID} through Airflow for {len(world.organisations)} "
            f"organisations of the emulator ({emulator.url}), window "
            f"{WORLD_END - timedelta(days=WORLD_DAYS):%Y-%m-%d} .. {WORLD_END:%Y-%m-%d} ..."
        )
        if s.read_flag(None, s.DEMO_PSEUDONYM_KEY, False):
            console.print(
                "Third parties are pseudonymised with the public demo key (generated people)."
            )
        if moved:
            console.print(
                f"{moved[0]} is registered on Mastodon and Bluesky only (its X and Reddit "
                "accounts left out): it is judged on what it does there."
            )
        local_run.migrate()
        result = local_run.run_dag(names.ASSESSMENT_DAG_ID, WORLD_END)
    failed = [t for t in result["tasks"] if t["state"] not in ("success", "skipped")]
    console.print(_table(registry, lang))
    console.print(
        f"\nAirflow run {result['run_id']}: {result['state']} "
        f"({len(result['tasks'])} task instances, {len(failed)} not successful). "
        f"AIRFLOW_HOME: {airflow_home}"
    )
    for t in failed:
        label = t["label"] or t["map_index"]
        console.print(f"  {t['task_id']} [{label}]: {t['state']}")
    example = max(world.organisations, key=lambda o: o.phase or 0).id
    console.print(
        f"Warehouse: {home / 'warehouse.sqlite'} (SQLite)\n"
        f"Next: see how an estimate was reached with [bold].venv/bin/maturity explain {example}[/]"
        " (add --lang nl for Dutch, --sql for the queries); open Airflow with [bold]make airflow[/]"
        " (the DAGs, and the JSON API at /maturity after login)."
    )
    return 0 if result["state"] == "success" else 1


FEDIVERSE = 0.5
"""About this share of the world's organisations also has Mastodon and Bluesky accounts (the
X and Reddit part of the world stays as it was)."""


def fediverse_only(registry: Path) -> tuple[str, str] | None:
    """Register the first organisation that has Mastodon and Bluesky accounts on those two
    platforms only; returns its id and Mastodon handle (None when no organisation has both)."""
    import yaml

    data = yaml.safe_load(registry.read_text(encoding="utf-8"))
    for org in data["organisations"]:
        fediverse = [a for a in org["accounts"] if a["platform"] in ("mastodon", "bluesky")]
        if {a["platform"] for a in fediverse} == {"mastodon", "bluesky"}:
            org["accounts"] = fediverse
            write_registry(data, registry)
            mastodon = next(a["handle"] for a in fediverse if a["platform"] == "mastodon")
            return str(org["id"]), str(mastodon)
    return None


NEWCOMER = {
    "id": "gemeente-nieuwkomer",
    "name": "Gemeente Nieuwkomer",
    "sector": "municipality",
    "accounts": [],
}
"""An organisation registered before any of its accounts were: nothing to observe, nothing
declared, so its estimate is 'insufficient evidence', never phase 1."""


def add_newcomer(registry: Path) -> None:
    import yaml

    data = yaml.safe_load(registry.read_text(encoding="utf-8"))
    if all(o["id"] != NEWCOMER["id"] for o in data["organisations"]):
        data["organisations"].append(dict(NEWCOMER))
    write_registry(data, registry)


def _table(registry: Path, lang: str) -> Any:
    from maturity.cli.render import summary_table
    from maturity.rubric import load_default_rubric

    title = (
        "Demo through Airflow: Social Business maturity of the emulator's organisations"
        if lang == "en"
        else "Demo via Airflow: Social Business-volwassenheid van de organisaties van de emulator"
    )
    return summary_table(phase_rows(registry), load_default_rubric(), lang, title)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=WORLD_ORGS)
    parser.add_argument("--lang", choices=("en", "nl"), default="en")
    args = parser.parse_args(argv)
    try:
        return run_demo(orgs=args.orgs, lang=args.lang)
    except ConfigError as exc:  # e.g. no DAG folder: MATURITY_DAGS_FOLDER
        print(exc.render(), file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
