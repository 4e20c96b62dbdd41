"""Where a ClearML server is configured (pure: no clearml import).

Order: the standard ``CLEARML_*`` environment variables, then the ``clearml`` entry of Kedro's
credentials (``conf/<env>/credentials.yml``, read by Kedro's config loader), then
``conf/local/clearml.yml`` (older layout), then the SDK's own ``~/clearml.conf`` (or
``$CLEARML_CONFIG_FILE``). Credentials are never logged.
"""
from __future__ import annotations

import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from automl_kedro.errors import AutoMLInputError

LOCAL_FILE = Path("conf") / "local" / "clearml.yml"
_ENV = {
    "api_server": "CLEARML_API_HOST",
    "web_server": "CLEARML_WEB_HOST",
    "files_server": "CLEARML_FILES_HOST",
    "access_key": "CLEARML_API_ACCESS_KEY",
    "secret_key": "CLEARML_API_SECRET_KEY",
}


@dataclass(frozen=True)
class ServerSettings:
    """A ClearML server and its keys; ``source`` says where they were found (for messages)."""

    api_server: str | None = None
    web_server: str | None = None
    files_server: str | None = None
    access_key: str | None = None
    secret_key: str | None = None
    source: str = "none"

    @property
    def configured(self) -> bool:
        return bool(self.api_server) or self.source == "clearml.conf"

    def __repr__(self) -> str:  # never print keys
        return f"ServerSettings(api_server={self.api_server!r}, source={self.source!r})"


def _sdk_conf_file() -> Path | None:
    for candidate in (os.environ.get("CLEARML_CONFIG_FILE"), "~/clearml.conf"):
        if candidate and Path(candidate).expanduser().is_file():
            return Path(candidate).expanduser()
    return None


def kedro_credentials(project_path: Path | str = ".", env: str | None = None) -> dict[str, Any]:
    """The ``clearml`` entry of Kedro's credentials: ``conf/base`` then ``conf/<env>`` (default
    ``local``) ``credentials*.yml``, read by Kedro's config loader (so ``${oc.env:VAR}`` works)."""
    from kedro.config import MissingConfigException, OmegaConfigLoader

    conf = Path(project_path) / "conf"
    if not conf.is_dir():
        return {}
    try:
        credentials = OmegaConfigLoader(conf_source=str(conf), base_env="base", default_run_env="local",
                                        env=env)["credentials"]
    except MissingConfigException:
        return {}
    value = (credentials or {}).get("clearml")
    return dict(value) if isinstance(value, dict) else {}


def server_settings(project_path: Path | str = ".", credentials: dict[str, Any] | None = None,
                    env: str | None = None) -> ServerSettings:
    """The server to talk to, or an unconfigured ServerSettings when there is none.

    Order: ``CLEARML_*`` variables; ``credentials`` given; the ``clearml`` entry of Kedro's
    credentials (``conf/<env>/credentials.yml``); ``conf/local/clearml.yml`` (older layout);
    the SDK's ``~/clearml.conf``.
    """
    env_vars = {key: os.environ.get(var) for key, var in _ENV.items()}
    if env_vars["api_server"]:
        return ServerSettings(**env_vars, source="environment")
    values = dict(credentials or {})
    source = "credentials"
    if not values:
        values = kedro_credentials(project_path, env)
        source = f"conf/{env or 'local'}/credentials.yml (clearml)"
    local = Path(project_path) / LOCAL_FILE
    if not values and local.is_file():
        try:
            loaded = yaml.safe_load(local.read_text()) or {}
        except yaml.YAMLError as exc:
            raise AutoMLInputError(f"{local} is not valid YAML ({exc}); see conf/local/clearml_credentials.template.yml.") from None
        values = loaded.get("clearml", loaded) if isinstance(loaded, dict) else {}
        source = str(LOCAL_FILE)
    if values.get("api_server"):
        unknown = set(values) - set(_ENV)
        if unknown:
            raise AutoMLInputError(
                f"Unknown keys in {source}: {sorted(unknown)}. Known: {sorted(_ENV)} "
                f"(see conf/local/clearml_credentials.template.yml)."
            )
        return ServerSettings(**{k: values.get(k) for k in _ENV}, source=source)
    if _sdk_conf_file() is not None:
        return ServerSettings(source="clearml.conf")
    return ServerSettings()


def require_server(settings: ServerSettings, what: str) -> None:
    """One clear error when ``what`` needs a server and none is configured."""
    if not settings.configured:
        raise AutoMLInputError(
            f"{what} needs a ClearML server, and none is configured. Set CLEARML_API_HOST, "
            f"CLEARML_WEB_HOST, CLEARML_FILES_HOST, CLEARML_API_ACCESS_KEY and CLEARML_API_SECRET_KEY, "
            f"or put a clearml: entry in conf/local/credentials.yml (see conf/local/clearml_credentials.template.yml; "
            f"the older conf/local/clearml.yml is read too)."
        )


def server_reachable(settings: ServerSettings, timeout_s: float = 3.0) -> bool:
    """True when the API server answers (any HTTP answer counts); False on network errors."""
    if not settings.api_server:
        return settings.source == "clearml.conf"  # let the SDK decide from its own file
    url = settings.api_server.rstrip("/") + "/debug.ping"
    try:
        urllib.request.urlopen(url, timeout=timeout_s).close()  # noqa: S310 - configured server
        return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError, ValueError):
        return False
