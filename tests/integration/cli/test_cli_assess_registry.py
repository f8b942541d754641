"""``maturity assess --registry``: the whole pipeline from the command line, against the
emulator; an organisation that fails is named with its reason, and the others are assessed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from maturity.cli import app
from maturity.pipeline import settings as s
from maturity.sandbox.emulator import GENEROUS, Emulator, FaultKind, generate_world
from maturity.sandbox.emulator.registry import dump_registry

pytestmark = [pytest.mark.integration]

END = datetime(2026, 11, 2, tzinfo=UTC)
START = END - timedelta(days=91)


def _env(emu: Emulator, home: Path) -> dict[str, str]:
    env = {
        **emu.connection_env(),
        s.HOME: str(home),
        s.DEMO_PSEUDONYM_KEY: "1",
        s.WAREHOUSE_URL: f"sqlite:///{home / 'warehouse.sqlite'}",
        "COLUMNS": "200",
    }
    x_conn = json.loads(env["AIRFLOW_CONN_X_DEFAULT"])
    x_conn.setdefault("extra", {})["max_retries"] = 0
    env["AIRFLOW_CONN_X_DEFAULT"] = json.dumps(x_conn)
    return env


def test_a_failing_organisation_is_named_and_the_others_are_assessed(tmp_path: Path) -> None:
    world = generate_world(3, 1, START, END)
    registry = dump_registry(world, tmp_path / "registry.yaml", with_questionnaires=True)
    first, *others = world.organisations
    with Emulator(world, limits=GENEROUS) as emu:
        # the first timeline request of the run (the first organisation's) answers 503
        emu.inject(FaultKind.SERVER_ERROR, route="GET /2/users/:id/tweets", status=503)
        result = CliRunner().invoke(
            app,
            [
                "assess",
                "--registry",
                str(registry),
                "--start",
                f"{START:%Y-%m-%d}",
                "--end",
                f"{END:%Y-%m-%d}",
            ],
            env=_env(emu, tmp_path),
        )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("failed ")]
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"failed {first.id}: ")
    assert "503" in lines[0]
    for org in others:
        assert org.name in result.output, org.id
    assert "Written to" in result.output
    assert "1 of 3 organisations failed; the others were assessed" in result.output
