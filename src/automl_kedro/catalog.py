"""The project's DataCatalog: bad input found while a dataset loads reaches the caller as itself.

Kedro wraps every load failure in ``DatasetError``; when the cause is the user's input (the file
named by ``data.path`` or ``predict.input_path`` is missing or malformed, no run to read from), the
run stops with that ``AutoMLInputError`` and its one short message, as if a node had raised it.
"""
from __future__ import annotations

from typing import Any

from kedro.io import DataCatalog, DatasetError

from automl_kedro.hooks import find_input_error


class InputErrorCatalog(DataCatalog):
    def load(self, ds_name: str, version: str | None = None) -> Any:
        try:
            return super().load(ds_name, version)
        except DatasetError as exc:
            input_error = find_input_error(exc)
            if input_error is None:
                raise
            raise input_error from None
