"""`--params` dotted overrides and conf/local/parameters*.yml set single keys (real KedroSession)."""
import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

from conftest import nested


def _params(project, overrides: dict) -> dict:
    bootstrap_project(project)
    with KedroSession.create(project_path=project, runtime_params=nested(overrides)) as session:
        return session.load_context().params


@pytest.fixture
def local_report(project):
    (project / "conf" / "local" / "parameters_local.yml").write_text("report:\n  top_k: 3\n")
    return project


def test_a_dotted_override_sets_one_key_of_data_with_a_local_file(local_report):
    params = _params(local_report, {"data.target": "body_mass_g"})
    assert params["data"]["target"] == "body_mass_g"
    assert params["data"]["path"] == "data/01_raw/penguins.csv", "the rest of data comes from conf/base"
    assert params["data"]["max_classes"] == 20
    assert params["report"]["top_k"] == 3


def test_predict_source_run_keeps_the_input_path_with_a_local_file(local_report):
    params = _params(local_report, {"predict.source_run": "latest"})
    assert params["predict"]["input_path"] == "data/01_raw/penguins_new.csv"
    assert params["predict"]["source_run"] == "latest"


def test_a_local_file_sets_single_keys_of_a_base_section(project):
    (project / "conf" / "local" / "parameters_data.yml").write_text("data:\n  target: island\n")
    params = _params(project, {"split.seed": 7})
    assert params["data"]["target"] == "island" and params["data"]["path"] == "data/01_raw/penguins.csv"
    assert params["split"]["seed"] == 7 and params["split"]["test_size"] == 0.2
