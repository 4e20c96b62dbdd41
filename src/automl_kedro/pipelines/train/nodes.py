"""train: a thin wrapper over :func:`automl_kedro.ml.train` (the test split is never read here)."""
from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from automl_kedro.config.train import TrainParams
from automl_kedro.errors import AutoMLInputError
from automl_kedro.ml import EngineConfig, train

logger = logging.getLogger(__name__)


def _storage_url(study_storage: Any, params: TrainParams) -> str | None:
    """``train.storage`` when set, else the catalog's run-directory SQLite URL, else in-memory."""
    if params.storage:
        return params.storage
    if study_storage is None:
        return None
    url = str(study_storage)
    return url if "://" in url else f"sqlite:///{url}"


def engine_config(params: TrainParams | dict[str, Any], *, cv_strategy: str | None = None,
                  storage: str | None = None) -> EngineConfig:
    """The engine settings of a ``train:`` section (also used by benchmarks/bench_models.py)."""
    if not isinstance(params, TrainParams):
        params = TrainParams.model_validate(params or {})
    return EngineConfig(
        models=params.model_names(), model_params=params.model_params(), metrics=params.metrics,
        primary_metric=params.primary_metric, cv_strategy=cv_strategy or params.cv_strategy,
        cv_folds=params.cv_folds, time_budget_s=params.time_budget_s, n_trials=params.n_trials,
        n_jobs=params.n_jobs, seed=params.seed, storage=storage if storage is not None else params.storage,
        study_prefix=params.study_name, ensembles=tuple(params.ensembles), ensemble_top_k=params.ensemble_top_k,
        include_baseline=params.include_baseline, backend=params.parallel_backend, plugins=tuple(params.plugins),
        figures=params.figures, selection_margin_se=params.selection_margin_se,
    )


def train_candidates(dataset: pd.DataFrame, schema: dict[str, Any], preprocessors: dict[str, Any],
                     params_train: dict[str, Any], params_split: dict[str, Any], study_storage: Any = None):
    """Search candidates on the train (+val) rows -> (model, preprocess, metrics, leaderboard,
    recommendation, candidates, plots, oof_predictions)."""
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
    config = engine_config(params, cv_strategy=strategy, storage=_storage_url(study_storage, params))
    result = train(X, y, task, preprocessors, config, groups=groups, times=times)
    for name, reason in result.skipped_models.items():
        logger.warning("model %s left out: %s", name, reason)
    failed = result.leaderboard[result.leaderboard["status"] != "ok"]
    for _, row in failed.iterrows():
        logger.warning("candidate %s failed: %s", row["candidate_id"], row["error"])
    logger.info("recommended %s: %s", result.recommendation["candidate_id"], result.recommendation["rationale"])
    oof = result.oof_predictions
    if oof is not None:  # stop-gap: sample_id instead of the row position
        oof = oof.assign(sample_id=rows["sample_id"].astype(str).to_numpy()[oof["row"].to_numpy()])
        oof = oof[["sample_id", *[c for c in oof.columns if c not in ("row", "sample_id")]]]
    return (result.model, result.preprocess, result.metrics, result.leaderboard, result.recommendation,
            result.candidates, result.figures, oof)
