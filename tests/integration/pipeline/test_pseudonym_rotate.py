"""``maturity pseudonym rotate`` end to end: a warehouse written under key A and rotated to
key B from its landing holds exactly what a warehouse written under key B holds; with part of
the landing gone the rotation is refused and nothing changes."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from typer.testing import CliRunner

from maturity.cli import app
from maturity.evidence import Window
from maturity.pipeline.settings import HOME, NEW_PSEUDONYM_KEY, PSEUDONYM_KEY, PipelineSettings
from maturity.pipeline.steps import assess_org
from maturity.sandbox.emulator import GENEROUS, Emulator, World, generate_world
from maturity.sandbox.emulator.registry import dump_registry

pytestmark = [pytest.mark.integration, pytest.mark.slow]

END = datetime(2026, 11, 2, tzinfo=UTC)
WINDOW = Window(END - timedelta(days=91), END)
KEY_A = "rotate-test-key-A-0123456789abcdef"
KEY_B = "rotate-test-key-B-0123456789abcdef"
KEY_C = "rotate-test-key-C-0123456789abcdef"
RAW = ("inbound_message", "post", "reply_link", "account_snapshot", "metric_value")
PSEUDONYM = re.compile(r"anon:[a-z2-7]{26}")


def _assess(world: World, registry: Path, home: Path, key: str) -> str:
    url = f"sqlite:///{home / 'warehouse.sqlite'}"
    with Emulator(world, limits=GENEROUS) as emu:
        env = {**emu.connection_env(), HOME: str(home), PSEUDONYM_KEY: key}
        env["MATURITY_WAREHOUSE_URL"] = url
        settings = PipelineSettings.from_environment(env, registry_path=registry)
        for org in world.organisations:
            assess_org(settings, org.id, WINDOW)
        settings.warehouse.dispose()
    return url


def _dump(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return {
                table: sorted(map(tuple, c.execute(text(f'SELECT * FROM "{table}"'))), key=repr)
                for table in inspect(c).get_table_names()
            }
    finally:
        engine.dispose()


def _pseudonyms(dumped: dict[str, list[tuple[object, ...]]]) -> set[str]:
    return set(PSEUDONYM.findall(repr(dumped)))


def test_rotation_equals_collecting_under_the_new_key(tmp_path: Path) -> None:
    world = generate_world(3, 1, WINDOW.start, WINDOW.end)
    registry = dump_registry(world, tmp_path / "registry.yaml", with_questionnaires=True)
    url_a = _assess(world, registry, tmp_path / "a", KEY_A)
    url_b = _assess(world, registry, tmp_path / "b", KEY_B)
    under_a, under_b = _dump(url_a), _dump(url_b)
    assert _pseudonyms(under_a)
    assert _pseudonyms(under_a).isdisjoint(_pseudonyms(under_b))

    runner = CliRunner(env={"COLUMNS": "240", "NO_COLOR": "1", HOME: str(tmp_path / "a")})
    args = ["pseudonym", "rotate", "--registry", str(registry), "--warehouse", url_a]
    keys = {PSEUDONYM_KEY: KEY_A, NEW_PSEUDONYM_KEY: KEY_B}
    dry = runner.invoke(app, [*args, "--dry-run"], env=keys)
    assert dry.exit_code == 0, dry.output
    assert "Dry run: nothing was written." in dry.output
    assert _dump(url_a) == under_a

    done = runner.invoke(app, args, env=keys)
    assert done.exit_code == 0, done.output
    assert "re-keyed" in done.output
    rotated = _dump(url_a)
    assert _pseudonyms(rotated) == _pseudonyms(under_b)
    for table in RAW:
        assert rotated[table] == under_b[table], table

    # A landed window gone: the next rotation (B -> C) is refused and changes nothing.
    landing = tmp_path / "a" / "landing"
    window = next(p for p in landing.rglob("manifest.json") if "_shared" not in p.parts).parent
    shutil.rmtree(window)
    refused = runner.invoke(app, args, env={PSEUDONYM_KEY: KEY_B, NEW_PSEUDONYM_KEY: KEY_C})
    assert refused.exit_code == 2, refused.output
    assert "cannot be re-keyed" in refused.output
    assert _dump(url_a) == rotated

    same = runner.invoke(app, args, env={PSEUDONYM_KEY: KEY_B, NEW_PSEUDONYM_KEY: KEY_B})
    assert same.exit_code == 2
    assert "the new key is the current key" in same.output
