"""visualize: redraw the plots of a finished run from its saved tables (no model is refitted)."""
from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.express as px

from automl_kedro.ml.figures import classification_figures, heatmap_figure, regression_figures, tradeoff_figure


def _test_figures(predictions: pd.DataFrame, schema: dict[str, Any]) -> dict[str, Any]:
    if "y_true" not in predictions:
        return {}
    rows = predictions.dropna(subset=["y_true"])
    if schema["problem_type"] == "regression":
        figures = regression_figures(rows["y_true"], rows["y_pred"])
    else:
        classes = [c[len("proba_"):] for c in rows.columns if c.startswith("proba_")]
        proba = rows[[f"proba_{c}" for c in classes]].to_numpy() if classes else None
        figures = classification_figures(rows["y_true"], rows["y_pred"], proba, classes or sorted(rows["y_true"].astype(str).unique()))
    # The evaluate phase scores held-out rows: say so in every title.
    return {
        key.replace("01_performance", "01_test"): fig.update_layout(title=fig.layout.title.text.replace("Out-of-fold", "Test-set"))
        for key, fig in figures.items()
    }


def win_summary_figure(leaderboard: pd.DataFrame, primary: str) -> Any:
    """Best cross-validated score of each model family (over preprocessing variants)."""
    column = f"cv_{primary}_mean"
    ok = leaderboard[(leaderboard["status"] == "ok") & leaderboard[column].notna()]
    best = ok.groupby("model")[column].max().sort_values(ascending=False).reset_index()
    return px.bar(best, x="model", y=column, title=f"Best cross-validated {primary} per model family",
                  labels={column: primary})


def visualize_run(predictions: pd.DataFrame, leaderboard: pd.DataFrame, recommendation: dict[str, Any],
                  schema: dict[str, Any]) -> dict[str, Any]:
    primary = recommendation["primary_metric"]
    figures = _test_figures(predictions, schema)
    figures["02_leaderboard/tradeoff"] = tradeoff_figure(leaderboard, primary)
    figures["02_leaderboard/model_x_preprocessing"] = heatmap_figure(leaderboard, primary)
    figures["02_leaderboard/win_summary"] = win_summary_figure(leaderboard, primary)
    return figures
