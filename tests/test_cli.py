"""The project CLI: clear errors without a server, listing offline sessions."""
import json

import pytest
from click.testing import CliRunner

from automl_kedro.cli import commands
from automl_kedro.tracking.settings import server_settings


@pytest.fixture(autouse=True)
def no_server(monkeypatch, tmp_path):
    for var in ["CLEARML_API_HOST", "CLEARML_WEB_HOST", "CLEARML_FILES_HOST", "CLEARML_API_ACCESS_KEY",
                "CLEARML_API_SECRET_KEY", "CLEARML_CONFIG_FILE"]:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def test_upload_without_a_server_says_what_to_set(tmp_path):
    result = CliRunner().invoke(commands, ["clearml", "upload", "20260101-000000-abcdef", "--project-path", str(tmp_path)])
    assert result.exit_code != 0
    assert "needs a ClearML server" in result.output and "conf/local/credentials.yml" in result.output


def test_clone_offline_fails_at_once_saying_a_server_is_needed(tmp_path):
    result = CliRunner().invoke(commands, ["clearml", "clone", "--task-id", "abc", "--queue", "default",
                                           "--set", "train.models[0].params.alpha=0.1", "--project-path", str(tmp_path)])
    assert result.exit_code != 0 and "Cloning a task needs a ClearML server" in result.output
    result = CliRunner().invoke(commands, ["clearml", "clone", "--task-id", "abc", "--queue", "q", "--set", "a..b=1"])
    assert result.exit_code != 0 and "Cannot read override path" in result.output


def test_upload_and_clone_read_the_server_of_the_env_they_are_given(tmp_path):
    (tmp_path / "conf" / "base").mkdir(parents=True)
    (tmp_path / "conf" / "staging").mkdir()
    (tmp_path / "conf" / "staging" / "credentials.yml").write_text(
        "clearml:\n  api_server: http://localhost:8008\n  access_key: AK\n  secret_key: SK\n")
    upload = ["clearml", "upload", "20260101-000000-abcdef", "--project-path", str(tmp_path),
              "--runs-dir", str(tmp_path / "runs")]
    # conf/local has no server: the message names it
    result = CliRunner().invoke(commands, upload)
    assert result.exit_code != 0 and "needs a ClearML server" in result.output
    assert "conf/local/credentials.yml" in result.output
    # --env staging finds the server and goes on to the sessions (there are none: one short message)
    result = CliRunner().invoke(commands, upload + ["--env", "staging"])
    assert result.exit_code != 0 and "needs a ClearML server" not in result.output
    assert "No offline ClearML sessions for run '20260101-000000-abcdef'" in result.output
    # clone names the credentials of the env it was given when they hold no server
    result = CliRunner().invoke(commands, ["clearml", "clone", "--task-id", "abc", "--queue", "q",
                                           "--project-path", str(tmp_path), "-e", "prod"])
    assert result.exit_code != 0 and "conf/prod/credentials.yml" in result.output


def test_server_settings_from_conf_local_and_environment(tmp_path, monkeypatch):
    assert not server_settings(tmp_path).configured
    (tmp_path / "conf" / "base").mkdir(parents=True)
    (tmp_path / "conf" / "local").mkdir()
    (tmp_path / "conf" / "local" / "credentials.yml").write_text(
        "clearml:\n  api_server: http://localhost:8008\n  access_key: AK\n  secret_key: SK\n")
    settings = server_settings(tmp_path)
    assert settings.configured and settings.api_server == "http://localhost:8008" and settings.access_key == "AK"
    assert "SK" not in repr(settings)
    monkeypatch.setenv("CLEARML_API_HOST", "http://env:8008")
    assert server_settings(tmp_path).source == "environment"


def test_sessions_lists_a_run(tmp_path):
    run_dir = tmp_path / "runs" / "train" / "2026-01-01" / "000000_default"
    (run_dir / "clearml").mkdir(parents=True)
    (run_dir / "meta.json").write_text(json.dumps({"run_id": "r1"}))
    (run_dir / "clearml" / "sessions.json").write_text(json.dumps({"tasks": [
        {"id": "offline-1", "name": "train [p] [r1]", "kind": "phase", "status": "complete", "zip": "offline-1.zip",
         "parent": None}]}))
    result = CliRunner().invoke(commands, ["clearml", "sessions", "r1", "--project-path", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "train [p] [r1]" in result.output
    result = CliRunner().invoke(commands, ["clearml", "sessions", "nope", "--project-path", str(tmp_path)])
    assert result.exit_code != 0 and "No offline ClearML sessions" in result.output
