"""evaluate: the recommended model on the test split, touched once, here."""
from __future__ import annotations

from typing import Any

import pandas as pd

from automl_kedro.errors import AutoMLInputError
from automl_kedro.ml.evaluation import evaluate_predictions


def evaluate_model(model, recommendation: dict[str, Any], dataset: pd.DataFrame, schema: dict[str, Any],
                   dataset_info: dict[str, Any], run_info: dict[str, Any]):
    """Test metrics, one row per test prediction, and test figures."""
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
    out["model_name"] = recommendation["model_name"]
    out["model_version"] = run_info["run_id"]
    out["dataset_hash"] = dataset_info["dataset_hash"]
    out["run_id"] = run_info["run_id"]
    return metrics, out, result.figures
