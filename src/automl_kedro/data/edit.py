"""Optional editing steps applied before splitting: drop, rename, replace, query, clip, fill missing.

``data.edit`` is a dict; the steps always run in this order, and each leaves a line in the log
(what it did and how many rows/columns it touched), which build_dataset records.

.. code-block:: yaml

    data:
      edit:
        drop: [comment, internal_code]
        rename: {bill_len: bill_length_mm}
        replace: {sex: {MALE: male, Male: male}}  # one spelling for values meaning the same
        query: "body_mass_g > 0 and island != 'Dream'"
        clip: {body_mass_g: [2000, 7000]}        # [low, high]; null = no bound
        fillna: {sex: unknown, year: 2008}        # a value, or mean / median / mode
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from automl_kedro.data.types import check_columns_exist
from automl_kedro.errors import AutoMLInputError

Log = list[dict[str, Any]]


def apply_edits(table: pd.DataFrame, edit: dict[str, Any] | None) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The edited table and a log of each step."""
    edit = {k: v for k, v in (edit or {}).items() if v not in (None, [], {}, "")}
    unknown = set(edit) - set(EDIT_STEPS)
    if unknown:
        raise AutoMLInputError(f"Unknown data.edit step(s) {sorted(unknown)}. Steps: {', '.join(EDIT_STEPS)}.")
    log: Log = []
    for name, step in _STEPS.items():
        if name in edit:
            table, entries = step(table, edit[name])
            log += entries
    return table, log


def _drop(table: pd.DataFrame, spec: Any) -> tuple[pd.DataFrame, Log]:
    columns = [spec] if isinstance(spec, str) else list(spec)
    check_columns_exist(table, columns, "data.edit.drop")
    return table.drop(columns=columns), [{"step": "drop", "columns": columns, "detail": f"dropped {len(columns)} column(s)"}]


def _rename(table: pd.DataFrame, spec: Any) -> tuple[pd.DataFrame, Log]:
    mapping = dict(spec)
    check_columns_exist(table, mapping, "data.edit.rename")
    clash = [new for old, new in mapping.items() if new in table.columns and new not in mapping]
    if clash:
        raise AutoMLInputError(f"data.edit.rename would create duplicate column(s) {clash}; pick other new names.")
    return table.rename(columns=mapping), [{"step": "rename", "columns": mapping, "detail": f"renamed {len(mapping)} column(s)"}]


def _replace(table: pd.DataFrame, spec: Any) -> tuple[pd.DataFrame, Log]:
    mappings = dict(spec)
    check_columns_exist(table, mappings, "data.edit.replace")
    table, log = table.copy(), []
    for column, mapping in mappings.items():
        if not isinstance(mapping, dict) or not mapping:
            raise AutoMLInputError(f"data.edit.replace.{column} must map old values to new ones, e.g. "
                                   f"{{{column}: {{'yes': 'Yes'}}}}; got {mapping!r}.")
        values = table[column]
        as_text = values.astype("string")
        hit = as_text.isin([str(k) for k in mapping])
        table[column] = values.astype(object).where(~hit.fillna(False).to_numpy(),
                                                    as_text.map({str(k): v for k, v in mapping.items()}))
        log.append({"step": "replace", "column": column, "values": {str(k): _plain(v) for k, v in mapping.items()},
                    "detail": f"replaced {int(hit.sum())} value(s)"})
    return table, log


def _query(table: pd.DataFrame, spec: Any) -> tuple[pd.DataFrame, Log]:
    before = len(table)
    try:
        table = table.query(str(spec), engine="python")  # keeps the original row numbers
    except Exception as exc:  # pandas raises many types for a bad expression
        raise AutoMLInputError(
            f"data.edit.query {spec!r} could not be applied ({type(exc).__name__}: {exc}). "
            "Write a pandas query such as \"age > 18 and country == 'FR'\" (column names with spaces in `backticks`)."
        ) from None
    if table.empty:
        raise AutoMLInputError(f"data.edit.query {spec!r} keeps no rows; loosen the filter.")
    return table, [{"step": "query", "expression": str(spec), "detail": f"kept {len(table)} of {before} rows"}]


def _clip(table: pd.DataFrame, spec: Any) -> tuple[pd.DataFrame, Log]:
    bounds = dict(spec)
    check_columns_exist(table, bounds, "data.edit.clip")
    table, log = table.copy(), []
    for column, limits in bounds.items():
        if not pd.api.types.is_numeric_dtype(table[column]):
            raise AutoMLInputError(f"data.edit.clip.{column}: the column is not numeric, so it cannot be clipped.")
        if not isinstance(limits, (list, tuple)) or len(limits) != 2:
            raise AutoMLInputError(f"data.edit.clip.{column} must be [low, high] (use null for no bound); got {limits!r}.")
        low, high = limits
        changed = int((table[column] < low).sum()) if low is not None else 0
        changed += int((table[column] > high).sum()) if high is not None else 0
        table[column] = table[column].clip(lower=low, upper=high)
        log.append({"step": "clip", "column": column, "bounds": [low, high], "detail": f"clipped {changed} value(s)"})
    return table, log


def _fillna(table: pd.DataFrame, spec: Any) -> tuple[pd.DataFrame, Log]:
    fills = dict(spec)
    check_columns_exist(table, fills, "data.edit.fillna")
    table, log = table.copy(), []
    for column, value in fills.items():
        missing = int(table[column].isna().sum())
        value = _fill_value(table[column], column, value)
        table[column] = table[column].fillna(value)
        log.append({"step": "fillna", "column": column, "value": _plain(value), "detail": f"filled {missing} missing value(s)"})
    return table, log


def _fill_value(series: pd.Series, column: str, value: Any) -> Any:
    """The value to fill with: a constant, or the column's mean / median / mode."""
    if value in ("mean", "median") and not pd.api.types.is_numeric_dtype(series):
        raise AutoMLInputError(f"data.edit.fillna.{column}={value}: the column is not numeric; use mode or a value.")
    if value == "mean":
        return series.mean()
    if value == "median":
        return series.median()
    if value == "mode":
        mode = series.mode(dropna=True)
        return mode.iloc[0] if len(mode) else None
    return value


# The steps, in the order they always run.
_STEPS = {"drop": _drop, "rename": _rename, "replace": _replace, "query": _query, "clip": _clip, "fillna": _fillna}
EDIT_STEPS = tuple(_STEPS)


def _plain(value: Any) -> Any:
    """JSON-friendly scalar."""
    if hasattr(value, "item"):
        return value.item()
    return value
