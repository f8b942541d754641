"""Benchmark: one DAG run at the APIs' documented rate limits, with their windows compressed.

Running 1,000 organisations at X's real 15-minute windows takes hours, so every window is
divided by a factor ``k`` while the documented request counts (``maturity.connectors.limits``)
stay as they are. The same compressed limits go to both sides: the emulator's buckets (one per
credential and route, :mod:`maturity.sandbox.emulator.ratelimits`) and the product's
connections (their extra ``rate_limits``), so the run's plan, its deferrals and the emulator
agree. The connections' ``max_inline_wait`` (the longest rate-limit wait slept inside a task
rather than rescheduled) stays the product's 5 s: divided by ``k`` it made the tasks
reschedule for resets a second away, and Airflow 3.3 then races (the executor reports the
rescheduled attempt as a success while the scheduler has already set it back to scheduled;
the task fails and waits for its retry, 5 minutes). X traffic is shared by
``credentials`` apps (``MATURITY_CREDENTIALS_X``, one pool and one set of buckets each);
Reddit has one OAuth client, Mastodon and Bluesky one bucket each.

Per size, the run (:func:`maturity.sandbox.bench.dag_scale_bench.run_once`, the real
scheduler) gives:

* the run time, divided by the **lower bound** the limits impose, computed from the world's
  minimum requests (:mod:`maturity.sandbox.bench.world_minimum`): per bucket, the credentials
  split the requests as evenly as possible (one of them serves at least ``ceil(R / C)``),
  and ``ceil(R_c / L) - 1`` windows must pass before the last request can go (the planner's
  rule, ``maturity.planning``); the run's bound is the largest over buckets. A bound of 0
  (every bucket's requests fit in one window) gives no ratio;
* the worker slot-seconds held while waiting for a rate limit
  (:func:`maturity.sandbox.airflow.slots.rate_limit_slot_seconds`), the reschedules and the
  seconds waited without a slot;
* X reads and their price per organisation, from the warehouse's ``collection_cost`` rows.

``--divide-requests D`` also divides the request counts (for checks at small scale, where the
documented counts fit in one window); it is written next to every number.

    python -m maturity.sandbox.bench.realistic_bench [N ...] [--k K] [--credentials C]
        [--divide-requests D] [--parallelism P]

Needs PostgreSQL (``MATURITY_TEST_POSTGRES_URL``, default the local server the tests use).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from maturity.connectors.limits import Limit
    from maturity.sandbox.bench.dag_scale_bench import Inspection
    from maturity.sandbox.emulator import EmulatedLimit, Emulator, World

#: The default compression: X's 15-minute windows become 300 s, Reddit's 10 minutes 200 s.
#: At k = 6 the bound for 1,000 organisations (450 s) fell below the product's own work on a
#: 2-core machine, and the ratio measured the CPU instead of the scheduling.
DEFAULT_K = 3.0
DEFAULT_CREDENTIALS = 2
TARGET_RATIO = 1.15
TARGET_GROWTH = 1.1
TARGET_HELD = 0.0
#: Airflow's log line when a rescheduled attempt's end reaches the executor after the
#: scheduler has already set the task back to scheduled: the attempt then fails into a retry.
RESCHEDULE_RACE = "finished with state success, but the task instance's state attribute is"
DAG_ID = "social_maturity_assessment"
X_CONN = "x_default"


@dataclass(frozen=True)
class Compression:
    """The documented limits with every window divided by ``k`` (and, for small-scale
    checks only, the request counts by ``divide``)."""

    k: float
    divide: int = 1

    def __post_init__(self) -> None:
        if self.k <= 0 or self.divide < 1:
            raise ValueError("the compression needs k > 0 and divide >= 1")

    def limit(self, requests: int, window: float) -> tuple[int, float]:
        return max(1, requests // self.divide), window / self.k

    def product(self) -> dict[str, dict[str, Limit]]:
        """Per platform, the limits the product plans against (its connections' overrides)."""
        from maturity.connectors.limits import DOCUMENTED, Limit

        out: dict[str, dict[str, Limit]] = {}
        for platform, buckets in DOCUMENTED.items():
            out[platform] = {}
            for key, lim in buckets.items():
                n, w = self.limit(lim.requests, lim.window_seconds)
                out[platform][key] = Limit(n, w, lim.per, lim.source)
        return out

    def emulator(self) -> dict[str, EmulatedLimit]:
        """The emulator's rules: its ``REALISTIC`` table, compressed the same way."""
        from maturity.sandbox.emulator import EmulatedLimit
        from maturity.sandbox.emulator.ratelimits import REALISTIC

        out = {}
        for key, rule in REALISTIC.items():
            n, w = self.limit(rule.limit, rule.window)
            out[key] = EmulatedLimit(n, w, rule.usage_cap)
        return out

    def overrides(self, platform: str) -> dict[str, dict[str, float]]:
        """The ``rate_limits`` extra of a ``platform`` connection."""
        return {
            key: {"requests": lim.requests, "window_seconds": lim.window_seconds}
            for key, lim in self.product()[platform].items()
        }

    def describe(self) -> str:
        parts = []
        for platform, buckets in self.product().items():
            for key, lim in buckets.items():
                parts.append(f"{platform} {key}: {lim.requests:,} per {lim.window_seconds:g} s")
        scale = f"windows / {self.k:g}"
        if self.divide > 1:
            scale += f", request counts / {self.divide} (a small-scale check, not the APIs')"
        else:
            scale += ", the documented request counts"
        head = f"REALISTIC ({scale}; max_inline_wait the product's 5 s): "
        return head + "; ".join(parts)


def x_connections(credentials: int) -> list[str]:
    return [X_CONN] + [f"x_app{i}" for i in range(2, credentials + 1)]


def x_token(conn_id: str) -> str:
    return f"emulator-bearer-{conn_id}"


def product_env(emulator: Emulator, compression: Compression, credentials: int) -> dict[str, str]:
    """The emulator's connections with the compressed limits as ``rate_limits``, plus one X
    connection per extra app, and ``MATURITY_CREDENTIALS_X`` naming them all."""
    from maturity.airflow.names import credentials_env

    base = emulator.connection_env()
    out: dict[str, str] = {}
    for platform in ("x", "reddit", "mastodon", "bluesky"):
        var = f"AIRFLOW_CONN_{platform.upper()}_DEFAULT"
        conn = json.loads(base[var])
        extra = dict(conn.get("extra") or {})
        extra["rate_limits"] = compression.overrides(platform)
        conn["extra"] = extra
        out[var] = json.dumps(conn)
    x_default = json.loads(out["AIRFLOW_CONN_X_DEFAULT"])
    for conn_id in x_connections(credentials)[1:]:
        out[f"AIRFLOW_CONN_{conn_id.upper()}"] = json.dumps(
            {**x_default, "password": x_token(conn_id)}
        )
    out[credentials_env("x")] = ",".join(x_connections(credentials))
    return out


# -- the lower bound from the world's minimum ----------------------------------------------------


def bucket_minimum(world: World, registry_path: Path) -> dict[tuple[str, str], int]:
    """The world's minimum requests per (platform, bucket), full run over the bench's window."""
    from maturity.connectors.limits import DOCUMENTED, X_BUCKET_BY_ENDPOINT
    from maturity.evidence import Window
    from maturity.registry import load_registry
    from maturity.sandbox.bench.dag_scale_bench import WORLD_DAYS, WORLD_END
    from maturity.sandbox.bench.world_minimum import minimum

    window = Window(WORLD_END - timedelta(days=WORLD_DAYS), WORLD_END)
    m = minimum(world, load_registry(registry_path), window)
    x_buckets = set(X_BUCKET_BY_ENDPOINT.values())
    out: dict[tuple[str, str], int] = {}
    for platform, routes in m.routes.items():
        for route, n in routes.items():
            bucket = route if platform == "x" and route in x_buckets else None
            if bucket is None:
                bucket = next(iter(DOCUMENTED[platform]))
            out[(platform, bucket)] = out.get((platform, bucket), 0) + n
    return out


@dataclass(frozen=True)
class BucketBound:
    platform: str
    bucket: str
    requests: int
    credentials: int
    limit: int
    window: float

    @property
    def per_credential(self) -> int:
        return math.ceil(self.requests / self.credentials)

    @property
    def seconds(self) -> float:
        windows = math.ceil(self.per_credential / self.limit) if self.requests else 0
        return max(0, windows - 1) * self.window

    def describe(self) -> str:
        return (
            f"{self.platform} {self.bucket}: {self.requests:,} requests over "
            f"{self.credentials} credential(s) = {self.per_credential:,} each at "
            f"{self.limit:,} per {self.window:g} s -> {self.seconds:g} s"
        )


def lower_bound(
    minimum: Mapping[tuple[str, str], int], compression: Compression, x_credentials: int
) -> list[BucketBound]:
    """Every bucket's bound, largest first."""
    limits = compression.product()
    out = []
    for (platform, bucket), n in minimum.items():
        lim = limits[platform].get(bucket)
        if lim is None:
            continue
        creds = x_credentials if platform == "x" else 1
        out.append(BucketBound(platform, bucket, n, creds, lim.requests, lim.window_seconds))
    return sorted(out, key=lambda b: (-b.seconds, b.platform, b.bucket))


# -- the run -------------------------------------------------------------------------------------


def _warehouse_engine_url(uri: str) -> str:
    return uri.replace("postgresql://", "postgresql+psycopg://", 1)


def x_cost(warehouse: str) -> dict[str, Any]:
    """X reads and their price, per organisation, from ``collection_cost``."""
    from sqlalchemy import create_engine, text

    engine = create_engine(_warehouse_engine_url(warehouse))
    try:
        with engine.connect() as c:
            rows = c.execute(
                text(
                    "SELECT org_id, SUM(reads), SUM(price), MIN(currency) FROM collection_cost "
                    "WHERE platform = 'x' GROUP BY org_id"
                )
            ).all()
    finally:
        engine.dispose()
    reads = [int(r[1]) for r in rows]
    prices = [float(r[2]) for r in rows]
    return {
        "cost_orgs": len(rows),
        "x_reads": sum(reads),
        "x_price": sum(prices),
        "currency": rows[0][3] if rows else "USD",
    }


def _inspect(
    ins: Inspection, compression: Compression, x_credentials: int, registry: Path
) -> dict[str, Any]:
    from maturity.sandbox.airflow.slots import rate_limit_slot_seconds

    metadata = ins.cluster.env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    logs = [
        p.read_text(encoding="utf-8", errors="replace")
        for p in (ins.cluster.home / "logs").rglob("*")
        if p.is_file() and "collect_" in str(p)
    ]
    slots = rate_limit_slot_seconds(metadata, DAG_ID, ins.run["dag_run_id"], logs=logs)
    scheduler_log = ins.cluster.home / "scheduler.log"
    races = 0
    if scheduler_log.is_file():
        races = scheduler_log.read_text(encoding="utf-8", errors="replace").count(RESCHEDULE_RACE)
    bounds = lower_bound(bucket_minimum(ins.world, registry), compression, x_credentials)
    return {
        "reschedule_races": races,
        "held_slot_seconds": slots.held_seconds,
        "reschedules": slots.reschedules,
        "deferred_seconds": slots.deferred_seconds,
        "inline_wait_seconds": slots.inline_wait_seconds,
        "lower_bound_seconds": bounds[0].seconds if bounds else 0.0,
        "bottleneck": bounds[0].describe() if bounds else "",
        "buckets": [b.describe() for b in bounds],
        **x_cost(ins.warehouse),
    }


def run_once(
    n_orgs: int,
    compression: Compression,
    *,
    credentials: int = DEFAULT_CREDENTIALS,
    parallelism: int = 4,
    postgres: str,
    timeout: float = 4 * 3600,
    retry_delay: int | None = None,
) -> dict[str, Any]:
    """One run; ``retry_delay`` (seconds) replaces the product's 5-minute first retry delay
    (``MATURITY_RETRY_DELAY``), for smoke runs only: it is written into the result."""
    from maturity.pipeline import settings as s
    from maturity.sandbox.bench import dag_scale_bench as ds

    tokens = tuple(x_token(c) for c in x_connections(credentials)[1:])
    holder: dict[str, Path] = {}

    def env(emulator: Emulator) -> dict[str, str]:
        out = product_env(emulator, compression, credentials)
        if retry_delay is not None:
            out[s.RETRY_DELAY] = str(retry_delay)
        return out

    def inspect(ins: Inspection) -> dict[str, Any]:
        holder["registry"] = Path(ins.cluster.env[s.REGISTRY])
        return _inspect(ins, compression, credentials, holder["registry"])

    r = ds.run_once(
        n_orgs,
        parallelism,
        postgres,
        timeout,
        postgres_metadata=True,  # as in the GENEROUS runs it is compared with
        limits=compression.emulator(),
        x_tokens=tokens,
        extra_env=env,
        inspect=inspect,
    )
    bound = float(r.get("lower_bound_seconds") or 0.0)
    r["ratio"] = r["seconds"] / bound if bound > 0 else None
    r["x_reads_per_org"] = r.get("x_reads", 0) / n_orgs
    r["x_price_per_org"] = r.get("x_price", 0.0) / n_orgs
    r["limits"] = compression.describe()
    r["k"] = compression.k
    r["divide_requests"] = compression.divide
    r["x_credentials"] = credentials
    r["parallelism"] = parallelism
    r["retry_delay"] = retry_delay if retry_delay is not None else "the product's (300 s)"
    return r


def summary(r: Mapping[str, Any]) -> str:
    ratio = f"{r['ratio']:.2f}x" if r["ratio"] is not None else "no ratio (bound 0 s)"
    return (
        f"{r['orgs']:>5} organisations: {r['state']}, {r['seconds']:.1f} s / lower bound "
        f"{r['lower_bound_seconds']:.1f} s = {ratio} (target <= {TARGET_RATIO}); "
        f"{r['held_slot_seconds']:.1f} slot-s held waiting, {r['reschedules']} reschedules, "
        f"{r['deferred_seconds']:.1f} s waited without a slot, {r['reschedule_races']} "
        f"reschedule race(s) (a retry each); X {r['x_reads_per_org']:.1f} "
        f"reads, {r['x_price_per_org']:.4f} {r['currency']} per organisation"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("orgs", nargs="*", type=int, default=[100, 1000])
    parser.add_argument("--k", type=float, default=DEFAULT_K, help="windows are divided by k")
    parser.add_argument("--credentials", type=int, default=DEFAULT_CREDENTIALS, help="X apps")
    parser.add_argument("--divide-requests", type=int, default=1)
    parser.add_argument("--parallelism", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=4 * 3600)
    args = parser.parse_args(argv)
    from maturity.pipeline import settings
    from maturity.sandbox.bench.dag_scale_bench import DEFAULT_POSTGRES

    compression = Compression(args.k, args.divide_requests)
    postgres = settings.read_text(None, settings.TEST_POSTGRES_URL) or DEFAULT_POSTGRES
    print(compression.describe(), f"{args.credentials} X credential(s)", flush=True)
    results = []
    for n in args.orgs:
        t0 = time.perf_counter()
        r = run_once(
            n,
            compression,
            credentials=args.credentials,
            parallelism=args.parallelism,
            postgres=postgres,
            timeout=args.timeout,
        )
        r["wall_seconds_with_setup"] = time.perf_counter() - t0
        results.append(r)
        print(json.dumps(r, default=str), flush=True)
    for r in results:
        print("  " + summary(r))
    return 0 if all(r["state"] == "success" for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
