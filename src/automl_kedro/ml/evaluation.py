"""Scoring a fitted model on held-out rows (the evaluate phase's pure core)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from automl_kedro.ml import figures as figs
from automl_kedro.ml.metrics import compute_metrics, default_metrics, resolve_metrics
from automl_kedro.ml.fold_fit import proba_of


@dataclass
class EvalResult:
    metrics: dict[str, float]
    y_pred: np.ndarray
    proba: np.ndarray | None = None
    classes: list[str] | None = None
    y_std: np.ndarray | None = None
    figures: dict[str, Any] = field(default_factory=dict)


def prediction_std(model, X) -> np.ndarray | None:
    """Spread of a regression prediction where the model has one: the trees of a forest, or the
    members of a voting ensemble; None otherwise."""
    try:
        final = model.steps[-1][1] if hasattr(model, "steps") else model
        pre = model[:-1] if hasattr(model, "steps") else None
        if hasattr(final, "members_"):  # our ensembles: spread across member predictions
            outs = np.column_stack([np.asarray(m.predict(X), float) for m in final.members_])
            return outs.std(axis=1)
        trees = getattr(final, "estimators_", None)
        if isinstance(trees, list) and trees and hasattr(trees[0], "predict"):
            Xt = pre.transform(X) if pre is not None and pre != "passthrough" else X
            Xt = np.asarray(Xt, dtype=float)
            outs = np.column_stack([t.predict(Xt) for t in trees])
            return outs.std(axis=1)
    except Exception:  # noqa: BLE001 - uncertainty is optional
        return None
    return None


def evaluate_predictions(model, X: pd.DataFrame, y: pd.Series, task: str, classes=None) -> EvalResult:
    """Metrics (with ``auc`` for classification), predictions, probabilities and test figures."""
    if task == "regression":
        y_true = pd.Series(y).astype(float).to_numpy()
        pred = np.asarray(model.predict(X), dtype=float)
        metrics = compute_metrics(resolve_metrics(default_metrics(task), task), y_true, pred)
        out = {"r2": metrics["r2"], "mae": metrics["mae"], "mse": metrics["mse"], "rmse": metrics["rmse"]}
        figures = {f"01_test/{k.split('/', 1)[1]}": v for k, v in figs.regression_figures(y_true, pred, figs.TEST_SET).items()}
        return EvalResult(out, pred, y_std=prediction_std(model, X), figures=figures)
    y_true = pd.Series(y).astype(str).to_numpy(dtype=object)
    model_classes = [str(c) for c in getattr(model, "classes_", classes or [])]
    labels = sorted(set(model_classes) | set(str(c) for c in (classes or [])))
    pred = np.asarray(model.predict(X)).astype(str).astype(object)
    proba, calibrated = proba_of(model, X, labels)
    metrics = compute_metrics(resolve_metrics(default_metrics(task), task), y_true, pred, proba, labels)
    if not calibrated:
        metrics["log_loss"] = float("nan")
    metrics["auc"] = metrics["roc_auc"]
    figures = {f"01_test/{k.split('/', 1)[1]}": v
               for k, v in figs.classification_figures(y_true, pred, proba, labels, figs.TEST_SET).items()}
    clean = {k: (float(v) if np.isfinite(v) else None) for k, v in metrics.items()}
    return EvalResult(clean, pred, proba, labels, None, figures)
