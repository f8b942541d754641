"""A local Airflow for the demo, the tests and the benchmarks; never used in production.

``local_run`` runs one DAG in this process, ``local_cluster`` runs Airflow's components as
separate processes, ``demo_run`` is ``make demo``. The DAG files come from
:func:`local_run.find_dags_folder` (``MATURITY_DAGS_FOLDER``, or the checkout's ``dags/``).
"""
