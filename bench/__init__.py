"""Benchmarks (``make bench``): each module has ``run(out: dict)``; results are printed as JSON."""
