"""build_dataset: a thin wrapper over :func:`automl_kedro.data.build_dataset`."""
from __future__ import annotations

import logging
from typing import Any

from automl_kedro.data import build_dataset as _build

logger = logging.getLogger(__name__)


def build_dataset(params_data: dict[str, Any], params_split: dict[str, Any], run_info: dict[str, Any],
                  clearml_dataset_file: str | None = None):
    """Read, edit, type, split and hash the data -> (dataset, dataset_index, split, schema, dataset_info).

    ``clearml_dataset_file`` is the local copy of ``data.dataset_id`` (from the catalog), or None.
    """
    fetch = (lambda _dataset_id: clearml_dataset_file) if clearml_dataset_file else None
    built = _build(params_data, params_split, dataset_key=(run_info or {}).get("dataset_key"), fetch=fetch)
    info = built.dataset_info
    logger.info(
        "dataset %s: %d rows, %d features, %s (%s split: train %d / val %d / test %d), hash %s",
        info["dataset_key"], info["n_rows"], info["n_features"], info["problem_type"],
        built.split["method"], info["n_train"], info["n_val"], info["n_test"], info["dataset_hash"][:12],
    )
    for note in info["notes"]:
        logger.warning("%s", note)
    return built.as_tuple()
