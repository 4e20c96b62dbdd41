"""The target: checks that it is usable, and the problem type with the rule that chose it."""
from __future__ import annotations

import pandas as pd

from automl_kedro.data.types import suggest_columns
from automl_kedro.errors import AutoMLInputError

MAX_CLASSES_NUMERIC = 20
PROBLEM_TYPES = ("auto", "regression", "binary", "multiclass")


def problem_type_rule(max_classes: int = MAX_CLASSES_NUMERIC) -> str:
    """The rule in one sentence (the report quotes it)."""
    return (
        "A text, category or true/false target means classification; a numeric target with only whole "
        f"numbers and at most {max_classes} distinct values, each seen three times on average (two values: "
        "always), also means classification; any other numeric "
        "target means regression. Classification with 2 classes is binary, with more it is multiclass."
    )


def check_target(table: pd.DataFrame, target: str | None, path: str = "the data") -> None:
    """Refuse a missing or empty target column, naming close column names."""
    if not target:
        raise AutoMLInputError(
            f"data.target is not set. Name the column to predict, e.g. --params \"data.target=<column>\". "
            f"Columns of {path}: {', '.join(map(str, table.columns[:40]))}."
        )
    if target not in table.columns:
        raise AutoMLInputError(
            f"Target column {target!r} is not in {path}.{suggest_columns(target, table.columns)} "
            f"Columns: {', '.join(map(str, table.columns[:40]))}{' ...' if len(table.columns) > 40 else ''}. "
            "Set data.target to one of them."
        )
    if table[target].isna().all():
        raise AutoMLInputError(
            f"Target column {target!r} is empty in every row of {path}; there is nothing to learn from. "
            "Check data.target, or fill the column."
        )


def detect_problem_type(
    y: pd.Series, requested: str = "auto", max_classes: int = MAX_CLASSES_NUMERIC
) -> tuple[str, str]:
    """(problem_type, rule sentence) for target values ``y`` (missing values already removed)."""
    if requested not in PROBLEM_TYPES:
        raise AutoMLInputError(f"data.problem_type={requested!r} is not one of {', '.join(PROBLEM_TYPES)}.")
    n_unique = int(y.nunique())
    numeric = pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y)
    if n_unique < 2:
        raise AutoMLInputError(
            f"Target column {y.name!r} has a single value ({y.iloc[0]!r}) in every row; a model cannot learn "
            "to tell classes apart. Choose another target or add rows with other values."
        )
    if requested != "auto":
        if requested == "regression" and not numeric:
            raise AutoMLInputError(
                f"data.problem_type=regression but target {y.name!r} is not numeric (e.g. {y.iloc[0]!r}). "
                "Use problem_type auto, binary or multiclass, or pick a numeric target."
            )
        if requested == "binary" and n_unique != 2:
            raise AutoMLInputError(
                f"data.problem_type=binary but target {y.name!r} has {n_unique} distinct values. "
                "Use multiclass (or auto)."
            )
        return requested, f"Set in data.problem_type ({requested})."
    rule = problem_type_rule(max_classes)
    if numeric:
        whole = bool((y.astype(float) % 1 == 0).all())
        repeated = n_unique == 2 or len(y) >= 3 * n_unique  # labels recur; 12 weights in 12 rows are measurements
        if not (whole and n_unique <= max_classes and repeated):
            return "regression", rule
    return ("binary" if n_unique == 2 else "multiclass"), rule
