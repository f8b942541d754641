"""Metrics: the dictionary of what is measured, and (later) how it is computed."""
