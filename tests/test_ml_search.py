"""The search engine on small real data: isolation, reproducibility, budget, outputs."""
from __future__ import annotations


import os
import threading
import time

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.datasets import load_diabetes

from automl_kedro.ml import NoSuccessfulCandidateError, train
from automl_kedro.ml.models import ModelSpec, register_model
from automl_kedro.ml.presets import basic_preprocessors
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class Boom(RegressorMixin, BaseEstimator):
    """A model that always fails to fit."""

    def fit(self, X, y):
        raise RuntimeError("boom: this model always fails")


register_model(ModelSpec("always_fails", ("regression", "binary", "multiclass"), lambda t, p, rs, nj: Boom()),
               replace=True)


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    return X.iloc[:200], y.iloc[:200]


@pytest.fixture(scope="module")
def penguins():
    df = pd.read_csv(ROOT / "data" / "01_raw" / "penguins.csv")
    return df.drop(columns=["species"]), df["species"]


def _cfg(**kw):
    base = dict(models=["linear", "hist_gradient_boosting"], time_budget_s=None, n_trials=2, n_jobs=2, seed=7,
                cv_folds=3, figures=False)
    base.update(kw)
    return base  # the train: section as a dict, validated by TrainParams inside train()


def test_a_failing_candidate_is_recorded_and_the_others_go_on(diabetes):
    X, y = diabetes
    res = train(X, y, "regression", basic_preprocessors(), _cfg(models=["always_fails", "ridge"]))
    lb = res.leaderboard.set_index("candidate_id")
    assert lb.loc["onehot/always_fails", "status"] == "failed"
    assert "boom" in lb.loc["onehot/always_fails", "error"]
    assert lb.loc["onehot/ridge", "status"] == "ok"
    assert res.recommendation["candidate_id"] != "onehot/always_fails"
    failed = next(c for c in res.candidates if c["model"] == "always_fails")
    assert failed["status"] == "failed" and "boom" in failed["error"]


def test_no_successful_candidate_is_one_clear_error(diabetes):
    X, y = diabetes
    with pytest.raises(NoSuccessfulCandidateError, match="All 1 candidates failed.*boom"):
        train(X, y, "regression", basic_preprocessors(), _cfg(models=["always_fails"], include_baseline=False))


def test_same_seed_same_leaderboard(diabetes):
    X, y = diabetes
    cols = ["candidate_id", "status", "n_trials", "n_pruned", "cv_r2_mean", "cv_mae_mean", "params"]
    a = train(X, y, "regression", basic_preprocessors(), _cfg(n_trials=2)).leaderboard[cols]
    b = train(X, y, "regression", basic_preprocessors(), _cfg(n_trials=2)).leaderboard[cols]
    pd.testing.assert_frame_equal(a, b)


def test_a_time_budget_alone_ends_the_search(diabetes):
    """With no trial cap, the budget is what stops the search; every candidate is still accounted for.
    How close to the budget the wall clock stays is measured by benchmarks/bench_models.py (a timed
    unit test would fail on a busy machine), not here."""
    X, y = diabetes
    models = ["linear", "hist_gradient_boosting", "random_forest", "mlp"]
    res = train(X, y, "regression", basic_preprocessors(),
                _cfg(models=models, n_trials=None, time_budget_s=4.0, figures=True))
    board = res.leaderboard
    assert (board["status"] == "ok").any()
    singles = board[~board["candidate_id"].str.startswith("ensemble/")]
    assert set(models) <= set(singles["model"])  # tried, or recorded with the reason it was not
    not_ok = singles[singles["status"] != "ok"]
    assert not_ok["error"].notna().all()


def test_multiclass_outputs_and_records(penguins, tmp_path):
    X, y = penguins
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    res = train(X, y, "multiclass", basic_preprocessors(("onehot", "ordinal")),
                _cfg(models=["linear"], n_trials=1, storage=storage, figures=True))
    # the final model is a fitted pipeline on the raw feature columns
    proba = res.model.predict_proba(X.head(5))
    assert proba.shape == (5, 3) and np.allclose(proba.sum(axis=1), 1)
    assert set(res.model.predict(X.head(5))) <= {"Adelie", "Chinstrap", "Gentoo"}
    assert len(res.candidates) == 4
    rec = next(c for c in res.candidates if c["status"] == "ok" and c["model"] == "hist_gradient_boosting")
    assert set(rec) >= {"candidate_id", "preprocess_id", "model", "params", "status", "error", "scalars", "figures"}
    for key in ["metric/accuracy", "metric/accuracy_std", "time/train_seconds", "time/predict_seconds",
                "model/num_features", "model/num_rows_train", "model/size_bytes"]:
        assert key in rec["scalars"], key
    assert rec["scalars"]["model/num_rows_train"] == len(y)
    assert {"01_performance/confusion_matrix", "01_performance/roc_curve", "01_performance/pr_curve"} <= set(rec["figures"])
    linear = next(c for c in res.candidates if c["candidate_id"] == "onehot/linear")
    assert "02_explain/feature_importance" in linear["figures"]  # |coef| per one-hot feature
    assert "02_leaderboard/tradeoff" in res.figures and "02_leaderboard/model_x_preprocessing" in res.figures
    lb = res.leaderboard
    assert {"cv_accuracy_mean", "cv_accuracy_std", "cv_log_loss_mean", "fit_seconds", "predict_seconds",
            "size_bytes", "n_features", "n_rows_train", "params"} <= set(lb.columns)
    assert res.metrics["split"] == "cv" and res.metrics["n_train"] == len(y)
    # the studies live in the given storage
    import optuna

    names = {s.study_name for s in optuna.get_all_study_summaries(storage)}
    assert "automl:onehot/linear" in names


def test_classes_rarer_than_the_folds_are_learned_and_named_as_not_scored(penguins):
    """A 3-row class trains in every fold and is never scored; a 1-row class is left out of the folds; the
    run goes on (it used to stop: "fewer than the 5 CV folds") and the recommendation says what was left out."""
    X, y = penguins
    rare = X.iloc[[0, 1, 2, 3]].assign(bill_length_mm=[80.0, 81.0, 82.0, 83.0])  # far from every penguin
    X = pd.concat([X, rare], ignore_index=True)
    y = pd.concat([y, pd.Series(["Rare"] * 3 + ["Single"])], ignore_index=True)
    res = train(X, y, "multiclass", basic_preprocessors(("onehot",)),
                _cfg(models=["linear", "mlp", "hist_gradient_boosting", "random_forest"], n_trials=1, cv_folds=5))
    singles = res.leaderboard[~res.leaderboard["candidate_id"].str.startswith("ensemble/")]
    assert (singles["status"] == "ok").all(), singles[["candidate_id", "error"]]
    assert np.isfinite(singles["cv_roc_auc_mean"]).all() and np.isfinite(singles["cv_log_loss_mean"]).all()
    assert res.recommendation["cv"]["classes_not_scored"] == {"Rare": 3, "Single": 1}
    assert "Too rare to score in 5-fold cross-validation: 'Rare' (3 rows), 'Single' (1 row)" in \
        res.recommendation["rationale"]
    assert list(res.model.classes_) == ["Adelie", "Chinstrap", "Gentoo", "Rare", "Single"]
    proba = res.model.predict_proba(X.tail(4))
    assert proba.shape == (4, 5) and np.allclose(proba.sum(axis=1), 1)
    assert proba[:, 3].min() > proba[:, 4].max() and proba[:, 4].max() == 0  # Rare learned, Single never seen


def test_default_hgb_is_always_in_the_pool(diabetes):
    X, y = diabetes
    res = train(X, y, "regression", basic_preprocessors(), _cfg(models=["ridge"], n_trials=1))
    assert "onehot/hist_gradient_boosting" in set(res.leaderboard["candidate_id"])
    assert res.recommendation["baseline"]["candidate_id"] == "onehot/hist_gradient_boosting"
    best = res.recommendation["recommended"]["score"]
    assert best >= res.recommendation["baseline"]["score"]


def test_ensemble_kept_only_when_it_beats_the_chosen_single_beyond_the_margin(diabetes):
    X, y = diabetes
    res = train(X, y, "regression", basic_preprocessors(),
                _cfg(models=["linear", "hist_gradient_boosting", "k_neighbors"], n_trials=2))
    chosen_single = res.recommendation["selection"]["chosen_single"]
    single_score = res.leaderboard.set_index("candidate_id").loc[chosen_single, "cv_r2_mean"]
    for kind, info in res.recommendation["ensembles"].items():
        assert info["vs"] == chosen_single
        if info["kept"]:
            assert info["score"] > single_score
    if res.recommendation["candidate_id"].startswith("ensemble/"):
        assert np.isfinite(res.model.predict(X.head(3))).all()


def test_a_fold_alone_in_its_batch_gets_the_idle_core():
    """Under a time budget, 3 folds on 2 workers run as batches of 2 and 1: the lone third fold's fit gets both threads (on folds
    big enough to gain from them, and while no other process uses the cores); the paired folds keep one thread
    each, so the cores are never oversubscribed."""
    from automl_kedro.ml.idle_cores import IdleCores
    from automl_kedro.ml.search import Search

    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: nothing is idle")
    quiet, interval = IdleCores.quiet_cores, IdleCores.min_interval_s
    # as on a quiet machine (the suite runs under load: see the next test), whatever the folds' speed
    IdleCores.quiet_cores, IdleCores.min_interval_s = float("inf"), 0.0

    rng = np.random.default_rng(0)
    n = int(Search.threads_above_rows * 1.5 * 1.2) + 30  # each fold trains on > threads_above_rows rows
    X = pd.DataFrame(rng.normal(size=(n, 4)), columns=list("abcd"))
    y = 2 * X["a"] + rng.normal(size=n)
    try:
        res = train(X, y, "regression", basic_preprocessors(),
                    _cfg(models=["lightgbm"], include_baseline=False, n_trials=1, final_model="bag", ensembles=[],
                         time_budget_s=600))
    finally:
        IdleCores.quiet_cores, IdleCores.min_interval_s = quiet, interval
    folds = res.model.named_steps["model"].members_
    assert [f.named_steps["model"].get_params()["n_jobs"] for f in folds] == [1, 1, 2]


def test_extra_threads_only_while_other_processes_leave_the_cores_idle():
    """A process spinning on a core counts as another process's load: no extra thread while it runs."""
    import multiprocessing as mp
    import time

    from automl_kedro.ml.idle_cores import IdleCores

    ctx = mp.get_context("spawn")
    started, stop = ctx.Event(), ctx.Event()
    spinner = ctx.Process(target=_spin, args=(started, stop), daemon=True)
    spinner.start()
    try:
        assert started.wait(60)
        idle = IdleCores()
        assert idle.threads(1) == 1 and idle.threads(2) == 1  # nothing measured yet: one thread
        time.sleep(1.0)  # this process idles; the spinner (and anything else) uses the cores
        assert idle.others() > IdleCores.quiet_cores
        assert idle.threads(2) == 1
    finally:
        stop.set()
        spinner.join()


def _spin(started, stop):
    started.set()
    while not stop.is_set():
        pass


@pytest.mark.parametrize("quiet", [True, False])
def test_a_single_models_refit_takes_the_idle_cores_only_on_a_quiet_machine(quiet):
    from automl_kedro.ml.idle_cores import IdleCores
    from automl_kedro.ml.search import Search

    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: nothing is idle")
    rng = np.random.default_rng(1)
    n = Search.threads_above_rows + 2_000
    X = pd.DataFrame(rng.normal(size=(n, 3)), columns=list("abc"))
    y = X["a"] - X["b"] + rng.normal(size=n)
    saved = IdleCores.quiet_cores
    IdleCores.quiet_cores = float("inf") if quiet else -1.0  # quiet: any load counts as none; else any as busy
    try:
        res = train(X, y, "regression", basic_preprocessors(),
                    _cfg(models=["lightgbm"], include_baseline=False, n_trials=1, final_model="refit",
                         ensembles=[], holdout_above_rows=1_000, time_budget_s=600))
    finally:
        IdleCores.quiet_cores = saved
    assert res.model.named_steps["model"].get_params()["n_jobs"] == (2 if quiet else 1)


def test_without_a_time_budget_every_fit_keeps_one_thread():
    """A fixed number of trials gives the same leaderboard whatever the load: no extra threads then."""
    from automl_kedro.ml.idle_cores import IdleCores
    from automl_kedro.ml.search import Search

    rng = np.random.default_rng(0)
    n = int(Search.threads_above_rows * 1.5 * 1.2) + 30
    X = pd.DataFrame(rng.normal(size=(n, 4)), columns=list("abcd"))
    y = 2 * X["a"] + rng.normal(size=n)
    saved = IdleCores.quiet_cores, IdleCores.min_interval_s
    IdleCores.quiet_cores, IdleCores.min_interval_s = float("inf"), 0.0  # the machine looks quiet
    try:
        res = train(X, y, "regression", basic_preprocessors(),
                    _cfg(models=["lightgbm"], include_baseline=False, n_trials=1, final_model="bag", ensembles=[]))
    finally:
        IdleCores.quiet_cores, IdleCores.min_interval_s = saved
    folds = res.model.named_steps["model"].members_
    assert [f.named_steps["model"].get_params()["n_jobs"] for f in folds] == [1, 1, 1]


def test_a_candidate_far_behind_the_leader_gets_tuning_time_only_after_those_within_reach(tmp_path):
    """Under a time budget the tuning trials go first to the candidates whose error is within ``Search.reach`` times
    the leader's: a linear model on a non-linear target (many times the boosters' error) is tuned only once the
    boosters have had all their trials (here a cap of 3 each), and is then tuned too."""
    import optuna

    from automl_kedro.ml.search import Search

    rng = np.random.default_rng(0)
    n = 1500
    X = pd.DataFrame(rng.uniform(-2, 2, size=(n, 3)), columns=list("abc"))
    y = 4 * np.sin(3 * X["a"]) + 3 * (X["b"] > 0) + rng.normal(scale=0.2, size=n)
    storage = f"sqlite:///{tmp_path / 'studies.db'}"
    res = train(X, y, "regression", basic_preprocessors(),
                _cfg(models=["linear", "lightgbm"], n_trials=3, time_budget_s=600, ensembles=[]), storage=storage)
    board = res.leaderboard.set_index("model")
    errors = 1 - board["cv_r2_mean"]
    assert errors["linear"] > Search.reach * errors[["lightgbm", "hist_gradient_boosting"]].min()

    def trials(model):
        name = next(s.study_name for s in optuna.get_all_study_summaries(storage) if s.study_name.endswith(model))
        return sorted(optuna.load_study(study_name=name, storage=storage).trials, key=lambda t: t.number)

    boosters = trials("/lightgbm") + trials("/hist_gradient_boosting")
    linear = trials("/linear")
    assert len(linear) == 3 and all(len(trials(m)) == 3 for m in ("/lightgbm", "/hist_gradient_boosting"))
    last_booster = max(t.datetime_complete for t in boosters)
    assert all(t.datetime_start >= last_booster for t in linear[1:])  # its defaults ran with the others'
    assert linear[0].datetime_start < last_booster


def test_a_configuration_predicted_to_overrun_the_budget_is_passed_over_without_fitting(diabetes, caplog):
    """A booster's configuration whose work (rounds x sqrt(leaves)) is thousands of times its defaults' is predicted,
    from the seconds per unit of work its earlier trials took, to overrun the time left: the search records it as a
    failed Optuna trial without fitting it and goes on with the next configuration."""
    import dataclasses
    import json
    import logging

    from automl_kedro.ml.models import get_model

    huge = {"learning_rate": 0.1, "max_iter": 1_000_000, "max_leaf_nodes": 128, "min_samples_leaf": 2,
            "l2_regularization": 1e-8, "max_features": 1.0}
    spec = dataclasses.replace(get_model("hist_gradient_boosting"), name="costly_hgb", aliases=(), portfolio=(huge,))
    register_model(spec, replace=True)
    assert spec.work_of(huge, 500) > 10_000 * spec.work_of({}, 500)
    # above 10k rows the booster stops early: its rounds are an upper bound only, so no prediction there
    assert spec.work_of(huge, 20_000) is None and spec.work_of({}, 20_000) is None
    X, y = diabetes
    with caplog.at_level(logging.INFO, logger="automl_kedro.ml.search"):
        res = train(X, y, "regression", basic_preprocessors(),
                    _cfg(models=["costly_hgb"], include_baseline=False, n_trials=2, time_budget_s=300, ensembles=[]))
    assert any("passed over" in r.getMessage() and "costly_hgb" in r.getMessage() for r in caplog.records)
    row = res.leaderboard.set_index("model").loc["costly_hgb"]
    assert row["status"] == "ok" and row["n_trials"] == 2  # the defaults and one affordable configuration
    assert json.loads(row["params"]).get("max_iter") != 1_000_000


class PidRecorder(RegressorMixin, BaseEstimator):
    """A mean predictor that remembers which process fitted it."""

    def fit(self, X, y):
        self.mean_ = float(np.mean(y))
        self.fit_pid_ = os.getpid()
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_)


register_model(ModelSpec("fits_in_threads", ("regression",), lambda t, p, rs, nj: PidRecorder()), replace=True)
register_model(ModelSpec("holds_the_gil", ("regression",), lambda t, p, rs, nj: PidRecorder(), holds_gil=True),
               replace=True)


@pytest.mark.parametrize("backend, in_processes", [("auto", {"holds_the_gil"}), ("threading", set()),
                                                   ("loky", {"holds_the_gil", "fits_in_threads"})])
def test_the_folds_of_a_family_that_holds_the_gil_are_fitted_in_worker_processes(diabetes, backend, in_processes):
    """train.parallel_backend auto: a family declaring ``holds_gil`` (HistGradientBoosting, MLP: two fits in threads
    took as long as one after the other) has its folds fitted in worker processes, the others in this process's
    threads; threading and loky put every family in threads or in processes. With 3 folds on 2 workers the third
    fold is alone in its batch and is fitted in a thread whatever the family: no other fit contends for the GIL."""
    from automl_kedro.ml.engine import run_search

    X, y = diabetes
    outcome = run_search(X, y, "regression", basic_preprocessors(),
                         _cfg(models=["fits_in_threads", "holds_the_gil"], include_baseline=False, n_trials=1,
                              parallel_backend=backend))
    for cand in outcome.candidates:
        pids = [m.named_steps["model"].fit_pid_ for m in cand.fold_models]
        assert len(pids) == 3
        if cand.model in in_processes:
            assert os.getpid() not in pids[:2] and pids[2] == os.getpid(), cand.model
        else:
            assert pids == [os.getpid()] * 3, cand.model


class UnpicklableRecorder(PidRecorder):
    """Holds a lock, so it cannot be sent to a worker process (as a plugin's model might)."""

    def __init__(self):
        self.lock = threading.Lock()


register_model(ModelSpec("cannot_travel", ("regression",), lambda t, p, rs, nj: UnpicklableRecorder(), holds_gil=True),
               replace=True)


def test_a_model_that_cannot_reach_a_worker_process_is_fitted_in_threads(diabetes, caplog):
    """Where processes cannot be used (a model that cannot be pickled, no process can start), the search says so
    once and goes on in threads: the candidate is scored, not failed."""
    import logging

    from automl_kedro.ml.engine import run_search

    X, y = diabetes
    with caplog.at_level(logging.WARNING, logger="automl_kedro.ml.search"):
        outcome = run_search(X, y, "regression", basic_preprocessors(),
                             _cfg(models=["cannot_travel"], include_baseline=False, n_trials=1, cv_folds=4))
    cand = outcome.candidates[0]
    assert cand.status == "ok"
    assert [m.named_steps["model"].fit_pid_ for m in cand.fold_models] == [os.getpid()] * 4
    assert sum("the search goes on in threads" in r.getMessage() for r in caplog.records) == 1


class Sleeper(PidRecorder):
    """A fit that takes two minutes (an MLP configuration far bigger than its defaults)."""

    def fit(self, X, y):
        time.sleep(120)
        return super().fit(X, y)


register_model(ModelSpec("sleeps_in_a_process", ("regression",), lambda t, p, rs, nj: Sleeper(), holds_gil=True),
               replace=True)


def test_a_fit_in_a_worker_process_is_stopped_at_the_end_of_the_budget(diabetes):
    """Once one candidate has finished, a batch of folds in worker processes gets only the time left: a two-minute
    fit under a 6 s budget is stopped there, recorded as timed out, and the recommendation is the finished one."""
    X, y = diabetes
    started = time.perf_counter()
    res = train(X, y, "regression", basic_preprocessors(),
                _cfg(models=["linear", "sleeps_in_a_process"], include_baseline=False, n_trials=None,
                     time_budget_s=6, cv_folds=2, ensembles=[]))
    assert time.perf_counter() - started < 60  # not the 120 s the fits would take
    board = res.leaderboard.set_index("model")
    assert board.loc["sleeps_in_a_process", "status"] == "failed"
    assert "end of the budget" in board.loc["sleeps_in_a_process", "error"]
    assert res.recommendation["candidate_id"] == "onehot/linear"


def test_a_search_in_worker_processes_scores_as_one_in_threads(diabetes):
    """Where a fold is fitted changes nothing in what it learns: the same seed gives the same leaderboard."""
    X, y = diabetes
    boards = [train(X, y, "regression", basic_preprocessors(),
                    _cfg(models=["hist_gradient_boosting", "mlp"], n_trials=2, ensembles=[], parallel_backend=b))
              .leaderboard.set_index("candidate_id")[["cv_r2_mean", "cv_rmse_mean", "params"]]
              for b in ("threading", "auto")]
    assert len(boards[0]) == 2
    pd.testing.assert_frame_equal(boards[0], boards[1])


def test_a_worker_process_imports_what_a_fit_needs_not_the_engine():
    """The fold worker's module leaves Optuna and the engine unimported, so a worker process starts fast."""
    import subprocess
    import sys

    code = ("import sys, automl_kedro.ml.fold_fit; "
            "print(sorted(m for m in ('optuna', 'automl_kedro.ml.engine', 'automl_kedro.ml.search') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert out.stdout.strip() == "[]"


def test_the_folds_kept_let_one_default_trial_of_every_candidate_fit_in_its_share_of_the_budget():
    """After the baseline's first batch of folds took ``batch`` seconds, a candidate of relative cost c should take
    c x batch per batch: the folds kept are those whose default round fits ``default_round_share`` of the budget."""
    from automl_kedro.config.train import TrainParams
    from automl_kedro.ml.metrics import METRICS
    from automl_kedro.ml.models import get_model
    from automl_kedro.ml.search import Candidate, Search, SearchSettings

    def kept(models, budget, batch_seconds):
        cands = [Candidate("native", get_model(m), None) for m in models]
        settings = SearchSettings(task="regression", metrics=[METRICS.get("r2")], primary=METRICS.get("r2"),
                                  params=TrainParams(time_budget_s=budget, n_jobs=2))
        idx = np.arange(100)
        splits = [(np.setdiff1d(idx, idx[i::5]), idx[i::5]) for i in range(5)]
        search = Search(pd.DataFrame({"a": idx}), idx.astype(float), splits, cands, settings)
        return len(search._fit_folds_to_budget(list(enumerate(splits)), batch_seconds, 2))

    assert Search.default_round_share == 0.4
    cheap, dear = ["hist_gradient_boosting", "linear"], ["hist_gradient_boosting", "random_forest", "mlp"]  # 1.1, 8
    assert kept(cheap, 30, 0.5) == 5  # a round of 0.55 s per batch, 12 s allowed: all folds
    assert kept(dear, 15, 0.5) == 2  # 4 s per batch, 6 s allowed: one batch of 2 folds
    assert kept(dear, 25, 0.5) == 4  # 10 s allowed: 2.5 batches affordable, 2 whole batches of 2 folds
    assert kept(dear, 120, 0.5) == 5  # 48 s allowed: all 5 folds


class SlowToFitPreprocessor(BaseEstimator):
    """A preprocessing step that takes ``seconds`` to fit (a wide one-hot or a text featurizer on a big table)."""

    def __init__(self, seconds: float = 3.0):
        self.seconds = seconds

    def fit(self, X, y=None):
        time.sleep(self.seconds)
        return self

    def transform(self, X):
        return np.asarray(X, dtype=float)


def test_a_boosters_seconds_per_unit_of_work_are_its_fits_not_the_preprocessing_or_the_workers_start():
    """The seconds per unit of work that predict a booster's next configurations come from its fits: the first
    trial of a search also fits the fold cache's preprocessing and starts the worker processes, and a rate that
    counted them passed over every later configuration of the family (fair at 30 s: 11.4 s predicted, ~3 s taken)."""
    from automl_kedro.config.train import TrainParams
    from automl_kedro.ml.metrics import METRICS
    from automl_kedro.ml.models import get_model
    from automl_kedro.ml.search import Candidate, Search, SearchSettings

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(400, 4)), columns=list("abcd"))
    y = X["a"] * 2 + X["b"] ** 2 + rng.normal(scale=0.1, size=400)
    idx = np.arange(400)
    splits = [(idx[idx % 2 == k], idx[idx % 2 != k]) for k in range(2)]
    hgb = get_model("hist_gradient_boosting")
    cand = Candidate("slow", hgb, SlowToFitPreprocessor(3.0))
    settings = SearchSettings(task="regression", metrics=[METRICS.get("r2")], primary=METRICS.get("r2"),
                              params=TrainParams(time_budget_s=None, n_trials=1, n_jobs=2))
    t0 = time.perf_counter()
    Search(X, y.to_numpy(), splits, [cand], settings).run()
    wall = time.perf_counter() - t0
    assert cand.status == "ok" and wall >= 3.0  # the folds' preprocessing slept 3 s inside the trial
    predicted = cand.seconds_per_work[0] * hgb.work_of({}, len(splits[0][0]))  # one batch: the two folds
    assert predicted < 2.0 and predicted <= cand.fit_seconds + cand.predict_seconds + 1.0
