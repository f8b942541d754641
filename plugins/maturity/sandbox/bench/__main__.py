"""``make bench``: every benchmark of the project, one after the other.

    python -m maturity.sandbox.bench [--quick] [--only NAME[,NAME]] [--out PATH] [--results DIR]

Writes the raw numbers of the run (``bench/results/<UTC time>.json`` and ``latest.json``) and
BENCHMARKS.md generated from them (:mod:`maturity.sandbox.bench.runner`). The last sections run
real Airflow over 100 and then 1,000 organisations, then 20 organisations on the
LocalExecutor and on the CeleryExecutor; they need PostgreSQL, and the Celery run Redis (a
section whose service is missing is recorded as skipped). In all it takes about 20 minutes
(``--quick``: tiny inputs, a few minutes).
"""

from __future__ import annotations

from maturity.sandbox.bench.runner import main

if __name__ == "__main__":
    raise SystemExit(main())
