"""Monitoring: drift per feature on real data, and the monitor pipeline across two batches."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from automl_kedro.champion import promote
from automl_kedro.errors import AutoMLInputError
from automl_kedro.hooks import find_input_error
from automl_kedro.ml.drift import DriftThresholds, drift_table
from automl_kedro.tracking.sessions import read_session, run_sessions
from conftest import FAST, ROOT

THRESHOLDS = DriftThresholds(psi_warning=0.1, psi_alert=0.25, pvalue=0.01, bins=10)
TYPES = {"island": "categorical", "bill_length_mm": "numeric", "bill_depth_mm": "numeric",
         "flipper_length_mm": "numeric", "body_mass_g": "numeric", "sex": "categorical", "year": "numeric"}


def _halves():
    table = pd.read_csv(ROOT / "data" / "01_raw" / "penguins.csv").sample(frac=1.0, random_state=3)
    return table.iloc[:200].reset_index(drop=True), table.iloc[200:].reset_index(drop=True)


def test_a_feature_shifted_by_2_5_is_flagged_and_the_others_are_not():
    reference, batch = _halves()
    calm = drift_table(reference, batch, TYPES, THRESHOLDS)
    assert set(calm["severity"]) == {"none"}
    batch["body_mass_g"] = batch["body_mass_g"] * 2.5
    drift = drift_table(reference, batch, TYPES, THRESHOLDS).set_index("feature")
    assert drift.loc["body_mass_g", "severity"] == "alert"
    assert drift.loc["body_mass_g", "psi"] > 1 and drift.loc["body_mass_g", "pvalue"] < 1e-10
    assert drift.loc["body_mass_g", "batch_mean"] == pytest.approx(2.5 * reference["body_mass_g"].mean(), rel=0.1)
    assert set(drift.drop(index="body_mass_g")["severity"]) == {"none"}
    assert drift.loc["island", "test"] == "chi2" and drift.loc["year", "test"] == "ks"


def test_categories_that_move_or_vanish_are_flagged():
    reference, batch = _halves()
    batch["island"] = "Biscoe"
    drift = drift_table(reference, batch.drop(columns=["sex"]), TYPES, THRESHOLDS).set_index("feature")
    assert drift.loc["island", "severity"] == "alert"
    assert drift.loc["sex", "severity"] == "alert" and drift.loc["sex", "note"] == "missing from the batch"


@pytest.mark.slow
def test_monitor_pipeline_over_two_batches(project, run):
    run("train", {"train.time_budget_s": 5, "run.id": "m1"})  # ClearML offline (the default)
    mark = promote(project / "runs", "m1")["state"]["current"]["clearml"]
    train_tasks = [row["id"] for row, _ in run_sessions(project / "runs", "m1") if row["process"] == "train"
                   and row["kind"] == "phase"]
    assert mark["applied"] is False and mark["task_ids"] == train_tasks and "offline" in mark["why"]
    assert mark["tags"] == ["champion", "champion:penguins:species"]
    reference, batch = _halves()
    shifted = batch.assign(body_mass_g=batch["body_mass_g"] * 2.5)
    shifted.to_csv(project / "shifted.csv", index=False)
    reference.drop(columns=["species"]).to_csv(project / "unlabelled.csv", index=False)

    run("monitor", {"monitor.input_path": "shifted.csv", "run.id": "batch1"})
    run("monitor", {"monitor.input_path": "unlabelled.csv", "monitor.source_run": "m1"}, tracking="disabled")

    dirs = sorted((project / "runs" / "monitor").glob("*/*"))
    assert len(dirs) == 2
    first = pd.read_csv(dirs[0] / "drift.csv").set_index("feature")
    assert first.loc["body_mass_g", "severity"] == "alert"
    assert set(first.drop(index="body_mass_g")["severity"]) == {"none"}
    performance = json.loads((dirs[0] / "performance.json").read_text())
    assert performance["primary_metric"] == "accuracy" and performance["labelled_rows"] == len(shifted)
    assert 0 <= performance["score"] <= 1 and performance["metrics"]["accuracy"] == performance["score"]
    assert not (dirs[1] / "performance.json").exists()
    assert set(pd.read_csv(dirs[1] / "drift.csv")["severity"]) == {"none"}

    log = pd.read_csv(project / "runs" / "monitoring" / "performance_log.csv")
    assert len(log) == 2 and list(log["model_run_id"]) == ["m1", "m1"]
    assert list(log["labelled"]) == [True, False] and list(log["alert"]) == [True, False]
    assert log.loc[0, "alerts"].startswith("drift: body_mass_g") and log.loc[0, "drifted_features"] == "body_mass_g"
    assert pd.isna(log.loc[1, "score"]) and log.loc[0, "score"] == pytest.approx(performance["score"])
    # body mass x2.5 puts most shifted rows outside the training domain; the training rows' own half does not
    assert log.loc[0, "out_of_domain_share"] > 0.5 and log.loc[1, "out_of_domain_share"] < 0.1
    assert "out of domain" in log.loc[0, "alerts"]
    summary = json.loads((dirs[0] / "monitor_summary.json").read_text())
    assert summary["features_alert"] == 1 and summary["alerts"] == 2

    (row, path), = [(r, p) for r, p in run_sessions(project / "runs", "batch1") if r["process"] == "monitor"]
    session = read_session(path)
    assert session.scalars()[("monitor", "features_alert")] == 1 and session.scalars()[("monitor", "alerts")] == 2
    assert ("01_drift", "drift") in session.plots() and "drift" in session.artifacts()


@pytest.mark.slow
def test_monitor_refuses_a_missing_batch_and_writes_nothing(project, run):
    run("train", {**FAST, "run.id": "m2"}, tracking="disabled")
    with pytest.raises(Exception) as error:
        run("monitor", {"monitor.input_path": "nope.csv", "monitor.source_run": "latest"}, tracking="disabled")
    bad_input = find_input_error(error.value)
    assert isinstance(bad_input, AutoMLInputError) and "monitor.input_path names nope.csv" in str(bad_input)
    assert not (project / "runs" / "monitor").exists()
    assert not (project / "runs" / "monitoring").exists()
