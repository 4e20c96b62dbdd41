"""Datasets of the model's life after training: optional artifacts, the monitoring log, a batch.

``OptionalRunArtifactDataset``: a RunArtifactDataset that loads None when the file (or the whole
upstream run) is missing and saves nothing when given an empty dict (Kedro refuses None); the report reads its inputs through
it (transcoded names such as ``leaderboard@optional`` keep the pipeline order), so a missing
piece gives a shorter report instead of none.
``MonitoringLogDataset``: ``<runs_dir>/monitoring/<file>``, shared by every monitor run; saving
appends rows (columns may grow), loading gives the whole log.
``InputTableDataset``: the table named by a parameter (e.g. ``monitor.input_path``), read with the
same reader as build_dataset; a missing setting or file is bad input naming the setting.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from kedro.io import AbstractDataset, DatasetError

from automl_kedro.datasets.run_artifact import RunArtifactDataset
from automl_kedro.errors import AutoMLInputError
from automl_kedro.run_context import current
from automl_kedro.runs_store import MONITORING_DIR, RUN_DIR_DEPTH


class OptionalRunArtifactDataset(RunArtifactDataset):
    def load(self) -> Any:
        try:
            base = current().source_dir(self.process)
        except AutoMLInputError:
            return None
        if not (base / self.path).exists():
            return None
        return super().load()

    def save(self, data: Any) -> None:
        if data is not None and not (isinstance(data, dict) and not data):
            super().save(data)  # Kedro refuses None before this: an empty dict means "nothing"

    def file_path(self) -> Path | None:
        path = super().file_path()
        return path if path is not None and path.exists() else None


class MonitoringLogDataset(AbstractDataset):
    def __init__(self, file: str, metadata: dict[str, Any] | None = None) -> None:
        self.file = file
        self.metadata = metadata or {}

    def _path(self) -> Path:
        return current().runs_root / MONITORING_DIR / self.file

    def load(self) -> pd.DataFrame:
        path = self._path()
        return pd.read_csv(path) if path.is_file() else pd.DataFrame()

    def save(self, data: pd.DataFrame) -> None:
        path = self._path()
        path.parent.mkdir(parents=True, exist_ok=True)
        log = pd.concat([self.load(), data], ignore_index=True) if path.is_file() else data
        tmp = path.with_suffix(".csv.tmp")
        log.to_csv(tmp, index=False)
        tmp.replace(path)

    def file_path(self) -> Path:
        return self._path()

    def _describe(self) -> dict[str, Any]:
        return {"file": self.file}


class InputTableDataset(AbstractDataset):
    def __init__(self, setting: str, metadata: dict[str, Any] | None = None) -> None:
        self.setting = setting  # dotted parameter key holding the file's path
        self.metadata = metadata or {}

    def load(self) -> pd.DataFrame:
        from automl_kedro.data.io import read_table

        value: Any = current().params
        for part in self.setting.split("."):
            value = (value or {}).get(part)
        if not value:
            raise AutoMLInputError(f'Set {self.setting} to a CSV or Parquet file of new rows '
                                   f'(--params "{self.setting}=new.csv").')
        if not Path(value).is_file():
            raise AutoMLInputError(f"{self.setting} names {value}, which is not a file. Set it to an existing file.")
        table, _ = read_table(str(value))
        return table

    def save(self, data: Any) -> None:
        raise DatasetError(f"the input named by {self.setting} is read-only")

    def _describe(self) -> dict[str, Any]:
        return {"setting": self.setting}


class PlotLinksDataset(AbstractDataset):
    """Read-only: the HTML plots of the runs this run reads, as links a run directory can use.

    Loads ``[{process, title, link}]``; ``link`` is relative to a run directory
    (``runs/<process>/<date>/<time>/``), so report.md's links work wherever the runs folder is.
    A process without a run is skipped.
    """

    def __init__(self, processes: list[str], metadata: dict[str, Any] | None = None) -> None:
        self.processes = processes
        self.metadata = metadata or {}

    def load(self) -> list[dict[str, str]]:
        ctx = current()
        root = ctx.runs_root.resolve()
        links = []
        for process in self.processes:
            try:
                base = ctx.source_dir(process)
            except AutoMLInputError:
                continue
            for html in sorted((base / "plots").glob("*.html")):
                path = html.resolve()
                link = ("../" * RUN_DIR_DEPTH + path.relative_to(root).as_posix()) if path.is_relative_to(root) \
                    else path.as_uri()
                group, _, name = html.stem.partition("__")
                title = (name or group).replace("_", " ")
                links.append({"process": process, "title": title, "link": link})
        return links

    def save(self, data: Any) -> None:
        raise DatasetError("plot links are read-only")

    def _describe(self) -> dict[str, Any]:
        return {"processes": self.processes}
