"""Benchmarks: `make bench` runs them and prints our code against its baseline, side by side."""
