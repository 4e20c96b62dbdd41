"""AutoGluon peer for bench_models.py, run in its own venv (AutoGluon 1.6 needs pandas < 2.4).

    $AUTOGLUON_PYTHON benchmarks/peer_autogluon.py JOB_DIR

Reads JOB_DIR/meta.json, train.parquet, test.parquet (the target column ``__target__``), fits
``TabularPredictor`` with its default presets and ``time_limit`` = the budget, and writes the test
predictions to JOB_DIR/result.json in bench_models.py's child format.
"""
from __future__ import annotations

import json
import resource
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

TARGET = "__target__"
METRIC = {"regression": "r2", "binary": "roc_auc", "multiclass": "accuracy"}


def cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and its finished children: what the fit really got."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main(job: Path) -> None:
    from autogluon.tabular import TabularPredictor

    warnings.filterwarnings("ignore")
    meta = json.loads((job / "meta.json").read_text())
    task = meta["task"]
    train = pd.read_parquet(job / "train.parquet")
    test = pd.read_parquet(job / "test.parquet").drop(columns=[TARGET])
    if task != "regression":
        train[TARGET] = train[TARGET].astype(str)
    cpu0 = cpu_seconds()
    start = time.perf_counter()
    predictor = TabularPredictor(label=TARGET, problem_type=task, eval_metric=METRIC[task],
                                 path=str(job / "ag_models"), verbosity=0)
    predictor.fit(train, time_limit=meta["budget"])
    wall = time.perf_counter() - start
    out = {"wall": wall, "cpu_s": cpu_seconds() - cpu0, "model": str(predictor.model_best), "pred": np.asarray(predictor.predict(test)).tolist()}
    if task != "regression":
        proba = predictor.predict_proba(test)
        out["proba"] = np.asarray(proba, dtype=float).round(6).tolist()
        out["classes"] = [str(c) for c in proba.columns]
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    (job / "result.json").write_text(json.dumps(out))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
