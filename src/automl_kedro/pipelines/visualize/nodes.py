"""visualize: redraw the plots of a finished run from its saved tables (no model is refitted)."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from automl_kedro.ml.figures import TEST_SET, classification_figures, leaderboard_figures, regression_figures


def _test_figures(predictions: pd.DataFrame, schema: dict[str, Any]) -> dict[str, Any]:
    """evaluate's test-set figures, from its predictions.csv."""
    if "y_true" not in predictions:
        return {}
    rows = predictions.dropna(subset=["y_true"])
    if schema["problem_type"] == "regression":
        figures = regression_figures(rows["y_true"], rows["y_pred"], TEST_SET)
    else:
        classes = [c[len("proba_"):] for c in rows.columns if c.startswith("proba_")]
        proba = rows[[f"proba_{c}" for c in classes]].to_numpy(dtype=float) if classes else None
        labels = classes or sorted(np.unique(rows["y_true"].astype(str)))
        figures = classification_figures(rows["y_true"], rows["y_pred"], proba, labels, TEST_SET)
    return {f"01_test/{key.split('/', 1)[1]}": fig for key, fig in figures.items()}


def visualize_run(predictions: pd.DataFrame, leaderboard: pd.DataFrame, recommendation: dict[str, Any],
                  schema: dict[str, Any]) -> dict[str, Any]:
    figures = _test_figures(predictions, schema)
    figures.update(leaderboard_figures(leaderboard, recommendation["primary_metric"],
                                       recommendation.get("candidate_id"),
                                       bool(recommendation.get("greater_is_better", True))))
    return figures
