"""The model registry: every model family in one place.

An entry holds its name, aliases, the task types it serves, a factory
``(task, params, random_state, n_jobs) -> estimator``, default parameters, an Optuna
define-by-run search space ``(trial, task, n_rows) -> params``, an optional
dependency (a missing package is reported by name and the other models go on), a
relative cost (used to order the cheap models first and to skip a model the
time budget cannot afford) and a row limit for models that scale badly.

Add a model with :func:`register_model`; a plugin module (``train.plugins``) just
calls it at import time.
"""
from __future__ import annotations

import importlib
import importlib.util
import json
import math
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any, Callable

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.preprocessing import LabelEncoder

from automl_kedro.registry import Registry, UnknownEntryError

TASKS = ("regression", "binary", "multiclass")


class MissingDependencyError(ImportError):
    """A model needs a package that is not installed."""


@dataclass(frozen=True)
class ModelSpec:
    """One model family: how to build it, its defaults and its search space."""

    name: str
    tasks: tuple[str, ...]
    factory: Callable[[str, dict[str, Any], int, int], Any]
    defaults: dict[str, Any] = field(default_factory=dict)
    search_space: Callable[[Any, str, int], dict[str, Any]] | None = None
    aliases: tuple[str, ...] = ()
    dependency: str | None = None  # importable module name, e.g. "xgboost"
    package: str | None = None  # pip package that provides it
    cost: float = 1.0  # relative to a default HistGradientBoosting fit
    max_rows: int | None = None  # above this many training rows the model is skipped
    description: str = ""
    # native: tree boosters that take numbers + pandas category columns as they are (features/native.py);
    # dense: models that need imputed, one-hot encoded, scaled numbers (the featurize variants)
    input_kind: str = "dense"
    # strong starting configurations tried (in order) right after the defaults, before the sampler's
    # own proposals; each names every parameter of the search space. The built-in boosters' come from
    # ml/portfolios.json, learned on data sets the benchmark does not report on (load_portfolios)
    portfolio: tuple[dict[str, Any], ...] = ()
    # the library defaults spelled out in the search space's parameters (lets the search try the defaults
    # on a transformed target); None: the model has no such spelling
    space_defaults: dict[str, Any] | None = None
    # relative work of a configuration fitted on n rows (FLAML's learner ``size``/``cost`` idea): a trial's seconds
    # scale with it, so the search can tell before fitting whether a configuration still fits in the budget left
    # (a booster's 677 rounds of 119 leaves take 15x its defaults' time); None: not predictable from the params
    work: Callable[[dict[str, Any], int], float | None] | None = None
    # its fit runs mostly in Python under the GIL, so two folds in threads take as long as one after the other
    # (measured: HistGradientBoosting 0.73 s in threads vs 0.65 s in turn for two fits, MLP 1.26 vs 1.27 s): the
    # search fits its folds in worker processes instead (train.parallel_backend "auto")
    holds_gil: bool = False

    def work_of(self, params: dict[str, Any] | None, n_rows: int) -> float | None:
        """``work`` of ``params`` over this family's defaults on ``n_rows`` training rows (None: unpredictable)."""
        if self.work is None:
            return None
        work = self.work({**self.defaults, **(params or {})}, n_rows)
        return None if work is None else float(work)

    def available(self) -> bool:
        return self.dependency is None or importlib.util.find_spec(self.dependency) is not None

    def check_available(self) -> None:
        if not self.available():
            raise MissingDependencyError(
                f"Model {self.name!r} needs the package {self.package or self.dependency!r}, which is not "
                f"installed. Install it (pip install {self.package or self.dependency}) or drop {self.name!r} "
                "from train.models."
            )

    def build(self, task: str, params: dict[str, Any] | None = None, random_state: int = 0, n_jobs: int = 1):
        """A fresh unfitted estimator with the defaults overridden by ``params``."""
        self.check_available()
        merged = {**self.defaults, **(params or {})}
        transform = merged.pop("target_transform", "none")
        estimator = self.factory(task, merged, random_state, n_jobs)
        return with_target_transform(estimator, transform) if task == "regression" else estimator

    def suggest(self, trial, task: str, n_rows: int) -> dict[str, Any]:
        """Parameters for one Optuna trial (the defaults when the model has no search space)."""
        if self.search_space is None:
            return {}
        return self.search_space(trial, task, n_rows)


MODELS: Registry[ModelSpec] = Registry("model")


def register_model(spec: ModelSpec, *, replace: bool = False) -> ModelSpec:
    """Add a model family (plugins call this at import time)."""
    bad = [t for t in spec.tasks if t not in TASKS]
    if bad:
        raise ValueError(f"Model {spec.name!r} declares unknown task types {bad}; use {TASKS}.")
    return MODELS.register(spec.name, spec, spec.aliases, replace=replace)


def get_model(name: str) -> ModelSpec:
    return MODELS.get(name)


def load_plugins(modules: list[str] | tuple[str, ...] | None) -> list[str]:
    """Import plugin modules that register models or metrics; a bad path is a clear error."""
    loaded = []
    for module in modules or ():
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise ImportError(
                f"train.plugins: cannot import {module!r} ({exc}). Give a module path importable from the "
                "project (e.g. my_package.my_models) that calls register_model / register_metric."
            ) from exc
        loaded.append(module)
    return loaded


@dataclass
class ResolvedModels:
    """Models usable for a task, and why the others were left out."""

    specs: list[ModelSpec]
    skipped: dict[str, str]  # name -> reason (missing package, wrong task, too many rows)


def resolve_models(names: list[str] | None, task: str, n_rows: int | None = None) -> ResolvedModels:
    """Registry entries for ``names`` that serve ``task``.

    Unknown names fail at once (with suggestions); a missing optional package, a task the
    model does not serve or a data set too large for it are recorded in ``skipped``.
    """
    if task not in TASKS:
        raise ValueError(f"Unknown task type {task!r}; use one of {TASKS}.")
    chosen = list(MODELS) if not names else [MODELS.canonical(n) for n in names]
    specs, skipped = [], {}
    for name in dict.fromkeys(chosen):
        spec = MODELS.get(name)
        if task not in spec.tasks:
            if names:  # asked for explicitly: tell why it does not run
                skipped[name] = f"does not support {task} problems (supports {', '.join(spec.tasks)})"
            continue
        if not spec.available():
            skipped[name] = f"needs the package {spec.package or spec.dependency!r}, which is not installed"
            continue
        if spec.max_rows is not None and n_rows is not None and n_rows > spec.max_rows:
            skipped[name] = f"skipped: {n_rows} training rows exceed its limit of {spec.max_rows}"
            continue
        specs.append(spec)
    return ResolvedModels(specs, skipped)


# --------------------------------------------------------------------------- helpers

TARGET_TRANSFORMS = ("none", "log1p", "yeo_johnson")


def with_target_transform(estimator, name: str | None):
    """The regressor fitted on a transformed target, predicting on the original scale."""
    if name in (None, "none"):
        return estimator
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.preprocessing import PowerTransformer

    if name == "log1p":
        return TransformedTargetRegressor(regressor=estimator, func=np.log1p, inverse_func=np.expm1,
                                          check_inverse=False)
    if name == "yeo_johnson":
        return TransformedTargetRegressor(regressor=estimator, transformer=PowerTransformer("yeo-johnson"),
                                          check_inverse=False)
    raise ValueError(f"Unknown target transform {name!r}; use one of {TARGET_TRANSFORMS}.")


def target_transform_choices(y) -> tuple[str, list[str]]:
    """(preferred, choices) for a regression target: log1p for non-negative skewed targets, Yeo-Johnson for
    other skewed ones, none otherwise; the search tries the preferred one first and lets CV decide."""
    y = np.asarray(y, dtype=float)
    if len(y) < 3 or np.nanstd(y) == 0:
        return "none", ["none"]
    centred = y - y.mean()
    skew = float(np.mean(centred**3) / (np.mean(centred**2) ** 1.5))
    if y.min() >= 0:
        return ("log1p" if skew > 0.75 else "none"), ["none", "log1p"]
    return ("yeo_johnson" if abs(skew) > 0.75 else "none"), ["none", "yeo_johnson"]


def _clf(task: str) -> bool:
    return task in ("binary", "multiclass")


def _import(module: str):
    return importlib.import_module(module)


class EncodedLabelClassifier(ClassifierMixin, BaseEstimator):
    """Fits a classifier on integer-encoded labels and answers in the original labels.

    XGBoost wants labels 0..K-1; the rest of the system uses the original (string) labels.
    """

    def __init__(self, estimator=None):
        self.estimator = estimator

    def fit(self, X, y, **fit_params):
        self.encoder_ = LabelEncoder().fit(y)
        self.classes_ = self.encoder_.classes_
        self.estimator_ = clone(self.estimator).fit(X, self.encoder_.transform(y), **fit_params)
        return self

    def predict(self, X):
        return self.encoder_.inverse_transform(np.asarray(self.estimator_.predict(X)).astype(int))

    def predict_proba(self, X):
        return self.estimator_.predict_proba(X)

    @property
    def feature_importances_(self):
        return self.estimator_.feature_importances_


class _CatBoostNative(BaseEstimator):
    """CatBoost on the native inputs: the pandas ``category`` columns go in as ``cat_features`` (CatBoost's
    ordered target statistics), missing values there as a level of their own (CatBoost refuses NaN in them)."""

    _MISSING = "__missing__"

    def __init__(self, params: dict | None = None, random_state: int = 0, n_jobs: int = 1):
        self.params = params
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _frame(self, X):
        import pandas as pd

        X = X.copy() if isinstance(X, pd.DataFrame) else pd.DataFrame(X)
        for c in self.cat_features_:
            X[c] = X[c].astype(object).where(X[c].notna(), self._MISSING).astype(str)
        return X

    def fit(self, X, y):
        import pandas as pd

        cb = _import("catboost")
        cls = cb.CatBoostClassifier if isinstance(self, ClassifierMixin) else cb.CatBoostRegressor
        self.cat_features_ = [c for c in getattr(X, "columns", []) if isinstance(X[c].dtype, pd.CategoricalDtype)]
        self.model_ = cls(random_seed=self.random_state, thread_count=self.n_jobs, verbose=False,
                          allow_writing_files=False, **(self.params or {}))
        self.model_.fit(self._frame(X), y, cat_features=self.cat_features_ or None)
        if isinstance(self, ClassifierMixin):
            self.classes_ = np.asarray(self.model_.classes_)
        return self

    def predict(self, X):
        return np.asarray(self.model_.predict(self._frame(X))).ravel()

    @property
    def feature_importances_(self):
        return self.model_.get_feature_importance()


class CatBoostNativeClassifier(ClassifierMixin, _CatBoostNative):
    def predict_proba(self, X):
        return self.model_.predict_proba(self._frame(X))


class CatBoostNativeRegressor(RegressorMixin, _CatBoostNative):
    pass


# --------------------------------------------------------------------------- built-in models


def _linear(task, p, rs, nj):
    from sklearn import linear_model as lm

    if task == "regression":
        return lm.Ridge(alpha=p["alpha"], random_state=rs)
    return lm.LogisticRegression(C=1.0 / p["alpha"], max_iter=p.get("max_iter", 2000), random_state=rs)


def _ridge(task, p, rs, nj):
    from sklearn import linear_model as lm

    if task == "regression":
        return lm.Ridge(alpha=p["alpha"], random_state=rs)
    return lm.RidgeClassifier(alpha=p["alpha"], random_state=rs)


def _alpha_space(trial, task, n):
    return {"alpha": trial.suggest_float("alpha", 1e-4, 1e3, log=True)}


def _linreg(task, p, rs, nj):
    from sklearn.linear_model import LinearRegression

    return LinearRegression()


def _lasso(task, p, rs, nj):
    from sklearn.linear_model import Lasso

    return Lasso(alpha=p["alpha"], max_iter=p.get("max_iter", 5000), random_state=rs)


def _enet(task, p, rs, nj):
    from sklearn.linear_model import ElasticNet

    return ElasticNet(alpha=p["alpha"], l1_ratio=p["l1_ratio"], max_iter=p.get("max_iter", 5000), random_state=rs)


def _enet_space(trial, task, n):
    return {
        "alpha": trial.suggest_float("alpha", 1e-4, 10.0, log=True),
        "l1_ratio": trial.suggest_float("l1_ratio", 0.05, 0.95),
    }


def _logreg(task, p, rs, nj):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=p["C"], max_iter=p.get("max_iter", 2000), random_state=rs)


def _logreg_space(trial, task, n):
    return {"C": trial.suggest_float("C", 1e-3, 1e3, log=True)}


def _knn(task, p, rs, nj):
    from sklearn import neighbors

    cls = neighbors.KNeighborsRegressor if task == "regression" else neighbors.KNeighborsClassifier
    return cls(n_neighbors=p["n_neighbors"], weights=p["weights"], n_jobs=nj)


def _knn_space(trial, task, n):
    return {
        "n_neighbors": trial.suggest_int("n_neighbors", 1, max(2, min(50, n // 4)), log=True),
        "weights": trial.suggest_categorical("weights", ["uniform", "distance"]),
    }


def _svm(task, p, rs, nj):
    from sklearn import svm

    if task == "regression":
        return svm.SVR(C=p["C"], gamma=p["gamma"], epsilon=p.get("epsilon", 0.1))
    # probabilities come from Platt scaling only when asked; decision_function serves ROC AUC
    return svm.SVC(C=p["C"], gamma=p["gamma"], probability=p.get("probability", False), random_state=rs)


def _svm_space(trial, task, n):
    out = {
        "C": trial.suggest_float("C", 1e-2, 1e3, log=True),
        "gamma": trial.suggest_float("gamma", 1e-4, 1.0, log=True),
    }
    if task == "regression":
        out["epsilon"] = trial.suggest_float("epsilon", 1e-3, 1.0, log=True)
    return out


class TimeBoxedForest(BaseEstimator):
    """A random / extra-trees forest that stops adding trees when ``time_limit`` seconds are spent.

    Trees are grown in chunks (``warm_start``); after each chunk the time per tree says whether the next one
    still fits, so one slow forest cannot overrun the user's budget (it just has fewer trees). Without a
    limit it is the plain forest. The search sets ``time_limit`` from the budget left.
    """

    def __init__(self, forest=None, time_limit=None, chunk=25):
        self.forest = forest
        self.time_limit = time_limit
        self.chunk = chunk

    def fit(self, X, y, sample_weight=None):
        import time as _time

        forest = clone(self.forest)
        target = forest.n_estimators
        if self.time_limit is None or target <= self.chunk:
            self.forest_ = forest.fit(X, y, sample_weight=sample_weight)
        else:
            start = _time.perf_counter()
            forest.set_params(warm_start=True, n_estimators=min(5, target))  # a few trees first: the cost per tree
            forest.fit(X, y, sample_weight=sample_weight)
            while forest.n_estimators < target:
                elapsed = _time.perf_counter() - start
                per_tree = elapsed / forest.n_estimators
                step = min(self.chunk, target - forest.n_estimators, int((self.time_limit - elapsed) / per_tree))
                if step < 1:
                    break
                forest.set_params(n_estimators=forest.n_estimators + step)
                forest.fit(X, y, sample_weight=sample_weight)
            forest.set_params(warm_start=False)
            self.forest_ = forest
        if hasattr(self.forest_, "classes_"):
            self.classes_ = self.forest_.classes_
        return self

    def predict(self, X):
        return self.forest_.predict(X)

    def predict_proba(self, X):
        return self.forest_.predict_proba(X)

    @property
    def feature_importances_(self):
        return self.forest_.feature_importances_

    @property
    def estimators_(self):
        return self.forest_.estimators_

    def __sklearn_tags__(self):
        return self.forest.__sklearn_tags__()


def _forest(kind):
    def factory(task, p, rs, nj):
        from sklearn import ensemble as en

        name = f"{kind}{'Regressor' if task == 'regression' else 'Classifier'}"
        return TimeBoxedForest(getattr(en, name)(random_state=rs, n_jobs=nj, **p))

    return factory


def _forest_space(trial, task, n):
    return {
        "n_estimators": trial.suggest_int("n_estimators", 100, 500, log=True),
        "max_features": trial.suggest_float("max_features", 0.2, 1.0),
        "min_samples_leaf": trial.suggest_int("min_samples_leaf", 1, 20, log=True),
        "max_depth": trial.suggest_categorical("max_depth", [None, 8, 16, 32]),
    }


def _gbm(task, p, rs, nj):
    from sklearn import ensemble as en

    cls = en.GradientBoostingRegressor if task == "regression" else en.GradientBoostingClassifier
    return cls(random_state=rs, **p)


def _gbm_space(trial, task, n):
    return {
        "n_estimators": trial.suggest_int("n_estimators", 50, 500, log=True),
        "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.3, log=True),
        "max_depth": trial.suggest_int("max_depth", 2, 6),
        "subsample": trial.suggest_float("subsample", 0.5, 1.0),
        "min_samples_leaf": trial.suggest_int("min_samples_leaf", 1, 30, log=True),
    }


def _hgb(task, p, rs, nj):
    from sklearn import ensemble as en

    cls = en.HistGradientBoostingRegressor if task == "regression" else en.HistGradientBoostingClassifier
    return cls(random_state=rs, **{"categorical_features": "from_dtype", **p})


def _hgb_space(trial, task, n):
    return {
        "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.3, log=True),
        "max_iter": trial.suggest_int("max_iter", 50, 1000, log=True),
        "max_leaf_nodes": trial.suggest_int("max_leaf_nodes", 4, 128, log=True),
        "min_samples_leaf": trial.suggest_int("min_samples_leaf", 2, 100, log=True),
        "l2_regularization": trial.suggest_float("l2_regularization", 1e-8, 10.0, log=True),
        "max_features": trial.suggest_float("max_features", 0.3, 1.0),
    }


def _mlp(task, p, rs, nj):
    from sklearn import neural_network as nn

    cls = nn.MLPRegressor if task == "regression" else nn.MLPClassifier
    p = dict(p)
    width, depth = p.pop("width"), p.pop("depth")
    return cls(hidden_layer_sizes=(width,) * depth, random_state=rs, **p)


def _mlp_space(trial, task, n):
    return {
        "width": trial.suggest_int("width", 16, 256, log=True),
        "depth": trial.suggest_int("depth", 1, 3),
        "alpha": trial.suggest_float("alpha", 1e-6, 1e-1, log=True),
        "learning_rate_init": trial.suggest_float("learning_rate_init", 1e-4, 1e-2, log=True),
    }


def _gp(task, p, rs, nj):
    from sklearn import gaussian_process as gp
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

    kernel = ConstantKernel(1.0) * RBF(length_scale=p["length_scale"]) + WhiteKernel(p["noise_level"])
    if task == "regression":
        return gp.GaussianProcessRegressor(kernel=kernel, normalize_y=True, random_state=rs)
    return gp.GaussianProcessClassifier(kernel=ConstantKernel(1.0) * RBF(p["length_scale"]), random_state=rs, n_jobs=nj)


def _gp_space(trial, task, n):
    return {
        "length_scale": trial.suggest_float("length_scale", 0.1, 10.0, log=True),
        "noise_level": trial.suggest_float("noise_level", 1e-5, 1.0, log=True),
    }


def _lgbm(task, p, rs, nj):
    _import("lightgbm")
    from automl_kedro.ml import lightgbm_models as lgb

    cls = lgb.EarlyStoppingLGBMRegressor if task == "regression" else lgb.EarlyStoppingLGBMClassifier
    return cls(random_state=rs, n_jobs=nj, verbose=-1, **p)


def _lgbm_space(trial, task, n):
    return {
        "n_estimators": trial.suggest_int("n_estimators", 50, 1000, log=True),
        "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.3, log=True),
        "num_leaves": trial.suggest_int("num_leaves", 4, 256, log=True),
        "min_child_samples": trial.suggest_int("min_child_samples", 2, 100, log=True),
        "subsample": trial.suggest_float("subsample", 0.5, 1.0),
        "subsample_freq": 1,
        "colsample_bytree": trial.suggest_float("colsample_bytree", 0.3, 1.0),
        "reg_alpha": trial.suggest_float("reg_alpha", 1e-8, 10.0, log=True),
        "reg_lambda": trial.suggest_float("reg_lambda", 1e-8, 10.0, log=True),
    }


def _xgb(task, p, rs, nj):
    _import("xgboost")
    from automl_kedro.ml import xgboost_models as xgb

    if task == "regression":
        return xgb.NamedXGBRegressor(random_state=rs, n_jobs=nj, tree_method="hist", enable_categorical=True, **p)
    return EncodedLabelClassifier(xgb.NamedXGBClassifier(random_state=rs, n_jobs=nj, tree_method="hist",
                                                         enable_categorical=True, **p))


def _xgb_space(trial, task, n):
    return {
        "n_estimators": trial.suggest_int("n_estimators", 50, 1000, log=True),
        "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.3, log=True),
        "max_depth": trial.suggest_int("max_depth", 2, 10),
        "min_child_weight": trial.suggest_float("min_child_weight", 0.5, 20.0, log=True),
        "subsample": trial.suggest_float("subsample", 0.5, 1.0),
        "colsample_bytree": trial.suggest_float("colsample_bytree", 0.3, 1.0),
        "reg_lambda": trial.suggest_float("reg_lambda", 1e-3, 10.0, log=True),
    }


def _cat(task, p, rs, nj):
    _import("catboost")
    cls = CatBoostNativeRegressor if task == "regression" else CatBoostNativeClassifier
    return cls(dict(p), rs, nj)


def _cat_space(trial, task, n):
    return {
        "iterations": trial.suggest_int("iterations", 100, 1000, log=True),
        "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.3, log=True),
        "depth": trial.suggest_int("depth", 3, 8),
        "l2_leaf_reg": trial.suggest_float("l2_leaf_reg", 1.0, 10.0, log=True),
    }


_ALL = ("regression", "binary", "multiclass")
_CLF = ("binary", "multiclass")

# The library defaults spelled out in the search space's parameters (the search tries them on a transformed target).
_HGB_SPACE_DEFAULTS = {"learning_rate": 0.1, "max_iter": 100, "max_leaf_nodes": 31, "min_samples_leaf": 20,
                       "l2_regularization": 1e-8, "max_features": 1.0}
_LGBM_SPACE_DEFAULTS = {"n_estimators": 100, "learning_rate": 0.1, "num_leaves": 31, "min_child_samples": 20,
                        "subsample": 1.0, "colsample_bytree": 1.0, "reg_alpha": 1e-8, "reg_lambda": 1e-8}

PORTFOLIOS_FILE = "portfolios.json"


def load_portfolios() -> dict[str, tuple[dict[str, Any], ...]]:
    """Each family's starting configurations, tried in order right after its defaults.

    They live in the package data file ``ml/portfolios.json``, written by ``benchmarks/learn_portfolio.py``:
    chosen greedily (zero-shot, as AutoGluon's and FLAML's portfolios) from the defaults, the previous
    portfolio and configurations sampled from the family's own search space, by 5-fold CV on public data
    sets that are not among the reported benchmark sets. Each names every parameter the search space
    suggests; keys starting with ``_`` are the record of how they were learned.
    """
    data = json.loads(files(__package__).joinpath(PORTFOLIOS_FILE).read_text(encoding="utf-8"))
    return {family: tuple(configs) for family, configs in data.items() if not family.startswith("_")}


PORTFOLIOS = load_portfolios()


def _boosting_work(rounds: str, rounds_default: int, leaves: str | None, leaves_default: float, depth: str | None = None,
                   stops_early_above: Callable[[], int] | None = None):
    """A booster's work: its rounds times the square root of its leaves per tree (histogram building grows
    with the rows at each level, far less than linearly with the leaves); ``depth`` counts 2**depth leaves.
    Above ``stops_early_above()`` rows the booster stops when a held-out share stops improving: its rounds
    are then an upper bound only, and the work is not predicted (a 900-round configuration that stops at
    round 150 must not be passed over as if it ran all 900)."""
    def work(p: dict[str, Any], n_rows: int) -> float | None:
        if stops_early_above is not None and n_rows > stops_early_above():
            return None
        n_leaves = 2.0 ** p.get(depth, leaves_default) if depth else p.get(leaves, leaves_default)
        return float(p.get(rounds, rounds_default)) * math.sqrt(max(2.0, float(n_leaves)))
    return work


def _hgb_stops_early_above() -> int:
    return 10_000  # scikit-learn's early_stopping="auto": on above 10k samples


def _lgbm_stops_early_above() -> int:
    from automl_kedro.ml.lightgbm_models import EarlyStoppingLGBMRegressor

    return EarlyStoppingLGBMRegressor.early_stopping_above_rows

for _spec in (
    ModelSpec("hist_gradient_boosting", _ALL, _hgb, {}, _hgb_space,
              ("hgb", "HistGradientBoosting", "HistGradientBoostingRegressor", "HistGradientBoostingClassifier"),
              cost=1.0, description="scikit-learn histogram gradient boosting (the baseline)",
              input_kind="native", portfolio=PORTFOLIOS.get("hist_gradient_boosting", ()),
              space_defaults=_HGB_SPACE_DEFAULTS, holds_gil=True,
              work=_boosting_work("max_iter", 100, "max_leaf_nodes", 31, stops_early_above=_hgb_stops_early_above)),
    ModelSpec("lightgbm", _ALL, _lgbm, {}, _lgbm_space, ("lgbm", "LGBMRegressor", "LGBMClassifier"),
              dependency="lightgbm", package="lightgbm", cost=0.8, input_kind="native",
              portfolio=PORTFOLIOS.get("lightgbm", ()),
              space_defaults=_LGBM_SPACE_DEFAULTS, work=_boosting_work("n_estimators", 100, "num_leaves", 31,
                                                                  stops_early_above=_lgbm_stops_early_above)),
    ModelSpec("linear", _ALL, _linear, {"alpha": 1.0}, _alpha_space, ("linear_model",),
              cost=0.1, description="Ridge (regression) or L2 logistic regression (classification)"),
    ModelSpec("ridge", _ALL, _ridge, {"alpha": 1.0}, _alpha_space, ("RidgeClassifier", "RidgeRegression"), cost=0.1),
    ModelSpec("linear_regression", ("regression",), _linreg, {}, None, ("LinearRegression", "ols"), cost=0.1),
    ModelSpec("lasso", ("regression",), _lasso, {"alpha": 0.01}, _alpha_space, (), cost=0.2),
    ModelSpec("elastic_net", ("regression",), _enet, {"alpha": 0.01, "l1_ratio": 0.5}, _enet_space,
              ("ElasticNet", "enet"), cost=0.2),
    ModelSpec("logistic_regression", _CLF, _logreg, {"C": 1.0}, _logreg_space, ("LogisticRegression", "logreg"),
              cost=0.2),
    ModelSpec("k_neighbors", _ALL, _knn, {"n_neighbors": 5, "weights": "uniform"}, _knn_space,
              ("knn", "KNeighbors", "KNeighborsRegressor", "KNeighborsClassifier"), cost=0.5,
              max_rows=50_000),  # brute-force distances on one-hot inputs: quadratic in the rows
    ModelSpec("svm", _ALL, _svm, {"C": 1.0, "gamma": "scale"}, _svm_space, ("svr", "svc", "SupportVectorMachine"),
              cost=2.0, max_rows=10_000),
    # sqrt of the features per split: one-hot inputs are wide, and all of them per split (the regressors'
    # library default) made a forest 20-50x slower than a boosted model on categorical tables
    ModelSpec("random_forest", _ALL, _forest("RandomForest"), {"n_estimators": 150, "max_features": "sqrt"},
              _forest_space,
              ("rf", "RandomForestRegressor", "RandomForestClassifier"), cost=4.0),
    ModelSpec("extra_trees", _ALL, _forest("ExtraTrees"), {"n_estimators": 150, "max_features": "sqrt"},
              _forest_space,
              ("et", "ExtraTreesRegressor", "ExtraTreesClassifier"), cost=2.5),
    ModelSpec("gradient_boosting", _ALL, _gbm, {}, _gbm_space,
              ("gbm", "GradientBoostingRegressor", "GradientBoostingClassifier"), cost=4.0,
              work=_boosting_work("n_estimators", 100, None, 3, depth="max_depth")),
    ModelSpec("mlp", _ALL, _mlp, {"width": 100, "depth": 1, "alpha": 1e-4, "max_iter": 200, "early_stopping": True},
              _mlp_space, ("MLPRegressor", "MLPClassifier", "neural_network"), cost=3.0, holds_gil=True,
              max_rows=200_000),  # epochs cannot be stopped by the budget; the boosters serve big tables
    ModelSpec("gaussian_process", _ALL, _gp, {"length_scale": 1.0, "noise_level": 1e-2}, _gp_space,
              ("gp", "GaussianProcessRegressor", "GaussianProcessClassifier"), cost=3.0, max_rows=2_000),
    ModelSpec("xgboost", _ALL, _xgb, {}, _xgb_space, ("xgb", "XGBRegressor", "XGBClassifier"),
              dependency="xgboost", package="xgboost", cost=1.0, input_kind="native",
              portfolio=PORTFOLIOS.get("xgboost", ()), work=_boosting_work("n_estimators", 100, None, 6, depth="max_depth")),
    ModelSpec("catboost", _ALL, _cat, {}, _cat_space, ("cb", "CatBoostRegressor", "CatBoostClassifier"),
              dependency="catboost", package="catboost", cost=3.0, input_kind="native",
              portfolio=PORTFOLIOS.get("catboost", ()), work=_boosting_work("iterations", 1000, None, 6, depth="depth")),
):
    register_model(_spec)

# what runs when train.models is empty / "auto": strong, cheap and diverse
DEFAULT_MODELS = ("hist_gradient_boosting", "lightgbm", "linear", "random_forest", "extra_trees", "k_neighbors", "mlp")
BASELINE_MODEL = "hist_gradient_boosting"

__all__ = [
    "BASELINE_MODEL",
    "DEFAULT_MODELS",
    "MODELS",
    "MissingDependencyError",
    "ModelSpec",
    "ResolvedModels",
    "UnknownEntryError",
    "get_model",
    "load_plugins",
    "register_model",
    "resolve_models",
]
