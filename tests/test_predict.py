"""Predict in full: conformal intervals and sets, the applicability check, JSON rows, input checks."""
from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from automl_kedro.data.predict_input import check_rows, read_predict_input, rows_from_json
from automl_kedro.errors import AutoMLInputError
from automl_kedro.ml.applicability import DomainModel
from automl_kedro.ml.conformal import ClassificationConformal, RegressionConformal, conformal_quantile
from conftest import FAST, ROOT, run_pipeline

PENGUINS = ROOT / "data" / "01_raw" / "penguins.csv"
FEATURES = ["island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "sex", "year"]
TYPES = {"island": "categorical", "sex": "categorical", "bill_length_mm": "numeric", "bill_depth_mm": "numeric",
         "flipper_length_mm": "numeric", "body_mass_g": "numeric", "year": "numeric"}


# ---------------------------------------------------------------- pure: conformal
def test_conformal_quantile_is_the_finite_sample_rank():
    scores = np.arange(1.0, 10.0)  # 9 scores
    assert conformal_quantile(scores, 0.9) == 9.0  # ceil(10 * 0.9) = 9th smallest
    assert conformal_quantile(scores, 0.5) == 5.0  # ceil(10 * 0.5) = 5th
    assert math.isinf(conformal_quantile(scores[:5], 0.9))  # ceil(6 * 0.9) = 6 > 5 scores: no finite bound


def test_regression_intervals_cover_exchangeable_rows():
    rng = np.random.default_rng(0)
    y_cal, y_new = rng.normal(size=2000), rng.normal(size=5000)
    conf = RegressionConformal.fit(y_cal, np.zeros_like(y_cal), 0.9)
    lower, upper = conf.interval(np.zeros_like(y_new))
    coverage = ((y_new >= lower) & (y_new <= upper)).mean()
    assert 0.88 <= coverage <= 0.92
    assert conf.quantile == pytest.approx(1.645, abs=0.1)  # the normal's 95th percentile of |y|


def test_prediction_sets_hold_likely_classes_and_never_are_empty():
    classes = ["a", "b", "c"]
    proba = np.array([[0.9, 0.05, 0.05], [0.5, 0.45, 0.05], [0.2, 0.7, 0.1]] * 20)
    truth = np.array(["a", "b", "b"] * 20)  # the 0.45 row is right only when b wins
    conf = ClassificationConformal.fit(truth, proba, classes, 0.9)
    assert conf.quantile == pytest.approx(0.55)  # 1 - p_true of the hardest third
    sets = conf.sets(np.array([[0.9, 0.05, 0.05], [0.5, 0.45, 0.05], [0.34, 0.33, 0.33]]))
    assert sets[0] == ["a"] and sets[1] == ["a", "b"]
    assert sets[2] == ["a"]  # no class reaches 1 - q = 0.45: the most probable one, never an empty set


def test_oof_conformal_intervals_cover_penguins_body_mass_over_many_splits():
    """Calibrated on out-of-fold residuals as train leaves them; averaged over 20 random splits of real data."""
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import cross_val_predict, train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from automl_kedro.ml.inference import Predictor

    table = pd.read_csv(PENGUINS).dropna().reset_index(drop=True)
    table["sample_id"] = table.index.astype(str)
    numeric = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "year"]
    schema = {"target": "body_mass_g", "problem_type": "regression", "feature_columns": FEATURES,
              "column_types": TYPES}
    coverage, width = {False: [], True: []}, {False: [], True: []}
    for seed in range(20):
        train, test = train_test_split(table, test_size=0.3, random_state=seed)
        model = make_pipeline(make_column_transformer((StandardScaler(), numeric),
                                                      (OneHotEncoder(handle_unknown="ignore"), ["island", "sex"])),
                              Ridge())
        oof_pred = cross_val_predict(model, train[FEATURES], train["body_mass_g"], cv=5)
        oof = pd.DataFrame({"sample_id": train["sample_id"], "y_true": train["body_mass_g"], "y_pred": oof_pred})
        model.fit(train[FEATURES], train["body_mass_g"])
        for normalised in (False, True):
            out = Predictor.build(model, schema, train, oof, 0.9, normalised=normalised).predict(test, domain=False)
            y = test["body_mass_g"].to_numpy()
            coverage[normalised].append(((y >= out["y_lower"]) & (y <= out["y_upper"])).mean())
            width[normalised].append((out["y_upper"] - out["y_lower"]).mean())
    spread = table["body_mass_g"].quantile(0.95) - table["body_mass_g"].quantile(0.05)
    for normalised in (False, True):
        assert 0.87 <= np.mean(coverage[normalised]) <= 0.94, (normalised, np.mean(coverage[normalised]))
        assert np.mean(width[normalised]) < 0.6 * spread


# ---------------------------------------------------------------- pure: applicability on real data
@pytest.fixture(scope="module")
def penguins_split():
    table = pd.read_csv(PENGUINS).dropna(subset=["body_mass_g"])
    test = table.sample(frac=0.25, random_state=3)
    return table.drop(test.index), test


def test_ordinary_heldout_rows_are_in_domain_and_far_rows_are_not(penguins_split):
    train, test = penguins_split
    cols = [*FEATURES, "body_mass_g"]
    domain = DomainModel.fit(train[cols], TYPES)
    held_out = domain.score(test[cols])
    assert held_out["in_domain"].mean() >= 0.9
    far = test[cols].head(4).copy()
    far["body_mass_g"] = 1_000_000
    far.iloc[1, far.columns.get_loc("island")] = "Atlantis"
    flagged = domain.score(far)
    assert not flagged["in_domain"].any()
    assert flagged["domain_reason"].str.contains(r"body_mass_g=1e\+06 above the training range").all()
    assert "island='Atlantis' never seen in training" in flagged["domain_reason"][1]
    assert (flagged["domain_score"] < held_out["domain_score"].median()).all()


def test_infinite_values_leave_the_domain_finite_and_are_flagged_in_new_rows(penguins_split):
    train, test = penguins_split
    cols = [*FEATURES, "body_mass_g"]
    with_inf = train[cols].copy()
    with_inf.iloc[:3, with_inf.columns.get_loc("body_mass_g")] = np.inf  # a division by zero in the export
    domain = DomainModel.fit(with_inf, TYPES)
    assert np.isfinite(domain.numeric["body_mass_g"]).all()
    assert domain.numeric["body_mass_g"][1] == train["body_mass_g"].iloc[3:].max()
    assert np.isfinite(domain.encode(with_inf)).all()
    rows = test[cols].head(3).copy()
    rows.iloc[0, rows.columns.get_loc("body_mass_g")] = -np.inf
    scored = domain.score(rows)
    assert not scored["in_domain"][0] and "body_mass_g=-inf below the training range" in scored["domain_reason"][0]
    assert domain.score(test[cols])["in_domain"].mean() >= 0.9


# ---------------------------------------------------------------- pure: reading and checking new rows
SCHEMA = {"target": "species", "problem_type": "multiclass", "feature_columns": [*FEATURES, "body_mass_g"],
          "column_types": TYPES, "id_column": None}


def _write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return str(path)


def test_json_object_list_and_parquet_read_as_csv_is(tmp_path):
    rows = pd.read_csv(ROOT / "data" / "01_raw" / "penguins_new.csv")
    as_csv = read_predict_input(str(ROOT / "data" / "01_raw" / "penguins_new.csv"))
    records = _write(tmp_path, "rows.json", rows.to_json(orient="records"))
    one = _write(tmp_path, "one.json", json.dumps(rows.iloc[0].to_dict()))
    rows.to_parquet(tmp_path / "rows.parquet")
    for path in (records, str(tmp_path / "rows.parquet")):
        got = check_rows(read_predict_input(path), SCHEMA).X
        pd.testing.assert_frame_equal(got, check_rows(as_csv, SCHEMA).X, check_dtype=False)
    single = check_rows(read_predict_input(one), SCHEMA).X
    assert len(single) == 1 and single["bill_length_mm"].iloc[0] == rows["bill_length_mm"].iloc[0]


@pytest.mark.parametrize("content, message", [
    ("", r"predict.input_path=.*empty"),
    ("island,bill_length_mm\n", r"predict.input_path.*header .* but no data rows"),
    ("[1, 2]", r"list holding non-objects"),
    ('"text"', r"JSON is str, not an object"),
    ("[]", r"JSON list is empty"),
    ("{not json", r"not valid JSON"),
])
def test_bad_input_files_name_the_setting(tmp_path, content, message):
    suffix = ".csv" if content.startswith("island") or content == "" else ".json"
    with pytest.raises(AutoMLInputError, match=message):
        read_predict_input(_write(tmp_path, f"bad{suffix}", content))


def test_missing_file_and_unset_path_name_the_setting(tmp_path):
    with pytest.raises(AutoMLInputError, match=r"predict.input_path=.*nope.csv: file not found"):
        read_predict_input(str(tmp_path / "nope.csv"))
    with pytest.raises(AutoMLInputError, match="Set predict.input_path"):
        read_predict_input(None)


def test_column_checks_name_columns_and_rows():
    rows = pd.read_csv(ROOT / "data" / "01_raw" / "penguins_new.csv")
    with pytest.raises(AutoMLInputError, match=r"lack 2 column\(s\).*: island, sex"):
        check_rows(rows.drop(columns=["island", "sex"]), SCHEMA)
    texty = rows.astype({"flipper_length_mm": object})
    texty.loc[[2, 5], "flipper_length_mm"] = ["long", "n/a?"]
    with pytest.raises(AutoMLInputError, match=r"'flipper_length_mm' is numeric .* rows 3, 6 hold text \('long', 'n/a\?'\)"):
        check_rows(texty, SCHEMA)
    extra = rows.assign(colour="blue", bill_depth_mm=np.nan)
    checked = check_rows(extra, SCHEMA)
    assert checked.notes == ["1 column(s) not used by the model are ignored: colour."]
    assert len(checked.warnings) == 1 and "'bill_depth_mm' is empty in every new row" in checked.warnings[0]


def test_numbers_written_as_text_are_read_in_the_training_format():
    rows = pd.read_csv(ROOT / "data" / "01_raw" / "penguins_new.csv").head(4).astype({"body_mass_g": object,
                                                                                    "bill_length_mm": object})
    rows["body_mass_g"] = ["3.800,5", "?", "4.100", "-"]  # decimal comma, as the training file wrote it
    rows["bill_length_mm"] = ["40.5", "$41", "1,040.5", ""]
    schema = {**SCHEMA, "number_text": {"body_mass_g": {"decimal": ",", "missing": ["?"]}}}
    X = check_rows(rows, schema).X
    assert X["body_mass_g"].iloc[[0, 2]].tolist() == [3800.5, 4100.0] and X["body_mass_g"].iloc[[1, 3]].isna().all()
    assert X["bill_length_mm"].iloc[:3].tolist() == [40.5, 41.0, 1040.5] and np.isnan(X["bill_length_mm"].iloc[3])
    rows["body_mass_g"] = ["3.800,5", "heavy", "4.100", "1"]
    with pytest.raises(AutoMLInputError, match=r"'body_mass_g' is numeric .* rows 2 hold text \('heavy'\)"):
        check_rows(rows, schema)


def test_what_pandas_reads_as_missing_in_a_csv_is_missing_in_a_dataframe_too():
    """A DataFrame (or Parquet, JSON) keeps "n/a", "NA", "null", "None" as text where read_csv gives NaN: predict
    stopped with "'body_mass_g' is numeric in training but rows 1, 2 hold text ('n/a', 'NA')"."""
    rows = pd.read_csv(ROOT / "data" / "01_raw" / "penguins_new.csv").head(5).astype({"body_mass_g": object})
    rows["body_mass_g"] = ["3800", "n/a", "NA", "null", "None"]
    X = check_rows(rows, SCHEMA).X
    assert X["body_mass_g"].iloc[0] == 3800.0 and X["body_mass_g"].iloc[1:].isna().all()
    from automl_kedro.data.types import infer_column_type

    column = pd.Series([f"{3000 + i}" for i in range(27)] + ["n/a", "NULL", "nan"], name="mass")
    assert infer_column_type(column)[0] == "numeric"  # as read_csv would have typed it


def test_json_row_values_are_typed_as_in_training():
    train = pd.read_csv(PENGUINS).astype({"year": str})
    schema = {**SCHEMA, "column_types": {**TYPES, "year": "categorical"}}
    row = rows_from_json('{"island": "Dream", "bill_length_mm": "40.5", "bill_depth_mm": 18, '
                         '"flipper_length_mm": 190, "body_mass_g": 3800, "sex": "male", "year": 2008}')
    X = check_rows(row, schema, train).X
    assert X["year"].iloc[0] == "2008" and X["bill_length_mm"].iloc[0] == 40.5


# ---------------------------------------------------------------- through a real KedroSession
def _fresh_project(root: Path) -> Path:
    root.mkdir(parents=True)
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(ROOT / "conf" / "base", root / "conf" / "base")
    (root / "conf" / "local").mkdir()
    (root / "src").mkdir()
    shutil.copytree(ROOT / "data" / "01_raw", root / "data" / "01_raw")
    return root


@pytest.fixture(scope="module")
def regression_project(tmp_path_factory):
    """Penguins body mass, trained once; evaluate measured the intervals on the test rows."""
    project = _fresh_project(tmp_path_factory.mktemp("reg") / "project")
    # one model, fixed trials, no ensembles: the run is the same on any machine (the budget does not bind)
    run_pipeline(project, "train", {**FAST, "run.id": "reg", "data.target": "body_mass_g", "split.test_size": 0.5,
                                    "train.models": ["hist_gradient_boosting"], "train.n_trials": 1,
                                    "train.ensembles": [], "train.time_budget_s": 120}, tracking="disabled")
    return project


@pytest.fixture(scope="module")
def classification_project(tmp_path_factory):
    project = _fresh_project(tmp_path_factory.mktemp("cls") / "project")
    run_pipeline(project, "train", {**FAST, "run.id": "cls"}, tracking="disabled")
    return project


def _only(project: Path, process: str) -> Path:
    dirs = sorted((project / "runs" / process).glob("*/*"))
    assert dirs, f"no {process} run"
    return dirs[-1]


def _predict(project: Path, tracking: str = "disabled", **params) -> Path:
    before = set((project / "runs" / "predict").glob("*/*")) if (project / "runs" / "predict").exists() else set()
    run_pipeline(project, "predict", params, tracking=tracking)
    (new,) = set((project / "runs" / "predict").glob("*/*")) - before
    return new


@pytest.mark.slow
def test_regression_intervals_cover_heldout_rows(regression_project):
    metrics = json.loads((_only(regression_project, "evaluate") / "metrics.json").read_text())
    test = pd.read_csv(_only(regression_project, "evaluate") / "predictions.csv")
    spread = test["y_true"].quantile(0.95) - test["y_true"].quantile(0.05)
    assert metrics["interval_level"] == 0.9
    assert 0.85 <= metrics["interval_coverage"] <= 0.95
    assert metrics["interval_mean_width"] < 0.75 * spread
    inside = (test["y_true"] >= test["y_lower"]) & (test["y_true"] <= test["y_upper"])
    assert inside.mean() == pytest.approx(metrics["interval_coverage"])
    assert metrics["domain_share_in_domain"] >= 0.9 and test["in_domain"].mean() >= 0.9


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_predict_regression_writes_intervals_domain_summary_and_map(regression_project, tmp_path):
    from automl_kedro.tracking.sessions import read_session, run_sessions

    rows = pd.read_csv(regression_project / "data" / "01_raw" / "penguins.csv").head(6).drop(columns="body_mass_g")
    rows.loc[0, "flipper_length_mm"] = 1000.0  # far outside
    rows.loc[1, "island"] = "Atlantis"  # an unseen category
    path = tmp_path / "rows.parquet"
    rows.to_parquet(path)
    out = _predict(regression_project, **{"predict.input_path": str(path), "run.id": "20260101-000000-cccccc"}, tracking="offline")
    predictions = pd.read_csv(out / "predictions.csv")
    assert (predictions["y_lower"] < predictions["y_pred"]).all() and (predictions["y_pred"] < predictions["y_upper"]).all()
    assert predictions["in_domain"].tolist() == [False, False, True, True, True, True]
    assert "flipper_length_mm=1000 above the training range" in predictions["domain_reason"][0]
    assert "island='Atlantis' never seen in training" in predictions["domain_reason"][1]
    summary = json.loads((out / "predict_summary.json").read_text())
    assert summary["n_out_of_domain"] == 2 and summary["n_rows"] == 6
    assert any("'island' has values never seen in training: 'Atlantis' in 1 row(s)" in w for w in summary["warnings"])
    assert "out of domain: 2" in (out / "predict_summary.md").read_text()
    figure = json.loads((out / "plots" / "01_position__input_position.json").read_text())
    names = [t.get("name") for t in figure["data"]]
    assert "training rows" in names and "new rows (out of domain)" in names
    uncertainty = pd.read_csv(out / "uncertainty.csv")
    assert (uncertainty["interval_width"] > 0).all()
    explanations = pd.read_csv(out / "explanations.csv")
    assert explanations.groupby("sample_id")["rank"].max().eq(5).all() and explanations["sample_id"].nunique() == 6
    far = explanations[(explanations["sample_id"] == 0) & (explanations["rank"] == 1)].iloc[0]
    assert far["feature"] == "flipper_length_mm"  # the 1000 mm flipper drives that row
    log = (out / "logs" / "predict.log").read_text()
    assert "2 of 6 new row(s) are outside the model's applicability domain" in log
    ((row, zip_path),) = run_sessions(regression_project / "runs", "20260101-000000-cccccc")
    session = read_session(zip_path)
    assert row["process"] == "predict" and session.scalars()[("predict", "n_out_of_domain")] == 2.0
    assert ("00_summary", "predict_summary") in session.media()
    assert ("01_position", "input_position") in session.plots()


@pytest.mark.slow
def test_predict_classification_gives_sets_from_a_json_row(classification_project, tmp_path):
    row = {"island": "Biscoe", "bill_length_mm": 47.5, "bill_depth_mm": 14.8, "flipper_length_mm": 217,
           "body_mass_g": 5200, "sex": "male", "year": 2008}
    heavy = {**row, "body_mass_g": 1_000_000}
    path = tmp_path / "rows.json"
    path.write_text(json.dumps([row, heavy]))
    out = _predict(classification_project, **{"predict.input_path": str(path)})
    predictions = pd.read_csv(out / "predictions.csv")
    assert predictions["y_pred"][0] == "Gentoo"
    assert predictions["pred_set"][0].split("|")[0] == "Gentoo" or "Gentoo" in predictions["pred_set"][0]
    assert predictions["in_domain"].tolist() == [True, False]
    assert "body_mass_g=1e+06 above the training range" in predictions["domain_reason"][1]
    metrics = json.loads((_only(classification_project, "evaluate") / "metrics.json").read_text())
    assert metrics["set_coverage"] >= 0.85 and 1 <= metrics["set_mean_size"] <= 1.5


@pytest.mark.slow
@pytest.mark.parametrize("content, message", [
    ("island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year\n", "no data rows"),
    ("island,bill_length_mm\nDream,40\n", "lack 5 column"),
    ('{"island": "Dream"', "not valid JSON"),
    ("island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year\nDream,40,18,heavy,3000,male,2008\n",
     "'flipper_length_mm' is numeric in training but rows 1 hold text"),
])
def test_bad_predict_input_leaves_nothing(classification_project, tmp_path, content, message):
    from kedro.io import DatasetError

    name = "bad.json" if content.startswith("{") else "bad.csv"
    path = tmp_path / name
    path.write_text(content)
    before = sorted((classification_project / "runs").glob("predict/*/*"))
    with pytest.raises((AutoMLInputError, DatasetError), match=message) as info:
        run_pipeline(classification_project, "predict", {"predict.input_path": str(path)}, tracking="disabled")
    assert "predict.input_path" in str(info.value)
    assert sorted((classification_project / "runs").glob("predict/*/*")) == before


@pytest.mark.slow
def test_predict_model_path_names_a_local_model_file(classification_project, tmp_path):
    model = _only(classification_project, "train") / "model" / "model.ckpt"
    copy = tmp_path / "my_model.ckpt"
    shutil.copy(model, copy)
    out = _predict(classification_project, **{"predict.model_path": str(copy)})
    predictions = pd.read_csv(out / "predictions.csv")
    assert set(predictions["model_version"]) == {str(copy)}
    assert len(predictions) == len(pd.read_csv(classification_project / "data" / "01_raw" / "penguins_new.csv"))
    with pytest.raises(AutoMLInputError, match="predict.model_path=.*file not found"):
        run_pipeline(classification_project, "predict",
                     {"predict.model_path": str(tmp_path / "none.ckpt")}, tracking="disabled")


@pytest.mark.slow
def test_cli_predicts_a_json_row_without_a_run_directory(classification_project):
    from click.testing import CliRunner

    from automl_kedro.champion import promote
    from automl_kedro.cli import commands

    runs = classification_project / "runs"
    promote(runs, "cls")  # promotion may write its own records; the predictions below must write nothing
    before = sorted(p for p in runs.rglob("*"))
    row = ('{"island": "Dream", "bill_length_mm": 49.5, "bill_depth_mm": 18.7, "flipper_length_mm": 195, '
           '"body_mass_g": 3800, "sex": "male", "year": 2008}')
    base = ["--project-path", str(classification_project)]
    result = CliRunner().invoke(commands, ["predict", "--run", "cls", row, *base])
    assert result.exit_code == 0, result.output
    assert "species = Chinstrap" in result.output and "90% set: {" in result.output and "in domain" in result.output
    far = row.replace('"body_mass_g": 3800', '"body_mass_g": 1000000')
    result = CliRunner().invoke(commands, ["predict", "--run", "champion", "--json", f"[{row}, {far}]", *base])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [r["in_domain"] for r in records] == [True, False]
    assert abs(sum(v for k, v in records[0].items() if k.startswith("proba_")) - 1) < 1e-6
    assert sorted(p for p in runs.rglob("*")) == before  # no run directory, no file was created
    bad = CliRunner().invoke(commands, ["predict", "--run", "cls", '{"island": "Dream"}', *base])
    assert bad.exit_code != 0 and "lack 6 column(s)" in bad.output


def test_temperature_scaling_calibrates_an_overconfident_model_on_real_data():
    """3-nearest-neighbour probabilities (0, 1/3, 2/3, 1) on bill depth and flipper length are overconfident: the
    temperature fitted on out-of-fold probabilities lowers the held-out log loss, never the accuracy."""
    from sklearn.metrics import log_loss
    from sklearn.model_selection import cross_val_predict, train_test_split
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from automl_kedro.ml.conformal import apply_temperature, fit_temperature

    table = pd.read_csv(PENGUINS).dropna(subset=["bill_depth_mm", "flipper_length_mm"])
    X, y = table[["bill_depth_mm", "flipper_length_mm"]], table["species"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=0, stratify=y)
    model = make_pipeline(StandardScaler(), KNeighborsClassifier(3))
    classes = sorted(y.unique())
    oof = cross_val_predict(model, X_train, y_train, cv=5, method="predict_proba")
    temperature = fit_temperature(y_train, oof, classes)
    assert temperature > 1.5  # softened
    raw = model.fit(X_train, y_train).predict_proba(X_test)
    calibrated = apply_temperature(raw, temperature)
    assert log_loss(y_test, calibrated, labels=classes) < 0.5 * log_loss(y_test, np.clip(raw, 1e-12, 1), labels=classes)
    assert (calibrated.argmax(axis=1) == raw.argmax(axis=1)).all()
    np.testing.assert_allclose(calibrated.sum(axis=1), 1.0)


def test_row_explanations_name_the_driver_of_a_real_model():
    """Body mass from a random forest (no coefficients to read): the row with the longest flippers is
    heavy because of its flippers, and a row with typical values has only small contributions."""
    from sklearn.ensemble import RandomForestRegressor

    from automl_kedro.ml.row_explanations import row_contributions, top_contributions

    table = pd.read_csv(PENGUINS).dropna().reset_index(drop=True)
    cols = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "year"]
    model = RandomForestRegressor(n_estimators=50, random_state=0).fit(table[cols], table["body_mass_g"])
    rows = table[cols].iloc[[table["flipper_length_mm"].idxmax()]].copy()
    rows = pd.concat([rows, table[cols].median().to_frame().T], ignore_index=True)
    contrib = row_contributions(model, rows, table[cols], "regression")
    top = top_contributions(contrib, rows, pd.Series(["long", "typical"]), top=2)
    first = top[(top["sample_id"] == "long") & (top["rank"] == 1)].iloc[0]
    assert first["feature"] == "flipper_length_mm" and first["contribution"] > 500
    assert contrib.iloc[1].abs().max() < 0.5 * contrib.iloc[0].abs().max()
    assert set(top.columns) == {"sample_id", "rank", "feature", "value", "contribution"}


@pytest.mark.slow
def test_tree_model_is_explained_by_shap_in_train_report_and_predict(regression_project, tmp_path, monkeypatch):
    """The HGB body-mass model: train left a SHAP table and summary plot, the report names SHAP's top features,
    predict's explanations.csv comes from SHAP (the same values as the model's TreeSHAP), and
    predict.explain_method=occlusion or a missing shap package give the model-agnostic method."""
    from automl_kedro.ml.shap_values import tree_shap_values

    pytest.importorskip("shap")
    train = _only(regression_project, "train")
    features = json.loads((_only(regression_project, "build_dataset") / "dataset" / "schema.json").read_text())[
        "feature_columns"]
    shap_table = pd.read_csv(train / "explain" / "shap_importance.csv")
    assert shap_table["feature"].iloc[0] == "flipper_length_mm"
    assert set(shap_table["feature"]) == set(features)
    scale = shap_table["scale"].iloc[0]
    assert scale == "target" or scale.endswith("(target)")  # the model's raw output: target or its transform
    figure = json.loads((train / "plots" / "shap" / "02_explain__shap_summary.json").read_text())
    assert {t["name"] for t in figure["data"]} == set(features)
    report = (_only(regression_project, "report") / "report.md").read_text()
    assert "By SHAP" in report and "`flipper_length_mm`" in report.split("By SHAP", 1)[1].split("\n", 1)[0]

    rows = pd.read_csv(PENGUINS).head(4).drop(columns="body_mass_g")
    path = tmp_path / "rows.csv"
    rows.to_csv(path, index=False)
    out = _predict(regression_project, **{"predict.input_path": str(path), "predict.explain_top": len(features)})
    explanations = pd.read_csv(out / "explanations.csv")
    assert (explanations["method"] == "shap").all() and (explanations["scale"] == scale).all()
    assert explanations.groupby("sample_id")["rank"].max().eq(len(features)).all()
    model = pd.read_pickle(train / "model" / "model.ckpt")
    expected = tree_shap_values(model, rows[features], "regression").values
    first = explanations[explanations["sample_id"] == explanations["sample_id"].iloc[0]]
    for _, item in first.iterrows():
        assert item["contribution"] == pytest.approx(expected.loc[0, item["feature"]], rel=1e-6, abs=1e-9)

    out = _predict(regression_project, **{"predict.input_path": str(path), "predict.explain_method": "occlusion"})
    assert (pd.read_csv(out / "explanations.csv")["method"] == "occlusion").all()
    monkeypatch.setitem(__import__("sys").modules, "shap", None)  # as if the extra were not installed
    out = _predict(regression_project, **{"predict.input_path": str(path)})
    assert (pd.read_csv(out / "explanations.csv")["method"] == "occlusion").all()
    assert "SHAP needs the shap package" in (out / "logs" / "predict.log").read_text()
