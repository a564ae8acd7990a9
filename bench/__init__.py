"""The benchmark harness: `make bench` / `make bench-quick` run `python -m bench.run`."""
