"""Benchmark: how many API requests a collection makes, against the minimum it could make.

The minimum for one endpoint of one resource (an account's timeline, a subreddit's listing, a
submission's comment tree) is ``max(1, ceil(items / 100))``; the sum over every endpoint, plus
the OAuth token requests, is the floor a full collection must pay. The issue's targets: a full
collection makes at most 1.05x the minimum; an incremental rerun with nothing new costs one
request per endpoint plus the overlap page.

    python -m maturity.sandbox.bench.collection_bench [N_ORGS]
"""

from __future__ import annotations

import math
import sys
import tempfile
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

PAGING = {
    "pagination_token",
    "after",
    "before",
    "count",
    "next_token",
    "until_id",
    "since_id",
    "start_time",
    "end_time",
    "max_results",
    "limit",
    "raw_json",
}


def _items(body: Any) -> int:
    if isinstance(body, dict) and "data" in body:
        data = body["data"]
        if isinstance(data, list):
            return len(data)
        if isinstance(data, dict) and isinstance(data.get("children"), list):
            return len(data["children"])
        return 1
    if isinstance(body, list):  # a Reddit comment tree: the submission and its comments
        return 1
    return 1


def minimum_requests(landing_dir: Path, registry: Any, window: Any) -> tuple[int, dict[str, int]]:
    """The floor of requests for the pages landed under ``landing_dir``, per route."""
    from maturity.connectors.landing import read_manifest

    seen: set[tuple[str, str]] = set()
    items: Counter[tuple[str, str, str]] = Counter()
    for org in registry.organisations:
        for acc in org.accounts:
            landed = read_manifest(landing_dir, acc.platform, org.id, acc.handle, window)
            for page in landed[0] if landed else []:
                env = page.envelope
                request = (env.path, repr(sorted(env.params.items())))
                if request in seen:
                    continue
                seen.add(request)
                stable = repr(sorted((k, v) for k, v in env.params.items() if k not in PAGING))
                items[(env.route, env.path, stable)] += _items(page.json())
    per_route: Counter[str] = Counter()
    for (route, _path, _params), n in items.items():
        per_route[_route(route)] += max(1, math.ceil(n / 100))
    return sum(per_route.values()), dict(per_route)


def _route(route: str) -> str:
    """``GET /r/:sub/new`` and ``/r/:subreddit/new`` name the same endpoint."""
    import re

    return re.sub(r":\w+", ":", route.split(" ", 1)[-1])


def run(n_orgs: int = 50, seed: int = 11) -> dict[str, Any]:
    from maturity.collect import collect_registry
    from maturity.connectors.settings import load_reddit_settings, load_x_settings
    from maturity.evidence import Window
    from maturity.pseudonym import Pseudonymiser
    from maturity.registry import Registry
    from maturity.sandbox.emulator import GENEROUS, Emulator, generate_world
    from maturity.sandbox.emulator.registry import registry_data

    end = datetime(2026, 11, 2, tzinfo=UTC)
    window = Window(end - timedelta(days=91), end)
    world = generate_world(n_orgs, seed, window.start, window.end)
    registry = Registry.model_validate(registry_data(world))
    pseudonymiser = Pseudonymiser("bench-key-" + "0" * 32)
    out: dict[str, Any] = {
        "organisations": n_orgs,
        "accounts": sum(len(o.accounts) for o in registry.organisations),
    }
    with tempfile.TemporaryDirectory() as tmp, Emulator(world, limits=GENEROUS) as emu:
        env: Mapping[str, str] = emu.connection_env()
        cursors: dict[tuple[str, str, str], dict[str, Any]] = {}

        def collect(landing: Path) -> Any:
            return collect_registry(
                registry,
                window,
                landing_dir=landing,
                x_settings=load_x_settings(env),
                reddit_settings=load_reddit_settings(env),
                pseudonymiser=pseudonymiser,
                cursors_lookup=lambda p, o, h: cursors.get((p, o, h.lower()), {}),
            )

        first = collect(Path(tmp) / "full")
        full_calls = dict(emu.calls)
        floor, floor_routes = minimum_requests(Path(tmp) / "full", registry, window)
        token = sum(v for k, v in full_calls.items() if "access_token" in k)
        for batch in first:
            cursors[(batch.platform, batch.org_id, batch.handle.lower())] = {
                c.endpoint: c for c in batch.cursors
            }
        emu.reset()
        collect(Path(tmp) / "again")
        rerun_calls = dict(emu.calls)
    total = sum(full_calls.values())
    out.update(
        full_requests=total,
        minimum_requests=floor + token,
        ratio=round(total / (floor + token), 3),
        full_by_route={_route(k): v for k, v in full_calls.items()},
        minimum_by_route=floor_routes,
        rerun_requests=sum(rerun_calls.values()),
        rerun_by_route={_route(k): v for k, v in rerun_calls.items()},
        failures=len(first.failures),
    )
    return out


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 50
    r = run(n)
    print(f"collection of {r['organisations']} organisations, {r['accounts']} accounts")
    print(
        f"  full: {r['full_requests']} requests, minimum {r['minimum_requests']} "
        f"-> ratio {r['ratio']} (target <= 1.05)"
    )
    print(f"  incremental rerun with nothing new: {r['rerun_requests']} requests")
    width = max(len(k) for k in r["full_by_route"])
    for route in sorted(r["full_by_route"]):
        print(
            f"    {route:<{width}}  full {r['full_by_route'][route]:>6}  "
            f"min {r['minimum_by_route'].get(route, '-'):>6}  "
            f"rerun {r['rerun_by_route'].get(route, 0):>6}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
