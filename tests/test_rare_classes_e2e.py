"""A class with fewer rows than the CV folds, through the real pipelines (KedroSession via api.train): the run
goes on where it used to stop ("fewer than the 5 CV folds"), learns the rare class, and its recommendation and
report name what cross-validation could not score."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from automl_kedro import api
from conftest import ROOT


@pytest.mark.slow
def test_a_class_rarer_than_the_folds_is_learned_predicted_and_named_in_the_report(project, tmp_path):
    penguins = pd.read_csv(ROOT / "data" / "01_raw" / "penguins.csv")
    rare = penguins.iloc[:6].assign(species=["Rare"] * 5 + ["Single"], bill_length_mm=80.0 + np.arange(6))
    path = tmp_path / "penguins_with_rare.csv"
    pd.concat([penguins, rare], ignore_index=True).to_csv(path, index=False)
    run = api.train(str(path), "species", project=project, tracking="disabled",
                    **{"train.time_budget_s": 10, "split.method": "stratified"})

    dataset = pd.read_parquet(run.dirs["build_dataset"] / "dataset" / "data.parquet")
    train_rows = dataset[dataset["split"] != "test"]["species"].value_counts()
    assert 2 <= train_rows["Rare"] < 5, train_rows  # too few for the 5 folds
    not_scored = run.recommendation["cv"]["classes_not_scored"]
    assert not_scored["Rare"] == train_rows["Rare"]
    assert "Too rare to score" in run.report_md and "'Rare'" in run.report_md

    new = rare.drop(columns="species").iloc[:3]
    predictions = run.predict(new)
    assert list(predictions["y_pred"]) == ["Rare"] * 3  # learned though never scored
