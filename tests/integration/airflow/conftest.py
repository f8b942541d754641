"""Real Airflow runs, isolated: each test gets its own AIRFLOW_HOME with a SQLite metadata
database copied from one migrated once per session, and runs Airflow in a subprocess (Airflow
reads its configuration when first imported, so it never shares this process's).

The X and Reddit APIs are the loopback emulator, serving a small generated world in this
process; the subprocess reaches it through ``AIRFLOW_CONN_*`` variables.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from airflow_runs import WORLD_END, Product, clean_env

from maturity.sandbox.emulator import GENEROUS, Emulator, World, generate_world
from maturity.sandbox.emulator.registry import registry_data


@pytest.fixture(scope="session")
def airflow_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An AIRFLOW_HOME whose SQLite metadata is migrated and has the product's pools."""
    home = tmp_path_factory.mktemp("airflow-template")
    code = (
        "import sys; from pathlib import Path; from maturity.sandbox.airflow import local_run;"
        "local_run.configure(Path(sys.argv[1])); local_run.migrate()"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(home)],
        env=clean_env({}),
        check=True,
        capture_output=True,
        timeout=300,
    )
    return home


@pytest.fixture
def airflow_home(airflow_template: Path, tmp_path: Path) -> Path:
    home = tmp_path / "airflow"
    home.mkdir()
    shutil.copy2(airflow_template / "airflow.db", home / "airflow.db")
    return home


@pytest.fixture(scope="session")
def world() -> World:
    return generate_world(4, 7, WORLD_END - timedelta(days=91), WORLD_END)


@pytest.fixture
def emulator(world: World) -> Iterator[Emulator]:
    with Emulator(world, limits=GENEROUS) as emu:
        yield emu


@pytest.fixture
def product(tmp_path: Path, emulator: Emulator, world: World) -> Product:
    root = tmp_path / "maturity"
    root.mkdir()
    warehouse = json.dumps({"conn_type": "sqlite", "host": str(root / "warehouse.sqlite")})
    return Product(root, emulator.connection_env(), warehouse, registry_data(world))
