"""evaluate (v0): the recommended model on the test split, touched once, here."""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, mean_absolute_error, mean_squared_error, r2_score, roc_auc_score


def evaluate_model(model, recommendation, dataset, schema, dataset_info, run_info):
    test = dataset[dataset["split"] == "test"]
    X, y = test[schema["feature_columns"]], test[schema["target"]]
    pred = model.predict(X)
    out = pd.DataFrame({"sample_id": test["sample_id"].values, "y_pred": pred, "y_true": y.values, "split": "test"})
    if schema["problem_type"] == "regression":
        metrics = {"r2": float(r2_score(y, pred)), "mae": float(mean_absolute_error(y, pred)), "rmse": float(np.sqrt(mean_squared_error(y, pred)))}
    else:
        y = y.astype(str)
        proba = model.predict_proba(X)
        classes = [str(c) for c in model.classes_]
        for i, c in enumerate(classes):
            out[f"proba_{c}"] = proba[:, i]
        auc = roc_auc_score(y, proba[:, 1]) if len(classes) == 2 else roc_auc_score(y, proba, multi_class="ovr", labels=classes)
        metrics = {"accuracy": float(accuracy_score(y, pred)), "auc": float(auc)}
    metrics.update({"n_train": dataset_info["n_train"], "n_val": dataset_info["n_val"], "n_test": int(len(test)), "seed": None, "model_name": recommendation["model_name"]})
    out["model_name"] = recommendation["model_name"]
    out["model_version"] = run_info["run_id"]
    out["dataset_hash"] = dataset_info["dataset_hash"]
    out["run_id"] = run_info["run_id"]
    return metrics, out, {}
