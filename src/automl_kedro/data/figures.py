"""Plotly figures of the audit, as a dict title -> Figure (titles are ClearML plot titles)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from automl_kedro.data.audit import _as_number, _sample


def target_distribution(dataset: pd.DataFrame, schema: dict[str, Any]) -> go.Figure:
    target = schema["target"]
    y = dataset[target]
    if schema["problem_type"] == "regression":
        fig = go.Figure()
        for split in ("train", "val", "test"):
            part = y[dataset["split"] == split]
            if len(part):
                fig.add_trace(go.Histogram(x=part.astype(float), name=split, opacity=0.6, nbinsx=40))
        fig.update_layout(barmode="overlay", xaxis_title=target, yaxis_title="rows")
    else:
        table = pd.crosstab(y.astype(str), dataset["split"])
        fig = go.Figure([go.Bar(x=table.index, y=table[s], name=s) for s in ("train", "val", "test") if s in table])
        fig.update_layout(barmode="stack", xaxis_title=target, yaxis_title="rows")
    fig.update_layout(title=f"Target distribution: {target}")
    return fig


def missing_rate_top(report: dict[str, Any], top_n: int) -> go.Figure:
    rates = pd.Series(report["missing_rate"], dtype=float).sort_values(ascending=False).head(top_n)
    fig = go.Figure(go.Bar(x=rates.values * 100, y=rates.index.astype(str), orientation="h"))
    fig.update_layout(title=f"Missing values: top {len(rates)} columns", xaxis_title="% of rows missing",
                      yaxis={"autorange": "reversed"})
    return fig


def numeric_distributions(sample: pd.DataFrame, schema: dict[str, Any], top_n: int) -> go.Figure:
    numeric = [c for c in schema["feature_columns"] if schema["column_types"].get(c) == "numeric"][: min(top_n, 16)]
    if not numeric:
        return go.Figure().update_layout(title="Numeric distributions (no numeric column)")
    cols = min(4, len(numeric))
    rows = math.ceil(len(numeric) / cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[str(c) for c in numeric])
    for i, column in enumerate(numeric):
        values = _as_number(sample[column]).dropna()
        fig.add_trace(go.Histogram(x=values, nbinsx=30, name=str(column), showlegend=False), row=i // cols + 1, col=i % cols + 1)
    fig.update_layout(title=f"Numeric distributions ({len(sample):,} rows shown)", height=260 * rows)
    return fig


def correlation_top(sample: pd.DataFrame, schema: dict[str, Any], top_n: int) -> go.Figure:
    target = schema["target"]
    numeric = [c for c in schema["feature_columns"] if schema["column_types"].get(c) in ("numeric", "boolean")
               and pd.api.types.is_numeric_dtype(sample[c])]
    frame = sample[numeric].astype(float)
    y = sample[target]
    if schema["problem_type"] == "regression":
        frame = frame.assign(**{f"{target} (target)": y.astype(float).to_numpy()})
    elif schema["problem_type"] == "binary":
        frame = frame.assign(**{f"{target} (target)": (y.astype(str) == sorted(y.astype(str).unique())[-1]).astype(float).to_numpy()})
    if frame.shape[1] < 2:
        return go.Figure().update_layout(title="Correlations (fewer than two numeric columns)")
    corr = frame.corr()
    target_col = next((c for c in corr.columns if c.endswith("(target)")), None)
    if target_col is not None:
        ranked = corr[target_col].drop(target_col).abs().sort_values(ascending=False)
        keep = [target_col] + list(ranked.index[: top_n - 1])
    else:
        keep = list(corr.abs().sum().sort_values(ascending=False).index[:top_n])
    corr = corr.loc[keep, keep]
    fig = go.Figure(go.Heatmap(z=np.round(corr.to_numpy(), 3), x=keep, y=keep, zmin=-1, zmax=1, colorscale="RdBu"))
    fig.update_layout(title=f"Correlations between the top {len(keep)} numeric columns", yaxis={"autorange": "reversed"})
    return fig


def audit_figures(dataset: pd.DataFrame, schema: dict[str, Any], report: dict[str, Any], *, top_n: int = 20,
                  sample_rows: int = 20_000, seed: int = 42) -> dict[str, go.Figure]:
    """The audit's figures; distributions and correlations use a seeded sample of ``sample_rows`` rows."""
    sample = _sample(dataset, sample_rows, seed)
    return {
        "01_target/target_distribution": target_distribution(dataset, schema),
        "02_quality/missing_rate_top": missing_rate_top(report, top_n),
        "03_features/numeric_distributions": numeric_distributions(sample, schema, top_n),
        "03_features/correlation_top": correlation_top(sample, schema, top_n),
    }
