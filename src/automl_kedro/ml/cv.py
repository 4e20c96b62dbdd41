"""Cross-validation splits: k-fold, stratified, group and time-ordered walk-forward.

Every strategy returns a list of ``(train_positions, validation_positions)`` integer arrays,
computed once and shared by every candidate so that scores are compared on the same folds.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold, KFold, StratifiedGroupKFold, StratifiedKFold

STRATEGIES = ("auto", "kfold", "stratified", "group", "time")


class CVError(ValueError):
    """The data do not allow the requested cross-validation."""


def resolve_strategy(strategy: str, task: str, groups=None, times=None) -> str:
    """``auto``: time when a time column is given, group when groups are, else stratified
    for classification and k-fold for regression."""
    strategy = (strategy or "auto").lower().replace("-", "_")
    aliases = {"k_fold": "kfold", "stratified_kfold": "stratified", "walk_forward": "time", "timeseries": "time",
               "time_series": "time", "group_kfold": "group"}
    strategy = aliases.get(strategy, strategy)
    if strategy not in STRATEGIES:
        raise CVError(f"Unknown CV strategy {strategy!r}; use one of {', '.join(STRATEGIES)}.")
    if strategy == "auto":
        if times is not None:
            return "time"
        if groups is not None:
            return "group"
        return "kfold" if task == "regression" else "stratified"
    return strategy


def make_splits(
    y,
    task: str,
    *,
    strategy: str = "auto",
    n_folds: int = 5,
    seed: int = 0,
    groups=None,
    times=None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Fold positions for the training rows ``y`` (groups / times aligned with ``y``)."""
    y = np.asarray(y)
    n = len(y)
    strategy = resolve_strategy(strategy, task, groups, times)
    if n_folds < 2:
        raise CVError(f"cv_folds must be at least 2, got {n_folds}.")
    if n < 2 * n_folds:
        raise CVError(f"{n} training rows are too few for {n_folds}-fold cross-validation; lower train.cv_folds.")
    X_dummy = np.zeros((n, 1))
    if strategy == "kfold":
        cv = KFold(n_folds, shuffle=True, random_state=seed)
        return [(tr, va) for tr, va in cv.split(X_dummy)]
    if strategy == "stratified":
        if task == "regression":
            raise CVError("Stratified CV needs a classification target; use kfold for regression.")
        return _stratified_splits(y, n_folds, seed)
    if strategy == "group":
        if groups is None:
            raise CVError("Group CV needs split.group_column (a column naming each row's group).")
        groups = np.asarray(groups)
        n_groups = len(pd.unique(groups))
        if n_groups < n_folds:
            raise CVError(f"Group CV needs at least {n_folds} groups, the group column has {n_groups}.")
        if task == "regression":
            cv = GroupKFold(n_folds, shuffle=True, random_state=seed)
            return [(tr, va) for tr, va in cv.split(X_dummy, y, groups)]
        cv = StratifiedGroupKFold(n_folds, shuffle=True, random_state=seed)
        return [(tr, va) for tr, va in cv.split(X_dummy, y, groups)]
    # time: walk-forward; train on everything strictly earlier than the validation block
    if times is None:
        raise CVError("Time-ordered CV needs split.time_column (a column giving each row's time).")
    return walk_forward_splits(times, n_folds)


def _stratified_splits(y: np.ndarray, n_folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified folds; a class with fewer rows than folds is learned but not scored.

    Its rows are in every fold's training part and in no validation part (scoring it on one row a fold says
    nothing, and a fold whose training rows lack a class breaks the models' own stratified early-stopping
    splits); a class with a single row is left out of the folds (nothing can be learned or checked from one
    row). A binary target whose rarer class has fewer rows than folds gets as many folds as that class has
    rows (at least 2): ROC AUC needs both classes in every validation fold. :func:`unscored_classes` names
    what was left out of the scores.
    """
    counts = pd.Series(y).value_counts()
    if counts.iloc[1] < n_folds:  # fewer than two classes can be scored: fewer folds
        if counts.iloc[1] < 2:
            raise CVError(f"Only class {counts.index[0]!r} has more than one training row; cross-validation needs at "
                          "least two rows of two classes. Gather more rows of the other classes.")
        n_folds = int(counts.iloc[1])
    rare = counts[counts < n_folds]
    scored = ~np.isin(y, rare.index)
    pos = np.flatnonzero(scored)
    always = np.flatnonzero(np.isin(y, rare[rare >= 2].index))  # trained in every fold, never validated
    cv = StratifiedKFold(n_folds, shuffle=True, random_state=seed)
    return [(np.sort(np.concatenate([pos[tr], always])), pos[va]) for tr, va in cv.split(np.zeros((len(pos), 1)), y[pos])]


def stratification_labels(labels: np.ndarray, needed: int = 2) -> np.ndarray:
    """Class labels to stratify a split on, a class with fewer than ``needed`` rows counted with the largest class
    (scikit-learn's stratified splits refuse a class with fewer rows than the parts they make)."""
    counts = pd.Series(labels).value_counts()
    rare = counts.index[counts < needed]
    return np.where(np.isin(labels, rare), counts.index[0], labels) if len(rare) else labels


def unscored_classes(y, splits) -> dict[str, int]:
    """Classes of ``y`` that no validation fold holds, with their training rows (see :func:`_stratified_splits`)."""
    y = np.asarray(y)
    validated = set(pd.unique(y[np.concatenate([va for _, va in splits])]).tolist())
    counts = pd.Series(y).value_counts()
    return {str(c): int(n) for c, n in counts.items() if c not in validated}


def walk_forward_splits(times, n_folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """``n_folds`` validation blocks in time order; each trains only on strictly earlier times.

    Rows sharing a timestamp never straddle a train/validation boundary.
    """
    t = pd.Series(times).reset_index(drop=True)
    if t.isna().any():
        raise CVError("The time column has missing values; fill or drop them before time-ordered CV.")
    order = np.argsort(t.to_numpy(), kind="stable")
    sorted_t = t.to_numpy()[order]
    n = len(t)
    # n_folds + 1 blocks: the first only trains
    cuts = [int(round(n * k / (n_folds + 1))) for k in range(1, n_folds + 2)]
    starts = []
    for c in cuts[:-1]:
        c = min(c, n - 1)
        # move the cut to the first row of its timestamp so ties stay together
        starts.append(int(np.searchsorted(sorted_t, sorted_t[c], side="left")))
    starts.append(n)
    splits = []
    for i in range(n_folds):
        lo, hi = starts[i], starts[i + 1]
        if lo <= 0 or hi <= lo:
            continue
        splits.append((np.sort(order[:lo]), np.sort(order[lo:hi])))
    if len(splits) < 2:
        raise CVError("The time column has too few distinct times for walk-forward CV; lower train.cv_folds.")
    return splits


def oof_mask(splits, n: int) -> np.ndarray:
    """Rows that get an out-of-fold prediction (walk-forward leaves the first block out)."""
    mask = np.zeros(n, dtype=bool)
    for _, va in splits:
        mask[va] = True
    return mask
