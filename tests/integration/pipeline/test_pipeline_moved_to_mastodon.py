"""An organisation that moved its webcare from X to Mastodon, through the whole chain twice
(the window before the move and the window after it): emulator -> tweepy / Mastodon.py ->
landing -> gate and load -> metrics -> score -> warehouse.

After the move it is judged on what it does on Mastodon, and its X account, which posted in the
earlier window and is silent now, is named in the ``account_lapsed`` note."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from maturity.assessment import Assessment
from maturity.evidence import Window
from maturity.pipeline.settings import PipelineSettings
from maturity.pipeline.steps import assess_org
from maturity.reasons import note_text
from maturity.sandbox.emulator import GENEROUS, Emulator, World, generate_world
from maturity.sandbox.emulator.registry import registry_data
from maturity.sandbox.emulator.world import AccountFunction, Platform, WorldOrganisation

pytestmark = pytest.mark.integration

END = datetime(2026, 11, 2, tzinfo=UTC)
BEFORE = Window(END - timedelta(days=182), END - timedelta(days=91))
AFTER = Window(END - timedelta(days=91), END)


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(8, 3, END - timedelta(days=196), END, moved=1.0)


@pytest.fixture(scope="module")
def org(world: World) -> WorldOrganisation:
    """A moved organisation designed to answer (phase 3 or 4)."""
    return next(
        o
        for o in world.organisations
        if o.moved_at is not None
        and o.phase in (3, 4)
        and all(a.status == "active" for a in o.accounts)
    )


def _main(org: WorldOrganisation, platform: Platform) -> str:
    return next(
        a.handle
        for a in org.accounts
        if a.platform == platform and a.function == AccountFunction.MAIN
    )


@pytest.fixture(scope="module")
def assessed(
    world: World, org: WorldOrganisation, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[PipelineSettings, dict, dict]]:
    home = tmp_path_factory.mktemp("moved")
    data = registry_data(world)
    [entry] = [o for o in data["organisations"] if o["id"] == org.id]
    entry["accounts"] = [
        a
        for a in entry["accounts"]
        if a["platform"] in ("x", "mastodon") and a["function"] == "main"
    ]
    assert len(entry["accounts"]) == 2
    mastodon = next(a["handle"] for a in entry["accounts"] if a["platform"] == "mastodon")
    (home / "registry.yaml").write_text(yaml.safe_dump({"organisations": [entry]}))
    with Emulator(world, limits=GENEROUS) as emu:
        env = {
            **emu.connection_env(mastodon_account=mastodon),
            "MATURITY_HOME": str(home),
            "MATURITY_PSEUDONYM_KEY": "moved-test-key-0123456789abcdef",
            "MATURITY_WAREHOUSE_URL": f"sqlite:///{home / 'warehouse.sqlite'}",
        }
        settings = PipelineSettings.from_environment(env, registry_path=home / "registry.yaml")
        before = assess_org(settings, org.id, BEFORE)
        after = assess_org(settings, org.id, AFTER)
        yield settings, before, after


def _latest(settings: PipelineSettings, org_id: str) -> Assessment:
    data = settings.warehouse.latest_assessment(org_id)
    assert data is not None
    return data.assessment


def test_the_world_moves_the_organisation_before_the_window(org: WorldOrganisation) -> None:
    assert org.moved_at is not None
    assert BEFORE.start < org.moved_at < AFTER.start - timedelta(weeks=1)
    x = next(a for a in org.accounts if a.platform == Platform.X)
    mastodon = next(a for a in org.accounts if a.platform == Platform.MASTODON)
    assert max(p.created_at for p in x.posts) < org.moved_at
    assert all(m.created_at < org.moved_at for m in x.inbound)
    assert min(p.created_at for p in mastodon.posts) >= org.moved_at
    assert any(m.response is not None for m in mastodon.inbound)  # the webcare moved too


def test_x_posts_before_the_move_and_is_silent_after_it(
    assessed: tuple[PipelineSettings, dict, dict],
) -> None:
    _, before, after = assessed
    x_before = next(c for c in before["collect"] if c["platform"] == "x")
    x_after = next(c for c in after["collect"] if c["platform"] == "x")
    assert x_before["posts"] > 0
    assert x_after["posts"] == 0
    assert next(c for c in after["collect"] if c["platform"] == "mastodon")["inbound"] > 0


def test_after_the_move_it_is_judged_on_mastodon(
    org: WorldOrganisation, assessed: tuple[PipelineSettings, dict, dict]
) -> None:
    settings, _, _ = assessed
    a = _latest(settings, org.id)
    assert a.window.end == AFTER.end
    assert a.phase is not None, a.criteria
    assert a.phase >= 3, a.criteria
    assert "mastodon" in a.platforms_covered
    gates = {c.criterion_id: c for c in a.criteria if c.role == "gate"}
    response = gates["engagement.response_rate"]
    assert response.status == "met", response.reason
    # the webcare evidence is Mastodon's: every message counted was measured there
    evidence = settings.warehouse.read_evidence(org.id, a.window)
    rates = {
        v.platform: v
        for v in evidence.metrics
        if v.metric_id == "responsiveness.response_rate" and v.account is None
    }
    assert rates["mastodon"].n > 0
    assert rates["all"].n == rates["mastodon"].n
    assert rates["all"].value == pytest.approx(rates["mastodon"].value)
    assert "x" not in rates or rates["x"].n == 0
    # the first answer is held to Mastodon's bar (rubric 2026.12.1: per-platform thresholds)
    first = gates["engagement.first_response_day"]
    assert [f for f in first.flags if f.startswith("pooled_threshold:")] == [
        f"pooled_threshold:mastodon=48@{first.checks[0].n}"
    ]
    assert first.checks[0].threshold == 48
    pages = {
        r.ref.split("/", 1)[0]
        for c in (response, gates["presence.posting_regularity"])
        for v in c.metric_values
        for r in v.refs
        if r.kind == "page"
    }
    assert "mastodon" in pages, pages
    assert "x" not in pages, pages


def test_its_x_account_is_named_as_lapsed(
    org: WorldOrganisation, assessed: tuple[PipelineSettings, dict, dict]
) -> None:
    settings, _, _ = assessed
    a = _latest(settings, org.id)
    lapsed = [n for n in a.notes if n.code == "account_lapsed"]
    assert [(n.platform, n.account) for n in lapsed] == [("x", _main(org, Platform.X))]
    assert not any(n.code == "lapsed" for n in a.notes)  # the organisation itself goes on
    assert _main(org, Platform.X) in note_text(lapsed[0], "en")
    assert _main(org, Platform.X) in note_text(lapsed[0], "nl")


def test_before_the_move_nothing_is_lapsed(
    org: WorldOrganisation, assessed: tuple[PipelineSettings, dict, dict]
) -> None:
    settings, _, _ = assessed
    data = settings.warehouse.latest_assessment(org.id, as_of=BEFORE.end)
    assert data is not None
    assert data.assessment.window.end == BEFORE.end
    assert not [n for n in data.assessment.notes if n.code in ("account_lapsed", "lapsed")]
