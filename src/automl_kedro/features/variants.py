"""Preprocessing variants: parameters -> unfitted ColumnTransformer-based sklearn transformers.

A variant is a dict of options (see ``VARIANT_DEFAULTS``). Any option given as a list expands into
every combination (``scaler: [standard, robust]`` gives two variants), unlike the original system,
which silently kept the first item.
"""
from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import re
from typing import Any

from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import PolynomialFeatures

from automl_kedro.errors import AutoMLInputError
from automl_kedro.features.registry import REGISTRIES
from automl_kedro.features.transformers import AsString, InfAsMissing
from automl_kedro.registry import UnknownEntryError

VARIANT_DEFAULTS: dict[str, Any] = {
    "numeric_imputer": "median",
    "categorical_imputer": "most_frequent",
    "scaler": "standard",
    "encoder": "onehot",
    "high_cardinality_encoder": "frequency",
    "high_cardinality_threshold": 30,
    "datetime_encoder": "parts",
    "text_encoder": "length",
    "add_missing_indicator": False,
    "polynomial_degree": 1,
    "pca_components": None,
    "output": "pandas",
}
VARIANT_KEYS = ("id", *VARIANT_DEFAULTS)
_ID_SAFE = re.compile(r"[^A-Za-z0-9_.\-]+")


def _check_keys(raw: dict[str, Any], where: str) -> None:
    for key in raw:
        if key not in VARIANT_KEYS:
            close = difflib.get_close_matches(str(key), VARIANT_KEYS, n=1, cutoff=0.6)
            hint = f" Did you mean '{close[0]}'?" if close else f" Known options: {', '.join(VARIANT_KEYS)}."
            raise AutoMLInputError(f"Unknown preprocessing option '{where}.{key}'.{hint}")


def _resolve(key: str, value: Any, where: str) -> Any:
    if key in REGISTRIES:
        try:
            return REGISTRIES[key].canonical(str(value))
        except UnknownEntryError as exc:
            raise AutoMLInputError(f"{where}.{key}: {exc}") from None
    if key == "high_cardinality_threshold":
        if not isinstance(value, int) or value < 2:
            raise AutoMLInputError(f"{where}.{key} must be a whole number of at least 2; got {value!r}.")
    if key == "polynomial_degree":
        if not isinstance(value, int) or not 1 <= value <= 3:
            raise AutoMLInputError(f"{where}.{key} must be 1 (none), 2 or 3; got {value!r}.")
    if key == "pca_components" and value is not None:
        ok = (isinstance(value, int) and value >= 1) or (isinstance(value, float) and 0 < value < 1)
        if not ok:
            raise AutoMLInputError(
                f"{where}.{key} must be a number of components (>= 1) or a share of variance (0..1); got {value!r}."
            )
    if key == "output" and value not in ("pandas", "numpy", "default"):
        raise AutoMLInputError(f"{where}.{key} must be pandas or numpy; got {value!r}.")
    if key == "add_missing_indicator" and not isinstance(value, bool):
        raise AutoMLInputError(f"{where}.{key} must be true or false; got {value!r}.")
    return value


def expand_variants(variants: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Every variant fully specified, list options expanded into combinations, ids unique."""
    variants = list(variants or [{"id": "standard"}])
    out: list[dict[str, Any]] = []
    for i, raw in enumerate(variants):
        where = f"featurize.variants[{i}]"
        if not isinstance(raw, dict):
            raise AutoMLInputError(f"{where} must be a mapping of options (e.g. {{id: std, scaler: standard}}); got {raw!r}.")
        _check_keys(raw, where)
        base_id = str(raw.get("id") or f"variant{i + 1}")
        options = {**VARIANT_DEFAULTS, **{k: v for k, v in raw.items() if k != "id" and v is not None}}
        listed = [k for k, v in options.items() if isinstance(v, (list, tuple))]
        for k in listed:
            if not options[k]:
                raise AutoMLInputError(f"{where}.{k} is an empty list; give at least one value.")
        for combo in itertools.product(*(options[k] for k in listed)):
            chosen = dict(options)
            chosen.update(dict(zip(listed, combo)))
            chosen = {k: _resolve(k, v, where) for k, v in chosen.items()}
            suffix = "-".join(str(chosen[k]) for k in listed if len(options[k]) > 1)
            variant_id = _ID_SAFE.sub("_", f"{base_id}-{suffix}" if suffix else base_id)
            out.append({"id": variant_id, **chosen})
    seen: set[str] = set()
    for variant in out:
        if variant["id"] in seen:
            raise AutoMLInputError(f"Two preprocessing variants are called {variant['id']!r}; give each a different id.")
        seen.add(variant["id"])
    return out


def column_groups(
    schema: dict[str, Any], variant: dict[str, Any], cardinality: dict[str, int] | None = None
) -> dict[str, list[str]]:
    """Feature columns by how they are processed."""
    cardinality = cardinality or {}
    types = schema["column_types"]
    groups: dict[str, list[str]] = {k: [] for k in ("numeric", "boolean", "categorical", "high_cardinality", "datetime", "text")}
    for column in schema["feature_columns"]:
        kind = types.get(column, "categorical")
        if kind == "numeric":
            groups["numeric"].append(column)
        elif kind == "boolean":
            groups["boolean"].append(column)
        elif kind == "datetime":
            groups["datetime"].append(column)
        elif kind == "text":
            groups["text"].append(column)
        elif kind == "categorical":
            high = cardinality.get(column, 0) > variant["high_cardinality_threshold"]
            groups["high_cardinality" if high else "categorical"].append(column)
    return groups


def _pipe(steps: list[tuple[str, Any]]) -> Any:
    steps = [(name, step) for name, step in steps if step is not None]
    if not steps:
        return "passthrough"
    return Pipeline(steps)


def build_preprocessor(
    schema: dict[str, Any], variant: dict[str, Any], cardinality: dict[str, int] | None = None, seed: int = 42
) -> Any:
    """An unfitted transformer for one (expanded) variant."""
    reg = REGISTRIES
    groups = column_groups(schema, variant, cardinality)
    indicator = bool(variant["add_missing_indicator"])
    transformers: list[tuple[str, Any, list[str]]] = []
    if groups["numeric"]:
        steps = [
            ("finite", InfAsMissing()),
            ("impute", reg["numeric_imputer"].get(variant["numeric_imputer"]).build(add_indicator=indicator)),
            ("scale", reg["scaler"].get(variant["scaler"]).build(seed=seed)),
        ]
        if variant["polynomial_degree"] > 1:
            steps.append(("polynomial", PolynomialFeatures(degree=variant["polynomial_degree"], include_bias=False)))
        transformers.append(("numeric", _pipe(steps), groups["numeric"]))
    if groups["boolean"]:
        transformers.append(("boolean", _pipe([
            ("as_text", AsString()),
            ("impute", reg["categorical_imputer"].get("most_frequent").build()),
            ("encode", reg["encoder"].get("ordinal").build()),
        ]), groups["boolean"]))
    if groups["categorical"]:
        transformers.append(("categorical", _pipe([
            ("as_text", AsString()),
            ("impute", reg["categorical_imputer"].get(variant["categorical_imputer"]).build()),
            ("encode", reg["encoder"].get(variant["encoder"]).build()),
        ]), groups["categorical"]))
    if groups["high_cardinality"]:
        encoder = variant["high_cardinality_encoder"]
        steps = [("as_text", AsString())]
        if encoder != "frequency":  # frequency encoding counts missing as a category itself
            steps.append(("impute", reg["categorical_imputer"].get("constant").build()))
        steps.append(("encode", reg["encoder"].get(encoder).build(max_categories=variant["high_cardinality_threshold"])))
        transformers.append(("high_cardinality", _pipe(steps), groups["high_cardinality"]))
    if groups["datetime"]:
        encoder = reg["datetime_encoder"].get(variant["datetime_encoder"]).build()
        if encoder is not None:
            transformers.append(("datetime", _pipe([
                ("parts", encoder), ("impute", reg["numeric_imputer"].get("median").build()),
                # scaled like the numbers: an unscaled year (~2000) kept a logistic regression from converging
                ("scale", reg["scaler"].get(variant["scaler"]).build(seed=seed)),
            ]), groups["datetime"]))
    if groups["text"]:
        encoder = reg["text_encoder"].get(variant["text_encoder"]).build()
        if encoder is not None:
            transformers.append(("text", _pipe([("as_text", AsString()) if variant["text_encoder"] == "frequency" else ("keep", None), ("encode", encoder)]), groups["text"]))
    if not transformers:
        raise AutoMLInputError(
            f"Preprocessing variant {variant['id']!r} leaves no feature to use (every column is dropped by its options)."
        )
    column_transformer = ColumnTransformer(transformers, remainder="drop", verbose_feature_names_out=False)
    result: Any = column_transformer
    if variant["pca_components"] is not None:
        result = Pipeline([("columns", column_transformer), ("pca", PCA(n_components=variant["pca_components"], random_state=seed))])
    if variant["output"] == "pandas":
        result.set_output(transform="pandas")
    return result


def describe_variant(schema: dict[str, Any], variant: dict[str, Any], cardinality: dict[str, int] | None = None) -> dict[str, Any]:
    """The steps of a variant in plain words, per column group."""
    reg = REGISTRIES
    groups = column_groups(schema, variant, cardinality)
    steps: list[dict[str, Any]] = []

    def add(group: str, words: list[str]) -> None:
        if groups[group]:
            steps.append({"group": group, "columns": groups[group], "steps": words})

    numeric = [reg["numeric_imputer"].get(variant["numeric_imputer"]).description + " (infinite values count as missing)"]
    if variant["add_missing_indicator"]:
        numeric.append("add a 0/1 column marking where a value was missing")
    numeric.append(reg["scaler"].get(variant["scaler"]).description)
    if variant["polynomial_degree"] > 1:
        numeric.append(f"add products and powers of the numbers up to degree {variant['polynomial_degree']}")
    add("numeric", numeric)
    add("boolean", ["fill missing with the most frequent value", "encode as 0/1"])
    add("categorical", [reg["categorical_imputer"].get(variant["categorical_imputer"]).description,
                        reg["encoder"].get(variant["encoder"]).description])
    add("high_cardinality", [f"more than {variant['high_cardinality_threshold']} categories in training",
                             reg["encoder"].get(variant["high_cardinality_encoder"]).description])
    add("datetime", [reg["datetime_encoder"].get(variant["datetime_encoder"]).description, "fill missing parts with the median",
                     reg["scaler"].get(variant["scaler"]).description])
    add("text", [reg["text_encoder"].get(variant["text_encoder"]).description])
    if variant["pca_components"] is not None:
        steps.append({"group": "all", "columns": ["<all outputs>"],
                      "steps": [f"compress everything with PCA to {variant['pca_components']} component(s)"]})
    return {"id": variant["id"], "options": {k: v for k, v in variant.items() if k != "id"}, "steps": steps}


def variant_version(schema: dict[str, Any], variant: dict[str, Any]) -> str:
    """Short digest of what defines a variant's features (options, columns, their types)."""
    blob = json.dumps(
        {"variant": variant, "features": schema["feature_columns"], "types": schema["column_types"]}, sort_keys=True, default=str
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:12]
