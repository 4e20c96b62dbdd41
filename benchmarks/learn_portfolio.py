"""Learn each booster's portfolio of starting configurations (zero-shot, as AutoGluon's and FLAML's).

One command (not part of the test suite; 667 s on the 2-core dev machine, 2026-11-22):

    PYTHONPATH=src python benchmarks/learn_portfolio.py          # writes src/automl_kedro/ml/portfolios.json
    PYTHONPATH=src python benchmarks/learn_portfolio.py --sets wine,boston --n-sampled 3 --dry-run   # a quick try

For each family it evaluates the defaults, the configurations of the current portfolio file and
``--n-sampled`` configurations drawn from the family's own search space (``ModelSpec.suggest`` under a
seeded Optuna RandomSampler, floats rounded to 3 significant digits) by ``--folds``-fold CV on every
portfolio set (``portfolio_sets.py``: none of them is reported on by the model benchmark). Inputs are
built the engine's way for tree boosters (``frame_schema``, ``coerce_types``, the native preprocessor of
``build_preprocessors`` fitted per fold); scores are the task's primary metric (R², ROC AUC, accuracy).

Selection: per set, a configuration's normalised error is (best - score) / (best - median) over every
configuration evaluated for the family on that set, capped to [0, 1]. The defaults always run first, so
the portfolio is grown greedily from them: each step adds the configuration that most lowers the mean over
sets of the smallest error among the defaults and the configurations chosen so far; it stops at ``--k``
configurations or when none lowers it. Families not learned keep their entry in the file.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

DEFAULT_FAMILIES = ("hist_gradient_boosting", "lightgbm")


# --------------------------------------------------------------------------- selection (pure)


def normalised_errors(scores: np.ndarray) -> np.ndarray:
    """(configs, sets) scores, larger is better -> errors in [0, 1]: (best - score) / (best - median) per set.

    A failed configuration (NaN) counts as the worst error, 1; where the median ties the best, a configuration
    below the best gets 1 and one at the best 0.
    """
    scores = np.asarray(scores, dtype=float)
    best = np.nanmax(scores, axis=0)
    median = np.nanmedian(scores, axis=0)
    gap = best - median
    with np.errstate(divide="ignore", invalid="ignore"):
        err = np.where(gap > 0, (best - scores) / np.where(gap > 0, gap, 1.0), (scores < best).astype(float))
    return np.clip(np.nan_to_num(err, nan=1.0), 0.0, 1.0)


def greedy_portfolio(errors: np.ndarray, k: int, start: tuple[int, ...] = ()) -> list[int]:
    """Indices of up to ``k`` configurations (rows of ``errors``, (configs, sets)) added greedily to ``start``.

    Each step adds the row that most lowers the mean over sets of the per-set minimum error over ``start`` and
    the rows chosen so far (ties: the lower index); it stops early when no row lowers it.
    """
    errors = np.asarray(errors, dtype=float)
    current = errors[list(start)].min(axis=0) if start else np.full(errors.shape[1], np.inf)
    taken = set(start)
    picks: list[int] = []
    for _ in range(k):
        value = np.minimum(errors, current).mean(axis=1)
        value[list(taken)] = np.inf
        best = int(np.argmin(value))
        if not np.isfinite(value[best]) or value[best] >= current.mean():
            break
        picks.append(best)
        taken.add(best)
        current = np.minimum(current, errors[best])
    return picks


def portfolio_error(errors: np.ndarray, rows: list[int]) -> float:
    """Mean over sets of the smallest error among ``rows``."""
    return float(np.asarray(errors, dtype=float)[rows].min(axis=0).mean())


# --------------------------------------------------------------------------- data


@dataclass
class PreparedSet:
    """One portfolio set's folds, preprocessed the engine's way for tree boosters."""

    name: str
    task: str
    y: np.ndarray
    classes: list[str] | None
    folds: list[tuple[Any, Any, np.ndarray, np.ndarray]]  # (X_train, X_valid, train rows, valid rows)


def prepare(name: str, n_folds: int, seed: int, max_rows: int) -> PreparedSet:
    from sklearn.base import clone

    from automl_kedro.data.types import coerce_types
    from automl_kedro.features.featurize import build_preprocessors
    from automl_kedro.features.native import NATIVE_VARIANT_ID
    from automl_kedro.ml.cv import make_splits
    from automl_kedro.ml.engine import frame_schema
    from portfolio_sets import BY_NAME

    spec = BY_NAME[name]
    X, y = spec.load()
    X, y = X.reset_index(drop=True), pd.Series(y).reset_index(drop=True)
    if len(X) > max_rows:
        keep = X.sample(n=max_rows, random_state=seed).index
        X, y = X.loc[keep].reset_index(drop=True), y.loc[keep].reset_index(drop=True)
    schema = frame_schema(X, spec.task)
    X = coerce_types(X[schema["feature_columns"]], schema["column_types"])
    native = build_preprocessors(X, schema, {"native_variant": True})[NATIVE_VARIANT_ID]
    y_arr = np.asarray(y, dtype=float) if spec.task == "regression" else np.asarray(y.astype(str))
    classes = None if spec.task == "regression" else sorted(pd.unique(y_arr).tolist())
    folds = []
    for tr, va in make_splits(y_arr, spec.task, n_folds=n_folds, seed=seed):
        pre = clone(native).fit(X.iloc[tr], y_arr[tr])
        folds.append((pre.transform(X.iloc[tr]), pre.transform(X.iloc[va]), tr, va))
    return PreparedSet(name, spec.task, y_arr, classes, folds)


# --------------------------------------------------------------------------- configurations


def _round(value):
    return float(f"{value:.3g}") if isinstance(value, float) else value


def sample_configs(family: str, n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` configurations from the family's search space (the Optuna parameter names, as a portfolio names them)."""
    import optuna

    from automl_kedro.ml.models import get_model

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    spec = get_model(family)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
    configs = []
    for _ in range(n):
        trial = study.ask()
        spec.suggest(trial, "regression", 1000)
        configs.append({k: _round(v) for k, v in trial.params.items()})
    return configs


def evaluate(family: str, config: dict[str, Any] | None, data: PreparedSet, seed: int) -> tuple[float, float]:
    """(mean fold score of the primary metric, seconds) of one configuration (None: the defaults) on one set."""
    import optuna
    from sklearn.base import clone
    from threadpoolctl import threadpool_limits

    from automl_kedro.ml.metrics import METRICS, align_proba, compute_metrics, default_primary_metric
    from automl_kedro.ml.models import get_model

    started = time.perf_counter()
    spec = get_model(family)
    primary = METRICS.get(default_primary_metric(data.task))
    n_rows = len(data.folds[0][2])
    params = {} if config is None else spec.suggest(optuna.trial.FixedTrial(config), data.task, n_rows)
    estimator = spec.build(data.task, params, random_state=seed, n_jobs=1)
    scores = []
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for X_train, X_valid, tr, va in data.folds:
            model = clone(estimator).fit(X_train, data.y[tr])
            pred = np.asarray(model.predict(X_valid))
            proba = None
            if data.classes is not None:
                proba = align_proba(model.predict_proba(X_valid), model.classes_, data.classes)
            scores.append(compute_metrics([primary], data.y[va], pred, proba, data.classes)[primary.name])
    return float(np.mean(scores)), time.perf_counter() - started


# --------------------------------------------------------------------------- the run


def _portfolio_file() -> Path:
    from automl_kedro.ml import models

    return Path(models.__file__).resolve().parent / models.PORTFOLIOS_FILE


def _dump(data: dict[str, Any]) -> str:
    """The portfolio file: one record entry and one configuration per line."""
    parts = []
    for key, value in data.items():
        if isinstance(value, list):
            body = ",\n".join(f"  {json.dumps(c)}" for c in value)
            parts.append(f" {json.dumps(key)}: [\n{body}\n ]" if value else f" {json.dumps(key)}: []")
        else:
            body = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in value.items())
            parts.append(f" {json.dumps(key)}: {{\n{body}\n }}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def learn(families, set_names, *, n_sampled, k, n_folds, seed, n_jobs, max_rows):
    """Scores of every family's candidates on every set, and each family's greedy portfolio."""
    from joblib import Parallel, delayed

    from automl_kedro.ml.metrics import METRICS, default_primary_metric
    from automl_kedro.ml.models import PORTFOLIOS

    t0 = time.perf_counter()
    sets = [prepare(name, n_folds, seed, max_rows) for name in set_names]
    signs = np.array([METRICS.get(default_primary_metric(s.task)).sign() for s in sets])
    # the costliest sets first (rows x trees per round), so that the two workers finish together
    order = sorted(range(len(sets)), key=lambda j: -len(sets[j].y) * max(1, len(sets[j].classes or ()) - 1))
    print(f"prepared {len(sets)} sets in {time.perf_counter() - t0:.1f} s", flush=True)
    results = {}
    for family in families:
        candidates: list[tuple[str, dict | None]] = [("defaults", None)]
        previous = [dict(c) for c in PORTFOLIOS.get(family, ())]
        candidates += [(f"previous-{i + 1}", c) for i, c in enumerate(previous)]
        candidates += [(f"sampled-{i + 1}", c) for i, c in enumerate(sample_configs(family, n_sampled, seed))]
        t1 = time.perf_counter()
        jobs = [(ci, si) for si in order for ci in range(len(candidates))]
        out = Parallel(n_jobs=n_jobs, batch_size=1)(
            delayed(evaluate)(family, candidates[ci][1], sets[si], seed) for ci, si in jobs)
        scores = np.full((len(candidates), len(sets)), np.nan)
        seconds = np.zeros_like(scores)
        for (ci, si), (score, sec) in zip(jobs, out):
            scores[ci, si] = score
            seconds[ci, si] = sec
        errors = normalised_errors(scores * signs)  # larger is better
        picks = greedy_portfolio(errors, k, start=(0,))
        results[family] = dict(candidates=candidates, scores=scores, seconds=seconds, errors=errors, picks=picks,
                               previous_rows=[i for i, (label, _) in enumerate(candidates) if label.startswith("prev")],
                               wall=time.perf_counter() - t1)
        print(f"{family}: {len(candidates)} configurations x {len(sets)} sets in {results[family]['wall']:.0f} s",
              flush=True)
    return [s.name for s in sets], results


def report(set_names: list[str], results: dict[str, dict]) -> str:
    """Markdown: per family the chosen configurations and the portfolio's mean normalised error as it grows."""
    lines = []
    for family, r in results.items():
        errors, cands, picks, seconds = r["errors"], r["candidates"], r["picks"], r["seconds"]
        lines += [f"\n### {family} ({len(cands)} configurations, {r['wall']:.0f} s)\n",
                  "| portfolio | mean normalised error | CV seconds of the added configuration (all sets) |"
                  " added configuration |", "|---|---|---|---|",
                  f"| defaults only | {portfolio_error(errors, [0]):.3f} | {seconds[0].sum():.1f} | |"]
        for n in range(1, len(picks) + 1):
            label, config = cands[picks[n - 1]]
            lines.append(f"| defaults + {n} learned | {portfolio_error(errors, [0, *picks[:n]]):.3f} | "
                         f"{seconds[picks[n - 1]].sum():.1f} | {label}: `{json.dumps(config)}` |")
        previous = r["previous_rows"]
        if previous:
            lines.append(f"| defaults + previous portfolio | {portfolio_error(errors, [0, *previous]):.3f} | "
                         f"{seconds[previous].sum():.1f} | the file's {len(previous)} configurations before this run |")
        lines.append(f"| median configuration evaluated | | {np.median(seconds.sum(axis=1)):.1f} | |")
        lines += ["", "| set | defaults | best of defaults + learned | best of defaults + previous | best evaluated |",
                  "|---|---|---|---|---|"]
        for j, name in enumerate(set_names):
            s, e = r["scores"][:, j], errors[:, j]  # best by error: the metric's direction is in it

            def best(rows, s=s, e=e):
                rows = list(rows)
                return f"{s[rows][np.argmin(e[rows])]:.4f}"

            lines.append(f"| {name} | {s[0]:.4f} | {best([0, *picks])} | {best([0, *previous])} | "
                         f"{best(range(len(s)))} |")
    return "\n".join(lines)


def save_scores(set_names: list[str], results: dict[str, dict]) -> Path:
    """Every configuration's score and CV seconds per set, to ``results/`` (git-ignored), for later study."""
    rows = [{"family": family, "configuration": label, "params": json.dumps(config), "set": name,
             "score": r["scores"][i, j], "normalised_error": r["errors"][i, j], "seconds": r["seconds"][i, j],
             "chosen": i in r["picks"]}
            for family, r in results.items() for i, (label, config) in enumerate(r["candidates"])
            for j, name in enumerate(set_names)]
    path = HERE / "results" / f"learn_portfolio_{dt.datetime.now():%Y%m%d-%H%M%S}.csv"
    path.parent.mkdir(exist_ok=True)
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def main(argv=None) -> None:
    from portfolio_sets import SETS

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--families", default=",".join(DEFAULT_FAMILIES))
    ap.add_argument("--sets", default="all", help="all, or names from portfolio_sets.py")
    ap.add_argument("--n-sampled", type=int, default=16)
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--n-jobs", type=int, default=2)
    ap.add_argument("--max-rows", type=int, default=5000)
    ap.add_argument("--dry-run", action="store_true", help="print the table, leave the portfolio file alone")
    args = ap.parse_args(argv)
    from automl_kedro.ml.models import get_model

    families = [get_model(f).name for f in args.families.split(",")]
    missing = [f for f in families if not get_model(f).available()]
    if missing:
        raise SystemExit(f"not installed: {missing}; drop them from --families")
    set_names = [s.name for s in SETS] if args.sets == "all" else args.sets.split(",")
    started = time.perf_counter()
    names, results = learn(families, set_names, n_sampled=args.n_sampled, k=args.k, n_folds=args.folds,
                           seed=args.seed, n_jobs=args.n_jobs, max_rows=args.max_rows)
    print(report(names, results))
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    print(f"scores: {save_scores(names, results)}")
    if args.dry_run:
        return
    path = _portfolio_file()
    data = json.loads(path.read_text(encoding="utf-8"))
    record = {
        "sets": names, "date": dt.date.today().isoformat(),
        "command": ("PYTHONPATH=src python benchmarks/learn_portfolio.py " + " ".join(argv or sys.argv[1:])).strip(),
        "families": families, "seed": args.seed, "folds": args.folds,
        "configurations_evaluated": {f: len(r["candidates"]) for f, r in results.items()},
        "selection": "greedy from the defaults on the mean over sets of (best - score) / (best - median), capped at 1",
        "mean_normalised_error": {f: {"defaults": round(portfolio_error(r["errors"], [0]), 4),
                                      "defaults + portfolio": round(portfolio_error(r["errors"], [0, *r["picks"]]), 4)}
                                  for f, r in results.items()},
    }
    hand = [f for f in data if not f.startswith("_") and f not in results]
    if hand:
        record["hand_picked_not_learned"] = hand
    out = {"_learned_from": record}
    for family in dict.fromkeys([*(f for f in data if not f.startswith("_")), *results]):
        r = results.get(family)
        out[family] = [r["candidates"][i][1] for i in r["picks"]] if r else data[family]
    path.write_text(_dump(out), encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
