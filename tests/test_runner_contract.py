"""The runner contract: SequentialRunner (the default) only; any other stops before any work."""
import os

import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from kedro.runner import SequentialRunner, ThreadRunner

from automl_kedro.errors import AutoMLInputError
from automl_kedro.tracking.settings import tracking_mode

from conftest import FAST, nested


def _run(project, runner):
    bootstrap_project(project)
    cwd = os.getcwd()
    os.chdir(project)
    try:
        with tracking_mode("disabled"), KedroSession.create(project_path=project, runtime_params=nested(FAST)) as session:
            session.run(pipeline_names=["build_dataset"], runner=runner)
    finally:
        os.chdir(cwd)


def test_another_runner_stops_at_once_naming_the_supported_one(project):
    with pytest.raises(AutoMLInputError, match=r"SequentialRunner only .* got ThreadRunner"):
        _run(project, ThreadRunner())
    assert not (project / "runs").exists(), "nothing is written"


def test_the_sequential_runner_named_explicitly_runs(project):
    _run(project, SequentialRunner())
    metas = list((project / "runs" / "build_dataset").glob("*/*/meta.json"))
    assert len(metas) == 1 and '"status": "complete"' in metas[0].read_text()
