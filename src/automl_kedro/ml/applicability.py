"""Applicability domain: is a new row like the rows the model learnt from?

Three checks per row, each giving a reason when it fails:

* a numeric feature outside the training range widened by ``range_margin`` of its span;
* a category never seen in training;
* the mean distance to the ``k`` nearest training rows, in the model's input columns standardised
  (numeric columns as z-scores, categories of up to 50 levels one-hot), compared with the training rows' own
  leave-one-out distances: ``domain_score`` is the share of training rows at least as far from
  their neighbours (1 = typical, 0 = farther than any training row), and a row whose score is
  below ``alpha`` is out of domain.

A row is ``in_domain`` when it passes all three.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors

NUMERIC = ("numeric",)
CATEGORICAL = ("categorical", "boolean")
MAX_FIT_ROWS = 20000
MAX_REFERENCE_ROWS = 5000  # training rows whose own neighbour distances form the reference distribution
MAX_ONEHOT = 50  # categoricals with more levels are checked for unseen values but left out of the distance
IN_DOMAIN_REASON = "ok"


def _finite(values: pd.Series) -> pd.Series:
    """Numbers as floats, infinity as missing: the ranges, centres and distances are over finite values."""
    v = pd.to_numeric(values, errors="coerce").astype(float)
    return v.where(np.isfinite(v))


@dataclass
class DomainModel:
    numeric: dict[str, tuple[float, float, float, float]]  # column -> (min, max, centre, scale)
    categories: dict[str, list[str]]
    train_scores: np.ndarray  # sorted leave-one-out mean kNN distances of the training rows
    k: int
    alpha: float
    range_margin: float
    _nn: NearestNeighbors = field(repr=False, default=None)
    _train_matrix: np.ndarray = field(repr=False, default=None)

    @classmethod
    def fit(cls, X: pd.DataFrame, column_types: dict[str, str], *, k: int = 5, alpha: float = 0.01,
            range_margin: float = 0.1, seed: int = 0) -> "DomainModel":
        if len(X) > MAX_FIT_ROWS:
            X = X.sample(MAX_FIT_ROWS, random_state=seed)
        numeric, categories = {}, {}
        for col in X.columns:
            kind = column_types.get(col)
            if kind in NUMERIC:
                v = _finite(X[col])
                if v.notna().any():
                    scale = float(v.std()) if v.notna().sum() > 1 and float(v.std()) > 0 else 1.0
                    numeric[col] = (float(v.min()), float(v.max()), float(v.median()), scale)
            elif kind in CATEGORICAL:
                categories[col] = sorted({_text(x) for x in X[col].dropna()})
        model = cls(numeric=numeric, categories=categories, train_scores=np.array([]), k=k, alpha=alpha,
                    range_margin=range_margin)
        matrix = model.encode(X)
        n_neighbors = min(k + 1, len(matrix))
        model._nn = NearestNeighbors(n_neighbors=n_neighbors).fit(matrix)
        model._train_matrix = matrix
        if len(matrix) > MAX_REFERENCE_ROWS:
            matrix = matrix[np.random.default_rng(seed).choice(len(matrix), MAX_REFERENCE_ROWS, replace=False)]
        dist, _ = model._nn.kneighbors(matrix)
        model.train_scores = np.sort(dist[:, 1:].mean(axis=1)) if n_neighbors > 1 else np.zeros(len(matrix))
        return model

    def encode(self, X: pd.DataFrame) -> np.ndarray:
        """Numeric z-scores (missing or infinite -> 0: the centre; :meth:`score` flags an infinite value as out
        of range) and one-hot categories scaled by 1/sqrt(2)."""
        parts = []
        for col, (_lo, _hi, centre, scale) in self.numeric.items():
            v = _finite(X[col]).to_numpy() if col in X else np.full(len(X), np.nan)
            parts.append(np.nan_to_num((v - centre) / scale, nan=0.0)[:, None])
        for col, cats in self.categories.items():
            if len(cats) > MAX_ONEHOT:
                continue
            if col in X:
                values = X[col].map(lambda x: "" if pd.isna(x) else _text(x)).to_numpy(dtype=object)
            else:
                values = np.full(len(X), "", dtype=object)
            onehot = (values[:, None] == np.array(cats, dtype=object)[None, :]).astype(float)
            parts.append(onehot / np.sqrt(2.0))
        return np.hstack(parts) if parts else np.zeros((len(X), 1))

    def neighbours(self, X: pd.DataFrame, *, exclude_self: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Distances and indexes (into the fitted rows) of the ``k`` nearest training rows."""
        matrix = self.encode(X)
        n = self._nn.n_neighbors
        dist, idx = self._nn.kneighbors(matrix, n_neighbors=n)
        if exclude_self:
            return dist[:, 1:], idx[:, 1:]
        return dist[:, : max(n - 1, 1)], idx[:, : max(n - 1, 1)]

    def score(self, X: pd.DataFrame) -> pd.DataFrame:
        """``in_domain``, ``domain_score`` and ``domain_reason`` for every row of ``X``."""
        X = X.reset_index(drop=True)
        reasons: list[list[str]] = [[] for _ in range(len(X))]
        for col, (lo, hi, _c, _s) in self.numeric.items():
            if col not in X:
                continue
            v = pd.to_numeric(X[col], errors="coerce").astype(float).to_numpy()
            pad = self.range_margin * (hi - lo)
            for i in np.flatnonzero((v < lo - pad) | (v > hi + pad)):
                side = "below" if v[i] < lo else "above"
                reasons[i].append(f"{col}={v[i]:g} {side} the training range [{lo:g}, {hi:g}]")
        for col, cats in self.categories.items():
            if col not in X:
                continue
            known = set(cats)
            for i, value in enumerate(X[col].tolist()):
                if not pd.isna(value) and _text(value) not in known:
                    reasons[i].append(f"{col}={_text(value)!r} never seen in training")
        dist, _ = self.neighbours(X)
        mean_dist = dist.mean(axis=1)
        n = len(self.train_scores)
        at_least = n - np.searchsorted(self.train_scores, mean_dist, side="left")
        score = (at_least + 1) / (n + 1)
        for i in np.flatnonzero(score < self.alpha):
            reasons[i].append(f"far from the training rows (nearest-neighbour distance {mean_dist[i]:.2f}, "
                              f"training rows' 99th percentile {self.distance_quantile(0.99):.2f})")
        return pd.DataFrame({
            "in_domain": [not r for r in reasons],
            "domain_score": np.round(score, 4),
            "domain_reason": ["; ".join(r) if r else IN_DOMAIN_REASON for r in reasons],
        })

    def distance_quantile(self, q: float) -> float:
        return float(np.quantile(self.train_scores, q)) if len(self.train_scores) else 0.0

    def bounds(self) -> dict[str, Any]:
        """The training ranges and categories (the default search space of inverse design)."""
        return {"numeric": {c: (lo, hi) for c, (lo, hi, _m, _s) in self.numeric.items()},
                "categories": dict(self.categories)}


def unseen_category_warnings(X: pd.DataFrame, domain: DomainModel) -> list[str]:
    """One warning per column holding categories never seen in training: values and row count."""
    out = []
    for col, cats in domain.categories.items():
        if col not in X:
            continue
        values = X[col].map(lambda x: None if pd.isna(x) else _text(x))
        unseen = values.notna() & ~values.isin(cats)
        if unseen.any():
            names = sorted(set(values[unseen]))
            out.append(f"Column {col!r} has values never seen in training: {', '.join(repr(v) for v in names[:10])} "
                       f"in {int(unseen.sum())} row(s); those rows are marked in_domain=false.")
    return out


def _text(value: Any) -> str:
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)
