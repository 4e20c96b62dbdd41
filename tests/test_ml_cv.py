"""CV strategies: every row validated once, no group or time leakage."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from automl_kedro.ml.cv import CVError, make_splits, resolve_strategy, walk_forward_splits


def _covers_once(splits, n):
    seen = np.concatenate([va for _, va in splits])
    return sorted(seen.tolist()) == list(range(n))


def test_kfold_validates_each_row_once_and_is_seeded():
    y = np.arange(50, dtype=float)
    a = make_splits(y, "regression", strategy="kfold", n_folds=5, seed=1)
    b = make_splits(y, "regression", strategy="kfold", n_folds=5, seed=1)
    assert _covers_once(a, 50)
    assert all(np.array_equal(x[1], z[1]) for x, z in zip(a, b))
    for tr, va in a:
        assert not set(tr) & set(va)


def test_stratified_keeps_class_shares():
    y = np.array(["a"] * 40 + ["b"] * 10)
    splits = make_splits(y, "binary", strategy="auto", n_folds=5, seed=0)
    assert _covers_once(splits, 50)
    for _, va in splits:
        assert (y[va] == "b").sum() == 2


def test_stratified_with_a_tiny_class_says_what_to_do():
    y = np.array(["a"] * 40 + ["b"] * 2)
    with pytest.raises(CVError, match="lower train.cv_folds"):
        make_splits(y, "binary", n_folds=5)


def test_group_folds_never_split_a_group():
    rng = np.random.default_rng(0)
    groups = rng.integers(0, 12, 120)
    y = rng.normal(size=120)
    splits = make_splits(y, "regression", strategy="group", n_folds=4, seed=0, groups=groups)
    assert _covers_once(splits, 120)
    for tr, va in splits:
        assert not set(groups[tr]) & set(groups[va])
    yc = rng.choice(["x", "y"], 120)
    for tr, va in make_splits(yc, "binary", strategy="group", n_folds=4, seed=0, groups=groups):
        assert not set(groups[tr]) & set(groups[va])


def test_group_needs_the_column():
    with pytest.raises(CVError, match="split.group_column"):
        make_splits(np.zeros(20), "regression", strategy="group", n_folds=2)


def test_walk_forward_trains_only_on_the_past_and_keeps_ties_together():
    times = pd.Series(pd.to_datetime("2024-01-01") + pd.to_timedelta(np.repeat(np.arange(30), 3), unit="D"))
    shuffled = times.sample(frac=1, random_state=0).reset_index(drop=True)
    splits = make_splits(np.zeros(90), "regression", strategy="auto", n_folds=4, times=shuffled)
    assert len(splits) == 4
    for tr, va in splits:
        assert shuffled[tr].max() < shuffled[va].min()
    # later folds train on more rows
    assert [len(tr) for tr, _ in splits] == sorted(len(tr) for tr, _ in splits)
    with pytest.raises(CVError, match="too few distinct times"):
        walk_forward_splits(pd.Series([1] * 20), 4)


def test_auto_resolution():
    assert resolve_strategy("auto", "regression") == "kfold"
    assert resolve_strategy("auto", "multiclass") == "stratified"
    assert resolve_strategy("auto", "binary", groups=[1]) == "group"
    assert resolve_strategy("walk-forward", "binary") == "time"
    with pytest.raises(CVError, match="Unknown CV strategy"):
        resolve_strategy("bootstrap", "binary")
