"""predict: a trained run's model on new rows."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from automl_kedro.errors import AutoMLInputError


def read_new_rows(params_predict: dict[str, Any]) -> pd.DataFrame:
    path = params_predict.get("input_path")
    if not path:
        raise AutoMLInputError('Set predict.input_path to a CSV of new rows (--params "predict.input_path=new.csv").')
    file = Path(path)
    if not file.is_file():
        raise AutoMLInputError(f"Prediction input not found: {path}. Set predict.input_path to an existing file.")
    from automl_kedro.data.io import read_table  # same reader (delimiter, encoding) as build_dataset

    table, _info = read_table(str(file))
    return table


def predict(model, schema: dict[str, Any], train_meta: dict[str, Any], params_predict: dict[str, Any], run_info: dict[str, Any]):
    rows = read_new_rows(params_predict)
    features = schema["feature_columns"]
    missing = [c for c in features if c not in rows.columns]
    if missing:
        raise AutoMLInputError(
            f"The new rows lack {len(missing)} column(s) the model was trained on: {', '.join(missing)}. "
            "Add them (empty values are allowed)."
        )
    id_column = schema.get("id_column")
    sample_id = rows[id_column].astype(str) if id_column and id_column in rows else pd.Series(np.arange(len(rows))).astype(str)
    X = rows[features]
    out = pd.DataFrame({"sample_id": sample_id.values, "y_pred": model.predict(X)})
    uncertainty = pd.DataFrame({"sample_id": sample_id.values})
    if schema["problem_type"] != "regression" and hasattr(model, "predict_proba"):
        proba = model.predict_proba(X)
        for i, label in enumerate(model.classes_):
            out[f"proba_{label}"] = proba[:, i]
        uncertainty["confidence"] = proba.max(axis=1)
        uncertainty["entropy"] = -(proba * np.log(np.clip(proba, 1e-12, 1))).sum(axis=1)
    out["model_name"] = train_meta.get("model_name")
    out["model_version"] = train_meta.get("run_id")
    out["dataset_hash"] = train_meta.get("dataset_hash")
    out["run_id"] = run_info["run_id"]
    return out, uncertainty
