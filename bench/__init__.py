"""Benchmarks: `python -m bench [--quick] [--json]`.

Each benchmark module exposes `run(quick: bool) -> list[Metric]` and is listed in
`bench.__main__.BENCHMARKS`. Every figure comes with a baseline measured in the same run, so a
noisy, shared machine moves both together and the ratio stays meaningful.
"""
