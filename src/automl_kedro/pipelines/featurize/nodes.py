"""featurize: a thin wrapper over :func:`automl_kedro.features.featurize`."""
from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from automl_kedro.features import featurize as _featurize

logger = logging.getLogger(__name__)


def featurize(dataset: pd.DataFrame, schema: dict[str, Any], params_featurize: dict[str, Any]):
    """Preprocessing variants -> (preprocessors, features_manifest, schema_raw, preprocess_pipeline, sample_rows, plots)."""
    result = _featurize(dataset, schema, params_featurize)
    for variant_id, entry in result.features_manifest["variants"].items():
        logger.info("variant %s: %d columns -> %d features", variant_id, entry["n_features_in"], entry["n_features_out"])
    return result.as_tuple()
