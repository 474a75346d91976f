"""Benchmarks run by `make bench-*`: not tests, and not timed by pytest."""
