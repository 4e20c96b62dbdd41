"""The train phase as four Kedro nodes on the bundled penguins: catalog outputs, replaying selection, progress."""
from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from conftest import FAST, nested


def run_dirs(project: Path, process: str) -> list[Path]:
    return sorted(p for p in (project / "runs" / process).glob("*/*") if p.is_dir())


def run_from_nodes(project: Path, pipeline: str, from_nodes: list[str], params: dict):
    """``kedro run --pipeline=<pipeline> --from-nodes=<...> --params ...`` through a real KedroSession."""
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    from automl_kedro.tracking.settings import tracking_mode

    bootstrap_project(project)
    cwd = os.getcwd()
    os.chdir(project)
    try:
        with tracking_mode("disabled"), KedroSession.create(project_path=project, runtime_params=nested(params)) as session:
            session.run(pipeline_names=[pipeline], from_nodes=from_nodes)
    finally:
        os.chdir(cwd)


@pytest.mark.slow
def test_train_nodes_exchange_the_decision_chain_and_selection_replays_without_searching(project, run):
    run("train", FAST, tracking="disabled")
    (first,) = run_dirs(project, "train")
    for name in ("search/search_state.pkl", "search/trial_log.csv", "search/selection.json", "search/ensembles.pkl"):
        assert (first / name).is_file(), name

    # the recommended model's out-of-fold predictions, original labels, one probability column per class
    oof = pd.read_parquet(first / "oof" / "oof_predictions.parquet")
    classes = ["Adelie", "Chinstrap", "Gentoo"]
    assert list(oof.columns) == ["sample_id", "y_true", "y_pred", *[f"proba_{c}" for c in classes]]
    assert set(oof["y_true"]) <= set(classes) and oof["sample_id"].is_unique
    data = pd.read_parquet(run_dirs(project, "build_dataset")[0] / "dataset" / "data.parquet")
    train_ids = set(data.loc[data["split"].isin(["train", "val"]), "sample_id"].astype(str))
    assert set(oof["sample_id"]) <= train_ids  # never a test row
    assert (oof["y_true"] == oof["y_pred"]).mean() > 0.8
    assert oof[[f"proba_{c}" for c in classes]].sum(axis=1).round(6).eq(1).all()

    # permutation importance per raw column (not one-hot columns), as a table and a plot
    imp = pd.read_csv(first / "explain" / "feature_importance.csv")
    assert list(imp.columns) == ["feature", "importance", "importance_std"]
    schema = json.loads((run_dirs(project, "build_dataset")[0] / "dataset" / "schema.json").read_text())
    assert set(imp["feature"]) == set(schema["feature_columns"])
    assert (first / "plots" / "02_explain__feature_importance.json").is_file()

    trials = pd.read_csv(first / "search" / "trial_log.csv")
    assert {"candidate_id", "trial", "cv_accuracy", "params"} <= set(trials.columns)
    first_rec = json.loads((first / "recommendation.json").read_text())
    assert first_rec["selection"]["margin_se"] == 1.0

    # replay: select -> ensemble -> finalize on the first run's search, with another margin
    run_from_nodes(project, "train_only", ["train.select"],
                   {"train.selection_margin_se": 0.0})
    second = [d for d in run_dirs(project, "train") if d != first]
    assert len(second) == 1
    second = second[0]
    assert not (second / "search" / "search_state.pkl").exists()  # no new search
    assert json.loads((second / "search" / "selection.json").read_text())["margin_se"] == 0.0
    rec = json.loads((second / "recommendation.json").read_text())
    assert rec["selection"]["margin_se"] == 0.0
    assert json.loads((second / "meta.json").read_text())["status"] == "complete"
    # with no margin the best mean wins among the single candidates: the first run's leaderboard says which
    lb = pd.read_csv(first / "leaderboard.csv")
    singles = lb[(lb["status"] == "ok") & ~lb["candidate_id"].str.startswith("ensemble/")]
    assert rec["selection"]["chosen_single"] == singles.sort_values("cv_accuracy_mean", ascending=False,
                                                                    kind="stable")["candidate_id"].iloc[0]
    assert (second / "model" / "model.ckpt").is_file()


LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")


@pytest.mark.slow
def test_a_person_can_follow_training_no_silence_over_ten_seconds(project, run):
    run("train", {**FAST, "train.time_budget_s": 40}, tracking="disabled")
    (train,) = run_dirs(project, "train")
    lines = (train / "logs" / "train.log").read_text().splitlines()
    stamps = [datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f") for m in map(LOG_TIME.match, lines) if m]
    assert len(stamps) >= 8
    gaps = [(b - a).total_seconds() for a, b in zip(stamps, stamps[1:])]
    assert max(gaps) <= 10.0, max(gaps)
    text = "\n".join(lines)
    assert "finished native/hist_gradient_boosting trial 0 (defaults): accuracy" in text
    assert re.search(r"\d+ trials done, best \S+ 0\.\d{4}, \d+ s of budget left", text)
    assert "recommended " in text
