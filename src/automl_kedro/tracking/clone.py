"""Clone mode: clone a template task, apply dotted overrides, tag it, enqueue it for an agent.

Needs a ClearML server (clone, enqueue and reading a template are server operations). The clone
runs ``python -m automl_kedro.tracking.agent`` under clearml-agent, which runs the template's phase
with the clone's (overridden) configuration.
"""
from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from automl_kedro.config.clearml import CONFIG_KEY
from automl_kedro.errors import AutoMLInputError
from automl_kedro.tracking import naming
from automl_kedro.tracking.overrides import apply_overrides

logger = logging.getLogger(__name__)

AGENT_ENTRY_POINT = "-m automl_kedro.tracking.agent"


def _git_origin(project_path: Path) -> tuple[str | None, str | None]:
    """The project's git remote and commit, so an agent can check the code out (None when unknown)."""
    import subprocess

    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(["git", *args], cwd=project_path, capture_output=True, text=True, timeout=5)
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.strip() or None if out.returncode == 0 else None

    return git("config", "--get", "remote.origin.url"), git("rev-parse", "HEAD")


def tag_value(tags: list[str], prefix: str) -> str | None:
    """``run:<id>`` -> ``<id>`` for prefix ``run``."""
    return next((t.split(":", 1)[1] for t in tags if t.startswith(f"{prefix}:")), None)


def clone_tags(template_tags: list[str], template_id: str, new_run_id: str) -> list[str]:
    """Template tags without run/status/cloned_from, plus ``run:<new>`` and ``cloned_from:<id>``."""
    kept = [t for t in template_tags if not t.startswith(("run:", "status:", "cloned_from:"))]
    return [f"run:{new_run_id}", *kept, f"cloned_from:{template_id}"]


def clone_config(config: dict[str, Any], overrides: list[str], new_run_id: str) -> dict[str, Any]:
    """The template's resolved parameters with overrides applied and a new run id.

    A ``clearml`` section (templates recorded when tracking settings were parameters) is dropped:
    tracking is not a parameter; the agent runs the clone online (see ``tracking/agent.py``)."""
    out = apply_overrides({k: v for k, v in config.items() if k != CONFIG_KEY}, overrides)
    out["run"] = {**(out.get("run") or {}), "id": new_run_id}
    return out


def clone_task(task_id: str, queue: str, overrides: list[str], project_path: Path | str = ".",
               run_id: str | None = None, env: str | None = None) -> dict[str, Any]:
    """Clone ``task_id``, apply ``overrides`` (``train.models[0].params.alpha=0.1``), enqueue on ``queue``;
    the server from the credentials of Kedro config environment ``env`` (default local)."""
    from automl_kedro.run_context import new_run_id
    from automl_kedro.tracking.settings import require_server, server_settings

    server = server_settings(project_path, env=env)
    require_server(server, "Cloning a task", env)
    from automl_kedro.tracking.sdk import load_clearml

    clearml = load_clearml(offline=False, server=server)
    template = clearml.Task.get_task(task_id=task_id)
    if template is None:
        raise AutoMLInputError(f"No ClearML task {task_id!r} on {server.api_server}.")
    tags = list(template.get_tags() or [])
    phase = tag_value(tags, "phase")
    config = template.get_configuration_object_as_dict("config")
    if not phase or not isinstance(config, dict):
        raise AutoMLInputError(
            f"Task {task_id} is not an automl-kedro phase task (it needs a phase:<name> tag and a 'config' "
            f"configuration object). Pick a task whose name looks like '<phase> [<dataset>] [<run_id>]'.")
    new_id = run_id or new_run_id(datetime.now())
    new_config = clone_config(config, overrides, new_id)
    dataset_key = (new_config.get("run") or {}).get("dataset_key") or tag_value(tags, "dataset") or "dataset"
    cloned = clearml.Task.clone(source_task=template, name=naming.task_name(phase, dataset_key, new_id))
    cloned.set_configuration_object("config", config_dict=new_config)
    shown = dict((template.get_parameters_as_dict() or {}).get("ClearML") or {})
    cloned.set_parameters_as_dict(naming.phase_sections(phase, new_config, {**shown, "mode": "online"}))
    cloned.set_tags(clone_tags(tags, task_id, new_id))
    cloned.set_user_properties(run_id=new_id, cloned_from=task_id, overrides="; ".join(overrides) or "-")
    repository, commit = _git_origin(Path(project_path))
    cloned.set_script(repository=repository, commit=commit, entry_point=AGENT_ENTRY_POINT, working_dir=".")
    clearml.Task.enqueue(cloned, queue_name=queue)
    return {"task_id": cloned.id, "run_id": new_id, "queue": queue, "phase": phase}
