"""Benchmarks and load test: ``make bench``, ``make load``."""
