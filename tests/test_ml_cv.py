"""CV strategies: every row validated once, no group or time leakage."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from automl_kedro.ml.cv import CVError, make_splits, resolve_strategy, unscored_classes, walk_forward_splits


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


def test_a_class_rarer_than_the_folds_is_learned_in_every_fold_and_never_scored():
    y = np.array(["a"] * 40 + ["b"] * 30 + ["c"] * 3 + ["d"])
    splits = make_splits(y, "multiclass", n_folds=5, seed=0)
    assert len(splits) == 5
    common = np.flatnonzero(np.isin(y, ["a", "b"]))
    validated = np.concatenate([va for _, va in splits])
    assert sorted(validated.tolist()) == common.tolist()  # a and b once each, c and d never
    for tr, va in splits:
        assert not set(tr) & set(va)
        assert (y[tr] == "c").sum() == 3 and (y[tr] == "d").sum() == 0  # c in every fit, the single d in none
        assert (y[va] == "b").sum() == 6
    assert unscored_classes(y, splits) == {"c": 3, "d": 1}


def test_a_binary_target_with_fewer_positives_than_folds_gets_one_fold_per_positive():
    y = np.array(["no"] * 40 + ["yes"] * 3)
    splits = make_splits(y, "binary", n_folds=5, seed=0)
    assert len(splits) == 3 and _covers_once(splits, 43)
    assert [(y[va] == "yes").sum() for _, va in splits] == [1, 1, 1]  # ROC AUC can be read on every fold
    assert unscored_classes(y, splits) == {}
    with pytest.raises(CVError, match="Only class 'no' has more than one training row"):
        make_splits(np.array(["no"] * 40 + ["yes"]), "binary", n_folds=5)


def test_a_holdout_split_stratifies_the_classes_it_can_and_keeps_a_single_row_class():
    from automl_kedro.ml.cv import stratification_labels
    from automl_kedro.ml.engine import _holdout, as_params

    y = np.array(["a"] * 60 + ["b"] * 30 + ["c"] * 2 + ["d"], dtype=object)
    assert (stratification_labels(y, 3) == np.array(["a"] * 60 + ["b"] * 30 + ["a"] * 3, dtype=object)).all()
    tr, va = _holdout(y, "multiclass", as_params({"cv_folds": 5}))  # stratifying on "d" alone raised a ValueError
    assert sorted(np.concatenate([tr, va]).tolist()) == list(range(93))
    assert (y[va] == "b").sum() == 6 and (y[va] == "a").sum() + (y[va] == "c").sum() + (y[va] == "d").sum() == 13


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
