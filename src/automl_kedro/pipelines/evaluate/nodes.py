"""evaluate: the recommended model on the test split, touched once, here."""
from __future__ import annotations

from typing import Any

import pandas as pd

from automl_kedro.config.predict import PredictParams
from automl_kedro.errors import AutoMLInputError
from automl_kedro.ml.conformal import interval_report, set_report
from automl_kedro.ml.evaluation import evaluate_predictions
from automl_kedro.ml.inference import Predictor


def uncertainty_on_test(model, schema: dict[str, Any], dataset: pd.DataFrame, test: pd.DataFrame,
                        oof: pd.DataFrame | None, params_predict: dict[str, Any] | None):
    """Conformal intervals / sets and the applicability check on the test rows, as predict makes them,
    with their measured coverage, width or size, and the share of test rows in domain."""
    params = PredictParams.model_validate(params_predict or {})
    train = dataset[dataset["split"].isin(["train", "val"])]
    predictor = Predictor.build(model, schema, train, oof, params.interval, normalised=params.normalised_intervals,
                                alpha=params.domain_alpha, range_margin=params.domain_range_margin)
    out = predictor.predict(test[list(schema["feature_columns"])])
    y = test[schema["target"]]
    metrics: dict[str, Any] = {"domain_share_in_domain": float(out["in_domain"].mean())}
    if "y_lower" in out:
        metrics.update(interval_report(y, out["y_lower"], out["y_upper"], params.interval))
    if "pred_set" in out:
        metrics.update(set_report(y, out["pred_set"].str.split("|"), params.interval))
    columns = [c for c in ("y_lower", "y_upper", "pred_set", "in_domain", "domain_score", "domain_reason") if c in out]
    return metrics, out[columns]


def evaluate_model(model, recommendation: dict[str, Any], dataset: pd.DataFrame, schema: dict[str, Any],
                   dataset_info: dict[str, Any], run_info: dict[str, Any], oof: pd.DataFrame | None = None,
                   params_predict: dict[str, Any] | None = None):
    """Test metrics (with interval coverage), one row per test prediction, and test figures."""
    test = dataset[dataset["split"] == "test"].reset_index(drop=True)
    if test.empty:
        raise AutoMLInputError("The dataset has no test rows to evaluate on; set split.test_size above 0.")
    result = evaluate_predictions(model, test[list(schema["feature_columns"])], test[schema["target"]],
                                  schema["problem_type"], schema.get("classes"))
    n_train = int((dataset["split"] == "train").sum())
    n_val = int((dataset["split"] == "val").sum())
    metrics = {**result.metrics, "n_train": dataset_info.get("n_train", n_train), "n_val": dataset_info.get("n_val", n_val),
               "n_test": int(len(test)), "seed": recommendation.get("seed", dataset_info.get("seed")),
               "model_name": recommendation["model_name"], "candidate_id": recommendation.get("candidate_id"),
               "primary_metric": recommendation.get("primary_metric")}
    out = pd.DataFrame({"sample_id": test["sample_id"].astype(str).to_numpy(), "y_pred": result.y_pred,
                        "y_true": test[schema["target"]].to_numpy(), "split": "test"})
    if result.y_std is not None:
        out["y_std"] = result.y_std
    if result.proba is not None:
        for i, c in enumerate(result.classes):
            out[f"proba_{c}"] = result.proba[:, i]
    uncertainty, columns = uncertainty_on_test(model, schema, dataset, test, oof, params_predict)
    metrics.update(uncertainty)
    out = pd.concat([out, columns.reset_index(drop=True)], axis=1)
    out["model_name"] = recommendation["model_name"]
    out["model_version"] = run_info["run_id"]
    out["dataset_hash"] = dataset_info["dataset_hash"]
    out["run_id"] = run_info["run_id"]
    return metrics, out, result.figures
