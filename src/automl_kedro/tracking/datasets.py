"""ClearMLDatasetFile: the local file of a ClearML Dataset named by ``data.dataset_id``.

A catalog entry, so that build_dataset reads a ClearML Dataset without importing clearml:
loading it returns ``None`` when no dataset id is set, the path of the dataset's one table file
(CSV or Parquet) in online mode, and a clear error otherwise.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset, DatasetError

from automl_kedro.config.clearml import MODE_ENV
from automl_kedro.errors import AutoMLInputError
from automl_kedro.run_context import current

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".pq")


def table_file(folder: Path, dataset_id: str) -> Path:
    """The one table file in a downloaded dataset folder."""
    files = sorted(p for p in Path(folder).rglob("*") if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES)
    if len(files) != 1:
        found = ", ".join(p.name for p in files[:10]) or "none"
        raise AutoMLInputError(
            f"ClearML Dataset {dataset_id} should hold exactly one CSV or Parquet file; found {found}. "
            "Register the table alone, or download it and set data.path."
        )
    return files[0]


class ClearMLDatasetFile(AbstractDataset):
    def __init__(self, metadata: dict[str, Any] | None = None) -> None:
        self.metadata = metadata or {}

    def load(self) -> str | None:
        ctx = current()
        dataset_id = (ctx.params.get("data") or {}).get("dataset_id")
        if not dataset_id:
            return None
        from automl_kedro.tracking.settings import project_tracking_config, server_reachable, server_settings

        if project_tracking_config(ctx.project_path, ctx.env).mode != "online":
            raise AutoMLInputError(
                f"data.dataset_id={dataset_id!r} names a ClearML Dataset, which needs ClearML mode online "
                f"(mode: online in conf/<env>/clearml.yml, or {MODE_ENV}=online) and a ClearML server "
                "(conf/local/credentials.yml or CLEARML_* variables); or set data.path to a local file."
            )
        from automl_kedro.tracking.sdk import load_clearml

        server = server_settings(ctx.project_path, env=ctx.env)
        if not server.configured or not server_reachable(server):
            raise AutoMLInputError(
                f"data.dataset_id={dataset_id!r}: the ClearML server is not configured or cannot be reached; "
                "set it in conf/local/credentials.yml, or set data.path to a local file."
            )
        clearml = load_clearml(offline=False, cache_dir=ctx.runs_root / ".clearml_cache", server=server)
        folder = clearml.Dataset.get(dataset_id=dataset_id).get_local_copy()
        return str(table_file(Path(folder), dataset_id))

    def save(self, data: Any) -> None:
        raise DatasetError("a ClearML Dataset is read-only here")

    def _describe(self) -> dict[str, Any]:
        return {}
