"""Per-row explanations for any model: how much each raw input column moves this row's prediction.

Model-agnostic and on the raw input columns (never one-hot columns): the contribution of column
``j`` to row ``x`` is ``f(x) - mean_b f(x with column j set to b_j)`` over background training
rows ``b``, i.e. how far the prediction moves away from what it would be with a typical value of
that column (an interventional occlusion; for a model additive in its inputs it equals the
SHAP value). Regression explains ``y_pred``; classification the probability of the predicted class.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

BACKGROUND_ROWS = 50


def row_contributions(model, X: pd.DataFrame, background: pd.DataFrame, task: str, *,
                      seed: int = 0) -> pd.DataFrame:
    """A rows x columns table of contributions (same index and columns as ``X``)."""
    X = X.reset_index(drop=True)
    if len(background) > BACKGROUND_ROWS:
        background = background.sample(BACKGROUND_ROWS, random_state=seed)
    background = background[X.columns].reset_index(drop=True)

    if task == "regression":
        base = np.asarray(model.predict(X), dtype=float)
        target_col = None
    else:
        proba = np.asarray(model.predict_proba(X), dtype=float)
        target_col = proba.argmax(axis=1)
        base = proba[np.arange(len(X)), target_col]

    n_b = len(background)
    out = np.zeros((len(X), len(X.columns)))
    for j, col in enumerate(X.columns):
        # every row repeated once per background row, column j replaced by the background's value
        frame = X.loc[np.repeat(np.arange(len(X)), n_b)].reset_index(drop=True)
        frame[col] = np.tile(background[col].to_numpy(), len(X))
        if task == "regression":
            pred = np.asarray(model.predict(frame), dtype=float).reshape(len(X), n_b)
        else:
            p = np.asarray(model.predict_proba(frame), dtype=float)
            pred = p[np.arange(len(frame)), np.repeat(target_col, n_b)].reshape(len(X), n_b)
        out[:, j] = base - pred.mean(axis=1)
    return pd.DataFrame(out, columns=list(X.columns))


def top_contributions(contrib: pd.DataFrame, X: pd.DataFrame, sample_id: pd.Series, top: int = 5) -> pd.DataFrame:
    """Long table: ``sample_id``, ``rank``, ``feature``, ``value``, ``contribution`` (largest |effect| first)."""
    rows = []
    for i in range(len(contrib)):
        order = np.argsort(-np.abs(contrib.iloc[i].to_numpy()), kind="stable")[:top]
        for rank, j in enumerate(order, start=1):
            col = contrib.columns[j]
            rows.append({"sample_id": sample_id.iloc[i], "rank": rank, "feature": col,
                         "value": X[col].iloc[i], "contribution": float(contrib.iloc[i, j])})
    return pd.DataFrame(rows, columns=["sample_id", "rank", "feature", "value", "contribution"])
