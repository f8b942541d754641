"""Benchmark: one organisation end to end, replayed from its landing, imports excluded.

One organisation with an X account holding 3,200 posts (X's timeline cap; answers included)
and 800 mentions (X's mentions cap), and a Reddit account with 1,000 items (submissions,
third parties' comments on them and the organisation's answers) is collected once from the
emulator (not timed). Each repetition then replays the landing into a fresh SQLite warehouse
through the steps the DAG runs after collection: records, quality gate and load
(``gate_and_load``), metrics and score. Great Expectations' import and context, and one
warm-up repetition, come before the clock: a process pays for them once.

    python -m maturity.sandbox.bench.e2e_bench [REPEAT] [--scale F]

Target (issue 13): p50 <= 1 s. ``--scale`` shrinks the organisation (the smoke test).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from maturity.sandbox.emulator.world import World

TARGET_P50 = 1.0
WORLD_END = datetime(2026, 11, 2, tzinfo=UTC)
WORLD_DAYS = 91
ORG_ID = "e2e-bench-gemeente"
X_POSTS, X_MENTIONS, REDDIT_ITEMS = 3_200, 800, 1_000


def world(scale: float = 1.0) -> World:
    """The benchmark's organisation: posts, mentions and Reddit items at ``scale``."""
    from maturity.sandbox.emulator.world import (
        AccountFunction,
        Inbound,
        InboundKind,
        Metrics,
        OrgAnswer,
        Platform,
        World,
        WorldAccount,
        WorldOrganisation,
        WorldPost,
    )

    start = WORLD_END - timedelta(days=WORLD_DAYS)
    span = (WORLD_END - start).total_seconds() - 86_400

    def at(i: int, n: int) -> datetime:
        return start + timedelta(seconds=span * (i + 0.5) / max(n, 1))

    mentions = max(2, int(X_MENTIONS * scale))
    answered = mentions // 2  # each answer is a post on the timeline too
    posts = max(2, int(X_POSTS * scale) - answered)
    x_posts = tuple(
        WorldPost(
            created_at=at(i, posts),
            text=f"Nieuws uit de gemeente, bericht {i} #gemeente",
            key=f"xp{i}",
            metrics=Metrics(likes=i % 13, reposts=i % 4, replies=i % 3),
        )
        for i in range(posts)
    )
    x_inbound = tuple(
        Inbound(
            author=f"inwoner{i % 211}",
            created_at=at(i, mentions),
            text=f"@E2eGemeente vraag {i} over de afvalinzameling",
            kind=InboundKind.MENTION,
            response=OrgAnswer(delay=timedelta(minutes=20 + i % 300), text=f"Antwoord {i} ^JB")
            if i % 2 == 0
            else None,
        )
        for i in range(mentions)
    )
    items = max(4, int(REDDIT_ITEMS * scale))
    submissions = items // 5
    comments = items - submissions
    r_posts = tuple(
        WorldPost(
            created_at=at(i, submissions),
            title=f"Update {i} van de gemeente",
            text=f"Toelichting {i}",
            key=f"rp{i}",
        )
        for i in range(submissions)
    )
    r_inbound = tuple(
        Inbound(
            author=f"redditor{i % 97}",
            created_at=at(i, comments // 2) + timedelta(hours=1),
            text=f"Vraag {i} bij de update",
            kind=InboundKind.REPLY,
            target=f"rp{i % submissions}",
            response=OrgAnswer(delay=timedelta(hours=3), text=f"Antwoord {i}"),
        )
        for i in range(comments // 2)
    )
    created = datetime(2015, 1, 1, tzinfo=UTC)
    org = WorldOrganisation(
        id=ORG_ID,
        name="Gemeente E2E",
        accounts=(
            WorldAccount(
                platform=Platform.X,
                handle="E2eGemeente",
                created_at=created,
                function=AccountFunction.MAIN,
                display_name="Gemeente E2E",
                description="Officieel account van Gemeente E2E",
                followers=12_000,
                posts=x_posts,
                inbound=x_inbound,
            ),
            WorldAccount(
                platform=Platform.REDDIT,
                handle="E2eGemeente",
                created_at=created,
                function=AccountFunction.MAIN,
                display_name="Gemeente E2E",
                posts=r_posts,
                inbound=r_inbound,
            ),
        ),
    )
    return World(seed=1, start=start, end=WORLD_END, organisations=(org,))


def run(repeat: int = 10, scale: float = 1.0) -> dict[str, Any]:
    """Seconds of each repetition (replay, gate and load, metrics, score) and their p50/p95,
    with the records the organisation holds."""
    from maturity.evidence import Window
    from maturity.pipeline import settings as s
    from maturity.pipeline.collect import collect_accounts
    from maturity.pipeline.steps import ORG_STEPS
    from maturity.quality.gx_runtime import runtime
    from maturity.sandbox.emulator import GENEROUS, Emulator
    from maturity.sandbox.emulator.registry import dump_registry

    w = world(scale)
    window = Window(WORLD_END - timedelta(days=WORLD_DAYS), WORLD_END)
    runs: list[float] = []
    steps: dict[str, list[float]] = {name: [] for name in ORG_STEPS}
    with (
        tempfile.TemporaryDirectory(prefix="maturity-e2e-bench-") as tmp,
        Emulator(w, limits=GENEROUS) as emu,
    ):
        home = Path(tmp)
        registry = dump_registry(w, home / "registry.yaml", with_questionnaires=True)
        base = {
            **emu.connection_env(),
            s.HOME: str(home),
            s.PSEUDONYM_KEY: "e2e-bench-key-0123456789abcdef0123",
            s.LOOKBACK_DAYS: str(WORLD_DAYS),
        }

        def settings_for(k: int) -> s.PipelineSettings:
            env = {**base, s.WAREHOUSE_URL: f"sqlite:///{home / f'warehouse-{k}.sqlite'}"}
            return s.PipelineSettings.from_environment(env, registry_path=registry)

        first = settings_for(0)
        for platform in ("x", "reddit"):
            accounts = [
                (o.id, a.handle)
                for o in first.registry.organisations
                for a in o.accounts
                if a.platform == platform
            ]
            out = collect_accounts(first, platform, accounts, window)
            if out.failed:
                raise RuntimeError(f"collecting the benchmark's organisation failed: {out.failed}")
        runtime()  # Great Expectations' import and context: once per process
        counts: dict[str, int] = {}
        for k in range(repeat + 1):  # the first is the warm-up
            settings = settings_for(k + 1)
            _ = settings.warehouse  # migrated outside the clock
            took: dict[str, float] = {}
            for name, step in ORG_STEPS.items():
                t0 = time.perf_counter()
                out = step(settings, [ORG_ID], window)
                took[name] = time.perf_counter() - t0
                if out.failed:
                    raise RuntimeError(f"step {name} failed: {out.failed}")
            if k == 0:
                counts = _counts(settings)
                continue
            runs.append(sum(took.values()))
            for name, seconds in took.items():
                steps[name].append(seconds)
    return {
        "records": counts,
        "seconds": runs,
        "p50": statistics.median(runs),
        "p95": _p95(runs),
        "steps_p50": {name: statistics.median(v) for name, v in steps.items()},
        "target_p50": TARGET_P50,
        "met": statistics.median(runs) <= TARGET_P50,
    }


def _p95(values: Sequence[float]) -> float:
    """The 95th percentile (inclusive method); the largest value for fewer than 20."""
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def _counts(settings: Any) -> dict[str, int]:
    from sqlalchemy import func, select

    from maturity.warehouse import schema as t

    with settings.warehouse.engine.connect() as c:
        return {
            name: int(c.execute(select(func.count()).select_from(table)).scalar_one())
            for name, table in (
                ("posts", t.post),
                ("inbound", t.inbound_message),
                ("reply_links", t.reply_link),
            )
        }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repeat", nargs="?", type=int, default=10)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    r = run(args.repeat, args.scale)
    print(f"one organisation replayed, records in the warehouse: {r['records']}")
    print(
        f"  landing -> records -> gate -> load -> metrics -> score: p50 {r['p50']:.3f} s, "
        f"p95 {r['p95']:.3f} s over {len(r['seconds'])} runs (target p50 <= {TARGET_P50} s: "
        f"{'met' if r['met'] else 'NOT met'})"
    )
    for name, seconds in r["steps_p50"].items():
        print(f"    {name:<14} p50 {seconds:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
