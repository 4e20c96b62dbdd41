"""One fold's fit and predictions, the unit of work the search hands to a worker thread or process.

Kept apart from the search so that a worker process imports only what a fit needs (numpy, scikit-learn),
not Optuna or the engine: a fresh worker starts in about a second instead of three.
"""
from __future__ import annotations

import time
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from automl_kedro.ml.metrics import align_proba


def proba_of(model, X, classes):
    """Class probabilities in the order of ``classes``; decision scores squashed when the model has none."""
    if hasattr(model, "predict_proba"):
        p = np.asarray(model.predict_proba(X), dtype=float)
        calibrated = True
    elif hasattr(model, "decision_function"):
        d = np.asarray(model.decision_function(X), dtype=float)
        if d.ndim == 1:
            pos = 1.0 / (1.0 + np.exp(-d))
            p = np.column_stack([1 - pos, pos])
        else:
            e = np.exp(d - d.max(axis=1, keepdims=True))
            p = e / e.sum(axis=1, keepdims=True)
        calibrated = False
    else:
        return None, False
    return align_proba(p, getattr(model, "classes_", classes), classes), calibrated


def set_threads(estimator, threads: int) -> None:
    """Give the estimator (or the one it wraps) ``threads`` threads where it has an ``n_jobs`` / ``thread_count``."""
    keys = [k for k in estimator.get_params(deep=True)
            if k.rsplit("__", 1)[-1] in ("n_jobs", "thread_count")]
    if keys:
        estimator.set_params(**{k: threads for k in keys})


def fit_predict(est, Xtr, ytr, Xva, classes, threads: int = 1):
    """Fit a clone of ``est`` on preprocessed training rows and predict the validation rows:
    (predictions, probabilities, calibrated, fit seconds, predict seconds, fitted model).

    ``threads`` > 1 when this fold runs alone (a holdout, or the last fold of an odd batch): the cores the
    batch leaves idle go to this fit."""
    # the OpenMP limit is set in THIS worker: a limit set in the main thread does not reach it, and
    # OpenMP teams oversubscribing the cores on a busy machine made HistGradientBoosting 10-20x slower
    with threadpool_limits(threads):
        model = clone(est)
        if threads > 1:
            set_threads(model, threads)
        t0 = time.perf_counter()
        model.fit(Xtr, ytr)
        t1 = time.perf_counter()
        pred = np.asarray(model.predict(Xva))
        proba, calibrated = (None, False)
        if classes is not None:
            proba, calibrated = proba_of(model, Xva, classes)
        t2 = time.perf_counter()
    return pred, proba, calibrated, t1 - t0, t2 - t1, model


def ignore_fit_warnings() -> None:
    """Silence what a long search would drown the log in (call inside ``warnings.catch_warnings()``): the
    scores say what matters."""
    warnings.simplefilter("ignore", ConvergenceWarning)
    warnings.filterwarnings("ignore", message=".*valid feature names.*")


def fit_predict_in_process(est, Xtr, ytr, Xva, classes, threads: int = 1):
    """:func:`fit_predict` in a worker process, which does not see the search's warning filters."""
    with warnings.catch_warnings():
        ignore_fit_warnings()
        return fit_predict(est, Xtr, ytr, Xva, classes, threads)
