"""The project CLI: what is not a pipeline run (``automl-kedro ...`` or ``kedro ...``).

``automl-kedro clearml upload <run_id>``: import a run's offline ClearML sessions into a server.
``automl-kedro clearml clone --task-id ID --queue Q --set a.b=1``: clone a task to a queue.
``automl-kedro clearml sessions <run_id>``: list a run's offline sessions.
``automl-kedro runs leaderboard``: test scores of every finished run, best first.
``automl-kedro champion show|promote <train_run_id>|rollback``: the model predict uses with
``predict.source_run=champion``.
``kedro run`` / ``automl-kedro run``: Kedro's run with a quiet console and short input errors.
"""
from __future__ import annotations

from pathlib import Path

import click

from automl_kedro.errors import AutoMLInputError


def _runs_root(project_path: str, runs_dir: str) -> Path:
    root = Path(runs_dir)
    return root if root.is_absolute() else Path(project_path) / root


@click.group(name="automl-kedro")
def commands() -> None:
    """automl-kedro project commands."""


@commands.group(name="clearml")
def clearml_group() -> None:
    """ClearML: list, upload and clone tasks of runs."""


_project = click.option("--project-path", default=".", show_default=True, type=click.Path(file_okay=False),
                        help="the Kedro project (conf/local/clearml.yml is read from here)")
_runs = click.option("--runs-dir", default="runs", show_default=True, help="where run directories are")


@clearml_group.command("sessions")
@click.argument("run_id")
@_project
@_runs
def sessions_cmd(run_id: str, project_path: str, runs_dir: str) -> None:
    """List the offline ClearML sessions of RUN_ID."""
    from automl_kedro.tracking.sessions import run_sessions

    rows = run_sessions(_runs_root(project_path, runs_dir), run_id)
    if not rows:
        raise click.ClickException(f"No offline ClearML sessions for run {run_id!r} under {runs_dir}.")
    for row, path in rows:
        parent = f" parent={row['parent']}" if row.get("parent") else ""
        click.echo(f"{row['kind']:9} {row['status']:8} {row['name']}  {path}{parent}")


@clearml_group.command("upload")
@click.argument("run_id")
@_project
@_runs
def upload_cmd(run_id: str, project_path: str, runs_dir: str) -> None:
    """Upload every offline session of RUN_ID (phases and candidates, parent links kept)."""
    from automl_kedro.tracking.sessions import upload_run

    try:
        mapping = upload_run(_runs_root(project_path, runs_dir), run_id, project_path)
    except AutoMLInputError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Uploaded {len(mapping)} task(s) of run {run_id}; find them by tag run:{run_id}.")
    for old, new in mapping.items():
        click.echo(f"  {old} -> {new}")


@clearml_group.command("clone")
@click.option("--task-id", required=True, help="the template task (a phase task of an earlier run)")
@click.option("--queue", required=True, help="the clearml-agent queue to enqueue the clone on")
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE",
              help="override, e.g. train.models[0].params.alpha=0.1 (repeatable)")
@click.option("--run-id", default=None, help="run id of the clone (default: a new one)")
@_project
def clone_cmd(task_id: str, queue: str, overrides: tuple[str, ...], run_id: str | None, project_path: str) -> None:
    """Clone a task, apply overrides, tag it run:<new id> and cloned_from:<id>, enqueue it."""
    from automl_kedro.tracking.clone import clone_task
    from automl_kedro.tracking.overrides import parse_override

    try:
        for item in overrides:
            parse_override(item)  # bad syntax fails before any server call
        result = clone_task(task_id, queue, list(overrides), project_path, run_id)
    except AutoMLInputError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Cloned {task_id} -> {result['task_id']} (phase {result['phase']}, run {result['run_id']}), "
               f"enqueued on {result['queue']}.")


@commands.group(name="runs")
def runs_group() -> None:
    """Finished runs on disk."""


@runs_group.command("leaderboard")
@click.option("--metric", default=None, help="sort by this test metric (default: r2 or accuracy)")
@click.option("--dataset", "dataset_key", default=None, help="only runs of this dataset_key")
@_project
@_runs
def leaderboard_cmd(metric: str | None, dataset_key: str | None, project_path: str, runs_dir: str) -> None:
    """Test scores of every complete evaluate run, best first (a cross-run leaderboard)."""
    from automl_kedro.champion import runs_leaderboard

    board = runs_leaderboard(_runs_root(project_path, runs_dir))
    if dataset_key and not board.empty:
        board = board[board["dataset_key"] == dataset_key]
    if board.empty:
        raise click.ClickException(f"No complete evaluate run under {runs_dir}: run `kedro run --pipeline=train` first.")
    metric = metric or next((m for m in ("r2", "accuracy", "auc") if m in board.columns), None)
    if metric not in board.columns:
        raise click.ClickException(f"No test metric {metric!r}; known: {', '.join(c for c in board.columns if board[c].dtype.kind == 'f')}.")
    ascending = metric in ("mae", "rmse", "mse", "log_loss")
    columns = [c for c in ("run_id", "dataset_key", "model_name", "train_run_id", metric, "n_test") if c in board.columns]
    click.echo(board.sort_values(metric, ascending=ascending)[columns].to_string(index=False))


@commands.group(name="champion")
def champion_group() -> None:
    """The champion model: promote a train run, roll back to the previous one."""


def _show_state(state: dict) -> None:
    for role in ("current", "previous"):
        entry = state.get(role)
        click.echo(f"{role:8}: " + (f"{entry['run_id']} ({entry.get('model_name')}, promoted {entry.get('promoted_at')})" if entry else "-"))


@champion_group.command("show")
@_project
@_runs
def champion_show(project_path: str, runs_dir: str) -> None:
    """Print the current and previous champion."""
    from automl_kedro.champion import champion_state

    _show_state(champion_state(_runs_root(project_path, runs_dir)))


@champion_group.command("promote")
@click.argument("train_run_id")
@click.option("--note", default="", help="why (kept in the history)")
@_project
@_runs
def champion_promote(train_run_id: str, note: str, project_path: str, runs_dir: str) -> None:
    """Make TRAIN_RUN_ID's model the champion; the former champion is kept for rollback."""
    from automl_kedro.champion import promote

    try:
        _show_state(promote(_runs_root(project_path, runs_dir), train_run_id, note))
    except AutoMLInputError as exc:
        raise click.ClickException(str(exc)) from None


@champion_group.command("rollback")
@_project
@_runs
def champion_rollback(project_path: str, runs_dir: str) -> None:
    """Restore the previous champion."""
    from automl_kedro.champion import rollback

    try:
        _show_state(rollback(_runs_root(project_path, runs_dir)))
    except AutoMLInputError as exc:
        raise click.ClickException(str(exc)) from None


def _add_run_command() -> None:
    """``kedro run`` with a quiet console and short input errors (see run_command.py)."""
    from automl_kedro.run_command import run_command

    commands.add_command(run_command)


_add_run_command()

# Kedro imports ``<package>.cli`` and adds the commands of its ``cli`` group to ``kedro`` itself
# (``kedro clearml upload ...``); the same group serves the ``kedro.project_commands`` entry point.
cli = commands


def main() -> None:
    """Console script ``automl-kedro``."""
    commands(prog_name="automl-kedro")


if __name__ == "__main__":
    main()
