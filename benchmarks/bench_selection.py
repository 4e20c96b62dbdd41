"""One search, several selection rules: the recommendation each rule makes from the same trials, scored on test rows.

A selection rule changes no trial, so it is compared on the same search outcome: each (set, split) is
searched once under the budget, then selected, ensembled and finalized once per rule from copies of that
outcome, and each recommended model is scored on the test rows. The difference is the rule's alone, free
of the run-to-run noise of a timed search. Rules (``_apply_rule``): folds, rows (shipped), plain, vote, defaults.

    PYTHONPATH=src python benchmarks/bench_selection.py --sets dev --budget 30 --splits 3 --rules folds,rows
    PYTHONPATH=src python benchmarks/bench_selection.py --sets portfolio --rules rows,plain,vote,defaults

Prints one row per set (means over splits, the recommendations that changed) and each rule's mean paired
difference from the first. Run it on a quiet machine.
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


def _apply_rule(rule: str, out, cfg):
    """(selection, ensembles) of one rule on a copy of the search outcome.

    rows: the shipped rule (``train.selection_margin_se``, the rows' noise read too); folds: the per-fold
    standard error alone; plain: no margin anywhere (the best mean wins); vote: the shipped selection, then the
    greedy voting ensemble whenever one is built, whatever its margin; defaults: every model on its default
    parameters (tuning never kept), then the shipped rule.
    """
    from automl_kedro.ml.engine import build_ensembles, select_candidates

    if rule == "defaults":
        for c in out.ok():
            c.restore_defaults()
            c.default_state = None
    z = 0.0 if rule == "plain" else cfg.selection_margin_se
    sel = select_candidates(out, z, rule != "folds")
    ensembles = build_ensembles(out, sel, cfg)
    voting = [e for e in ensembles["ensembles"] if e.kind == "voting"]
    if rule == "vote" and voting:
        ensembles = dict(ensembles, kept=voting, chosen="ensemble/voting")
    return sel, ensembles


RULES = ("folds", "rows", "plain", "vote", "defaults")


def one_split(name: str, seed: int, budget: float, rules=("folds", "rows")) -> dict:
    """Search once, then select / ensemble / finalize under each rule from a copy, on the same clock."""
    from bench_models import split

    from automl_kedro.data.types import coerce_types
    from automl_kedro.ml.engine import as_params, finalize, frame_inputs, run_search

    spec, X_train, X_test, y_train, y_test = split(name, seed)
    X, y, schema, pre = frame_inputs(X_train, y_train, spec.task)
    cfg = as_params({"time_budget_s": budget, "seed": 0})
    outcome = run_search(X, y, spec.task, pre, cfg)
    elapsed = time.time() - outcome.started_at
    Xt = coerce_types(X_test[schema["feature_columns"]], schema["column_types"])
    row = {"set": name, "seed": seed}
    for rule in rules:
        out = copy.deepcopy(outcome)
        out.started_at = time.time() - elapsed  # each rule finds the budget where the search left it
        t0 = time.perf_counter()
        sel, ensembles = _apply_rule(rule, out, cfg)
        res = finalize(out, sel, ensembles, X, cfg)
        row[f"{rule}_seconds"] = time.perf_counter() - t0
        row[f"{rule}_chosen"] = res.recommendation["candidate_id"]
        row[f"{rule}_score"] = _score(spec.task, res.model, Xt, y_test, spec.positive)
        row[f"{rule}_tuning_kept"] = sum(bool(v) for v in sel["tuning_kept"].values())
    return row


def _set_names(arg: str) -> list[str]:
    """Set names: all / dev / held_out (bench_datasets), portfolio (portfolio_sets, small dev sets), or a list."""
    import bench_datasets
    import portfolio_sets
    from bench_datasets import DEV, HELD_OUT, SPECS

    for p in portfolio_sets.SETS:  # bench_models.split finds a set by name in bench_datasets.BY_NAME
        bench_datasets.BY_NAME.setdefault(p.name, bench_datasets.Spec(
            p.name, p.task, False, p.kinds, p.load, portfolio_sets.POSITIVE.get(p.name)))
    groups = {"all": [s.name for s in SPECS], "dev": DEV, "held_out": HELD_OUT,
              "portfolio": [p.name for p in portfolio_sets.SETS]}
    return groups.get(arg) or arg.split(",")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="dev", help="comma list of set names, or all / dev / held_out / portfolio")
    ap.add_argument("--budget", type=float, default=30.0)
    ap.add_argument("--splits", type=int, default=3)
    ap.add_argument("--rules", default="folds,rows",
                    help=f"comma list of {', '.join(RULES)}; each is compared with the first (see _apply_rule)")
    args = ap.parse_args()
    rules = args.rules.split(",")
    if unknown := set(rules) - set(RULES):
        ap.error(f"unknown rules {sorted(unknown)}; use {', '.join(RULES)}")
    sets = _set_names(args.sets)
    rows = []
    for seed in range(args.splits):
        for name in sets:
            rows.append(one_split(name, seed, args.budget, rules))
            r = rows[-1]
            print(f"[{name} split {seed}] " + " | ".join(f"{k} {r[k + '_chosen']} {r[k + '_score']:.4f}" for k in rules),
                  flush=True)
    base = rules[0]
    print(f"\n| set | {' | '.join(f'{k}: mean of {args.splits} splits' for k in rules)} | "
          + " | ".join(f"{k} − {base} (recommendations changed)" for k in rules[1:]) + " |")
    print("|---|" + "---|" * (2 * len(rules) - 1))
    for name in sets:
        g = [r for r in rows if r["set"] == name]
        means = {k: statistics.mean(r[f"{k}_score"] for r in g) for k in rules}
        diffs = [f"{means[k] - means[base]:+.4f} ({sum(r[f'{k}_chosen'] != r[f'{base}_chosen'] for r in g)})"
                 for k in rules[1:]]
        print(f"| {name} | " + " | ".join(f"{means[k]:.4f}" for k in rules) + " | " + " | ".join(diffs) + " |")
    print()
    for k in rules[1:]:
        d = [r[f"{k}_score"] - r[f"{base}_score"] for r in rows]
        se = statistics.stdev(d) / math.sqrt(len(d)) if len(d) > 1 else float("nan")
        print(f"{k} - {base} over {len(d)} (set, split) pairs: {statistics.mean(d):+.4f} ± {se:.4f} "
              f"({sum(x > 0 for x in d)} better, {sum(x < 0 for x in d)} worse)")


if __name__ == "__main__":
    main()
