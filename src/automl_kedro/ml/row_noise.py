"""How much of a paired CV score difference the sampling of the validation rows explains.

The noise-margin rule (:mod:`automl_kedro.ml.selection`) reads the spread of the per-fold differences.
With few folds that spread says little: at a short budget the search keeps 2 folds (one degree of
freedom; two folds that happen to agree give a standard error near zero, so a challenger that is
better by chance on both wins), and a big table gets one holdout fold (no spread at all).

The rows give a second estimate. Each fold's validation rows are dealt into ``n_chunks`` chunks
(class by class, so every chunk holds each class in its share); the paired difference of the metric
on chunk ``c`` of fold ``k``, ``d_kc``, varies around the fold's difference by about ``sqrt(n_chunks)``
times that difference's sampling error (batch means), so ``se_k = std_c(d_kc) / sqrt(n_chunks)`` and
the mean over ``K`` folds has ``se = sqrt(sum_k se_k^2) / K``. It works for any registered metric (the
metric is computed on each chunk as on a fold) and costs ``K * n_chunks`` metric calls per candidate.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np

from automl_kedro.ml.metrics import MetricSpec


class RowNoise:
    """Per-chunk scores of compared predictions (cached per prediction array); :meth:`paired_se` of two."""

    def __init__(self, metric: MetricSpec, y, splits: Sequence[tuple[np.ndarray, np.ndarray]], classes=None,
                 n_chunks: int = 10, min_chunk_rows: int = 20, seed: int = 0):
        self.metric, self.classes = metric, classes
        self.y = np.asarray(y)
        self._scores: dict[tuple[int, int], tuple[Any, Any, np.ndarray]] = {}
        self.chunks = [self._deal(np.asarray(va), k, n_chunks, min_chunk_rows, seed) for k, (_, va) in enumerate(splits)]

    def _deal(self, va: np.ndarray, fold: int, n_chunks: int, min_rows: int, seed: int) -> list[np.ndarray]:
        """The fold's validation rows dealt into chunks, class by class (regression: at random)."""
        m = min(n_chunks, len(va) // max(min_rows, 1))
        strata = np.zeros(len(va), dtype=int)
        if self.classes is not None:
            _, strata, counts = np.unique(self.y[va].astype(str), return_inverse=True, return_counts=True)
            m = min(m, int(counts.min()))  # every chunk holds each class (ROC AUC needs both)
        if m < 2:
            return []
        order = np.lexsort((np.random.default_rng([seed, fold]).random(len(va)), strata))
        chunk_of = np.empty(len(va), dtype=int)
        chunk_of[order] = np.arange(len(va)) % m
        return [va[chunk_of == c] for c in range(m)]

    def scores(self, pred, proba) -> np.ndarray:
        """The metric on every chunk (folds x chunks, NaN-padded), signed so that larger is better."""
        key = (id(pred), id(proba))  # the arrays are kept with their scores, so an id is not reused
        if key not in self._scores:
            width = max((len(c) for c in self.chunks), default=0)
            out = np.full((len(self.chunks), width), np.nan)
            pick = lambda v, rows: None if v is None else np.asarray(v)[rows]
            for k, chunks in enumerate(self.chunks):
                for c, rows in enumerate(chunks):
                    try:
                        out[k, c] = self.metric.func(self.y[rows], pick(pred, rows), pick(proba, rows), self.classes)
                    except ValueError:  # e.g. a chunk the metric cannot score
                        pass
            self._scores[key] = (pred, proba, self.metric.sign() * out)
        return self._scores[key][2]

    def paired_se(self, a: tuple[Any, Any], b: tuple[Any, Any]) -> float:
        """Standard error of the mean per-fold difference ``a - b`` from the rows' sampling; NaN if unknown.

        ``a`` and ``b`` are ``(out-of-fold predictions, out-of-fold probabilities or None)``.
        """
        d = self.scores(*a) - self.scores(*b)
        per_fold = []
        for row in d:
            row = row[np.isfinite(row)]
            if row.size >= 2:
                per_fold.append(float(row.var(ddof=1)) / row.size)
        if not per_fold:
            return float("nan")
        return math.sqrt(sum(per_fold)) / len(per_fold)


def row_se_between(noise: RowNoise | None, outputs: Callable[[str], tuple[Any, Any]]
                   ) -> Callable[[str, str], float] | None:
    """``(challenger id, incumbent id) -> se`` for :func:`automl_kedro.ml.selection.select` (None without ``noise``)."""
    if noise is None:
        return None
    return lambda a, b: noise.paired_se(outputs(a), outputs(b))
