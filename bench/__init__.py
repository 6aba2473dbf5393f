"""Benchmarks of the product: `python -m bench --help`."""
