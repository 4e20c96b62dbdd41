"""Tracking configured the Kedro way: conf/<env>/clearml.yml read through Kedro's config loader (so
`--env` picks it), AUTOML_CLEARML_MODE for one run, and never a parameter (so never in config_hash)."""
import json
import shutil
from pathlib import Path

import pytest
import yaml

from automl_kedro.config.clearml import MODE_ENV, ClearMLConfig, clearml_config
from automl_kedro.errors import AutoMLInputError, ParameterError
from automl_kedro.tracking.sessions import read_session, run_sessions
from automl_kedro.tracking.settings import project_tracking_config
from conftest import ROOT


def _clearml_yml(project: Path, env: str, text: str) -> None:
    folder = project / "conf" / env
    folder.mkdir(exist_ok=True)
    (folder / "clearml.yml").write_text(text)


def _new_run_dir(project: Path, before: set[Path]) -> Path:
    (new,) = set((project / "runs" / "build_dataset").glob("*/*")) - before
    return new


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_clearml_yml_per_environment_and_the_same_config_hash_tracked_or_not(project, run, monkeypatch):
    monkeypatch.delenv(MODE_ENV, raising=False)
    _clearml_yml(project, "staging", "project: Team/fixed\ntags: [team:x]\n")  # single keys over conf/base
    _clearml_yml(project, "notrack", "mode: disabled\n")
    dirs: dict[str, Path] = {}
    for name, env, tracking in [("base", None, None), ("staging", "staging", None),
                                ("notrack", "notrack", None), ("once", None, "disabled")]:
        before = set((project / "runs" / "build_dataset").glob("*/*"))
        run("build_dataset", {"run.id": "20260101-000000-aaaaaa"}, tracking=tracking, env=env)
        dirs[name] = _new_run_dir(project, before)

    # offline (conf/base/clearml.yml): a session is written, in the default project
    sessions = {path.parent.parent: read_session(path) for _, path in run_sessions(project / "runs",
                                                                                   "20260101-000000-aaaaaa")}
    assert set(sessions) == {dirs["base"], dirs["staging"]}
    user = json.loads((dirs["base"] / "meta.json").read_text())["user"]
    assert sessions[dirs["base"]].project == f"AutoML/{user}/penguins"
    assert "team:x" not in sessions[dirs["base"]].tags
    # --env staging: its clearml.yml sets project and tags, the mode stays offline from conf/base
    assert sessions[dirs["staging"]].project == "Team/fixed" and "team:x" in sessions[dirs["staging"]].tags
    assert sessions[dirs["staging"]].sections()["ClearML"]["project"] == "Team/fixed"
    # disabled in conf/notrack, or for one run by AUTOML_CLEARML_MODE: nothing of ClearML
    assert not (dirs["notrack"] / "clearml").exists() and not (dirs["once"] / "clearml").exists()

    metas = {name: json.loads((d / "meta.json").read_text()) for name, d in dirs.items()}
    assert all(m["status"] == "complete" for m in metas.values())
    assert len({m["config_hash"] for m in metas.values()}) == 1, "tracking never changes config_hash"
    for d in dirs.values():
        assert "clearml" not in yaml.safe_load((d / "config.yaml").read_text())


@pytest.mark.parametrize("where", ["--params", "conf/local/parameters_local.yml"])
def test_clearml_in_the_parameters_stops_at_once_saying_where_it_goes(project, run, where):
    params = {}
    if where == "--params":
        params = {"clearml.mode": "disabled"}
    else:
        (project / "conf" / "local" / "parameters_local.yml").write_text("clearml:\n  mode: disabled\n")
    with pytest.raises(ParameterError) as caught:
        run("build_dataset", params)
    assert str(caught.value) == (
        "'clearml' is tracking configuration, not a parameter: move it from conf/<env>/parameters*.yml or "
        "--params to conf/<env>/clearml.yml (for one run: AUTOML_CLEARML_MODE=disabled|offline|online).")
    assert not (project / "runs").exists(), "nothing is written"


def test_the_environment_variable_sets_the_mode_of_one_run():
    assert clearml_config({"mode": "offline", "tags": ["a:b"]}, {MODE_ENV: "disabled"}) == \
        ClearMLConfig(mode="disabled", tags=["a:b"])
    assert clearml_config({"mode": "online"}, {}).mode == "online"
    assert clearml_config(None, {}) == ClearMLConfig()
    with pytest.raises(AutoMLInputError, match=r"invalid \(mode from AUTOML_CLEARML_MODE\): mode: Input should be "
                                               r"'offline', 'online' or 'disabled'"):
        clearml_config({}, {MODE_ENV: "of"})


def test_server_keys_in_clearml_yml_are_sent_to_credentials_without_showing_them():
    with pytest.raises(AutoMLInputError) as caught:
        clearml_config({"api_server": "http://h:8008", "secret_key": "s3cr3t-value", "mode": "online"}, {})
    assert "move api_server, secret_key to the clearml: entry of conf/local/credentials.yml" in str(caught.value)
    assert "s3cr3t-value" not in str(caught.value)


def _bare_project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "conf" / "base", tmp_path / "conf" / "base")
    (tmp_path / "conf" / "local").mkdir()
    return tmp_path


def test_conf_local_overrides_base_and_the_templates_are_never_read(tmp_path, monkeypatch):
    monkeypatch.delenv(MODE_ENV, raising=False)
    project = _bare_project(tmp_path)
    assert project_tracking_config(project) == ClearMLConfig()  # conf/base/clearml.yml: the defaults
    for template in (ROOT / "conf" / "local").glob("*.yml.template"):  # clearml.yml.template says online
        shutil.copy(template, project / "conf" / "local" / template.name)
    assert project_tracking_config(project).mode == "offline"
    (project / "conf" / "local" / "clearml.yml").write_text("mode: disabled\n")
    assert project_tracking_config(project) == ClearMLConfig(mode="disabled")
    assert project_tracking_config(project, env="base").mode == "offline"


def test_a_wrong_clearml_yml_says_what_is_wrong(tmp_path, monkeypatch):
    monkeypatch.delenv(MODE_ENV, raising=False)
    project = _bare_project(tmp_path)
    (project / "conf" / "local" / "clearml.yml").write_text("mdoe: disabled\n")
    with pytest.raises(AutoMLInputError, match=r"conf/<env>/clearml.yml is invalid: mdoe: Extra inputs"):
        project_tracking_config(project)
    (project / "conf" / "local" / "clearml.yml").write_text("mode: ${oc.env:MY_MODE, disabled}\n")
    with pytest.raises(AutoMLInputError, match=r"oc.env:...\} in credentials only: for the mode of one run set "
                                               r"AUTOML_CLEARML_MODE"):
        project_tracking_config(project)
