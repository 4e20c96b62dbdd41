"""A trained model ready for new rows: point prediction, conformal interval or set, applicability.

Built from what a train run leaves (the fitted pipeline, the schema, the training rows of its
dataset and the recommended model's out-of-fold predictions), and used alike by the predict
pipeline, the ``automl-kedro predict`` command, evaluate (coverage) and inverse design.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from automl_kedro.ml.applicability import DomainModel
from automl_kedro.ml.conformal import (ClassificationConformal, RegressionConformal, apply_temperature,
                                      fit_temperature, proba_columns, set_label)

SIGMA_FLOOR = 0.1  # of the median absolute residual: keeps normalised intervals from collapsing


@dataclass
class Predictor:
    model: Any
    schema: dict[str, Any]
    domain: DomainModel
    level: float
    regression: RegressionConformal | None = None
    classification: ClassificationConformal | None = None
    temperature: float = 1.0  # probability calibration fitted on the OOF probabilities
    _train_residual: np.ndarray | None = None  # |OOF residual| of each fitted domain row (normalised intervals)
    _floor: float = 0.0

    @property
    def task(self) -> str:
        return self.schema["problem_type"]

    @property
    def features(self) -> list[str]:
        return list(self.schema["feature_columns"])

    @classmethod
    def build(cls, model, schema: dict[str, Any], train_rows: pd.DataFrame, oof: pd.DataFrame | None,
              level: float = 0.9, *, normalised: bool = True, alpha: float = 0.01,
              range_margin: float = 0.1) -> "Predictor":
        """``train_rows``: the training rows of the dataset (feature columns, ``sample_id``, the target)."""
        features = list(schema["feature_columns"])
        train_rows = train_rows.reset_index(drop=True)
        domain = DomainModel.fit(train_rows[features], schema.get("column_types", {}), alpha=alpha,
                                 range_margin=range_margin)
        self = cls(model=model, schema=schema, domain=domain, level=level)
        if oof is None or oof.empty:
            return self
        oof = oof.assign(sample_id=oof["sample_id"].astype(str))
        if self.task == "regression":
            residual = (oof["y_true"].astype(float) - oof["y_pred"].astype(float)).abs()
            by_id = dict(zip(oof["sample_id"], residual))
            row_residual = train_rows["sample_id"].astype(str).map(by_id).to_numpy(dtype=float)
            if normalised and np.isfinite(row_residual).sum() > 2 * domain.k and len(train_rows) <= 20000:
                self._train_residual = row_residual
                self._floor = SIGMA_FLOOR * float(np.nanmedian(row_residual)) or 1e-12
                rows = train_rows[train_rows["sample_id"].astype(str).isin(by_id)]
                sigma = self._sigma(rows[features], exclude_self=True)
                calib = rows["sample_id"].astype(str).map(by_id).to_numpy(dtype=float)
                self.regression = RegressionConformal.fit(calib, np.zeros_like(calib), level, sigma=sigma)
            else:
                self.regression = RegressionConformal.fit(oof["y_true"], oof["y_pred"], level)
        else:
            classes = [str(c) for c in schema.get("classes") or []]
            proba = proba_columns(oof, classes)
            if proba is not None:
                self.temperature = fit_temperature(oof["y_true"], proba, classes)
                calibrated = apply_temperature(proba, self.temperature)
                self.classification = ClassificationConformal.fit(oof["y_true"], calibrated, classes, level)
        return self

    def _sigma(self, X: pd.DataFrame, *, exclude_self: bool = False) -> np.ndarray:
        """Mean absolute OOF residual of the nearest training rows (a local difficulty)."""
        _dist, idx = self.domain.neighbours(X, exclude_self=exclude_self)
        local = np.nanmean(self._train_residual[idx], axis=1)
        return np.maximum(np.nan_to_num(local, nan=self._floor), self._floor)

    def predict(self, X: pd.DataFrame, *, domain: bool = True) -> pd.DataFrame:
        """One row per input row: ``y_pred``, ``y_lower``/``y_upper`` or ``proba_*``/``pred_set``, domain columns."""
        # one thread: OpenMP models (HistGradientBoosting) spin many threads for a few rows, and on a busy
        # machine that costs seconds per call (measured: 2.4 s -> milliseconds for 8 rows)
        with threadpool_limits(1):
            return self._predict(X, domain=domain)

    def _predict(self, X: pd.DataFrame, *, domain: bool) -> pd.DataFrame:
        X = X[self.features].reset_index(drop=True)
        out = pd.DataFrame({"y_pred": self.model.predict(X)})
        if self.task == "regression":
            out["y_pred"] = out["y_pred"].astype(float)
            if self.regression is not None:
                sigma = self._sigma(X) if self.regression.normalised else None
                lower, upper = self.regression.interval(out["y_pred"], sigma)
                out["y_lower"], out["y_upper"] = lower, upper
        elif hasattr(self.model, "predict_proba"):
            proba = apply_temperature(self.model.predict_proba(X), self.temperature)
            classes = [str(c) for c in self.model.classes_]
            for i, label in enumerate(classes):
                out[f"proba_{label}"] = proba[:, i]
            if self.classification is not None:
                ordered = proba_columns(out, self.classification.classes)
                if ordered is not None:
                    out["pred_set"] = [set_label(s) for s in self.classification.sets(ordered)]
        if domain:
            out = pd.concat([out, self.domain.score(X)], axis=1)
        return out

    def describe(self) -> dict[str, Any]:
        """What the intervals and domain rest on (for summaries)."""
        info: dict[str, Any] = {"interval_level": self.level, "domain_alpha": self.domain.alpha,
                                "domain_range_margin": self.domain.range_margin, "domain_k": self.domain.k}
        if self.regression is not None:
            info.update({"interval_method": "normalised split-conformal on out-of-fold residuals"
                         if self.regression.normalised else "split-conformal on out-of-fold residuals",
                         "conformal_quantile": self.regression.quantile,
                         "n_calibration": self.regression.n_calibration})
        if self.classification is not None:
            info.update({"set_method": "LAC prediction sets on out-of-fold probabilities",
                         "calibration_temperature": self.temperature,
                         "conformal_quantile": self.classification.quantile,
                         "n_calibration": self.classification.n_calibration})
        return info
