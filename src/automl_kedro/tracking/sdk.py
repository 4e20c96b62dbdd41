"""Lazy, fast import of the ClearML SDK (only the tracking package imports ``clearml``; hook.py warms the import up).

Before the first ``Task.init`` the SDK is told not to start a reporting subprocess (otherwise
``task.close()`` costs ~11 s), not to capture git diffs or pip freeze, not to log the environment.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from automl_kedro.tracking.settings import ServerSettings

logger = logging.getLogger(__name__)

SDK_OVERRIDES: dict[str, Any] = {
    "sdk": {
        "development": {
            "report_use_subprocess": False,
            "vcs_repo_detect_async": False,
            "store_uncommitted_code_diff": False,
            "detect_with_pip_freeze": False,
            "log_os_environments": [],
            "worker": {"log_stdout": False, "report_event_flush_threshold": 1000},
        },
        "metrics": {"plot_max_num_digits": 5},
    }
}
TASK_INIT_KWARGS: dict[str, Any] = {
    "reuse_last_task_id": False,
    # All framework bindings off, and no repository/script detection: it imports IPython and scans
    # the interpreter (~2.5 s per process). Clone mode sets the script explicitly instead.
    "auto_connect_frameworks": {name: False for name in (
        "matplotlib", "tensorflow", "tensorboard", "pytorch", "xgboost", "scikit", "fastai", "lightgbm",
        "hydra", "detect_repository", "tfdefines", "joblib", "megengine", "catboost", "gradio")},
    "auto_resource_monitoring": False,
    "auto_connect_arg_parser": False,
    "auto_connect_streams": False,
}


def _forget_foreign_master_task() -> None:
    """Drop a ``CLEARML_PROC_MASTER_ID`` inherited from another process.

    The SDK writes ``<pid>:<task id>`` into the environment at ``Task.init``; a process started from
    there (a notebook, a test runner, a script that ran a tracked run before) inherits it, and the SDK
    then takes itself for a forked worker of that task and hands out a do-nothing stub instead of a
    task, so nothing is recorded. Only the process that set it may keep it.
    """
    for var in ("CLEARML_PROC_MASTER_ID", "TRAINS_PROC_MASTER_ID"):
        owner = os.environ.get(var, "").split(":")[0]
        if owner and owner != str(os.getpid()):
            del os.environ[var]


def load_clearml(offline: bool, cache_dir: Path | None = None, server: ServerSettings | None = None):
    """Import clearml configured for speed; returns the ``clearml`` module."""
    os.environ.setdefault("CLEARML_SUPPRESS_UPDATE_MESSAGE", "1")
    _forget_foreign_master_task()
    import clearml
    from clearml.config import ConfigSDKWrapper, config_obj

    overrides = {"sdk": {**SDK_OVERRIDES["sdk"]}}
    if cache_dir is not None:
        overrides["sdk"]["storage"] = {"cache": {"default_base_dir": str(cache_dir)}}
    config_obj.set_overrides(overrides)
    ConfigSDKWrapper.clear_config_impl()
    if offline:
        clearml.Task.set_offline(True)
    else:
        clearml.Task.set_offline(False)
        if server is not None and server.api_server:
            clearml.Task.set_credentials(
                api_host=server.api_server, web_host=server.web_server, files_host=server.files_server,
                key=server.access_key, secret=server.secret_key,
            )
    for name in ("clearml", "clearml.Task", "clearml.Metrics", "clearml.storage", "clearml.Repository Detection",
                 "clearml.repository_detection"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return clearml
