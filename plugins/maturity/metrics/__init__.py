"""Metrics: how the values of the metric dictionary (:mod:`maturity.metric_dictionary`) are
computed from one organisation's records, with the evidence behind each value.

* :mod:`maturity.metrics.compute`: the entry point; every metric at every scope.
* :mod:`maturity.metrics.families`: one module per metric family (presence, activity,
  responsiveness, interaction, organisation).
* :mod:`maturity.metrics.engine`: what the families share: typed record frames, the prepared
  window, scopes and per-scope values, quantiles, ordering, local time, naming, sample sets.
* :mod:`maturity.metrics.evidence`: the evidence refs of a value: example items, their
  endpoints, and the SQL query that reproduces its sample.
* :mod:`maturity.metrics.docs`: generates ``docs/metrics.md`` from the dictionary.
"""
