"""Pipelines: one per row of the phases table, and `train` = every golden phase in table order."""
from __future__ import annotations

from importlib import import_module

from kedro.pipeline import Pipeline

from automl_kedro.phases import GOLDEN_PIPELINE, PHASES


def register_pipelines() -> dict[str, Pipeline]:
    built = {name: import_module(f"automl_kedro.pipelines.{name}.pipeline").create_pipeline() for name in PHASES}
    pipelines = {PHASES[name].registered_as: p for name, p in built.items()}
    golden = sum((built[name] for name, phase in PHASES.items() if phase.golden), Pipeline([]))
    return {**pipelines, GOLDEN_PIPELINE: golden, "__default__": golden}
