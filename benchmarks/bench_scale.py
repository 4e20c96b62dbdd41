"""Scale benchmark: build_dataset + audit + featurize (pure functions) on generated data.

    .venv/bin/python benchmarks/bench_scale.py                 # 100k and 1M rows x 50 columns
    .venv/bin/python benchmarks/bench_scale.py --rows 10000 100000 --format csv

Each size runs in its own subprocess so that peak memory (max RSS) is that size's alone. The table
gives wall seconds per step and the peak resident memory of the process.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

N_NUMERIC, N_CATEGORICAL, N_HIGH_CARD, N_BOOLEAN = 30, 14, 3, 2  # + target = 50 columns


def generate(n_rows: int, seed: int = 0) -> pd.DataFrame:
    """Mixed numeric / categorical / boolean columns with missing values and a binary target."""
    rng = np.random.default_rng(seed)
    columns: dict[str, np.ndarray] = {}
    for i in range(N_NUMERIC):
        values = rng.normal(i, 1 + i % 5, n_rows)
        values[rng.random(n_rows) < 0.02 * (i % 6)] = np.nan  # 0-10% missing
        columns[f"num_{i:02d}"] = values
    for i in range(N_CATEGORICAL):
        levels = np.array([f"c{i}_{k}" for k in range(3 + i % 8)], dtype=object)
        values = levels[rng.integers(0, len(levels), n_rows)]
        values[rng.random(n_rows) < 0.05] = None
        columns[f"cat_{i:02d}"] = values
    for i in range(N_HIGH_CARD):
        columns[f"high_{i}"] = np.char.add("h", rng.integers(0, 2000, n_rows).astype(str)).astype(object)
    for i in range(N_BOOLEAN):
        columns[f"flag_{i}"] = rng.integers(0, 2, n_rows)
    frame = pd.DataFrame(columns)
    logit = 0.4 * np.nan_to_num(frame["num_00"]) - 0.3 * np.nan_to_num(frame["num_01"] - 1) + (frame["cat_00"] == "c0_1")
    frame["target"] = np.where(rng.random(n_rows) < 1 / (1 + np.exp(-logit)), "yes", "no")
    return frame


def run_one(path: str) -> dict:
    """Child process: time each step on the file at ``path``; report peak memory."""
    from automl_kedro.data import build_dataset
    from automl_kedro.data.audit import audit
    from automl_kedro.data.figures import audit_figures
    from automl_kedro.features import featurize

    times = {}
    start = time.perf_counter()
    built = build_dataset({"path": path, "target": "target"}, {"seed": 42})
    times["build_dataset"] = time.perf_counter() - start
    start = time.perf_counter()
    report, _ = audit(built.dataset, built.schema)
    audit_figures(built.dataset, built.schema, report)
    times["audit_dataset"] = time.perf_counter() - start
    start = time.perf_counter()
    result = featurize(built.dataset, built.schema, {"variants": [{"id": "standard"}]})
    times["featurize"] = time.perf_counter() - start
    times["total"] = sum(times.values())
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "rows": len(built.dataset),
        "columns": built.dataset.shape[1] - 2,
        "features_out": result.features_manifest["variants"]["standard"]["n_features_out"],
        "findings": len(report["findings"]),
        "seconds": times,
        "peak_rss_mib": peak_kib / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_one(args.child)))
        return 0
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.rows:
            path = Path(tmp) / f"bench_{n}.{args.format}"
            frame = generate(n)
            if args.format == "parquet":
                frame.to_parquet(path)
            else:
                frame.to_csv(path, index=False)
            size_mib = path.stat().st_size / 2**20
            del frame
            out = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True, text=True, check=False)
            if out.returncode:
                print(out.stderr, file=sys.stderr)
                return out.returncode
            result = json.loads(out.stdout.strip().splitlines()[-1])
            result["file_mib"] = size_mib
            results.append(result)
            print(f"done: {n:,} rows", file=sys.stderr, flush=True)
    header = f"| rows | columns | file ({args.format}) | build_dataset s | audit_dataset s | featurize s | total s | peak RSS MiB |"
    print(header)
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        s = r["seconds"]
        print(f"| {r['rows']:,} | {r['columns']} | {r['file_mib']:.0f} MiB | {s['build_dataset']:.1f} | {s['audit_dataset']:.1f} | "
              f"{s['featurize']:.1f} | {s['total']:.1f} | {r['peak_rss_mib']:.0f} |")
    if len(results) >= 2:
        a, b = results[0], results[-1]
        print(f"\nrows x{b['rows'] / a['rows']:.0f} -> time x{b['seconds']['total'] / a['seconds']['total']:.1f}, "
              f"peak memory x{b['peak_rss_mib'] / a['peak_rss_mib']:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
