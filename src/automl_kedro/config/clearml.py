"""The clearml section: how runs reach ClearML (server keys never live here: conf/local/credentials.yml).

Not part of a run's config_hash: tracking does not change what a run computes.."""
from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from automl_kedro.config.base import Section


class ClearMLParams(Section):
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
