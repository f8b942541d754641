"""`maturity emulator` and `maturity emulator-world`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from maturity.cli import app
from maturity.sandbox.emulator import load_world

pytestmark = pytest.mark.unit

runner = CliRunner()


def test_emulator_world_writes_the_same_world_for_the_same_seed(tmp_path: Path) -> None:
    args = ["--orgs", "6", "--seed", "4", "--days", "30", "--end", "2026-11-02"]
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert runner.invoke(app, ["emulator-world", str(first), *args]).exit_code == 0
    result = runner.invoke(app, ["emulator-world", str(second), *args])
    assert result.exit_code == 0, result.output
    assert "6 organisations" in result.output
    assert first.read_bytes() == second.read_bytes()
    world = load_world(first)
    assert {o.phase for o in world.organisations} == {1, 2, 3, 4, 5, 6}
    assert world.end is not None
    assert world.end.isoformat() == "2026-11-02T00:00:00+00:00"


def test_emulator_world_can_write_the_matching_registry(tmp_path: Path) -> None:
    from maturity.registry import load_registry

    out, reg = tmp_path / "w.yaml", tmp_path / "registry.yaml"
    args = ["emulator-world", str(out), "--orgs", "12", "--registry", str(reg)]
    result = runner.invoke(app, [*args, "--seed", "2", "--end", "2026-11-02"])
    assert result.exit_code == 0, result.output
    registry = load_registry(reg)
    world = load_world(out)
    assert [o.id for o in registry.organisations] == [o.id for o in world.organisations]
    for org, entry in zip(world.organisations, registry.organisations, strict=True):
        assert [(a.platform, a.handle, a.function) for a in entry.accounts] == [
            (a.platform.value, a.handle, a.function.value) for a in org.accounts
        ]
    moderators = {m.lower() for s in world.subreddits for m in s.moderators}
    own = [a for o in registry.organisations for a in o.accounts if a.subreddit]
    assert own
    assert all(a.handle.lower() in moderators for a in own)


def test_emulator_prints_urls_and_connections(tmp_path: Path) -> None:
    result = runner.invoke(app, ["emulator", "--orgs", "2", "--seconds", "0.2"])
    assert result.exit_code == 0, result.output
    env = dict(
        line.strip().removeprefix("export ").split("=", 1)
        for line in result.output.splitlines()
        if line.strip().startswith("export ")
    )
    x = json.loads(env["AIRFLOW_CONN_X_DEFAULT"].strip("'"))
    reddit = json.loads(env["AIRFLOW_CONN_REDDIT_DEFAULT"].strip("'"))
    assert x["host"].startswith("http://127.0.0.1:")
    assert x["password"] == "emulator-bearer-token"
    assert reddit["extra"]["reddit_url"] == reddit["host"] == x["host"]
    assert (reddit["login"], reddit["password"]) == ("emulator-client-id", "emulator-client-secret")


def test_a_bad_world_file_is_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "world.yaml"
    bad.write_text("organisations: [{id: Not Valid, name: x}]\n", encoding="utf-8")
    result = runner.invoke(app, ["emulator", "--world", str(bad), "--seconds", "0.1"])
    assert result.exit_code == 2
    assert "organisations[0].id" in result.output
