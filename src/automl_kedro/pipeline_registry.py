"""Pipelines: one per phase, and `train` = build_dataset -> audit -> featurize -> train -> evaluate -> report."""
from __future__ import annotations

from kedro.pipeline import Pipeline

from automl_kedro.pipelines.audit_dataset.pipeline import create_pipeline as audit_pipeline
from automl_kedro.pipelines.build_dataset.pipeline import create_pipeline as build_pipeline
from automl_kedro.pipelines.evaluate.pipeline import create_pipeline as evaluate_pipeline
from automl_kedro.pipelines.featurize.pipeline import create_pipeline as featurize_pipeline
from automl_kedro.pipelines.optimize.pipeline import create_pipeline as optimize_pipeline
from automl_kedro.pipelines.predict.pipeline import create_pipeline as predict_pipeline
from automl_kedro.pipelines.report.pipeline import create_pipeline as report_pipeline
from automl_kedro.pipelines.train.pipeline import create_pipeline as train_pipeline
from automl_kedro.pipelines.visualize.pipeline import create_pipeline as visualize_pipeline


def register_pipelines() -> dict[str, Pipeline]:
    phases = {
        "build_dataset": build_pipeline(),
        "audit_dataset": audit_pipeline(),
        "featurize": featurize_pipeline(),
        "train_only": train_pipeline(),
        "evaluate": evaluate_pipeline(),
        "report": report_pipeline(),
        "predict": predict_pipeline(),
        "visualize": visualize_pipeline(),
        "optimize": optimize_pipeline(),
    }
    golden = (
        phases["build_dataset"]
        + phases["audit_dataset"]
        + phases["featurize"]
        + phases["train_only"]
        + phases["evaluate"]
        + phases["report"]
    )
    return {**phases, "train": golden, "__default__": golden}
