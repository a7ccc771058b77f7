"""Benchmarks (`make bench`): speed is measured here, never in unit tests."""
