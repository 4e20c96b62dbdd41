"""Pure machine-learning core: model and metric registries, CV, Optuna search under a budget,
ensembles, recommendation and figures. Imports neither Kedro nor ClearML.

The names below are loaded on first use, so a search's worker process that imports one submodule
(``ml.fold_fit``) does not pay for the engine, Optuna and the figures."""
from importlib import import_module

_EXPORTS = {
    "NoSuccessfulCandidateError": "engine", "TrainResult": "engine", "fit_frame": "engine", "train": "engine",
    "METRICS": "metrics", "MetricSpec": "metrics", "register_metric": "metrics",
    "MODELS": "models", "ModelSpec": "models", "register_model": "models",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(import_module(f"automl_kedro.ml.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'automl_kedro.ml' has no attribute {name!r}")
