"""audit_dataset: is the data usable? (v0: shape, missing values, target balance)."""
from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.express as px


def audit_dataset(dataset: pd.DataFrame, schema: dict[str, Any], params_audit: dict[str, Any]):
    target = schema["target"]
    features = schema["feature_columns"]
    missing = dataset[features].isna().mean().sort_values(ascending=False)
    report = {
        "n_rows": int(len(dataset)),
        "n_columns": len(features) + 1,
        "missing_rate": {c: float(v) for c, v in missing.items()},
        "target_distribution": {str(k): int(v) for k, v in dataset[target].value_counts().items()},
        "findings": [],
    }
    md = [f"# Data audit: {target}", "", f"{len(dataset)} rows, {len(features)} feature columns."]
    plots = {
        "01_target/target_distribution": px.histogram(dataset, x=target, title="Target distribution"),
        "02_quality/missing_rate_top": px.bar(x=missing.index[: params_audit["top_n"]], y=missing.values[: params_audit["top_n"]], title="Missing rate"),
    }
    return report, "\n".join(md) + "\n", plots
