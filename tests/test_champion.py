"""The champion pointer across runs, and the cross-run leaderboard, on real pipeline runs."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner
from kedro.io import DatasetError

from automl_kedro.cli import commands
from automl_kedro.champion import champion_state, promote, rollback, runs_leaderboard
from automl_kedro.errors import AutoMLInputError
from conftest import FAST


@pytest.mark.slow
def test_promote_rollback_and_predict_with_the_champion(project, run):
    run("train", {**FAST, "run.id": "one"})
    run("train", {**FAST, "run.id": "two"})
    runs = project / "runs"
    with pytest.raises((AutoMLInputError, DatasetError), match="No champion model yet"):
        run("predict", {"clearml.mode": "disabled", "predict.source_run": "champion"})

    promote(runs, "one")
    state = promote(runs, "two")
    assert state["current"]["run_id"] == "two" and state["previous"]["run_id"] == "one"
    run("predict", {"clearml.mode": "disabled", "predict.source_run": "champion"})
    state = rollback(runs)
    assert state["current"]["run_id"] == "one" and state["previous"]["run_id"] == "two"
    run("predict", {"clearml.mode": "disabled", "predict.source_run": "champion"})

    versions = []
    for d in sorted((runs / "predict").glob("*/*")):
        versions.append(set(pd.read_csv(d / "predictions.csv")["model_version"]))
    assert sorted(map(sorted, versions)) == [["one"], ["two"]]
    assert [h["action"] for h in champion_state(runs)["history"]] == ["promote", "promote", "rollback"]

    board = runs_leaderboard(runs)
    assert sorted(board["train_run_id"]) == ["one", "two"]
    assert {"accuracy", "n_test"} <= set(board.columns)

    cli = CliRunner()
    shown = cli.invoke(commands, ["champion", "show", "--project-path", str(project)])
    assert shown.exit_code == 0 and shown.output.startswith("current : one")
    listed = cli.invoke(commands, ["runs", "leaderboard", "--project-path", str(project)])
    assert listed.exit_code == 0 and "accuracy" in listed.output and listed.output.count("penguins") == 2
    refused = cli.invoke(commands, ["champion", "promote", "nope", "--project-path", str(project)])
    assert refused.exit_code != 0 and "No complete 'train' run with run_id 'nope'" in refused.output


def test_promote_refuses_unknown_runs_and_rollback_needs_a_previous(tmp_path):
    with pytest.raises(AutoMLInputError, match="No complete 'train' run"):
        promote(tmp_path, "nope")
    with pytest.raises(AutoMLInputError, match="no previous champion"):
        rollback(tmp_path)
    assert not (tmp_path / "champion.json").exists()
    assert json.dumps(champion_state(tmp_path)) == json.dumps({"current": None, "previous": None, "history": []})
