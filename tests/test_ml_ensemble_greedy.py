"""The greedy voting ensemble climbs log loss where the primary metric reads labels only."""
from types import SimpleNamespace

import numpy as np
from sklearn.metrics import accuracy_score, log_loss

from automl_kedro.ml import ensemble as ens
from automl_kedro.ml.cv import make_splits
from automl_kedro.ml.metrics import METRICS

CLASSES = np.array(["a", "b", "c"], dtype=object)


def _members_with_the_same_labels(n: int = 300, k: int = 4, seed: int = 0):
    """``k`` members that predict the same label on every row (70 % right) with differently noisy probabilities:
    no average of them changes a label, every average of two of them has a lower log loss."""
    rng = np.random.default_rng(seed)
    y = rng.choice(CLASSES, n)
    believed = np.where(rng.random(n) < 0.7, y, rng.choice(CLASSES, n))
    onehot = (believed[:, None] == CLASSES[None, :]).astype(float)
    members = []
    for _ in range(k):
        p = 0.5 * onehot + 0.15 + rng.uniform(0.0, 0.2, size=(n, len(CLASSES)))  # the believed class stays on top
        p /= p.sum(axis=1, keepdims=True)
        members.append(SimpleNamespace(oof_proba=p, oof_pred=CLASSES[p.argmax(axis=1)]))
    return y, members


def test_the_greedy_climbs_log_loss_where_the_primary_reads_labels_and_the_primary_otherwise():
    acc, ll, auc, r2 = (METRICS.get(m) for m in ("accuracy", "log_loss", "roc_auc", "r2"))
    assert ens.greedy_metric("multiclass", acc) is ll
    assert ens.greedy_metric("binary", METRICS.get("f1_macro")) is ll
    assert ens.greedy_metric("binary", auc) is auc
    assert ens.greedy_metric("regression", r2) is r2


def test_the_greedys_log_loss_is_the_metrics_log_loss_over_the_folds():
    y, members = _members_with_the_same_labels()
    splits = make_splits(y, "multiclass", strategy="stratified", n_folds=3, seed=0)
    ll = METRICS.get("log_loss")
    p = members[1].oof_proba
    per_fold = [ll.func(y[va], None, p[va], CLASSES) for _, va in splits]
    assert np.isclose(ens._greedy_scorer(ll, y, splits, "multiclass", CLASSES)(p), -np.mean(per_fold), rtol=1e-9)


def test_members_that_agree_on_every_label_still_average_into_an_ensemble_scored_on_accuracy():
    y, members = _members_with_the_same_labels()
    splits = make_splits(y, "multiclass", strategy="stratified", n_folds=3, seed=0)
    acc, ll = METRICS.get("accuracy"), METRICS.get("log_loss")
    result = ens.voting(members, y, splits, None, "multiclass", [acc, ll], acc, CLASSES)

    # climbing accuracy, the greedy stopped at its first member (no average flips a label) and built nothing
    assert result is not None and len(result.members) >= 2
    member_ll = [log_loss(y, m.oof_proba, labels=list(CLASSES)) for m in members]
    assert log_loss(y, result.oof_proba, labels=list(CLASSES)) < min(member_ll)
    # the labels, and so the accuracy the ensemble is kept or dropped on, are the members'
    assert (result.oof_pred == members[0].oof_pred).all()
    per_fold = [accuracy_score(y[va], members[0].oof_pred[va]) for _, va in splits]
    assert np.allclose(result.fold_metrics["accuracy"], per_fold)
    assert np.isclose(result.best_value, np.mean(per_fold))
