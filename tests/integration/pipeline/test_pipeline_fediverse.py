"""An organisation present only on Mastodon and Bluesky, through the whole chain: emulator ->
Mastodon.py / atproto -> landing -> gate and load -> metrics -> score -> warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from maturity.evidence import Window
from maturity.pipeline.settings import PipelineSettings
from maturity.pipeline.steps import assess_org
from maturity.sandbox.emulator import GENEROUS, Emulator, World, generate_world
from maturity.sandbox.emulator.registry import registry_data
from maturity.sandbox.emulator.world import Platform

pytestmark = pytest.mark.integration

END = datetime(2026, 11, 2, tzinfo=UTC)
WINDOW = Window(END - timedelta(days=91), END)
"""The whole assessment window (91 days), so that weekly regularity is measured on it."""
FEDIVERSE = (Platform.MASTODON.value, Platform.BLUESKY.value)


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(8, 3, END - timedelta(days=91), END, fediverse=1.0)


@pytest.fixture(scope="module")
def chosen(world: World) -> str:
    """An organisation designed to answer (phase 4), with every account readable."""
    return next(
        o.id
        for o in world.organisations
        if o.phase == 4 and all(a.status == "active" for a in o.accounts)
    )


@pytest.fixture(scope="module")
def assessed(
    world: World, chosen: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[PipelineSettings, dict]]:
    home = tmp_path_factory.mktemp("fediverse")
    data = registry_data(world)
    [entry] = [o for o in data["organisations"] if o["id"] == chosen]
    entry["accounts"] = [a for a in entry["accounts"] if a["platform"] in FEDIVERSE]
    (home / "registry.yaml").write_text(yaml.safe_dump({"organisations": [entry]}))
    mastodon = next(a["handle"] for a in entry["accounts"] if a["platform"] == "mastodon")
    with Emulator(world, limits=GENEROUS) as emu:
        env = {
            **emu.connection_env(mastodon_account=mastodon),
            "MATURITY_HOME": str(home),
            "MATURITY_PSEUDONYM_KEY": "fediverse-test-key-0123456789abcdef",
            "MATURITY_WAREHOUSE_URL": f"sqlite:///{home / 'warehouse.sqlite'}",
        }
        settings = PipelineSettings.from_environment(env, registry_path=home / "registry.yaml")
        done = assess_org(settings, chosen, WINDOW)
        yield settings, done


def test_both_accounts_are_collected_and_loaded(assessed: tuple[PipelineSettings, dict]) -> None:
    _, done = assessed
    collected = {c["platform"]: c for c in done["collect"]}
    assert set(collected) == set(FEDIVERSE)
    for summary in collected.values():
        assert summary["status"] == "active"
        assert summary["posts"] > 0
        assert summary["pages"] > 0
    assert collected["mastodon"]["inbound"] > 0  # replies in contexts, mentions by token


def test_the_organisation_gets_a_phase_with_evidence_from_both_platforms(
    world: World, chosen: str, assessed: tuple[PipelineSettings, dict]
) -> None:
    settings, _ = assessed
    data = settings.warehouse.latest_assessment(chosen)
    assert data is not None
    assessment = data.assessment
    # Designed as phase 4 on X (a service account, a careers account); its Mastodon and
    # Bluesky accounts mirror only the main account, so Engagement is what they show.
    assert assessment.phase is not None, assessment.criteria
    assert assessment.phase >= 3, assessment.criteria
    gates = {c.criterion_id: c.status for c in assessment.criteria if c.role == "gate"}
    assert gates["engagement.response_rate"] == "met"
    assert gates["presence.posting_regularity"] == "met"
    platforms = {v.platform for c in assessment.criteria for v in c.metric_values if v.platform}
    assert set(FEDIVERSE) <= platforms, platforms
    pages = [
        r.ref
        for c in assessment.criteria
        for v in c.metric_values
        for r in v.refs
        if r.kind == "page"
    ]
    assert any(p.startswith("mastodon/") for p in pages)
    assert all((settings.landing_dir / p).is_file() for p in pages)
