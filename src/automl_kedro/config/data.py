"""Sections of the data phases: data, split, audit, featurize (unknown keys are errors)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from automl_kedro.config.base import Section

ColumnType = Literal["numeric", "categorical", "boolean", "datetime", "text", "id", "constant"]


class EditParams(Section):
    """Editing steps applied before splitting, in this order: drop, rename, replace, query, clip, fillna."""

    drop: list[str] = Field(default_factory=list, description="columns to remove")
    rename: dict[str, str] = Field(default_factory=dict, description="old name -> new name")
    replace: dict[str, dict[str, Any]] = Field(default_factory=dict,
                                               description="column -> {old value: new value} (one spelling)")
    query: str | None = Field(None, description="pandas query keeping matching rows, e.g. \"age > 18\"")
    clip: dict[str, list[float | None]] = Field(default_factory=dict, description="column -> [low, high] (null: no bound)")
    fillna: dict[str, Any] = Field(default_factory=dict, description="column -> value, or mean / median / mode")


class DataParams(Section):
    path: str | None = Field(None, description="CSV or Parquet file")
    dataset_id: str | None = Field(None, description="ClearML Dataset id (needs ClearML mode online: conf/<env>/clearml.yml)")
    target: str | None = None
    problem_type: Literal["auto", "regression", "binary", "multiclass"] = "auto"
    max_classes: int = Field(20, ge=2, description="a whole-number target with at most this many values is classification")
    id_column: str | None = None
    feature_columns: list[str] | None = Field(None, description="restrict the features to these columns (default: all)")
    column_types: dict[str, ColumnType] = Field(default_factory=dict, description="force a column's type")
    personal_columns: list[str] = Field(
        default_factory=list, description="dropped when read (the id column excepted): never a feature, no value stored")
    delimiter: str | None = Field(None, description="CSV separator (default: detected)")
    encoding: str | None = Field(None, description="file encoding (default: detected, UTF-8 then Latin-1)")
    edit: EditParams = Field(default_factory=EditParams)


class SplitParams(Section):
    method: Literal["auto", "random", "stratified", "group", "time"] = "auto"
    test_size: float = Field(0.2, gt=0, lt=1)
    val_size: float = Field(0.0, ge=0, lt=1)
    seed: int = 42
    group_column: str | None = None
    time_column: str | None = None


class AuditParams(Section):
    top_n: int = Field(20, ge=1, description="columns shown in the missing-rate and correlation plots")
    sample_rows: int = Field(100_000, ge=1000, description="rows used by the slower checks on big data")
    plot_sample_rows: int = Field(20_000, ge=100, description="rows drawn in distribution plots")
    seed: int = 42
    missing_warning: float = Field(0.3, gt=0, le=1)
    near_constant: float = Field(0.98, gt=0.5, le=1)
    high_cardinality: int = Field(50, ge=2)
    outlier_iqr: float = Field(3.0, gt=0)
    leakage_rows: int = Field(5000, ge=100)
    leakage_critical: float = Field(0.98, gt=0, le=1)
    leakage_warning: float = Field(0.95, gt=0, le=1)
    shift_threshold: float = Field(0.1, gt=0, le=1)
    shift_pvalue: float = Field(0.01, gt=0, le=1)
    imbalance_warning: float = Field(0.1, gt=0, lt=0.5)


OneOrMany = Any  # a value or a list of values (a list expands into combinations)


class VariantParams(Section):
    """One preprocessing variant; every option may be a list, which expands into combinations."""

    id: str | None = None
    numeric_imputer: str | list[str] | None = None
    categorical_imputer: str | list[str] | None = None
    scaler: str | list[str] | None = None
    encoder: str | list[str] | None = None
    high_cardinality_encoder: str | list[str] | None = None
    high_cardinality_threshold: int | list[int] | None = None
    datetime_encoder: str | list[str] | None = None
    text_encoder: str | list[str] | None = None
    add_missing_indicator: bool | list[bool] | None = None
    polynomial_degree: int | list[int] | None = None
    pca_components: int | float | list[int | float] | None = None
    output: Literal["pandas", "numpy"] | None = None


class FeaturizeParams(Section):
    variants: list[VariantParams] = Field(default_factory=lambda: [VariantParams(id="standard")])
    native_variant: bool = Field(
        True, description="add the 'native' variant (native categoricals, date parts, no scaling) that tree "
        "boosters use instead of the declared variants; false: every model gets the declared variants")
    seed: int = 42
    sample_rows: int = Field(3, ge=1, le=50, description="rows shown before -> after")
    sample_max_columns: int = Field(40, ge=1)
