"""The files a user names by a parameter are catalog datasets: the raw table (``data.path``), the new
rows (``predict.input_path``) and a model file (``predict.model_path``). The path is still a parameter,
so conf/local/parameters.yml sets it as well as ``--params`` does."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from automl_kedro.errors import AutoMLInputError
from conftest import FAST


def _build_dir(project: Path) -> Path:
    found = sorted(p for p in (project / "runs" / "build_dataset").glob("*/*") if p.is_dir())
    assert len(found) == 1
    return found[0]


def test_the_phases_read_user_files_through_catalog_entries():
    from automl_kedro.pipeline_registry import register_pipelines

    pipelines = register_pipelines()
    assert "build_dataset.raw_table" in pipelines["build_dataset"].inputs()
    assert {"predict.new_rows", "predict.model_file"} <= pipelines["predict"].inputs()
    build_nodes = [n.name for n in pipelines["build_dataset"].nodes]
    assert build_nodes == ["build_dataset.edit_rows", "build_dataset.type_columns", "build_dataset.split_rows"]


def test_data_path_set_in_conf_local_is_the_table_read(project, run):
    source = pd.read_csv(project / "data" / "01_raw" / "penguins.csv")
    source.sample(120, random_state=0).to_csv(project / "data" / "first_rows.csv", index=False)
    (project / "conf" / "local" / "parameters.yml").write_text("data:\n  path: data/first_rows.csv\n")
    run("build_dataset", {**FAST, "run.id": "local-path"})
    info = json.loads((_build_dir(project) / "dataset" / "dataset_info.json").read_text())
    assert info["source"] == "data/first_rows.csv" and info["n_rows_raw"] == 120 and info["dataset_key"] == "first_rows"
    assert info["target"] == "species"  # the rest of the data section still comes from conf/base


def test_a_missing_file_in_conf_local_stops_naming_data_path(project, run):
    (project / "conf" / "local" / "parameters.yml").write_text("data:\n  path: data/nowhere.csv\n")
    with pytest.raises(AutoMLInputError, match=r"Data file not found: data/nowhere.csv\..*Set data.path"):
        run("build_dataset", {**FAST, "run.id": "no-file"})
    assert not (project / "runs" / "build_dataset").exists()
