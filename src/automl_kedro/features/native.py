"""Inputs for tree boosters: native categoricals, no scaling, no one-hot.

:class:`NativeTabular` turns the raw feature columns into a DataFrame that HistGradientBoosting
(``categorical_features="from_dtype"``), LightGBM and XGBoost (``enable_categorical``) take as is:

- numbers stay numbers (missing values stay NaN: the boosters route them themselves);
- categorical, boolean and text columns with at most ``max_native_levels`` distinct training values
  become pandas ``category`` columns whose categories are fixed at fit time (the ``max_categories``
  most frequent training values; rarer and unseen values become missing), so every fold and the
  final model see the same codes;
- columns with more levels (tail numbers, zip codes, destinations) become ordinal codes: a number per
  training value in sorted order, unseen values missing. A booster's native categorical split sorts
  the levels by their gradient statistics in every node, which overfits when the levels are many and
  each has few rows: on a 45k-row flights table a default HistGradientBoosting scored ROC AUC 0.735
  with the tail number (3.6k levels) and destination (102) as categories and 0.760 with them as codes;
- dates become year, month, day of week, day of year and the day number (days since 1970), which
  every model family can use.

Linear models, kNN, SVM and MLP get the imputing / one-hot / scaling variants of
:mod:`automl_kedro.features.variants` instead; which input a model needs is declared by its
``ModelSpec.input_kind``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from automl_kedro.data.types import parse_datetimes

DATE_PARTS = ("year", "month", "dayofweek", "dayofyear", "ordinal")
NATIVE_VARIANT_ID = "native"


def _date_parts(parsed: pd.Series) -> dict[str, np.ndarray]:
    dt = parsed.dt
    ordinal = (parsed - pd.Timestamp("1970-01-01")).dt.days
    return {"year": dt.year, "month": dt.month, "dayofweek": dt.dayofweek, "dayofyear": dt.dayofyear,
            "ordinal": ordinal}


def _kind_from_dtype(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "categorical"
    if pd.api.types.is_numeric_dtype(series):
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    return "categorical"


class NativeTabular(TransformerMixin, BaseEstimator):
    """Raw columns -> numeric / ``category`` / date-part columns for tree boosters (see module doc).

    ``column_types`` maps a column to the schema's type (numeric, categorical, boolean, datetime,
    text); columns typed id or constant are dropped; columns it does not name are typed by dtype.
    """

    input_kind = "native"

    def __init__(self, column_types: dict[str, str] | None = None, max_categories: int = 250,
                 max_native_levels: int = 32):
        self.column_types = column_types
        self.max_categories = max_categories
        self.max_native_levels = max_native_levels

    def fit(self, X: pd.DataFrame, y=None):
        if not isinstance(X, pd.DataFrame):
            raise TypeError("NativeTabular needs a pandas DataFrame of the raw feature columns")
        types = dict(self.column_types or {})
        self.feature_names_in_ = np.asarray([str(c) for c in X.columns], dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)
        self.kinds_: dict[str, str] = {}
        self.categories_: dict[str, list[str]] = {}
        for column in X.columns:
            kind = types.get(column) or _kind_from_dtype(X[column])
            if kind in ("id", "constant"):
                continue
            if kind in ("boolean", "text"):
                kind = "categorical"
            if kind == "numeric" and not pd.api.types.is_numeric_dtype(X[column]):
                kind = "categorical"
            self.kinds_[column] = kind
            if kind == "categorical":
                counts = X[column].dropna().astype(str).value_counts()
                if len(counts) > self.max_native_levels:  # many levels: ordinal codes (see module doc)
                    self.kinds_[column] = "ordinal"
                    self.categories_[column] = sorted(counts.index)
                    continue
                # most frequent first, ties by value: the same categories whatever the row order
                ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: self.max_categories]
                self.categories_[column] = sorted(v for v, _ in ordered)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        check_is_fitted(self, "kinds_")
        out: dict[str, object] = {}
        for column, kind in self.kinds_.items():
            values = X[column]
            if kind == "numeric":
                out[column] = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
            elif kind == "datetime":
                for part, arr in _date_parts(parse_datetimes(values)).items():
                    out[f"{column}_{part}"] = np.asarray(arr, dtype=float)
            else:
                text = values.astype(str).where(values.notna(), None)
                cat = pd.Categorical(text, categories=self.categories_[column])
                if kind == "ordinal":
                    codes = cat.codes.astype(float)
                    codes[codes < 0] = np.nan
                    out[column] = codes
                else:
                    out[column] = cat
        return pd.DataFrame(out, index=X.index)

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "kinds_")
        names = []
        for column, kind in self.kinds_.items():
            if kind == "datetime":
                names.extend(f"{column}_{part}" for part in DATE_PARTS)
            else:
                names.append(column)
        return np.asarray(names, dtype=object)


def input_kind(preprocessor) -> str:
    """``native`` for :class:`NativeTabular`, ``dense`` for the numeric-matrix variants."""
    return getattr(preprocessor, "input_kind", "dense")
