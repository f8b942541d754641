"""The metric families: one module per family of the metric dictionary, each computing its
metrics for every scope from the prepared window."""
