"""featurize: preprocessing variants as unfitted transformers, and what they produce."""
from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.express as px
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def _variant(schema: dict[str, Any]) -> ColumnTransformer:
    numeric = [c for c, t in schema["column_types"].items() if t == "numeric"]
    categorical = [c for c, t in schema["column_types"].items() if t != "numeric"]
    return ColumnTransformer(
        [
            ("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
            ("categorical", make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore", sparse_output=False)), categorical),
        ],
        verbose_feature_names_out=False,
    )


def featurize(dataset: pd.DataFrame, schema: dict[str, Any], params_featurize: dict[str, Any]):
    train = dataset[dataset["split"] == "train"]
    X = train[schema["feature_columns"]]
    preprocessors = {v.get("id", f"variant{i}"): _variant(schema) for i, v in enumerate(params_featurize["variants"])}
    manifest, pipelines, counts = {"version": 1, "variants": {}}, {}, []
    for variant_id, transformer in preprocessors.items():
        fitted = clone(transformer).fit(X)
        names = list(fitted.get_feature_names_out())
        manifest["variants"][variant_id] = {
            "n_features": len(names),
            "features": [{"name": n, "source": next((c for c in schema["feature_columns"] if n.startswith(c)), n)} for n in names],
        }
        pipelines[variant_id] = [str(step) for step in fitted.transformers_]
        counts.append({"variant": variant_id, "stage": "after", "n_features": len(names)})
    counts.append({"variant": "raw", "stage": "before", "n_features": len(schema["feature_columns"])})
    schema_raw = {c: {"type": t, "dtype": str(dataset[c].dtype)} for c, t in schema["column_types"].items()}
    sample_rows = X.head(5)
    plots = {"03_features/feature_count": px.bar(pd.DataFrame(counts), x="variant", y="n_features", title="Feature count")}
    return preprocessors, manifest, schema_raw, pipelines, sample_rows, plots
