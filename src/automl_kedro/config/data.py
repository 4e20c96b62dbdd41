"""Sections of the data phases: data, split, audit, featurize."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from automl_kedro.config.base import Section


class DataParams(Section):
    path: str | None = None
    target: str | None = None
    problem_type: Literal["auto", "regression", "binary", "multiclass"] = "auto"
    id_column: str | None = None
    personal_columns: list[str] = Field(default_factory=list)


class SplitParams(Section):
    method: Literal["auto", "random", "stratified", "group", "time"] = "auto"
    test_size: float = Field(0.2, gt=0, lt=1)
    val_size: float = Field(0.0, ge=0, lt=1)
    seed: int = 42
    group_column: str | None = None
    time_column: str | None = None


class AuditParams(Section):
    top_n: int = Field(20, ge=1)


class FeaturizeParams(Section):
    variants: list[dict[str, Any]] = Field(default_factory=lambda: [{"id": "standard"}])
