"""Benchmark: `kedro run --pipeline=train` wall time, ClearML mode offline vs disabled (AUTOML_CLEARML_MODE).

Runs alternate (offline, disabled, offline, ...) so machine noise hits both alike; prints the
median of each and their ratio (goal <= 1.10). Run directories go to a temporary folder.

    .venv/bin/python benchmarks/bench_clearml.py --repeats 5 --budget 5
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def one_run(mode: str, runs_dir: Path, budget: float) -> float:
    kedro = Path(sys.executable).with_name("kedro")
    params = f"train.time_budget_s={budget},run.runs_dir={runs_dir}"
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true", "AUTOML_CLEARML_MODE": mode}
    start = time.perf_counter()
    out = subprocess.run([str(kedro), "run", "--pipeline=train", "--params", params], cwd=PROJECT, env=env,
                         capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        raise SystemExit(f"kedro run ({mode}) failed:\n{out.stderr[-3000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--budget", type=float, default=20.0, help="train.time_budget_s")
    args = parser.parse_args()
    times: dict[str, list[float]] = {"offline": [], "disabled": []}
    with tempfile.TemporaryDirectory(prefix="bench-clearml-") as tmp:
        for i in range(args.repeats):
            for mode in (("offline", "disabled") if i % 2 == 0 else ("disabled", "offline")):
                times[mode].append(one_run(mode, Path(tmp) / mode, args.budget))
                print(f"  run {i + 1}/{args.repeats} {mode:8} {times[mode][-1]:.2f} s", flush=True)
    med = {mode: statistics.median(values) for mode, values in times.items()}
    ratio = med["offline"] / med["disabled"]
    print("\n| mode | runs | median wall (s) | min (s) | max (s) |\n|---|---|---|---|---|")
    for mode, values in times.items():
        print(f"| {mode} | {len(values)} | {med[mode]:.2f} | {min(values):.2f} | {max(values):.2f} |")
    print(f"\nratio offline / disabled = {ratio:.3f} (goal <= 1.10: {'met' if ratio <= 1.10 else 'NOT met'})")


if __name__ == "__main__":
    main()
