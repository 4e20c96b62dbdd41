"""LightGBM that stops adding trees when a held-out tenth of a big training set stops improving.

What HistGradientBoosting's ``early_stopping="auto"`` does, for LightGBM: above
``early_stopping_above_rows`` training rows a stratified tenth is held out, boosting stops after
``stopping_rounds`` rounds without a better validation loss, and the trees after the best round are
dropped (so predictions, SHAP values and the saved model agree). Below that size every row trains, as
before: a small validation split is too noisy to stop on. A trial with many slow-learning trees then costs
only the rounds it needs, which leaves more of the budget to the search on big tables.
"""
from __future__ import annotations

import warnings

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from automl_kedro.ml.booster_names import booster_safe


class _EarlyStopping:
    # booster_names.BoosterSafeNames is not mixed in here: LGBMModel.get_params looks for get_params in the class's
    # first or second base only, so a class with two bases of ours before LGBMRegressor fails to clone; the two
    # overrides below (and predict_proba on the classifier) do the mixin's work.
    early_stopping_above_rows = 10_000
    validation_fraction = 0.1
    stopping_rounds = 20

    def fit(self, X, y, **fit_params):
        X, y = booster_safe(X), np.asarray(y)  # column names LightGBM accepts (ml.booster_names)
        if len(y) <= self.early_stopping_above_rows or {"eval_set", "eval_X"} & set(fit_params):
            return super().fit(X, y, **fit_params)
        stratify = None
        if isinstance(self, lgb.LGBMClassifier):
            _, counts = np.unique(y, return_counts=True)
            stratify = y if counts.min() >= 2 else None
        tr, va = train_test_split(np.arange(len(y)), test_size=self.validation_fraction, stratify=stratify,
                                  random_state=self.random_state if self.random_state is not None else 0)
        rows = (lambda idx: X.iloc[idx]) if isinstance(X, pd.DataFrame) else (lambda idx: X[idx])
        stop = lgb.early_stopping(self.stopping_rounds, first_metric_only=True, verbose=False)
        with warnings.catch_warnings():  # lightgbm 4.6 deprecates eval_set, but its classifier encodes only
            warnings.simplefilter("ignore")  # eval_set's labels (string classes fail with eval_X / eval_y)
            super().fit(rows(tr), y[tr], eval_set=[(rows(va), y[va])], callbacks=[stop], **fit_params)
        best = self.best_iteration_
        if best and best < self._Booster.current_iteration():  # keep only the trees up to the best round
            self._Booster = lgb.Booster(model_str=self._Booster.model_to_string(num_iteration=best))
        return self

    def predict(self, X, **kwargs):
        return super().predict(booster_safe(X), **kwargs)


class EarlyStoppingLGBMRegressor(_EarlyStopping, lgb.LGBMRegressor):
    """``lightgbm.LGBMRegressor`` with early stopping on big training sets (module docstring)."""


class EarlyStoppingLGBMClassifier(_EarlyStopping, lgb.LGBMClassifier):
    """``lightgbm.LGBMClassifier`` with early stopping on big training sets (module docstring)."""

    def predict_proba(self, X, **kwargs):
        return super().predict_proba(booster_safe(X), **kwargs)
