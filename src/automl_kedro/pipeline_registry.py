"""Pipelines: one per row of the phases table, and `train` = every golden phase in table order."""
from __future__ import annotations

from importlib import import_module

from kedro.pipeline import Pipeline

from automl_kedro.phases import GOLDEN_PIPELINE, PHASES


def register_pipelines() -> dict[str, Pipeline]:
    factories = {name: import_module(f"automl_kedro.pipelines.{name}.pipeline").create_pipeline for name in PHASES}
    alone = {p.registered_as: factories[name](**dict(p.alone_kwargs)) for name, p in PHASES.items()}
    golden = sum((factories[name]() for name, p in PHASES.items() if p.golden), Pipeline([]))
    return {**alone, GOLDEN_PIPELINE: golden, "__default__": golden}
