"""build_dataset: read -> edit -> type -> split, thin wrappers over :mod:`automl_kedro.data.build`.

The raw table comes from the ``build_dataset.raw_table`` catalog entry (the file named by
``data.path``, or the ClearML Dataset ``data.dataset_id``); the nodes hand the table on in memory.
"""
from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from automl_kedro.data.build import EditedTable, TypedTable
from automl_kedro.data.build import edit_rows as _edit_rows
from automl_kedro.data.build import split_rows as _split_rows
from automl_kedro.data.build import type_columns as _type_columns
from automl_kedro.data.io import ReadInfo

logger = logging.getLogger(__name__)


def edit_rows(raw_table: tuple[pd.DataFrame, ReadInfo], params_data: dict[str, Any],
              params_split: dict[str, Any]) -> EditedTable:
    """Apply ``data.edit``; check target, id and personal columns; leave out rows without a target."""
    table, read_info = raw_table
    return _edit_rows(table, read_info, dict(params_data or {}), dict(params_split or {}))


def type_columns(edited_table: EditedTable, params_data: dict[str, Any]) -> TypedTable:
    """Type the columns, detect the problem type, choose the features."""
    return _type_columns(edited_table, dict(params_data or {}))


def split_rows(typed_table: TypedTable, params_data: dict[str, Any], params_split: dict[str, Any],
               run_info: dict[str, Any]):
    """Split and hash -> (dataset, dataset_index, split, schema, dataset_info)."""
    built = _split_rows(typed_table, dict(params_data or {}), dict(params_split or {}),
                        dataset_key=(run_info or {}).get("dataset_key"))
    info = built.dataset_info
    logger.info(
        "dataset %s: %d rows, %d features, %s (%s split: train %d / val %d / test %d), hash %s",
        info["dataset_key"], info["n_rows"], info["n_features"], info["problem_type"],
        built.split["method"], info["n_train"], info["n_val"], info["n_test"], info["dataset_hash"][:12],
    )
    for note in info["notes"]:
        logger.warning("%s", note)
    return built.as_tuple()
