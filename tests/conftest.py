"""Shared fixtures: a throw-away copy of the project and a real KedroSession runner."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "true")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's conf/ and bundled data in a temporary directory."""
    target = tmp_path / "project"
    target.mkdir()
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    shutil.copytree(ROOT / "conf" / "base", target / "conf" / "base")
    (target / "conf" / "local").mkdir()
    (target / "src").mkdir()  # the package itself is installed; Kedro only checks the folder
    shutil.copytree(ROOT / "data" / "01_raw", target / "data" / "01_raw")
    return target


def nested(params: dict[str, Any]) -> dict[str, Any]:
    """``{"a.b": 1}`` -> ``{"a": {"b": 1}}``, as `kedro run --params` does."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        *parents, leaf = key.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def run_pipeline(project: Path, pipeline: str = "train", params: dict[str, Any] | None = None):
    """Run a pipeline through a real KedroSession; return the run context it used."""
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    from automl_kedro.run_context import current

    bootstrap_project(project)
    cwd = os.getcwd()
    os.chdir(project)  # relative data paths in parameters resolve from the project
    try:
        with KedroSession.create(project_path=project, runtime_params=nested(params or {})) as session:
            session.run(pipeline_names=[pipeline])
        return current()
    finally:
        os.chdir(cwd)


@pytest.fixture
def run(project: Path):
    """``run(pipeline, **params)`` on the temporary project; dotted keys as in --params."""

    def _run(pipeline: str = "train", params: dict[str, Any] | None = None):
        return run_pipeline(project, pipeline, params)

    return _run


FAST = {"train.time_budget_s": 5, "clearml.mode": "disabled"}
