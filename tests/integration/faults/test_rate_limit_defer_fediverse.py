"""A deferred rate limit on Mastodon (Mastodon.py) and Bluesky (atproto over httpx), against
the emulator: the next attempt of the run asks only for what the interrupted one had not
landed, and the landing replays to the same records as a collection without the limit."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from maturity.collect import replay
from maturity.connectors.ratelimit import RateLimitDeferred
from maturity.evidence import Window
from maturity.pipeline.collect import collect_accounts
from maturity.pipeline.settings import PipelineSettings
from maturity.sandbox.emulator import GENEROUS, Emulator, FaultKind, World, generate_world
from maturity.sandbox.emulator.registry import registry_data

pytestmark = pytest.mark.integration

END = datetime(2026, 11, 2, tzinfo=UTC)
WINDOW = Window(END - timedelta(days=7), END)
DEFER = {"max_inline_wait": 0.5}


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(3, 3, END - timedelta(days=14), END, fediverse=1.0)


def _settings(emu: Emulator, home: Path, world: World) -> PipelineSettings:
    data = registry_data(world)
    home.mkdir(parents=True, exist_ok=True)
    (home / "registry.yaml").write_text(yaml.safe_dump(data))
    env: dict[str, str] = {}
    for name, raw in emu.connection_env().items():
        conn = json.loads(raw)
        conn["extra"] = {**conn.get("extra", {}), **DEFER}
        env[name] = json.dumps(conn)
    env.update(
        {
            "MATURITY_HOME": str(home),
            "MATURITY_PSEUDONYM_KEY": "fediverse-defer-key-0123456789abcdef",
            "MATURITY_WAREHOUSE_URL": f"sqlite:///{home / 'warehouse.sqlite'}",
        }
    )
    return PipelineSettings.from_environment(env, registry_path=home / "registry.yaml")


def _pairs(settings: PipelineSettings, platform: str) -> list[tuple[str, str]]:
    return [
        (o.id, a.handle)
        for o in settings.registry.organisations
        for a in o.accounts
        if a.platform == platform
    ]


def _records(settings: PipelineSettings, platform: str) -> list[Any]:
    run = replay(settings.landing_dir, settings.registry, WINDOW, settings.pseudonymiser)
    return [(b.handle, b.posts, b.inbound, b.snapshots) for b in run if b.platform == platform]


@pytest.fixture
def emu(world: World) -> Iterator[Emulator]:
    with Emulator(world, limits=GENEROUS) as emulator:
        yield emulator


@pytest.mark.parametrize(
    ("platform", "route", "at"),
    [
        # the second account's thread, after its lookup and statuses landed
        ("mastodon", "GET /api/v1/statuses/:id/context", 1),
        # the second account's feed, after its profile landed
        ("bluesky", "GET /xrpc/app.bsky.feed.getAuthorFeed", 2),
    ],
)
def test_a_deferred_fediverse_collection_resumes_from_its_landed_pages(
    world: World,
    emu: Emulator,
    tmp_path: Path,
    platform: str,
    route: str,
    at: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, "maturity.collect")
    reference = _settings(emu, tmp_path / "reference", world)
    assert not collect_accounts(reference, platform, _pairs(reference, platform), WINDOW).failed
    reference_calls = Counter(r.route for r in emu.call_log)
    start = len(emu.call_log)

    emu.inject(FaultKind.RATE_LIMIT, route=route, at=(at,), reset_in=30)
    settings = _settings(emu, tmp_path / "faulted", world)
    pairs = _pairs(settings, platform)
    with pytest.raises(RateLimitDeferred) as caught:
        collect_accounts(settings, platform, pairs, WINDOW, resume="run-1", defer_rate_limits=True)
    assert caught.value.platform == platform
    (hit,) = [r for r in emu.call_log[start:] if r.fault]
    (kept,) = [m for r in caplog.records if "landed so far are kept" in (m := r.getMessage())]
    assert int(kept.split(": ")[-1].split(" page(s)")[0]) >= 1, kept
    outcome = collect_accounts(
        settings, platform, pairs, WINDOW, resume="run-1", defer_rate_limits=True
    )
    assert not outcome.failed, outcome.failed

    answered = Counter(r.route for r in emu.call_log[start:] if r.fault is None)
    assert answered == reference_calls, "nothing landed before the limit was asked again"
    assert hit.route == route
    assert _records(settings, platform) == _records(reference, platform)
