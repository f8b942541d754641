"""Gate and load: each account's landing is replayed once, and the record gate reaches back as
far as the connection re-fetched."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from maturity import collect
from maturity.evidence import Window
from maturity.pipeline.collect import collect_accounts
from maturity.pipeline.gate_and_load import gate_and_load_orgs
from maturity.pipeline.settings import PipelineSettings
from maturity.sandbox.emulator import GENEROUS, Emulator, World, generate_world
from maturity.sandbox.emulator.registry import dump_registry

pytestmark = [pytest.mark.integration]

END = datetime(2026, 11, 2, tzinfo=UTC)
WORLD = Window(END - timedelta(days=91), END)
WEEK = Window(END - timedelta(days=7), END)
THREE_DAYS = 3 * 86_400


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(4, 1, WORLD.start, WORLD.end)


def _settings(world: World, home: Path, emu: Emulator, overlap: int | None) -> PipelineSettings:
    env = {
        **emu.connection_env(),
        "MATURITY_HOME": str(home),
        "MATURITY_DEMO_PSEUDONYM_KEY": "1",
        "MATURITY_WAREHOUSE_URL": f"sqlite:///{home / 'warehouse.sqlite'}",
    }
    if overlap is not None:
        for name in ("AIRFLOW_CONN_X_DEFAULT", "AIRFLOW_CONN_REDDIT_DEFAULT"):
            conn = json.loads(env[name])
            conn.setdefault("extra", {})["overlap_seconds"] = overlap
            env[name] = json.dumps(conn)
    registry = dump_registry(world, home / "registry.yaml")
    return PipelineSettings.from_environment(env, registry_path=registry)


def _collect(settings: PipelineSettings, window: Window) -> None:
    for platform in ("x", "reddit"):
        accounts = [
            (o.id, a.handle)
            for o in settings.registry.organisations
            for a in o.accounts
            if a.platform == platform
        ]
        assert not collect_accounts(settings, platform, accounts, window).failed


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each platform's assembler runs."""
    calls: Counter[str] = Counter()
    real = collect._assemblers

    def counting() -> dict[str, Any]:
        def wrap(platform: str, assemble: Any) -> Any:
            def run(*args: Any, **kwargs: Any) -> Any:
                calls[platform] += 1
                return assemble(*args, **kwargs)

            return run

        return {p: wrap(p, a) for p, a in real().items()}

    monkeypatch.setattr(collect, "_assemblers", counting)
    return calls


def test_each_landed_run_is_assembled_once(
    world: World, tmp_path: Path, counted: Counter[str]
) -> None:
    with Emulator(world, limits=GENEROUS) as emu:
        settings = _settings(world, tmp_path, emu, None)
        _collect(settings, WEEK)
    counted.clear()  # collecting assembles too; count what gate and load does
    org_ids = [o.id for o in settings.registry.organisations]
    done = gate_and_load_orgs(settings, org_ids, WEEK)
    assert not done.failed
    accounts = Counter(a.platform for o in settings.registry.organisations for a in o.accounts)
    assert counted == {p: accounts[p] for p in ("x", "reddit")}, "one replay per account"
    assert all(s["loaded"] == s["batches"] for s in done.done.values())


def test_a_three_day_overlap_is_accepted_by_the_record_gate(world: World, tmp_path: Path) -> None:
    """A weekly window collected with ``overlap_seconds=259200`` keeps items up to three
    days before it; the gate checks them against that, not against a day."""
    with Emulator(world, limits=GENEROUS) as emu:
        settings = _settings(world, tmp_path, emu, THREE_DAYS)
        _collect(settings, WEEK)
        org_ids = [o.id for o in settings.registry.organisations]
        done = gate_and_load_orgs(settings, org_ids, WEEK)
    assert not done.failed
    assert [q for s in done.done.values() for q in s["quarantined"]] == []
    records = [settings.warehouse.read_records(o, WORLD.start, WORLD.end) for o in org_ids]
    oldest = min(p.created_at for r in records for p in (*r.posts, *r.inbound))
    assert oldest < WEEK.start - timedelta(days=1), "the overlap reached past one day"
    assert oldest >= WEEK.start - timedelta(seconds=THREE_DAYS)


def test_assess_org_tells_each_step_as_it_starts(world: World, tmp_path: Path) -> None:
    """What the CLI's progress bar shows: each account's collection, then each step."""
    from maturity.pipeline.steps import ORG_STEPS, assess_org

    org = world.organisations[0]
    seen: list[str] = []
    with Emulator(world, limits=GENEROUS) as emu:
        settings = _settings(world, tmp_path, emu, None)
        assess_org(settings, org.id, WEEK, on_step=seen.append)
    collected = [f"collect {a.platform}:{a.handle}" for a in org.accounts]
    assert seen == [*collected, *ORG_STEPS]
