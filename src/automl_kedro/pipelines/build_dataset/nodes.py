"""build_dataset: load the table, check the target, detect the problem type, split."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from automl_kedro.errors import AutoMLInputError


def _read(path: str) -> pd.DataFrame:
    file = Path(path)
    if not file.is_file():
        raise AutoMLInputError(f"Data file not found: {path}. Set data.path to an existing CSV or Parquet file.")
    if file.stat().st_size == 0:
        raise AutoMLInputError(f"Data file {path} is empty. Point data.path at a file with a header and rows.")
    if file.suffix.lower() in (".parquet", ".pq"):
        return pd.read_parquet(file)
    try:
        table = pd.read_csv(file)
    except pd.errors.EmptyDataError:
        raise AutoMLInputError(f"Data file {path} is empty. Point data.path at a file with a header and rows.") from None
    if table.empty:
        raise AutoMLInputError(f"Data file {path} has a header but no rows.")
    return table


def build_dataset(params_data: dict[str, Any], params_split: dict[str, Any], run_info: dict[str, Any]):
    path, target = params_data.get("path"), params_data.get("target")
    if not path or not target:
        raise AutoMLInputError("Set data.path and data.target (e.g. --params \"data.path=my.csv,data.target=price\").")
    table = _read(path)
    if target not in table.columns:
        raise AutoMLInputError(f"Target column {target!r} is not in {path}. Columns: {', '.join(map(str, table.columns))}.")
    table = table[table[target].notna()].reset_index(drop=True)
    if table.empty:
        raise AutoMLInputError(f"Target column {target!r} is empty in every row.")
    y = table[target]
    if y.nunique() < 2:
        raise AutoMLInputError(f"Target column {target!r} has a single value ({y.iloc[0]!r}); there is nothing to learn.")
    problem = params_data.get("problem_type", "auto")
    if problem == "auto":
        if pd.api.types.is_numeric_dtype(y) and y.nunique() > 20:
            problem, rule = "regression", "numeric target with more than 20 distinct values -> regression"
        else:
            problem = "binary" if y.nunique() == 2 else "multiclass"
            rule = "text target or at most 20 distinct values -> classification"
    else:
        rule = "set in data.problem_type"
    id_column = params_data.get("id_column")
    sample_id = table[id_column].astype(str) if id_column else pd.Series(np.arange(len(table))).astype(str)
    stratify = y if problem != "regression" else None
    ids = np.arange(len(table))
    train_ids, test_ids = train_test_split(
        ids, test_size=params_split["test_size"], random_state=params_split["seed"], stratify=stratify
    )
    split = pd.Series("train", index=table.index)
    split.iloc[test_ids] = "test"
    dataset = table.copy()
    dataset.insert(0, "sample_id", sample_id.values)
    dataset.insert(1, "split", split.values)
    features = [c for c in table.columns if c not in (target, id_column)]
    schema = {
        "target": target,
        "problem_type": problem,
        "problem_type_rule": rule,
        "feature_columns": features,
        "column_types": {c: "numeric" if pd.api.types.is_numeric_dtype(table[c]) else "categorical" for c in features},
        "classes": sorted(map(str, y.unique())) if problem != "regression" else None,
        "id_column": id_column,
        "personal_columns": params_data.get("personal_columns", []),
    }
    digest = hashlib.sha256(Path(path).read_bytes())
    digest.update(json.dumps({"data": params_data, "split": params_split}, sort_keys=True).encode())
    dataset_info = {
        "dataset_hash": digest.hexdigest()[:16],
        "dataset_key": run_info["dataset_key"],
        "source": str(path),
        "n_rows": len(dataset),
        "n_columns": table.shape[1],
        "n_train": int((split == "train").sum()),
        "n_val": int((split == "val").sum()),
        "n_test": int((split == "test").sum()),
    }
    split_json = {
        "method": "stratified" if stratify is not None else "random",
        "seed": params_split["seed"],
        "test_size": params_split["test_size"],
        **{name: dataset.loc[dataset["split"] == name, "sample_id"].tolist() for name in ("train", "val", "test")},
    }
    return dataset, dataset[["sample_id", "split"]], split_json, schema, dataset_info
