"""The golden path through a real KedroSession on the bundled data: the artifact contract by values."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from kedro.io import DatasetError

from automl_kedro.errors import AutoMLInputError, ParameterError
from automl_kedro.run_context import META_KEYS, RUN_ID_PATTERN
from conftest import FAST

PHASES = ["build_dataset", "audit_dataset", "featurize", "train", "evaluate", "report"]


def run_dirs(project: Path, process: str) -> list[Path]:
    return sorted(p for p in (project / "runs" / process).glob("*/*") if p.is_dir())


def meta(path: Path) -> dict:
    return json.loads((path / "meta.json").read_text())


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_train_pipeline_writes_the_artifact_contract(project, run):
    ctx = run("train", FAST, tracking="disabled")
    assert RUN_ID_PATTERN.match(ctx.run_id)
    assert ctx.dataset_key == "penguins"
    dirs = {phase: run_dirs(project, phase) for phase in PHASES}
    for phase, found in dirs.items():
        assert len(found) == 1, phase
        d = found[0]
        assert d.name.endswith("_default") and len(d.name.split("_")[0]) == 6
        assert d.parent.name == ctx.started_at.strftime("%Y-%m-%d")
        m = meta(d)
        assert set(META_KEYS) <= set(m)
        assert m["run_id"] == ctx.run_id and m["process_name"] == phase
        assert m["status"] == "complete"
        assert m["task_name"] == f"{phase} [penguins] [{ctx.run_id}]"
        assert f"run:{ctx.run_id}" in m["tags"] and f"phase:{phase}" in m["tags"]
        assert m["dataset_hash"] and len(m["config_hash"]) == 16
        config = yaml.safe_load((d / "config.yaml").read_text())
        assert config["run"]["id"] == ctx.run_id and config["data"]["target"] == "species"
        assert (d / "logs" / f"{phase}.log").read_text().strip()

    build = dirs["build_dataset"][0]
    index = pd.read_csv(build / "dataset" / "dataset_index.csv")
    assert list(index.columns[:2]) == ["sample_id", "split"] and len(index) == 344
    split = json.loads((build / "dataset" / "split.json").read_text())
    assert not set(map(str, split["train"])) & set(map(str, split["test"]))
    assert len(split["test"]) == (index["split"] == "test").sum()

    train = dirs["train"][0]
    for name in ("model/model.ckpt", "model/preprocess.pkl", "metrics.json", "leaderboard.csv"):
        assert (train / name).is_file(), name
    leaderboard = pd.read_csv(train / "leaderboard.csv")
    assert leaderboard["model"].nunique() >= 3
    assert meta(train)["model_name"] in set(leaderboard["model"])

    evaluate = dirs["evaluate"][0]
    upstream = {u["process"]: u for u in meta(evaluate)["upstream_artifacts"]}
    assert upstream["train"]["run_id"] == ctx.run_id and Path(upstream["train"]["path"]) == train
    metrics = json.loads((evaluate / "metrics.json").read_text())
    assert {"accuracy", "auc", "n_train", "n_val", "n_test"} <= set(metrics)
    assert metrics["n_test"] == len(split["test"]) and 0.8 <= metrics["accuracy"] <= 1
    predictions = pd.read_csv(evaluate / "predictions.csv")
    assert {"sample_id", "y_pred", "y_true", "split", "model_name", "model_version", "dataset_hash", "run_id"} <= set(predictions.columns)
    assert {f"proba_{c}" for c in ("Adelie", "Chinstrap", "Gentoo")} <= set(predictions.columns)
    assert set(predictions["split"]) == {"test"} and len(predictions) == metrics["n_test"]
    assert set(predictions["sample_id"].astype(str)) == set(map(str, split["test"]))

    report = (dirs["report"][0] / "report.md").read_text()
    for section in ("## Decision Summary", "## Top-K", "## Alternatives", "## Missing artifacts"):
        assert section in report
    assert ctx.run_id in report


@pytest.mark.slow
def test_second_run_makes_new_directories_and_leaves_the_first_untouched(project, run):
    first = run("train", {**FAST, "run.id": "first-run"}, tracking="disabled")
    before = snapshot(project / "runs")
    second = run("train", {**FAST, "run.id": "second-run"}, tracking="disabled")
    assert first.run_id != second.run_id
    after = snapshot(project / "runs")
    assert all(after[name] == data for name, data in before.items())
    for phase in PHASES:
        found = run_dirs(project, phase)
        assert [meta(d)["run_id"] for d in found] == ["first-run", "second-run"] or \
            sorted(meta(d)["run_id"] for d in found) == ["first-run", "second-run"]


@pytest.mark.slow
def test_phase_alone_reads_the_latest_or_the_named_upstream_run(project, run):
    run("train", {**FAST, "run.id": "r1"}, tracking="disabled")
    run("train", {**FAST, "run.id": "r2"}, tracking="disabled")
    latest = run("evaluate", None, tracking="disabled")
    named = run("evaluate", {"upstream.train": "r1"}, tracking="disabled")
    by_run = {meta(d)["run_id"]: d for d in run_dirs(project, "evaluate")}
    ups = {u["process"]: u["run_id"] for u in meta(by_run[latest.run_id])["upstream_artifacts"]}
    assert ups == {"train": "r2", "build_dataset": "r2"}
    ups = {u["process"]: u["run_id"] for u in meta(by_run[named.run_id])["upstream_artifacts"]}
    assert ups == {"train": "r1", "build_dataset": "r1"}  # follows the chain train r1 used


@pytest.mark.slow
def test_predict_uses_a_trained_run_on_new_rows(project, run):
    run("train", {**FAST, "run.id": "trained"}, tracking="disabled")
    ctx = run("predict", {"predict.source_run": "trained"}, tracking="disabled")
    out = run_dirs(project, "predict")[0]
    predictions = pd.read_csv(out / "predictions.csv")
    new_rows = pd.read_csv(project / "data" / "01_raw" / "penguins_new.csv")
    assert len(predictions) == len(new_rows)
    assert set(predictions["y_pred"]) <= {"Adelie", "Chinstrap", "Gentoo"}
    probas = predictions[[c for c in predictions if c.startswith("proba_")]]
    assert probas.shape[1] == 3 and (probas.sum(axis=1).round(6) == 1).all()
    assert set(predictions["model_version"]) == {"trained"} and set(predictions["run_id"]) == {ctx.run_id}
    assert meta(out)["upstream_artifacts"][-1]["run_id"] == "trained"


def test_predict_without_a_trained_run_says_what_to_do(project, run):
    # Kedro wraps load errors in DatasetError; the message is ours.
    with pytest.raises((AutoMLInputError, DatasetError), match="No complete 'train' run"):
        run("predict", None, tracking="disabled")
    assert not (project / "runs" / "predict").exists()


def _bad(project: Path, name: str, content: str) -> str:
    path = project / "data" / name
    path.write_text(content)
    return str(path)


@pytest.mark.parametrize(
    "content, params, message",
    [
        (None, {"data.path": "data/does_not_exist.csv"}, "not found"),
        ("", {}, "empty"),
        ("a,b\n1,2\n3,4\n", {"data.target": "species"}, "not in"),
        ("x,species\n1,a\n2,a\n3,a\n", {}, "single value"),
    ],
    ids=["missing-file", "empty-file", "missing-target", "single-class"],
)
def test_bad_input_fails_before_writing_anything(project, run, content, params, message):
    run("build_dataset", {**FAST, "run.id": "good"}, tracking="disabled")
    before = snapshot(project / "runs")
    if content is not None:
        params = {"data.path": _bad(project, "bad.csv", content), **params}
    with pytest.raises(AutoMLInputError, match=message):
        run("train", {**FAST, **params}, tracking="disabled")
    assert snapshot(project / "runs") == before
    assert len(run_dirs(project, "build_dataset")) == 1


def test_parameter_typo_is_named_with_a_suggestion(project, run):
    with pytest.raises(ParameterError, match=r"'train.time_budget'.*Did you mean 'train.time_budget_s'"):
        run("train", {"train.time_budget": 3})
    assert not (project / "runs").exists()


def test_run_id_from_the_environment(project, run, monkeypatch):
    monkeypatch.setenv("AUTO_ML_RUN_ID", "from-env-1")
    ctx = run("build_dataset", FAST, tracking="disabled")
    assert ctx.run_id == "from-env-1"
    assert meta(run_dirs(project, "build_dataset")[0])["run_id"] == "from-env-1"


@pytest.mark.slow
def test_visualize_redraws_the_plots_of_a_finished_run(project, run):
    run("train", {**FAST, "run.id": "finished"}, tracking="disabled")
    ctx = run("visualize", {"upstream.train": "finished", "upstream.evaluate": "finished"}, tracking="disabled")
    out = run_dirs(project, "visualize")[0]
    index = json.loads((out / "plots" / "index.json").read_text())
    assert {"01_test/confusion_matrix", "02_leaderboard/tradeoff", "02_leaderboard/win_summary"} <= set(index)
    # the HTML opens offline: each page loads the one shared plotly.js of runs/ by a relative path
    assert [p.relative_to(project) for p in project.rglob("plotly.min.js")] == [Path("runs/_static/plotly.min.js")]
    page = (out / "plots" / "01_test__confusion_matrix.html").read_text()
    assert (out / "plots" / page.split('src="', 1)[1].split('"', 1)[0]).resolve() == (project / "runs/_static/plotly.min.js").resolve()
    ups = {u["process"]: u["run_id"] for u in meta(out)["upstream_artifacts"]}
    assert ups == {"evaluate": "finished", "train": "finished", "build_dataset": "finished"}
    assert meta(out)["run_id"] == ctx.run_id


@pytest.mark.slow
def test_any_reasonable_csv_regression(project, run):
    """`--params data.path=...,data.target=...` on another real table: sklearn's diabetes, regression."""
    from sklearn.datasets import load_diabetes

    frame = load_diabetes(as_frame=True).frame
    path = project / "data" / "diabetes.csv"
    frame.to_csv(path, index=False)
    ctx = run("train", {**FAST, "data.path": str(path), "data.target": "target"}, tracking="disabled")
    assert ctx.dataset_key == "diabetes"
    evaluate = run_dirs(project, "evaluate")[0]
    metrics = json.loads((evaluate / "metrics.json").read_text())
    assert {"r2", "mae", "rmse", "n_test"} <= set(metrics) and metrics["r2"] > 0.2
    predictions = pd.read_csv(evaluate / "predictions.csv")
    assert not [c for c in predictions if c.startswith("proba_")]
    schema = json.loads((run_dirs(project, "build_dataset")[0] / "dataset" / "schema.json").read_text())
    assert schema["problem_type"] == "regression"
    assert "regression" in (run_dirs(project, "report")[0] / "report.md").read_text()
