"""Small sklearn transformers the preprocessing variants need (all picklable, all name their outputs)."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import QuantileTransformer
from sklearn.utils.validation import check_is_fitted

from automl_kedro.data.types import parse_datetimes

MISSING = "<missing>"


def _frame(X, columns) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        return X
    return pd.DataFrame(np.asarray(X, dtype=object), columns=columns)


class _Named(TransformerMixin, BaseEstimator):
    """Remembers the input column names (``feature_names_in_``)."""

    def _remember(self, X) -> pd.DataFrame:
        if isinstance(X, pd.DataFrame):
            self.feature_names_in_ = np.asarray([str(c) for c in X.columns], dtype=object)
        else:
            self.feature_names_in_ = np.asarray([f"x{i}" for i in range(np.asarray(X).shape[1])], dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)
        return _frame(X, self.feature_names_in_)

    def _input_names(self, input_features=None):
        check_is_fitted(self, "feature_names_in_")
        return list(self.feature_names_in_ if input_features is None else input_features)


class InfAsMissing(_Named):
    """Numbers as floats with plus or minus infinity made missing, so that the imputer fills them: an exported
    ratio that divided by zero reads as ``inf``, which scikit-learn's imputers, scalers and models refuse."""

    def fit(self, X, y=None):
        self._remember(X)
        return self

    def transform(self, X):
        values = _frame(X, self.feature_names_in_).to_numpy(dtype=float, na_value=np.nan, copy=True)
        values[np.isinf(values)] = np.nan
        return values

    def get_feature_names_out(self, input_features=None):
        return np.asarray(self._input_names(input_features), dtype=object)


class AsString(_Named):
    """Category values as text (``object`` array), missing values kept as NaN.

    Mixed types (``1`` and ``"1"``, pandas' string dtype) otherwise break imputers and encoders.
    """

    def fit(self, X, y=None):
        self._remember(X)
        return self

    def transform(self, X):
        frame = _frame(X, self.feature_names_in_)
        out = np.empty(frame.shape, dtype=object)
        for j, column in enumerate(frame.columns):
            values = frame[column]
            mask = values.isna().to_numpy()
            text = values.astype(str).to_numpy(dtype=object)
            text[mask] = np.nan
            out[:, j] = text
        return out

    def get_feature_names_out(self, input_features=None):
        return np.asarray(self._input_names(input_features), dtype=object)


class FrequencyEncoder(_Named):
    """Each category replaced by its share of the training rows (unseen categories -> 0).

    One number per column whatever the number of categories: suited to high cardinality.
    """

    def fit(self, X, y=None):
        frame = self._remember(X)
        self.frequencies_ = {}
        for column in frame.columns:
            values = frame[column].astype(object).where(frame[column].notna(), MISSING).astype(str)
            self.frequencies_[str(column)] = values.value_counts(normalize=True).to_dict()
        return self

    def transform(self, X):
        check_is_fitted(self, "frequencies_")
        frame = _frame(X, self.feature_names_in_)
        out = np.zeros(frame.shape, dtype=float)
        for j, column in enumerate(frame.columns):
            values = frame[column].astype(object).where(frame[column].notna(), MISSING).astype(str)
            out[:, j] = values.map(self.frequencies_[str(self.feature_names_in_[j])]).fillna(0.0).to_numpy(dtype=float)
        return out

    def get_feature_names_out(self, input_features=None):
        return np.asarray([f"{c}_freq" for c in self._input_names(input_features)], dtype=object)


class DatetimeParts(_Named):
    """Dates -> year, month, day, day of week (and hour when the training dates carry a time)."""

    def fit(self, X, y=None):
        frame = self._remember(X)
        self.parts_ = {}
        for column in frame.columns:
            parsed = parse_datetimes(frame[column])  # predict rows skip the typing step
            parts = ["year", "month", "day", "dayofweek"]
            if parsed.notna().any() and (parsed.dt.hour.fillna(0) != 0).any():
                parts.append("hour")
            self.parts_[str(column)] = parts
        return self

    def transform(self, X):
        check_is_fitted(self, "parts_")
        frame = _frame(X, self.feature_names_in_)
        blocks = []
        for j, column in enumerate(frame.columns):
            parsed = parse_datetimes(frame[column])  # predict rows skip the typing step
            for part in self.parts_[str(self.feature_names_in_[j])]:
                attribute = "day_of_week" if part == "dayofweek" else part
                blocks.append(getattr(parsed.dt, attribute).astype(float).to_numpy())
        return np.column_stack(blocks) if blocks else np.empty((len(frame), 0))

    def get_feature_names_out(self, input_features=None):
        names = self._input_names(input_features)
        return np.asarray(
            [f"{c}_{part}" for c, key in zip(names, self.feature_names_in_) for part in self.parts_[str(key)]], dtype=object
        )


class TextLength(_Named):
    """Free text -> number of characters and of words (0 when missing)."""

    def fit(self, X, y=None):
        self._remember(X)
        return self

    def transform(self, X):
        frame = _frame(X, self.feature_names_in_)
        blocks = []
        for column in frame.columns:
            text = frame[column].astype(object).where(frame[column].notna(), "").astype(str)
            blocks.append(text.str.len().to_numpy(dtype=float))
            blocks.append(text.str.split().str.len().fillna(0).to_numpy(dtype=float))
        return np.column_stack(blocks) if blocks else np.empty((len(frame), 0))

    def get_feature_names_out(self, input_features=None):
        return np.asarray(
            [f"{c}_{part}" for c in self._input_names(input_features) for part in ("n_chars", "n_words")], dtype=object
        )


class SmallSampleQuantileTransformer(QuantileTransformer):
    """QuantileTransformer that quietly uses fewer quantiles than rows on small data (no warning)."""

    def fit(self, X, y=None):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="n_quantiles .* is greater than the total number of samples")
            return super().fit(X, y)
