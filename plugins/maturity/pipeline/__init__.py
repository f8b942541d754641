"""The assessment pipeline, one window at a time, for shards of organisations.

    collect (per account) → gate and load → metrics → score

- :mod:`~maturity.pipeline.settings`: the only reader of ``MATURITY_*`` variables, and
  :class:`PipelineSettings`, what a run reads and writes;
- :mod:`~maturity.pipeline.runs`: the one way a run (its deterministic id) is made;
- :mod:`~maturity.pipeline.collect`: land the accounts' raw pages;
- :mod:`~maturity.pipeline.gate_and_load`: replay the landing once, link replies across the
  organisation's accounts, run the record gate, write what passed in one transaction;
- :mod:`~maturity.pipeline.metrics`: metrics over the assessment window, through the metric
  gate, stored with the declared facts;
- :mod:`~maturity.pipeline.score`: :func:`score_and_write`, which the score step,
  ``maturity assess --input`` and ``maturity rescore`` share;
- :mod:`~maturity.pipeline.steps`: the steps in order (``ORG_STEPS``) and :func:`assess_org`.

Airflow maps one task per shard of organisations (``maturity.shards``) onto the ``*_orgs``
functions, which run a step for several organisations, keep one failing organisation from
stopping the others, and send their batches and values through the quality gates together;
the ``*_org`` functions are the one-organisation case, which ``maturity assess --registry``
runs in a loop. Each step is idempotent for its window: it reads what the previous step left
(the landing, the warehouse), writes on natural keys, and returns a small JSON-able summary
(keys, counts, paths) that fits in an XCom.

Two windows are in play. The *collection window* is the scheduler's data interval: what is
fetched, gated and loaded. The *assessment window* is the trailing ``lookback_days`` ending
with it: what metrics and scoring read, so a weekly schedule still judges a quarter of
behaviour. Neither ever depends on the wall clock.

This package's ``__init__`` imports nothing, so that a DAG file can read its schedule from
:mod:`~maturity.pipeline.settings` without loading the steps.
"""
