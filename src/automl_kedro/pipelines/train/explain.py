"""SHAP values of the recommended model when it is tree-based, the last step of train.finalize.

From the final model and the training rows: ``shap_importance`` (``explain/shap_importance.csv``:
``feature``, ``mean_abs_shap``, ``scale``) and ``train.shap_plots`` (the figure ``02_explain/shap_summary``).
Any other model, a missing ``shap`` package (pip extra ``explain``), ``train.shap_rows: 0`` or a train
phase far over its budget leave an empty table and a log line saying why; permutation importance
(``explain/feature_importance.csv``) explains every model regardless.
"""
from __future__ import annotations

import logging
from typing import Any

import pandas as pd
from threadpoolctl import threadpool_limits

from automl_kedro.config.train import TrainParams
from automl_kedro.ml.shap_values import (NotExplainable, mean_abs_shap, shap_installed, shap_summary_figure,
                                         tree_shap_within)

logger = logging.getLogger(__name__)
COLUMNS = ("feature", "mean_abs_shap", "scale")
SUMMARY_TITLE = "02_explain/shap_summary"
# The search spends the budget, so SHAP gets what is left of the phase's wall-clock promise
# (TrainParams.wall_limit_s) after the search, refit and figures, less RESERVE_S for importing shap and
# saving; with less than MIN_SECONDS left it is skipped.
RESERVE_S, MIN_SECONDS = 3.0, 1.0


def explain_model(model, dataset: pd.DataFrame, schema: dict[str, Any], train_metrics: dict[str, Any],
                  params_train: dict[str, Any]):
    """-> (SHAP importance table, figures): empty when SHAP does not apply (the log says why)."""
    params = TrainParams.model_validate(params_train or {})
    empty = pd.DataFrame(columns=list(COLUMNS))
    skip = None
    limit = None
    if params.time_budget_s is not None:
        elapsed = float((train_metrics or {}).get("train_seconds_total") or 0.0)
        limit = params.wall_limit_s() - RESERVE_S - elapsed
    if params.shap_rows == 0:
        skip = "train.shap_rows is 0"
    elif not shap_installed():
        skip = "the shap package is not installed (pip install 'automl_kedro[explain]')"
    elif limit is not None and limit < MIN_SECONDS:
        skip = f"no time is left of train.time_budget_s={params.time_budget_s:g} (it may overrun by 15% + 5 s)"
    if skip is None:
        rows = dataset[dataset["split"].isin(["train", "val"])]
        X = rows[list(schema["feature_columns"])]
        X = X.sample(min(len(X), params.shap_rows), random_state=params.seed).reset_index(drop=True)
        try:
            with threadpool_limits(1):
                explanation = tree_shap_within(model, X, schema["problem_type"], time_limit=limit)
        except NotExplainable as exc:
            skip = f"the recommended model is not explained by TreeSHAP ({exc})"
        except Exception as exc:  # noqa: BLE001 - an explanation never fails the run
            logger.warning("SHAP failed: %s", exc)
            skip = "it failed"
    if skip is not None:
        logger.info("SHAP skipped: %s; permutation importance (explain/feature_importance.csv) explains the model.",
                    skip)
        return empty, {}
    table = mean_abs_shap(explanation).assign(scale=explanation.scale)
    logger.info("SHAP on %d training rows (%s): top features %s", len(explanation.values), explanation.scale,
                ", ".join(table["feature"].head(3)))
    figures = {SUMMARY_TITLE: shap_summary_figure(explanation, X)} if params.figures else {}
    return table, figures
