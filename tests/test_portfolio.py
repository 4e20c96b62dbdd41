"""The boosters' learned portfolios: the greedy selection, and the shipped file against the search spaces."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from automl_kedro.ml import models
from automl_kedro.ml.models import TASKS, get_model

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
PORTFOLIO_FILE = Path(models.__file__).resolve().parent / models.PORTFOLIOS_FILE


def _benchmark_module(name: str):
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCHMARKS))
    return module


learn = _benchmark_module("learn_portfolio")
FILE = json.loads(PORTFOLIO_FILE.read_text(encoding="utf-8"))
FAMILIES = [f for f in FILE if not f.startswith("_")]


def test_normalised_errors_scale_each_set_between_its_best_and_median():
    scores = np.array([[0.8, 0.5, 0.5],
                       [0.9, 0.5, 0.5],
                       [0.7, 0.6, 0.5],
                       [np.nan, 0.5, 0.4]])
    err = learn.normalised_errors(scores)
    # set 0: best 0.9, median 0.8 -> 1, 0, 2 capped to 1, failed -> 1
    np.testing.assert_allclose(err[:, 0], [1.0, 0.0, 1.0, 1.0])
    # set 1: best 0.6, median 0.5
    np.testing.assert_allclose(err[:, 1], [1.0, 1.0, 0.0, 1.0])
    # set 2: the median ties the best: at the best 0, below it 1
    np.testing.assert_allclose(err[:, 2], [0.0, 0.0, 0.0, 1.0])


def test_greedy_portfolio_adds_what_lowers_the_mean_error_most_given_the_defaults():
    errors = np.array([[1.0, 1.0, 1.0, 1.0],   # the defaults, always run first
                       [0.0, 0.0, 1.0, 1.0],   # alone 0.5
                       [0.2, 0.2, 0.2, 1.0],   # alone 0.4: the best single addition
                       [1.0, 1.0, 0.0, 0.0]])  # alone 0.5, but complements row 2 best
    assert learn.greedy_portfolio(errors, 3, start=(0,)) == [2, 3, 1]
    assert learn.greedy_portfolio(errors, 2, start=(0,)) == [2, 3]
    assert learn.portfolio_error(errors, [0, 2, 3]) == pytest.approx(0.1)
    assert learn.portfolio_error(errors, [0]) == pytest.approx(1.0)


def test_greedy_portfolio_stops_when_nothing_helps_and_never_repeats_the_start():
    errors = np.array([[0.0, 1.0],
                       [1.0, 0.0],
                       [0.5, 0.5],
                       [1.0, 0.0]])  # ties row 1: the lower index wins
    assert learn.greedy_portfolio(errors, 3, start=(0,)) == [1]
    assert learn.greedy_portfolio(errors, 3) == [0, 1]
    assert learn.greedy_portfolio(np.ones((3, 2)), 2, start=(0,)) == []


def test_portfolio_file_is_learned_from_sets_the_benchmark_does_not_report_on():
    record = FILE["_learned_from"]
    reported = _benchmark_module("bench_datasets").BY_NAME
    assert record["sets"], "the record names the sets the portfolios were learned on"
    assert not set(record["sets"]) & set(reported)
    assert {"hist_gradient_boosting", "lightgbm"} <= set(record["families"])


@pytest.mark.parametrize("family", FAMILIES)
def test_each_configuration_names_exactly_its_search_space_and_builds_for_every_task(family):
    spec = get_model(family)
    if not spec.available():
        pytest.skip(f"{spec.package} is not installed")
    assert FILE[family], "a family in the file has at least one configuration"
    trial = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0)).ask()
    spec.suggest(trial, "regression", 1000)
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=60), "b": pd.Categorical(rng.choice(["x", "y", "z"], 60))})
    y = X["a"] * 2 + rng.normal(size=60)
    for config in FILE[family]:
        assert set(config) == set(trial.distributions), config
        for name, value in config.items():
            dist = trial.distributions[name]
            assert dist.low <= value <= dist.high, (name, value)
        for task in TASKS:
            params = spec.suggest(optuna.trial.FixedTrial(config), task, len(X))
            model = spec.build(task, params)
            assert hasattr(model, "fit"), task
        # the library accepts every parameter (one fit: the classifiers take the same ones)
        regressor = spec.build("regression", spec.suggest(optuna.trial.FixedTrial(config), "regression", len(X)))
        with threadpool_limits(1):  # OpenMP teams spinning on a busy machine slow HGB 10x
            regressor.fit(X, y)
        assert np.isfinite(regressor.predict(X)).all()


def test_the_registry_serves_the_files_portfolios():
    assert get_model("hist_gradient_boosting").portfolio == tuple(FILE["hist_gradient_boosting"])
    assert get_model("lightgbm").portfolio == tuple(FILE["lightgbm"])
    assert models.load_portfolios() == {f: tuple(FILE[f]) for f in FAMILIES}
