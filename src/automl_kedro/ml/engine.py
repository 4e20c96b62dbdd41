"""The training engine: candidates searched under a budget, ensembles, recommendation, refit.

Entry point: :func:`train`. It receives the raw training rows (feature columns only), the
target and a dict of unfitted preprocessors, and returns a :class:`TrainResult` whose ``model``
is a fitted scikit-learn Pipeline applied to the raw feature columns.

Selection reads CV scores only and is robust to CV noise (:mod:`automl_kedro.ml.selection`):
tuned parameters, a model other than the default HistGradientBoosting baseline, and an ensemble
each replace the simpler option only when their mean paired per-fold advantage exceeds
``selection_margin_se`` standard errors (the larger of the per-fold one and the validation rows' one,
:mod:`automl_kedro.ml.row_noise`). ``recommendation["selection"]`` records every comparison.
"""
from __future__ import annotations

import json
import logging
import math
import pickle
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from automl_kedro.config.train import TrainParams
from automl_kedro.errors import AutoMLInputError
from automl_kedro.features.native import input_kind
from automl_kedro.ml import ensemble as ens
from automl_kedro.ml import figures as figs
from automl_kedro.ml.cv import make_splits, oof_mask, resolve_strategy, stratification_labels, unscored_classes
from automl_kedro.ml.idle_cores import IdleCores
from automl_kedro.ml.importance import COLUMNS, importance_figure, permutation_importance
from automl_kedro.ml.metrics import METRICS, default_primary_metric, resolve_metrics
from automl_kedro.ml.models import (BASELINE_MODEL, DEFAULT_MODELS, MODELS, load_plugins, resolve_models,
                                    target_transform_choices)
from automl_kedro.ml.recommend import rank_leaderboard, recommend
from automl_kedro.ml.search import Candidate, Search, SearchSettings, _set_time_limit
from automl_kedro.ml.row_noise import RowNoise, row_se_between
from automl_kedro.ml.selection import Comparison, compare_both, select

log = logging.getLogger(__name__)


class NoSuccessfulCandidateError(AutoMLInputError):
    """Every candidate failed."""


@dataclass
class TrainResult:
    model: Pipeline
    preprocess: Any
    leaderboard: pd.DataFrame
    recommendation: dict[str, Any]
    candidates: list[dict[str, Any]]
    figures: dict[str, Any]
    metrics: dict[str, Any]
    timings: dict[str, float]
    skipped_models: dict[str, str]
    oof_predictions: pd.DataFrame | None = None  # the recommendation's out-of-fold predictions (train.oof_predictions)
    feature_importance: pd.DataFrame | None = None  # permutation importance per raw column (train.feature_importance)


def _with_fixed_params(spec, fixed: dict[str, Any]):
    """A copy of ``spec`` whose defaults include the user's fixed parameters."""
    from dataclasses import replace

    return replace(spec, defaults={**spec.defaults, **fixed})


def _check_target(y: pd.Series, task: str) -> None:
    if y.isna().any():
        raise AutoMLInputError(
            f"The target has {int(y.isna().sum())} missing values in the training rows; drop those rows first."
        )
    if task != "regression" and y.nunique() < 2:
        raise AutoMLInputError(f"The target has a single class ({y.iloc[0]!r}) in the training rows; "
                               "classification needs at least two.")


def _size_bytes(model) -> int:
    try:
        return len(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001 - an unpicklable model still gets a row
        return -1


def _n_features(pipeline, X) -> int:
    try:
        return int(len(pipeline[:-1].get_feature_names_out()))
    except Exception:  # noqa: BLE001
        try:
            return int(pipeline[:-1].transform(X.head(2)).shape[1])
        except Exception:  # noqa: BLE001
            return -1


def _summary(fold_metrics: dict[str, list[float]]) -> dict[str, float]:
    out = {}
    for k, vals in fold_metrics.items():
        arr = np.asarray(vals, dtype=float)
        out[f"cv_{k}_mean"] = float(np.nanmean(arr)) if np.isfinite(arr).any() else float("nan")
        out[f"cv_{k}_std"] = float(np.nanstd(arr)) if np.isfinite(arr).any() else float("nan")
    return out


def as_params(params: TrainParams | dict[str, Any] | None) -> TrainParams:
    """The validated ``train:`` section (the engine's one configuration)."""
    return params if isinstance(params, TrainParams) else TrainParams.model_validate(params or {})


def pair_candidates(preprocessors: dict[str, Any], specs) -> list[Candidate]:
    """Each model with the inputs it needs: tree boosters (``input_kind`` native) get the native variant when
    featurize made one, every other model the dense variants (imputed, one-hot, scaled)."""
    kinds = {pid: input_kind(pre) for pid, pre in preprocessors.items()}
    dense = [pid for pid, k in kinds.items() if k == "dense"]
    native = [pid for pid, k in kinds.items() if k == "native"]
    out = []
    for spec in specs:
        pids = native if (spec.input_kind == "native" and native) else dense
        out.extend(Candidate(pid, spec, preprocessors[pid]) for pid in pids)
    return out


@dataclass
class SearchOutcome:
    """What the search found: every candidate with its trials' out-of-fold outputs and fold models.

    The train phase's ``search`` node saves it (``train.search_state``); ``select``, ``ensemble`` and
    ``finalize`` read it, so selection can be replayed with another margin without searching again.
    """

    task: str
    classes: list[str] | None
    y: np.ndarray
    splits: list
    strategy: str
    candidates: list[Candidate]
    metric_names: list[str]
    primary_name: str
    refit: bool
    budget: float | None
    started_at: float  # time.time() when the search started: the later steps keep to the same wall clock
    search_seconds: float
    skipped_models: dict[str, str]
    seed: int
    target_transforms: tuple[str, list[str]] = ("none", ["none"])
    default_transform: str = "none"

    @property
    def metric_specs(self):
        return [METRICS.get(n) for n in self.metric_names]

    @property
    def primary(self):
        return METRICS.get(self.primary_name)

    @property
    def mask(self) -> np.ndarray:
        return oof_mask(self.splits, len(self.y))

    def left(self) -> float:
        """Seconds of the budget left (inf without one)."""
        return math.inf if self.budget is None else self.budget - (time.time() - self.started_at)

    def ok(self) -> list[Candidate]:
        return [c for c in self.candidates if c.status == "ok"]


def trial_log(outcome: SearchOutcome) -> pd.DataFrame:
    """One row per kept trial (the best few of each candidate) and one per candidate that never ran."""
    sign = outcome.primary.sign()
    rows = []
    for c in outcome.candidates:
        for t in sorted(c.trials, key=lambda t: t.number):
            rows.append({"candidate_id": c.candidate_id, "trial": t.number, "model": c.model,
                         "preprocess_id": c.preprocess_id, f"cv_{outcome.primary_name}": t.value * sign,
                         "fit_seconds": t.fit_seconds, "params": json.dumps(t.params, default=str, sort_keys=True),
                         "status": "ok", "error": None})
        if not c.trials:
            rows.append({"candidate_id": c.candidate_id, "trial": None, "model": c.model,
                         "preprocess_id": c.preprocess_id, f"cv_{outcome.primary_name}": None, "fit_seconds": None,
                         "params": None, "status": "failed", "error": c.error or "not evaluated"})
    return pd.DataFrame(rows)


def run_search(X: pd.DataFrame, y: pd.Series, task: str, preprocessors: dict[str, Any],
               params: TrainParams | dict[str, Any] | None = None, *, groups=None, times=None,
               cv_strategy: str | None = None, storage: str | None = None) -> SearchOutcome:
    """Step 1: every model with its inputs, searched under the budget (see :mod:`automl_kedro.ml.search`)."""
    cfg = as_params(params)
    started, t0 = time.time(), time.perf_counter()
    load_plugins(list(cfg.plugins))
    if not preprocessors:
        raise AutoMLInputError("No preprocessing variant was given; featurize must provide at least one.")
    X = X.reset_index(drop=True)
    y = pd.Series(y).reset_index(drop=True)
    _check_target(y, task)
    if task == "regression":
        y_arr = y.astype(float).to_numpy()
        classes = None
    else:
        y_arr = y.astype(str).to_numpy(dtype=object)
        classes = sorted(pd.unique(y_arr).tolist())

    resolved, specs = _model_specs(cfg, task, len(y_arr))
    metric_specs, primary = _metric_specs(cfg, task)
    strategy, splits = _cv_splits(X, y_arr, task, preprocessors, cfg, cv_strategy, groups, times)
    if task != "regression" and (unscored := unscored_classes(y_arr, splits)):
        log.warning("classes too rare for %d-fold cross-validation, not scored: %s", len(splits), unscored)
    candidates = pair_candidates(preprocessors, specs)
    budget = cfg.time_budget_s
    # keep back time for ensembles, the final model, importance and figures (the search adds refit estimates)
    reserve = 0.0 if budget is None else 0.1 * budget + (1.5 if cfg.figures else 0.0)
    settings = SearchSettings(
        task=task, metrics=metric_specs, primary=primary, params=cfg, classes=classes,
        storage=storage if storage is not None else cfg.storage, reserve_s=reserve,
        target_transforms=target_transform_choices(y_arr) if task == "regression" else ("none", ["none"]),
    )
    settings.refit = not _bags(cfg, strategy, splits)
    settings.refit_scale = len(y_arr) / max(1, len(splits[0][0]))
    search = Search(X, y_arr, splits, candidates, settings)
    if budget is not None:  # the budget counts from the start of the train step (splits and probe included)
        search.deadline = t0 + budget
    if cfg.figures:  # plotly's first figure costs seconds: pay it while the models fit (they release the GIL)
        threading.Thread(target=figs.warm_up, daemon=True, name="plotly-warm-up").start()
    search.run()
    outcome = SearchOutcome(
        task=task, classes=classes, y=y_arr, splits=search.splits, strategy=strategy, candidates=candidates,
        metric_names=[m.name for m in metric_specs], primary_name=primary.name, refit=settings.refit,
        budget=budget, started_at=started, search_seconds=time.perf_counter() - t0,
        skipped_models=resolved.skipped, seed=cfg.seed, target_transforms=settings.target_transforms,
        default_transform=search.default_transform)
    if not outcome.ok():
        detail = "; ".join(f"{c.candidate_id}: {c.error}" for c in candidates)
        raise NoSuccessfulCandidateError(
            f"All {len(candidates)} candidates failed, so there is no model to recommend. Errors: {detail}"
        )
    _drop_unused_fold_models(outcome, cfg)
    return outcome


def _model_specs(cfg: TrainParams, task: str, n_rows: int):
    """The registry entries to search (the HGB baseline added), with the user's fixed parameters."""
    names = cfg.model_names() or list(DEFAULT_MODELS)
    if cfg.include_baseline and BASELINE_MODEL not in [MODELS.canonical(n) for n in names]:
        names = [BASELINE_MODEL, *names]
    resolved = resolve_models(names, task, n_rows=n_rows)
    fixed = {MODELS.canonical(k): v for k, v in cfg.model_params().items()}
    specs = [_with_fixed_params(s, fixed.get(s.name, {})) for s in resolved.specs]
    if not specs:
        raise AutoMLInputError(
            f"No model can run on this {task} problem: "
            + "; ".join(f"{k}: {v}" for k, v in resolved.skipped.items())
        )
    return resolved, specs


def _metric_specs(cfg: TrainParams, task: str):
    """The metrics to report and the primary one (first)."""
    metric_specs = resolve_metrics(cfg.metrics, task)
    primary_name = default_primary_metric(task) if cfg.primary_metric in (None, "", "auto") else cfg.primary_metric
    primary = METRICS.get(primary_name)
    if task not in primary.tasks:
        raise AutoMLInputError(f"Primary metric {primary.name!r} does not apply to {task} problems.")
    if primary not in metric_specs:
        metric_specs = [primary, *metric_specs]
    return metric_specs, primary


def _cv_splits(X, y_arr, task, preprocessors, cfg: TrainParams, cv_strategy, groups, times):
    """(strategy, splits): k-fold as configured, or above ``holdout_above_rows`` one holdout on a sample."""
    strategy = resolve_strategy(cv_strategy or cfg.cv_strategy, task, groups, times)
    if len(y_arr) > cfg.holdout_above_rows and strategy in ("kfold", "stratified"):
        rows = _affordable_rows(X, y_arr, task, preprocessors, cfg)
        splits = [_holdout(y_arr, task, cfg, rows)]  # many rows: one holdout split on a sample instead of k-fold
        log.info("holdout on %d of %d rows (%d to fit, %d to score)", len(splits[0][0]) + len(splits[0][1]),
                 len(y_arr), len(splits[0][0]), len(splits[0][1]))
        return "holdout", splits
    return strategy, make_splits(y_arr, task, strategy=strategy, n_folds=cfg.cv_folds, seed=cfg.seed, groups=groups,
                                 times=times)


def _affordable_rows(X: pd.DataFrame, y: np.ndarray, task: str, preprocessors, cfg: TrainParams) -> int:
    """How many rows the search may use: the default HistGradientBoosting is timed on a small probe, and the
    sample is sized so that its first trial takes about a tenth of the budget (cheap first: a machine that
    is slow or busy gets a smaller sample, never a search that cannot start)."""
    if cfg.time_budget_s is None:
        return cfg.search_max_rows
    probe_n = min(2000, len(y))
    rng = np.random.default_rng(cfg.seed)
    idx = np.sort(rng.choice(len(y), probe_n, replace=False))
    pre = next((p for p in preprocessors.values() if input_kind(p) == "native"), next(iter(preprocessors.values())))
    t0 = time.perf_counter()
    try:
        with threadpool_limits(1):
            Pipeline([("preprocess", clone(pre)), ("model", MODELS.get(BASELINE_MODEL).build(task, {}, cfg.seed))]) \
                .fit(X.iloc[idx], y[idx])
    except Exception as exc:  # noqa: BLE001 - the search reports the baseline's failure itself
        log.warning("timing probe failed: %s", exc)
        return cfg.search_max_rows
    seconds = max(time.perf_counter() - t0, 1e-3)
    rows = int(probe_n * 0.1 * cfg.time_budget_s / seconds / (1 + 1.0 / (cfg.cv_folds - 1)))
    log.info("timing probe: a default %s on %d rows took %.2f s", BASELINE_MODEL, probe_n, seconds)
    return int(min(cfg.search_max_rows, max(2_000, rows)))


def _holdout(y: np.ndarray, task: str, cfg: TrainParams, max_rows: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """One split of at most ``max_rows`` (default ``search_max_rows``) rows, 1 / cv_folds of them for
    validation, stratified for classification; the rows outside it are used only by the final refit."""
    from sklearn.model_selection import train_test_split

    max_rows = max_rows or cfg.search_max_rows
    idx = np.arange(len(y))
    codes = pd.factorize(y)[0] if task != "regression" else None  # integers: stratifying strings is slow
    strat = None if codes is None else stratification_labels(codes)
    if len(y) > max_rows:
        idx, _ = train_test_split(idx, train_size=max_rows, random_state=cfg.seed, stratify=strat)
        strat = None if codes is None else stratification_labels(codes[idx])
    tr, va = train_test_split(idx, test_size=1.0 / cfg.cv_folds, random_state=cfg.seed, stratify=strat)
    return np.sort(tr), np.sort(va)


def _drop_unused_fold_models(outcome: SearchOutcome, cfg: TrainParams) -> None:
    """Fold models are kept only where a final model may need them: each candidate's best and defaults
    trials and the trials the voting ensemble may pick (memory and the size of train.search_state)."""
    pool = {id(t) for t in ens.distinct_trials([t for c in outcome.ok() for t in c.trials], outcome.task,
                                               limit=cfg.ensemble_pool_size)}
    for c in outcome.candidates:
        keep = {id(m) for m in c.fold_models}
        if c.default_state:
            keep |= {id(m) for m in c.default_state.get("fold_models") or []}
        for t in c.trials:
            if id(t) not in pool and not ({id(m) for m in t.fold_models} & keep):
                t.fold_models = []


def _folds_of(obj, primary) -> list[float]:
    return [float(v) for v in obj.fold_metrics[primary.name]]


def select_candidates(outcome: SearchOutcome, margin_se: float, row_noise: bool = True) -> dict[str, Any]:
    """Step 2: the noise-margin choices among single candidates (see :mod:`automl_kedro.ml.selection`).

    1. tuned parameters replace a model's defaults only beyond the margin;
    2. the best single candidate replaces the default HistGradientBoosting baseline only beyond it.

    ``row_noise``: the margin also reads the validation rows' sampling error (``train.selection_row_noise``).
    """
    primary, z = outcome.primary, margin_se
    noise = _row_noise(outcome, row_noise)
    tuning_kept = {c.candidate_id: _tuning_pays_off(c, primary, z, noise) for c in outcome.ok()
                   if c.default_state is not None and c.best_value > c.default_state["best_value"]}
    scores, outputs = {}, {}
    for c in outcome.ok():
        state = c.default_state if tuning_kept.get(c.candidate_id) is False else None
        state = state or {k: getattr(c, k) for k in ("fold_metrics", "oof_pred", "oof_proba")}
        scores[c.candidate_id] = [float(v) for v in state["fold_metrics"][primary.name]]
        outputs[c.candidate_id] = (state["oof_pred"], state["oof_proba"])
    baseline = next((c for c in outcome.ok() if c.model == BASELINE_MODEL), None)
    ranked = sorted(outcome.ok(), key=lambda c: -np.mean(scores[c.candidate_id]) * primary.sign())
    incumbent = baseline if baseline is not None else ranked[0]
    chosen, cmps = select(incumbent.candidate_id, scores, greater_is_better=primary.greater_is_better, z=z,
                          row_se=row_se_between(noise, outputs.get))
    return {"margin_se": z, "row_noise": row_noise, "tuning_kept": tuning_kept, "incumbent": incumbent.candidate_id,
            "chosen_single": chosen, "single_comparisons": [c.as_dict() for c in cmps]}


def _tuning_pays_off(c: Candidate, primary, z: float, noise: RowNoise | None) -> bool:
    """Whether the tuned parameters beat the candidate's defaults beyond the margin."""
    tuned, defaults = c.candidate_id, f"{c.candidate_id}#defaults"
    outputs = {tuned: (c.oof_pred, c.oof_proba), defaults: (c.default_state["oof_pred"], c.default_state["oof_proba"])}
    return compare_both(_folds_of(c, primary), c.default_state["fold_metrics"][primary.name],
                        greater_is_better=primary.greater_is_better, z=z, names=(tuned, defaults),
                        row_se=row_se_between(noise, outputs.get)).wins


def _row_noise(outcome: SearchOutcome, reads_rows: bool = True) -> RowNoise | None:
    """The primary metric's sampling error over the validation rows (the margin's second estimate); None when
    the rule reads the folds alone (``train.selection_row_noise: false``)."""
    return RowNoise(outcome.primary, outcome.y, outcome.splits, outcome.classes, seed=outcome.seed) if reads_rows \
        else None


def _reads_rows(selection: dict[str, Any]) -> bool:
    """Whether a selection's margin read the validation rows (selections saved before the option: yes)."""
    return selection.get("row_noise", True)


def apply_selection(outcome: SearchOutcome, selection: dict[str, Any]) -> list[Candidate]:
    """Candidates whose tuning did not pay off back on their defaults; the ok ones, best first."""
    for c in outcome.ok():
        c.tuning_kept = selection["tuning_kept"].get(c.candidate_id)
        if c.tuning_kept is False:
            c.restore_defaults()
    return sorted(outcome.ok(), key=lambda c: -c.best_value)


def build_ensembles(outcome: SearchOutcome, selection: dict[str, Any], params: TrainParams | dict | None = None
                    ) -> dict[str, Any]:
    """Step 3: greedy (Caruana) voting over the best distinct trials and stacking over the top candidates,
    each kept only when it beats the chosen single candidate beyond the margin."""
    cfg = as_params(params)
    ok = apply_selection(outcome, selection)
    task, y, splits, mask, classes = outcome.task, outcome.y, outcome.splits, outcome.mask, outcome.classes
    metric_specs, primary, z = outcome.metric_specs, outcome.primary, selection["margin_se"]
    ensembles: list[ens.EnsembleResult] = []
    kinds = [k.lower() for k in (cfg.ensembles or ())]
    top = ok[: max(2, cfg.ensemble_top_k)]
    refit_cost = 0.0 if not outcome.refit else sum(c.fit_seconds for c in top) / max(cfg.n_jobs, 1) * 1.3
    # a search on a sample of a big table: the final single model is refit on as many rows as the budget allows,
    # an ensemble would keep its members' fits on the sample (rows pay more than averaging there)
    sampled = outcome.strategy == "holdout" and len(splits[0][0]) + len(splits[0][1]) < len(y)
    if len(top) >= 2 and outcome.left() > 2 * refit_cost and not sampled:
        if "voting" in kinds:
            pool = ens.distinct_trials([t for c in ok for t in c.trials if t.fold_models or outcome.refit], task,
                                       limit=cfg.ensemble_pool_size)
            v = ens.voting(pool, y, splits, mask, task, metric_specs, primary, classes)
            if v is not None:
                ensembles.append(v)
        if "stacking" in kinds and outcome.strategy not in ("time", "holdout"):
            st = ens.stacking(top, y, splits, mask, task, metric_specs, primary, classes, outcome.seed)
            if st is not None:
                ensembles.append(st)
    single_id = selection["chosen_single"]
    single = next(c for c in ok if c.candidate_id == single_id)
    scores = {single_id: _folds_of(single, primary), **{f"ensemble/{e.kind}": _folds_of(e, primary) for e in ensembles}}
    outputs = {single_id: (single.oof_pred, single.oof_proba),
               **{f"ensemble/{e.kind}": (e.oof_pred, e.oof_proba) for e in ensembles}}
    chosen_id, cmps = select(single_id, scores, greater_is_better=primary.greater_is_better, z=z,
                             row_se=row_se_between(_row_noise(outcome, _reads_rows(selection)), outputs.get))
    kept = [e for e in ensembles if any(c.challenger == f"ensemble/{e.kind}" and c.wins for c in cmps)]
    return {"ensembles": ensembles, "kept": kept, "chosen": chosen_id, "comparisons": [c.as_dict() for c in cmps]}


def _final_model(outcome: SearchOutcome, chosen_id: str, kept, X: pd.DataFrame | None, cfg: TrainParams, y=None):
    """The recommended model on raw rows: the fold models averaged, or a refit on all rows."""
    task, classes = outcome.task, outcome.classes
    by_id = {c.candidate_id: c for c in outcome.candidates}
    if outcome.refit and X is None:
        raise AutoMLInputError("The final refit needs the training rows; pass X.")
    # one OpenMP thread, as in the search (members refit in parallel threads): on a busy machine a
    # HistGradientBoosting with 2 OpenMP threads took 126 s where one thread took 3 s (spinning teams);
    # a single model's refit takes the cores no other process uses (_refit_threads)
    with threadpool_limits(1):
        if chosen_id.startswith("ensemble/"):
            e = next(e for e in kept if f"ensemble/{e.kind}" == chosen_id)
            estimator = ens.final_estimator(e, task, classes, outcome.seed, cfg.n_jobs)
            if outcome.refit:
                for member in estimator.members:  # forests stop growing when the budget is spent
                    _set_time_limit(member, max(1.0, outcome.left()))
                estimator.fit(X, outcome.y if y is None else y)
            else:
                ens.prefitted(estimator, [ens.FoldBag.from_folds(m.fold_models, task, classes) for m in e.members],
                              classes)
            first = estimator.members_[0]
            preprocess = (first.members_[0] if isinstance(first, ens.FoldBag) else first).named_steps["preprocess"]
            return Pipeline([("preprocess", "passthrough"), ("model", estimator)]), preprocess
        chosen = by_id[chosen_id]
        if outcome.refit:
            threads = _refit_threads(cfg, len(X))
            model = chosen.pipeline(outcome.seed, threads)
            if outcome.budget is not None:
                _set_time_limit(model, max(1.0, outcome.left()))
            with threadpool_limits(threads):
                model.fit(X, outcome.y if y is None else y)
            return model, model.named_steps["preprocess"]
        model = Pipeline([("preprocess", "passthrough"),
                          ("model", ens.FoldBag.from_folds(chosen.fold_models, task, classes))])
        return model, chosen.fold_models[0].named_steps["preprocess"]


def _refit_threads(cfg: TrainParams, rows: int) -> int:
    """Threads for a single model's refit: ``n_jobs`` on a big table while no other process uses the cores
    (a short look first), else one (spinning OpenMP threads on a busy machine were 40x slower). Without a time
    budget always one, so that a fixed number of trials gives the same model whatever the load."""
    if cfg.time_budget_s is None or cfg.n_jobs <= 1 or rows < Search.threads_above_rows:
        return 1
    return IdleCores().look().threads(cfg.n_jobs)


class _heartbeat:
    """A log line every 5 s while a long step after the search runs (a person can follow the run)."""

    def __init__(self, what: str, outcome: SearchOutcome):
        self.what, self.outcome = what, outcome
        self.stop = threading.Event()

    def _beat(self) -> None:
        start = time.perf_counter()
        while not self.stop.wait(5.0):
            left = self.outcome.left()
            log.info("still %s (%.0f s)%s", self.what, time.perf_counter() - start,
                     "" if math.isinf(left) else f", {max(0.0, left):.0f} s of budget left")

    def __enter__(self):
        log.info("%s", self.what)
        self.thread = threading.Thread(target=self._beat, daemon=True, name="train-progress")
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        return False


def _refit_rows(outcome: SearchOutcome, chosen_id: str, kept, cfg: TrainParams) -> int:
    """How many training rows the final refit can use within the budget (all of them without one): the
    measured fit time of the recommendation's members, scaled by rows, with a 1.3 safety factor."""
    n = len(outcome.y)
    if outcome.budget is None:
        return n
    e = next((e for e in kept if f"ensemble/{e.kind}" == chosen_id), None)
    if e is not None:
        return 0  # an ensemble's members, fitted in parallel, overran the linear estimate: keep their fits
    members = [c for c in outcome.candidates if c.candidate_id == chosen_id]
    fitted_rows = max(1, len(outcome.splits[0][0]))
    per_row = 1.3 * sum(m.fit_seconds for m in members) / max(1, min(cfg.n_jobs, len(members))) / fitted_rows
    left = max(0.0, outcome.left()) + 0.1 * outcome.budget
    # small fits overstate the per-row cost (fixed overheads): the extrapolation is capped, _grow_refit goes on
    return int(min(n, 20 * fitted_rows, left / max(per_row, 1e-12)))


def _fold_predictors(outcome: SearchOutcome, chosen_id: str, kept) -> list:
    """For each fold, the recommended model as fitted without that fold's rows (for importance)."""
    task, classes = outcome.task, outcome.classes
    if not chosen_id.startswith("ensemble/"):
        return next(c for c in outcome.candidates if c.candidate_id == chosen_id).fold_models
    e = next(e for e in kept if f"ensemble/{e.kind}" == chosen_id)
    if any(not m.fold_models for m in e.members):
        return []
    out = []
    for k in range(len(outcome.splits)):
        est = ens.final_estimator(e, task, classes, outcome.seed, 1)
        out.append(ens.prefitted(est, [m.fold_models[k] for m in e.members], classes))
    return out


def oof_frame(outcome: SearchOutcome, chosen_id: str, kept, sample_ids=None) -> pd.DataFrame:
    """The recommended model's out-of-fold predictions (rows covered by a validation fold), original scale."""
    src = next((e for e in kept if f"ensemble/{e.kind}" == chosen_id), None) or \
        next(c for c in outcome.candidates if c.candidate_id == chosen_id)
    mask = outcome.mask
    ids = np.asarray(sample_ids if sample_ids is not None else np.arange(len(outcome.y))).astype(str)
    out = pd.DataFrame({"sample_id": ids[mask], "y_true": outcome.y[mask], "y_pred": np.asarray(src.oof_pred)[mask]})
    if outcome.classes is not None:
        out["y_true"] = out["y_true"].astype(str)
        out["y_pred"] = out["y_pred"].astype(str)
        if src.oof_proba is not None:
            for j, cls in enumerate(outcome.classes):
                out[f"proba_{cls}"] = src.oof_proba[mask, j]
    return out


def finalize(outcome: SearchOutcome, selection: dict[str, Any], ensembles: dict[str, Any],
             X: pd.DataFrame | None, params: TrainParams | dict | None = None, sample_ids=None) -> TrainResult:
    """Step 4: leaderboard, recommendation, the final model, permutation importance, records and figures."""
    cfg = as_params(params)
    ok = apply_selection(outcome, selection)
    kept, chosen_id = ensembles["kept"], ensembles["chosen"]
    t_lb = time.perf_counter()
    leaderboard = _leaderboard(outcome, kept, X)
    recommendation = _recommendation(outcome, selection, ensembles, leaderboard, ok)
    lb_s = time.perf_counter() - t_lb

    t_refit = time.perf_counter()
    refit_X, refit_y = _refit_data(outcome, chosen_id, kept, X, cfg, recommendation)
    with _heartbeat(f"fitting the final model {chosen_id}", outcome):
        model, preprocess = _final_model(outcome, chosen_id, kept, refit_X, cfg, refit_y)
        if outcome.refit and len(refit_y) < len(outcome.y) and not chosen_id.startswith("ensemble/"):
            model, preprocess = _grow_refit(outcome, chosen_id, kept, X, cfg, recommendation, model, preprocess,
                                            len(refit_y), time.perf_counter() - t_refit)
    refit_s = time.perf_counter() - t_refit

    t_imp = time.perf_counter()
    importance = _importance(outcome, chosen_id, kept, X)
    imp_s = time.perf_counter() - t_imp

    t_fig = time.perf_counter()
    records, plots = _records_and_figures(outcome, leaderboard, kept, chosen_id, cfg)
    if cfg.figures and not importance.empty:
        plots["02_explain/feature_importance"] = importance_figure(importance, outcome.primary.name)
    metrics = _cv_metrics(outcome, leaderboard, chosen_id, recommendation)
    total = time.time() - outcome.started_at
    timings = {"search_seconds": outcome.search_seconds, "leaderboard_seconds": lb_s, "refit_seconds": refit_s,
               "importance_seconds": imp_s, "figures_seconds": time.perf_counter() - t_fig, "total_seconds": total}
    metrics["train_seconds_total"] = total
    log.info("recommended %s (%s %.4f); train phase %.1f s of a %s s budget", chosen_id, outcome.primary.name,
             metrics[outcome.primary.name] or float("nan"), total, outcome.budget)
    return TrainResult(model, preprocess, leaderboard, recommendation, records, plots, metrics, timings,
                       outcome.skipped_models, oof_frame(outcome, chosen_id, kept, sample_ids), importance)


def _leaderboard(outcome: SearchOutcome, kept, X: pd.DataFrame | None) -> pd.DataFrame:
    """One row per candidate (failed ones with their error) and per kept ensemble, ranked."""
    primary, n_rows = outcome.primary, int(len(outcome.y))
    rows, sizes = [], {}
    for c in outcome.candidates:
        row = {"candidate_id": c.candidate_id, "preprocess_id": c.preprocess_id, "model": c.model,
               "status": c.status if c.status != "pending" else "failed",
               "error": c.error if c.status != "pending" else "not evaluated: the time budget ran out",
               "n_trials": c.n_trials, "n_pruned": c.n_pruned}
        if c.status == "ok":
            size = _size_bytes(c.fold_model)
            sizes[c.candidate_id] = size
            row.update(_summary(c.fold_metrics))
            row.update({"fit_seconds": c.fit_seconds, "predict_seconds": c.predict_seconds, "size_bytes": size,
                        "n_features": _n_features(c.fold_model, X) if X is not None else -1, "n_rows_train": n_rows,
                        "params": json.dumps(c.final_params(), default=str, sort_keys=True)})
        rows.append(row)
    for e in kept:
        row = {"candidate_id": f"ensemble/{e.kind}", "preprocess_id": "ensemble", "model": f"{e.kind}_ensemble",
               "status": "ok", "error": None, "n_trials": 0, "n_pruned": 0}
        row.update(_summary(e.fold_metrics))
        row.update({"fit_seconds": sum(m.fit_seconds for m in e.members),
                    "predict_seconds": sum(m.predict_seconds for m in e.members),
                    "size_bytes": sum(sizes.get(m.candidate_id, 0) for m in e.members), "n_features": -1,
                    "n_rows_train": n_rows,
                    "params": json.dumps({"members": [m.label for m in e.members], "weights": e.weights},
                                         sort_keys=True)})
        rows.append(row)
    return rank_leaderboard(pd.DataFrame(rows), primary.name, primary.greater_is_better)


def _recommendation(outcome: SearchOutcome, selection: dict[str, Any], ensembles: dict[str, Any],
                    leaderboard: pd.DataFrame, ok: list[Candidate]) -> dict[str, Any]:
    """recommendation.json: the chosen model, why (the noise-margin comparisons), the baseline and the CV."""
    primary, splits, z = outcome.primary, outcome.splits, selection["margin_se"]
    kept, chosen_id = ensembles["kept"], ensembles["chosen"]
    recommendation = recommend(leaderboard, primary.name, primary.greater_is_better, chosen=chosen_id)
    single_cmps = [Comparison(**c) for c in selection["single_comparisons"]]
    ens_cmps = [Comparison(**c) for c in ensembles["comparisons"]]
    recommendation["selection"] = _selection_record(z, _reads_rows(selection), selection["incumbent"],
                                                    selection["chosen_single"], chosen_id, single_cmps, ens_cmps, ok)
    recommendation["rationale"] = _selection_sentence(recommendation["selection"], primary.name) + " " + \
        recommendation["rationale"]
    baseline = next((c for c in ok if c.model == BASELINE_MODEL), None)
    if baseline is not None and baseline.default_value is not None:
        recommendation["baseline"] = {"candidate_id": baseline.candidate_id, "params": "defaults",
                                      "score": float(baseline.default_value * primary.sign())}
    recommendation["ensembles"] = {e.kind: {"score": float(e.best_value * primary.sign()),
                                            "kept": e in kept, "members": [m.label for m in e.members],
                                            "vs": selection["chosen_single"]}
                                   for e in ensembles["ensembles"]}
    recommendation["cv"] = {"strategy": outcome.strategy, "folds": len(splits)}
    if outcome.task != "regression":
        unscored = unscored_classes(outcome.y, splits)
        if unscored:  # too rare for the folds (cv._stratified_splits): the report says what the scores leave out
            recommendation["cv"]["classes_not_scored"] = unscored
            recommendation["rationale"] += " " + _unscored_sentence(unscored, len(splits))
    recommendation["final_model"] = "refit on all training rows" if outcome.refit else \
        f"average of the {len(splits)} cross-validation fold models"
    recommendation["target_transform"] = {"preferred": outcome.target_transforms[0],
                                          "defaults_use": outcome.default_transform}
    recommendation["seed"] = outcome.seed
    recommendation["skipped_models"] = outcome.skipped_models
    return recommendation


def _unscored_sentence(unscored: dict[str, int], folds: int) -> str:
    names = ", ".join(f"{c!r} ({n} row{'s' if n > 1 else ''})" for c, n in unscored.items())
    return (f"Too rare to score in {folds}-fold cross-validation: {names}; the scores leave these classes out "
            "(a class of two or more rows is learned in every fold, a single row is left out): gather more rows of "
            "them to know how well they are predicted.")


def _refit_data(outcome: SearchOutcome, chosen_id: str, kept, X: pd.DataFrame | None, cfg: TrainParams,
                recommendation: dict[str, Any]):
    """The rows the final refit uses: all of them, the largest random sample the budget allows, or none (the
    model fitted on the search's training rows is kept; ``outcome.refit`` becomes False). Says so in
    ``recommendation["final_model"]``."""
    refit_X, refit_y = X, outcome.y
    if not outcome.refit:
        return refit_X, refit_y
    fitted = len(outcome.splits[0][0])
    rows = _refit_rows(outcome, chosen_id, kept, cfg)
    if rows < 1.2 * fitted:
        outcome.refit = False  # the model fitted on the holdout's training rows is the final one
        recommendation["final_model"] = (f"the model fitted on the search's {fitted} training rows "
                                         "(a refit on more rows would overrun train.time_budget_s)")
    elif rows < len(outcome.y):  # the largest random sample the budget allows
        keep = _refit_sample(outcome, rows)
        refit_X, refit_y = X.iloc[keep], outcome.y[keep]
        recommendation["final_model"] = (f"refit on a random {rows} of the {len(outcome.y)} training rows "
                                         "(all rows would overrun train.time_budget_s)")
    return refit_X, refit_y


def _refit_sample(outcome: SearchOutcome, rows: int) -> np.ndarray:
    """The first ``rows`` of one seeded permutation of the training rows (larger samples contain smaller ones)."""
    return np.sort(np.random.default_rng(outcome.seed).permutation(len(outcome.y))[:rows])


def _grow_refit(outcome: SearchOutcome, chosen_id: str, kept, X, cfg: TrainParams, recommendation, model,
                preprocess, rows: int, seconds: float):
    """A refit on a sample is repeated on up to 4x the rows while the last fit's measured time, scaled, still
    fits in the budget: estimates from the search's small fits overstate the per-row cost (fixed overheads),
    and more rows is what pays on a big table. At most the last fit is wasted; the budget is never overrun."""
    n = len(outcome.y)
    while rows < n:
        growth = min(4.0, n / rows, max(0.0, outcome.left() + 0.05 * outcome.budget) / (1.3 * max(seconds, 1e-3)))
        if growth < 1.5:
            break
        rows = min(n, int(rows * growth))
        keep = _refit_sample(outcome, rows)
        t0 = time.perf_counter()
        model, preprocess = _final_model(outcome, chosen_id, kept, X.iloc[keep], cfg, outcome.y[keep])
        seconds = time.perf_counter() - t0
        recommendation["final_model"] = "refit on all training rows" if rows == n else (
            f"refit on a random {rows} of the {n} training rows (all rows would overrun train.time_budget_s)")
        log.info("final model refit on %d of %d rows in %.1f s", rows, n, seconds)
    return model, preprocess


def _importance(outcome: SearchOutcome, chosen_id: str, kept, X: pd.DataFrame | None) -> pd.DataFrame:
    """Permutation importance of the recommendation per raw column, on its fold models (empty when it fails)."""
    importance = pd.DataFrame(columns=list(COLUMNS))
    predictors = _fold_predictors(outcome, chosen_id, kept)
    if X is None or not predictors:
        return importance
    try:
        with threadpool_limits(1), _heartbeat("measuring permutation importance", outcome):
            # a small share of the budget: figures still follow (at least one pass over one fold)
            limit = None if outcome.budget is None else max(0.5, min(0.06 * outcome.budget, outcome.left() - 2))
            importance = permutation_importance(predictors, X.reset_index(drop=True), outcome.y, outcome.splits,
                                                outcome.primary, outcome.classes, seed=outcome.seed, time_limit=limit)
    except Exception as exc:  # noqa: BLE001 - an explanation never fails the run
        log.warning("permutation importance failed: %s", exc)
    return importance


def _cv_metrics(outcome: SearchOutcome, leaderboard: pd.DataFrame, chosen_id: str,
                recommendation: dict[str, Any]) -> dict[str, Any]:
    """The recommendation's CV scores (mean and sd of every metric), as train.metrics reports them."""
    best_row = leaderboard[leaderboard["candidate_id"] == chosen_id].iloc[0]
    metrics = {"split": "cv", "cv_strategy": outcome.strategy, "cv_folds": len(outcome.splits),
               "primary_metric": outcome.primary.name, "candidate_id": chosen_id,
               "model_name": recommendation["model_name"], "n_train": int(len(outcome.y)), "seed": outcome.seed}
    for m in outcome.metric_specs:
        metrics[m.name] = _num(best_row.get(f"cv_{m.name}_mean"))
        metrics[f"{m.name}_std"] = _num(best_row.get(f"cv_{m.name}_std"))
    return metrics


def _records_and_figures(outcome: SearchOutcome, leaderboard, kept, chosen_id, cfg: TrainParams):
    """Candidate records (ClearML children) and figures: the recommendation's first, then the others best first
    while the budget lasts (a figure is never worth overrunning the user's wall clock)."""
    task, classes, mask = outcome.task, outcome.classes, outcome.mask
    metric_specs, primary = outcome.metric_specs, outcome.primary
    if cfg.figures:
        figs.warm_up()
    y_true_plot = outcome.y[mask]
    order = {cid: i for i, cid in enumerate([chosen_id, *leaderboard["candidate_id"]])}
    figures_of: dict[str, dict] = {}
    sources = {**{c.candidate_id: c for c in outcome.candidates if c.status == "ok"},
               **{f"ensemble/{e.kind}": e for e in kept}}
    for cid in sorted(sources, key=lambda k: order.get(k, len(order))):
        if not cfg.figures or (cid != chosen_id and outcome.left() < 0):
            continue
        src = sources[cid]
        figures_of[cid] = _candidate_figures(task, y_true_plot, np.asarray(src.oof_pred)[mask],
                                             None if src.oof_proba is None else src.oof_proba[mask], classes,
                                             getattr(src, "fold_model", None))
    records = []
    for c in outcome.candidates:
        rec = {"candidate_id": c.candidate_id, "preprocess_id": c.preprocess_id, "model": c.model,
               "params": c.final_params() if c.status == "ok" else {**c.spec.defaults},
               "status": "ok" if c.status == "ok" else "failed",
               "error": None if c.status == "ok" else (c.error or "not evaluated: the time budget ran out"),
               "scalars": {}, "figures": figures_of.get(c.candidate_id, {}), "tables": {}}
        if c.status == "ok":
            rec["scalars"] = _scalars(leaderboard, c.candidate_id, metric_specs)
        records.append(rec)
    for e in kept:
        cid = f"ensemble/{e.kind}"
        records.append({"candidate_id": cid, "preprocess_id": "ensemble", "model": f"{e.kind}_ensemble",
                        "params": {"members": [m.label for m in e.members], "weights": e.weights},
                        "status": "ok", "error": None, "scalars": _scalars(leaderboard, cid, metric_specs),
                        "figures": figures_of.get(cid, {}), "tables": {}})
    plots = {}
    if cfg.figures:
        plots.update(figs.leaderboard_figures(leaderboard, primary.name, chosen_id, primary.greater_is_better))
        for title, fig in figures_of.get(chosen_id, {}).items():
            if title != "02_explain/feature_importance":  # the recommendation's is the permutation one
                plots[f"01_recommended/{title.split('/', 1)[-1]}"] = fig
    return records, plots


def train(X: pd.DataFrame, y: pd.Series, task: str, preprocessors: dict[str, Any],
          params: TrainParams | dict[str, Any] | None = None, *, groups=None, times=None,
          cv_strategy: str | None = None, storage: str | None = None, sample_ids=None) -> TrainResult:
    """search -> select -> ensembles -> finalize in one call (the Kedro train phase runs them as four nodes).

    ``params`` is the ``train:`` section; ``cv_strategy`` and ``storage`` override its values (the train
    node passes the split method and the run directory's Optuna storage).
    """
    cfg = as_params(params)
    outcome = run_search(X, y, task, preprocessors, cfg, groups=groups, times=times, cv_strategy=cv_strategy,
                         storage=storage)
    selection = select_candidates(outcome, cfg.selection_margin_se, cfg.selection_row_noise)
    ensembles = build_ensembles(outcome, selection, cfg)
    return finalize(outcome, selection, ensembles, X.reset_index(drop=True), cfg, sample_ids)


def _selection_record(z, row_noise, incumbent_id, single_id, chosen_id, single_cmps, ens_cmps, ok) -> dict[str, Any]:
    """What the noise-margin rule compared and decided (kept in recommendation.json)."""
    se = ("the larger of the per-fold one (fold_se) and the sampling error of the validation rows (row_se)"
          if row_noise else "the per-fold one (fold_se)")
    return {
        "rule": (f"a challenger replaces the simpler incumbent only when its mean paired per-fold CV advantage "
                 f"exceeds {z:g} standard error(s) of the paired differences: {se}"),
        "margin_se": z,
        "row_noise": row_noise,
        "incumbent": incumbent_id,
        "chosen_single": single_id,
        "chosen": chosen_id,
        "tuning_kept": {c.candidate_id: c.tuning_kept for c in ok if c.tuning_kept is not None},
        "comparisons": [c.as_dict() for c in [*single_cmps, *ens_cmps]],
    }


def _selection_sentence(sel: dict[str, Any], primary: str) -> str:
    inc, single, chosen = sel["incumbent"], sel["chosen_single"], sel["chosen"]
    cmps = {(c["challenger"], c["incumbent"]): c for c in sel["comparisons"]}
    parts = []
    if single == inc:
        parts.append(f"No candidate beat the incumbent {inc} by more than {sel['margin_se']:g} standard error(s) of "
                     f"the paired {primary} differences (per fold and over the validation rows), so it is kept.")
    else:
        c = cmps[(single, inc)]
        parts.append(f"{single} beats the incumbent {inc} by {c['mean_diff']:.3g} {primary} per fold "
                     f"(margin {c['margin']:.2g}).")
    if chosen != single:
        c = cmps[(chosen, single)]
        parts.append(f"{chosen} beats {single} by {c['mean_diff']:.3g} (margin {c['margin']:.2g}).")
    return " ".join(parts)


def _num(v) -> float | None:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _scalars(leaderboard: pd.DataFrame, cid: str, metric_specs) -> dict[str, float]:
    r = leaderboard[leaderboard["candidate_id"] == cid].iloc[0]
    out = {}
    for m in metric_specs:
        for suffix, col in (("", f"cv_{m.name}_mean"), ("_std", f"cv_{m.name}_std")):
            v = _num(r.get(col))
            if v is not None:
                out[f"metric/{m.name}{suffix}"] = v
    out["time/train_seconds"] = float(r["fit_seconds"])
    out["time/predict_seconds"] = float(r["predict_seconds"])
    out["model/num_features"] = float(r["n_features"])
    out["model/num_rows_train"] = float(r["n_rows_train"])
    out["model/size_bytes"] = float(r["size_bytes"])
    return out


def _candidate_figures(task, y, pred, proba, classes, fold_model) -> dict[str, Any]:
    try:
        if task == "regression":
            out = figs.regression_figures(y, pred)
        else:
            out = figs.classification_figures(y, pred, proba, classes)
        if fold_model is not None:
            imp = figs.feature_importance(fold_model)
            if imp is not None:
                out["02_explain/feature_importance"] = figs.importance_figure(imp)
        return out
    except Exception as exc:  # noqa: BLE001 - a figure never fails the run
        log.warning("figures failed: %s", exc)
        return {}


def _bags(cfg: TrainParams, strategy: str, splits) -> bool:
    """Whether the final model averages the fold models instead of refitting on all rows."""
    if cfg.final_model != "auto":
        return cfg.final_model == "bag"
    return strategy in ("kfold", "stratified", "group") and len(splits) >= 2


def frame_schema(X: pd.DataFrame, task: str, target: str = "__target__") -> dict[str, Any]:
    """The schema build_dataset would give a raw feature table (column types inferred, ids and constants out)."""
    from automl_kedro.data.types import infer_column_types

    sample = X if len(X) <= 20_000 else X.sample(20_000, random_state=0)  # types read off a sample
    types, _ = infer_column_types(sample)
    features = [str(c) for c in X.columns if types[c] not in ("id", "constant")]
    if not features:
        raise AutoMLInputError("Every column of the table is an identifier or a constant; there is nothing to learn from.")
    return {"target": target, "problem_type": task, "feature_columns": features,
            "column_types": {str(c): t for c, t in types.items()}, "personal_columns": []}


def frame_inputs(X: pd.DataFrame, y, task: str, featurize_params: dict[str, Any] | None = None):
    """What featurize makes of an in-memory table: ``(typed feature columns, target, schema, preprocessors)``;
    new rows are typed alike with ``coerce_types(rows[schema["feature_columns"]], schema["column_types"])``."""
    from automl_kedro.config.data import FeaturizeParams
    from automl_kedro.data.types import coerce_types
    from automl_kedro.features.featurize import build_preprocessors

    if task not in ("regression", "binary", "multiclass"):
        raise AutoMLInputError(f"task {task!r} is not one of regression, binary, multiclass.")
    X = X.reset_index(drop=True)
    y = pd.Series(y).reset_index(drop=True)
    schema = frame_schema(X, task)
    X = coerce_types(X[schema["feature_columns"]], schema["column_types"])
    feat = FeaturizeParams.model_validate(featurize_params or {}).model_dump(exclude_none=True)
    return X, y, schema, build_preprocessors(X, schema, feat)


def fit_frame(X: pd.DataFrame, y: pd.Series, task: str, train_params: dict[str, Any] | None = None,
              featurize_params: dict[str, Any] | None = None) -> TrainResult:
    """featurize + train on an in-memory table, as the Kedro phases do (the benchmark's entry point).

    ``X`` holds raw feature columns (no target), ``task`` is regression | binary | multiclass; the
    parameter dicts are the ``train:`` / ``featurize:`` sections (defaults from conf/base). The result's
    ``model`` predicts raw rows of ``X``'s columns (``predict``, and ``predict_proba`` with string
    ``classes_`` for classification) on the original target scale; ``leaderboard`` ranks every candidate.
    """
    from sklearn.preprocessing import FunctionTransformer

    from automl_kedro.data.io import text_column_names

    started = time.perf_counter()
    raw, named = X, text_column_names(X)
    X, y, _, preprocessors = frame_inputs(named, y, task, featurize_params)
    params = as_params(train_params)
    if params.time_budget_s is not None:  # the caller's wall clock includes typing the columns
        spent = time.perf_counter() - started
        params = params.model_copy(update={"time_budget_s": max(1.0, params.time_budget_s - spent)})
    result = train(X, y, task, preprocessors, params)
    if named is not raw:  # columns named 0, 1, ...: the model names new rows' columns the same way
        names = FunctionTransformer(text_column_names).fit(raw.head(1))
        result.model = Pipeline([("column_names", names), ("named", result.model)])
    return result
