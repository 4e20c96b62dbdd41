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
        # the same bins and a share per split, so a small test split compares with train
        values = y.astype(float)
        lo, hi = float(values.min()), float(values.max())
        bins = {"start": lo, "end": hi + (hi - lo) * 1e-9, "size": (hi - lo) / 30 or 1.0}
        fig = go.Figure()
        for split in ("train", "val", "test"):
            part = values[dataset["split"] == split]
            if len(part):
                fig.add_trace(go.Histogram(x=part, name=f"{split} ({len(part):,} rows)", opacity=0.6, xbins=bins,
                                           histnorm="percent"))
        fig.update_layout(barmode="overlay", xaxis_title=target, yaxis={"title": "share of the split's rows",
                                                                        "ticksuffix": "%"})
    else:
        table = pd.crosstab(y.astype(str), dataset["split"])
        fig = go.Figure([go.Bar(x=table.index, y=table[s], name=s) for s in ("train", "val", "test") if s in table])
        fig.update_layout(barmode="stack", xaxis_title=target, yaxis_title="rows")
    fig.update_layout(title=f"Target distribution: {target}")
    return fig


def missing_rate_top(report: dict[str, Any], top_n: int) -> go.Figure:
    """Share of missing values of the worst columns; columns without a gap are left out."""
    rates = pd.Series(report["missing_rate"], dtype=float)
    rates = rates[rates > 0].sort_values(ascending=False).head(top_n)
    if rates.empty:
        return go.Figure().update_layout(title="Missing values: none in any column")
    fig = go.Figure(go.Bar(x=rates.values * 100, y=rates.index.astype(str), orientation="h",
                           text=[f"{v:.1%}" for v in rates.values], textposition="auto"))
    fig.update_layout(title=f"Missing values: the {len(rates)} column(s) with gaps, worst first",
                      xaxis={"title": "rows missing", "ticksuffix": "%", "rangemode": "tozero"},
                      yaxis={"autorange": "reversed"}, height=260 + 24 * len(rates))
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
        row, col = i // cols + 1, i % cols + 1
        integers = len(values) > 0 and bool(np.all(np.mod(values, 1) == 0))
        span = float(values.max() - values.min()) if len(values) else 0.0
        if integers and span <= 30:
            # whole numbers with few values (years, counts): one bar per value, whole-number ticks
            fig.add_trace(go.Histogram(x=values, xbins={"size": 1, "start": values.min() - 0.5}, name=str(column),
                                       showlegend=False), row=row, col=col)
            fig.update_xaxes(tickformat="d", dtick=max(1, int(np.ceil(span / 6))), row=row, col=col)
        else:
            fig.add_trace(go.Histogram(x=values, nbinsx=30, name=str(column), showlegend=False), row=row, col=col)
            fig.update_xaxes(tickformat="~s" if span >= 10_000 else "~g", row=row, col=col)
        fig.update_yaxes(title_text="rows" if col == 1 else None, row=row, col=col)
    fig.update_layout(title=f"Numeric distributions ({len(sample):,} rows shown)", height=260 * rows, bargap=0.05)
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
    fig = go.Figure(go.Heatmap(z=np.round(corr.to_numpy(), 3), x=keep, y=keep, zmin=-1, zmax=1, colorscale="RdBu",
                               texttemplate="%{z:.2f}", colorbar={"title": "Pearson r"}))
    fig.update_layout(title=f"Correlations (Pearson) between the top {len(keep)} numeric columns"
                            + (", target first" if target_col is not None else ""),
                      yaxis={"autorange": "reversed"})
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
