"""Kedro settings: hooks and config loading."""
import os

from kedro.config import OmegaConfigLoader

from automl_kedro.catalog import InputErrorCatalog
from automl_kedro.config.clearml import CONFIG_KEY as CLEARML_CONFIG_KEY
from automl_kedro.config.clearml import CONFIG_PATTERNS as CLEARML_CONFIG_PATTERNS
from automl_kedro.hooks import RunContextHook
from automl_kedro.run_summary import RunSummaryHook
from automl_kedro.tracking.hook import ClearMLHook

os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "true")

# pluggy calls hooks last-registered first: RunContextHook must run before the others.
HOOKS = (RunSummaryHook(), ClearMLHook(), RunContextHook())

CONFIG_LOADER_CLASS = OmegaConfigLoader
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    # conf/local/parameters*.yml and `--params a.b=c` set single keys; they never replace a whole
    # section of conf/base (Kedro's default "destructive" merge would).
    "merge_strategy": {"parameters": "soft"},
    # Tracking configuration (conf/<env>/clearml.yml), read by the ClearML hook: not parameters.
    "config_patterns": {CLEARML_CONFIG_KEY: list(CLEARML_CONFIG_PATTERNS)},
}

# Bad input found while loading (a missing data.path file) stops the run as AutoMLInputError, not DatasetError.
DATA_CATALOG_CLASS = InputErrorCatalog
