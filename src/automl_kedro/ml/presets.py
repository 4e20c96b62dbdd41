"""Simple preprocessing variants for tests, the benchmark and callers without a featurize phase.

``onehot``: median imputation + standard scaling of numbers, most-frequent imputation +
one-hot encoding of categories (unknown categories ignored). ``ordinal``: numbers median-imputed,, categories ordinal-encoded (unknown -> -1) - compact,
suited to tree models.
"""
from __future__ import annotations

import pandas as pd
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler


def _num():
    return make_column_selector(dtype_include="number")


def _cat():
    return make_column_selector(dtype_exclude="number")


def onehot_preprocessor() -> ColumnTransformer:
    return ColumnTransformer(
        [
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), _num()),
            ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                  OneHotEncoder(handle_unknown="ignore", sparse_output=False)), _cat()),
        ],
        verbose_feature_names_out=False,
    )


def ordinal_preprocessor() -> ColumnTransformer:
    return ColumnTransformer(
        [
            ("num", SimpleImputer(strategy="median"), _num()),
            ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                  OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)), _cat()),
        ],
        verbose_feature_names_out=False,
    )


def basic_preprocessors(variants=("onehot",)) -> dict:
    """Unfitted preprocessing variants by id."""
    makers = {"onehot": onehot_preprocessor, "ordinal": ordinal_preprocessor}
    return {v: makers[v]() for v in variants}


def as_frame(X) -> pd.DataFrame:
    """Feature matrix as a DataFrame with string column names."""
    df = pd.DataFrame(X).copy()
    df.columns = [str(c) for c in df.columns]
    return df
