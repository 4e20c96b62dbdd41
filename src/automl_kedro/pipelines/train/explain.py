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
# The search spends the whole budget, so SHAP gets an allowance of its own (as permutation importance gets a
# share): what is left of the budget, but at least this share of it (and 3 s); a train phase already more than
# OVERRUN_SKIP over its budget (a big table) skips SHAP.
ALLOWANCE_SHARE, MIN_SECONDS, OVERRUN_SKIP = 0.05, 3.0, 0.5


def explain_model(model, dataset: pd.DataFrame, schema: dict[str, Any], train_metrics: dict[str, Any],
                  params_train: dict[str, Any]):
    """-> (SHAP importance table, figures): empty when SHAP does not apply (the log says why)."""
    params = TrainParams.model_validate(params_train or {})
    empty = pd.DataFrame(columns=list(COLUMNS))
    skip = None
    limit = None
    if params.time_budget_s is not None:
        budget = params.time_budget_s
        left = budget - float((train_metrics or {}).get("train_seconds_total") or 0.0)
        limit = None if left < -OVERRUN_SKIP * budget else max(left, ALLOWANCE_SHARE * budget, MIN_SECONDS)
    if params.shap_rows == 0:
        skip = "train.shap_rows is 0"
    elif not shap_installed():
        skip = "the shap package is not installed (pip install 'automl_kedro[explain]')"
    elif params.time_budget_s is not None and limit is None:
        skip = f"the train phase overran its time budget (train.time_budget_s={params.time_budget_s:g})"
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
