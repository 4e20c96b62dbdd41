"""Selection robust to cross-validation noise: a challenger must beat the incumbent beyond a margin.

Every candidate is scored on the same CV folds, so two candidates can be compared fold by fold.
For a challenger ``a`` and an incumbent ``b`` with per-fold scores ``a_k`` and ``b_k`` (signed so
that larger is better), the paired differences ``d_k = a_k - b_k`` have mean ``m`` and standard
error ``se = std(d, ddof=1) / sqrt(K)``. The challenger replaces the incumbent only when
``m > z * se`` (and ``m > 0``); ``z`` is ``train.selection_margin_se`` (1 by default, 0 = plain
best mean). Pairing removes the fold-to-fold difficulty both share, so the margin measures how
consistently the challenger is better, not how hard the folds are.

Few folds make ``se`` unreliable (2 folds that agree by chance give ``se`` near 0; one holdout fold
gives none), so where a challenger passes on the folds, ``se`` becomes the larger of the per-fold one
and ``row_se``, the sampling error of the same difference read from the validation rows
(:mod:`automl_kedro.ml.row_noise`).

The engine applies it three times, each time to the simpler option as the incumbent:

1. tuned parameters replace a model's default parameters;
2. the best single candidate replaces the default HistGradientBoosting baseline;
3. an ensemble replaces the chosen single candidate.

Among several challengers that beat the incumbent, the one with the best mean wins. Selection
reads CV scores only; the test split is never involved.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Callable, Mapping, Sequence

import numpy as np


@dataclass(frozen=True)
class Comparison:
    """How a challenger fared against the incumbent on the same folds."""

    challenger: str
    incumbent: str
    mean_diff: float  # mean paired difference, larger is better for the challenger
    std_err: float  # the standard error used: the larger of fold_se and row_se
    n_folds: int
    margin: float  # z * std_err: the advantage the challenger needed
    wins: bool
    fold_se: float | None = None  # from the spread of the per-fold differences
    row_se: float | None = None  # from the validation rows' sampling (None: not needed, the folds kept the incumbent)

    def as_dict(self) -> dict:
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in asdict(self).items()}


def compare(challenger: Sequence[float], incumbent: Sequence[float], *, greater_is_better: bool = True,
            z: float = 1.0, names: tuple[str, str] = ("challenger", "incumbent"),
            row_se: float | None = None) -> Comparison:
    """Paired comparison of two candidates' per-fold scores (same folds, same order).

    ``row_se``: the difference's standard error from the validation rows; the margin uses it where it is
    larger than the per-fold one.
    """
    a = np.asarray(challenger, dtype=float)
    b = np.asarray(incumbent, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"Per-fold scores differ in length ({a.size} vs {b.size}); compare candidates on the same folds.")
    sign = 1.0 if greater_is_better else -1.0
    d = sign * (a - b)
    d = d[np.isfinite(d)]
    k = int(d.size)
    if k == 0:
        return Comparison(names[0], names[1], float("nan"), float("nan"), 0, float("nan"), False)
    mean = float(d.mean())
    fold_se = float(d.std(ddof=1) / math.sqrt(k)) if k > 1 else 0.0
    row_se = None if row_se is None or not math.isfinite(row_se) else float(row_se)
    se = max(fold_se, row_se or 0.0)
    margin = max(z, 0.0) * se
    return Comparison(names[0], names[1], mean, se, k, margin, bool(mean > 0 and mean > margin), fold_se, row_se)


def compare_both(challenger: Sequence[float], incumbent: Sequence[float], *, greater_is_better: bool = True,
                 z: float = 1.0, names: tuple[str, str] = ("challenger", "incumbent"),
                 row_se: Callable[[str, str], float] | None = None) -> Comparison:
    """:func:`compare` on the folds, then, where the challenger passes there, again with ``row_se(*names)``."""
    c = compare(challenger, incumbent, greater_is_better=greater_is_better, z=z, names=names)
    if c.wins and row_se is not None:
        c = compare(challenger, incumbent, greater_is_better=greater_is_better, z=z, names=names,
                    row_se=row_se(*names))
    return c


def select(incumbent: str, fold_scores: Mapping[str, Sequence[float]], *, greater_is_better: bool = True,
           z: float = 1.0, row_se: Callable[[str, str], float] | None = None) -> tuple[str, list[Comparison]]:
    """The challenger with the best mean among those beating ``incumbent`` beyond the margin, else ``incumbent``.

    ``fold_scores`` maps every id (the incumbent's included) to its per-fold scores; ``row_se(challenger,
    incumbent)``, where given, is asked only for the challengers that pass on the folds.
    """
    base = fold_scores[incumbent]
    sign = 1.0 if greater_is_better else -1.0
    comparisons = [compare_both(s, base, greater_is_better=greater_is_better, z=z, names=(cid, incumbent),
                                row_se=row_se) for cid, s in fold_scores.items() if cid != incumbent]
    winners = [c for c in comparisons if c.wins]
    if not winners:
        return incumbent, comparisons
    best = max(winners, key=lambda c: (sign * float(np.nanmean(np.asarray(fold_scores[c.challenger], float))),
                                       c.mean_diff))
    return best.challenger, comparisons
