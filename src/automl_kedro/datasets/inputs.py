"""Read-only datasets for the files a user names by a parameter: the raw table, new rows, a model file.

Users keep setting paths as parameters (``data.path``, ``predict.input_path``, ``predict.model_path``
in parameters*.yml, conf/local or ``--params``); these entries read the path from the run's merged
parameters when they load, so every way of setting a parameter works and a node never opens a file.
Every problem is one :class:`AutoMLInputError` naming the setting (docs/ARCHITECTURE.md).
"""
from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pandas as pd
from kedro.io import AbstractDataset, DatasetError

from automl_kedro.data.build import read_source
from automl_kedro.data.io import ReadInfo
from automl_kedro.data.predict_input import read_predict_input
from automl_kedro.errors import AutoMLInputError
from automl_kedro.run_context import current


def setting_value(setting: str) -> Any:
    """The value of a dotted parameter key (``data.path``) in the running run's parameters, or None."""
    value: Any = current().params
    for part in setting.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


class _ReadOnly(AbstractDataset):
    setting = ""

    def save(self, data: Any) -> None:
        raise DatasetError(f"the file named by {self.setting} is read-only")

    def _describe(self) -> dict[str, Any]:
        return {"setting": self.setting}


class RawTableDataset(_ReadOnly):
    """The table named by ``data.path`` (or the ClearML Dataset ``data.dataset_id``) -> (table, ReadInfo).

    CSV (separator and encoding detected, or ``data.delimiter`` / ``data.encoding``) or Parquet.
    ``clearml_dataset`` is the dataset giving the local copy of ``data.dataset_id`` (None when unset).
    """

    setting = "data.path"

    def __init__(self, clearml_dataset: str | dict[str, Any] | None = None,
                 metadata: dict[str, Any] | None = None) -> None:
        config = {"type": clearml_dataset} if isinstance(clearml_dataset, str) else clearml_dataset
        self._clearml = AbstractDataset.from_config("clearml_dataset", dict(config)) if config else None
        self.metadata = metadata or {}

    def load(self) -> tuple[pd.DataFrame, ReadInfo]:
        data = setting_value("data") or {}
        local_copy = self._clearml.load() if self._clearml is not None and data.get("dataset_id") else None
        fetch = (lambda _dataset_id: local_copy) if local_copy else None
        return read_source(data, fetch)


class NewRowsDataset(_ReadOnly):
    """New rows named by ``setting`` (e.g. ``predict.input_path``): CSV, Parquet or JSON by suffix."""

    def __init__(self, setting: str, metadata: dict[str, Any] | None = None) -> None:
        self.setting = setting
        self.metadata = metadata or {}

    def load(self) -> pd.DataFrame:
        return read_predict_input(setting_value(self.setting), self.setting)


def load_model_file(path: str, setting: str = "predict.model_path"):
    """A pickled fitted pipeline named by the user (instead of the source run's model.ckpt)."""
    file = Path(path)
    if not file.is_file():
        raise AutoMLInputError(f"{setting}={path}: file not found. Point it at a model.ckpt of a train run.")
    try:
        with file.open("rb") as handle:
            model = pickle.load(handle)  # noqa: S301 - the user's own model file
    except Exception as exc:  # noqa: BLE001 - any unpickling failure is bad input
        raise AutoMLInputError(f"{setting}={path} is not a readable model file ({exc}).") from None
    if not hasattr(model, "predict"):
        raise AutoMLInputError(f"{setting}={path} holds a {type(model).__name__}, not a model with predict().")
    return model


class ModelFileDataset(_ReadOnly):
    """The model file named by ``setting`` (``predict.model_path``), or None when the setting is empty."""

    def __init__(self, setting: str, metadata: dict[str, Any] | None = None) -> None:
        self.setting = setting
        self.metadata = metadata or {}

    def load(self) -> Any:
        path = setting_value(self.setting)
        return load_model_file(str(path), self.setting) if path else None
