"""Plotly figures of the train phase, drawn from out-of-fold predictions (never in-sample)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from sklearn.metrics import confusion_matrix, precision_recall_curve, roc_curve

MAX_POINTS = 2000
_WARM = False


def warmup_seconds() -> float:
    """Time the first figure of a process costs (plotly loads its validators lazily)."""
    return 0.0 if _WARM else 1.2


def warm_up() -> None:
    global _WARM
    if not _WARM:
        px.scatter(x=[0, 1], y=[0, 1])
        _WARM = True


def _sample(n: int, seed: int = 0) -> np.ndarray:
    if n <= MAX_POINTS:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, MAX_POINTS, replace=False))


def regression_figures(y, pred) -> dict[str, go.Figure]:
    y, pred = np.asarray(y, float), np.asarray(pred, float)
    idx = _sample(len(y))
    lo, hi = float(np.nanmin([y.min(), pred.min()])), float(np.nanmax([y.max(), pred.max()]))
    fig = go.Figure(go.Scatter(x=y[idx], y=pred[idx], mode="markers", marker={"size": 5, "opacity": 0.6}, name="rows"))
    fig.add_trace(go.Scatter(x=[lo, hi], y=[lo, hi], mode="lines", name="y = x", line={"dash": "dash"}))
    fig.update_layout(title="Out-of-fold predicted vs actual", xaxis_title="actual", yaxis_title="predicted")
    res = pred - y
    fig2 = go.Figure(go.Scatter(x=pred[idx], y=res[idx], mode="markers", marker={"size": 5, "opacity": 0.6}))
    fig2.add_hline(y=0, line_dash="dash")
    fig2.update_layout(title="Out-of-fold residuals", xaxis_title="predicted", yaxis_title="predicted - actual")
    fig3 = go.Figure(go.Histogram(x=res, nbinsx=40))
    fig3.update_layout(title="Out-of-fold residual distribution", xaxis_title="predicted - actual", yaxis_title="rows")
    return {
        "01_performance/pred_vs_true": fig,
        "01_performance/residuals": fig2,
        "01_performance/residual_hist": fig3,
    }


def classification_figures(y, pred, proba, classes) -> dict[str, go.Figure]:
    y = np.asarray(y).astype(str)
    pred = np.asarray(pred).astype(str)
    labels = [str(c) for c in classes]
    cm = confusion_matrix(y, pred, labels=labels)
    figs = {
        "01_performance/confusion_matrix": px.imshow(
            cm, x=labels, y=labels, text_auto=True, color_continuous_scale="Blues",
            labels={"x": "predicted", "y": "actual", "color": "rows"}, title="Out-of-fold confusion matrix",
        )
    }
    if proba is None:
        return figs
    roc, pr = go.Figure(), go.Figure()
    targets = [labels[1]] if len(labels) == 2 else labels
    for c in targets:
        k = labels.index(c)
        truth = y == c
        if truth.all() or not truth.any():
            continue
        fpr, tpr, _ = roc_curve(truth, proba[:, k])
        prec, rec, _ = precision_recall_curve(truth, proba[:, k])
        si, sj = _sample(len(fpr)), _sample(len(prec))
        roc.add_trace(go.Scatter(x=fpr[si], y=tpr[si], mode="lines", name=f"{c}"))
        pr.add_trace(go.Scatter(x=rec[sj], y=prec[sj], mode="lines", name=f"{c}"))
    roc.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance", line={"dash": "dash"}))
    roc.update_layout(title="Out-of-fold ROC curve (one vs rest)", xaxis_title="false positive rate",
                      yaxis_title="true positive rate")
    pr.update_layout(title="Out-of-fold precision-recall curve", xaxis_title="recall", yaxis_title="precision")
    figs["01_performance/roc_curve"] = roc
    figs["01_performance/pr_curve"] = pr
    return figs


def feature_importance(pipeline) -> pd.Series | None:
    """Importance per feature after preprocessing (tree importances or |coef|), or None."""
    try:
        model = pipeline.steps[-1][1]
        inner = getattr(model, "estimator_", model)
        if hasattr(inner, "feature_importances_"):
            values = np.asarray(inner.feature_importances_, dtype=float)
        elif hasattr(inner, "coef_"):
            coef = np.asarray(inner.coef_, dtype=float)
            values = np.abs(coef).mean(axis=0) if coef.ndim == 2 else np.abs(coef)
        else:
            return None
        try:
            names = list(pipeline[:-1].get_feature_names_out())
        except Exception:  # noqa: BLE001 - a transformer without feature names
            names = [f"x{i}" for i in range(len(values))]
        if len(names) != len(values):
            names = [f"x{i}" for i in range(len(values))]
        return pd.Series(values, index=names).sort_values(ascending=False)
    except Exception:  # noqa: BLE001 - importance is a nice-to-have
        return None


def importance_figure(importance: pd.Series, top: int = 20) -> go.Figure:
    s = importance.head(top)[::-1]
    fig = go.Figure(go.Bar(x=s.values, y=[str(i) for i in s.index], orientation="h"))
    fig.update_layout(title=f"Feature importance (top {len(s)}, model fitted on the first CV fold)",
                      xaxis_title="importance", height=300 + 15 * len(s))
    return fig


def tradeoff_figure(leaderboard: pd.DataFrame, primary: str) -> go.Figure:
    ok = leaderboard[leaderboard["status"] == "ok"].copy()
    ok["size_kb"] = ok["size_bytes"].astype(float) / 1024
    fig = px.scatter(
        ok, x="predict_seconds", y=f"cv_{primary}_mean", error_y=f"cv_{primary}_std", size="size_kb", color="model",
        symbol="preprocess_id", hover_name="candidate_id", log_x=True,
        title=f"Score vs predict time (bubble = model size); cross-validated {primary}",
        labels={"predict_seconds": "predict seconds per validation fold (log)", f"cv_{primary}_mean": primary},
    )
    return fig


def heatmap_figure(leaderboard: pd.DataFrame, primary: str) -> go.Figure:
    ok = leaderboard[(leaderboard["status"] == "ok") & (leaderboard["preprocess_id"] != "ensemble")]
    table = ok.pivot_table(index="model", columns="preprocess_id", values=f"cv_{primary}_mean", aggfunc="max")
    return px.imshow(table, text_auto=".3f", aspect="auto", color_continuous_scale="Viridis",
                     title=f"Cross-validated {primary}: model x preprocessing",
                     labels={"x": "preprocessing", "y": "model", "color": primary})
