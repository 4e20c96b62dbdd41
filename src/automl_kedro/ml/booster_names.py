"""Column names LightGBM and XGBoost accept.

LightGBM refuses feature names with JSON's special characters (``"``, ``,``, ``:``, ``[``, ``]``, ``{``, ``}``)
and XGBoost names with ``[``, ``]`` or ``<``: a table with a column "price ($)" is fine, one with "dose [mg]"
or "rate, %" made both fail every trial. The boosters here see such names with those characters replaced
(the column's position keeps them apart); every other model, the figures and SHAP keep the table's names.
"""
from __future__ import annotations

import re

import pandas as pd

_REFUSED = re.compile(r'[\[\]<>",:{}]')


def booster_safe(X):
    """``X`` with the characters the boosters refuse replaced in its column names (a DataFrame), else ``X``."""
    if not isinstance(X, pd.DataFrame) or not any(_REFUSED.search(str(c)) for c in X.columns):
        return X
    return X.set_axis([f"{i}_{_REFUSED.sub('_', str(c))}" for i, c in enumerate(X.columns)], axis=1)


class BoosterSafeNames:
    """Mixin for a booster's scikit-learn class: ``fit`` and ``predict`` see :func:`booster_safe` names."""

    def fit(self, X, y, **fit_params):
        return super().fit(booster_safe(X), y, **fit_params)

    def predict(self, X, **kwargs):
        return super().predict(booster_safe(X), **kwargs)


class BoosterSafeNamesProba(BoosterSafeNames):
    """:class:`BoosterSafeNames` for a classifier (``predict_proba`` too)."""

    def predict_proba(self, X, **kwargs):
        return super().predict_proba(booster_safe(X), **kwargs)
