"""What the orchestration costs: `kedro run --pipeline=train` vs the same node functions called
by a bare script, on the bundled data, with a fixed number of trials (no time budget, so both do
exactly the same work).

    .venv/bin/python benchmarks/bench_overhead.py            # 3 rounds, alternating
    .venv/bin/python benchmarks/bench_overhead.py --rounds 5 --n-trials 2

Each contender runs as a fresh process (imports included), rounds alternate the order, and the
table gives medians and the ratio to the bare script. Goal (SPEC): within 10 %.
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

ROOT = Path(__file__).resolve().parents[1]

BARE = r'''
import sys, yaml
from pathlib import Path
from automl_kedro.config import validate_params
from automl_kedro.pipelines.build_dataset.nodes import build_dataset
from automl_kedro.pipelines.audit_dataset.nodes import audit_dataset
from automl_kedro.pipelines.featurize.nodes import featurize
from automl_kedro.pipelines.train.nodes import train_candidates
from automl_kedro.pipelines.evaluate.nodes import evaluate_model

raw = {}
for f in sorted(Path("conf/base").glob("parameters*.yml")):
    raw.update(yaml.safe_load(f.read_text()) or {})
raw["train"].update({"n_trials": int(sys.argv[1]), "time_budget_s": None})
p = validate_params(raw).model_dump(mode="json")
info = {"run_id": "bare", "experiment": "bench", "dataset_key": "penguins"}
dataset, index, split, schema, dataset_info = build_dataset(p["data"], p["split"], info)
audit_dataset(dataset, schema, p["audit"])
preprocessors = featurize(dataset, schema, p["featurize"])[0]
out = train_candidates(dataset, schema, preprocessors, p["train"], p["split"], None)
evaluate_model(out[0], out[4], dataset, schema, dataset_info, info)
'''


def timed(command: list[str], env: dict[str, str], tracking: str | None = None) -> float:
    env = {**env, "AUTOML_CLEARML_MODE": tracking} if tracking else env
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[:3])} failed:\n{done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n-trials", type=int, default=2)
    args = parser.parse_args()
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true"}
    python = sys.executable
    kedro = str(Path(python).with_name("kedro"))
    with tempfile.TemporaryDirectory() as runs:
        params = f"train.n_trials={args.n_trials},train.time_budget_s=null,run.runs_dir={runs}"
        contenders = {
            "bare script (node functions)": ([python, "-c", BARE, str(args.n_trials)], None),
            "kedro run, clearml disabled": ([kedro, "run", "--pipeline=train", "--params", params], "disabled"),
            "kedro run, clearml offline": ([kedro, "run", "--pipeline=train", "--params", params], "offline"),
        }
        times: dict[str, list[float]] = {name: [] for name in contenders}
        for round_ in range(args.rounds):
            order = list(contenders) if round_ % 2 == 0 else list(reversed(contenders))
            for name in order:
                command, tracking = contenders[name]
                times[name].append(timed(command, env, tracking))
                print(f"round {round_ + 1} {name}: {times[name][-1]:.1f} s", file=sys.stderr)
    base = statistics.median(times["bare script (node functions)"])
    print(f"\nbundled penguins data, train.n_trials={args.n_trials}, {args.rounds} rounds (median wall seconds, fresh process each)\n")
    print("| contender | median s | min s | max s | ratio to bare |")
    print("|---|---|---|---|---|")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"| {name} | {med:.1f} | {min(values):.1f} | {max(values):.1f} | {med / base:.3f} |")


if __name__ == "__main__":
    main()
