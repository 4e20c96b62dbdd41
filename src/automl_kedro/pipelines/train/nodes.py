"""train: four thin nodes over :mod:`automl_kedro.ml.engine` (the test split is never read here).

search -> select -> ensemble -> finalize exchange the search state (every candidate's trials, out-of-fold
predictions and fold models), the trial log, the selection and the ensembles through catalog entries, so
``kedro run --pipeline=train --from-nodes=train.select --params train.selection_margin_se=2`` replays the
choice on the latest train run's search without searching again.
"""
from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from automl_kedro.config.train import TrainParams
from automl_kedro.errors import AutoMLInputError
from automl_kedro.ml.engine import build_ensembles, finalize, run_search, select_candidates, trial_log
from automl_kedro.pipelines.train.explain import explain_model

logger = logging.getLogger(__name__)


def _storage_url(study_storage: Any, params: TrainParams) -> str | None:
    """``train.storage`` when set, else the catalog's run-directory SQLite URL, else in-memory."""
    if params.storage:
        return params.storage
    if study_storage is None:
        return None
    url = str(study_storage)
    return url if "://" in url else f"sqlite:///{url}"


def _train_rows(dataset: pd.DataFrame) -> pd.DataFrame:
    rows = dataset[dataset["split"].isin(["train", "val"])].reset_index(drop=True)
    if rows.empty:
        raise AutoMLInputError("The dataset has no train rows; check the split parameters (split.test_size).")
    return rows


def search(dataset: pd.DataFrame, schema: dict[str, Any], preprocessors: dict[str, Any],
           params_train: dict[str, Any], params_split: dict[str, Any], study_storage: Any = None):
    """Every model with its inputs, searched under the budget -> (search state, trial log)."""
    params = TrainParams.model_validate(params_train or {})
    split = params_split or {}
    rows = _train_rows(dataset)
    target, task = schema["target"], schema["problem_type"]
    X = rows[list(schema["feature_columns"])]
    y = rows[target]
    groups = rows[split["group_column"]].to_numpy() if split.get("group_column") in rows.columns else None
    times = rows[split["time_column"]] if split.get("time_column") in rows.columns else None
    if split.get("group_column") and groups is None:
        raise AutoMLInputError(f"split.group_column {split['group_column']!r} is not a column of the dataset.")
    if split.get("time_column") and times is None:
        raise AutoMLInputError(f"split.time_column {split['time_column']!r} is not a column of the dataset.")
    strategy = params.cv_strategy
    if strategy == "auto" and split.get("method") in ("group", "time"):
        strategy = split["method"]
    outcome = run_search(X, y, task, preprocessors, params, groups=groups, times=times, cv_strategy=strategy,
                         storage=_storage_url(study_storage, params))
    for name, reason in outcome.skipped_models.items():
        logger.warning("model %s left out: %s", name, reason)
    for c in outcome.candidates:
        if c.status != "ok":
            logger.warning("candidate %s failed: %s", c.candidate_id, c.error)
    return outcome, trial_log(outcome)


def select(search_state, params_train: dict[str, Any]) -> dict[str, Any]:
    """The noise-margin choices among single candidates (``train.selection_margin_se``)."""
    params = TrainParams.model_validate(params_train or {})
    selection = select_candidates(search_state, params.selection_margin_se, params.selection_row_noise)
    logger.info("single candidate chosen at a margin of %g SE: %s (incumbent %s)", params.selection_margin_se,
                selection["chosen_single"], selection["incumbent"])
    return selection


def ensemble(search_state, selection: dict[str, Any], params_train: dict[str, Any]):
    """Voting (Caruana) and stacking ensembles, kept only beyond the margin."""
    result = build_ensembles(search_state, selection, TrainParams.model_validate(params_train or {}))
    for e in result["ensembles"]:
        logger.info("ensemble %s: %s %s", e.kind, "kept" if e in result["kept"] else "not kept",
                    [m.label for m in e.members])
    return result


def finalize_model(dataset: pd.DataFrame, schema: dict[str, Any], search_state, selection: dict[str, Any],
                   ensembles, params_train: dict[str, Any]):
    """The recommended model, leaderboard, records, importance, figures and out-of-fold predictions."""
    rows = _train_rows(dataset)
    X = rows[list(schema["feature_columns"])]
    result = finalize(search_state, selection, ensembles, X, TrainParams.model_validate(params_train or {}),
                      sample_ids=rows["sample_id"].astype(str).to_numpy() if "sample_id" in rows else None)
    logger.info("recommended %s: %s", result.recommendation["candidate_id"], result.recommendation["rationale"])
    # SHAP here, not in a node of its own: evaluate would run before it and find train unfinished
    shap_importance, shap_plots = explain_model(result.model, dataset, schema, result.metrics, params_train)
    return (result.model, result.preprocess, result.metrics, result.leaderboard, result.recommendation,
            result.candidates, result.figures, result.oof_predictions, result.feature_importance, shap_importance,
            shap_plots)
