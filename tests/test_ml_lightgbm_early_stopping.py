"""LightGBM stops boosting on big training sets when a held-out tenth stops improving (ml/lightgbm_models.py)."""
from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from threadpoolctl import threadpool_limits

from automl_kedro.ml.lightgbm_models import EarlyStoppingLGBMClassifier
from automl_kedro.ml.models import MODELS

N = EarlyStoppingLGBMClassifier.early_stopping_above_rows


def _table(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n),
                      "c": pd.Categorical(rng.choice(["x", "y", "z"], n))})
    return X, 2 * X["a"] + (X["c"] == "x") + rng.normal(size=n)


def _labels(y: pd.Series, task: str) -> pd.Series:
    if task == "binary":
        return pd.Series(np.where(y > 0, "high", "low"))
    if task == "multiclass":
        return pd.Series(np.select([y > 1, y < -1], ["high", "low"], "mid"))
    return y


@pytest.mark.parametrize("task", ["regression", "binary", "multiclass"])
def test_big_training_sets_stop_early_and_keep_only_the_trees_up_to_the_best_round(task):
    X, y = _table(N + 5_000)
    y = _labels(y, task)
    model = MODELS.get("lightgbm").build(task, {"n_estimators": 2000, "learning_rate": 0.3}, 0, 1)
    with threadpool_limits(1):
        model.fit(X, y)
    best = model.best_iteration_
    assert 0 < best < 2000  # a fast learning rate and a noisy target: boosting stops long before 2000 rounds
    assert model.booster_.current_iteration() == best  # the rounds after the best one are dropped
    per_round = 3 if task == "multiclass" else 1
    assert model.booster_.num_trees() == best * per_round
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X.iloc[:50]), model.predict(X.iloc[:50]))


def test_small_training_sets_train_every_round_on_every_row():
    X, y = _table(N // 4)
    model = MODELS.get("lightgbm").build("regression", {"n_estimators": 150, "learning_rate": 0.3}, 0, 1)
    with threadpool_limits(1):
        model.fit(X, y)
    assert model.booster_.current_iteration() == 150


def test_the_stopped_model_is_reproducible_and_clonable():
    X, y = _table(N + 2_000)
    y = _labels(y, "binary")
    model = MODELS.get("lightgbm").build("binary", {"n_estimators": 1000, "learning_rate": 0.2}, 3, 1)
    with threadpool_limits(1):
        a = clone(model).fit(X, y).predict_proba(X.iloc[:100])
        b = clone(model).fit(X, y).predict_proba(X.iloc[:100])
    np.testing.assert_array_equal(a, b)


def test_shap_of_a_stopped_model_adds_up_to_its_output():
    pytest.importorskip("shap")
    from sklearn.pipeline import Pipeline

    from automl_kedro.features.native import NativeTabular
    from automl_kedro.ml.shap_values import tree_shap_values

    X, y = _table(N + 2_000)
    y = _labels(y, "binary")
    model = Pipeline([("preprocess", NativeTabular()),
                      ("model", MODELS.get("lightgbm").build("binary", {"n_estimators": 1000, "learning_rate": 0.3},
                                                             0, 1))])
    with threadpool_limits(1):
        model.fit(X, y)
        rows = X.iloc[:200]
        explanation = tree_shap_values(model, rows, "binary")
    assert model[-1].booster_.current_iteration() < 1000
    expected = model[-1].predict(model[0].transform(rows), raw_score=True)
    np.testing.assert_allclose(explanation.output, expected, rtol=1e-6, atol=1e-6)
