"""Conformal prediction from out-of-fold predictions: intervals (regression) and sets (classification).

The nonconformity scores are computed on the recommended model's out-of-fold predictions
(``train.oof_predictions``): every training row was predicted by a model that had not seen it, so
the scores are exchangeable with those of a new row, and the finite-sample quantile
``ceil((n + 1) * level) / n`` gives marginal coverage of at least ``level`` (split-conformal read on
CV folds, as in CV+ without the per-fold refits). The deployed model is refitted on all rows, so it
is, if anything, slightly better than the fold models: the intervals stay valid and are a little
conservative.

Regression intervals are locally adaptive when a difficulty estimate is available: the score is
``|y - y_hat| / sigma(x)`` with ``sigma`` the mean absolute OOF residual of the k nearest training
rows (``normalised=True``), so intervals are wider where the model was wrong more often.
Classification probabilities are first calibrated by temperature scaling on the OOF probabilities
(:func:`fit_temperature`); the sets use the LAC score ``1 - p_true`` on the calibrated OOF
probabilities: a set holds every class whose probability is at least ``1 - q``, and never less than
the most probable class.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd


def conformal_quantile(scores: np.ndarray, level: float) -> float:
    """The ``ceil((n+1) level)``-th smallest score (``inf`` when too few scores for the level)."""
    scores = np.sort(np.asarray(scores, dtype=float)[np.isfinite(scores)])
    n = len(scores)
    if n == 0:
        return math.inf
    k = math.ceil((n + 1) * level)
    return math.inf if k > n else float(scores[k - 1])


@dataclass
class RegressionConformal:
    """Interval half-width ``q * sigma(x)`` around a point prediction (sigma = 1 when not normalised)."""

    level: float
    quantile: float
    n_calibration: int
    normalised: bool = False

    @classmethod
    def fit(cls, y_true, y_pred, level: float, sigma=None) -> "RegressionConformal":
        residual = np.abs(np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float))
        if sigma is not None:
            residual = residual / np.asarray(sigma, dtype=float)
        return cls(level=level, quantile=conformal_quantile(residual, level), n_calibration=int(len(residual)),
                   normalised=sigma is not None)

    def interval(self, y_pred, sigma=None) -> tuple[np.ndarray, np.ndarray]:
        y_pred = np.asarray(y_pred, dtype=float)
        half = self.quantile * (np.asarray(sigma, dtype=float) if self.normalised and sigma is not None else 1.0)
        return y_pred - half, y_pred + half


@dataclass
class ClassificationConformal:
    """Prediction sets at ``level`` from the probabilities of the true class on OOF rows."""

    level: float
    quantile: float
    classes: list[str]
    n_calibration: int

    @classmethod
    def fit(cls, y_true, proba: np.ndarray, classes: list[str], level: float) -> "ClassificationConformal":
        y_true = np.asarray(y_true).astype(str)
        index = {c: i for i, c in enumerate(classes)}
        known = np.array([t in index for t in y_true])
        cols = np.array([index.get(t, 0) for t in y_true])
        p_true = np.asarray(proba, dtype=float)[np.arange(len(y_true)), cols]
        scores = 1.0 - p_true[known]
        return cls(level=level, quantile=conformal_quantile(scores, level), classes=list(classes),
                   n_calibration=int(known.sum()))

    def sets(self, proba: np.ndarray) -> list[list[str]]:
        proba = np.asarray(proba, dtype=float)
        keep = (1.0 - proba) <= self.quantile
        keep[np.arange(len(proba)), proba.argmax(axis=1)] = True
        return [[c for c, k in zip(self.classes, row) if k] for row in keep]


def proba_columns(frame: pd.DataFrame, classes: list[str]) -> np.ndarray | None:
    """``proba_<class>`` columns in ``classes`` order, or None when any is absent."""
    cols = [f"proba_{c}" for c in classes]
    if not all(c in frame for c in cols):
        return None
    return frame[cols].to_numpy(dtype=float)


def set_label(members: list[str]) -> str:
    """A prediction set as one CSV cell: ``Adelie|Chinstrap``."""
    return "|".join(members)


def interval_report(y_true, lower, upper, level: float) -> dict[str, float]:
    """Measured coverage and mean width of intervals on rows with a known target."""
    y = np.asarray(y_true, dtype=float)
    lo, hi = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    inside = (y >= lo) & (y <= hi)
    return {"interval_level": float(level), "interval_coverage": float(inside.mean()),
            "interval_mean_width": float(np.mean(hi - lo))}


def set_report(y_true, sets: list[list[str]], level: float) -> dict[str, float]:
    """Measured coverage and mean size of prediction sets."""
    y = np.asarray(y_true).astype(str)
    covered = [t in s for t, s in zip(y, sets)]
    return {"set_level": float(level), "set_coverage": float(np.mean(covered)),
            "set_mean_size": float(np.mean([len(s) for s in sets]))}


def fit_temperature(y_true, proba: np.ndarray, classes: list[str]) -> float:
    """Temperature scaling on out-of-fold probabilities: ``softmax(log p / T)`` with ``T`` minimising the
    log loss (``T > 1`` softens an overconfident model, ``T < 1`` sharpens a timid one; the most probable class
    never changes). 1.0 when it does not lower the out-of-fold log loss by at least 0.001."""
    from scipy.optimize import minimize_scalar

    y = np.asarray(y_true).astype(str)
    index = {c: i for i, c in enumerate(classes)}
    known = np.array([t in index for t in y])
    if known.sum() < 10:
        return 1.0
    cols = np.array([index[t] for t in y[known]])
    logp = np.log(np.clip(np.asarray(proba, dtype=float)[known], 1e-12, 1.0))

    def loss(log_t: float) -> float:
        z = logp / np.exp(log_t)
        z = z - z.max(axis=1, keepdims=True)
        z = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-z[np.arange(len(cols)), cols].mean())

    found = minimize_scalar(loss, bounds=(-4.0, 4.0), method="bounded")
    return float(np.exp(found.x)) if loss(0.0) - found.fun >= 1e-3 else 1.0


def apply_temperature(proba: np.ndarray, temperature: float) -> np.ndarray:
    if temperature == 1.0:
        return np.asarray(proba, dtype=float)
    z = np.log(np.clip(np.asarray(proba, dtype=float), 1e-12, 1.0)) / temperature
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)
