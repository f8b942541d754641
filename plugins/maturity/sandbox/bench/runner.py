"""``make bench``: run the benchmarks, keep every repetition's number, write JSON and the page.

    python -m maturity.sandbox.bench [--quick] [--only NAME[,NAME]] [--out PATH] [--results DIR]

Each benchmark is a *section*: one function that takes the run's :class:`Context` and returns
a :class:`SectionResult` (its figures, each with every repetition's value and a target, the
conditions it ran under, and details for the page). :data:`SECTIONS` lists them in the order
they run. A run writes ``DIR/<UTC timestamp>.json`` and ``DIR/latest.json`` (the raw numbers,
the machine, the date, the git commit, the command) and then the page (``--out``, default
``BENCHMARKS.md``) from that JSON alone (:mod:`maturity.sandbox.bench.report`), so every
number on the page comes from that one run, but for ``bench/other-runs.md`` (next to the
results directory), appended under its own heading: figures of other commands (the test
suite, the soak), each naming the run it came from. A section the run did not execute (``--only``,
PostgreSQL missing) is recorded as skipped with the reason, and the page says so.

Adding a benchmark is one function plus one line in :data:`SECTIONS` (and its prose in
:data:`maturity.sandbox.bench.report.PROSE`). The section ``realistic``
(:mod:`maturity.sandbox.bench.realistic_bench`) runs at the documented rate limits with
their windows divided by k (1: as documented); the others run at the emulator's ``GENEROUS``
limits.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

GENEROUS = "GENEROUS (the emulator's lenient limits, not the APIs' real ones)"
LOOPBACK = "loopback emulator, no added latency"


@dataclass(frozen=True)
class Context:
    quick: bool = False
    realistic_sizes: tuple[int, ...] = (100, 1000, 3000)
    """Organisations per realistic-limits run (``--realistic-sizes``)."""
    realistic_k: float | None = None
    """Window compression of the realistic-limits runs (``--realistic-k``); None: the default."""
    local_runs: dict[int, dict[str, Any]] = field(default_factory=dict)
    """The GENEROUS LocalExecutor runs of this make bench, by size (the ``dag_scale``
    section's), which the CeleryExecutor run of the same size is compared with."""


@dataclass
class Figure:
    """One measured figure: every repetition's value, and its target."""

    id: str
    label: str
    unit: str
    values: list[float]
    target: float | None = None
    direction: str = "max"
    """``max``: the median must be at most the target; ``min``: at least."""
    why_not: str = ""
    """What limits the figure when the target is not met (shown on the page)."""
    target_text: str = ""
    """A target in words, when it is no number (``reported``)."""

    def as_dict(self) -> dict[str, Any]:
        values = [float(v) for v in self.values]
        median = statistics.median(values) if values else None
        met: bool | None = None
        if self.target is not None and median is not None:
            met = median <= self.target if self.direction == "max" else median >= self.target
        return {
            "id": self.id,
            "label": self.label,
            "unit": self.unit,
            "values": values,
            "n": len(values),
            "min": min(values) if values else None,
            "median": median,
            "max": max(values) if values else None,
            "target": self.target,
            "direction": self.direction,
            "target_text": self.target_text,
            "met": met,
            "why_not": self.why_not if met is False else "",
        }


@dataclass
class SectionResult:
    figures: list[Figure]
    conditions: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    command: str = ""


class Skip(Exception):
    """A section cannot run on this machine (a service missing); the reason is recorded."""


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    run: Callable[[Context], SectionResult]


# -- the sections ------------------------------------------------------------------------------


def cli_help(ctx: Context) -> SectionResult:
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "maturity.cli", "--help"], check=True, capture_output=True
        )
        times.append(time.perf_counter() - t0)
    return SectionResult(
        [
            Figure(
                "cli_help_s",
                "`maturity --help`, fresh interpreter",
                "s",
                times,
                target_text="fast: no Airflow, pandas, GX, tweepy, praw or SQLAlchemy at "
                "import (a test checks the imports)",
            )
        ],
        command="python -m maturity.cli --help (5 times)",
    )


def collection(ctx: Context) -> SectionResult:
    from maturity.sandbox.bench import collection_bench as cb

    n = 6 if ctx.quick else 100
    r = cb.run(n)
    figures = []
    for name, label in (("full", "full run"), ("rerun", "incremental rerun")):
        for p, v in r[name]["platforms"].items():
            if v["ratio"] is None:
                continue
            over = [
                f"{route} {c['requests']} / {c['minimum']}"
                for route, c in v["routes"].items()
                if c["requests"] > c["minimum"]
            ]
            figures.append(
                Figure(
                    f"requests_{name}_{p}",
                    f"{p}, {label}: requests / world minimum "
                    f"({v['requests']:,} / {v['minimum']:,})",
                    "x",
                    [v["ratio"]],
                    target=cb.TARGET,
                    why_not="above the minimum on " + "; ".join(over),
                )
            )
    return SectionResult(
        figures,
        conditions={
            "rate limits": GENEROUS,
            "network": LOOPBACK,
            "executor": "none: collect_accounts (the DAG's collect step) in process",
            "organisations": n,
            "accounts": r["accounts"],
        },
        details=r,
        command=f"python -m maturity.sandbox.bench.collection_bench {n}",
    )


def e2e(ctx: Context) -> SectionResult:
    from maturity.sandbox.bench import e2e_bench

    repeat, scale = (3, 0.1) if ctx.quick else (20, 1.0)
    r = e2e_bench.run(repeat, scale)
    return SectionResult(
        [
            Figure(
                "e2e_org_s",
                "one organisation, landing to score (p50 is the median)",
                "s",
                r["seconds"],
                target=e2e_bench.TARGET_P50,
                why_not="gate and load takes most of it (a profile: the connectors' replay, "
                "text features with MinHash signatures and JSON decoding, lead); see the "
                "steps' medians",
            ),
            Figure("e2e_org_p95_s", "the same, p95", "s", [r["p95"]], target_text="reported"),
        ],
        conditions={
            "warehouse": "SQLite on local disk, fresh for each repetition",
            "imports": "excluded (Great Expectations' context and a warm-up run first)",
            "scale": scale,
        },
        details=r,
        command=f"python -m maturity.sandbox.bench.e2e_bench {repeat} --scale {scale}",
    )


def metrics(ctx: Context) -> SectionResult:
    from maturity.sandbox.bench import metrics_bench as mb

    n, repeat = (50_000, 1) if ctx.quick else (1_000_000, 3)
    r = mb.run(n, repeat)
    s = r["samples"]
    one = s["duckdb_1_thread_s"]
    pair = list(zip(s["pandas_values_s"], one, strict=True))
    full = list(zip(s["pandas_s"], one, strict=True))
    figures = [
        Figure(
            "metrics_values_ratio",
            f"pandas values ({r['n_metrics']} metrics) / DuckDB values "
            f"({r['n_metrics_duckdb']} metrics), both one thread",
            "x",
            [a / b for a, b in pair],
            target=mb.TARGET_VALUES_RATIO,
            why_not=f"pandas computes {r['n_metrics']} metrics, DuckDB "
            f"{r['n_metrics_duckdb']}: the webcare rules (spam, automated replies) have no SQL, "
            "and pandas runs them on every message",
        ),
        Figure(
            "metrics_full_ratio",
            "pandas with evidence / DuckDB values, both one thread (not like for like: "
            "DuckDB computes no evidence, no examples and no refs)",
            "x",
            [a / b for a, b in full],
            target=mb.TARGET_RATIO,
            why_not="pandas builds evidence (examples, pages, reproducing SQL) for every "
            "value; the DuckDB side builds none (evidence in SQL is not built)",
        ),
        Figure("metrics_pandas_s", "pandas with evidence", "s", s["pandas_s"]),
        Figure("metrics_pandas_values_s", "pandas values only", "s", s["pandas_values_s"]),
        Figure(
            "metrics_duckdb_s",
            f"DuckDB values, {r['duckdb_threads']} threads",
            "s",
            s["duckdb_s"],
        ),
        Figure("metrics_duckdb_1t_s", "DuckDB values, 1 thread", "s", one),
        Figure(
            "metrics_peak_rss_mb",
            "peak RSS, generation + pandas",
            "MB",
            [r["peak_rss_mb"]],
            target=mb.TARGET_RSS_MB,
            why_not="the world's frames plus the computation's arrays exceeded it in this run",
        ),
        Figure(
            "metrics_max_abs_diff",
            f"max |pandas - DuckDB| over {r['n_values_compared']:,} values",
            "",
            [r["max_abs_diff"]],
            target=1e-9,
        ),
        Figure(
            "metrics_webcare_fired",
            "spam messages found by pandas (the SQL applies no webcare rules; with 0 both "
            "sides count the same messages)",
            "messages",
            [r["webcare_rules_fired"]["inbound_excluded_spam"]],
        ),
        Figure(
            "metrics_only_duckdb",
            "DuckDB values pandas lacks (the other direction)",
            "values",
            [r["n_values_only_duckdb"]],
            target=0,
        ),
    ]
    return SectionResult(
        figures,
        conditions={
            "interactions": r["n_interactions"],
            "organisations": r["n_orgs"],
            "repetitions": repeat,
        },
        details={k: v for k, v in r.items() if k != "samples"},
        command=f"python -m maturity.sandbox.bench.metrics_bench {n} {repeat}",
    )


def _postgres_url() -> str:
    from maturity.pipeline import settings
    from maturity.sandbox.bench.load_bench import DEFAULT_POSTGRES

    return settings.read_text(None, settings.TEST_POSTGRES_URL) or DEFAULT_POSTGRES


def _require_postgres() -> str:
    from sqlalchemy import create_engine, text

    url = _postgres_url()
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as c:
            c.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to connect means: not here
        raise Skip(f"PostgreSQL does not answer ({type(exc).__name__})") from None
    finally:
        engine.dispose()
    return url


def load(ctx: Context) -> SectionResult:
    from maturity.sandbox.bench import load_bench as lb

    records, repeat = (20_000, 2) if ctx.quick else (200_000, 3)
    figures = []
    details: dict[str, Any] = {}
    dialects = ["sqlite"]
    try:
        postgres = _require_postgres()
        dialects.append("postgresql")
    except Skip as exc:
        postgres = ""
        details["postgresql"] = f"not run: {exc}"
    for dialect in dialects:
        r = lb.run(dialect, records, repeat, postgres)
        details[dialect] = {k: v for k, v in r.items() if k != "samples"}
        figures.append(
            Figure(
                f"load_{dialect}_rows_s",
                f"{dialect}: rows/s, {int(r['rows']):,} rows in one transaction",
                "rows/s",
                r["samples"],
                target=lb.TARGETS[dialect],
                direction="min",
                why_not="building the rows in Python is the limit (see its CPU rate)"
                if dialect == "sqlite"
                else "not profiled in this run",
            )
        )
        figures.append(
            Figure(
                f"load_{dialect}_cpu_rows_s",
                f"{dialect}: rows per second of this process's CPU time (the Python side)",
                "rows/s",
                r["cpu_samples"],
            )
        )
        figures.append(
            Figure(
                f"load_{dialect}_reload_added",
                f"{dialect}: rows added by reloading the same window",
                "rows",
                [r["reload_added"]],
                target=0,
            )
        )
    return SectionResult(
        figures,
        conditions={"records": records, "repetitions": repeat},
        details=details,
        command=f"python -m maturity.sandbox.bench.load_bench {records} --repeat {repeat}",
    )


def pipeline(ctx: Context) -> SectionResult:
    from maturity.sandbox.bench import pipeline_bench

    n, shard = (8, 4) if ctx.quick else (64, 16)
    per_org = pipeline_bench.run(n, shard)
    return SectionResult(
        [Figure(f"pipeline_{k}_s", f"{k}, per organisation", "s", [v]) for k, v in per_org.items()],
        conditions={
            "rate limits": GENEROUS,
            "network": LOOPBACK,
            "organisations": n,
            "shard": shard,
            "warehouse": "SQLite on local disk",
        },
        command=f"python -m maturity.sandbox.bench.pipeline_bench {n} --shard {shard}",
    )


def dashboard(ctx: Context) -> SectionResult:
    from maturity.sandbox.bench import dashboard_bench as db

    n, repeat = (100, 3) if ctx.quick else (1000, 5)
    samples = db.run_samples(n, repeat)
    why = {"organisation (charts not cached)": "the metric-trends chart's Vega-Lite render"}
    return SectionResult(
        [
            Figure(
                f"dashboard_{i}",
                name,
                "s",
                v,
                target=db.TARGETS[name],
                why_not=why.get(name, "not profiled in this run"),
            )
            for i, (name, v) in enumerate(samples.items())
        ],
        conditions={"organisations": n, "warehouse": "SQLite", "repetitions": repeat},
        command=f"python -m maturity.sandbox.bench.dashboard_bench {n} {repeat}",
    )


def dag_parse(ctx: Context) -> SectionResult:
    from maturity.sandbox.bench import dag_bench

    repeat = 3 if ctx.quick else 5
    samples = dag_bench.run_samples(repeat)
    base = statistics.median(samples[dag_bench.EMPTY])
    figures = [Figure("dag_empty_s", "empty DAG file", "s", samples[dag_bench.EMPTY])]
    for name, v in samples.items():
        if name == dag_bench.EMPTY:
            continue
        figures.append(
            Figure(
                f"dag_{name}",
                f"`{name}` / median empty DAG file",
                "x",
                [x / base for x in v],
                target=dag_bench.TARGET_RATIO,
                why_not="noise: compare on a quiet machine",
            )
        )
    return SectionResult(
        figures,
        conditions={"repetitions": repeat},
        command=f"python -m maturity.sandbox.bench.dag_bench {repeat}",
    )


def dag_scale(ctx: Context) -> SectionResult:
    from maturity.sandbox.bench import dag_scale_bench as ds

    postgres = _require_postgres()
    # the same sizes as the realistic-limits runs, so the two show the product's own cost
    # beside what the limits add
    sizes = [10] if ctx.quick else sorted(ctx.realistic_sizes)
    results = [ds.run_once(n, 4, postgres, 3 * 3600, postgres_metadata=True) for n in sizes]
    ctx.local_runs.update({r["orgs"]: r for r in results})
    figures = []
    for r in results:
        figures.append(
            Figure(
                f"scale_{r['orgs']}_s",
                f"{r['orgs']:,} organisations: run time "
                f"({r['state']}, {r['requests']:,} API requests)",
                "s",
                [r["seconds"]],
                target=ds.TARGET_SECONDS_AT_1000 if r["orgs"] == 1000 else None,
                why_not="the tasks' own time (the split below): the 4 slots share 2 cores, so "
                "the run cannot be shorter than that time over 4 however the tasks are packed",
            )
        )
    by_n = {r["orgs"]: r for r in results}
    for small, large in ((100, 1000), (1000, 3000)):
        if small in by_n and large in by_n:
            figures.append(
                Figure(
                    "scale_growth" if small == 100 else f"scale_growth_{large}",
                    f"run time per organisation, {large:,} / {small:,}",
                    "x",
                    [by_n[large]["per_org"] / by_n[small]["per_org"]],
                    target=ds.TARGET_GROWTH,
                )
            )
    return SectionResult(
        figures,
        conditions={
            "rate limits": GENEROUS,
            "network": LOOPBACK,
            "executor": "LocalExecutor, parallelism 4, PostgreSQL metadata",
            "warehouse": "PostgreSQL",
        },
        details={"runs": results},
        command="python -m maturity.sandbox.bench.dag_scale_bench --postgres-metadata "
        + " ".join(map(str, sizes)),
    )


def celery(ctx: Context) -> SectionResult:
    from maturity.sandbox.airflow.local_cluster import Celery
    from maturity.sandbox.bench import dag_scale_bench as ds

    postgres = _require_postgres()
    n = 4 if ctx.quick else 1000
    # the LocalExecutor run of the same size from this make bench (dag_scale), else its own
    local = ctx.local_runs.get(n) or ds.run_once(n, 4, postgres, 3 * 3600, postgres_metadata=True)
    remote = ds.run_once(
        n, 4, postgres, 3 * 3600, Celery(ds.DEFAULT_REDIS, workers=2, concurrency=2)
    )
    figures = []
    for key, r in (("local", local), ("celery", remote)):
        name = "LocalExecutor" if key == "local" else "CeleryExecutor (2 workers of 2 slots)"
        figures += [
            Figure(
                f"celery_{key}_s",
                f"{name}, {n:,} organisations: run time ({r['state']}, "
                f"{r['task_instances']:,} task instances)",
                "s",
                [r["seconds"]],
                target_text="reported",
            ),
            Figure(
                f"celery_{key}_task_s",
                f"{name}: task time per organisation (the tasks' own durations)",
                "s",
                [r["task_seconds_per_org"]],
                target_text="reported",
            ),
        ]
        if r.get("handoff_seconds_median") is not None:
            figures.append(
                Figure(
                    f"celery_{key}_handoff_s",
                    f"{name}: queued to started, median per task instance "
                    f"(total {r['handoff_seconds_total']:,.0f} s)",
                    "s",
                    [r["handoff_seconds_median"]],
                    target_text="reported",
                )
            )
    return SectionResult(
        figures,
        conditions={
            "rate limits": GENEROUS,
            "metadata": "PostgreSQL",
            "broker": "Redis",
            "parallelism": "4 (LocalExecutor); 2 workers x 2 slots (CeleryExecutor)",
            "LocalExecutor run": "the dag_scale section's run of the same size"
            if n in ctx.local_runs
            else "its own run",
        },
        details={"local": local, "celery": remote},
        command=f"python -m maturity.sandbox.bench.dag_scale_bench {n} --postgres-metadata; "
        f"... {n} --executor celery --workers 2",
    )


def realistic(ctx: Context) -> SectionResult:
    from maturity.sandbox.bench import realistic_bench as rb

    postgres = _require_postgres()
    retry: int | None = None
    if ctx.quick:  # a smoke run: a reschedule race must not cost 5 minutes
        sizes, compression, retry = [4], rb.Compression(60.0, divide=100), 5
    else:
        sizes = list(ctx.realistic_sizes)
        compression = rb.Compression(ctx.realistic_k or rb.DEFAULT_K)
    creds = rb.DEFAULT_CREDENTIALS
    results = [
        rb.run_once(n, compression, credentials=creds, postgres=postgres, retry_delay=retry)
        for n in sizes
    ]
    figures = []
    for r in results:
        n = r["orgs"]
        where = f"{n:,} organisations"
        figures.append(
            Figure(
                f"realistic_{n}_s",
                f"{where}: run time ({r['state']}, {r['requests']:,} API requests, "
                f"{r['reschedules']} reschedules, {r['reschedule_races']} reschedule races "
                "with a retry each)",
                "s",
                [r["seconds"]],
                target_text="reported",
            )
        )
        if r["ratio"] is not None:
            figures.append(
                Figure(
                    f"realistic_{n}_ratio",
                    f"{where}: run time / lower bound of the limits "
                    f"({r['lower_bound_seconds']:,.0f} s; {r['bottleneck']})",
                    "x",
                    [r["ratio"]],
                    target=rb.TARGET_RATIO,
                    why_not="the last shard's steps come after the bound (the tail), and the "
                    "product's own work, when the compressed bound is shorter than it, makes "
                    "the run CPU-bound (see the prose: the larger k, the larger that share)",
                )
            )
        figures.append(
            Figure(
                f"realistic_{n}_held",
                f"{where}: worker slot-seconds held while waiting for a rate limit "
                f"({r['deferred_seconds']:,.0f} s waited without a slot)",
                "slot-s",
                [r["held_slot_seconds"]],
                target=rb.TARGET_HELD,
                why_not="rate-limit waits under max_inline_wait (5 s) are slept in the task "
                "(by design: shorter reschedules meet an Airflow race, see the prose)",
            )
        )
        figures.append(
            Figure(
                f"realistic_{n}_x_reads",
                f"{where}: X reads per organisation per run (collection_cost)",
                "reads",
                [r["x_reads_per_org"]],
                target_text="reported",
            )
        )
        figures.append(
            Figure(
                f"realistic_{n}_x_price",
                f"{where}: X price per organisation per run ({r['currency']}, X's documented "
                "prices)",
                r["currency"],
                [r["x_price_per_org"]],
                target_text="reported",
            )
        )
    by_n = {r["orgs"]: r for r in results}
    if 1000 in by_n and 3000 in by_n:
        figures.append(
            Figure(
                "realistic_growth",
                "run time per organisation, 3,000 / 1,000, realistic limits",
                "x",
                [by_n[3000]["per_org"] / by_n[1000]["per_org"]],
                target=rb.TARGET_GROWTH,
                why_not="the rate-limit windows grow in whole steps; see the bounds",
            )
        )
    return SectionResult(
        figures,
        conditions={
            "rate limits": compression.describe(),
            "k (windows divided by)": compression.k,
            "X credentials": f"{creds} apps (x_default, x_app2), one pool and bucket set each",
            "network": LOOPBACK,
            "executor": "LocalExecutor, parallelism 4, PostgreSQL metadata",
            "warehouse": "PostgreSQL",
            "GENEROUS rows": "the dag_scale section (the same sizes)",
            "first retry delay": f"{retry} s (smoke run)" if retry else "the product's 300 s",
            "sizes run": ", ".join(f"{n:,}" for n in sizes)
            + (
                ""
                if 1000 in by_n and 3000 in by_n
                else " (the 1,000 → 3,000 growth row needs both; not measured in this run)"
            ),
        },
        details={"runs": results},
        command="python -m maturity.sandbox.bench.realistic_bench "
        + " ".join(map(str, sizes))
        + f" --k {compression.k:g} --credentials {creds}"
        + (f" --divide-requests {compression.divide}" if compression.divide > 1 else ""),
    )


SECTIONS: tuple[Section, ...] = (
    Section("cli", "CLI start-up", cli_help),
    Section("collection", "API requests per platform against the world's minimum", collection),
    Section("e2e", "One organisation end to end, replayed", e2e),
    Section("metrics", "Metrics, like for like", metrics),
    Section("load", "Warehouse loads", load),
    Section("pipeline", "The pipeline in-process, per organisation and step", pipeline),
    Section("dashboard", "Dashboard pages and reports", dashboard),
    Section("dag_parse", "DAG parsing", dag_parse),
    Section("dag_scale", "One DAG run for many organisations", dag_scale),
    Section("celery", "CeleryExecutor against LocalExecutor", celery),
    Section("realistic", "Realistic rate limits, several credentials", realistic),
)


# -- the run -----------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    with contextlib.suppress(ValueError, OSError, AttributeError):
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "arch": platform.machine(),
        "cores": os.cpu_count() or 1,
        "ram_gib": round(ram, 1) if ram else None,
        "python": platform.python_version(),
        "os": platform.platform(),
        "load_average_at_start": round(os.getloadavg()[0], 2),
    }


#: What ``make bench`` itself writes in the checkout (left out of the ``dirty`` check).
OWN_OUTPUTS = ("BENCHMARKS.md", "bench/results")


def git_commit() -> dict[str, Any]:
    def git(*args: str) -> str:
        out = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
        return out.stdout.strip() if out.returncode == 0 else ""

    commit = git("rev-parse", "HEAD")
    # the whole work tree but the bench's own outputs (a previous run's page and raw numbers,
    # written relative to the working directory, as the runner writes them)
    outputs = (f":(exclude){p}" for p in OWN_OUTPUTS)
    changed = git("status", "--porcelain", "-uno", "--", ":(top)", *outputs)
    return {"commit": commit or None, "dirty": bool(changed)}


def run(
    ctx: Context,
    only: Sequence[str] | None,
    command: str,
    sections: Sequence[Section] = SECTIONS,
    after_section: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Run the chosen sections and return the run's record (what the JSON file holds).
    ``after_section`` gets the record so far (``finished_at`` None) after each section, so
    that a run stopped part-way keeps the numbers of the sections it finished."""
    started = datetime.now(UTC)
    record: dict[str, Any] = {
        "schema": 1,
        "started_at": started.isoformat(timespec="seconds"),
        "command": command,
        "quick": ctx.quick,
        "machine": machine(),
        "git": git_commit(),
        "sections": {},
    }
    for section in sections:
        entry: dict[str, Any] = {"title": section.title}
        if only and section.name not in only:
            entry.update(status="skipped", reason=f"not chosen, --only {','.join(only)}")
        else:
            print(f"\n== {section.title}", flush=True)
            t0 = time.perf_counter()
            try:
                result = section.run(ctx)
            except Skip as exc:
                entry.update(status="skipped", reason=str(exc))
            except Exception as exc:  # a failing benchmark must not lose the others' numbers
                traceback.print_exc(file=sys.stderr)
                entry.update(status="failed", reason=f"{type(exc).__name__}: {exc}".splitlines()[0])
            else:
                entry.update(
                    status="ran",
                    figures=[f.as_dict() for f in result.figures],
                    conditions=result.conditions,
                    details=result.details,
                    command=result.command,
                )
            entry["seconds"] = round(time.perf_counter() - t0, 1)
        print(f"   {section.name}: {entry['status']} {entry.get('reason', '')}", flush=True)
        record["sections"][section.name] = entry
        if after_section is not None:
            after_section({**record, "finished_at": None})
    record["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    return record


def write(record: dict[str, Any], results: Path, out: Path) -> Path:
    """The run's JSON file (and ``latest.json``) under ``results``, then the page ``out``."""
    results.mkdir(parents=True, exist_ok=True)
    stamp = record["started_at"].replace(":", "").replace("+0000", "Z").replace("+00:00", "Z")
    path = results / f"{stamp}.json"
    text = json.dumps(record, indent=1, sort_keys=False, default=_jsonable) + "\n"
    path.write_text(text, encoding="utf-8")
    (results / "latest.json").write_text(text, encoding="utf-8")
    (results / "partial.json").unlink(missing_ok=True)
    stored = json.loads(text)  # the page is made from the file (and the other runs' notes)
    out.write_text(pages_of([(stored, path)], out), encoding="utf-8")
    return path


def partial_writer(results: Path) -> Callable[[dict[str, Any]], None]:
    """Writes the record so far to ``results/partial.json`` (not the page): a run stopped
    part-way keeps the sections it finished, and ``--render`` can make a page of them."""

    def write_partial(record: dict[str, Any]) -> None:
        results.mkdir(parents=True, exist_ok=True)
        text = json.dumps(record, indent=1, default=_jsonable) + "\n"
        (results / "partial.json").write_text(text, encoding="utf-8")

    return write_partial


def pages_of(runs: Sequence[tuple[dict[str, Any], Path]], out: Path) -> str:
    """The page ``out`` for one or several stored runs (each record with its JSON's path),
    with ``other-runs.md`` from the directory above the (last run's) results."""
    from maturity.sandbox.bench.report import render_runs

    other = runs[-1][1].parent.parent / "other-runs.md"
    notes = other.read_text(encoding="utf-8") if other.is_file() else ""
    if notes.startswith("<!--"):
        notes = notes.split("-->", 1)[1]
    labelled = [(record, _relative(path, out.parent)) for record, path in runs]
    return render_runs(labelled, other_runs=notes)


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


def _jsonable(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def main(argv: Sequence[str] | None = None) -> int:
    names = [s.name for s in SECTIONS]
    parser = argparse.ArgumentParser(
        prog="python -m maturity.sandbox.bench",
        description="Run the benchmarks; write their raw numbers (JSON) and BENCHMARKS.md.",
    )
    parser.add_argument("--quick", action="store_true", help="tiny inputs (a smoke run)")
    parser.add_argument("--only", default="", help=f"NAME[,NAME] of: {', '.join(names)}")
    parser.add_argument("--out", type=Path, default=Path("BENCHMARKS.md"))
    parser.add_argument("--results", type=Path, default=Path("bench/results"))
    parser.add_argument(
        "--realistic-sizes",
        default="100,1000,3000",
        help="organisations per realistic-limits run, comma-separated (default 100,1000,3000: "
        "about an hour and a half at the default k)",
    )
    parser.add_argument(
        "--realistic-k", type=float, default=None, help="divide the limits' windows by k"
    )
    parser.add_argument(
        "--render",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="run nothing: write the page (--out) again from stored runs' JSON (several: "
        "each section from the last run that measured it, named on the page)",
    )
    args = parser.parse_args(argv)
    if args.render is not None:
        runs = []
        for path in args.render:
            try:
                stored = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(stored, dict) or "sections" not in stored:
                    raise ValueError("it has no sections")
            except (OSError, ValueError) as exc:
                parser.error(f"--render {path}: not a run's JSON ({exc})")
            runs.append((stored, path))
        args.out.write_text(pages_of(runs, args.out), encoding="utf-8")
        print(f"wrote {args.out} from {', '.join(map(str, args.render))}")
        return 0
    only = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = sorted(set(only) - set(names))
    if unknown:
        parser.error(
            f"--only: unknown benchmark {', '.join(unknown)}; choose from {', '.join(names)}"
        )
    given = list(sys.argv[1:] if argv is None else argv)
    command = " ".join(["python -m maturity.sandbox.bench", *given])
    try:
        sizes = tuple(int(n) for n in args.realistic_sizes.split(",") if n.strip())
    except ValueError:
        parser.error(f"--realistic-sizes {args.realistic_sizes!r}: give numbers like 100,1000")
    if not sizes or min(sizes) < 1:
        parser.error(f"--realistic-sizes {args.realistic_sizes!r}: give numbers of at least 1")
    if args.realistic_k is not None and args.realistic_k <= 0:
        parser.error(f"--realistic-k {args.realistic_k}: give a positive number")
    context = Context(args.quick, sizes, args.realistic_k)
    record = run(context, only, command, after_section=partial_writer(args.results))
    path = write(record, args.results, args.out)
    print(f"\nwrote {path} and {args.out}")
    failed = [n for n, s in record["sections"].items() if s["status"] == "failed"]
    return 1 if failed else 0
