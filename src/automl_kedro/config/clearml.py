"""The tracking configuration: ``conf/<env>/clearml.yml``, how runs reach ClearML.

Not a parameter: Kedro's config loader reads it under the key ``clearml`` (pattern registered in
``settings.py``), so ``kedro run --env <env>`` picks ``conf/<env>/clearml.yml`` over ``conf/base``
and nothing of it enters a run's parameters, ``config.yaml`` or ``config_hash`` (tracking does not
change what a run computes). ``AUTOML_CLEARML_MODE`` overrides ``mode`` for one run. Server keys
never live here: ``conf/<env>/credentials.yml`` (see ``tracking/settings.py``).
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator

from automl_kedro.config.base import Section
from automl_kedro.errors import AutoMLInputError

CONFIG_KEY = "clearml"  # the config loader's key for it
CONFIG_PATTERNS = ("clearml*", "clearml*/**", "**/clearml*")  # registered in settings.py
MODE_ENV = "AUTOML_CLEARML_MODE"  # one run's mode, over clearml.yml (e.g. AUTOML_CLEARML_MODE=disabled)
CONFIG_FILE = "conf/<env>/clearml.yml"
# Keys of the server layout that once lived in conf/local/clearml.yml: now in credentials.yml.
SERVER_KEYS = ("api_server", "web_server", "files_server", "access_key", "secret_key")


class ClearMLConfig(Section):
    mode: Literal["offline", "online", "disabled"] = Field(
        "offline", description="offline: real SDK, sessions kept in the run directory; online: a server; "
                               "disabled: clearml is not imported")
    project_root: str = Field("AutoML", min_length=1, description="tasks go to <project_root>/<user>/<dataset_key>")
    project: str | None = Field(None, description="a fixed project instead of <project_root>/<user>/<dataset_key>")
    tags: list[str] = Field(default_factory=list, description="extra tags on every task, e.g. team:forecasting")

    @field_validator("tags")
    @classmethod
    def _tags_are_words(cls, value: list[str]) -> list[str]:
        for tag in value:
            if not tag or not re.fullmatch(r"[^\s,]+", tag):
                raise ValueError(f"tag {tag!r} must be one word without spaces or commas (e.g. team:forecasting)")
        return value


def clearml_config(raw: Mapping[str, Any] | None, environ: Mapping[str, str] | None = None) -> ClearMLConfig:
    """The validated tracking configuration from the loaded ``clearml.yml`` (``None``: the defaults),
    with ``AUTOML_CLEARML_MODE`` over its ``mode``; one short AutoMLInputError when it is wrong."""
    values = dict(raw or {})
    server_keys = sorted(set(values) & set(SERVER_KEYS))
    if server_keys:
        raise AutoMLInputError(
            f"{CONFIG_FILE} holds tracking settings only (mode, project_root, project, tags); move "
            f"{', '.join(server_keys)} to the clearml: entry of conf/local/credentials.yml "
            "(see conf/local/credentials.yml.template).")
    override = (environ if environ is not None else os.environ).get(MODE_ENV)
    if override:
        values["mode"] = override.strip()
    try:
        return ClearMLConfig.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'clearml'}: {e['msg']}" for e in exc.errors())
        source = f" (mode from {MODE_ENV})" if override else ""
        raise AutoMLInputError(f"{CONFIG_FILE} is invalid{source}: {problems}.") from None
