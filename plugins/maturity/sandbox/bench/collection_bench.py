"""Benchmark: API requests per platform against the minimum computed from the emulator's world.

A generated world (X and Reddit, and about half of the organisations also on Mastodon and
Bluesky) is served on loopback with the emulator's ``GENEROUS`` limits. Every registry account
is collected through the step the DAG runs (:func:`maturity.pipeline.collect.collect_accounts`
with the real tweepy, PRAW, Mastodon.py and atproto clients, one call per platform as one
mapped collect task), gated and loaded (which saves the cursors), then collected again: the
incremental rerun. The requests the emulator counted, per platform, are divided by the floor
:mod:`maturity.sandbox.bench.world_minimum` computes from the world (the items that exist, not
the pages landed). Authentication requests are counted apart. Target (issues 13 and 15):
at most 1.05x for each platform, full run and rerun.

    python -m maturity.sandbox.bench.collection_bench [N_ORGS]
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from maturity.sandbox.bench.world_minimum import AUTH_ROUTES, PLATFORMS, minimum, platform_of

TARGET = 1.05
WORLD_END = datetime(2026, 11, 2, tzinfo=UTC)
WORLD_DAYS = 91
SEED = 11
FEDIVERSE = 0.5


def _by_platform(calls: dict[str, int]) -> tuple[dict[str, Counter[str]], int]:
    out: dict[str, Counter[str]] = {p: Counter() for p in PLATFORMS}
    auth = 0
    for route, n in calls.items():
        if route in AUTH_ROUTES:
            auth += n
        else:
            out[platform_of(route)][route] += n
    return out, auth


def run(n_orgs: int = 50, seed: int = SEED) -> dict[str, Any]:
    """Requests per platform and route of a full collection and an incremental rerun, the
    world's minimum for each, and their ratios."""
    from maturity.evidence import Window
    from maturity.pipeline import settings as s
    from maturity.pipeline.collect import collect_accounts
    from maturity.pipeline.steps import ORG_STEPS
    from maturity.sandbox.emulator import GENEROUS, Emulator, generate_world
    from maturity.sandbox.emulator.registry import dump_registry

    window = Window(WORLD_END - timedelta(days=WORLD_DAYS), WORLD_END)
    world = generate_world(n_orgs, seed, window.start, window.end, fediverse=FEDIVERSE)
    out: dict[str, Any] = {"organisations": n_orgs, "seed": seed, "fediverse_share": FEDIVERSE}
    with (
        tempfile.TemporaryDirectory(prefix="maturity-collection-bench-") as tmp,
        Emulator(world, limits=GENEROUS) as emu,
    ):
        home = Path(tmp)
        registry_path = dump_registry(world, home / "registry.yaml", with_questionnaires=False)
        env = {
            **emu.connection_env(),
            s.HOME: str(home),
            s.PSEUDONYM_KEY: "collection-bench-key-0123456789abcdef",
            s.WAREHOUSE_URL: f"sqlite:///{home / 'warehouse.sqlite'}",
            s.LOOKBACK_DAYS: str(WORLD_DAYS),
        }
        settings = s.PipelineSettings.from_environment(env, registry_path=registry_path)
        registry = settings.registry
        overlap = {p: settings.connector_settings(p).overlap_seconds for p in PLATFORMS}
        accounts = {
            p: [
                (o.id, a.handle)
                for o in registry.organisations
                for a in o.accounts
                if a.platform == p
            ]
            for p in PLATFORMS
        }
        out["accounts"] = {p: len(a) for p, a in accounts.items()}
        org_ids = [o.id for o in registry.organisations]

        def collect() -> tuple[dict[str, Counter[str]], int, int]:
            emu.reset()
            failed = 0
            for platform in PLATFORMS:
                if accounts[platform]:
                    result = collect_accounts(settings, platform, accounts[platform], window)
                    failed += len(result.failed)
            by_platform, auth = _by_platform(dict(emu.calls))
            return by_platform, auth, failed

        full, full_auth, full_failed = collect()
        loaded = ORG_STEPS["gate_and_load"](settings, org_ids, window)  # saves the cursors
        rerun, rerun_auth, rerun_failed = collect()
    out["failures"] = full_failed + rerun_failed + len(loaded.failed)
    for name, counted, auth, again in (
        ("full", full, full_auth, False),
        ("rerun", rerun, rerun_auth, True),
    ):
        platforms: dict[str, Any] = {}
        for p in PLATFORMS:
            floor = minimum(
                world, registry, window, rerun=again, overlap_seconds=overlap[p], platforms=[p]
            )
            made, least = sum(counted[p].values()), floor.total(p)
            routes = sorted(set(counted[p]) | set(floor.routes[p]))
            platforms[p] = {
                "requests": made,
                "minimum": least,
                "ratio": round(made / least, 4) if least else None,
                "routes": {
                    r: {"requests": counted[p].get(r, 0), "minimum": floor.routes[p].get(r, 0)}
                    for r in routes
                },
            }
        out[name] = {"platforms": platforms, "auth_requests": auth}
    return out


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 50
    r = run(n)
    print(
        f"collection of {r['organisations']} organisations through collect_accounts "
        f"(accounts: {r['accounts']}), emulator GENEROUS limits, failures {r['failures']}"
    )
    worst = 0.0
    for name in ("full", "rerun"):
        print(f"  {name}: authentication requests {r[name]['auth_requests']} (apart)")
        for p, v in r[name]["platforms"].items():
            ratio = v["ratio"]
            worst = max(worst, ratio or 0.0)
            print(
                f"    {p:<9} {v['requests']:>6} requests / minimum {v['minimum']:>6} = "
                f"{ratio if ratio is not None else '-'} (target <= {TARGET})"
            )
            for route, c in v["routes"].items():
                print(f"        {route:<42} {c['requests']:>6} {c['minimum']:>6}")
    return 0 if r["failures"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
