"""Engine v2 on real data: model-aware inputs, target transforms, fit_frame, permutation importance."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_diabetes

from automl_kedro.data.io import text_column_names
from automl_kedro.errors import AutoMLInputError
from automl_kedro.features.native import NativeTabular
from automl_kedro.ml.engine import fit_frame, pair_candidates
from automl_kedro.ml.models import MODELS, target_transform_choices, with_target_transform
from automl_kedro.ml.presets import basic_preprocessors

ROOT = Path(__file__).resolve().parents[1]


def test_tree_boosters_get_native_inputs_and_the_others_dense_ones():
    pre = {**basic_preprocessors(), "native": NativeTabular()}
    specs = [MODELS.get(n) for n in ("hist_gradient_boosting", "lightgbm", "linear", "k_neighbors", "mlp")]
    pairs = {c.candidate_id for c in pair_candidates(pre, specs)}
    assert pairs == {"native/hist_gradient_boosting", "native/lightgbm", "onehot/linear", "onehot/k_neighbors",
                     "onehot/mlp"}
    # without a native variant (user-declared variants only) every model gets the declared ones
    assert {c.candidate_id for c in pair_candidates(basic_preprocessors(), specs[:1])} == \
        {"onehot/hist_gradient_boosting"}


def test_skewed_positive_targets_prefer_log1p_and_predict_on_the_original_scale():
    rng = np.random.default_rng(0)
    prices = np.exp(rng.normal(12, 0.8, 500))
    assert target_transform_choices(prices) == ("log1p", ["none", "log1p"])
    assert target_transform_choices(rng.normal(0, 1, 500))[0] == "none"
    assert target_transform_choices(-prices)[1] == ["none", "yeo_johnson"]
    X = pd.DataFrame({"x": np.log(prices) + rng.normal(0, 0.05, 500)})
    model = MODELS.get("linear").build("regression", {"target_transform": "log1p"}).fit(X, prices)
    pred = model.predict(X)
    assert 0.5 < np.median(pred / prices) < 2.0  # original scale, not log scale
    assert with_target_transform("est", "none") == "est"


def test_fit_frame_learns_a_mixed_table_and_predicts_raw_rows():
    df = pd.read_csv(ROOT / "data" / "01_raw" / "penguins.csv").dropna(subset=["species"])
    df = df.sample(frac=1.0, random_state=0).reset_index(drop=True)
    X, y = df.drop(columns=["species"]), df["species"]
    res = fit_frame(X.iloc[:250], y.iloc[:250], "multiclass",
                    {"time_budget_s": None, "n_trials": 1, "models": ["linear"], "figures": False, "seed": 1})
    assert set(res.leaderboard["candidate_id"]) >= {"native/hist_gradient_boosting", "standard/linear"}
    proba = res.model.predict_proba(X.iloc[250:])
    assert [str(c) for c in res.model.classes_] == ["Adelie", "Chinstrap", "Gentoo"]
    assert proba.shape == (len(X) - 250, 3) and np.allclose(proba.sum(axis=1), 1)
    assert (res.model.predict(X.iloc[250:]) == y.iloc[250:].to_numpy()).mean() > 0.9
    assert list(res.oof_predictions.columns[:3]) == ["sample_id", "y_true", "y_pred"]


def test_a_table_whose_columns_are_numbered_trains_and_predicts_rows_numbered_alike():
    """A frame made from an array names its columns 0, 1, ...: it used to stop with a KeyError."""
    df = pd.read_csv(ROOT / "data" / "01_raw" / "penguins.csv").dropna(subset=["species"])
    df = df.sample(frac=1.0, random_state=0).reset_index(drop=True)
    X, y = df.drop(columns=["species"]), df["species"]
    numbered = X.set_axis(range(X.shape[1]), axis=1)
    res = fit_frame(numbered.iloc[:250], y.iloc[:250], "multiclass",
                    {"time_budget_s": None, "n_trials": 1, "models": ["linear"], "figures": False, "seed": 1})
    assert (res.model.predict(numbered.iloc[250:]) == y.iloc[250:].to_numpy()).mean() > 0.9
    assert res.model.predict_proba(numbered.iloc[250:]).shape == (len(X) - 250, 3)
    with pytest.raises(AutoMLInputError, match="'1' appear twice"):
        text_column_names(pd.DataFrame({1: [1.0], "1": [2.0]}))


def test_lightgbm_trials_run_on_columns_named_with_characters_it_refuses():
    """"bill length [mm]" made every LightGBM trial fail (its JSON model format refuses the name)."""
    df = pd.read_csv(ROOT / "data" / "01_raw" / "penguins.csv").dropna(subset=["species"])
    X = df.drop(columns=["species"]).rename(columns={"bill_length_mm": "bill length [mm]", "island": "island: name"})
    res = fit_frame(X, df["species"], "multiclass", {"time_budget_s": None, "n_trials": 1, "models": ["lightgbm"],
                                                     "include_baseline": False, "figures": False, "seed": 1})
    board = res.leaderboard.set_index("candidate_id")
    assert board.loc["native/lightgbm", "status"] == "ok" and board.loc["native/lightgbm", "cv_accuracy_mean"] > 0.9


def test_permutation_importance_names_the_drivers_of_a_model_without_native_importances():
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    res = fit_frame(X, y, "regression", {"time_budget_s": None, "n_trials": 1, "models": ["k_neighbors"],
                                         "include_baseline": False, "figures": False, "seed": 0})
    assert res.recommendation["model_name"] == "k_neighbors"
    imp = res.feature_importance
    assert list(imp.columns) == ["feature", "importance", "importance_std"] and set(imp["feature"]) == set(X.columns)
    # body mass index and the s5 serum measurement are the known drivers of diabetes progression
    assert {"bmi", "s5"} & set(imp["feature"].head(3))
    assert imp.set_index("feature").loc["sex", "importance"] < imp["importance"].max() / 3


def test_the_shipped_train_parameters_are_the_engine_defaults():
    """One source for each default: conf/base/parameters_train.yml states exactly TrainParams' defaults."""
    import yaml

    from automl_kedro.config.train import TrainParams

    shipped = yaml.safe_load((ROOT / "conf" / "base" / "parameters_train.yml").read_text())["train"]
    assert shipped == TrainParams().model_dump()


def test_catboost_takes_the_native_categories_as_cat_features():
    pytest.importorskip("catboost")
    from sklearn.base import clone

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=600), "c": rng.choice(["x", "y", "z", None], 600)})
    y = np.where((X["a"] > 0) ^ (X["c"] == "x"), "pos", "neg")  # the class flips with one category
    native = NativeTabular().fit(X).transform(X)
    model = clone(MODELS.get("catboost").build("binary", {"iterations": 100}, 0, 1)).fit(native.iloc[:400], y[:400])
    assert model.cat_features_ == ["c"] and list(model.classes_) == ["neg", "pos"]
    assert (model.predict(native.iloc[400:]) == y[400:]).mean() > 0.9
    assert model.predict_proba(native.iloc[400:]).shape == (200, 2)
