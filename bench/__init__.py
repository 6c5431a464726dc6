"""Benchmarks and evaluations; not part of `make test`."""
