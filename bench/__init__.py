"""Benchmarks on published data; each prints `name=value` figures and writes to bench/out/."""
