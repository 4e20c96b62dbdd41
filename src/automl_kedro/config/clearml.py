"""The clearml section: how runs reach ClearML."""
from __future__ import annotations

from typing import Literal

from automl_kedro.config.base import Section


class ClearMLParams(Section):
    mode: Literal["offline", "online", "disabled"] = "offline"
    project_root: str = "AutoML"
