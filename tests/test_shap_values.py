"""SHAP values of tree models per raw input column (ml/shap_values.py), on real data sets.

Additivity is the contract: base value + the raw columns' contributions == the model's output on the
stated scale, for single models and for averages of fold models / weighted ensembles.
"""
from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold
from sklearn.pipeline import Pipeline

from automl_kedro.features.native import NativeTabular
from automl_kedro.features.variants import build_preprocessor, expand_variants
from automl_kedro.ml.ensemble import FoldBag, StackingEnsemble, VotingEnsemble
from automl_kedro.ml.models import MODELS
from automl_kedro.ml.shap_values import (NotExplainable, TreeShap, fold_matrix, mean_abs_shap, shap_installed,
                                         tree_shap_values, tree_shap_within)
from conftest import ROOT

pytest.importorskip("shap")

PENGUINS = ROOT / "data" / "01_raw" / "penguins.csv"
FEATURES = ["island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "sex", "year"]
TYPES = {"island": "categorical", "sex": "categorical", "bill_length_mm": "numeric", "bill_depth_mm": "numeric",
         "flipper_length_mm": "numeric", "body_mass_g": "numeric", "year": "numeric"}


@pytest.fixture(autouse=True)
def _one_thread():
    """Fits and SHAP on one thread: the test machine is shared (OpenMP threads would only contend)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


def _penguins():
    return pd.read_csv(PENGUINS)


def _schema(features):
    return {"feature_columns": features, "column_types": {c: {**TYPES, "species": "categorical"}[c] for c in features}}


def _onehot(features, **options):
    """The project's dense preprocessing variant (impute, scale, one-hot) for these columns."""
    return build_preprocessor(_schema(features), expand_variants([{"id": "std", **options}])[0])


def _pipe(preprocess, model: str, task: str, **params):
    return Pipeline([("preprocess", preprocess), ("model", MODELS.get(model).build(task, params, 0, 1))])


def _rel_err(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b))))


def test_single_hgb_with_native_categories_adds_up_to_its_log_odds():
    """Binary sex from the penguins' measurements and island (a native categorical split)."""
    table = _penguins().dropna(subset=["sex"]).reset_index(drop=True)
    features = ["species", "island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
    model = _pipe(NativeTabular(_schema(features)["column_types"]), "hist_gradient_boosting", "binary",
                  max_iter=60).fit(table[features], table["sex"])
    X = table[features]
    explanation = tree_shap_values(model, X, "binary")
    margin = model[-1].decision_function(model[0].transform(X))
    assert list(explanation.values.columns) == features
    assert _rel_err(explanation.output, margin) < 1e-6
    assert _rel_err(explanation.base_value + explanation.values.sum(axis=1), margin) < 1e-6
    assert explanation.scale == "log-odds of the positive class" and set(explanation.explained_class) == {"male"}
    assert explanation.values["species"].abs().max() > 0  # categorical splits are credited to their column


def test_fold_bag_voting_and_stacking_ensembles_of_trees_add_up_on_raw_columns():
    """Body mass: a bag of 5 HGB fold models (native inputs) averaged with a random forest on one-hot inputs."""
    table = _penguins().dropna(subset=["body_mass_g"]).reset_index(drop=True)
    X, y = table[FEATURES], table["body_mass_g"]
    folds = [_pipe(NativeTabular(_schema(FEATURES)["column_types"]), "hist_gradient_boosting", "regression",
                   max_iter=50).fit(X.iloc[tr], y.iloc[tr])
             for tr, _ in KFold(5, shuffle=True, random_state=0).split(X)]
    bag = Pipeline([("preprocess", "passthrough"), ("model", FoldBag.from_folds(folds, "regression", None))])
    explanation = tree_shap_values(bag, X, "regression")
    assert _rel_err(explanation.output, bag.predict(X)) < 1e-6
    assert explanation.scale == "target"

    forest = _pipe(_onehot(FEATURES), "random_forest", "regression", n_estimators=10, min_samples_leaf=5).fit(X, y)
    assert any(name.startswith("island_") for name in forest[0].get_feature_names_out())  # one-hot inputs
    voting = VotingEnsemble(task="regression", weights=[2.0, 1.0])
    voting.members_ = [FoldBag.from_folds(folds, "regression", None), forest]
    ensemble = Pipeline([("preprocess", "passthrough"), ("model", voting)])
    explanation = tree_shap_values(ensemble, X, "regression")
    assert list(explanation.values.columns) == FEATURES  # one-hot columns folded back into island and sex
    assert _rel_err(explanation.base_value + explanation.values.sum(axis=1), ensemble.predict(X)) < 1e-6
    top = mean_abs_shap(explanation)
    assert top["feature"].iloc[0] == "flipper_length_mm"  # body mass follows flipper length above all

    stacking = StackingEnsemble(task="regression")
    stacking.members_ = voting.members_
    stacking.meta = LinearRegression(positive=True).fit(np.column_stack([m.predict(X) for m in voting.members_]), y)
    explanation = tree_shap_values(stacking, X, "regression")  # linear in its members' outputs: still additive
    assert _rel_err(explanation.output, stacking.predict(X)) < 1e-6


@pytest.mark.parametrize("name", ["lightgbm", "xgboost", "random_forest", "extra_trees"])
def test_boosters_and_forests_add_up_to_their_raw_output(name):
    """Adelie or not: boosters on native inputs explain their log-odds, forests on one-hot inputs P(yes)."""
    if name == "xgboost":
        pytest.importorskip("xgboost")
    table = _penguins()
    X, y = table[FEATURES], (table["species"] == "Adelie").map({True: "yes", False: "no"})
    booster = name in ("lightgbm", "xgboost")
    model = _pipe(NativeTabular() if booster else _onehot(FEATURES), name, "binary",
                  **({"n_estimators": 40} if not booster else {"n_estimators": 60})).fit(X, y)
    Z, inner = model[0].transform(X), model[-1]
    if name == "lightgbm":
        expected = inner.predict(Z, raw_score=True)
    elif name == "xgboost":
        expected = inner.estimator_.predict(Z, output_margin=True)
    else:
        expected = model.predict_proba(X)[:, 1]
    explanation = tree_shap_values(model, X, "binary")
    assert list(explanation.values.columns) == FEATURES
    assert _rel_err(explanation.output, expected) < (1e-5 if name == "xgboost" else 1e-6)  # xgboost: float32
    assert set(explanation.explained_class) == {"yes"}


@pytest.mark.parametrize("name", ["lightgbm", "xgboost"])
def test_boosters_learn_and_explain_columns_whose_names_they_refuse(name):
    """LightGBM refuses '"', ',', ':', '[', ']', '{', '}' in a feature name, XGBoost '[', ']', '<': every trial of
    theirs failed on such a table. They now fit, predict as on plain names, and SHAP keeps the table's names."""
    if name == "xgboost":
        pytest.importorskip("xgboost")
    table = _penguins()
    y = (table["species"] == "Adelie").map({True: "yes", False: "no"})
    odd = {"island": 'island, "where"', "bill_length_mm": "bill length [mm]", "bill_depth_mm": "depth: <mm>",
           "flipper_length_mm": "flipper {mm}"}
    plain = _pipe(NativeTabular(), name, "binary", n_estimators=60).fit(table[FEATURES], y)
    renamed = table[FEATURES].rename(columns=odd)
    model = _pipe(NativeTabular(), name, "binary", n_estimators=60).fit(renamed, y)
    assert np.allclose(model.predict_proba(renamed), plain.predict_proba(table[FEATURES]))
    explanation = tree_shap_values(model, renamed, "binary")
    assert list(explanation.values.columns) == list(renamed.columns)
    assert _rel_err(explanation.values.to_numpy(), tree_shap_values(plain, table[FEATURES], "binary").values.to_numpy()) < 1e-6


def test_a_target_transform_is_explained_on_the_transformed_scale():
    table = _penguins().dropna(subset=["body_mass_g"]).reset_index(drop=True)
    X, y = table[FEATURES], table["body_mass_g"]
    estimator = TransformedTargetRegressor(regressor=MODELS.get("lightgbm").build("regression", {}, 0, 1),
                                           func=np.log1p, inverse_func=np.expm1, check_inverse=False)
    model = Pipeline([("preprocess", NativeTabular(_schema(FEATURES)["column_types"])), ("model", estimator)])
    model.fit(X, y)
    explanation = tree_shap_values(model, X, "regression")
    assert explanation.scale == "log1p(target)"
    assert _rel_err(explanation.output, np.log1p(model.predict(X))) < 1e-6
    # a bag of such models averages on the original scale: the values add up to the members' mean log1p
    bag = FoldBag.from_folds([model, clone(model).fit(X.iloc[::2], y.iloc[::2])], "regression", None)
    explanation = tree_shap_values(bag, X, "regression")
    assert explanation.scale == "weighted mean over 2 models of the log1p(target)"
    members_mean = np.mean([np.log1p(m.predict(X)) for m in bag.members_], axis=0)
    assert _rel_err(explanation.output, members_mean) < 1e-6


def test_multiclass_forest_explains_the_probability_of_each_rows_predicted_class():
    table = _penguins()
    X, y = table[FEATURES], table["species"]
    model = _pipe(_onehot(FEATURES), "extra_trees", "multiclass", n_estimators=40).fit(X, y)
    explanation = tree_shap_values(model, X, "multiclass")
    proba = model.predict_proba(X)
    assert (explanation.explained_class == model.predict(X)).all()
    assert _rel_err(explanation.output, proba.max(axis=1)) < 1e-6
    assert explanation.scale == "probability of the explained class"


def test_shap_top_feature_is_the_permutation_importance_driver_on_diabetes():
    """A real set (sklearn's diabetes): SHAP and permutation importance on held-out rows agree on the driver."""
    from sklearn.datasets import load_diabetes
    from sklearn.inspection import permutation_importance

    data = load_diabetes(as_frame=True)
    X, y = data.data, data.target
    train, test = np.arange(len(X)) % 4 != 0, np.arange(len(X)) % 4 == 0
    model = _pipe(NativeTabular(), "hist_gradient_boosting", "regression", max_iter=60, learning_rate=0.08)
    model.fit(X[train], y[train])
    explanation = tree_shap_values(model, X[test], "regression")
    assert _rel_err(explanation.output, model.predict(X[test])) < 1e-6
    shap_rank = mean_abs_shap(explanation)["feature"].tolist()
    perm = permutation_importance(model, X[test], y[test], n_repeats=3, random_state=0)
    perm_rank = list(X.columns[np.argsort(-perm.importances_mean)])
    assert shap_rank[0] in perm_rank[:3] and perm_rank[0] in shap_rank[:3]
    assert set(shap_rank[:2]) & {"bmi", "s5"}  # the known drivers of disease progression


def test_fold_matrix_traces_one_hot_indicator_and_polynomial_columns():
    table = _penguins()
    features = ["island", "bill_length_mm", "flipper_length_mm"]
    pre = _onehot(features, add_missing_indicator=True, polynomial_degree=2).fit(table[features])
    names = [str(n) for n in pre.get_feature_names_out()]
    M = fold_matrix(pre, names, features)
    np.testing.assert_allclose(M.sum(axis=1), 1.0)  # every input column shared out in full
    row = dict(zip(names, M))
    np.testing.assert_allclose(row["island_Dream"], [1, 0, 0])
    np.testing.assert_allclose(row["bill_length_mm flipper_length_mm"], [0, 0.5, 0.5])
    np.testing.assert_allclose(row["missingindicator_bill_length_mm"], [0, 1, 0])


def test_models_that_are_not_trees_or_mix_scales_are_not_explained():
    table = _penguins()
    X, y = table[FEATURES], table["species"]
    linear = _pipe(_onehot(FEATURES), "linear", "multiclass").fit(X, y)
    with pytest.raises(NotExplainable, match="not a tree model"):
        TreeShap(linear, "multiclass")
    voting = VotingEnsemble(task="multiclass", weights=[1.0, 1.0])
    voting.members_ = [_pipe(NativeTabular(), "hist_gradient_boosting", "multiclass", max_iter=20).fit(X, y),
                       _pipe(_onehot(FEATURES), "random_forest", "multiclass", n_estimators=20).fit(X, y)]
    voting.classes_ = np.unique(y)
    with pytest.raises(NotExplainable, match="different scales"):
        TreeShap(voting, "multiclass")


def test_within_a_time_limit_the_first_rows_are_explained():
    table = _penguins().dropna(subset=["body_mass_g"]).reset_index(drop=True)
    X, y = table[FEATURES], table["body_mass_g"]
    model = _pipe(NativeTabular(), "hist_gradient_boosting", "regression", max_iter=30).fit(X, y)
    quick = tree_shap_within(model, X, "regression", time_limit=0.0)
    assert len(quick.values) == 10  # the first chunk always
    full = tree_shap_within(model, X, "regression", time_limit=None)
    assert len(full.values) == len(X)
    np.testing.assert_allclose(full.values.iloc[:10].to_numpy(), quick.values.to_numpy())
    assert _rel_err(full.output, model.predict(X)) < 1e-6


def test_without_shap_importable_the_guard_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "shap", None)  # as if the extra were not installed
    assert not shap_installed()


def test_train_explain_node_skips_shap_without_the_package_and_says_why(monkeypatch, caplog):
    """The node falls back to nothing (permutation importance stays) with a log line naming the reason."""
    from automl_kedro.pipelines.train.explain import explain_model

    table = _penguins().dropna(subset=["body_mass_g"]).reset_index(drop=True).assign(split="train")
    model = _pipe(NativeTabular(), "hist_gradient_boosting", "regression", max_iter=20).fit(
        table[FEATURES], table["body_mass_g"])
    schema = {**_schema(FEATURES), "problem_type": "regression", "target": "body_mass_g"}
    params = {"time_budget_s": 60, "shap_rows": 100}
    shap_table, figures = explain_model(model, table, schema, {"train_seconds_total": 10.0}, params)
    assert len(shap_table) == len(FEATURES) and shap_table["feature"].iloc[0] == "flipper_length_mm"
    assert (shap_table["scale"] == "target").all() and list(figures) == ["02_explain/shap_summary"]
    monkeypatch.setitem(sys.modules, "shap", None)  # as if the extra were not installed
    with caplog.at_level("INFO"):
        shap_table, figures = explain_model(model, table, schema, {"train_seconds_total": 10.0}, params)
    assert shap_table.empty and list(shap_table.columns) == ["feature", "mean_abs_shap", "scale"] and figures == {}
    assert "SHAP skipped: the shap package is not installed" in caplog.text
    shap_table, _ = explain_model(model, table, schema, {"train_seconds_total": 100.0}, params)
    assert shap_table.empty  # far over the budget: skipped too
