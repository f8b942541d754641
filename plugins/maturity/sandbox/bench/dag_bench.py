"""Benchmark: parsing each DAG file against parsing an empty DAG file, in the same run.

The DAG processor re-parses DAG files all the time, so a DAG file must cost about what an empty
one costs. Each file is imported in a fresh interpreter that has already imported Airflow's task
SDK (which every DAG file pays for); the time measured is the import of the file itself, best
of ``repeat``. Target (issue: Airflow DAGs): at most 1.5x the empty DAG file.

    python -m maturity.sandbox.bench.dag_bench [REPEAT]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

TARGET_RATIO = 1.5
EMPTY = "(empty DAG file)"
EMPTY_DAG = """
from __future__ import annotations

from datetime import datetime

from airflow.sdk import dag, task


@dag(schedule=None, start_date=datetime(2026, 1, 1), doc_md="empty", tags=["bench"])
def empty_dag():
    @task
    def nothing() -> None:
        return None

    nothing()


empty_dag()
"""
_PROBE = (
    "import importlib.util, sys, time; import airflow.sdk; "
    "spec = importlib.util.spec_from_file_location('dagfile', sys.argv[1]); "
    "m = importlib.util.module_from_spec(spec); t = time.perf_counter(); "
    "spec.loader.exec_module(m); print(time.perf_counter() - t)"
)


def parse_samples(path: Path, repeat: int) -> list[float]:
    """Seconds of each of ``repeat`` imports of ``path``, each in a fresh interpreter."""
    times = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True, check=True
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return times


def parse_seconds(path: Path, repeat: int) -> float:
    return min(parse_samples(path, repeat))


def run_samples(repeat: int = 5, dags: Path | None = None) -> dict[str, list[float]]:
    """Every import time of an empty DAG file and of each of the product's DAG files."""
    from maturity.sandbox.airflow.local_run import find_dags_folder

    folder = dags or find_dags_folder()
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty_dag.py"
        empty.write_text(EMPTY_DAG, encoding="utf-8")
        results = {EMPTY: parse_samples(empty, repeat)}
    for path in sorted(folder.glob("*.py")):
        results[path.name] = parse_samples(path, repeat)
    return results


def run(repeat: int = 5, dags: Path | None = None) -> dict[str, float]:
    """Best import time of an empty DAG file and of each of the product's DAG files."""
    return {name: min(v) for name, v in run_samples(repeat, dags).items()}


def main(argv: list[str]) -> int:
    repeat = int(argv[0]) if argv else 5
    results = run(repeat)
    if len(results) < 2:
        raise SystemExit("no DAG file was found to measure")
    base = results[EMPTY]
    print(f"DAG file import time, best of {repeat}, fresh interpreter with airflow.sdk loaded")
    for name, seconds in results.items():
        ratio = seconds / base if base else float("nan")
        print(
            f"  {name:<36} {seconds * 1000:8.1f} ms   {ratio:5.2f}x empty "
            f"(target <= {TARGET_RATIO})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
