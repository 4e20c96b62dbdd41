"""New rows for prediction: read (CSV, Parquet, JSON object or list of records) and checked like training input.

Checks, in this order, each naming ``predict.input_path`` (or the setting given):
missing file / empty / header only -> error; missing model columns -> one error naming them;
text in a numeric column -> one error naming the column and its first offending rows (we refuse
rather than coerce: a silently blanked value would be imputed and predicted with confidence);
extra columns -> a note; an all-empty model column -> a warning. Unseen categories are found by the
applicability check (:mod:`automl_kedro.ml.applicability`), which marks the rows.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from automl_kedro.data.io import read_table, strip_text_cells  # the reader build_dataset uses
from automl_kedro.data.types import blank_cells, parse_numbers
from automl_kedro.errors import AutoMLInputError

JSON_SUFFIXES = (".json",)
NUMERIC_TYPES = ("numeric",)
SHOWN_ROWS = 5


@dataclass
class CheckedRows:
    """The model's feature columns of the new rows, their ids, and what the checks noticed."""

    X: pd.DataFrame
    sample_id: pd.Series
    notes: list[str] = field(default_factory=list)  # informational
    warnings: list[str] = field(default_factory=list)  # the user should look


def rows_from_json(text: str, setting: str = "predict.input_path") -> pd.DataFrame:
    """JSON text of an object (one row) or a list of objects (records) -> a DataFrame."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AutoMLInputError(f"{setting}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}). "
                               'Give one object {"column": value, ...} or a list of them.') from None
    return rows_from_records(value, setting)


def rows_from_records(value: Any, setting: str = "predict.input_path") -> pd.DataFrame:
    """A parsed JSON object (one row) or list of objects -> a DataFrame; anything else is one message."""
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        kind = type(value).__name__ if not isinstance(value, list) else "a list holding non-objects"
        raise AutoMLInputError(f"{setting}: the JSON is {kind}, not an object or a list of objects. "
                               'Give one row as {"column": value, ...} or several as [{...}, {...}].')
    if not value:
        raise AutoMLInputError(f"{setting}: the JSON list is empty; give at least one row.")
    if any(not v for v in value):
        raise AutoMLInputError(f"{setting}: a JSON object has no keys; each row needs the model's columns.")
    return pd.DataFrame.from_records(value)


def read_predict_input(path: str | None, setting: str = "predict.input_path") -> pd.DataFrame:
    """Read the new rows file; every problem is one message naming ``setting``."""
    if not path:
        raise AutoMLInputError(f'Set {setting} to a CSV, Parquet or JSON file of new rows '
                               f'(--params "{setting}=new.csv").')
    file = Path(path)
    if not file.exists():
        raise AutoMLInputError(f"{setting}={path}: file not found. Point {setting} at an existing CSV, Parquet "
                               "or JSON file (relative paths start at the project folder).")
    if file.is_dir():
        raise AutoMLInputError(f"{setting}={path} is a folder; point it at a file of new rows.")
    if file.stat().st_size == 0 or not file.read_bytes().strip():
        raise AutoMLInputError(f"{setting}={path} is empty. Point {setting} at a file with a header and rows.")
    if file.suffix.lower() in JSON_SUFFIXES:
        try:
            value = json.loads(file.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise AutoMLInputError(f"{setting}={path} is not valid JSON ({exc}). Give one object or a list of "
                                   "objects.") from None
        return rows_from_records(value, f"{setting}={path}")
    try:
        table, _info = read_table(str(file))
    except AutoMLInputError as exc:  # the reader speaks of data.path; the setting here is another
        raise AutoMLInputError(str(exc).replace("data.path", setting).replace("Data file", f"{setting}")) from None
    return table


def _first_rows(index: pd.Index) -> str:
    shown = ", ".join(str(int(i) + 1) for i in index[:SHOWN_ROWS])
    more = f" and {len(index) - SHOWN_ROWS} more" if len(index) > SHOWN_ROWS else ""
    return f"{shown}{more}"


def check_rows(rows: pd.DataFrame, schema: dict[str, Any], train_rows: pd.DataFrame | None = None,
               setting: str = "predict.input_path") -> CheckedRows:
    """The model's columns of ``rows``, typed as in training; raise one message for what cannot be predicted.

    ``train_rows`` (the training table) gives the dtypes to align categoricals to (a JSON ``2007`` for a
    text column becomes ``"2007"``).
    """
    features = list(schema["feature_columns"])
    types = schema.get("column_types", {})
    rows = rows.reset_index(drop=True)
    rows.columns = [str(c).strip() for c in rows.columns]
    missing = [c for c in features if c not in rows.columns]
    if missing:
        raise AutoMLInputError(
            f"{setting}: the new rows lack {len(missing)} column(s) the model was trained on: {', '.join(missing)}. "
            "Add them (empty values are allowed)."
        )
    notes, warnings = [], []
    id_column = schema.get("id_column")
    ignored = {schema.get("target"), id_column, "sample_id", "split"}
    extra = [c for c in rows.columns if c not in features and c not in ignored]
    if extra:
        notes.append(f"{len(extra)} column(s) not used by the model are ignored: {', '.join(extra)}.")
    X = strip_text_cells(rows[features].copy())  # as the training file was read: "yes " is "yes"
    bad: list[str] = []
    for col in features:
        kind = types.get(col)
        values = X[col]
        if kind in NUMERIC_TYPES:
            fmt = (schema.get("number_text") or {}).get(col) or {"decimal": "."}
            number = parse_numbers(values, fmt["decimal"])  # "1,234.5", "$12", "45 %" as in training
            wrong = X.index[~blank_cells(values) & number.isna().to_numpy()]
            if len(wrong):
                examples = ", ".join(repr(v) for v in values.loc[wrong[:3]].tolist())
                bad.append(f"column {col!r} is numeric in training but rows {_first_rows(wrong)} hold text ({examples})")
            X[col] = number.astype(float)
        elif train_rows is not None and col in train_rows and _is_text(train_rows[col]):
            X[col] = values.map(lambda v: v if pd.isna(v) or isinstance(v, str) else _as_text(v))
    if bad:
        raise AutoMLInputError(f"{setting}: " + "; ".join(bad) + ". Fix or empty those cells and predict again.")
    for col in features:
        if X[col].isna().all():
            warnings.append(f"Column {col!r} is empty in every new row; the model fills it as it filled missing "
                            "training values, so predictions ignore it.")
    if id_column and id_column in rows:
        sample_id = rows[id_column].astype(str)
    elif "sample_id" in rows:
        sample_id = rows["sample_id"].astype(str)
    else:
        sample_id = pd.Series(np.arange(len(rows))).astype(str)
    return CheckedRows(X=X, sample_id=sample_id.reset_index(drop=True), notes=notes, warnings=warnings)


def _is_text(column: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(column.dtype) or pd.api.types.is_string_dtype(column.dtype)


def _as_text(value: Any) -> str:
    """``2007.0`` -> ``"2007"``, as a CSV reader gives a whole number written in a text column."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)
