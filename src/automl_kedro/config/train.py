"""Sections of the model phases: train, evaluate."""
from __future__ import annotations

from typing import Any

from pydantic import Field

from automl_kedro.config.base import Section


class TrainParams(Section):
    time_budget_s: float | None = Field(20.0, gt=0)
    n_trials: int | None = Field(None, ge=1)
    models: list[str | dict[str, Any]] = Field(
        default_factory=lambda: ["hist_gradient_boosting", "random_forest", "linear"]
    )
    primary_metric: str = "auto"
    cv_folds: int = Field(5, ge=2)
    n_jobs: int = Field(2, ge=1)
    seed: int = 42
    storage: str | None = None


class EvaluateParams(Section):
    pass
