"""Benchmarks (`make bench`): see bench/run.py and bench/REPORT.md."""
