"""Helpers for the Airflow integration tests: the product's side of a run, and running the
assessment DAG through real Airflow in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from maturity.sandbox.airflow.demo_run import write_registry

ROOT = Path(__file__).resolve().parents[3]
WORLD_END = datetime(2026, 11, 2, tzinfo=UTC)
LOGICAL_DATE = WORLD_END
"""A manual run at this logical date collects the week before it."""


def clean_env(extra: Mapping[str, str]) -> dict[str, str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AIRFLOW", "MATURITY_", "_AIRFLOW"))
    }
    return {**keep, **extra}


@dataclass
class Product:
    """The product's side of a run: registry, landing, warehouse, connections."""

    root: Path
    connections: dict[str, str]
    warehouse_url: str
    registry: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def registry_path(self) -> Path:
        return self.root / "registry.yaml"

    def env(self, airflow_home: Path) -> dict[str, str]:
        write_registry(self.registry, self.registry_path)
        return clean_env(
            {
                **self.connections,
                "AIRFLOW_HOME": str(airflow_home),
                "MATURITY_HOME": str(self.root),
                "MATURITY_REGISTRY": str(self.registry_path),
                "MATURITY_DEMO_PSEUDONYM_KEY": "1",
                "MATURITY_RETRIES": "2",
                "MATURITY_RETRY_DELAY": "1",
                "MATURITY_MAX_RETRY_DELAY": "2",
                "AIRFLOW_CONN_MATURITY_WAREHOUSE": self.warehouse_url,
                **self.extra,
            }
        )


def run_assessment(
    product: Product, airflow_home: Path, logical_date: datetime = LOGICAL_DATE
) -> dict[str, Any]:
    """``social_maturity_assessment`` once through ``DAG.test()`` in a subprocess."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "maturity.sandbox.airflow.local_run",
            "social_maturity_assessment",
            "--logical-date",
            logical_date.isoformat(),
            "--home",
            str(airflow_home),
        ],
        env=product.env(airflow_home),
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    (airflow_home / "run.log").write_text(out.stdout + "\n--- stderr ---\n" + out.stderr)
    lines = out.stdout.strip().splitlines()
    if not lines or not lines[-1].startswith("{"):
        raise AssertionError(f"the run printed no result; see {airflow_home / 'run.log'}")
    result: dict[str, Any] = json.loads(lines[-1])
    result["log"] = str(airflow_home / "run.log")
    return result


def states(result: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """``(task_id, label or map index) -> state``."""
    return {
        (t["task_id"], t["label"] if t["label"] is not None else str(t["map_index"])): t["state"]
        for t in result["tasks"]
    }
