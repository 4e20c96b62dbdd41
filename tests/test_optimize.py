"""Inverse design: settings checked with one message, the search beats the training target's top 5%,
one ClearML task (read back from the offline session) for the whole study."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from automl_kedro.errors import AutoMLInputError
from automl_kedro.ml import inverse_design as inv
from automl_kedro.ml.inference import Predictor
from conftest import FAST, ROOT, run_pipeline

PENGUINS = ROOT / "data" / "01_raw" / "penguins.csv"
TYPES = {"species": "categorical", "island": "categorical", "sex": "categorical", "bill_length_mm": "numeric",
         "bill_depth_mm": "numeric", "flipper_length_mm": "numeric", "year": "numeric"}
SCHEMA = {"target": "body_mass_g", "problem_type": "regression", "feature_columns": list(TYPES), "column_types": TYPES}


@pytest.fixture(scope="module")
def penguin_predictor():
    """A real model of body mass on the bundled penguins (a plain pipeline: the space logic needs no engine)."""
    from sklearn.compose import make_column_transformer
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OrdinalEncoder

    table = pd.read_csv(PENGUINS).dropna().reset_index(drop=True)
    table["sample_id"] = table.index.astype(str)
    model = make_pipeline(make_column_transformer((OrdinalEncoder(), ["species", "island", "sex"]),
                                                  remainder="passthrough"),
                          HistGradientBoostingRegressor(random_state=0, categorical_features=[0, 1, 2]))
    model.fit(table[list(TYPES)], table["body_mass_g"])
    return Predictor.build(model, SCHEMA, table, None), table


def test_default_space_is_the_training_ranges_and_categories(penguin_predictor):
    predictor, table = penguin_predictor
    dims = {d.column: d for d in inv.build_space(None, predictor, table[list(TYPES)])}
    assert dims["flipper_length_mm"].kind == "int"  # whole numbers in training
    assert (dims["flipper_length_mm"].low, dims["flipper_length_mm"].high) == (172, 231)
    assert dims["bill_length_mm"].kind == "float"
    assert dims["island"].choices == ["Biscoe", "Dream", "Torgersen"]
    space = {"species": {"fixed": "Adelie"}, "bill_length_mm": {"low": 40, "high": 45},
             "island": {"choices": ["Dream"]}}
    dims = {d.column: d for d in inv.build_space(space, predictor, table[list(TYPES)])}
    assert dims["species"].value == "Adelie" and (dims["bill_length_mm"].low, dims["bill_length_mm"].high) == (40, 45)


@pytest.mark.parametrize("space, message", [
    ({}, r"optimize.space is empty"),
    ('["a"]', r"optimize.space must be an object .* not list"),
    ("{oops", r"optimize.space is not valid JSON"),
    ({"bill_length": {"low": 1, "high": 2}}, r"does not use: 'bill_length' \(did you mean 'bill_length_mm'\?\)"),
    ({"bill_length_mm": {"low": 50, "high": 40}}, r"optimize.space.bill_length_mm: low \(50\) is above high \(40\)"),
    ({"island": {"low": 0, "high": 2}}, r"optimize.space.island: 'island' is a categorical column; a range"),
    ({"island": {"choices": []}}, r"optimize.space.island.choices must be a non-empty list"),
    ({"island": "Dream"}, r"optimize.space.island must be an object"),
    ({"island": {"fixed": "Dream", "low": 1}}, r"give exactly one of"),
    ({c: {"fixed": 1} for c in TYPES}, r"leaves nothing to search"),
])
def test_bad_space_settings_get_one_message_naming_the_setting(penguin_predictor, space, message):
    predictor, table = penguin_predictor
    with pytest.raises(AutoMLInputError, match=message):
        inv.build_space(space, predictor, table[list(TYPES)])


def test_objective_settings_are_checked():
    with pytest.raises(AutoMLInputError, match="optimize.target: name the class .* one of a, b; got None"):
        inv.Objective.from_settings("binary", "maximize", None, ["a", "b"])
    with pytest.raises(AutoMLInputError, match="optimize.target must be a number"):
        inv.Objective.from_settings("regression", "maximize", "big", [])
    approach = inv.Objective.from_settings("regression", "maximize", 4000, [])
    out = pd.DataFrame({"y_pred": [3000.0, 4100.0]})
    assert list(approach.score(approach.value(out))) == [-1000.0, -100.0]


@pytest.mark.parametrize("sampler", ["random", "cmaes", "grid"])
def test_every_sampler_runs_and_fixed_columns_stay_fixed(penguin_predictor, sampler):
    predictor, table = penguin_predictor
    dims = inv.build_space({"species": {"fixed": "Gentoo"}, "year": {"fixed": 2008}}, predictor, table[list(TYPES)])
    trials = inv.optimize(predictor, dims, inv.Objective("minimize"), n_trials=24, sampler=sampler, seed=1)
    assert 2 <= len(trials) <= 24 and set(trials["species"]) == {"Gentoo"} and set(trials["year"]) == {2008}
    assert trials["flipper_length_mm"].between(172, 231).all()
    best = inv.best_solution(trials, dims, inv.Objective("minimize"))
    if trials["accepted"].any():
        assert best["value"] == trials.loc[trials["accepted"], "objective"].min() and "warning" not in best
    else:  # nothing in domain: the best extrapolation, said so
        assert best["value"] == trials["objective"].min() and "extrapolation" in best["warning"]


def test_maximising_stays_in_domain(penguin_predictor):
    predictor, table = penguin_predictor
    dims = inv.build_space(None, predictor, table[list(TYPES)])
    trials = inv.optimize(predictor, dims, inv.Objective("maximize"), n_trials=40, seed=3,
                          worst_score=float(table["body_mass_g"].min()), min_domain_score=0.05,
                          starts=table.sort_values("body_mass_g", ascending=False).head(5)[list(TYPES)])
    best = inv.best_solution(trials, dims, inv.Objective("maximize"))
    assert best["in_domain"] and best["domain_score"] >= 0.05
    out_of_domain = trials[~trials["accepted"]]
    assert (out_of_domain["score"] <= table["body_mass_g"].min()).all()  # penalised as the worst training row


# ---------------------------------------------------------------- through a real KedroSession, ClearML offline
@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_optimize_beats_the_top_5_percent_and_writes_one_clearml_task(tmp_path):
    from automl_kedro.tracking.sessions import read_session, run_sessions

    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    shutil.copytree(ROOT / "conf" / "base", project / "conf" / "base")
    (project / "conf" / "local").mkdir()
    (project / "src").mkdir()
    shutil.copytree(ROOT / "data" / "01_raw", project / "data" / "01_raw")
    run_pipeline(project, "train", {**FAST, "run.id": "20260101-000000-aaaaaa", "data.target": "body_mass_g"}, tracking="disabled")
    ctx = run_pipeline(project, "optimize", {"optimize.n_trials": 80,
                                             "run.id": "20260101-000000-bbbbbb"}, tracking="offline")
    out = next((project / "runs" / "optimize").glob("*/*"))
    best = json.loads((out / "best_solution.json").read_text())
    train = pd.read_csv(project / "data" / "01_raw" / "penguins.csv")
    assert best["y_pred"] >= best["training_target"]["p95"] >= train["body_mass_g"].quantile(0.9)
    assert best["in_domain"] is True and best["interval"][0] < best["y_pred"] < best["interval"][1]
    assert set(best["inputs"]) == {"species", "island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm",
                                   "sex", "year"}
    trials = pd.read_csv(out / "trials.csv")
    assert len(trials) == 80 and {"trial", "y_pred", "y_lower", "in_domain", "objective"} <= set(trials.columns)
    plots = {p.name for p in (out / "plots").glob("*.json")}
    assert {"01_optimize__history.json", "01_optimize__parallel_coordinates.json", "01_optimize__top_k.json",
            "02_position__input_position.json"} <= plots
    rows = run_sessions(project / "runs", ctx.run_id)
    tasks = [(row, read_session(path)) for row, path in rows]
    assert [row["process"] for row, _ in tasks] == ["optimize"]  # one task, none per trial
    session = tasks[0][1]
    assert ("01_optimize", "trials") in session.plots()
    assert ("01_optimize", "history") in session.plots()
    scalars = {key: value for key, value in session.scalars().items()}
    assert any(key[0] == "optimize" and key[1] == "best_y_pred" for key in scalars)
    assert {"trials", "best_solution"} <= set(session.artifacts())

    from kedro.io import DatasetError

    for bad, message in (({"optimize.space": {"island": {"low": 0, "high": 1}}}, "optimize.space.island: 'island' is a categorical"),
                         ({"optimize.sampler": "annealing"}, "optimize.sampler"),
                         ({"optimize.space": '[1, 2]'}, "optimize.space must be an object")):
        with pytest.raises((AutoMLInputError, DatasetError), match=message):
            run_pipeline(project, "optimize", {**bad}, tracking="disabled")
    assert len(list((project / "runs" / "optimize").glob("*/*"))) == 1  # nothing half-written


def test_classification_maximises_the_probability_of_a_class():
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    table = pd.read_csv(PENGUINS).dropna().reset_index(drop=True)
    table["sample_id"] = table.index.astype(str)
    features = ["island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
    types = {"island": "categorical", **{c: "numeric" for c in features[1:]}}
    schema = {"target": "species", "problem_type": "multiclass", "feature_columns": features, "column_types": types,
              "classes": ["Adelie", "Chinstrap", "Gentoo"]}
    model = make_pipeline(make_column_transformer((OneHotEncoder(), ["island"]), remainder=StandardScaler()),
                          LogisticRegression(max_iter=1000)).fit(table[features], table["species"])
    predictor = Predictor.build(model, schema, table, None)
    objective = inv.Objective.from_settings("multiclass", "maximize", "Chinstrap", schema["classes"])
    dims = inv.build_space(None, predictor, table[features])
    trials = inv.optimize(predictor, dims, objective, n_trials=30, worst_score=0.0, min_domain_score=0.05,
                          starts=table[table["species"] == "Chinstrap"].head(5)[features])
    best = inv.best_solution(trials, dims, objective)
    assert best["y_pred"] == "Chinstrap" and best["probabilities"]["Chinstrap"] == best["value"] > 0.9
    assert best["inputs"]["island"] == "Dream"  # the only island with Chinstraps
