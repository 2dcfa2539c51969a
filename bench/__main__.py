"""Run every benchmark and print a table, or one JSON object with `--json`."""

from __future__ import annotations

import argparse
import importlib
import json
import sys

from bench.metric import Metric

# Module names under bench/; each has run(quick: bool) -> list[Metric].
BENCHMARKS = ["review", "ingest", "followups", "export", "ack"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (CI smoke run)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--only", action="append", help="run only these benchmarks")
    args = parser.parse_args(argv)
    metrics: list[Metric] = []
    for name in BENCHMARKS:
        if args.only and name not in args.only:
            continue
        module = importlib.import_module(f"bench.{name}")
        metrics.extend(module.run(args.quick))
    if args.json:
        print(json.dumps({"quick": args.quick, "metrics": [m.as_json() for m in metrics]}))
    else:
        for m in metrics:
            verdict = {None: "", True: "target met", False: "TARGET MISSED"}[m.met]
            print(
                f"{m.name:<28} {m.value:>12.1f} {m.unit:<12} baseline {m.baseline:>12.1f} "
                f"({m.baseline_label}) ratio {m.ratio:.3f} {verdict}"
            )
    missed = [m for m in metrics if m.met is False]
    for m in missed:  # named on stderr, whatever stdout carries (the table or the JSON)
        print(f"bench: target missed: {m.name} = {m.value:.1f} {m.unit}, ratio {m.ratio:.3f}"
              f"{_bounds(m)}", file=sys.stderr)
    return 1 if missed else 0


def _bounds(m: Metric) -> str:
    """What the metric had to meet, in words."""
    way = ">=" if m.higher_is_better else "<="
    parts = [f"ratio {way} {m.target}"] if m.target is not None else []
    parts += [f"value {way} {m.limit} {m.unit}"] if m.limit is not None else []
    return f" (needed {' and '.join(parts)})"


if __name__ == "__main__":
    sys.exit(main())
