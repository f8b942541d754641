"""Benchmarks: ``python -m maturity.sandbox.bench.metrics_bench``."""
