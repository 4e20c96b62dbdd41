"""featurize: registry, variant expansion, transformers on real data, manifest, masking, plot."""
from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline

from automl_kedro.data import build_dataset
from automl_kedro.errors import AutoMLInputError
from automl_kedro.features import REGISTRIES, build_preprocessor, expand_variants, featurize
from automl_kedro.features.transformers import DatetimeParts, FrequencyEncoder

ROOT = Path(__file__).resolve().parents[1]
PENGUINS = ROOT / "data" / "01_raw" / "penguins.csv"
MESSY = ROOT / "data" / "01_raw" / "messy_example.csv"


@pytest.fixture(scope="module")
def penguins():
    return build_dataset({"path": str(PENGUINS), "target": "species"}, {})


@pytest.fixture(scope="module")
def messy():
    return build_dataset({"path": str(MESSY), "target": "churned", "personal_columns": ["full_name"]}, {})


def test_registries_cover_the_original_preprocessors():
    assert set(REGISTRIES["numeric_imputer"]) >= {"mean", "median", "most_frequent", "constant"}
    assert set(REGISTRIES["scaler"]) >= {"standard", "minmax", "robust", "quantile", "none"}
    assert set(REGISTRIES["encoder"]) >= {"onehot", "ordinal", "frequency"}
    assert REGISTRIES["scaler"].canonical("Min-Max") == "minmax"


def test_native_inputs_keep_categories_as_categories_and_dates_as_parts():
    from automl_kedro.features.native import NativeTabular

    train = pd.DataFrame({"colour": ["red", "blue", "red", None], "size": [1.0, None, 3.0, 4.0],
                          "when": pd.to_datetime(["2024-01-31", "2024-02-29", "2023-12-25", "2024-07-04"])})
    pre = NativeTabular({"colour": "categorical", "size": "numeric", "when": "datetime"}).fit(train)
    new = pd.DataFrame({"colour": ["green", "blue"], "size": [2.0, 5.0],
                        "when": pd.to_datetime(["2025-03-01", "2024-01-01"])})
    out = pre.transform(new)
    assert list(out.columns) == list(pre.get_feature_names_out())
    assert isinstance(out["colour"].dtype, pd.CategoricalDtype)
    assert list(out["colour"].cat.categories) == ["blue", "red"]  # fixed at fit time
    assert pd.isna(out["colour"].iloc[0]) and out["colour"].iloc[1] == "blue"  # unseen -> missing
    assert out["size"].tolist() == [2.0, 5.0]  # not scaled
    assert out["when_year"].tolist() == [2025.0, 2024.0] and out["when_month"].tolist() == [3.0, 1.0]
    assert out["when_ordinal"].iloc[1] - out["when_ordinal"].iloc[0] == -425.0  # days between the dates


def test_time_zone_aware_dates_give_the_parts_of_their_utc_time_at_fit_and_predict():
    """A tz-aware column (as pandas reads ISO times with an offset) used to fail every tree trial ("Cannot
    subtract tz-naive and tz-aware"); its parts are those of the UTC time, whatever zone new rows come in."""
    from automl_kedro.features.native import NativeTabular

    stamps = pd.Series(pd.to_datetime(["2024-01-31 23:30", "2024-07-01 00:30", "2023-12-25 12:00"])).dt.tz_localize(
        "Europe/Paris")
    train = pd.DataFrame({"when": stamps, "size": [1.0, 2.0, 3.0]})
    pre = NativeTabular({"when": "datetime", "size": "numeric"}).fit(train)
    out = pre.transform(train)
    assert out["when_month"].tolist() == [1.0, 6.0, 12.0]  # 23:30 on 31 Jan in Paris; 00:30 on 1 July is 30 June UTC
    assert out["when_dayofyear"].tolist()[:2] == [31.0, 182.0]
    new = pd.DataFrame({"when": stamps.dt.tz_convert("America/New_York"), "size": [1.0, 2.0, 3.0]})
    assert pre.transform(new).equals(out)
    parts = DatetimeParts().fit(train[["when"]]).transform(new[["when"]])
    assert np.asarray(parts)[:, 1].tolist() == [1.0, 6.0, 12.0]


def test_infinite_numbers_are_imputed_like_missing_ones_in_the_scaled_variants():
    """A ratio that divided by zero reads as inf; the imputer fills it as it fills a missing value (scikit-learn
    refused it, and every linear, kNN, forest and MLP trial failed)."""
    schema = {"feature_columns": ["ratio", "n"], "column_types": {"ratio": "numeric", "n": "numeric"}}
    train = pd.DataFrame({"ratio": [1.0, np.inf, 3.0, -np.inf, 5.0], "n": pd.array([1, 2, None, 4, 5], dtype="Int64")})
    variant = expand_variants([{"id": "plain", "numeric_imputer": "median", "scaler": "none"}])[0]
    pre = build_preprocessor(schema, variant)
    out = np.asarray(pre.fit_transform(train), dtype=float)
    assert out[:, 0].tolist() == [1.0, 3.0, 3.0, 3.0, 5.0]  # the median of 1, 3, 5
    assert out[:, 1].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    new = np.asarray(pre.transform(pd.DataFrame({"ratio": [np.inf], "n": pd.array([7], dtype="Int64")})), dtype=float)
    assert new.tolist() == [[3.0, 7.0]]


def test_too_many_categories_keep_the_most_frequent():
    from automl_kedro.features.native import NativeTabular

    values = pd.Series([f"v{i}" for i in range(300)] + ["v7"] * 5)
    pre = NativeTabular(max_categories=10, max_native_levels=400).fit(pd.DataFrame({"c": values}))
    assert len(pre.categories_["c"]) == 10 and "v7" in pre.categories_["c"]


def test_many_levels_become_ordinal_codes_and_unseen_values_missing():
    from automl_kedro.features.native import NativeTabular

    train = pd.DataFrame({"many": [f"t{i:03d}" for i in range(40)], "few": ["a", "b"] * 20})
    pre = NativeTabular(max_native_levels=32).fit(train)
    out = pre.transform(pd.DataFrame({"many": ["t000", "t039", "t005", "never seen", None], "few": ["b"] * 5}))
    assert pre.kinds_ == {"many": "ordinal", "few": "categorical"}
    assert out["many"].dtype == float and str(out["few"].dtype) == "category"
    assert out["many"].tolist()[:3] == [0.0, 39.0, 5.0] and out["many"].isna().tolist()[3:] == [True, True]


def test_list_options_expand_into_combinations():
    variants = expand_variants([{"id": "v", "scaler": ["standard", "robust"], "encoder": ["onehot", "ordinal"]},
                                {"id": "pca", "pca_components": 2}])
    assert [v["id"] for v in variants] == ["v-standard-onehot", "v-standard-ordinal", "v-robust-onehot",
                                           "v-robust-ordinal", "pca"]
    assert variants[2]["scaler"] == "robust" and variants[2]["numeric_imputer"] == "median"
    assert expand_variants(None)[0]["id"] == "standard"


def test_variant_typos_and_bad_values_are_refused():
    with pytest.raises(AutoMLInputError, match="Did you mean 'scaler'"):
        expand_variants([{"id": "a", "scaller": "standard"}])
    with pytest.raises(AutoMLInputError, match="Unknown scaler 'standrd'. Did you mean 'standard'"):
        expand_variants([{"id": "a", "scaler": "standrd"}])
    with pytest.raises(AutoMLInputError, match="called 'a'"):
        expand_variants([{"id": "a"}, {"id": "a"}])
    with pytest.raises(AutoMLInputError, match="polynomial_degree"):
        expand_variants([{"id": "a", "polynomial_degree": 7}])


def test_featurize_penguins_outputs(penguins):
    result = featurize(penguins.dataset, penguins.schema, {"variants": [{"id": "std"}, {"id": "ord", "encoder": "ordinal"}]})
    # the declared variants for linear / kNN / MLP, plus the tree boosters' native inputs
    assert set(result.preprocessors) == {"std", "ord", "native"}
    manifest = result.features_manifest
    native = manifest["variants"]["native"]
    assert native["n_features_out"] == 7  # one column per raw column: no one-hot, no scaling
    assert {f["name"]: f["group"] for f in native["features"]}["island"] == "categorical"
    std = manifest["variants"]["std"]
    assert std["n_features_in"] == 7 and std["n_features_out"] == 10  # 5 numbers + 3 islands + 2 sexes
    island = [f for f in std["features"] if f["source_columns"] == ["island"]]
    assert [f["name"] for f in island] == ["island_Biscoe", "island_Dream", "island_Torgersen"]
    assert manifest["variants"]["ord"]["n_features_out"] == 7
    assert std["version"] != manifest["variants"]["ord"]["version"]
    assert manifest["n_rows_fit"] == int((penguins.dataset["split"] == "train").sum())
    assert result.schema_raw["columns"][0]["name"] == "island"
    steps = result.preprocess_pipeline["variants"]["std"]["steps"]
    assert steps[0]["group"] == "numeric" and "median" in steps[0]["steps"][0]
    assert list(result.plots) == ["03_features/feature_count"]
    bars = result.plots["03_features/feature_count"].data
    assert list(bars[0].y) == [7, 7, 7] and list(bars[1].y) == [10, 7, 7]


def test_personal_columns_are_masked(penguins):
    # build_dataset drops declared personal columns; featurize still masks any that reach it
    rows = featurize(penguins.dataset, {**penguins.schema, "personal_columns": ["sex"]}, {}).sample_rows
    sex = rows[rows["source_columns"] == "sex"]
    assert len(sex) and (sex["value"] == "***").all()
    assert (rows[rows["column"] == "island"]["value"] != "***").all()
    assert set(rows["stage"]) == {"before", "after"}


def test_transformers_are_unfitted_and_work_inside_cv(penguins):
    result = featurize(penguins.dataset, penguins.schema, {"variants": [{"id": "q", "scaler": "quantile"}]})
    transformer = result.preprocessors["q"]
    with pytest.raises(Exception):
        transformer.transform(penguins.dataset[penguins.schema["feature_columns"]])
    train = penguins.dataset[penguins.dataset["split"] == "train"]
    model = Pipeline([("preprocess", clone(transformer)), ("model", LogisticRegression(max_iter=2000))])
    scores = cross_val_score(model, train[penguins.schema["feature_columns"]], train["species"], cv=3)
    assert scores.mean() > 0.95
    pickle.loads(pickle.dumps(transformer))


def test_unknown_categories_missing_values_and_empty_columns():
    schema = {"target": "y", "problem_type": "binary", "feature_columns": ["num", "cat", "empty", "when", "flag"],
              "column_types": {"num": "numeric", "cat": "categorical", "empty": "numeric", "when": "datetime", "flag": "boolean"}}
    train = pd.DataFrame({"num": [1.0, 2.0, np.nan, 4.0], "cat": ["a", "b", "a", None], "empty": [np.nan] * 4,
                          "when": ["2020-01-01", "2021-06-15", None, "2022-12-31"], "flag": ["yes", "no", "yes", "no"]})
    for variant in expand_variants([{"id": "v", "encoder": ["onehot", "ordinal", "frequency"], "output": ["pandas", "numpy"]}]):
        transformer = build_preprocessor(schema, variant).fit(train)
        new = pd.DataFrame({"num": [np.nan], "cat": ["never seen"], "empty": [np.nan], "when": ["2023-01-01"], "flag": ["yes"]})
        out = np.asarray(transformer.transform(new), dtype=float)
        assert out.shape[1] == len(transformer.get_feature_names_out())
        assert np.isfinite(out).all()
    onehot = build_preprocessor(schema, expand_variants([{"id": "o"}])[0]).fit(train)
    out = onehot.transform(pd.DataFrame({"num": [1.0], "cat": ["zzz"], "empty": [1.0], "when": [None], "flag": ["no"]}))
    assert out[["cat_a", "cat_b"]].to_numpy().sum() == 0  # unknown category -> all zeros
    assert "empty" in out.columns  # an all-missing training column keeps its output


def test_high_cardinality_datetime_and_text_on_messy_file(messy):
    result = featurize(messy.dataset, messy.schema, {"variants": [{"id": "m"}]})
    names = [f["name"] for f in result.features_manifest["variants"]["m"]["features"]]
    assert "postcode_freq" in names and not any(n.startswith("postcode_F") for n in names)
    assert {"signup_date_year", "signup_date_month", "signup_date_dayofweek"} <= set(names)
    with_text = build_dataset({"path": str(MESSY), "target": "churned", "personal_columns": ["full_name"],
                               "column_types": {"comment": "text"}}, {})
    text = featurize(with_text.dataset, with_text.schema, {"variants": [{"id": "m"}]})
    assert "comment_n_chars" in [f["name"] for f in text.features_manifest["variants"]["m"]["features"]]
    # full_name is declared personal: never a feature, not in the samples
    assert not any(n.startswith("full_name") for n in names)
    assert not result.sample_rows["source_columns"].astype(str).str.contains("full_name").any()


def test_polynomial_and_pca(penguins):
    result = featurize(penguins.dataset, penguins.schema,
                       {"variants": [{"id": "poly", "polynomial_degree": 2, "encoder": "ordinal"}, {"id": "pca", "pca_components": 3}]})
    poly = result.features_manifest["variants"]["poly"]["features"]
    cross = next(f for f in poly if f["name"] == "bill_length_mm bill_depth_mm")
    assert cross["source_columns"] == ["bill_length_mm", "bill_depth_mm"]
    assert result.features_manifest["variants"]["pca"]["n_features_out"] == 3


def test_custom_encoders():
    enc = FrequencyEncoder().fit(pd.DataFrame({"c": ["a", "a", "b", None]}))
    assert enc.transform(pd.DataFrame({"c": ["a", "zz", None]})).ravel().tolist() == [0.5, 0.0, 0.25]
    parts = DatetimeParts().fit(pd.DataFrame({"d": ["2020-03-04 10:00", "2021-01-01 00:00"]}))
    assert list(parts.get_feature_names_out()) == ["d_year", "d_month", "d_day", "d_dayofweek", "d_hour"]
