"""Benchmark: the assessment pipeline in-process (no scheduler), per organisation and step.

A generated emulator world of N organisations (seed 1, 91 days) is served on loopback with the
emulator's GENEROUS limits (no rate-limit waits); every account is collected over the whole
period, then each step after collection runs over shards of organisations, as the DAG's
mapped tasks do, into a SQLite warehouse on local disk. Great Expectations is imported before
the clock starts: a process pays for it once, whatever the number of organisations.

    python -m maturity.sandbox.bench.pipeline_bench [N_ORGS] [--shard K]

Prints seconds per organisation for each step, and for everything after collection.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

WORLD_END = datetime(2026, 11, 2, tzinfo=UTC)
WORLD_DAYS = 91
SEED = 1


def run(n_orgs: int, shard: int) -> dict[str, float]:
    """Seconds per organisation of each step, and of all steps after collection."""
    from maturity.evidence import Window
    from maturity.pipeline import settings as s
    from maturity.pipeline.collect import collect_accounts
    from maturity.pipeline.steps import ORG_STEPS
    from maturity.quality.gx_runtime import runtime
    from maturity.sandbox.emulator import GENEROUS, Emulator, generate_world
    from maturity.sandbox.emulator.registry import dump_registry

    window = Window(WORLD_END - timedelta(days=WORLD_DAYS), WORLD_END)
    world = generate_world(n_orgs, SEED, window.start, window.end)
    seconds: dict[str, float] = {}
    with (
        tempfile.TemporaryDirectory(prefix="maturity-pipeline-bench-") as tmp,
        Emulator(world, limits=GENEROUS) as emu,
    ):
        home = Path(tmp)
        registry = dump_registry(world, home / "registry.yaml", with_questionnaires=True)
        env = {
            **emu.connection_env(),
            s.HOME: str(home),
            s.PSEUDONYM_KEY: "pipeline-bench-key-0123456789abcdef",
            s.WAREHOUSE_URL: f"sqlite:///{home / 'warehouse.sqlite'}",
            s.LOOKBACK_DAYS: str(WORLD_DAYS),
        }
        settings = s.PipelineSettings.from_environment(env, registry_path=registry)
        _ = settings.warehouse  # migrated outside the timings
        runtime()  # Great Expectations' import and context: once per process, not per org
        org_ids = [o.id for o in settings.registry.organisations]
        shards = [org_ids[i : i + shard] for i in range(0, len(org_ids), shard)]
        t0 = time.perf_counter()
        for platform in ("x", "reddit"):
            accounts = [
                (o.id, a.handle)
                for o in settings.registry.organisations
                for a in o.accounts
                if a.platform == platform
            ]
            for i in range(0, len(accounts), shard * 2):
                part = accounts[i : i + shard * 2]
                out = collect_accounts(settings, platform, part, window)
                assert not out.failed, out.failed
        seconds["collect"] = time.perf_counter() - t0
        for name, step in ORG_STEPS.items():
            t0 = time.perf_counter()
            for ids in shards:
                out = step(settings, ids, window)
                assert not out.failed, out.failed
            seconds[name] = time.perf_counter() - t0
    seconds["after_collect"] = sum(v for k, v in seconds.items() if k != "collect")
    return {k: v / n_orgs for k, v in seconds.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("orgs", nargs="?", type=int, default=64)
    parser.add_argument("--shard", type=int, default=16)
    args = parser.parse_args(argv)
    per_org = run(args.orgs, args.shard)
    print(
        f"{args.orgs} emulated organisations in shards of {args.shard}, SQLite warehouse, "
        "in-process (seconds per organisation):"
    )
    for step, seconds in per_org.items():
        print(f"  {step:<14} {seconds:.3f} s")
    print(json.dumps({k: round(v, 4) for k, v in per_org.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
