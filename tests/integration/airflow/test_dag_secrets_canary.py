"""Canary secrets through real Airflow: one ``DAG.test()`` run of the assessment DAG with a
canary in the X token, the Reddit secret, the pseudonym key and the warehouse connection, then a
search of Airflow's own records, byte by byte: the metadata database (XComs, rendered template
fields, task instances), every task log, the run's output, and the product's landing and
warehouse. Zero hits expected."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from airflow_runs import Product, run_assessment

from maturity.pipeline.settings import PSEUDONYM_KEY
from maturity.sandbox.emulator import GENEROUS, Emulator, World
from maturity.sandbox.emulator.registry import registry_data

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CANARY = "Dg7CanaryQz"
X_TOKEN = f"x-{CANARY}-bearer"
REDDIT_SECRET = f"reddit-{CANARY}-secret"
PSEUDONYM = f"pseudonym-{CANARY}-key-0123456789"
WAREHOUSE_PASSWORD = f"wh-{CANARY}-password"


@pytest.fixture
def canary_emulator(world: World) -> Iterator[Emulator]:
    with Emulator(
        world, bearer_token=X_TOKEN, reddit_client_secret=REDDIT_SECRET, limits=GENEROUS
    ) as emu:
        yield emu


def test_no_secret_reaches_airflows_records(
    tmp_path: Path, canary_emulator: Emulator, world: World, airflow_home: Path
) -> None:
    root = tmp_path / "maturity"
    root.mkdir()
    # A SQLite warehouse cannot use a password, but the connection still carries one: it must
    # be dropped, never written anywhere.
    warehouse = json.dumps(
        {
            "conn_type": "sqlite",
            "host": str(root / "warehouse.sqlite"),
            "password": WAREHOUSE_PASSWORD,
        }
    )
    product = Product(
        root,
        canary_emulator.connection_env(),
        warehouse,
        registry_data(world),
        extra={PSEUDONYM_KEY: PSEUDONYM},
    )
    assert CANARY in json.dumps(product.connections)
    result = run_assessment(product, airflow_home)
    assert result["state"] == "success", result["log"]

    with sqlite3.connect(airflow_home / "airflow.db") as db:  # what is searched is really there
        assert db.execute("SELECT count(*) FROM xcom").fetchone()[0] > 0
        assert db.execute("SELECT count(*) FROM rendered_task_instance_fields").fetchone()[0] > 0
    searched = {p for base in (airflow_home, root) for p in base.rglob("*") if p.is_file()}
    assert airflow_home / "airflow.db" in searched
    assert airflow_home / "run.log" in searched  # the run's output: every task's log lines
    assert any(p.suffix == ".sqlite" for p in searched)
    assert any("landing" in p.parts for p in searched)
    hits = sorted(
        str(p.relative_to(tmp_path))
        for p in searched
        if CANARY.encode() in p.read_bytes() or CANARY.lower().encode() in p.read_bytes().lower()
    )
    assert hits == []
