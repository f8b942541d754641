"""``make demo`` through real Airflow: the emulator, the assessment DAG once, the phase table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from maturity.warehouse import Warehouse

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[4]


def clean_env(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment without Airflow's or the product's settings, plus ``extra``."""
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AIRFLOW", "MATURITY_", "_AIRFLOW"))
    }
    return {**keep, **extra}


def test_the_demo_runs_the_dag_and_prints_the_phase_table(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "maturity.sandbox.airflow.demo_run", "--orgs", "3"],
        env=clean_env({"MATURITY_HOME": str(tmp_path), "COLUMNS": "160"}),
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Demo through Airflow" in out.stdout
    assert ": success (" in out.stdout
    assert "0 not successful" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr
    assert (tmp_path / "airflow-demo" / "airflow.db").is_file()
    wh = Warehouse(f"sqlite:///{tmp_path / 'warehouse.sqlite'}")
    try:
        orgs = wh.list_organisations()
        assert len(orgs) == 3 + 1  # the generated world, and the newcomer without accounts
        assert all(wh.latest_assessment(o.org_id) is not None for o in orgs)
        newcomer = wh.latest_assessment("gemeente-nieuwkomer")
        assert newcomer is not None
        assert newcomer.assessment.verdict == "insufficient_evidence"
        # one organisation is registered on Mastodon and Bluesky only, and measured there
        [line] = [x for x in out.stdout.splitlines() if "on Mastodon and Bluesky only" in x]
        moved = wh.latest_assessment(line.split()[0])
        assert moved is not None
        assert moved.assessment.verdict == "assessed"
        assert set(moved.assessment.platforms_covered) == {"mastodon", "bluesky"}
        assert moved.assessment.phase is not None
        assert moved.assessment.phase >= 2
    finally:
        wh.dispose()
