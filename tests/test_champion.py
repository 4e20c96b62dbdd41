"""Champion lines, the promotion test, rollback, the run index and housekeeping on real runs."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner
from kedro.io import DatasetError

from automl_kedro import runs_store
from automl_kedro.champion import champion_lines, promote, rollback
from automl_kedro.cli import commands
from automl_kedro.errors import AutoMLInputError
from automl_kedro.ml.promotion import Gates
from automl_kedro.run_index import apply_clean, plan_clean, run_index, runs_leaderboard
from conftest import FAST

# A deliberately weak classifier: a ridge classifier shrunk to almost constant scores.
WEAK = {"train.models": [{"name": "linear", "params": {"alpha": 1e6}}], "train.include_baseline": False,
        "train.ensembles": [], "train.n_trials": 1}


# Predict time depends on the machine's load: tests that are not about the latency gate open it.
NO_LATENCY = {"max_predict_ms_per_1000_rows": 1e12}


def _cli(project, *args):
    return CliRunner().invoke(commands, [*args, "--project-path", str(project)])


@pytest.mark.slow
def test_champion_lifecycle_on_real_runs(project, run):
    runs = project / "runs"
    run("train", {**FAST, "run.id": "weak"} | WEAK, tracking="disabled")
    run("train", {**FAST, "run.id": "strong"}, tracking="disabled")
    run("train", {**FAST, "run.id": "fewer", "data.feature_columns": ["bill_length_mm", "island"]}, tracking="disabled")
    run("train", {**FAST, "run.id": "mass", "data.target": "body_mass_g"}, tracking="disabled")

    with pytest.raises((AutoMLInputError, DatasetError), match="No champion model yet for data set 'penguins'"):
        run("predict", {"predict.source_run": "champion"}, tracking="disabled")

    # The first champion of a line needs no test; another target is another line.
    first = promote(runs, "weak")
    assert first["line"] == "penguins:species" and first["test"] is None
    assert promote(runs, "mass")["line"] == "penguins:body_mass_g"

    # A stronger challenger wins the test; the JSON holds the bootstrap result and every gate.
    won = promote(runs, "strong", gates=Gates(**NO_LATENCY))
    test = json.loads((runs / "champion" / "promotion_tests" / "strong_vs_weak.json").read_text())
    assert won["test_path"].name == "strong_vs_weak.json"
    assert test["verdict"] == "promoted" and test["passed"] and test["metric"] == "accuracy"
    assert test["improvement"] > 0.2 and test["ci_low"] > 0 and test["p_value"] < 0.01
    assert test["n_rows"] == 69 and test["eval_source"] == "test split of strong"
    assert set(test["gates"]) == {"min_improvement", "max_p_value", "max_predict_ms_per_1000_rows", "max_size_mb"}

    # From the CLI, on other labelled rows (--eval-data): refused, the test written with those rows.
    cli = _cli(project, "champion", "promote", "weak", "--eval-data", str(project / "data" / "01_raw" / "penguins.csv"),
               "--max-predict-ms-per-1000-rows", "1e12")
    assert cli.exit_code != 0 and "was not promoted over strong" in cli.output and "min_improvement" in cli.output
    on_file = json.loads((runs / "champion" / "promotion_tests" / "weak_vs_strong.json").read_text())
    assert on_file["eval_source"].endswith("penguins.csv") and on_file["n_rows"] == 344

    # The weaker one is refused, saying which gates and by how much; its test is written anyway.
    with pytest.raises(AutoMLInputError, match=r"min_improvement: -0\.\d+ vs limit 0 .*missed by 0\.\d+"):
        promote(runs, "weak", gates=Gates(**NO_LATENCY))
    refused = json.loads((runs / "champion" / "promotion_tests" / "weak_vs_strong.json").read_text())
    assert refused["verdict"] == "refused" and not refused["passed"] and refused["p_value"] > 0.5
    assert not refused["gates"]["max_p_value"]["passed"]

    # Latency and size gates, each alone (improvement and p-value gates opened).
    open_gates = {"min_improvement": -1.0, "max_p_value": 1.0}
    with pytest.raises(AutoMLInputError, match="max_predict_ms_per_1000_rows") as slow:
        promote(runs, "weak", gates=Gates(**open_gates, max_predict_ms_per_1000_rows=0.0))
    assert "max_size_mb" not in str(slow.value)
    with pytest.raises(AutoMLInputError, match=r"max_size_mb: .* vs limit 1e-06") as big:
        promote(runs, "weak", gates=Gates(**open_gates, **NO_LATENCY, max_size_mb=1e-6))
    assert "max_predict_ms" not in str(big.value)

    # Different features: refused as incompatible, before any test.
    with pytest.raises(AutoMLInputError, match=r"incompatible.*lacking \['bill_depth_mm'"):
        promote(runs, "fewer", gates=Gates(**NO_LATENCY))
    assert not (runs / "champion" / "promotion_tests" / "fewer_vs_strong.json").exists()

    # --force overrides a failed gate and is recorded.
    forced = promote(runs, "weak", force=True, note="testing force", gates=Gates(**NO_LATENCY))
    assert forced["state"]["current"]["forced"] is True and forced["test"]["verdict"] == "promoted"
    assert [e["action"] for e in forced["state"]["events"]] == ["promote", "promote", "promote"]

    # predict.source_run=champion follows the data's line.
    run("predict", {"predict.source_run": "champion"}, tracking="disabled")
    run("predict", {"predict.source_run": "champion", "data.target": "body_mass_g",
                    "predict.input_path": "data/01_raw/penguins.csv"}, tracking="disabled")
    versions = [set(pd.read_csv(d / "predictions.csv")["model_version"]) for _, d in
                [(m["created_at"], d) for d, m in runs_store.list_runs(runs, "predict")]]
    assert versions == [{"weak"}, {"mass"}]

    # Rollback walks back the history: weak (forced) -> strong -> weak (first), then no further.
    assert rollback(runs, "penguins:species")["state"]["current"]["run_id"] == "strong"
    assert rollback(runs, "penguins:species")["state"]["current"]["run_id"] == "weak"
    with pytest.raises(AutoMLInputError, match="no previous champion"):
        rollback(runs, "penguins:species")
    with pytest.raises(AutoMLInputError, match="Name the model line"):
        rollback(runs)
    lines = {line["line"]: line for line in champion_lines(runs)}
    assert lines["penguins:species"]["current"]["run_id"] == "weak" and lines["penguins:species"]["previous"] is None
    assert lines["penguins:body_mass_g"]["current"]["run_id"] == "mass"
    shown = _cli(project, "champion", "show")
    assert shown.exit_code == 0 and "penguins:body_mass_g (regression)" in shown.output

    # The run index and the leaderboard.
    index = run_index(runs).set_index("run_id")
    assert index.loc["weak", "champion"] == "champion" and index.loc["strong", "champion"] == "former champion"
    assert index.loc["fewer", "champion"] == "" and index.loc["mass", "target"] == "body_mass_g"
    assert index.loc["strong", "status"] == "complete" and index.loc["strong", "test_metric"] == "accuracy"
    board = runs_leaderboard(runs, "penguins", "species")
    assert list(board["run_id"])[0] == "strong" and list(board["run_id"])[-1] == "weak"
    assert "r2" not in board.columns and not board.isna().all().any()
    mass = runs_leaderboard(runs, target="body_mass_g")
    assert list(mass["run_id"]) == ["mass"] and "accuracy" not in mass.columns and "r2" in mass.columns
    listed = _cli(project, "runs", "list")
    assert listed.exit_code == 0 and "former champion" in listed.output

    # Clean keeps every champion (present and former) and what they read; removes scratch files.
    dry = _cli(project, "runs", "clean", "--keep", "0")
    assert dry.exit_code == 0 and "Nothing deleted" in dry.output
    plan = plan_clean(runs, keep=0)
    assert plan.protected_run_ids == ["mass", "strong", "weak"]
    apply_clean(plan)
    left = {m["run_id"] for p in runs_store.phases_on_disk(runs) for _, m in runs_store.list_runs(runs, p)}
    assert left == {"weak", "strong", "mass"}
    assert not list(runs.glob("train/*/*/optuna"))
    assert runs_store.resolve_champion(runs, "penguins", "species") == "weak"
    run("predict", {"predict.source_run": "champion"}, tracking="disabled")


def test_lookups_explain_what_is_missing(tmp_path):
    with pytest.raises(AutoMLInputError, match="No complete 'train' run"):
        promote(tmp_path, "nope")
    with pytest.raises(AutoMLInputError, match="no line has a champion yet"):
        rollback(tmp_path)
    with pytest.raises(AutoMLInputError, match="No champion model yet for data set 'x' and target 'y'"):
        runs_store.resolve_champion(tmp_path, "x", "y")
    assert runs_store.read_champions(tmp_path) == {"lines": {}}
    assert not (tmp_path / "champion").exists()


def test_resolve_champion_needs_the_target_when_a_data_set_has_several_lines(tmp_path):
    state = {"lines": {
        "d:a": {"dataset_key": "d", "target": "a", "current": {"run_id": "ra"}},
        "d:b": {"dataset_key": "d", "target": "b", "current": {"run_id": "rb"}},
    }}
    runs_store.write_champions(tmp_path, state)
    assert runs_store.resolve_champion(tmp_path, "d", "b") == "rb"
    with pytest.raises(AutoMLInputError, match=r"several lines \(d:a, d:b\).*data.target"):
        runs_store.resolve_champion(tmp_path, "d")
    runs_store.write_champions(tmp_path, {"lines": {"d:a": state["lines"]["d:a"]}})
    assert runs_store.resolve_champion(tmp_path, None) == "ra"  # no data set named: the only line
