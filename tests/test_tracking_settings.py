"""ClearML server keys through Kedro's config loader (conf/<env>/credentials.yml, CLEARML_* variables)."""
import shutil
from pathlib import Path

from automl_kedro.tracking.settings import server_settings

ROOT = Path(__file__).resolve().parents[1]


def _project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "conf" / "base", tmp_path / "conf" / "base")
    (tmp_path / "conf" / "local").mkdir()
    return tmp_path


def test_server_keys_from_credentials_yml_with_oc_env(tmp_path, monkeypatch):
    project = _project(tmp_path)
    for var in ("CLEARML_API_HOST", "CLEARML_API_ACCESS_KEY", "CLEARML_API_SECRET_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("MY_CLEARML_SECRET", "from-env-secret")
    (project / "conf" / "local" / "credentials.yml").write_text(
        "clearml:\n  api_server: http://clearml.local:8008\n  access_key: AK\n"
        "  secret_key: ${oc.env:MY_CLEARML_SECRET}\n")
    settings = server_settings(project)
    assert settings.configured and settings.api_server == "http://clearml.local:8008"
    assert settings.access_key == "AK" and settings.secret_key == "from-env-secret"
    assert "credentials.yml" in settings.source and "from-env-secret" not in repr(settings)


def test_the_config_environment_picks_its_own_credentials(tmp_path, monkeypatch):
    project = _project(tmp_path)
    monkeypatch.delenv("CLEARML_API_HOST", raising=False)
    (project / "conf" / "staging").mkdir()
    (project / "conf" / "staging" / "credentials.yml").write_text(
        "clearml:\n  api_server: http://staging:8008\n  access_key: S\n  secret_key: T\n")
    assert server_settings(project, env="staging").api_server == "http://staging:8008"
    assert server_settings(project).api_server != "http://staging:8008"


def test_the_shipped_template_is_never_read_as_credentials(tmp_path, monkeypatch):
    project = _project(tmp_path)
    monkeypatch.delenv("CLEARML_API_HOST", raising=False)
    monkeypatch.setenv("CLEARML_CONFIG_FILE", str(tmp_path / "none.conf"))
    monkeypatch.setenv("HOME", str(tmp_path))
    templates = list((ROOT / "conf" / "local").glob("*.yml.template"))
    assert {t.name for t in templates} == {"credentials.yml.template", "clearml.yml.template"}
    for template in templates:
        shutil.copy(template, project / "conf" / "local" / template.name)
    assert not server_settings(project).configured
