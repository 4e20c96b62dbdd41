"""How runs reach ClearML, through Kedro's config loader (pure: no clearml import).

The tracking configuration (mode, project, tags) is ``conf/<env>/clearml.yml``
(:func:`tracking_config`). The server: the standard ``CLEARML_*`` environment variables, then the
``clearml`` entry of Kedro's credentials (``conf/<env>/credentials.yml``), then the SDK's own
``~/clearml.conf`` (or ``$CLEARML_CONFIG_FILE``). Credentials are never logged.
"""
from __future__ import annotations

import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from automl_kedro.config.clearml import CONFIG_KEY, CONFIG_PATTERNS, MODE_ENV, ClearMLConfig, clearml_config
from automl_kedro.errors import AutoMLInputError

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


def _project_loader(project_path: Path | str, env: str | None):
    """Kedro's config loader over ``<project>/conf`` (``conf/base`` then ``conf/<env>``, default
    ``local``), or None when the project has no ``conf`` folder."""
    from kedro.config import OmegaConfigLoader

    conf = Path(project_path) / "conf"
    if not conf.is_dir():
        return None
    return OmegaConfigLoader(conf_source=str(conf), base_env="base", default_run_env="local", env=env,
                             config_patterns={CONFIG_KEY: list(CONFIG_PATTERNS)})


def tracking_config(config_loader: Any) -> ClearMLConfig:
    """``conf/<env>/clearml.yml`` as read by ``config_loader`` (a session's ``context.config_loader``),
    validated, with ``AUTOML_CLEARML_MODE`` over its mode; the defaults when there is no such file."""
    from kedro.config import MissingConfigException
    from omegaconf.errors import InterpolationResolutionError

    if config_loader is None:
        return clearml_config(None)
    if CONFIG_KEY not in config_loader.config_patterns:  # a project whose settings do not register it
        config_loader.config_patterns[CONFIG_KEY] = list(CONFIG_PATTERNS)
    try:
        raw = config_loader[CONFIG_KEY]
    except MissingConfigException:
        raw = {}
    except InterpolationResolutionError as exc:
        hint = (f" Kedro resolves ${{oc.env:...}} in credentials only: for the mode of one run set {MODE_ENV};"
                " server and keys go to conf/local/credentials.yml." if "oc.env" in str(exc) else "")
        raise AutoMLInputError(f"conf/<env>/clearml.yml: {str(exc).splitlines()[0]}.{hint}") from None
    return clearml_config(raw)


def project_tracking_config(project_path: Path | str = ".", env: str | None = None) -> ClearMLConfig:
    """The tracking configuration of the project at ``project_path`` in config environment ``env``."""
    return tracking_config(_project_loader(project_path, env))


def kedro_credentials(project_path: Path | str = ".", env: str | None = None) -> dict[str, Any]:
    """The ``clearml`` entry of Kedro's credentials: ``conf/base`` then ``conf/<env>`` (default
    ``local``) ``credentials*.yml``, read by Kedro's config loader (so ``${oc.env:VAR}`` works)."""
    from kedro.config import MissingConfigException

    loader = _project_loader(project_path, env)
    if loader is None:
        return {}
    try:
        credentials = loader["credentials"]
    except MissingConfigException:
        return {}
    value = (credentials or {}).get("clearml")
    return dict(value) if isinstance(value, dict) else {}


def server_settings(project_path: Path | str = ".", credentials: dict[str, Any] | None = None,
                    env: str | None = None) -> ServerSettings:
    """The server to talk to, or an unconfigured ServerSettings when there is none.

    Order: ``CLEARML_*`` variables; ``credentials`` given; the ``clearml`` entry of Kedro's
    credentials (``conf/<env>/credentials.yml``); the SDK's ``~/clearml.conf``.
    """
    env_vars = {key: os.environ.get(var) for key, var in _ENV.items()}
    if env_vars["api_server"]:
        return ServerSettings(**env_vars, source="environment")
    values = dict(credentials or {})
    source = "credentials"
    if not values:
        values = kedro_credentials(project_path, env)
        source = f"conf/{env or 'local'}/credentials.yml (clearml)"
    if values.get("api_server"):
        unknown = set(values) - set(_ENV)
        if unknown:
            raise AutoMLInputError(
                f"Unknown keys in {source}: {sorted(unknown)}. Known: {sorted(_ENV)} "
                f"(see conf/local/credentials.yml.template)."
            )
        return ServerSettings(**{k: values.get(k) for k in _ENV}, source=source)
    if _sdk_conf_file() is not None:
        return ServerSettings(source="clearml.conf")
    return ServerSettings()


def require_server(settings: ServerSettings, what: str, env: str | None = None) -> None:
    """One clear error when ``what`` needs a server and none is configured (``env``: the Kedro config
    environment whose credentials were read)."""
    if not settings.configured:
        raise AutoMLInputError(
            f"{what} needs a ClearML server, and none is configured. Set CLEARML_API_HOST, "
            f"CLEARML_WEB_HOST, CLEARML_FILES_HOST, CLEARML_API_ACCESS_KEY and CLEARML_API_SECRET_KEY, "
            f"or put a clearml: entry in conf/{env or 'local'}/credentials.yml "
            f"(see conf/local/credentials.yml.template)."
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


@contextmanager
def tracking_mode(mode: str | None) -> Iterator[None]:
    """The runs started inside are tracked in ClearML mode ``mode`` (``offline``, ``online``,
    ``disabled``; None: as ``conf/<env>/clearml.yml`` says), by setting ``AUTOML_CLEARML_MODE``
    for the duration (for runs started in this process: the Python API, tests)."""
    if mode is None:
        yield
        return
    previous = os.environ.get(MODE_ENV)
    os.environ[MODE_ENV] = mode
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(MODE_ENV, None)
        else:
            os.environ[MODE_ENV] = previous
