"""Pure data logic: reading files, column typing, problem type, splitting, audit, data figures.

Imports neither kedro nor clearml.
"""
from automl_kedro.data.build import BuiltDataset, build_dataset, dataset_hash
from automl_kedro.data.io import ReadInfo, read_table, resolve_source
from automl_kedro.data.problem import detect_problem_type
from automl_kedro.data.split import make_split
from automl_kedro.data.types import COLUMN_TYPES, infer_column_types

__all__ = [
    "BuiltDataset", "COLUMN_TYPES", "ReadInfo", "build_dataset", "dataset_hash", "detect_problem_type",
    "infer_column_types", "make_split", "read_table", "resolve_source",
]
