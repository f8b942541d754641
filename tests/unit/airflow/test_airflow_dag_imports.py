"""Importing a DAG file pulls in no heavy module: the DAG processor parses them often.

Each file is imported in a fresh interpreter after ``airflow.sdk``; what the file adds on top of
Airflow itself must not include the pipeline's libraries. (Airflow already imports SQLAlchemy
itself, so for SQLAlchemy the check is that the DAG file does not add any of it.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

DAGS = Path(__file__).resolve().parents[3] / "dags"
HEAVY = (
    "sqlalchemy",
    "pandas",
    "numpy",
    "tweepy",
    "praw",
    "great_expectations",
    "alembic",
    "psycopg",
    "fastapi",
    "maturity.pipeline.collect",
    "maturity.pipeline.gate_and_load",
    "maturity.pipeline.metrics",
    "maturity.pipeline.score",
    "maturity.pipeline.steps",
    "maturity.pipeline.runs",
    "maturity.warehouse",
    "maturity.connectors",
    "maturity.registry",
)
NEVER = ("pandas", "tweepy", "praw", "great_expectations")

PROBE = """
import importlib.util, json, sys
import airflow.sdk
before = set(sys.modules)
spec = importlib.util.spec_from_file_location("probed_dag", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print(json.dumps({"added": sorted(set(sys.modules) - before), "all": sorted(sys.modules)}))
"""


@pytest.mark.parametrize("dag_file", sorted(DAGS.glob("*.py")), ids=lambda p: p.name)
def test_dag_file_imports_nothing_heavy(dag_file: Path, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    }
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(dag_file)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    modules = json.loads(out.stdout.strip().splitlines()[-1])
    added = modules["added"]
    heavy = sorted(m for m in added if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert heavy == [], f"{dag_file.name} imports {heavy}"
    everywhere = sorted(m for m in modules["all"] if m.split(".")[0] in NEVER)
    assert everywhere == []
