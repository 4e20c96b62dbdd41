"""Data drift: how far each feature of a new batch moved from the training rows.

Per feature, the population stability index (PSI: bins from the training rows' quantiles for
numbers, the categories for the rest, missing values as their own bin) measures *how much*
the distribution moved, and a test (two-sample Kolmogorov-Smirnov for numbers, chi-square for
categories) says whether that move is more than sampling noise. A feature is flagged only when
both agree: PSI at or above a threshold and p-value below ``pvalue``. Small batches thus do not
raise alarms from noise, and huge batches do not raise them for negligible moves. Pure.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

SEVERITIES = ("none", "warning", "alert")


@dataclass(frozen=True)
class DriftThresholds:
    """When a move counts (defaults: the ``monitor`` parameters)."""

    psi_warning: float  # the usual reading: < 0.1 stable, 0.1-0.25 moved, > 0.25 shifted
    psi_alert: float
    pvalue: float
    bins: int


def _psi(ref_share: np.ndarray, new_share: np.ndarray, eps: float = 1e-4) -> float:
    ref = np.clip(ref_share, eps, None)
    new = np.clip(new_share, eps, None)
    return float(np.sum((new - ref) * np.log(new / ref)))


def _shares(codes: np.ndarray, n_bins: int) -> np.ndarray:
    return np.bincount(codes, minlength=n_bins) / max(len(codes), 1)


def numeric_drift(reference: pd.Series, batch: pd.Series, bins: int) -> dict[str, float]:
    ref = pd.to_numeric(reference, errors="coerce")
    new = pd.to_numeric(batch, errors="coerce")
    ref_ok, new_ok = ref.dropna().to_numpy(float), new.dropna().to_numpy(float)
    edges = np.unique(np.quantile(ref_ok, np.linspace(0, 1, bins + 1)[1:-1])) if len(ref_ok) else np.array([])

    def codes(values: pd.Series) -> np.ndarray:
        inner = np.searchsorted(edges, values.to_numpy(float), side="right")
        return np.where(values.isna().to_numpy(), len(edges) + 1, inner)  # last bin: missing

    n_bins = len(edges) + 2
    psi = _psi(_shares(codes(ref), n_bins), _shares(codes(new), n_bins))
    if len(ref_ok) and len(new_ok):
        ks = stats.ks_2samp(ref_ok, new_ok)
        statistic, pvalue = float(ks.statistic), float(ks.pvalue)
    else:
        statistic, pvalue = float("nan"), float("nan")
    return {"psi": psi, "test": "ks", "test_statistic": statistic, "pvalue": pvalue,
            "reference_mean": float(np.mean(ref_ok)) if len(ref_ok) else float("nan"),
            "batch_mean": float(np.mean(new_ok)) if len(new_ok) else float("nan")}


def categorical_drift(reference: pd.Series, batch: pd.Series) -> dict[str, float]:
    ref = reference.astype("string").fillna("<missing>")
    new = batch.astype("string").fillna("<missing>")
    known = sorted(set(ref))
    new = new.where(new.isin(known), "<unseen>")
    categories = known + (["<unseen>"] if (new == "<unseen>").any() else [])
    ref_counts = ref.value_counts().reindex(categories, fill_value=0).to_numpy(float)
    new_counts = new.value_counts().reindex(categories, fill_value=0).to_numpy(float)
    psi = _psi(ref_counts / max(ref_counts.sum(), 1), new_counts / max(new_counts.sum(), 1))
    table = np.vstack([ref_counts, new_counts])
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] > 1:
        chi2, pvalue, _, _ = stats.chi2_contingency(table)
        statistic, pvalue = float(chi2), float(pvalue)
    else:
        statistic, pvalue = 0.0, 1.0
    return {"psi": psi, "test": "chi2", "test_statistic": statistic, "pvalue": pvalue,
            "reference_mean": float("nan"), "batch_mean": float("nan")}


def severity(psi: float, pvalue: float, thresholds: DriftThresholds) -> str:
    """'alert' / 'warning' when the move is both material (PSI) and beyond noise (p-value)."""
    if not np.isfinite(pvalue) or pvalue >= thresholds.pvalue:
        return "none"
    if psi >= thresholds.psi_alert:
        return "alert"
    if psi >= thresholds.psi_warning:
        return "warning"
    return "none"


def drift_table(reference: pd.DataFrame, batch: pd.DataFrame, column_types: dict[str, str],
                thresholds: DriftThresholds) -> pd.DataFrame:
    """One row per feature of ``column_types``: type, PSI, test, p-value, means, severity.

    A feature absent from the batch gets severity 'alert' and a note; datetime, text and id
    columns are not compared.
    """
    rows = []
    for feature, kind in column_types.items():
        if feature not in reference.columns:
            continue
        if feature not in batch.columns:
            rows.append({"feature": feature, "type": kind, "psi": float("nan"), "test": None,
                         "test_statistic": float("nan"), "pvalue": float("nan"), "reference_mean": float("nan"),
                         "batch_mean": float("nan"), "severity": "alert", "note": "missing from the batch"})
            continue
        if kind == "numeric":
            values = numeric_drift(reference[feature], batch[feature], thresholds.bins)
        elif kind in ("categorical", "boolean"):
            values = categorical_drift(reference[feature], batch[feature])
        else:  # datetime, text, id: no meaningful distribution to compare
            continue
        rows.append({"feature": feature, "type": kind, **values,
                     "severity": severity(values["psi"], values["pvalue"], thresholds), "note": ""})
    columns = ["feature", "type", "psi", "test", "test_statistic", "pvalue", "reference_mean", "batch_mean",
               "severity", "note"]
    return pd.DataFrame(rows, columns=columns)
