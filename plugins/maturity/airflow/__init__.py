"""Airflow integration: the DAGs' task bodies, hooks, the plugin with its API.

Nothing here is imported by the rest of ``maturity``: the pipeline runs without Airflow, and
these modules only adapt it to Airflow (connections, data intervals, mapping, XComs).
Modules the DAG files import at parse time (:mod:`.names`, :mod:`.schedule`) use the standard
library only; everything else is imported inside the tasks. The local Airflow that the demo,
the tests and the benchmarks run is not here but in :mod:`maturity.sandbox.airflow`.
"""
