"""XGBoost's scikit-learn classes with the column names it accepts (:mod:`automl_kedro.ml.booster_names`);
imported only where xgboost is installed."""
from __future__ import annotations

import xgboost as xgb

from automl_kedro.ml.booster_names import BoosterSafeNames, BoosterSafeNamesProba


class NamedXGBRegressor(BoosterSafeNames, xgb.XGBRegressor):
    """``xgboost.XGBRegressor`` on any column names."""


class NamedXGBClassifier(BoosterSafeNamesProba, xgb.XGBClassifier):
    """``xgboost.XGBClassifier`` on any column names."""
