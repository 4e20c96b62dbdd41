"""What a clearml-agent runs for a cloned task: its phase, with the clone's parameters.

``python -m automl_kedro.tracking.agent`` (the entry point clone mode sets). The task's
``config`` configuration object (the template's resolved parameters with the overrides applied)
becomes the run's parameters; the run is tracked online (``AUTOML_CLEARML_MODE=online``, over the
checkout's ``conf/<env>/clearml.yml``) and the ClearMLHook reports into this very task.
"""
from __future__ import annotations

import os
from pathlib import Path


def main() -> None:
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    from automl_kedro.config.clearml import CONFIG_KEY, MODE_ENV
    from automl_kedro.tracking.clone import tag_value
    from automl_kedro.tracking.sdk import load_clearml

    clearml = load_clearml(offline=False)
    task = clearml.Task.init()  # under an agent: the enqueued clone
    tags = list(task.get_tags() or [])
    phase = tag_value(tags, "phase")
    params = task.get_configuration_object_as_dict("config") or {}
    params.pop(CONFIG_KEY, None)  # templates recorded when tracking settings were parameters
    params["run"] = {**(params.get("run") or {}), "id": tag_value(tags, "run")}
    os.environ[MODE_ENV] = "online"
    project_path = Path.cwd()
    bootstrap_project(project_path)
    with KedroSession.create(project_path=project_path, runtime_params=params) as session:
        session.run(pipeline_name="__default__" if phase != "predict" else "predict", namespaces=[phase])


if __name__ == "__main__":
    main()
