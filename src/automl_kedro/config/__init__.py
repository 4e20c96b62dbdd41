"""Parameter schema: every section validated before any work (see schema.validate_params)."""
from automl_kedro.config.schema import Params, validate_params

__all__ = ["Params", "validate_params"]
