"""The metric registry: each metric with its direction and whether it needs probabilities.

A metric function takes ``(y_true, y_pred, proba, classes)``: ``y_pred`` the predicted
values or labels, ``proba`` an (n, K) array of class probabilities ordered as ``classes``
(None for regression or when the model gives none).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from scipy.stats import rankdata
from sklearn import metrics as skm

from automl_kedro.registry import Registry


@dataclass(frozen=True)
class MetricSpec:
    name: str
    tasks: tuple[str, ...]
    func: Callable[[Any, Any, Any, Any], float]
    greater_is_better: bool = True
    needs_proba: bool = False
    aliases: tuple[str, ...] = ()

    def sign(self) -> float:
        """+1 when larger is better, -1 otherwise (to compare scores as 'larger is better')."""
        return 1.0 if self.greater_is_better else -1.0


METRICS: Registry[MetricSpec] = Registry("metric")


def register_metric(spec: MetricSpec, *, replace: bool = False) -> MetricSpec:
    """Add a metric (plugins call this at import time)."""
    return METRICS.register(spec.name, spec, spec.aliases, replace=replace)


def get_metric(name: str) -> MetricSpec:
    return METRICS.get(name)


def align_proba(proba, model_classes, classes) -> np.ndarray:
    """Probability columns re-ordered (and zero-filled) to follow ``classes``.

    A model fitted on a fold that lacks a class returns fewer columns, in its own order.
    """
    proba = np.asarray(proba, dtype=float)
    have = [str(c) for c in model_classes]
    if have == [str(c) for c in classes]:
        return proba
    full = np.zeros((len(proba), len(classes)))
    index = {str(c): i for i, c in enumerate(classes)}
    for j, c in enumerate(have):
        full[:, index[c]] = proba[:, j]
    return full


def _binary_pos(proba, classes):
    return proba[:, 1]


def _binary_auc(positive: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC as the Mann-Whitney statistic (ties count one half): scikit-learn's value without its input
    checks, which cost ~100x the arithmetic on a few hundred rows (the search scores every fold of every
    trial, the selection every chunk of the validation rows)."""
    n_pos = int(positive.sum())
    n_neg = positive.size - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("ROC AUC needs both classes among the rows.")
    ranks = rankdata(score)
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _roc_auc(y, pred, proba, classes):
    """Binary: the positive class's AUC. Multiclass: one-vs-rest, the mean over the classes among ``y`` (scikit-
    learn's macro average, which fails where a class has no row, e.g. one too rare to be scored in CV)."""
    y = np.asarray(y)
    if len(classes) == 2:
        return _binary_auc(y == classes[1], np.asarray(_binary_pos(proba, classes), dtype=float))
    present = [j for j, c in enumerate(classes) if (y == c).any()]
    if len(present) < 2:
        raise ValueError("ROC AUC needs at least two classes among the rows.")
    proba = np.asarray(proba, dtype=float)
    return float(np.mean([_binary_auc(y == classes[j], proba[:, j]) for j in present]))


def _log_loss(y, pred, proba, classes):
    return skm.log_loss(y, np.clip(proba, 1e-15, 1 - 1e-15), labels=list(classes))


_REG = ("regression",)
_CLF = ("binary", "multiclass")

for _m in (
    MetricSpec("r2", _REG, lambda y, p, pr, c: skm.r2_score(y, p), True, False, ("r_squared",)),
    MetricSpec("mae", _REG, lambda y, p, pr, c: skm.mean_absolute_error(y, p), False, False,
               ("mean_absolute_error",)),
    MetricSpec("mse", _REG, lambda y, p, pr, c: skm.mean_squared_error(y, p), False, False, ("mean_squared_error",)),
    MetricSpec("rmse", _REG, lambda y, p, pr, c: math.sqrt(skm.mean_squared_error(y, p)), False, False,
               ("root_mean_squared_error",)),
    MetricSpec("accuracy", _CLF, lambda y, p, pr, c: skm.accuracy_score(y, p), True, False, ("acc",)),
    MetricSpec("balanced_accuracy", _CLF, lambda y, p, pr, c: skm.balanced_accuracy_score(y, p), True, False),
    MetricSpec("precision_macro", _CLF,
               lambda y, p, pr, c: skm.precision_score(y, p, average="macro", labels=list(c), zero_division=0),
               True, False, ("precision",)),
    MetricSpec("recall_macro", _CLF,
               lambda y, p, pr, c: skm.recall_score(y, p, average="macro", labels=list(c), zero_division=0),
               True, False, ("recall",)),
    MetricSpec("f1_macro", _CLF, lambda y, p, pr, c: skm.f1_score(y, p, average="macro", labels=list(c),
                                                                   zero_division=0), True, False, ("f1",)),
    MetricSpec("roc_auc", _CLF, _roc_auc, True, True, ("auc", "roc_auc_ovr", "rocauc")),
    MetricSpec("log_loss", _CLF, _log_loss, False, True, ("logloss", "cross_entropy")),
):
    register_metric(_m)


def default_metrics(task: str) -> list[str]:
    """Every built-in metric that applies to the task."""
    return [name for name, spec in METRICS.items() if task in spec.tasks]


def default_primary_metric(task: str) -> str:
    """r2 for regression, ROC AUC for binary, accuracy for multiclass problems."""
    return {"regression": "r2", "binary": "roc_auc", "multiclass": "accuracy"}[task]


def resolve_metrics(names: list[str] | None, task: str) -> list[MetricSpec]:
    """Metric specs for a task (all that apply when ``names`` is empty); a wrong-task name is an error."""
    specs = []
    for name in names or default_metrics(task):
        spec = METRICS.get(name)
        if task not in spec.tasks:
            raise ValueError(
                f"Metric {spec.name!r} does not apply to {task} problems; use one of {', '.join(default_metrics(task))}."
            )
        if spec not in specs:
            specs.append(spec)
    return specs


def compute_metrics(specs: list[MetricSpec], y_true, y_pred, proba=None, classes=None) -> dict[str, float]:
    """Each metric's value; NaN where it cannot be computed (e.g. no probabilities)."""
    out = {}
    for spec in specs:
        if spec.needs_proba and proba is None:
            out[spec.name] = float("nan")
            continue
        try:
            out[spec.name] = float(spec.func(y_true, y_pred, proba, classes))
        except ValueError:  # e.g. a fold with one class for ROC AUC
            out[spec.name] = float("nan")
    return out


def metric_display_name(name: str, task: str) -> str:
    """The name the evaluate report uses (roc_auc on multiclass is one-vs-rest)."""
    return "roc_auc_ovr" if name == "roc_auc" and task == "multiclass" else name
