"""One search, two selection rules: the margin read from the per-fold differences alone vs also from the rows.

A selection rule changes no trial, so it is compared on the same search outcome: each (set, split) is
searched once under the budget, then selected, ensembled and finalized twice from copies of that outcome
(``train.selection_row_noise`` false, then true), and both recommended models are scored on the test rows.
The difference is the rule's alone, free of the run-to-run noise of a timed search.

    PYTHONPATH=src python benchmarks/bench_selection.py --sets dev --budget 30 --splits 3

Prints one row per set (means over splits, the decisions that changed, the post-search seconds) and the mean
paired difference. Run it on a quiet machine.
"""
from __future__ import annotations

import argparse
import copy
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _score(task, model, X, y_test, positive) -> float:
    """The test score as ``bench_models`` scores every tool."""
    from bench_models import scores

    out = {"pred": model.predict(X)}
    if task != "regression":
        out.update(proba=model.predict_proba(X), classes=[str(c) for c in model.classes_])
    return scores(task, y_test.to_numpy(), out, positive)[0]


def one_split(name: str, seed: int, budget: float) -> dict:
    """Search once, then select / ensemble / finalize under each rule from a copy, on the same clock."""
    from bench_models import split

    from automl_kedro.data.types import coerce_types
    from automl_kedro.ml.engine import as_params, build_ensembles, finalize, frame_inputs, run_search, select_candidates

    spec, X_train, X_test, y_train, y_test = split(name, seed)
    X, y, schema, pre = frame_inputs(X_train, y_train, spec.task)
    cfg = as_params({"time_budget_s": budget, "seed": 0})
    outcome = run_search(X, y, spec.task, pre, cfg)
    elapsed = time.time() - outcome.started_at
    Xt = coerce_types(X_test[schema["feature_columns"]], schema["column_types"])
    row = {"set": name, "seed": seed}
    for rule, row_noise in (("folds", False), ("rows", True)):
        out = copy.deepcopy(outcome)
        out.started_at = time.time() - elapsed  # each rule finds the budget where the search left it
        t0 = time.perf_counter()
        sel = select_candidates(out, cfg.selection_margin_se, row_noise)
        res = finalize(out, sel, build_ensembles(out, sel, cfg), X, cfg)
        row[f"{rule}_seconds"] = time.perf_counter() - t0
        row[f"{rule}_chosen"] = res.recommendation["candidate_id"]
        row[f"{rule}_score"] = _score(spec.task, res.model, Xt, y_test, spec.positive)
        row[f"{rule}_tuning_kept"] = sum(sel["tuning_kept"].values())
    return row


def main() -> None:
    from bench_datasets import DEV, HELD_OUT, SPECS

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="dev", help="comma list of set names, or all / dev / held_out")
    ap.add_argument("--budget", type=float, default=30.0)
    ap.add_argument("--splits", type=int, default=3)
    args = ap.parse_args()
    groups = {"all": [s.name for s in SPECS], "dev": DEV, "held_out": HELD_OUT}
    sets = groups.get(args.sets) or args.sets.split(",")
    rows = []
    for seed in range(args.splits):
        for name in sets:
            rows.append(one_split(name, seed, args.budget))
            r = rows[-1]
            print(f"[{name} split {seed}] folds {r['folds_chosen']} {r['folds_score']:.4f} | rows {r['rows_chosen']} "
                  f"{r['rows_score']:.4f}", flush=True)
    print(f"\n| set | per-fold margin: mean of {args.splits} splits | with the rows' noise | difference | "
          "recommendations changed | tuned parameters kept (folds / rows) | post-search s, max (folds / rows) |")
    print("|---|---|---|---|---|---|---|")
    for name in sets:
        g = [r for r in rows if r["set"] == name]
        a, b = statistics.mean(r["folds_score"] for r in g), statistics.mean(r["rows_score"] for r in g)
        print(f"| {name} | {a:.4f} | {b:.4f} | {b - a:+.4f} | {sum(r['folds_chosen'] != r['rows_chosen'] for r in g)} "
              f"| {sum(r['folds_tuning_kept'] for r in g)} / {sum(r['rows_tuning_kept'] for r in g)} "
              f"| {max(r['folds_seconds'] for r in g):.1f} / {max(r['rows_seconds'] for r in g):.1f} |")
    d = [r["rows_score"] - r["folds_score"] for r in rows]
    se = statistics.stdev(d) / math.sqrt(len(d)) if len(d) > 1 else float("nan")
    print(f"\nrows - folds over {len(d)} (set, split) pairs: {statistics.mean(d):+.4f} ± {se:.4f} "
          f"({sum(x > 0 for x in d)} better, {sum(x < 0 for x in d)} worse)")


if __name__ == "__main__":
    main()
