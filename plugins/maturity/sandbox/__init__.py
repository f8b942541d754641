"""The sandbox: test, demo and benchmark tooling around the product, never imported by it.

- :mod:`.emulator`: a loopback emulator of the X and Reddit APIs with generated worlds of
  fictional organisations (tests, the demo, the benchmarks);
- :mod:`.airflow`: a real Airflow on this machine for the demo, the tests and the benchmarks
  (``local_run``: one DAG run in-process; ``local_cluster``: scheduler, API server and DAG
  processor as processes; ``demo_run``: ``make demo``);
- :mod:`.bench`: the benchmarks behind BENCHMARKS.md (``make bench``);
- :mod:`.demo`: the demo data files (evidence, registry, an example sector rubric);
- :mod:`.pytest_plugin`: the emulator's pytest fixtures, registered as a pytest plugin.

Its own dependencies (pytest, duckdb) are in the ``sandbox`` extra. The only ways in from the
product are the demo entry points (``maturity demo``, ``maturity emulator``, the Makefile) and
the demo registry that the pipeline falls back to when ``MATURITY_REGISTRY`` is unset
(:func:`maturity.sandbox.demo.demo_registry_path`).
"""
