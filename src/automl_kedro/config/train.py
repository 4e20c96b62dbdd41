"""Sections of the model phases: train, evaluate."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from automl_kedro.config.base import Section


class ModelEntry(Section):
    """One model family with optional fixed parameters (not searched)."""

    name: str
    enable: bool = True
    params: dict[str, Any] = Field(default_factory=dict)


# The promise on the user's wall clock: the whole train phase (search, ensembles, refit, figures,
# SHAP) ends within WALL_SHARE x time_budget_s + WALL_SLACK_S (issue 9).
WALL_SHARE, WALL_SLACK_S = 1.15, 5.0


class TrainParams(Section):
    time_budget_s: float | None = Field(20.0, gt=0, description="wall-clock budget of the whole train phase")
    n_trials: int | None = Field(None, ge=1, description="Optuna trials per candidate (the default trial counts)")
    models: list[str | ModelEntry] = Field(
        default_factory=lambda: ["hist_gradient_boosting", "lightgbm", "linear", "random_forest", "extra_trees",
                                 "k_neighbors", "mlp"],
        description="model registry names or {name, params, enable}; [] = the default set",
    )
    metrics: list[str] | None = Field(None, description="metrics to report; null = every metric of the task")
    primary_metric: str = "auto"
    cv_strategy: Literal["auto", "kfold", "stratified", "group", "time"] = "auto"
    cv_folds: int = Field(5, ge=2)
    n_jobs: int = Field(2, ge=1)
    seed: int = 42
    storage: str | None = Field(None, description="Optuna RDB URL; null = SQLite in the run directory")
    study_name: str = "automl"
    ensembles: list[Literal["voting", "stacking"]] = Field(default_factory=lambda: ["voting", "stacking"])
    ensemble_top_k: int = Field(5, ge=2, description="candidates the stacking ensemble combines")
    ensemble_pool_size: int = Field(
        16, ge=2, description="best distinct trials (all candidates) the greedy voting ensemble chooses from")
    final_model: Literal["auto", "refit", "bag"] = Field(
        "auto", description="refit the recommendation on all rows, or average its cross-validation fold models "
        "(bag: no refit time, so more search); auto: bag for k-fold CV, refit for holdout and time splits")
    search_max_rows: int = Field(
        100_000, ge=1000, description="with holdout, the search fits and scores on at most this many rows (a "
        "random sample); the final model is refit on all rows when the budget allows")
    holdout_above_rows: int = Field(
        50_000, ge=100, description="above this many training rows one holdout fold replaces k-fold CV")
    include_baseline: bool = Field(True, description="always add the default HistGradientBoosting")
    selection_margin_se: float = Field(
        1.0, ge=0, description="a challenger (tuned params, another model, an ensemble) replaces the simpler "
        "incumbent only when its mean paired per-fold CV advantage exceeds this many standard errors (the larger of "
        "the per-fold one and the validation rows' one); 0 = best mean")
    selection_row_noise: bool = Field(
        True, description="the margin's standard error is the larger of the per-fold one and the one read from the "
        "validation rows (false: the per-fold one alone, as before round 7)")
    plugins: list[str] = Field(default_factory=list, description="modules that register models / metrics")
    parallel_backend: Literal["auto", "threading", "loky"] = Field(
        "auto", description="how the folds of a trial run side by side: threading (threads sharing the "
        "preprocessed folds), loky (worker processes), auto: processes for the families whose fits hold the GIL "
        "(HistGradientBoosting, MLP: no faster in two threads than in turn), threads for the rest")
    figures: bool = True
    shap_rows: int = Field(1000, ge=0, description="training rows (a random sample) SHAP explains when the "
                                                   "recommended model is tree-based (pip extra 'explain'); 0 = off")

    @field_validator("models", mode="before")
    @classmethod
    def _coerce(cls, value):
        return value or []

    @model_validator(mode="after")
    def _known_names(self):
        """Model and metric names checked against the registries (after loading plugins)."""
        from automl_kedro.ml.metrics import METRICS
        from automl_kedro.ml.models import MODELS, load_plugins

        try:
            load_plugins(self.plugins)
            for entry in self.models:
                MODELS.canonical(entry if isinstance(entry, str) else entry.name)
            for name in [*(self.metrics or []), *([] if self.primary_metric == "auto" else [self.primary_metric])]:
                METRICS.canonical(name)
        except (KeyError, ImportError) as exc:  # pydantic reports ValueErrors only
            raise ValueError(str(exc).strip("'\"")) from None
        return self

    def model_names(self) -> list[str]:
        return [m if isinstance(m, str) else m.name for m in self.models if isinstance(m, str) or m.enable]

    def model_params(self) -> dict[str, dict[str, Any]]:
        return {m.name: m.params for m in self.models if not isinstance(m, str) and m.params}

    def wall_limit_s(self) -> float | None:
        """Seconds the whole train phase may take (None: no budget)."""
        return None if self.time_budget_s is None else wall_limit(self.time_budget_s)


def wall_limit(budget_s: float) -> float:
    """The train phase's wall-clock promise for a budget of ``budget_s`` seconds."""
    return WALL_SHARE * budget_s + WALL_SLACK_S


class EvaluateParams(Section):
    """No settings yet: evaluate scores the recommended model on the test split, with y_std for
    regression where the model gives a spread (forest trees, voting members)."""
