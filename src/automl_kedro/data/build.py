"""build_dataset as pure functions along its seams: read -> edit -> type -> split.

``read_source`` reads the file (the pipeline reads it through the ``build_dataset.raw_table`` catalog
entry instead); ``edit_rows`` applies ``data.edit`` and the row checks (target, id, personal columns);
``type_columns`` types the columns, detects the problem type and picks the features; ``split_rows``
splits and assembles the phase's outputs (:class:`BuiltDataset`: dataset, dataset_index, split,
schema, dataset_info) with the dataset hash. ``build_dataset(data_params, split_params)`` chains them.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from automl_kedro.data.edit import apply_edits
from automl_kedro.data.io import DatasetFetcher, ReadInfo, read_table, resolve_source, table_name
from automl_kedro.data.problem import MAX_CLASSES_NUMERIC, check_target, detect_problem_type
from automl_kedro.data.split import make_split
from automl_kedro.data.types import (
    NON_FEATURE_TYPES,
    check_columns_exist,
    coerce_types,
    infer_column_types,
    is_textlike,
    number_text_format,
    parse_numbers,
)
from automl_kedro.errors import AutoMLInputError

RESERVED_COLUMNS = ("sample_id", "split")
HASH_VERSION = 1
# data.* keys that change the built table (the file location and naming do not).
_HASHED_DATA_KEYS = (
    "target", "problem_type", "id_column", "column_types", "delimiter", "encoding", "edit",
    "feature_columns", "max_classes", "personal_columns",
)
PERSONAL_REASON = "personal (data.personal_columns): dropped when the data was read; its values are stored nowhere"
_DATA_DEFAULTS = {"problem_type": "auto", "max_classes": 20}
_SPLIT_DEFAULTS = {"method": "auto", "test_size": 0.2, "val_size": 0.0, "seed": 42}
_HASHED_SPLIT_KEYS = ("method", "test_size", "val_size", "seed", "group_column", "time_column")


@dataclass
class BuiltDataset:
    dataset: pd.DataFrame
    dataset_index: pd.DataFrame
    split: dict[str, Any]
    schema: dict[str, Any]
    dataset_info: dict[str, Any]

    def as_tuple(self):
        return self.dataset, self.dataset_index, self.split, self.schema, self.dataset_info


def _clean(value: Any) -> Any:
    """Settings without empty parts, so that an absent option and its empty default hash alike."""
    if isinstance(value, dict):
        cleaned = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, {}, [], "")}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def dataset_hash(content_sha256: str, data_params: dict[str, Any], split_params: dict[str, Any]) -> str:
    """sha256 of the file content's digest and the settings that change the dataset."""
    data_params = {**_DATA_DEFAULTS, **{k: v for k, v in data_params.items() if v is not None}}
    split_params = {**_SPLIT_DEFAULTS, **{k: v for k, v in split_params.items() if v is not None}}
    settings = {
        "version": HASH_VERSION,
        "content": content_sha256,
        "data": _clean({k: data_params.get(k) for k in _HASHED_DATA_KEYS}),
        "split": _clean({k: split_params.get(k) for k in _HASHED_SPLIT_KEYS}),
    }
    blob = json.dumps(settings, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()


def _drop_personal(table: pd.DataFrame, personal: list[str], target: str, id_column: str | None,
                   data_params: dict[str, Any], split_params: dict[str, Any]) -> tuple[pd.DataFrame, list[str]]:
    """Drop the declared personal columns (the id column stays: it names rows) -> (table, dropped).

    A personal column cannot also be the target, a requested feature, or the split's group/time column.
    """
    roles = {"data.target": [target], "data.feature_columns": data_params.get("feature_columns") or [],
             "split.group_column": [split_params.get("group_column")], "split.time_column": [split_params.get("time_column")]}
    for setting, columns in roles.items():
        clash = [c for c in personal if c in columns]
        if clash:
            raise AutoMLInputError(
                f"{setting} names {clash}, which data.personal_columns declares personal: a personal column is "
                f"never used (only dropped). Remove it from one of the two settings."
            )
    dropped = [c for c in dict.fromkeys(personal) if c != id_column]
    return table.drop(columns=dropped), dropped


def read_source(data_params: dict[str, Any], fetch: DatasetFetcher | None = None) -> tuple[pd.DataFrame, ReadInfo]:
    """The raw table named by ``data.path`` (or ClearML Dataset ``data.dataset_id``), as read."""
    source = resolve_source(data_params.get("path"), data_params.get("dataset_id"), fetch)
    return read_table(source, delimiter=data_params.get("delimiter"), encoding=data_params.get("encoding"))


@dataclass
class EditedTable:
    """The table after ``data.edit`` and the row checks: what typing starts from."""

    table: pd.DataFrame
    sample_id: np.ndarray
    read_info: ReadInfo
    raw_shape: tuple[int, int]
    edit_log: list[Any]
    personal: list[str]
    dropped_personal: list[str]
    missing_target: int
    notes: list[str] = field(default_factory=list)


@dataclass
class TypedTable:
    """The edited table with typed columns, the problem type and the chosen features."""

    table: pd.DataFrame  # the edited table, columns coerced to their types
    edited: EditedTable
    types: dict[str, str]
    reasons: dict[str, str]
    problem_type: str
    rule: str
    features: list[str]
    excluded: dict[str, str]
    classes: list[str] | None
    number_text: dict[str, dict[str, Any]] = field(default_factory=dict)  # numbers written as text: their format


def _sample_ids(table: pd.DataFrame, id_column: str | None) -> np.ndarray:
    """The rows' ids: the id column (complete and unique) or the row numbers."""
    if not id_column:
        return table.index.astype(str).to_numpy()
    ids = table[id_column]
    if ids.isna().any():
        raise AutoMLInputError(f"data.id_column {id_column!r} is empty in {int(ids.isna().sum())} row(s); every row needs an id.")
    dupes = ids[ids.duplicated()]
    if len(dupes):
        raise AutoMLInputError(
            f"data.id_column {id_column!r} is not unique ({len(dupes)} repeated, e.g. {dupes.iloc[0]!r}). "
            "Choose a column with one value per row, or leave data.id_column empty to use row numbers."
        )
    return ids.astype(str).to_numpy()


def edit_rows(raw: pd.DataFrame, read_info: ReadInfo, data_params: dict[str, Any],
              split_params: dict[str, Any] | None = None) -> EditedTable:
    """Apply ``data.edit``; check the target, the id column and the personal columns; drop unlabelled rows."""
    split_params = dict(split_params or {})
    notes = list(read_info.notes)
    table, edit_log = apply_edits(raw, data_params.get("edit"))
    clash = [c for c in RESERVED_COLUMNS if c in table.columns]
    if clash:
        raise AutoMLInputError(
            f"The data has column(s) {clash}, names this tool adds itself. Rename them with "
            "data.edit.rename (e.g. {split: split_original})."
        )
    target = data_params.get("target")
    check_target(table, target, read_info.path)
    id_column = data_params.get("id_column")
    if id_column:
        check_columns_exist(table, [id_column], "data.id_column")
        if id_column == target:
            raise AutoMLInputError("data.id_column is the target column; choose the column that identifies rows.")
    personal = list(data_params.get("personal_columns") or [])
    check_columns_exist(table, personal, "data.personal_columns")
    table, dropped_personal = _drop_personal(table, personal, target, id_column, data_params, split_params)

    absent = _without_target(table[target], (data_params.get("column_types") or {}).get(target))
    missing_target = int(absent.sum())
    if missing_target:
        table = table[~absent]
        notes.append(f"{missing_target} row(s) without a target value (empty or infinite) were left out.")
    return EditedTable(table=table, sample_id=_sample_ids(table, id_column), read_info=read_info,
                       raw_shape=tuple(raw.shape), edit_log=edit_log, personal=personal,
                       dropped_personal=dropped_personal, missing_target=missing_target, notes=notes)


def _without_target(y: pd.Series, forced_type: str | None) -> np.ndarray:
    """Rows whose target holds no usable value: empty, infinite, or a missing marker (``?``) among numbers
    written as text."""
    absent = y.isna().to_numpy().copy()
    numeric = pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y)
    fmt = number_text_format(y) if forced_type in (None, "numeric") and is_textlike(y) else None
    if numeric or fmt:
        numbers = parse_numbers(y, fmt["decimal"]) if fmt else y
        absent |= ~np.isfinite(numbers.to_numpy(dtype=float, na_value=np.nan))
    return absent


def type_columns(edited: EditedTable, data_params: dict[str, Any]) -> TypedTable:
    """Type every column, detect the problem type, and choose the feature columns (with why others are not)."""
    table, target, id_column = edited.table, data_params.get("target"), data_params.get("id_column")
    types, reasons = infer_column_types(table, id_column=id_column, overrides=data_params.get("column_types"))
    number_text = {c: number_text_format(table[c]) or {"decimal": ".", "missing": []}
                   for c, kind in types.items() if kind == "numeric" and is_textlike(table[c])}
    table = coerce_types(table, types, number_text)  # before the problem type: a target of "1,234.50" is numeric
    y = table[target]
    problem_type, rule = detect_problem_type(
        y, data_params.get("problem_type") or "auto", int(data_params.get("max_classes") or MAX_CLASSES_NUMERIC)
    )
    classes = sorted(map(str, y.unique())) if problem_type != "regression" else None

    requested_features = data_params.get("feature_columns")
    if requested_features:
        check_columns_exist(table, requested_features, "data.feature_columns")
        candidates = [c for c in requested_features if c != target]
    else:
        candidates = [c for c in table.columns if c != target]
    excluded: dict[str, str] = {}
    features: list[str] = []
    for column in candidates:
        if column == id_column:
            excluded[column] = "the id column"
        elif types[column] in NON_FEATURE_TYPES:
            excluded[column] = f"{types[column]}: {reasons[column]}"
        else:
            features.append(column)
    for column in edited.dropped_personal:
        excluded[column] = PERSONAL_REASON
    if not features:
        raise AutoMLInputError(
            f"No usable feature column is left besides the target {target!r} (excluded: {excluded or 'none'}). "
            "Add columns, or force a type with data.column_types."
        )
    return TypedTable(table=table, edited=edited, types=dict(types), reasons=dict(reasons), problem_type=problem_type, rule=rule,
                      features=features, excluded=excluded, classes=classes, number_text=number_text)


def split_rows(typed: TypedTable, data_params: dict[str, Any], split_params: dict[str, Any] | None = None,
               *, dataset_key: str | None = None) -> BuiltDataset:
    """Split the rows (train / val / test) and assemble the phase's outputs, hashed."""
    split_params = dict(split_params or {})
    edited, target = typed.edited, data_params.get("target")
    labels, split_settings = make_split(
        typed.table,
        target=target,
        problem_type=typed.problem_type,
        method=split_params.get("method", "auto"),
        test_size=float(split_params.get("test_size", 0.2)),
        val_size=float(split_params.get("val_size", 0.0) or 0.0),
        seed=int(split_params.get("seed", 42)),
        group_column=split_params.get("group_column"),
        time_column=split_params.get("time_column"),
    )
    notes = [*edited.notes, *split_settings["notes"]]

    dataset = typed.table.reset_index(drop=True)
    dataset.insert(0, "sample_id", edited.sample_id)
    dataset.insert(1, "split", labels)
    dataset["sample_id"] = dataset["sample_id"].astype(str)
    dataset["split"] = dataset["split"].astype(str)
    counts = dataset["split"].value_counts()
    split_json = {
        **{k: v for k, v in split_settings.items() if k != "notes"},
        "counts": {name: int(counts.get(name, 0)) for name in ("train", "val", "test")},
        **{name: dataset.loc[dataset["split"] == name, "sample_id"].tolist() for name in ("train", "val", "test")},
    }
    return BuiltDataset(
        dataset=dataset,
        dataset_index=dataset[["sample_id", "split"]].copy(),
        split=split_json,
        schema=_schema(typed, data_params, split_settings["method"], notes),
        dataset_info=_dataset_info(typed, data_params, split_params, dataset, dataset_key, notes),
    )


def _schema(typed: TypedTable, data_params: dict[str, Any], split_method: str, notes: list[str]) -> dict[str, Any]:
    target, types = data_params.get("target"), typed.types
    return {
        "target": target,
        "problem_type": typed.problem_type,
        "problem_type_rule": typed.rule,
        "feature_columns": typed.features,
        "column_types": {c: types[c] for c in typed.features},
        "classes": typed.classes,
        "id_column": data_params.get("id_column"),
        "personal_columns": typed.edited.personal,
        # additions (readers may ignore them)
        "target_type": types[target],
        "all_column_types": dict(types),
        "column_type_reasons": dict(typed.reasons),
        "number_text": typed.number_text,
        "excluded_columns": typed.excluded,
        "split_method": split_method,
        "source": typed.edited.read_info.as_dict(),
        "notes": notes,
    }


def _dataset_info(typed: TypedTable, data_params: dict[str, Any], split_params: dict[str, Any],
                  dataset: pd.DataFrame, dataset_key: str | None, notes: list[str]) -> dict[str, Any]:
    edited, read_info = typed.edited, typed.edited.read_info
    counts = dataset["split"].value_counts()
    return {
        "dataset_hash": dataset_hash(read_info.content_sha256, data_params, split_params),
        "dataset_key": dataset_key or table_name(read_info.path),
        "source": read_info.path,
        "dataset_id": data_params.get("dataset_id"),
        "content_sha256": read_info.content_sha256,
        "format": read_info.format,
        "delimiter": read_info.delimiter,
        "encoding": read_info.encoding,
        "n_rows_raw": int(edited.raw_shape[0]),
        "n_columns_raw": int(edited.raw_shape[1]),
        "n_rows": int(len(dataset)),
        "n_features": len(typed.features),
        "n_rows_missing_target": edited.missing_target,
        "n_train": int(counts.get("train", 0)),
        "n_val": int(counts.get("val", 0)),
        "n_test": int(counts.get("test", 0)),
        "problem_type": typed.problem_type,
        "target": data_params.get("target"),
        "edits": edited.edit_log,
        "notes": notes,
    }


def build_dataset(
    data_params: dict[str, Any],
    split_params: dict[str, Any] | None = None,
    *,
    dataset_key: str | None = None,
    fetch: DatasetFetcher | None = None,
) -> BuiltDataset:
    """Build the dataset described by the ``data`` and ``split`` parameter sections: read -> edit -> type -> split."""
    data_params = dict(data_params or {})
    split_params = dict(split_params or {})
    raw, read_info = read_source(data_params, fetch)
    edited = edit_rows(raw, read_info, data_params, split_params)
    del raw
    return split_rows(type_columns(edited, data_params), data_params, split_params, dataset_key=dataset_key)
