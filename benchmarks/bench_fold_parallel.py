"""Two folds of one trial side by side: one after the other, in 2 threads, in 2 processes, per model family.

Why the search fits HistGradientBoosting's and the MLP's folds in worker processes (``ModelSpec.holds_gil``):
their fits run mostly in Python under the GIL, so two of them in threads take as long as one after the other.

    PYTHONPATH=src python benchmarks/bench_fold_parallel.py --sets fair,default --repeats 3

Prints, per set and family, the median wall seconds of fitting two folds' preprocessed training rows (80 % of
the set's training split each, one thread per fit) and the speed-up of threads and processes over one after
the other. Run it on a quiet machine.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))

FAMILIES = [("native", "hist_gradient_boosting"), ("native", "lightgbm"), ("standard", "mlp"),
            ("standard", "random_forest"), ("standard", "extra_trees"), ("standard", "linear"),
            ("standard", "k_neighbors")]


def _fit(est, X, y) -> float:
    with threadpool_limits(1):
        t = time.perf_counter()
        clone(est).fit(X, y)
        return time.perf_counter() - t


def main() -> None:
    from bench_models import split

    from automl_kedro.config.data import FeaturizeParams
    from automl_kedro.data.types import coerce_types
    from automl_kedro.features.featurize import build_preprocessors
    from automl_kedro.ml.engine import frame_schema
    from automl_kedro.ml.models import MODELS

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="fair,default")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    print("| set | family | holds_gil | one after the other | 2 threads | 2 processes | threads speed-up | "
          "processes speed-up |")
    print("|---|---|---|---|---|---|---|---|")
    with Parallel(n_jobs=2, backend="threading") as threads, Parallel(n_jobs=2, backend="loky") as procs:
        procs(delayed(time.sleep)(0) for _ in range(2))  # the workers started before timing
        for name in args.sets.split(","):
            spec, Xtr, _, ytr, _ = split(name, 0)
            schema = frame_schema(Xtr, spec.task)
            X = coerce_types(Xtr[schema["feature_columns"]], schema["column_types"])
            pre = build_preprocessors(X, schema, FeaturizeParams.model_validate({}).model_dump(exclude_none=True))
            y = np.asarray(ytr)
            rows = np.arange(int(0.8 * len(y)))
            for variant, family in FAMILIES:
                model = MODELS.get(family)
                if not model.available() or spec.task not in model.tasks:
                    continue
                Xf = clone(pre[variant]).fit(X.iloc[rows]).transform(X.iloc[rows])
                est = model.build(spec.task, {}, 0, 1)
                walls = {"seq": [], "threads": [], "procs": []}
                for _ in range(args.repeats):
                    t = time.perf_counter()
                    _fit(est, Xf, y[rows]), _fit(est, Xf, y[rows])
                    walls["seq"].append(time.perf_counter() - t)
                    for key, par in (("threads", threads), ("procs", procs)):
                        t = time.perf_counter()
                        par(delayed(_fit)(est, Xf, y[rows]) for _ in range(2))
                        walls[key].append(time.perf_counter() - t)
                med = {k: statistics.median(v) for k, v in walls.items()}
                print(f"| {name} | {family} | {'yes' if model.holds_gil else ''} | {med['seq']:.2f} s | "
                      f"{med['threads']:.2f} s | {med['procs']:.2f} s | {med['seq'] / med['threads']:.2f}x | "
                      f"{med['seq'] / med['procs']:.2f}x |")


if __name__ == "__main__":
    main()
