"""Mark a champion on a ClearML server: tags on its train task and that task's output models.

Only for tasks that live on a server (tracking online); offline sessions are closed zips.
"""
from __future__ import annotations


def tag_champion(task_ids: list[str], tags: list[str]) -> None:
    from clearml import Task

    for task_id in task_ids:
        task = Task.get_task(task_id=task_id)
        task.add_tags(tags)
        for model in (task.models or {}).get("output", []):
            model.tags = sorted(set(model.tags or []) | set(tags))
