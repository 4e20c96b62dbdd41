"""Train / val / test splits: random, stratified, group or time, all seeded.

* ``random``: rows shuffled with the seed.
* ``stratified``: every class keeps its share in each split (classification).
* ``group``: all rows of a group (``split.group_column``) land in the same split.
* ``time``: rows ordered by ``split.time_column``; the oldest are train, then val, the newest test.
* ``auto``: time if a time column is set, else group if a group column is set, else stratified for
  classification, else random.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from automl_kedro.data.types import check_columns_exist, parse_datetimes
from automl_kedro.errors import AutoMLInputError
from automl_kedro.ml.cv import stratification_labels

SPLIT_METHODS = ("auto", "random", "stratified", "group", "time")


def resolve_method(method: str, problem_type: str, group_column: str | None, time_column: str | None) -> str:
    """The concrete method for ``auto``."""
    if method not in SPLIT_METHODS:
        raise AutoMLInputError(f"split.method={method!r} is not one of {', '.join(SPLIT_METHODS)}.")
    if method != "auto":
        return method
    if time_column:
        return "time"
    if group_column:
        return "group"
    return "stratified" if problem_type in ("binary", "multiclass") else "random"


def _sizes(n: int, test_size: float, val_size: float) -> tuple[int, int]:
    if test_size + val_size >= 1:
        raise AutoMLInputError(
            f"split.test_size ({test_size}) + split.val_size ({val_size}) leaves no rows to train on; keep their sum below 1."
        )
    n_test = int(round(n * test_size))
    n_val = int(round(n * val_size))
    if n_test < 1 or n - n_test - n_val < 2:
        raise AutoMLInputError(
            f"Only {n} rows: too few for test_size={test_size} and val_size={val_size}. Add rows or change the sizes."
        )
    return n_test, n_val


def make_split(
    table: pd.DataFrame,
    *,
    target: str,
    problem_type: str,
    method: str = "auto",
    test_size: float = 0.2,
    val_size: float = 0.0,
    seed: int = 42,
    group_column: str | None = None,
    time_column: str | None = None,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Array of ``train`` / ``val`` / ``test`` labels (aligned with ``table``) and the settings used."""
    method_used = resolve_method(method, problem_type, group_column, time_column)
    n_test, n_val = _sizes(len(table), test_size, val_size)
    notes: list[str] = []
    if method_used == "stratified" and problem_type == "regression":
        raise AutoMLInputError("split.method=stratified needs a classification target; use random, group or time.")
    if method_used in ("random", "stratified"):
        labels, method_used, notes = _shuffled_split(table, target, method_used, n_test, n_val, seed)
    elif method_used == "group":
        labels = _group_split(table, group_column, n_test, n_val, seed)
    else:
        labels = _time_split(table, time_column, n_test, n_val)
    settings = {
        "method": method_used,
        "method_requested": method,
        "seed": int(seed),
        "test_size": float(test_size),
        "val_size": float(val_size),
        "group_column": group_column,
        "time_column": time_column,
        "notes": notes,
    }
    return labels, settings


def _shuffled_split(table: pd.DataFrame, target: str, method: str, n_test: int, n_val: int,
                    seed: int) -> tuple[np.ndarray, str, list[str]]:
    """Random or stratified labels -> (labels, method used, notes); the rows of a class too rare to stratify are
    dealt at random (all rows when no two classes can be stratified)."""
    n = len(table)
    labels = np.full(n, "train", dtype=object)
    notes: list[str] = []
    stratify = table[target].astype(str).to_numpy() if method == "stratified" else None
    if stratify is not None:
        counts = pd.Series(stratify).value_counts()
        rare = counts[counts < (2 if n_val == 0 else 3)]
        if len(rare) == len(counts) - 1:  # nothing left to stratify on
            notes.append(f"Class {counts.idxmin()!r} has only {counts.min()} row(s), too few to stratify; the split "
                         "is random.")
            method, stratify = "random", None
        elif len(rare):
            names = ", ".join(f"{c!r} ({k})" for c, k in rare.items())
            notes.append(f"Too few rows to stratify: {names}; those rows are dealt at random, the other classes "
                         "keep their shares.")
            stratify = stratification_labels(stratify, 2 if n_val == 0 else 3)
        if stratify is not None and len(pd.unique(stratify)) > min(n_test, n_val or n_test):
            notes.append(f"{len(pd.unique(stratify))} classes and {min(n_test, n_val or n_test)} rows to hold out: too "
                         "few to stratify; the split is random.")
            method, stratify = "random", None
    rest, test_pos = train_test_split(np.arange(n), test_size=n_test, random_state=seed, stratify=stratify)
    labels[test_pos] = "test"
    if n_val:
        strat_rest = stratification_labels(stratify[rest], 2) if stratify is not None else None
        _, val_pos = train_test_split(rest, test_size=n_val, random_state=seed, stratify=strat_rest)
        labels[val_pos] = "val"
    return labels, method, notes


def _group_split(table: pd.DataFrame, group_column: str | None, n_test: int, n_val: int, seed: int) -> np.ndarray:
    """Whole groups, in a seeded random order, fill test, then val; the rest is train."""
    if not group_column:
        raise AutoMLInputError("split.method=group needs split.group_column (the column whose rows must stay together).")
    check_columns_exist(table, [group_column], "split.group_column")
    groups = table[group_column].astype(str).where(table[group_column].notna(), "<missing>").to_numpy()
    unique, inverse, counts = np.unique(groups, return_inverse=True, return_counts=True)
    if len(unique) < 3:
        raise AutoMLInputError(
            f"split.group_column {group_column!r} has only {len(unique)} group(s); a group split needs at least 3."
        )
    order = np.random.default_rng(seed).permutation(len(unique))
    assignment = np.full(len(unique), "train", dtype=object)
    filled_test = filled_val = 0
    for g in order:
        if filled_test < n_test:
            assignment[g], filled_test = "test", filled_test + counts[g]
        elif filled_val < n_val:
            assignment[g], filled_val = "val", filled_val + counts[g]
    if (assignment == "train").sum() == 0:
        raise AutoMLInputError(f"split.group_column {group_column!r}: the groups are too large to leave any for training.")
    return assignment[inverse]


def _time_split(table: pd.DataFrame, time_column: str | None, n_test: int, n_val: int) -> np.ndarray:
    """The newest rows are test, the ones before them val, the oldest train."""
    if not time_column:
        raise AutoMLInputError("split.method=time needs split.time_column (the column that orders rows in time).")
    check_columns_exist(table, [time_column], "split.time_column")
    times = table[time_column]
    if not pd.api.types.is_numeric_dtype(times) and not pd.api.types.is_datetime64_any_dtype(times):
        times = parse_datetimes(times)
    missing = int(times.isna().sum())
    if missing:
        raise AutoMLInputError(
            f"split.time_column {time_column!r} has {missing} missing or unreadable value(s); a time split needs "
            "every row dated. Fill them (data.edit.fillna) or drop those rows (data.edit.query)."
        )
    n = len(table)
    labels = np.full(n, "train", dtype=object)
    order = np.argsort(times.to_numpy(), kind="stable")
    labels[order[n - n_test:]] = "test"
    if n_val:
        labels[order[n - n_test - n_val: n - n_test]] = "val"
    return labels
