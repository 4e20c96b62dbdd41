"""The noise-margin selection rule: a challenger must beat the incumbent beyond one paired standard error."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer

from automl_kedro.ml import train
from automl_kedro.ml.models import MODELS
from automl_kedro.ml.presets import basic_preprocessors
from automl_kedro.ml.selection import compare, select

BASELINE = [0.970, 0.985, 0.960, 0.990, 0.975]


def test_a_challenger_inside_the_noise_margin_does_not_displace_the_baseline():
    # better on average (+0.001) but up on some folds and down on others: within one standard error
    noisy = [0.976, 0.980, 0.966, 0.986, 0.977]
    c = compare(noisy, BASELINE)
    assert c.mean_diff == pytest.approx(0.001)
    assert c.std_err > c.mean_diff and not c.wins
    chosen, comparisons = select("baseline", {"baseline": BASELINE, "ensemble/voting": noisy})
    assert chosen == "baseline"
    assert [x.challenger for x in comparisons] == ["ensemble/voting"]


def test_a_clearly_better_challenger_wins_and_the_best_mean_among_winners_is_chosen():
    clear = [b + 0.010 + e for b, e in zip(BASELINE, [0.001, -0.001, 0.002, 0.0, -0.002])]
    clearer = [b + 0.012 + e for b, e in zip(BASELINE, [0.003, -0.003, 0.001, 0.0, -0.001])]
    assert compare(clear, BASELINE).wins
    chosen, _ = select("baseline", {"baseline": BASELINE, "a": clear, "b": clearer, "noisy": [0.99, 0.9, 1, 1, 0.9]})
    assert chosen == "b"


def test_lower_is_better_and_a_zero_margin_is_the_plain_best_mean():
    rmse_base = [10.0, 12.0, 11.0]
    rmse_new = [9.9, 12.5, 10.9]  # lower mean by 0.0, noisy
    assert not compare(rmse_new, rmse_base, greater_is_better=False).wins
    assert compare([9.0, 11.0, 10.0], rmse_base, greater_is_better=False).wins
    slight = [0.976, 0.980, 0.966, 0.986, 0.977]
    assert compare(slight, BASELINE, z=0.0).wins
    with pytest.raises(ValueError, match="same folds"):
        compare([1.0, 2.0], [1.0])


def test_the_engine_records_the_rule_and_keeps_the_baseline_unless_beaten():
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    X, y = X.iloc[:240, :8], y.iloc[:240]
    res = train(X, y, "binary", basic_preprocessors(),
                dict(models=["linear", "k_neighbors"], time_budget_s=None, n_trials=3, n_jobs=2, seed=3,
                     cv_folds=4, figures=False))
    sel = res.recommendation["selection"]
    assert sel["incumbent"] == "onehot/hist_gradient_boosting" and sel["margin_se"] == 1.0
    chosen = res.recommendation["candidate_id"]
    assert chosen == sel["chosen"]
    by = {(c["challenger"], c["incumbent"]): c for c in sel["comparisons"]}
    if sel["chosen_single"] != sel["incumbent"]:
        c = by[(sel["chosen_single"], sel["incumbent"])]
        assert c["wins"] and c["mean_diff"] > c["margin"]
    else:  # every single challenger stayed inside the margin
        assert not any(c["wins"] for c in sel["comparisons"]
                       if c["incumbent"] == sel["incumbent"] and not c["challenger"].startswith("ensemble/"))
    for c in sel["comparisons"]:  # the margin is the larger of the two noise estimates
        assert c["std_err"] == pytest.approx(max(c["fold_se"], c["row_se"] or 0.0))
        if c["wins"]:  # passed on the folds, so the validation rows were asked too
            assert c["row_se"] is not None and c["mean_diff"] > c["row_se"]
    for kind, info in res.recommendation["ensembles"].items():
        c = by[(f"ensemble/{kind}", sel["chosen_single"])]
        assert info["kept"] == c["wins"]
    # a candidate whose tuning did not pay off beyond the margin is reported with its default parameters
    assert sel["tuning_kept"]  # three trials each: every candidate was tuned
    records = {r["candidate_id"]: r for r in res.candidates}
    for cid, kept in sel["tuning_kept"].items():
        if not kept:
            assert records[cid]["params"] == MODELS.get(records[cid]["model"]).defaults
    assert np.isfinite(res.model.predict_proba(X.head(3))).all()


def test_selection_replays_on_one_search_with_or_without_the_validation_rows_noise():
    """``train.selection_row_noise``: the same search outcome, selected twice; without it no comparison reads the
    rows (the per-fold margin alone), with it every challenger that passes on the folds is checked on the rows."""
    import copy

    from automl_kedro.ml.engine import as_params, build_ensembles, run_search, select_candidates

    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    X, y = X.iloc[:300, :6], y.iloc[:300].map({0: "malignant", 1: "benign"})
    cfg = as_params(dict(models=["linear", "k_neighbors", "random_forest"], time_budget_s=None, n_trials=2, n_jobs=2,
                         seed=1, cv_folds=2, figures=False))
    outcome = run_search(X, y, "binary", basic_preprocessors(), cfg)
    for row_noise in (False, True):
        out = copy.deepcopy(outcome)
        sel = select_candidates(out, 1.0, row_noise)
        ens = build_ensembles(out, sel, cfg)
        cmps = sel["single_comparisons"] + ens["comparisons"]
        assert sel["row_noise"] is row_noise and cmps
        for c in cmps:
            passed_on_folds = c["mean_diff"] is not None and c["mean_diff"] > 0 and c["mean_diff"] > c["fold_se"]
            assert (c["row_se"] is not None) == (row_noise and passed_on_folds)
            assert c["wins"] == (passed_on_folds and c["mean_diff"] > (c["row_se"] or 0.0))
        assert any(c["row_se"] is not None for c in cmps) == row_noise  # some challenger passed on the folds
