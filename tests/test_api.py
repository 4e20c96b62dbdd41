"""The notebook API on real runs, and the walkthrough notebook executed end to end."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from automl_kedro import api
from automl_kedro.errors import AutoMLInputError
from conftest import FAST

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_train_load_and_predict_through_the_api(project, monkeypatch):
    monkeypatch.chdir(project / "data")  # a relative path starts at the current folder, as in a notebook
    frame = pd.read_csv("01_raw/penguins.csv")
    run = api.train(frame, "species", **{k: v for k, v in FAST.items()}, split={"test_size": 0.25}, tracking="disabled")
    assert run.dirs.keys() == {"build_dataset", "audit_dataset", "featurize", "train", "evaluate", "report"}
    rec = run.recommendation
    assert run.leaderboard["candidate_id"].iloc[0] in set(run.leaderboard["candidate_id"])
    assert rec["candidate_id"] in set(run.leaderboard["candidate_id"])
    test = run.metrics["test"]
    assert test["candidate_id"] == rec["candidate_id"] and test["n_test"] == round(0.25 * len(frame))
    assert run.metrics["cv"]["primary_metric"] == rec["primary_metric"]
    assert run.report_path.parent == run.dirs["report"] and run.report_md.startswith("#")
    assert {"evaluate/01_test/confusion_matrix", "train/02_leaderboard/tradeoff"} <= set(run.plots)
    assert run.schema["target"] == "species"

    new_rows = pd.read_csv(project / "data/01_raw/penguins_new.csv")
    predictions = run.predict(new_rows)
    assert len(predictions) == len(new_rows) and (predictions["model_version"] == run.run_id).all()
    assert list(predictions["y_pred"]) == list(run.model.predict(new_rows))
    assert {"proba_Adelie", "proba_Chinstrap", "proba_Gentoo", "confidence"} <= set(predictions.columns)

    assert api.load_run("latest").run_id == run.run_id
    assert api.load_run(run.run_id).dirs == run.dirs
    with pytest.raises(AutoMLInputError, match="No champion"):
        api.load_run("champion")
    with pytest.raises(AutoMLInputError, match="no-such-run"):
        api.load_run("no-such-run")


def test_params_as_sections_or_dotted_keys():
    assert api._nest({"train.time_budget_s": 5, "train": {"n_jobs": 1}, "split": {"test_size": 0.3}}) == {
        "train": {"time_budget_s": 5, "n_jobs": 1}, "split": {"test_size": 0.3}}


def test_outside_a_project_says_so(tmp_path):
    with pytest.raises(AutoMLInputError, match="No Kedro project"):
        api.load_run("latest", project=tmp_path)


@pytest.mark.slow
def test_walkthrough_notebook_runs(project, monkeypatch):
    (project / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "walkthrough.ipynb", project / "notebooks" / "walkthrough.ipynb")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    notebook = nbformat.read(project / "notebooks" / "walkthrough.ipynb", as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(project / "notebooks")}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    texts = "\n".join(str(o.get("data", {}).get("text/plain", "")) + str(o.get("text", "")) for o in outputs)
    texts = re.sub(r"\x1b\[[0-9;]*m", "", texts)  # rich colours the reprs
    assert "Run('" in texts and "recommended" in texts
    assert "evaluate/01_test/confusion_matrix" in texts
    assert len(list((project / "runs" / "train").glob("*/*/model/model.ckpt"))) == 1
    assert len(list((project / "runs" / "predict").glob("*/*/predictions.csv"))) == 1


def test_a_relative_path_is_found_from_here_else_from_the_project(project, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert api._as_file("data/01_raw/penguins.csv", tmp_path, "x", project) == (project / "data/01_raw/penguins.csv").resolve()
    (tmp_path / "mine.csv").write_text("a,b\n1,2\n")
    assert api._as_file("mine.csv", tmp_path, "x", project) == (tmp_path / "mine.csv").resolve()
    frame = pd.DataFrame({"a": [1, 2]})
    assert pd.read_parquet(api._as_file(frame, tmp_path, "frame", project)).equals(frame)
