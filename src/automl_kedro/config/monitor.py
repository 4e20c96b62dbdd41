"""The monitor section: which model watches a new batch, and when a move is an alert."""
from __future__ import annotations

from pydantic import Field

from automl_kedro.config.base import Section


class MonitorParams(Section):
    input_path: str | None = Field(None, description="CSV or Parquet of new rows (with the target column if labelled)")
    source_run: str = Field("champion", description="train run id, 'latest' or 'champion' (of the data's line)")
    psi_warning: float = Field(0.1, gt=0, description="a feature whose PSI reaches this has moved")
    psi_alert: float = Field(0.25, gt=0, description="a feature whose PSI reaches this has shifted (alert)")
    drift_pvalue: float = Field(0.01, gt=0, lt=1, description="a move counts only when its test p-value is below this")
    bins: int = Field(10, ge=2, description="quantile bins of numeric features for the PSI")
    max_metric_drop: float = Field(0.05, ge=0, description="alert when the batch score falls this far below the CV score")
    max_out_of_domain_share: float = Field(0.2, ge=0, le=1, description="alert when more rows than this are out of domain")
