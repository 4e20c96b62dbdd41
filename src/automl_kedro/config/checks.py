"""Parameters that can only be checked once the data's shape is known (rows, classes, problem type).

Called right after build_dataset has read and split the data, before anything is written, so that
a setting the data cannot satisfy stops the run at once with one message, instead of failing after
three phases have written their directories. The rules are the training code's own (``make_splits``,
the metric registry), not copies of them.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from automl_kedro.errors import AutoMLInputError


def training_problems(params: dict[str, Any], dataset: pd.DataFrame, schema: dict[str, Any]) -> list[str]:
    """What in ``train.*`` (and ``split.*`` as train uses it) this dataset cannot satisfy."""
    from automl_kedro.ml.cv import CVError, make_splits
    from automl_kedro.ml.metrics import METRICS, resolve_metrics

    train = params.get("train") or {}
    split = params.get("split") or {}
    task, target = schema["problem_type"], schema["target"]
    problems = []
    primary = train.get("primary_metric") or "auto"
    if primary != "auto":
        spec = METRICS.get(primary)
        if task not in spec.tasks:
            fitting = [name for name, s in METRICS.items() if task in s.tasks]
            problems.append(f"train.primary_metric {primary!r} does not apply to this {task} problem "
                            f"(target {target!r}); use one of: {', '.join(fitting)} (or auto).")
    try:
        resolve_metrics(train.get("metrics"), task)
    except ValueError as exc:
        problems.append(f"train.metrics: {exc}")

    rows = dataset[dataset["split"].isin(["train", "val"])]
    strategy = train.get("cv_strategy") or "auto"
    if strategy == "auto" and split.get("method") in ("group", "time"):
        strategy = split["method"]
    group, time = split.get("group_column"), split.get("time_column")
    try:
        make_splits(rows[target].astype(str) if task != "regression" else rows[target], task, strategy=strategy,
                    n_folds=int(train.get("cv_folds") or 5), seed=int(train.get("seed") or 0),
                    groups=rows[group].to_numpy() if group in rows.columns else None,
                    times=rows[time] if time in rows.columns else None)
    except CVError as exc:
        problems.append(f"train.cv_folds / train.cv_strategy: {exc} (the training split has {len(rows)} rows)")
    return problems


def check_against_data(params: dict[str, Any], dataset: pd.DataFrame, schema: dict[str, Any],
                       processes: set[str] | frozenset[str]) -> None:
    """Raise one AutoMLInputError listing every setting of the running ``processes`` the data cannot satisfy."""
    problems = training_problems(params, dataset, schema) if "train" in processes else []
    if problems:
        raise AutoMLInputError(
            "These settings do not fit the data (nothing was written):\n  - " + "\n  - ".join(problems)
            + "\nFix them in conf/ or --params and run again."
        )
