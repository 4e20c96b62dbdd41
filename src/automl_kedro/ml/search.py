"""Optuna search over candidates (preprocessing variant x model) under a budget.

How the budget is spent:

1. every candidate is cross-validated once with its default parameters, the cheap and strong
   ones first (the default HistGradientBoosting baseline always first), skipping a candidate
   whose estimated cost no longer fits the remaining time (on big folds a family not timed yet
   is first probed on 1/8 of the first fold, so no single fit overruns the budget);
2. the remaining time goes to trials by successive halving across candidates; each study first
   tries its model's portfolio of strong starting configurations (``ModelSpec.portfolio``, for
   regression with the preferred target transform), then Optuna TPE proposals. In
   rung ``r`` the best ``ceil(n / 2**r)`` candidates (at least two) get ``2**r`` trials each.
   Under a time budget the trials go to the candidates within reach of the leader (error at most
   ``reach`` times the leader's), and a booster's configuration whose predicted time (its
   ``ModelSpec.work`` at the seconds per unit of work its earlier trials took) exceeds the time left
   is passed over unfitted. With ``n_trials`` and no time budget every candidate simply gets
   ``n_trials`` trials, so the result depends on the seed alone.

A trial reports its running mean score after each batch of folds (folds are the pruning steps),
and a median pruner stops hopeless trials early. Folds of a trial run in parallel on
``n_jobs`` workers while each estimator gets one thread, so the cores are used without
oversubscription: threads sharing the fold cache, or worker processes for the families whose fits
hold the GIL (``ModelSpec.holds_gil``; ``train.parallel_backend``). A candidate that raises, runs
out of time or scores NaN is recorded with its error and the search goes on.
"""
from __future__ import annotations

import logging
import math
import multiprocessing
import pickle
import threading
import time
import warnings
import zlib
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import optuna
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from automl_kedro.ml.fold_fit import fit_predict, fit_predict_in_process, ignore_fit_warnings
from automl_kedro.ml.idle_cores import IdleCores
from automl_kedro.ml.metrics import MetricSpec, compute_metrics
from automl_kedro.ml.models import BASELINE_MODEL, ModelSpec

log = logging.getLogger(__name__)

optuna.logging.set_verbosity(optuna.logging.WARNING)


class OutOfTime(Exception):
    """The time budget ends before this trial can finish."""


class TooCostly(Exception):
    """A configuration's predicted time exceeds the budget left (nothing was fitted)."""


@dataclass
class Candidate:
    """One preprocessing variant x model and what its search found."""

    preprocess_id: str
    spec: ModelSpec
    preprocessor: Any
    status: str = "pending"  # pending | ok | failed
    error: str | None = None
    n_trials: int = 0
    n_pruned: int = 0
    n_failed_trials: int = 0
    best_value: float = -math.inf  # primary metric, signed so that larger is better
    best_params: dict[str, Any] = field(default_factory=dict)
    fold_metrics: dict[str, list[float]] = field(default_factory=dict)
    oof_pred: np.ndarray | None = None
    oof_proba: np.ndarray | None = None
    fit_seconds: float = float("nan")  # mean over folds
    predict_seconds: float = float("nan")  # mean over folds, per validation fold
    fold_model: Any = None  # the best trial's pipeline fitted on the first fold
    fold_models: list = field(default_factory=list)  # the best trial's pipeline of every fold (for bagging)
    trial_seconds: list[float] = field(default_factory=list)
    seconds_per_work: list[float] = field(default_factory=list)  # per batch of folds and unit of spec.work
    n_too_costly: int = 0  # configurations passed over because their predicted time exceeded the budget left
    default_value: float | None = None
    default_state: dict[str, Any] | None = None  # what the default-params trial found (see restore_defaults)
    tuning_kept: bool | None = None  # None: not tuned; False: tuned params lost to the defaults within noise
    study_name: str = ""
    task: str = "regression"
    stopped: bool = False
    trials: list = field(default_factory=list)  # TrialRecord of the best finished trials (out-of-fold outputs)
    portfolio_left: list = field(default_factory=list)  # starting configurations not tried yet

    @property
    def model(self) -> str:
        return self.spec.name

    @property
    def candidate_id(self) -> str:
        return f"{self.preprocess_id}/{self.spec.name}"

    @property
    def label(self) -> str:
        return self.candidate_id

    @property
    def tried(self) -> bool:
        return self.status != "pending"

    _STATE = ("best_value", "best_params", "fold_metrics", "oof_pred", "oof_proba", "fit_seconds",
              "predict_seconds", "fold_model", "fold_models")

    def __getstate__(self):
        """Pickled with its model by registry name (factories may be closures or a plugin's lambdas)."""
        state = dict(self.__dict__)
        spec = state.pop("spec")
        state["_spec_ref"] = (spec.name, dict(spec.defaults))
        return state

    def __setstate__(self, state):
        from dataclasses import replace

        from automl_kedro.ml.models import MODELS

        name, defaults = state.pop("_spec_ref")
        self.__dict__.update(state)
        self.spec = replace(MODELS.get(name), defaults=defaults)

    def snapshot_defaults(self) -> None:
        self.default_state = {k: getattr(self, k) for k in self._STATE}

    def restore_defaults(self) -> None:
        """Back to the default-params trial's results (tuning did not beat them beyond the noise margin)."""
        if self.default_state is not None:
            for k, v in self.default_state.items():
                setattr(self, k, v)

    def final_params(self) -> dict[str, Any]:
        return {**self.spec.defaults, **self.best_params}

    def pipeline(self, random_state: int, n_jobs: int = 1) -> Pipeline:
        """Unfitted preprocess + model pipeline with the best parameters found."""
        est = self.spec.build(self.task, self.best_params, random_state, n_jobs)
        return Pipeline([("preprocess", clone(self.preprocessor)), ("model", est)])


@dataclass
class TrialRecord:
    """One finished trial: what it tried and its out-of-fold outputs (the ensemble's material)."""

    candidate: "Candidate"
    number: int
    params: dict[str, Any]
    value: float  # primary, signed (larger is better)
    fold_metrics: dict[str, list[float]]
    oof_pred: np.ndarray
    oof_proba: np.ndarray | None
    fit_seconds: float
    predict_seconds: float
    fold_models: list = field(default_factory=list)  # the fitted preprocess + model pipeline of each fold

    @property
    def candidate_id(self) -> str:
        return self.candidate.candidate_id

    @property
    def label(self) -> str:
        return f"{self.candidate.candidate_id}#{self.number}"

    def pipeline(self, random_state: int, n_jobs: int = 1) -> Pipeline:
        est = self.candidate.spec.build(self.candidate.task, self.params, random_state, n_jobs)
        return Pipeline([("preprocess", clone(self.candidate.preprocessor)), ("model", est)])


@dataclass
class SearchSettings:
    """What the search needs beyond the ``train:`` parameters (which it reads from ``params``)."""

    task: str
    metrics: list[MetricSpec]
    primary: MetricSpec
    params: Any  # config.train.TrainParams: n_trials, n_jobs, seed, study_name, parallel_backend, time budget
    classes: list | None = None
    storage: str | None = None
    reserve_s: float = 0.0  # time kept back after the search (refit, ensembles, figures)
    target_transforms: tuple[str, list[str]] = ("none", ["none"])  # (preferred, choices) for regression
    refit: bool = True  # the final model is refit on all rows (False: the fold models are bagged)
    refit_scale: float = 1.0  # all training rows / a fold's training rows (a refit costs about this much more)
    keep_trials: int = 4  # out-of-fold outputs kept for the best trials of each candidate (ensemble pool)
    startup_trials: int = 4

    @property
    def time_budget_s(self) -> float | None:
        return self.params.time_budget_s

    @property
    def n_trials(self) -> int | None:
        return self.params.n_trials

    @property
    def n_jobs(self) -> int:
        return self.params.n_jobs

    @property
    def seed(self) -> int:
        return self.params.seed

    @property
    def study_prefix(self) -> str:
        return self.params.study_name

    @property
    def backend(self) -> str:
        return self.params.parallel_backend

    parallel: str = "folds"  # measured faster than n_jobs threads inside each estimator


# --------------------------------------------------------------------------- fold work


class FoldCache:
    """Each preprocessing variant fitted once per fold and its outputs reused by every trial of that fold."""

    def __init__(self, X: pd.DataFrame, splits, max_bytes: float = 1.5e9):
        self.X = X
        self.splits = splits
        self.max_bytes = max_bytes
        self._data: dict[tuple[str, int], tuple[Any, Any, Any]] = {}
        self._locks: dict[tuple[str, int], threading.Lock] = {}
        self._guard = threading.Lock()
        self.bytes = 0.0

    def get(self, preprocess_id: str, preprocessor, fold: int):
        """(fitted preprocessor, transformed training rows, transformed validation rows) of a fold."""
        key = (preprocess_id, fold)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key in self._data:
                return self._data[key]
            tr, va = self.splits[fold]
            pre = clone(preprocessor).fit(self.X.iloc[tr])
            entry = (pre, pre.transform(self.X.iloc[tr]), pre.transform(self.X.iloc[va]))
            size = float(_nbytes(entry[1]) + _nbytes(entry[2]))
            with self._guard:
                if self.bytes + size <= self.max_bytes:  # over the cap: recomputed each time, memory stays bounded
                    self._data[key] = entry
                    self.bytes += size
            return entry


def _set_time_limit(estimator, seconds: float) -> None:
    """Set ``time_limit`` wherever the estimator (or a wrapped one) has it."""
    keys = [k for k in estimator.get_params(deep=True) if k == "time_limit" or k.endswith("__time_limit")]
    if keys:
        estimator.set_params(**{k: seconds for k in keys})


def _rows(data, idx):
    """Rows ``idx`` of a preprocessed matrix (DataFrame, array or sparse)."""
    return data.iloc[idx] if isinstance(data, pd.DataFrame) else data[idx]


def _nbytes(data) -> int:
    if isinstance(data, pd.DataFrame):
        return int(data.memory_usage(deep=False).sum())
    if hasattr(data, "data") and hasattr(data, "indices"):  # scipy sparse
        return int(data.data.nbytes + data.indices.nbytes)
    return int(getattr(data, "nbytes", 0))


def _fit_predict_fold(cache, cand, est, y, fold, classes, threads: int = 1):
    """The fold's preprocessed rows from the cache, then :func:`fold_fit.fit_predict` in this worker thread."""
    with threadpool_limits(threads):
        pre, Xtr, Xva = cache.get(cand.preprocess_id, cand.preprocessor, fold)
    tr, va = cache.splits[fold]
    *out, model = fit_predict(est, Xtr, y[tr], Xva, classes, threads)
    return (*out, Pipeline([("preprocess", pre), ("model", model)]))


def _seconds_per_batch(results, n_batch: int) -> float:
    """Mean over a trial's batches of folds of the batch's longest fit + predict, as the fits measured them.

    Not the trial's wall time: the search's first trial also fits the fold cache's preprocessing and
    starts the worker processes (fair's default HistGradientBoosting: 3.6 s for fits of ~0.4 s), and a rate
    read from that passed over every later configuration of the family at a 30 s budget."""
    batches: dict[int, list] = {}
    for i, _, out in results:
        batches.setdefault(i // n_batch, []).append(out)
    return float(np.mean([_longest_fit(outs) for outs in batches.values()]))


def _longest_fit(outs) -> float:
    """A batch's seconds as its fits measured them: the longest fit + predict of its folds' outputs."""
    return max(out[3] + out[4] for out in outs)


# --------------------------------------------------------------------------- search


class Search:
    """Runs the candidates' studies; see the module docstring for the budget policy."""

    def __init__(self, X: pd.DataFrame, y, splits, candidates: list[Candidate], settings: SearchSettings):
        self.X = X.reset_index(drop=True)
        self.y = np.asarray(y)
        self.splits = splits
        self.candidates = candidates
        self.s = settings
        for c in candidates:
            c.task = settings.task
        self.start = time.perf_counter()
        self.deadline = None if settings.time_budget_s is None else self.start + settings.time_budget_s
        self._parallel = None
        self._processes_failed = False  # worker processes could not be used: every family in threads
        self._studies: dict[str, optuna.Study] = {}
        self.cache = FoldCache(self.X, splits)
        self._adapt_folds = len(splits) > 2
        self.idle = IdleCores()

    # ---------------------------------------------------------------- time
    def remaining(self) -> float:
        """Seconds the search may still spend (the budget minus what refit and figures need)."""
        if self.deadline is None:
            return math.inf
        return self.deadline - self._reserve() - time.perf_counter()

    def _one_finished(self) -> bool:
        """Whether a candidate has finished: until then nothing is cut at the budget's end (a run never ends
        with nothing)."""
        return any(c.status == "ok" for c in self.candidates)

    def _reserve(self) -> float:
        ok = sorted((c for c in self.candidates if c.status == "ok"), key=lambda c: -c.best_value)[:3]
        refit = 1.3 * self.s.refit_scale * sum(c.fit_seconds for c in ok) / max(1, min(self.s.n_jobs, len(ok) or 1))
        if not self.s.refit:
            refit = 0.0
        elif self.s.time_budget_s is not None:  # the final refit uses the sample that fits (engine._refit_rows)
            refit = min(refit, 0.3 * self.s.time_budget_s)
        return self.s.reserve_s + refit + 0.06 * len(self.candidates)

    default_round_share = 0.4  # one default trial of every candidate may take this share of the budget

    def _fit_folds_to_budget(self, folds, batch_seconds: float, n_batch: int):
        """After the baseline's first batch of folds: as many folds as let one default trial of every candidate,
        each at its relative cost (``ModelSpec.cost``) of the baseline's batch, take at most
        ``default_round_share`` of the budget (at least one batch); the same folds for every candidate."""
        self._adapt_folds = False
        round_seconds = batch_seconds * sum(c.spec.cost for c in self.candidates)
        affordable = self.default_round_share * self.s.time_budget_s / max(round_seconds, 1e-9)
        keep = max(n_batch, n_batch * int(affordable), 2 if len(folds) >= 2 else 1)
        if keep < len(folds):
            log.info("cross-validation on %d of %d folds: a batch of folds of every candidate's defaults should "
                     "take %.1f s of a %.0f s budget", keep, len(folds), round_seconds, self.s.time_budget_s)
            self.splits = self.splits[:keep]
            self.cache.splits = self.splits
            return folds[:keep]
        return folds

    # ---------------------------------------------------------------- studies
    def _study(self, cand: Candidate) -> optuna.Study:
        if cand.candidate_id not in self._studies:
            seed = (self.s.seed * 1_000_003 + zlib.crc32(cand.candidate_id.encode())) % (2**31)
            sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=self.s.startup_trials)
            pruner = optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=0)
            direction = "maximize" if self.s.primary.greater_is_better else "minimize"
            cand.study_name = f"{self.s.study_prefix}:{cand.candidate_id}"
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                study = optuna.create_study(
                    study_name=cand.study_name, storage=self.s.storage, sampler=sampler, pruner=pruner,
                    direction=direction, load_if_exists=True,
                )
            study.enqueue_trial({}, user_attrs={"default_params": True}, skip_if_exists=False)
            preferred, choices = self.s.target_transforms
            transform = self.s.task == "regression" and len(choices) > 1
            if transform and preferred != "none":
                # the defaults on the preferred target scale first (sampled where the model has no spelling)
                study.enqueue_trial({**(cand.spec.space_defaults or {}), "target_transform": preferred},
                                    user_attrs={"portfolio": True}, skip_if_exists=False)
            cand.portfolio_left = list(cand.spec.portfolio)
            self._studies[cand.candidate_id] = study
        return self._studies[cand.candidate_id]

    threads_above_rows = 10_000  # a fold alone in its batch gets the idle cores when it trains on more rows

    def _threads_per_fold(self, batch, n_batch: int) -> int:
        """Threads for each fit of a batch: the cores a short batch (a holdout, the odd last fold) leaves idle
        go to its fits when they are big enough to gain from threads and no other process is using those
        cores (``IdleCores``); otherwise one thread each. Without a time budget always one: a fixed number of
        trials must give the same leaderboard whatever the machine's load (LightGBM's sums depend on threads)."""
        if self.deadline is None or self.s.parallel != "folds" or len(batch) >= n_batch:
            return 1
        if min(len(tr) for _, (tr, va) in batch) < self.threads_above_rows:
            return 1
        return self.idle.threads(n_batch // len(batch))

    # ---------------------------------------------------------------- one trial
    def _evaluate(self, cand: Candidate, trial: optuna.Trial, is_default: bool) -> float:
        s = self.s
        n_rows = len(self.y)
        params = {} if is_default else cand.spec.suggest(trial, s.task, n_rows)
        if is_default and self.default_transform != "none" and cand.spec.name != BASELINE_MODEL:
            params = {"target_transform": self.default_transform}
        choices = s.target_transforms[1]
        if not is_default and s.task == "regression" and len(choices) > 1:
            params["target_transform"] = trial.suggest_categorical("target_transform", choices)
        est = cand.spec.build(s.task, params, s.seed, 1 if s.parallel == "folds" else s.n_jobs)
        n_batch = max(1, s.n_jobs) if s.parallel == "folds" else 1
        folds = list(enumerate(self.splits))
        work = cand.spec.work_of(params, len(self.splits[0][0]))
        self._check_affordable(cand, work, math.ceil(len(folds) / n_batch))
        results = []
        fold_scores: list[float] = []
        t_start = time.perf_counter()
        try:
            return self._run_folds(cand, trial, is_default, params, est, folds, n_batch, results, fold_scores, t_start)
        finally:
            if work and results:  # what this trial's fits cost per unit of work (pruned ones too)
                cand.seconds_per_work.append(_seconds_per_batch(results, n_batch) / work)

    def _in_processes(self, cand: Candidate) -> bool:
        """Whether this candidate's folds are fitted in worker processes rather than threads."""
        if self.s.parallel != "folds" or self.s.n_jobs < 2 or self.s.backend == "threading" or self._processes_failed:
            return False
        return self.s.backend == "loky" or cand.spec.holds_gil

    def _fit_batch(self, cand: Candidate, est, batch, threads: int) -> list:
        """Fit and predict a batch of folds in parallel: in threads sharing the fold cache, or, for a family whose
        fit holds the GIL (``ModelSpec.holds_gil``), on the cached preprocessed rows in worker processes."""
        if len(batch) < 2 or not self._in_processes(cand):  # a fit alone holds the GIL against no other
            return self._parallel(delayed(_fit_predict_fold)(self.cache, cand, est, self.y, i, self.s.classes, threads)
                                  for i, _ in batch)
        entries = self._parallel(delayed(self.cache.get)(cand.preprocess_id, cand.preprocessor, i) for i, _ in batch)
        # a fit in a process can be stopped: once a candidate has finished, no batch runs past the search's end
        # (an MLP configuration ran 50 s with 32 s left); the first candidate always finishes
        timeout = None
        if self.deadline is not None and self._one_finished():
            timeout = max(1.0, self.remaining())
        try:
            out = Parallel(n_jobs=self.s.n_jobs, backend="loky", timeout=timeout)(
                delayed(fit_predict_in_process)(est, Xtr, self.y[tr], Xva, self.s.classes, threads)
                for (_, (tr, va)), (_, Xtr, Xva) in zip(batch, entries))
        except multiprocessing.TimeoutError:
            raise OutOfTime(f"stopped at the end of the budget after {timeout:.0f} s") from None
        except (pickle.PicklingError, BrokenProcessPool, OSError) as exc:
            # no worker processes here (or a model that cannot travel to one): threads for the rest of the search
            log.warning("fitting folds in worker processes failed (%s: %s); the search goes on in threads",
                        type(exc).__name__, str(exc)[:200])
            self._processes_failed = True
            return self._fit_batch(cand, est, batch, threads)
        return [(*r[:5], Pipeline([("preprocess", pre), ("model", r[5])])) for r, (pre, _, _) in zip(out, entries)]

    def _check_affordable(self, cand: Candidate, work: float | None, batches: int) -> None:
        """Raise TooCostly when the configuration's predicted time (its work at the seconds per unit of work this
        candidate's trials have taken) exceeds the time left; never without a time budget."""
        if self.deadline is None or not work or not cand.seconds_per_work:
            return
        predicted = float(np.median(cand.seconds_per_work)) * work * batches
        left = self.remaining()
        if predicted > left:
            raise TooCostly(f"a configuration predicted to take {predicted:.1f} s with {left:.1f} s left")

    def _run_folds(self, cand, trial, is_default, params, est, folds, n_batch, results, fold_scores, t_start):
        s = self.s
        b = -n_batch
        while b + n_batch < len(folds):
            b += n_batch
            batch = folds[b:b + n_batch]
            elapsed = time.perf_counter() - t_start
            # the first successful candidate is always finished: a run never ends with nothing
            if b > 0 and self.deadline is not None and self._one_finished():
                per_batch = elapsed / (b // n_batch)
                if per_batch > self.remaining():
                    raise OutOfTime(f"the time budget ran out after {b} of {len(folds)} folds")
            if self.deadline is not None:  # anytime models (forests) stop growing when the budget is spent
                _set_time_limit(est, max(1.0, self.deadline - time.perf_counter() - self._reserve()))
            threads = self._threads_per_fold(batch, n_batch)
            out = self._fit_batch(cand, est, batch, threads)
            if self._adapt_folds and b == 0 and self.deadline is not None:
                # a fold's fit + predict: the preprocessing is cached for later trials, the workers' start paid once
                folds = self._fit_folds_to_budget(folds, _longest_fit(out), n_batch)
            for (i, (tr, va)), r in zip(batch, out):
                results.append((i, va, r))
                pred, proba, calibrated, _, _, _ = r
                m = compute_metrics([s.primary], self.y[va], pred, proba, s.classes)[s.primary.name]
                fold_scores.append(m)
            running = float(np.mean(fold_scores))
            if not is_default and b + n_batch < len(folds):
                trial.report(running, step=len(fold_scores))
                if trial.should_prune():
                    raise optuna.TrialPruned()
        value = float(np.mean(fold_scores))
        if not np.isfinite(value):
            raise ValueError(f"the {s.primary.name} score is NaN (the model predicts non-finite values or one class)")
        signed = value * s.primary.sign()
        self._record_trial(cand, trial.number, params, results, signed)
        return value

    def _record_trial(self, cand: Candidate, number: int, params, results, signed):
        """Keep the trial's out-of-fold outputs when it is among the candidate's best few; best -> candidate."""
        if signed <= cand.best_value and len(cand.trials) >= self.s.keep_trials and \
                signed <= min(t.value for t in cand.trials):
            return
        rec = self._trial_record(cand, number, params, results, signed)
        cand.trials.append(rec)
        cand.trials.sort(key=lambda t: (-t.value, t.number))
        del cand.trials[self.s.keep_trials:]
        if signed > cand.best_value:
            cand.best_value = signed
            cand.best_params = dict(params)
            cand.fold_metrics = rec.fold_metrics
            cand.oof_pred = rec.oof_pred
            cand.oof_proba = rec.oof_proba
            cand.fit_seconds = rec.fit_seconds
            cand.predict_seconds = rec.predict_seconds
            cand.fold_models = rec.fold_models
            cand.fold_model = rec.fold_models[0] if rec.fold_models else None

    def _trial_record(self, cand: Candidate, number: int, params, results, signed) -> TrialRecord:
        s = self.s
        n = len(self.y)
        y = self.y
        oof_pred = np.empty(n, dtype=y.dtype if s.task != "regression" else float)
        oof_proba = np.full((n, len(s.classes)), np.nan) if s.classes is not None else None
        fold_metrics: dict[str, list[float]] = {m.name: [] for m in s.metrics}
        fit_s, pred_s, models = [], [], []
        has_proba = True
        for i, va, (pred, proba, calibrated, f, p, model) in sorted(results, key=lambda r: r[0]):
            oof_pred[va] = pred
            if proba is not None:
                oof_proba[va] = proba
            else:
                has_proba = False
            vals = compute_metrics(s.metrics, y[va], pred, proba, s.classes)
            if not calibrated:
                vals = {k: (float("nan") if k == "log_loss" else v) for k, v in vals.items()}
            for k, v in vals.items():
                fold_metrics[k].append(v)
            fit_s.append(f)
            pred_s.append(p)
            models.append(model)
        return TrialRecord(cand, number, dict(params), signed, fold_metrics, oof_pred,
                           oof_proba if (oof_proba is not None and has_proba) else None,
                           float(np.mean(fit_s)), float(np.mean(pred_s)), models)

    def run_trial(self, cand: Candidate) -> bool:
        """One Optuna trial of ``cand``; False when the budget stops further trials of it."""
        study = self._study(cand)
        waiting = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.WAITING,))
        if not waiting and cand.portfolio_left:
            # the next starting configuration, on the target scale the baseline chose
            config = dict(cand.portfolio_left.pop(0))
            if self.s.task == "regression" and len(self.s.target_transforms[1]) > 1:
                config["target_transform"] = self.default_transform
            study.enqueue_trial(config, user_attrs={"portfolio": True}, skip_if_exists=False)
        trial = study.ask()
        is_default = bool(trial.user_attrs.get("default_params")) or cand.n_trials == 0
        kind = "defaults" if is_default else ("portfolio" if trial.user_attrs.get("portfolio") else "sampled")
        self._running = f"{cand.candidate_id} trial {trial.number} ({kind})"
        if is_default:
            self._say("started %s", self._running)
        t0 = time.perf_counter()
        try:
            value = self._evaluate(cand, trial, is_default)
        except optuna.TrialPruned:
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
            cand.n_pruned += 1
            cand.n_trials += 1
            cand.trial_seconds.append(time.perf_counter() - t0)
            self._say("pruned %s after %.1f s: its first folds scored below the median | %s", self._running,
                      time.perf_counter() - t0, self._status())
            return True
        except OutOfTime as exc:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
            self._say("stopped %s: %s | %s", self._running, exc, self._status())
            if cand.status == "pending":
                cand.status, cand.error = "failed", f"timed out: {exc}"
            return False
        except TooCostly as exc:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
            cand.n_too_costly += 1
            self._say("passed over %s: %s | %s", self._running, exc, self._status())
            return cand.n_too_costly < 3  # smaller configurations may still fit; three misses end its tuning
        except Exception as exc:  # noqa: BLE001 - isolate the candidate, record the error
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
            cand.n_failed_trials += 1
            cand.n_trials += 1
            msg = f"{type(exc).__name__}: {exc}".strip()[:500]
            log.warning("candidate %s trial failed: %s", cand.candidate_id, msg)
            if cand.status == "pending":
                cand.status, cand.error = "failed", msg
                return False
            return cand.n_failed_trials < 3
        study.tell(trial, value)
        cand.n_trials += 1
        cand.trial_seconds.append(time.perf_counter() - t0)
        self._say("finished %s: %s %.4f in %.1f s | %s", self._running, self.s.primary.name, value,
                  time.perf_counter() - t0, self._status())
        if is_default:
            cand.default_value = cand.best_value
            cand.snapshot_defaults()
        cand.status = "ok"
        return True

    # ---------------------------------------------------------------- progress
    def _say(self, msg: str, *args) -> None:
        self._last_log = time.perf_counter()
        log.info(msg, *args, extra={"train_progress": self._progress()})

    def _progress(self) -> dict[str, Any]:
        """What a progress bar shows: share of the budget (or of the trial cap) used, and the status."""
        if self.deadline is not None:
            share = 1.0 - max(0.0, self.deadline - time.perf_counter()) / max(self.s.time_budget_s, 1e-9)
        elif self.s.n_trials:
            share = sum(c.n_trials for c in self.candidates) / max(1, self.s.n_trials * len(self.candidates))
        else:
            share = None
        return {"share": None if share is None else min(1.0, max(0.0, share)), "status": self._status()}

    def _status(self) -> str:
        done = sum(c.n_trials for c in self.candidates)
        ok = [c for c in self.candidates if c.status == "ok"]
        best = max(ok, key=lambda c: c.best_value, default=None)
        best_s = "none yet" if best is None else \
            f"best {best.candidate_id} {best.best_value * self.s.primary.sign():.4f}"
        left = "no time limit" if self.deadline is None else \
            f"{max(0.0, self.deadline - time.perf_counter()):.0f} s of budget left"
        return f"{done} trials done, {best_s}, {left}"

    def _heartbeat(self, stop) -> None:
        """A line at least every few seconds while a long trial runs (a person can follow the run)."""
        while not stop.wait(1.0):
            if time.perf_counter() - self._last_log >= self.heartbeat_s:
                self._say("still running %s | %s", self._running, self._status())

    heartbeat_s = 5.0

    # ---------------------------------------------------------------- budget policy
    def _order(self) -> list[Candidate]:
        """Cheap strong defaults first: the HGB baseline, then by relative cost."""
        return sorted(self.candidates, key=lambda c: (c.spec.name != BASELINE_MODEL, c.spec.cost, c.candidate_id))

    def _estimate(self, cand: Candidate) -> float:
        """Seconds one default trial of ``cand`` should take, from what was measured so far."""
        rounds = math.ceil(len(self.splits) / max(1, self.s.n_jobs if self.s.parallel == "folds" else 1))
        done = [c for c in self.candidates if c.status == "ok"]
        same = [c for c in done if c.spec.name == cand.spec.name]
        if same:
            return float(np.median([c.fit_seconds + c.predict_seconds for c in same])) * rounds
        ref = [(c.fit_seconds + c.predict_seconds) / c.spec.cost for c in done]
        return float(np.median(ref)) * cand.spec.cost * rounds if ref else 0.0

    def run(self) -> list[Candidate]:
        s = self.s
        folds = s.parallel == "folds"
        limits = threadpool_limits(1) if folds else None
        self._running, self._last_log = "setup", time.perf_counter()
        stop = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(stop,), daemon=True, name="train-progress")
        beat.start()
        try:
            with warnings.catch_warnings(), Parallel(n_jobs=s.n_jobs if folds else 1, backend="threading") as parallel:
                ignore_fit_warnings()
                self._parallel = parallel
                self._defaults()
                self._tune()
        finally:
            stop.set()
            beat.join()
            self.cache = FoldCache(self.X, self.splits)  # the preprocessed folds are not needed any more
            self._parallel = None
            if limits is not None:
                limits.restore_original_limits()
        return self.candidates

    def _decide_target_transform(self, baseline: Candidate) -> None:
        """Regression: the baseline's defaults on the preferred target scale (its next queued trial) against its
        defaults on the raw scale; the better one is the target scale of every other model's default trial."""
        preferred, choices = self.s.target_transforms
        if self.s.task != "regression" or preferred == "none" or len(choices) < 2 or baseline.status != "ok":
            return
        raw = baseline.best_value
        if self.run_trial(baseline) and baseline.best_value > raw:
            self.default_transform = preferred
        self._say("target scale for the models' defaults: %s (%s %s vs raw %s)", self.default_transform,
                  preferred, "better" if self.default_transform == preferred else "not better",
                  f"{raw * self.s.primary.sign():.4f}")

    default_transform = "none"

    probe_above_rows = 5_000  # a family not timed yet is probed on a sample when a fold fits more rows
    probe_share = 8  # the probe fits 1 / probe_share of the fold's training rows

    def _probe(self, cand: Candidate) -> float:
        """Seconds one default trial of a family not timed yet should take, from a fit on a sample of the first
        fold (0 when the fold is small or the family was timed): a model whose cost the relative-cost table
        misjudges (a solver that does not converge, kNN's quadratic predictions) must not overrun the budget."""
        tr, va = self.splits[0]
        if len(tr) <= self.probe_above_rows or any(c.tried and c.spec.name == cand.spec.name
                                                    for c in self.candidates if c is not cand):
            return 0.0
        rng = np.random.default_rng(self.s.seed)
        r = self.probe_share
        sub_tr = np.sort(rng.choice(len(tr), len(tr) // r, replace=False))
        sub_va = np.sort(rng.choice(len(va), max(1, len(va) // r), replace=False))
        try:
            with threadpool_limits(1), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pre, Xtr, Xva = self.cache.get(cand.preprocess_id, cand.preprocessor, 0)
                est = cand.spec.build(self.s.task, {}, self.s.seed, 1)
                _set_time_limit(est, max(1.0, self.remaining()))
                t0 = time.perf_counter()
                est.fit(_rows(Xtr, sub_tr), self.y[tr][sub_tr])
                t1 = time.perf_counter()
                est.predict(_rows(Xva, sub_va))
                t2 = time.perf_counter()
        except Exception:  # noqa: BLE001 - the trial itself reports the model's error
            return 0.0
        # fit time grows at least linearly in the rows; predictions against r x the rows for r x the rows
        per_fold = (t1 - t0) * r ** 1.2 + (t2 - t1) * r * r
        rounds = math.ceil(len(self.splits) / max(1, self.s.n_jobs if self.s.parallel == "folds" else 1))
        return per_fold * rounds

    def _defaults(self):
        for i, cand in enumerate(self._order()):
            if i == 1 and self._order()[0].spec.name == BASELINE_MODEL:
                self._decide_target_transform(self._order()[0])
            if self.deadline is not None:
                est, left = self._estimate(cand), self.remaining()
                if i > 0 and 0 < left and est <= left:
                    est = max(est, self._probe(cand))
                    left = self.remaining()
                if left <= 0 or (est > left and self._one_finished()):
                    cand.status = "failed"
                    cand.error = (f"skipped: the time budget left {max(left, 0):.1f} s, a default fit needs about "
                                  f"{est:.1f} s; raise train.time_budget_s to include it")
                    continue
            self.run_trial(cand)

    reach = 1.5  # a candidate whose error is above this multiple of the leader's gets no tuning time

    def _error(self, signed: float) -> float:
        """Distance of a score from a perfect one: 1 - score for scores that top at 1 (R², ROC AUC, accuracy),
        the loss itself for losses (RMSE, log loss)."""
        value = signed * self.s.primary.sign()
        return 1.0 - value if self.s.primary.greater_is_better else value

    def _within_reach(self, live: list[Candidate]) -> list[Candidate]:
        """The open candidates that tuning may still bring level with the leader: their error at most ``reach``
        times the best candidate's. A family three times the leader's error after its defaults and first
        configurations (a linear model on a non-linear problem, an MLP on a table) would spend the budget
        where it cannot pay; the boosters near the top get those trials instead."""
        ok = [c for c in self.candidates if c.status == "ok"]
        if not ok:
            return live
        leader = self._error(max(c.best_value for c in ok))
        if not leader > 0:  # a perfect score (or a metric that does not top at 1): no way to judge
            return live
        return [c for c in live if self._error(c.best_value) <= self.reach * leader]

    def _tune(self):
        s = self.s
        cap = s.n_trials if s.n_trials is not None else (None if self.deadline is not None else 20)

        def open_(c):
            return c.status == "ok" and (cap is None or c.n_trials < cap) and c.n_failed_trials < 3 and not c.stopped

        for c in self.candidates:
            c.stopped = False
        if self.deadline is None:  # fixed number of trials per candidate: deterministic
            for c in self.candidates:
                while open_(c):
                    if not self.run_trial(c):
                        c.stopped = True
            return
        rung = 0
        while self.remaining() > 0:
            live = sorted((c for c in self.candidates if open_(c)), key=lambda c: -c.best_value)
            if not live:
                break
            live = self._within_reach(live) or live
            keep = max(min(2, len(live)), math.ceil(len(live) / 2**rung))
            progressed = False
            for c in live[:keep]:
                for _ in range(2**rung):
                    if not open_(c) or self.remaining() <= 0:
                        break
                    typical = float(np.median(c.trial_seconds)) if c.trial_seconds else 0.0
                    if typical > self.remaining():
                        c.stopped = True
                        break
                    if not self.run_trial(c):
                        c.stopped = True
                        break
                    progressed = True
            if not progressed:
                break
            rung += 1
