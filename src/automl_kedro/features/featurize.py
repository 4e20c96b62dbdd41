"""featurize as a pure function: variants -> unfitted transformers, plus what they produce.

Each variant is fitted once on the train split only, to list its output features (the manifest)
and show a few rows before -> after. The returned transformers are unfitted: train clones them
inside cross-validation, so no fold ever sees statistics of its validation rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from sklearn.base import clone

from automl_kedro.errors import AutoMLInputError
from automl_kedro.features.native import NATIVE_VARIANT_ID, NativeTabular
from automl_kedro.features.variants import build_preprocessor, describe_variant, expand_variants, variant_version

MANIFEST_VERSION = 1
MASK = "***"


@dataclass
class FeaturizeResult:
    preprocessors: dict[str, Any]
    features_manifest: dict[str, Any]
    schema_raw: dict[str, Any]
    preprocess_pipeline: dict[str, Any]
    sample_rows: pd.DataFrame
    plots: dict[str, go.Figure]

    def as_tuple(self):
        return self.preprocessors, self.features_manifest, self.schema_raw, self.preprocess_pipeline, self.sample_rows, self.plots


def cardinalities(frame: pd.DataFrame, schema: dict[str, Any]) -> dict[str, int]:
    """Distinct values of each categorical / text feature column in ``frame``."""
    return {
        c: int(frame[c].nunique(dropna=True))
        for c in schema["feature_columns"]
        if schema["column_types"].get(c) in ("categorical", "text")
    }


def schema_raw(frame: pd.DataFrame, schema: dict[str, Any]) -> dict[str, Any]:
    """The raw input columns the transformers expect: type, dtype, missing values (train split)."""
    n = len(frame)
    columns = []
    for column in schema["feature_columns"]:
        series = frame[column]
        n_missing = int(series.isna().sum())
        columns.append({
            "name": column,
            "type": schema["column_types"].get(column),
            "dtype": str(series.dtype),
            "n_missing": n_missing,
            "missing_rate": round(n_missing / n, 4) if n else 0.0,
            "n_unique": int(series.nunique(dropna=True)),
            "personal": column in schema.get("personal_columns", []),
        })
    return {"target": schema["target"], "problem_type": schema["problem_type"], "n_rows_train": n,
            "feature_columns": list(schema["feature_columns"]), "columns": columns}


def _sources(name: str, columns: list[str]) -> list[str]:
    """Which input columns an output feature comes from."""
    if name in columns:
        return [name]
    if name.startswith("missingindicator_") and name[len("missingindicator_"):] in columns:
        return [name[len("missingindicator_"):]]
    tokens = [re.sub(r"\^\d+$", "", t) for t in name.split(" ")]
    if len(tokens) > 1 and all(t in columns for t in tokens):
        return list(dict.fromkeys(tokens))
    if tokens[0] in columns and name != tokens[0]:
        return [tokens[0]]
    prefixed = [c for c in columns if name.startswith(f"{c}_")]
    if prefixed:
        return [max(prefixed, key=len)]
    return []


def _manifest_entry(fitted: Any, variant: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    names = [str(n) for n in fitted.get_feature_names_out()]
    column_transformer = fitted.named_steps["columns"] if hasattr(fitted, "named_steps") else fitted
    group_of: dict[str, str] = {}
    for group, _, cols in column_transformer.transformers_:
        if group == "remainder":
            continue
        for out in column_transformer.named_transformers_[group].get_feature_names_out(cols) if column_transformer.named_transformers_[group] != "passthrough" else cols:
            group_of[str(out)] = group
    pca = hasattr(fitted, "named_steps") and "pca" in fitted.named_steps
    features = []
    for name in names:
        if pca:
            source, group = list(schema["feature_columns"]), "pca"
        else:
            source, group = _sources(name, schema["feature_columns"]), group_of.get(name)
        features.append({"name": name, "source_columns": source, "group": group, "dimension": 1})
    return {
        "version": variant_version(schema, variant),
        "n_features_in": len(schema["feature_columns"]),
        "n_features_out": len(names),
        "dimension": len(names),
        "options": {k: v for k, v in variant.items() if k != "id"},
        "features": features,
    }


def _native_manifest_entry(fitted: NativeTabular, schema: dict[str, Any]) -> dict[str, Any]:
    names = [str(n) for n in fitted.get_feature_names_out()]
    features = []
    for name in names:
        source = name if name in fitted.kinds_ else name.rsplit("_", 1)[0]
        features.append({"name": name, "source_columns": [source], "group": fitted.kinds_.get(source, "datetime"),
                         "dimension": 1})
    return {"version": variant_version(schema, {"id": NATIVE_VARIANT_ID, "kind": "native"}),
            "n_features_in": len(schema["feature_columns"]), "n_features_out": len(names), "dimension": len(names),
            "options": {"kind": "native", "categorical": "pandas category (<= 32 levels; more: ordinal codes)", "scaling": "none",
                        "datetime": "year, month, dayofweek, dayofyear, ordinal"},
            "features": features}


def _format(value: Any) -> str | None:
    if pd.isna(value):
        return None
    try:
        return f"{float(value):.6g}"
    except (TypeError, ValueError):
        return str(value)


def _to_frame(values: Any, names: list[str], index) -> pd.DataFrame:
    if isinstance(values, pd.DataFrame):
        return values
    return pd.DataFrame(np.asarray(values), columns=names, index=index)


def _sample_rows(train: pd.DataFrame, fitted: dict[str, Any], manifests: dict[str, Any], schema: dict[str, Any],
                 n_rows: int, max_columns: int) -> pd.DataFrame:
    """A few training rows before and after each variant, long format, personal columns masked."""
    personal = set(schema.get("personal_columns", []))
    rows = train.head(n_rows)
    records: list[dict[str, Any]] = []
    for sample_id, (_, row) in zip(rows["sample_id"], rows.iterrows()):
        for column in schema["feature_columns"][:max_columns]:
            value = MASK if column in personal else row[column]
            records.append({"sample_id": sample_id, "variant": "raw", "stage": "before", "column": column,
                            "source_columns": column, "value": None if pd.isna(value) else str(value)})
    for variant_id, transformer in fitted.items():
        names = [f["name"] for f in manifests[variant_id]["features"]]
        out = _to_frame(transformer.transform(rows[schema["feature_columns"]]), names, rows.index)
        sources = {f["name"]: f["source_columns"] for f in manifests[variant_id]["features"]}
        for sample_id, (_, row) in zip(rows["sample_id"], out.iterrows()):
            for name in names[:max_columns]:
                masked = bool(personal & set(sources.get(name, [])))
                value = MASK if masked else row[name]
                records.append({"sample_id": sample_id, "variant": variant_id, "stage": "after", "column": name,
                                "source_columns": ",".join(sources.get(name, [])),
                                "value": value if masked else _format(value)})
    return pd.DataFrame.from_records(records, columns=["sample_id", "variant", "stage", "column", "source_columns", "value"])


def feature_count_figure(manifest: dict[str, Any]) -> go.Figure:
    variants = list(manifest["variants"])
    before = [manifest["variants"][v]["n_features_in"] for v in variants]
    after = [manifest["variants"][v]["n_features_out"] for v in variants]
    fig = go.Figure([
        go.Bar(x=variants, y=before, name="before (raw columns)"),
        go.Bar(x=variants, y=after, name="after (model inputs)"),
    ])
    fig.update_layout(title="Feature count before / after preprocessing", barmode="group",
                      xaxis_title="preprocessing variant", yaxis_title="columns")
    return fig


def build_preprocessors(X: pd.DataFrame, schema: dict[str, Any], params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Unfitted transformers by variant id: the declared variants, plus ``native`` for the tree boosters
    (unless ``featurize.native_variant`` is false). ``X`` (the train rows) gives the categoricals' cardinality."""
    params = dict(params or {})
    seed = int(params.get("seed", 42))
    cards = cardinalities(X, schema)
    out = {v["id"]: build_preprocessor(schema, v, cards, seed=seed) for v in expand_variants(params.get("variants"))}
    if params.get("native_variant", True):
        if NATIVE_VARIANT_ID in out:
            raise AutoMLInputError(f"featurize.variants: the id {NATIVE_VARIANT_ID!r} is reserved for the tree "
                                   "boosters' native inputs; rename that variant or set featurize.native_variant: false.")
        types = {c: schema["column_types"].get(c, "categorical") for c in schema["feature_columns"]}
        out[NATIVE_VARIANT_ID] = NativeTabular(column_types=types)
    return out


def featurize(dataset: pd.DataFrame, schema: dict[str, Any], params: dict[str, Any] | None = None) -> FeaturizeResult:
    """Unfitted transformers for every variant, and the manifest / recipe / samples / plot."""
    params = dict(params or {})
    seed = int(params.get("seed", 42))
    variants = expand_variants(params.get("variants"))
    missing = [c for c in schema["feature_columns"] if c not in dataset.columns]
    if missing:
        raise AutoMLInputError(f"The dataset lacks feature column(s) {missing} named in the schema; rebuild the dataset.")
    train = dataset[dataset["split"] == "train"] if "split" in dataset.columns else dataset
    if train.empty:
        raise AutoMLInputError("The train split is empty; check split.test_size and split.val_size.")
    X = train[schema["feature_columns"]]
    cards = cardinalities(train, schema)
    preprocessors = build_preprocessors(X, schema, params)
    fitted: dict[str, Any] = {}
    manifest: dict[str, Any] = {"manifest_version": MANIFEST_VERSION, "fitted_on": "train", "n_rows_fit": int(len(X)),
                                "variants": {}}
    recipe: dict[str, Any] = {"variants": {}}
    declared = {v["id"]: v for v in variants}
    for variant_id, transformer in preprocessors.items():
        try:
            fitted[variant_id] = clone(transformer).fit(X)
        except Exception as exc:  # surface which variant failed and why
            raise AutoMLInputError(f"Preprocessing variant {variant_id!r} cannot be fitted on the train split: {exc}") from exc
        if variant_id in declared:
            manifest["variants"][variant_id] = _manifest_entry(fitted[variant_id], declared[variant_id], schema)
            recipe["variants"][variant_id] = describe_variant(schema, declared[variant_id], cards)
        else:
            manifest["variants"][variant_id] = _native_manifest_entry(fitted[variant_id], schema)
            recipe["variants"][variant_id] = {"kind": "native", "used_by": "tree boosters (input_kind native)"}
    sample = _sample_rows(train, fitted, manifest["variants"], schema, int(params.get("sample_rows", 3)),
                          int(params.get("sample_max_columns", 40)))
    # with one variant the before/after count is one sentence of the manifest, not a plot
    plots = {"03_features/feature_count": feature_count_figure(manifest)} if len(variants) > 1 else {}
    return FeaturizeResult(preprocessors, manifest, schema_raw(train, schema), recipe, sample, plots)
