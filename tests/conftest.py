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


def run_pipeline(project: Path, pipeline: str = "train", params: dict[str, Any] | None = None,
                 tracking: str | None = None, env: str | None = None):
    """Run a pipeline through a real KedroSession; return the run context it used.

    ``tracking``: this run's ClearML mode (None: as the project's conf/<env>/clearml.yml says);
    ``env``: Kedro's config environment (``kedro run --env``)."""
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    from automl_kedro.run_context import current
    from automl_kedro.tracking.settings import tracking_mode

    bootstrap_project(project)
    cwd = os.getcwd()
    os.chdir(project)  # relative data paths in parameters resolve from the project
    try:
        with tracking_mode(tracking), \
                KedroSession.create(project_path=project, runtime_params=nested(params or {}), env=env) as session:
            session.run(pipeline_names=[pipeline])
        return current()
    finally:
        os.chdir(cwd)


@pytest.fixture
def run(project: Path):
    """``run(pipeline, params, tracking=None, env=None)`` on the temporary project; dotted keys as in --params."""

    def _run(pipeline: str = "train", params: dict[str, Any] | None = None, tracking: str | None = None,
             env: str | None = None):
        return run_pipeline(project, pipeline, params, tracking, env)

    return _run


FAST = {"train.time_budget_s": 5}  # parameters of a quick run; pass tracking="disabled" to skip ClearML too
