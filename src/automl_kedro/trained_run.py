"""A finished train run read from disk, outside a `kedro run` (the ``automl-kedro predict`` command).

Inside a `kedro run` the catalog reads these files; here nothing is written and no run directory
is created. The train run is named as `predict.source_run` names it: a run id, ``latest`` or
``champion``; its dataset is the build_dataset run that train read (meta.json ``upstream_artifacts``).
"""
from __future__ import annotations

import json
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from automl_kedro.errors import AutoMLInputError
from automl_kedro.run_context import find_run, read_meta


@dataclass
class TrainedRun:
    path: Path
    meta: dict[str, Any]
    model: Any
    schema: dict[str, Any]
    dataset: pd.DataFrame
    oof: pd.DataFrame | None


def train_run_dir(runs_root: Path, selector: str = "latest") -> Path:
    """The train run directory for a run id, ``latest`` or ``champion``."""
    if selector == "champion":
        from automl_kedro.runs_store import resolve_champion

        selector = resolve_champion(runs_root, None)
    return find_run(runs_root, "train", selector)


def _dataset_dir(runs_root: Path, train_dir: Path, meta: dict[str, Any]) -> Path:
    for item in meta.get("upstream_artifacts", []):
        if item.get("process") == "build_dataset" and Path(item.get("path", "")).is_dir():
            return Path(item["path"])
    return find_run(runs_root, "build_dataset", meta.get("run_id") or "latest")


def load_trained_run(runs_root: Path, selector: str = "latest") -> TrainedRun:
    path = train_run_dir(runs_root, selector)
    meta = read_meta(path) or {}
    model_file = path / "model" / "model.ckpt"
    if not model_file.is_file():
        raise AutoMLInputError(f"Train run {meta.get('run_id', path)} has no model/model.ckpt; train again.")
    with model_file.open("rb") as handle:
        model = pickle.load(handle)  # noqa: S301 - our own run's model
    data_dir = _dataset_dir(runs_root, path, meta) / "dataset"
    schema = json.loads((data_dir / "schema.json").read_text())
    dataset = pd.read_parquet(data_dir / "data.parquet")
    oof_file = path / "oof" / "oof_predictions.parquet"
    oof = pd.read_parquet(oof_file) if oof_file.is_file() else None
    return TrainedRun(path, meta, model, schema, dataset, oof)
