"""Sections owned by the run itself: run, report, upstream."""
from __future__ import annotations

from pydantic import Field

from automl_kedro.config.base import Section


class RunParams(Section):
    id: str | None = Field(None, description="run id; default YYYYMMDD-HHMMSS-<6hex> or $AUTO_ML_RUN_ID")
    experiment: str = Field("default", pattern=r"^[A-Za-z0-9_.\-]+$")
    user: str | None = None
    dataset_key: str | None = Field(None, description="default: the data file's name without extension")
    runs_dir: str = "runs"


class ReportParams(Section):
    top_k: int = Field(5, ge=1)
