"""Plotly figures of the train and evaluate phases.

Every title names the rows a figure shows: ``Out-of-fold`` (cross-validation predictions of the
train rows, never in-sample) or ``Test set`` (evaluate's held-out rows). A model has one colour in
every figure (:func:`model_colour`); the recommended model is marked on the leaderboard figures.
"""
from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from sklearn.metrics import (
    auc,
    average_precision_score,
    confusion_matrix,
    precision_recall_curve,
    r2_score,
    roc_curve,
)

MAX_POINTS = 2000
OUT_OF_FOLD = "Out-of-fold"
TEST_SET = "Test set"
# 24 distinguishable colours: a model keeps its colour across figures (and runs).
PALETTE = px.colors.qualitative.Dark24
NEUTRAL = "#4C78A8"
# ensembles' leaderboard model names (after the registry's models, so they never share a colour)
ENSEMBLE_MODELS = ("voting_ensemble", "stacking_ensemble")
RECOMMENDED_MARK = {"symbol": "star", "size": 22, "line": {"width": 2, "color": "black"}}
_WARM = False


def warmup_seconds() -> float:
    """Time the first figure of a process costs (plotly loads its validators lazily)."""
    return 0.0 if _WARM else 1.2


def warm_up() -> None:
    global _WARM
    if not _WARM:
        px.scatter(x=[0, 1], y=[0, 1])
        _WARM = True


def model_colour(model: str) -> str:
    """The colour of a model family in every figure: its place in the model registry (plugins and
    ensembles by a stable hash of the name)."""
    from automl_kedro.ml.models import MODELS

    names = [*MODELS, *ENSEMBLE_MODELS]
    if model in names:
        return PALETTE[names.index(model) % len(PALETTE)]
    return PALETTE[zlib.crc32(str(model).encode()) % len(PALETTE)]


def _sample(n: int, seed: int = 0) -> np.ndarray:
    if n <= MAX_POINTS:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, MAX_POINTS, replace=False))


def _rows(n: int) -> str:
    shown = f", {MAX_POINTS:,} shown" if n > MAX_POINTS else ""
    return f"{n:,} rows{shown}"


def regression_figures(y, pred, rows_label: str = OUT_OF_FOLD) -> dict[str, go.Figure]:
    """Predicted vs actual, residuals against prediction, residual histogram."""
    y, pred = np.asarray(y, float), np.asarray(pred, float)
    idx = _sample(len(y))
    r2 = r2_score(y, pred) if len(y) > 1 else float("nan")
    lo, hi = float(np.nanmin([y.min(), pred.min()])), float(np.nanmax([y.max(), pred.max()]))
    pad = 0.03 * (hi - lo or 1.0)
    fig = go.Figure(go.Scatter(x=y[idx], y=pred[idx], mode="markers", name="rows",
                               marker={"size": 5, "opacity": 0.6, "color": NEUTRAL}))
    fig.add_trace(go.Scatter(x=[lo, hi], y=[lo, hi], mode="lines", name="perfect (y = x)",
                             line={"dash": "dash", "color": "grey"}))
    fig.update_layout(title=f"{rows_label}: predicted vs actual ({_rows(len(y))}, R² {r2:.3f})",
                      xaxis_title="actual value", yaxis_title="predicted value")
    fig.update_xaxes(range=[lo - pad, hi + pad])  # same range on both axes: y = x is the diagonal
    fig.update_yaxes(range=[lo - pad, hi + pad])
    res = pred - y
    fig2 = go.Figure(go.Scatter(x=pred[idx], y=res[idx], mode="markers", name="rows",
                                marker={"size": 5, "opacity": 0.6, "color": NEUTRAL}))
    fig2.add_hline(y=0, line_dash="dash", line_color="grey")
    fig2.update_layout(title=f"{rows_label}: residuals against the prediction ({_rows(len(y))})",
                       xaxis_title="predicted value", yaxis_title="residual (predicted − actual)")
    fig3 = go.Figure(go.Histogram(x=res, nbinsx=40, marker_color=NEUTRAL))
    fig3.add_vline(x=0, line_dash="dash", line_color="grey")
    fig3.update_layout(title=f"{rows_label}: distribution of residuals (mean {np.mean(res):.3g}, "
                             f"MAE {np.mean(np.abs(res)):.3g})",
                       xaxis_title="residual (predicted − actual)", yaxis_title="rows", bargap=0.05)
    return {
        "01_performance/pred_vs_true": fig,
        "01_performance/residuals": fig2,
        "01_performance/residual_hist": fig3,
    }


def classification_figures(y, pred, proba, classes, rows_label: str = OUT_OF_FOLD) -> dict[str, go.Figure]:
    """Confusion matrix (counts and share of each actual class), ROC and precision-recall curves."""
    y = np.asarray(y).astype(str)
    pred = np.asarray(pred).astype(str)
    labels = [str(c) for c in classes]
    cm = confusion_matrix(y, pred, labels=labels)
    share = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    accuracy = float(np.trace(cm)) / max(int(cm.sum()), 1)
    matrix = go.Figure(go.Heatmap(
        z=cm, x=labels, y=labels, colorscale="Blues", colorbar={"title": "rows"},
        text=[[f"{n:,}<br>{p:.0%}" for n, p in zip(row_n, row_p)] for row_n, row_p in zip(cm, share)],
        texttemplate="%{text}", hovertemplate="actual %{y}, predicted %{x}: %{text}<extra></extra>",
    ))
    matrix.update_layout(title=f"{rows_label}: confusion matrix ({_rows(len(y))}, accuracy {accuracy:.1%}; "
                               "% of each actual class)",
                         xaxis_title="predicted class", yaxis_title="actual class",
                         yaxis={"autorange": "reversed", "type": "category"}, xaxis={"type": "category"})
    figs = {"01_performance/confusion_matrix": matrix}
    if proba is None:
        return figs
    roc, pr = go.Figure(), go.Figure()
    targets = [labels[1]] if len(labels) == 2 else labels
    for c in targets:
        k = labels.index(c)
        truth = y == c
        if truth.all() or not truth.any():
            continue
        colour = PALETTE[k % len(PALETTE)]
        fpr, tpr, _ = roc_curve(truth, proba[:, k])
        prec, rec, _ = precision_recall_curve(truth, proba[:, k])
        ap = average_precision_score(truth, proba[:, k])
        si, sj = _sample(len(fpr)), _sample(len(prec))
        roc.add_trace(go.Scatter(x=fpr[si], y=tpr[si], mode="lines", name=f"{c} (AUC {auc(fpr, tpr):.3f})",
                                 line={"color": colour}))
        pr.add_trace(go.Scatter(x=rec[sj], y=prec[sj], mode="lines", name=f"{c} (AP {ap:.3f})",
                                line={"color": colour}))
    roc.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance", line={"dash": "dash", "color": "grey"}))
    versus = "one class vs the rest" if len(labels) > 2 else f"positive class {labels[1]}"
    roc.update_layout(title=f"{rows_label}: ROC curve ({versus}, {_rows(len(y))})",
                      xaxis_title="false positive rate", yaxis_title="true positive rate")
    pr.update_layout(title=f"{rows_label}: precision-recall curve ({versus}, {_rows(len(y))})",
                     xaxis_title="recall", yaxis_title="precision")
    for fig in (roc, pr):
        fig.update_xaxes(range=[-0.01, 1.01], tickformat=".0%")
        fig.update_yaxes(range=[-0.01, 1.01], tickformat=".0%")
    figs["01_performance/roc_curve"] = roc
    figs["01_performance/pr_curve"] = pr
    return figs


def feature_importance(pipeline) -> pd.Series | None:
    """Importance per feature after preprocessing (tree importances or |coef|), or None.

    ``Series.attrs`` says what the numbers are (``kind``) and which estimator gave them (``model``).
    """
    try:
        model = pipeline.steps[-1][1]
        inner = getattr(model, "estimator_", model)
        if hasattr(inner, "feature_importances_"):
            values = np.asarray(inner.feature_importances_, dtype=float)
            kind = "importance reported by the model (share of splits or impurity decrease)"
        elif hasattr(inner, "coef_"):
            coef = np.asarray(inner.coef_, dtype=float)
            values = np.abs(coef).mean(axis=0) if coef.ndim == 2 else np.abs(coef)
            kind = "|coefficient| (on the preprocessed features)"
        else:
            return None
        try:
            names = list(pipeline[:-1].get_feature_names_out())
        except Exception:  # noqa: BLE001 - a transformer without feature names
            names = [f"x{i}" for i in range(len(values))]
        if len(names) != len(values):
            names = [f"x{i}" for i in range(len(values))]
        series = pd.Series(values, index=names).sort_values(ascending=False)
        series.attrs.update(kind=kind, model=type(inner).__name__)
        return series
    except Exception:  # noqa: BLE001 - importance is a nice-to-have
        return None


def importance_figure(importance: pd.Series, top: int = 20) -> go.Figure:
    s = importance.head(top)[::-1]
    model = importance.attrs.get("model")
    fig = go.Figure(go.Bar(x=s.values, y=[str(i) for i in s.index], orientation="h", marker_color=NEUTRAL))
    of = f" of {model}" if model else ""
    fig.update_layout(title=f"Feature importance{of}: top {len(s)} features (model fitted on the first CV fold)",
                      xaxis_title=importance.attrs.get("kind", "importance"), height=300 + 18 * len(s),
                      xaxis={"tickformat": ".3~g"})
    return fig


# ------------------------------------------------------------------ leaderboard figures
def _ok(leaderboard: pd.DataFrame, primary: str) -> pd.DataFrame:
    column = f"cv_{primary}_mean"
    ok = leaderboard[(leaderboard["status"] == "ok")].copy()
    return ok[ok[column].notna()] if column in ok else ok.iloc[0:0]


def _size_text(size_bytes: float) -> str:
    size = float(size_bytes)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} GiB"


def _ticks_125(lo: float, hi: float) -> list[float]:
    """1-2-5 tick values around [lo, hi] for a log axis (plotly labels every minor tick otherwise)."""
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo <= 0:
        return []
    start, stop = int(np.floor(np.log10(lo / 2))), int(np.ceil(np.log10(hi * 2)))
    ticks = [m * 10.0 ** e for e in range(start, stop + 1) for m in (1, 2, 5)]
    return [t for t in ticks if lo / 3 <= t <= hi * 3]


def tradeoff_figure(leaderboard: pd.DataFrame, primary: str, recommended: str | None = None) -> go.Figure:
    """Cross-validated score (± std) against prediction time, one colour per model, the
    recommended candidate starred; failed candidates are named below the plot."""
    column, spread = f"cv_{primary}_mean", f"cv_{primary}_std"
    ok = _ok(leaderboard, primary)
    variants = sorted(ok["preprocess_id"].astype(str).unique())
    symbols = ["circle", "diamond", "square", "triangle-up", "cross", "x", "pentagon", "hexagon"]
    glyphs = ["●", "◆", "■", "▲", "✚", "✖", "⬟", "⬢"]
    fig = go.Figure()
    for model, rows in ok.groupby("model", sort=False):
        hover = [f"{r.candidate_id}<br>{primary} {getattr(r, column):.4g} ± {getattr(r, spread):.2g}<br>"
                 f"predict {r.predict_seconds * 1000:,.1f} ms per fold<br>fit {r.fit_seconds:,.2f} s<br>"
                 f"size {_size_text(r.size_bytes)}" for r in rows.itertuples()]
        fig.add_trace(go.Scatter(
            x=rows["predict_seconds"] * 1000, y=rows[column], mode="markers", name=str(model),
            error_y={"type": "data", "array": rows[spread].fillna(0), "thickness": 1.2},
            marker={"size": 12, "color": model_colour(str(model)), "line": {"width": 1, "color": "white"},
                    "symbol": [symbols[variants.index(str(p)) % len(symbols)] for p in rows["preprocess_id"]]},
            hovertext=hover, hoverinfo="text",
        ))
    title = f"Cross-validated {primary} against prediction time"
    if recommended is not None and (ok["candidate_id"] == recommended).any():
        best = ok[ok["candidate_id"] == recommended].iloc[0]
        fig.add_trace(go.Scatter(
            x=[best["predict_seconds"] * 1000], y=[best[column]], mode="markers", name=f"★ recommended: {recommended}",
            marker={**RECOMMENDED_MARK, "color": model_colour(str(best["model"]))}, hoverinfo="skip",
        ))
        title += f" (recommended: {recommended})"
    failed = leaderboard[leaderboard["status"] != "ok"]["model"].astype(str).value_counts(sort=False)
    if len(failed):
        names = ", ".join(m if n == 1 else f"{m} ×{n}" for m, n in failed.items())
        fig.add_annotation(text=f"not shown (failed or skipped, see the leaderboard): {names}", showarrow=False,
                           xref="paper", yref="paper", x=0, y=-0.22, xanchor="left", font={"size": 11})
    times = ok["predict_seconds"].astype(float) * 1000
    fig.update_xaxes(type="log", title="prediction time per validation fold (ms, log scale)",
                     tickvals=_ticks_125(times.min(), times.max()) if len(times) else None, tickformat="~g")
    fig.update_yaxes(title=f"{primary} (mean ± std over folds)")
    legend = "model"
    if len(variants) > 1:
        legend += "<br>" + "<br>".join(f"{glyphs[i % len(glyphs)]} {v}" for i, v in enumerate(variants))
    fig.update_layout(title=title, legend_title_text=legend,
                      margin={"b": 110})
    return fig


def heatmap_figure(leaderboard: pd.DataFrame, primary: str) -> go.Figure | None:
    """Best cross-validated score per model and preprocessing variant; None with one variant
    (a single column says nothing the leaderboard does not)."""
    ok = _ok(leaderboard, primary)
    ok = ok[ok["preprocess_id"] != "ensemble"]
    if ok["preprocess_id"].nunique() < 2:
        return None
    table = ok.pivot_table(index="model", columns="preprocess_id", values=f"cv_{primary}_mean", aggfunc="max")
    fig = px.imshow(table, text_auto=".3f", aspect="auto", color_continuous_scale="Viridis",
                    title=f"Cross-validated {primary}: model × preprocessing variant (best per cell)",
                    labels={"x": "preprocessing variant", "y": "model", "color": primary})
    return fig


def win_summary_figure(leaderboard: pd.DataFrame, primary: str, recommended: str | None = None,
                       greater_is_better: bool = True) -> go.Figure:
    """Best cross-validated score (± std) of each model family, best first, the recommended
    family starred. Dots, not bars: bars from zero hide the differences that matter."""
    column, spread = f"cv_{primary}_mean", f"cv_{primary}_std"
    ok = _ok(leaderboard, primary)
    best = ok.sort_values(column, ascending=not greater_is_better).drop_duplicates("model")
    best = best.iloc[::-1]  # best at the top of the y axis
    rec_model = None
    if recommended is not None and (ok["candidate_id"] == recommended).any():
        rec_model = ok[ok["candidate_id"] == recommended].iloc[0]["model"]
    fig = go.Figure(go.Scatter(
        x=best[column], y=best["model"].astype(str), mode="markers",
        error_x={"type": "data", "array": best[spread].fillna(0), "thickness": 1.2},
        marker={"size": 13, "color": [model_colour(str(m)) for m in best["model"]],
                "symbol": ["star" if m == rec_model else "circle" for m in best["model"]],
                "line": {"width": [2 if m == rec_model else 0 for m in best["model"]], "color": "black"}},
        hovertext=best["candidate_id"], showlegend=False,
    ))
    direction = "higher" if greater_is_better else "lower"
    note = f"; ★ = recommended ({recommended})" if rec_model is not None else ""
    fig.update_layout(title=f"Best cross-validated {primary} per model family ({direction} is better{note})",
                      xaxis_title=f"{primary} (mean ± std over folds)", yaxis_title="model",
                      height=260 + 28 * len(best))
    return fig


def leaderboard_figures(leaderboard: pd.DataFrame, primary: str, recommended: str | None = None,
                        greater_is_better: bool = True) -> dict[str, go.Figure]:
    """The leaderboard's figures (train and visualize draw the same ones)."""
    figures = {
        "02_leaderboard/tradeoff": tradeoff_figure(leaderboard, primary, recommended),
        "02_leaderboard/win_summary": win_summary_figure(leaderboard, primary, recommended, greater_is_better),
    }
    heatmap = heatmap_figure(leaderboard, primary)
    if heatmap is not None:
        figures["02_leaderboard/model_x_preprocessing"] = heatmap
    return figures
