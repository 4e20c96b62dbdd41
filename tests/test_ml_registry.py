"""Model and metric registries: resolution, aliases, typos, optional packages, plugins."""
from __future__ import annotations

import sys
import textwrap

import pytest

from automl_kedro.ml.metrics import METRICS, default_primary_metric, resolve_metrics
from automl_kedro.ml.models import MODELS, ModelSpec, get_model, load_plugins, register_model, resolve_models
from automl_kedro.registry import UnknownEntryError


@pytest.mark.parametrize("alias", ["RandomForest", "random-forest", "Random Forest", "rf", "RandomForestClassifier"])
def test_aliases_resolve_to_one_entry(alias):
    assert MODELS.canonical(alias) == "random_forest"


def test_typo_fails_with_a_suggestion():
    with pytest.raises(UnknownEntryError) as exc:
        get_model("randm_forest")
    assert "Did you mean" in str(exc.value) and "random_forest" in str(exc.value)


def test_every_builtin_builds_for_its_tasks():
    for name, spec in MODELS.items():
        if not spec.available() or spec.factory.__module__ != "automl_kedro.ml.models":
            continue  # optional package missing, or an entry another test registered
        for task in spec.tasks:
            est = spec.build(task, {}, random_state=0, n_jobs=1)
            assert hasattr(est, "fit") and hasattr(est, "predict"), name


def test_task_filter_and_row_limit_are_reported():
    res = resolve_models(["linear_regression", "logistic_regression", "gaussian_process"], "binary", n_rows=5000)
    assert [s.name for s in res.specs] == ["logistic_regression"]
    assert "regression" in res.skipped["linear_regression"]
    assert "2000" in res.skipped["gaussian_process"]


def test_missing_package_names_the_package_and_others_go_on():
    register_model(ModelSpec("needs_missing_pkg", ("regression",), lambda *a: None, dependency="no_such_pkg_xyz",
                             package="no-such-pkg"), replace=True)
    res = resolve_models(["needs_missing_pkg", "ridge"], "regression")
    assert [s.name for s in res.specs] == ["ridge"]
    assert "no-such-pkg" in res.skipped["needs_missing_pkg"]
    with pytest.raises(ImportError, match="no-such-pkg"):
        get_model("needs_missing_pkg").build("regression")


def test_plugin_module_registers_a_model(tmp_path, monkeypatch):
    (tmp_path / "my_models_plugin.py").write_text(textwrap.dedent("""
        from sklearn.dummy import DummyRegressor
        from automl_kedro.ml import ModelSpec, register_model
        register_model(ModelSpec("plugin_dummy", ("regression",), lambda task, p, rs, nj: DummyRegressor(**p),
                                 aliases=("pdummy",)), replace=True)
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    assert load_plugins(["my_models_plugin"]) == ["my_models_plugin"]
    assert MODELS.canonical("PDummy") == "plugin_dummy"
    with pytest.raises(ImportError, match="train.plugins"):
        load_plugins(["no_such_plugin_module_xyz"])
    sys.modules.pop("my_models_plugin", None)


def test_search_space_gives_params_the_factory_accepts():
    import optuna

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for name in ["hist_gradient_boosting", "lightgbm", "random_forest", "mlp", "svm", "elastic_net", "k_neighbors"]:
        spec = get_model(name)
        task = spec.tasks[0]
        params = spec.suggest(study.ask(), task, 500)
        spec.build(task, params, 0, 1)  # no TypeError for unknown parameters


def test_metrics_directions_and_probability_needs():
    assert METRICS.get("r2").greater_is_better and not METRICS.get("mae").greater_is_better
    assert METRICS.get("roc_auc_ovr").name == "roc_auc" and METRICS.get("roc_auc").needs_proba
    assert METRICS.get("logloss").needs_proba and not METRICS.get("log_loss").greater_is_better
    assert default_primary_metric("regression") == "r2"
    assert {m.name for m in resolve_metrics(None, "regression")} == {"r2", "mae", "mse", "rmse"}
    with pytest.raises(ValueError, match="does not apply"):
        resolve_metrics(["r2"], "binary")
    with pytest.raises(UnknownEntryError, match="Did you mean"):
        METRICS.get("accuracyy")


def test_train_params_reject_model_typos():
    from automl_kedro.config import validate_params
    from automl_kedro.errors import ParameterError

    with pytest.raises(ParameterError, match="random_forest"):
        validate_params({"train": {"models": ["randm_forest"]}})
    ok = validate_params({"train": {"models": ["RF", {"name": "ridge", "params": {"alpha": 2.0}}]}})
    assert ok.train.model_names() == ["RF", "ridge"] and ok.train.model_params() == {"ridge": {"alpha": 2.0}}
