"""The promotion test: is a challenger model better than the champion on the same rows?

Both models are scored on the same labelled rows. A paired bootstrap resamples those rows
(the same resample for both models) and recomputes the primary metric, which gives the
improvement's confidence interval and a one-sided p-value (the share of resamples in which
the challenger is not better). Gates then decide: minimum improvement, p-value, predict
latency and model size. Pure: no Kedro, no files.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from automl_kedro.ml.metrics import MetricSpec


@dataclass(frozen=True)
class Gates:
    """What a challenger must meet to replace the champion (the one place of these defaults)."""

    min_improvement: float = 0.0  # in the primary metric's units, "larger is better" direction
    max_p_value: float = 0.05  # one-sided: chance the challenger is not better
    max_predict_ms_per_1000_rows: float = 2000.0  # challenger's predict time, scaled to 1000 rows
    max_size_mb: float = 500.0  # challenger's model file
    n_bootstrap: int = 1000
    confidence: float = 0.95
    seed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Scored:
    """One model's outputs on the evaluation rows."""

    y_pred: np.ndarray
    proba: np.ndarray | None
    predict_seconds: float  # per 1000 rows
    size_bytes: int


def _score(spec: MetricSpec, y, scored: Scored, classes, idx) -> float:
    proba = scored.proba[idx] if scored.proba is not None else None
    try:
        return float(spec.func(y[idx], scored.y_pred[idx], proba, classes))
    except ValueError:  # e.g. a resample with a single class for ROC AUC
        return float("nan")


def paired_bootstrap(spec: MetricSpec, y_true, challenger: Scored, champion: Scored, classes=None,
                     n_bootstrap: int = 1000, confidence: float = 0.95, seed: int = 0) -> dict[str, Any]:
    """Observed scores, improvement (positive = challenger better), its CI and one-sided p-value."""
    y = np.asarray(y_true)
    n = len(y)
    everything = np.arange(n)
    sign = spec.sign()
    challenger_score = _score(spec, y, challenger, classes, everything)
    champion_score = _score(spec, y, champion, classes, everything)
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(n_bootstrap):
        idx = rng.integers(0, n, n)
        d = sign * (_score(spec, y, challenger, classes, idx) - _score(spec, y, champion, classes, idx))
        if np.isfinite(d):
            diffs.append(d)
    diffs_arr = np.asarray(diffs)
    alpha = (1 - confidence) / 2
    if len(diffs_arr):
        ci_low, ci_high = (float(v) for v in np.quantile(diffs_arr, [alpha, 1 - alpha]))
        p_value = float((np.sum(diffs_arr <= 0) + 1) / (len(diffs_arr) + 1))
    else:
        ci_low = ci_high = p_value = float("nan")
    return {
        "metric": spec.name,
        "greater_is_better": spec.greater_is_better,
        "challenger_score": challenger_score,
        "champion_score": champion_score,
        "improvement": sign * (challenger_score - champion_score),
        "ci_low": ci_low,
        "ci_high": ci_high,
        "confidence": confidence,
        "p_value": p_value,
        "n_rows": int(n),
        "n_bootstrap": int(len(diffs_arr)),
    }


def _gate(value: float, limit: float, passed: bool, by: float, unit: str, text: str) -> dict[str, Any]:
    return {"value": value, "limit": limit, "passed": bool(passed), "by": by, "unit": unit, "rule": text}


def check_gates(test: dict[str, Any], challenger: Scored, champion: Scored, gates: Gates) -> dict[str, dict[str, Any]]:
    """Each gate's value, limit, verdict and by how much it is missed (0 when passed)."""
    per_1000 = challenger.predict_seconds * 1000.0  # seconds per 1000 rows -> ms
    size_mb = challenger.size_bytes / 1e6
    improvement, p_value = test["improvement"], test["p_value"]
    return {
        "min_improvement": _gate(improvement, gates.min_improvement, improvement >= gates.min_improvement,
                                 max(0.0, gates.min_improvement - improvement), test["metric"],
                                 "improvement in the primary metric must be at least the limit"),
        "max_p_value": _gate(p_value, gates.max_p_value, bool(p_value <= gates.max_p_value),
                             max(0.0, p_value - gates.max_p_value), "probability",
                             "chance that the challenger is not better must be at most the limit"),
        "max_predict_ms_per_1000_rows": _gate(per_1000, gates.max_predict_ms_per_1000_rows,
                                              per_1000 <= gates.max_predict_ms_per_1000_rows,
                                              max(0.0, per_1000 - gates.max_predict_ms_per_1000_rows), "ms",
                                              "predict time for 1000 rows must be at most the limit"),
        "max_size_mb": _gate(size_mb, gates.max_size_mb, size_mb <= gates.max_size_mb,
                             max(0.0, size_mb - gates.max_size_mb), "MB",
                             "model file size must be at most the limit"),
    }


def failed_gates_message(gates: dict[str, dict[str, Any]]) -> str:
    """One line per failed gate: which, the value, the limit and by how much."""
    lines = []
    for name, g in gates.items():
        if not g["passed"]:
            lines.append(f"{name}: {g['value']:.4g} vs limit {g['limit']:.4g} ({g['unit']}), "
                         f"missed by {g['by']:.4g}")
    return "; ".join(lines)


def score_model(model, X, task: str, classes: list[str] | None, size_bytes: int, repeats: int = 3,
                timing_rows: int = 1000) -> Scored:
    """Predictions (labels as strings for classification), aligned probabilities, the model's file
    size, and its predict time for ``timing_rows`` rows (drawn from ``X``; fastest of ``repeats``)."""
    import time

    from automl_kedro.ml.metrics import align_proba

    batch = X.sample(timing_rows, replace=True, random_state=0) if len(X) else X
    timings = []
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        model.predict(batch)
        timings.append(time.perf_counter() - t0)
    y_pred = model.predict(X)
    proba = None
    if task == "regression":
        y_pred = np.asarray(y_pred, dtype=float)
    else:
        y_pred = np.asarray(y_pred).astype(str).astype(object)
        if hasattr(model, "predict_proba") and classes:
            proba = align_proba(model.predict_proba(X), getattr(model, "classes_", classes), classes)
    return Scored(y_pred, proba, min(timings) * 1000.0 / max(len(batch), 1), int(size_bytes))
