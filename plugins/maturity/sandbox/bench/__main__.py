"""``make bench``: every benchmark of the project, one after the other.

    python -m maturity.sandbox.bench [--quick]

Prints each benchmark's own table. The numbers published in BENCHMARKS.md come from this
command, with the machine it ran on. The last benchmarks run real Airflow over 100 and then
1,000 organisations, then 20 organisations on the LocalExecutor and on the CeleryExecutor (two
workers); they need PostgreSQL, and the Celery run Redis; in all it takes about 20 minutes
(``--quick``: a few).
"""

from __future__ import annotations

import platform
import subprocess
import sys
import time


def cli_help_seconds(repeat: int = 5) -> float:
    """Best wall time of ``maturity --help`` in a fresh interpreter."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "maturity.cli", "--help"], check=True, capture_output=True
        )
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str]) -> int:
    from maturity.sandbox.bench import collection_bench, metrics_bench, pipeline_bench

    quick = "--quick" in argv
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
        f"python {platform.python_version()}, {_cores()} cores"
    )
    print(f"\n== maturity --help: {cli_help_seconds():.2f} s (best of 5, fresh interpreter)")
    print("\n== collection requests against the emulator")
    collection_bench.main(["10" if quick else "100"])
    print("\n== metrics")
    metrics_bench.run(50_000 if quick else 1_000_000, 1 if quick else 3)
    from maturity.sandbox.bench import load_bench

    print("\n== warehouse loads (record writes), SQLite and PostgreSQL")
    load_bench.main(["20000", "--repeat", "1"] if quick else ["200000", "--repeat", "3"])
    from maturity.sandbox.bench import dashboard_bench

    print("\n== dashboard pages and a report, p50 (SQLite warehouse)")
    dashboard_bench.main(["100", "3"] if quick else ["1000", "5"])
    print("\n== the pipeline in-process, per organisation and step")
    pipeline_bench.main(["16", "--shard", "8"] if quick else ["64", "--shard", "16"])
    from maturity.sandbox.bench import dag_bench, dag_scale_bench

    print("\n== DAG parsing")
    dag_bench.main([])
    print("\n== one DAG run for many organisations, through the scheduler")
    scale = dag_scale_bench.main(["10", "40"] if quick else ["100", "1000"])
    print("\n== CeleryExecutor against LocalExecutor: the same world, metadata on PostgreSQL")
    size = "4" if quick else "20"
    local = dag_scale_bench.main([size, "--postgres-metadata"])
    celery = dag_scale_bench.main([size, "--executor", "celery", "--workers", "2"])
    return scale or local or celery


def _cores() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
