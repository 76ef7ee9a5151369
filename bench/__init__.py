"""Benchmarks: run from the checkout as ``python3 -m bench.<name>``; figures go in closing notes, never in tests."""
