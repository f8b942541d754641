"""Benchmarks: ``python -m maturity.bench.metrics_bench``."""
