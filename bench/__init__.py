"""Benchmarks: scripts that start the stack and print figures (`python -m bench.<name>`)."""
