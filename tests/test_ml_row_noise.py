"""The margin's second noise estimate: the sampling error of a paired CV difference read from the validation rows."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from automl_kedro.ml.metrics import get_metric
from automl_kedro.ml.row_noise import RowNoise
from automl_kedro.ml.selection import compare_both, select


def _two_folds(n: int, seed: int = 0):
    idx = np.random.default_rng(seed).permutation(n)
    return [(idx[n // 2:], idx[: n // 2]), (idx[: n // 2], idx[n // 2:])]


def _imbalanced_binary(n=2000, rate=0.08, seed=0):
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < rate, "yes", "no")
    signal = (y == "yes") * 1.0
    a = signal + rng.normal(0, 1.2, n)  # two models that see the signal through different noise
    b = signal + rng.normal(0, 1.2, n)
    proba = lambda s: np.column_stack([1 - 1 / (1 + np.exp(-s)), 1 / (1 + np.exp(-s))])
    return y, proba(a), proba(b)


def _fold_mean_auc(y, p, splits, rows=None):
    return np.mean([roc_auc_score(y[va] == "yes", p[va, 1]) for _, va in splits])


def test_the_row_se_of_an_auc_difference_matches_a_paired_bootstrap_of_the_validation_rows():
    y, pa, pb = _imbalanced_binary()
    splits = _two_folds(len(y))
    noise = RowNoise(get_metric("roc_auc"), y, splits, classes=np.array(["no", "yes"]))
    se = noise.paired_se((None, pa), (None, pb))
    # the reference: resample each fold's validation rows (same rows for both models), 200 times
    rng = np.random.default_rng(1)
    diffs = []
    for _ in range(200):
        boot = [(tr, rng.choice(va, len(va))) for tr, va in splits]
        diffs.append(_fold_mean_auc(y, pa, boot) - _fold_mean_auc(y, pb, boot))
    assert se == pytest.approx(np.std(diffs), rel=0.35)
    assert se > 0.01  # two different models on ~80 positives per fold: not a precise comparison


def test_identical_predictions_have_no_row_noise_and_chunks_hold_every_class():
    y, pa, _ = _imbalanced_binary(n=600, rate=0.05)
    splits = _two_folds(len(y))
    noise = RowNoise(get_metric("roc_auc"), y, splits, classes=np.array(["no", "yes"]))
    assert noise.paired_se((None, pa), (None, pa.copy())) == 0.0
    for fold in noise.chunks:
        assert 2 <= len(fold) <= 10
        for rows in fold:
            assert set(y[rows]) == {"no", "yes"}
    # a validation fold with a single row of the rare class cannot be dealt into chunks: no estimate
    y1 = np.array(["no"] * 99 + ["yes"])
    lone = RowNoise(get_metric("roc_auc"), y1, [(np.arange(0), np.arange(100))], classes=np.array(["no", "yes"]))
    assert lone.chunks == [[]] and np.isnan(lone.paired_se((None, pa[:100]), (None, pa[:100])))


def test_regression_row_noise_follows_the_metric_direction_and_scale():
    rng = np.random.default_rng(0)
    y = rng.lognormal(0, 1, 3000)
    good, bad = y + rng.normal(0, 0.3, 3000), y + rng.normal(0, 1.0, 3000)
    splits = _two_folds(3000)
    r2 = RowNoise(get_metric("r2"), y, splits).paired_se((good, None), (bad, None))
    rmse = RowNoise(get_metric("rmse"), y, splits).paired_se((good, None), (bad, None))
    assert 0 < r2 < 0.1 and 0 < rmse < 0.1
    assert RowNoise(get_metric("mae"), y * 100, splits).paired_se((good * 100, None), (bad * 100, None)) \
        == pytest.approx(100 * RowNoise(get_metric("mae"), y, splits).paired_se((good, None), (bad, None)))


def test_two_folds_that_agree_by_chance_do_not_make_a_challenger_win_when_the_rows_say_noise():
    # per-fold AUCs of two models on two folds: the challenger is ahead by 0.01 on both (fold se = 0)
    fold_a, fold_b = [0.76, 0.75], [0.75, 0.74]
    on_folds = compare_both(fold_a, fold_b, names=("a", "b"))
    assert on_folds.wins and on_folds.fold_se == 0.0 and on_folds.row_se is None
    with_rows = compare_both(fold_a, fold_b, names=("a", "b"), row_se=lambda a, b: 0.02)
    assert not with_rows.wins and with_rows.std_err == 0.02 and with_rows.margin == pytest.approx(0.02)
    # rows that say the difference is precise leave the decision to the folds
    assert compare_both(fold_a, fold_b, names=("a", "b"), row_se=lambda a, b: 0.002).wins


def test_select_asks_for_the_row_se_only_of_challengers_that_pass_on_the_folds():
    asked = []

    def row_se(challenger, incumbent):
        asked.append((challenger, incumbent))
        return {"steady": 0.001, "lucky": 0.08}[challenger]

    scores = {"base": [0.70, 0.72], "steady": [0.72, 0.74], "lucky": [0.75, 0.77], "worse": [0.69, 0.70]}
    chosen, cmps = select("base", scores, row_se=row_se)
    assert sorted(asked) == [("lucky", "base"), ("steady", "base")]
    assert chosen == "steady"  # "lucky" has the best mean but its lead is inside the rows' noise
    by = {c.challenger: c for c in cmps}
    assert by["lucky"].row_se == 0.08 and not by["lucky"].wins and by["worse"].row_se is None


def test_the_binary_roc_auc_is_scikit_learns_value_ties_included_and_nan_for_one_class():
    from automl_kedro.ml.metrics import compute_metrics

    rng = np.random.default_rng(3)
    classes = np.array(["no", "yes"])
    for n, rate in [(40, 0.3), (250, 0.05), (5000, 0.5)]:
        y = np.where(rng.random(n) < rate, "yes", "no")
        score = np.round(rng.random(n) * 0.5 + (y == "yes") * 0.2, 2)  # coarse: many ties
        proba = np.column_stack([1 - score, score])
        ours = get_metric("roc_auc").func(y, None, proba, classes)
        assert ours == pytest.approx(roc_auc_score(y == "yes", score), abs=1e-12)
    one_class = np.array(["no"] * 10)
    assert np.isnan(compute_metrics([get_metric("roc_auc")], one_class, one_class, np.full((10, 2), 0.5), classes)["roc_auc"])
