"""Benchmarks: python -m bench.core, python -m bench.e2e."""
