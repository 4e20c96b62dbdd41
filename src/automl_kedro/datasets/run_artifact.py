"""Datasets that place files in the current run's directory of a process.

``RunArtifactDataset`` wraps any Kedro dataset: it saves into
``runs/<process>/<date>/<time>_<experiment>/<path>`` of the running `kedro run`, and
loads from there when this run produces ``process``, else from the upstream run
chosen by ``upstream.<process>`` (default: the latest complete run). The same
catalog entry thus serves a whole chain and a phase run alone.
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset, DatasetError

from automl_kedro.errors import AutoMLInputError
from automl_kedro.phases import PHASES
from automl_kedro.run_context import current


class RunArtifactDataset(AbstractDataset):
    def __init__(
        self,
        process: str,
        file: str,
        dataset: str | dict[str, Any],
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self.process = process
        self.path = file  # not "path": Kedro would make a *path key absolute to the project
        self._dataset_config = {"type": dataset} if isinstance(dataset, str) else dict(dataset)
        self.metadata = metadata or {}
        self.last_source: Path | None = None

    def _inner(self, base: Path) -> AbstractDataset:
        config = copy.deepcopy(self._dataset_config)
        config["filepath"] = str(base / self.path)
        return AbstractDataset.from_config(f"{self.process}:{self.path}", config)

    def load(self) -> Any:
        ctx = current()
        base = ctx.source_dir(self.process)
        if not (base / self.path).exists() and self.process in ctx.active_processes:
            # a phase started at a later node (kedro run --from-nodes=...): what its earlier nodes produced
            # comes from the latest complete run of the phase
            base = ctx.previous_run_dir(self.process)
        self.last_source = base
        target = base / self.path
        if not target.exists():
            raise AutoMLInputError(
                f"The '{self.process}' run in {base} has no {self.path}. "
                f"It may be incomplete or from an older version: rerun `kedro run --pipeline={self.process}` "
                f"or name another run with --params \"upstream.{self.process}=<run_id>\"."
            )
        return self._inner(base).load()

    def save(self, data: Any) -> None:
        base = current().run_dir(self.process)
        target = base / self.path
        target.parent.mkdir(parents=True, exist_ok=True)
        self._inner(base).save(data)

    def _exists(self) -> bool:
        try:
            return (current().source_dir(self.process) / self.path).exists()
        except (AutoMLInputError, RuntimeError, DatasetError):
            return False

    def _describe(self) -> dict[str, Any]:
        return {"process": self.process, "path": self.path, "dataset": self._dataset_config.get("type")}

    def file_path(self) -> Path | None:
        """Where the data was last saved or loaded (for artifacts)."""
        ctx = current()
        if ctx.has_dir(self.process):
            return ctx.run_dir(self.process) / self.path
        return self.last_source / self.path if self.last_source else None


class RunInfoDataset(AbstractDataset):
    """Read-only: the running run's identity (run_id, experiment, dataset_key, ...)."""

    def __init__(self, metadata: dict[str, Any] | None = None) -> None:
        self.metadata = metadata or {}

    def load(self) -> dict[str, Any]:
        return current().info()

    def save(self, data: Any) -> None:
        raise DatasetError("run_info is read-only")

    def _describe(self) -> dict[str, Any]:
        return {}


class RunPathDataset(AbstractDataset):
    """Read-only: a path inside this run's directory of ``process`` (e.g. an Optuna SQLite file).

    With ``url_scheme: sqlite`` it loads as ``sqlite:///<absolute path>``.
    """

    def __init__(self, process: str, file: str, url_scheme: str | None = None,
                 metadata: dict[str, Any] | None = None) -> None:
        self.process = process
        self.path = file
        self.url_scheme = url_scheme
        self.metadata = metadata or {}

    def load(self) -> str:
        target = current().run_dir(self.process) / self.path
        target.parent.mkdir(parents=True, exist_ok=True)
        return f"{self.url_scheme}:///{target.resolve()}" if self.url_scheme else str(target)

    def save(self, data: Any) -> None:
        raise DatasetError(f"{self.path} is a location, not data")

    def _describe(self) -> dict[str, Any]:
        return {"process": self.process, "path": self.path}


CONTRACT_FILES: dict[str, tuple[str, ...]] = {n: p.contract_files for n, p in PHASES.items() if p.contract_files}


class ArtifactInventoryDataset(AbstractDataset):
    """Read-only: which contract files exist in the runs this run uses (for the report's
    'Missing artifacts' section), as a list of {process, run_dir, file, present}."""

    def __init__(self, processes: list[str] | None = None, metadata: dict[str, Any] | None = None) -> None:
        self.processes = processes or list(CONTRACT_FILES)
        self.metadata = metadata or {}

    def load(self) -> list[dict[str, Any]]:
        ctx = current()
        rows = []
        for process in self.processes:
            try:
                base = ctx.source_dir(process)
            except AutoMLInputError:
                rows.append({"process": process, "run_dir": None, "file": "(run)", "present": False})
                continue
            for name in CONTRACT_FILES.get(process, ()):
                rows.append({"process": process, "run_dir": str(base), "file": name, "present": (base / name).exists()})
        return rows

    def save(self, data: Any) -> None:
        raise DatasetError("the artifact inventory is read-only")

    def _describe(self) -> dict[str, Any]:
        return {"processes": self.processes}
