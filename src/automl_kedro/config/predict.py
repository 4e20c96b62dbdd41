"""The ``predict:`` section: which model, which rows, interval level, applicability settings."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from automl_kedro.config.base import Section


class PredictParams(Section):
    input_path: str | None = Field(None, description="new rows: CSV, Parquet, or JSON (an object or a list of records)")
    source_run: str = Field("latest", description="train run id to use, 'latest' or 'champion'")
    model_path: str | None = Field(None, description="a local model file (pickled pipeline) used instead of the "
                                                     "source run's model.ckpt; schema and calibration still come "
                                                     "from the source run")
    interval: float = Field(0.9, gt=0, lt=1, description="coverage of the conformal intervals / prediction sets")
    normalised_intervals: bool = Field(True, description="locally adaptive intervals (wider where the model erred "
                                                         "more on nearby training rows)")
    explain: bool = Field(True, description="per-row top contributions of the raw input columns in explanations.csv")
    explain_max_rows: int = Field(200, ge=1, description="rows explained (the first ones): each costs "
                                                        "columns x 50 predictions")
    explain_top: int = Field(5, ge=1, description="contributions listed per row")
    explain_method: Literal["auto", "shap", "occlusion"] = Field(
        "auto", description="auto: SHAP for tree models when the shap package is installed, else the model-agnostic "
                            "occlusion; shap / occlusion: that one (shap falls back to occlusion when it cannot serve)")
    domain_alpha: float = Field(0.01, ge=0, lt=1, description="a row farther from the training rows than all but "
                                                             "this share of training rows is out of domain")
    domain_range_margin: float = Field(0.1, ge=0, description="numeric values beyond the training range by more "
                                                              "than this share of the range are out of domain")
