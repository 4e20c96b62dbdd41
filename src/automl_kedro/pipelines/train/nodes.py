"""train: a thin wrapper over :func:`automl_kedro.ml.train` (the test split is never read here)."""
from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from automl_kedro.config.train import TrainParams
from automl_kedro.errors import AutoMLInputError
from automl_kedro.ml import train

logger = logging.getLogger(__name__)


def _storage_url(study_storage: Any, params: TrainParams) -> str | None:
    """``train.storage`` when set, else the catalog's run-directory SQLite URL, else in-memory."""
    if params.storage:
        return params.storage
    if study_storage is None:
        return None
    url = str(study_storage)
    return url if "://" in url else f"sqlite:///{url}"


def train_candidates(dataset: pd.DataFrame, schema: dict[str, Any], preprocessors: dict[str, Any],
                     params_train: dict[str, Any], params_split: dict[str, Any], study_storage: Any = None):
    """Search candidates on the train (+val) rows -> (model, preprocess, metrics, leaderboard,
    recommendation, candidates, plots)."""
    params = TrainParams.model_validate(params_train or {})
    split = params_split or {}
    rows = dataset[dataset["split"].isin(["train", "val"])].reset_index(drop=True)
    if rows.empty:
        raise AutoMLInputError("The dataset has no train rows; check the split parameters (split.test_size).")
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
    result = train(X, y, task, preprocessors, params, groups=groups, times=times, cv_strategy=strategy,
                   storage=_storage_url(study_storage, params))
    for name, reason in result.skipped_models.items():
        logger.warning("model %s left out: %s", name, reason)
    failed = result.leaderboard[result.leaderboard["status"] != "ok"]
    for _, row in failed.iterrows():
        logger.warning("candidate %s failed: %s", row["candidate_id"], row["error"])
    logger.info("recommended %s: %s", result.recommendation["candidate_id"], result.recommendation["rationale"])
    return (result.model, result.preprocess, result.metrics, result.leaderboard, result.recommendation,
            result.candidates, result.figures)
