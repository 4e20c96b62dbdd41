"""The ``optimize:`` section: inverse design through the trained model."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from automl_kedro.config.base import Section


class OptimizeParams(Section):
    space: dict[str, Any] | str | None = Field(
        None, description="column -> {low, high} | {choices: [...]} | {fixed: v} (a mapping or its JSON text); "
                          "columns left out range over their training values")
    direction: Literal["maximize", "minimize"] = Field("maximize", description="for a regression target")
    target: float | str | None = Field(None, description="a value to approach (regression) or the class whose "
                                                         "probability to maximise (classification)")
    n_trials: int = Field(200, ge=1, le=100000)
    sampler: Literal["tpe", "cmaes", "random", "grid"] = "tpe"
    stay_in_domain: bool = Field(True, description="out-of-domain trials score as the worst training row")
    min_domain_score: float = Field(0.05, ge=0, lt=1, description="a trial counts as in domain only with at least "
                                                                  "this domain_score (a margin inside the edge)")
    seed: int = 42
    top_k: int = Field(10, ge=1)
