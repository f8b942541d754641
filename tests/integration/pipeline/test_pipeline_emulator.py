"""The whole chain through the real clients: emulator -> collect -> validate -> load ->
metrics -> score -> warehouse, for a generated world whose phases are known by design."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from maturity.evidence import Window
from maturity.pipeline.settings import PipelineSettings
from maturity.pipeline.steps import assess_org
from maturity.sandbox.emulator import GENEROUS, Emulator, World, generate_world
from maturity.sandbox.emulator.registry import dump_registry
from maturity.sandbox.faultrun import dump
from maturity.warehouse import Warehouse

pytestmark = [pytest.mark.integration, pytest.mark.slow]

END = datetime(2026, 11, 2, tzinfo=UTC)
WINDOW = Window(END - timedelta(days=91), END)


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(12, 1, WINDOW.start, WINDOW.end)


@pytest.fixture(scope="module")
def assessed(
    world: World, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[PipelineSettings, Path]]:
    home = tmp_path_factory.mktemp("pipeline")
    registry = dump_registry(world, home / "registry.yaml", with_questionnaires=True)
    with Emulator(world, limits=GENEROUS) as emu:
        env = {
            **emu.connection_env(),
            "MATURITY_HOME": str(home),
            "MATURITY_PSEUDONYM_KEY": "pipeline-test-key-0123456789abcdef",
            "MATURITY_WAREHOUSE_URL": f"sqlite:///{home / 'warehouse.sqlite'}",
        }
        settings = PipelineSettings.from_environment(env, registry_path=registry)
        for org in world.organisations:
            assess_org(settings, org.id, WINDOW)
        yield settings, home


def test_estimates_match_the_designed_phase_of_every_readable_organisation(
    world: World, assessed: tuple[PipelineSettings, Path]
) -> None:
    settings, _ = assessed
    wh: Warehouse = settings.warehouse
    checked = 0
    for org in world.organisations:
        data = wh.latest_assessment(org.id)
        assert data is not None, org.id
        readable = all(a.status == "active" for a in org.accounts)
        if readable:
            assert data.assessment.phase == org.phase, (org.id, data.assessment.criteria)
            checked += 1
        else:
            assert data.assessment.phase is None or data.assessment.phase <= (org.phase or 1)
    assert checked == 12  # seed 1: every account of every organisation is readable
    phases = {int(wh.latest_assessment(o.id).assessment.phase or 0) for o in world.organisations}
    assert {2, 3, 4, 5, 6} <= phases


def test_evidence_reaches_down_to_landed_pages(
    world: World, assessed: tuple[PipelineSettings, Path]
) -> None:
    settings, _ = assessed
    org = next(o for o in world.organisations if o.phase == 6)
    data = settings.warehouse.latest_assessment(org.id)
    assert data is not None
    rr = next(c for c in data.assessment.criteria if c.criterion_id == "engagement.response_rate")
    refs = [r for v in rr.metric_values for r in v.refs]
    pages = [r for r in refs if r.kind == "page"]
    assert pages, "the response rate names the raw API pages its examples came from"
    for page in pages:
        assert page.sha256 is not None
        landed = settings.landing_dir / page.ref
        assert landed.is_file(), landed
    assert any(r.kind == "query" and "inbound_message" in r.ref for r in refs)


def test_third_parties_are_pseudonymised_in_the_warehouse(
    assessed: tuple[PipelineSettings, Path],
) -> None:
    settings, _ = assessed
    engine = create_engine(settings.warehouse.url)
    with engine.connect() as c:
        authors = [r[0] for r in c.execute(text("SELECT author FROM inbound_message"))]
    engine.dispose()
    assert authors
    assert all(a.startswith("anon:") for a in authors)


def test_running_the_same_window_again_changes_nothing(
    world: World, assessed: tuple[PipelineSettings, Path]
) -> None:
    settings, home = assessed
    url = f"sqlite:///{home / 'warehouse.sqlite'}"
    before = dump(url)
    with Emulator(world, limits=GENEROUS) as emu:
        env = {**settings.env, **emu.connection_env()}
        again = PipelineSettings.from_environment(env, registry_path=settings.registry_path)
        for org in world.organisations[:4]:
            assess_org(again, org.id, WINDOW)
    assert dump(url) == before
