"""Permutation importance of any fitted model, on rows it did not train on, per RAW input column.

For each cross-validation fold, the model fitted without that fold's rows predicts them once as they are
and once per repeat with one raw column shuffled; the importance of the column is the mean loss of the
primary metric (larger = the model relies more on it). Shuffling raw columns (before preprocessing)
makes one-hot, date-part and native inputs comparable and works for every model: boosters,
ensembles, kNN, MLP alike. ``importance_std`` is the spread over folds x repeats. Under a time limit
a column not reached in time is NaN (not measured).
"""
from __future__ import annotations

import time

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from automl_kedro.ml.metrics import MetricSpec, align_proba, compute_metrics

COLUMNS = ("feature", "importance", "importance_std")


def _score(model, X: pd.DataFrame, y, metric: MetricSpec, classes) -> float:
    pred = np.asarray(model.predict(X))
    proba = None
    if classes is not None and hasattr(model, "predict_proba"):
        proba = align_proba(np.asarray(model.predict_proba(X), dtype=float), model.classes_, classes)
    return compute_metrics([metric], y, pred, proba, classes)[metric.name] * metric.sign()


def permutation_importance(fold_models, X: pd.DataFrame, y, splits, metric: MetricSpec, classes=None, *,
                           n_repeats: int = 2, max_rows: int = 1500, seed: int = 0,
                           time_limit: float | None = None) -> pd.DataFrame:
    """Importance of each column of ``X`` for ``fold_models[k]`` scored on ``splits[k]``'s validation rows.

    At most ``max_rows`` validation rows in all (spread over the folds) keep it affordable; with a
    ``time_limit`` (seconds), the first prediction's cost sets how many folds and repeats fit in it
    (at least one fold, one repeat).
    """
    rng = np.random.default_rng(seed)
    y = np.asarray(y)
    per_fold = max(50, max_rows // max(1, len(fold_models)))
    drops: dict[str, list[float]] = {str(c): [] for c in X.columns}
    pairs = list(zip(fold_models, splits))
    started = time.perf_counter()
    k = -1
    while k + 1 < len(pairs):  # pairs may shrink after the first fold (time_limit)
        k += 1
        model, (_, va) = pairs[k]
        rows = va if len(va) <= per_fold else np.sort(rng.choice(va, per_fold, replace=False))
        Xv = X.iloc[rows].reset_index(drop=True)
        yv = y[rows]
        t0 = time.perf_counter()
        base = _score(model, Xv, yv, metric, classes)
        if k == 0 and time_limit is not None:
            per_call = time.perf_counter() - t0
            if per_call * len(X.columns) > time_limit and len(Xv) > 100:  # fewer rows for one pass to fit
                keep = max(100, int(len(Xv) * time_limit / (per_call * len(X.columns))))
                Xv, yv = Xv.iloc[:keep].reset_index(drop=True), yv[:keep]
                t0 = time.perf_counter()
                base = _score(model, Xv, yv, metric, classes)
                per_call = time.perf_counter() - t0
            affordable = time_limit / max(per_call * len(X.columns), 1e-9)  # calls of one full pass per column
            n_repeats = max(1, min(n_repeats, int(affordable)))
            pairs = pairs[: max(1, int(affordable // n_repeats))]
        for column in X.columns:
            if time_limit is not None and time.perf_counter() - started > time_limit:
                continue  # out of time: this column keeps what it has (NaN when nothing: not measured)
            for _ in range(n_repeats):
                shuffled = Xv.copy()
                shuffled[column] = Xv[column].to_numpy()[rng.permutation(len(Xv))]
                drops[str(column)].append(base - _score(model, shuffled, yv, metric, classes))
    out = pd.DataFrame({
        "feature": list(drops),
        "importance": [float(np.nanmean(v)) if v else float("nan") for v in drops.values()],
        "importance_std": [float(np.nanstd(v)) if v else float("nan") for v in drops.values()],
    })
    return out.sort_values(["importance", "feature"], ascending=[False, True]).reset_index(drop=True)


def importance_figure(table: pd.DataFrame, metric: str, top: int = 20) -> go.Figure:
    """Horizontal bars: the loss of the metric when a raw column is shuffled, with its spread."""
    s = table.head(top).iloc[::-1]
    fig = go.Figure(go.Bar(x=s["importance"], y=s["feature"].astype(str), orientation="h",
                           error_x={"type": "data", "array": s["importance_std"]}))
    fig.update_layout(
        title=f"Permutation importance of the recommended model (top {len(s)} input columns, out-of-fold rows)",
        xaxis_title=f"loss of {metric} when the column is shuffled", yaxis_title="input column",
        height=300 + 18 * len(s))
    return fig
