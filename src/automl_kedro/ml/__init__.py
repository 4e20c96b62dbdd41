"""Pure machine-learning core: model and metric registries, CV, Optuna search under a budget,
ensembles, recommendation and figures. Imports neither Kedro nor ClearML."""
from automl_kedro.ml.engine import NoSuccessfulCandidateError, TrainResult, fit_frame, train
from automl_kedro.ml.metrics import METRICS, MetricSpec, register_metric
from automl_kedro.ml.models import MODELS, ModelSpec, register_model

__all__ = ["METRICS", "MODELS", "MetricSpec", "ModelSpec", "NoSuccessfulCandidateError",
           "TrainResult", "fit_frame", "register_metric", "register_model", "train"]
