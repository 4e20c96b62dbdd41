"""Pure feature logic: preprocessor registry, variants -> ColumnTransformer, manifest, samples.

Imports neither kedro nor clearml.
"""
from automl_kedro.features.featurize import FeaturizeResult, featurize
from automl_kedro.features.registry import REGISTRIES, Preprocessor
from automl_kedro.features.variants import build_preprocessor, expand_variants

__all__ = ["FeaturizeResult", "Preprocessor", "REGISTRIES", "build_preprocessor", "expand_variants", "featurize"]
