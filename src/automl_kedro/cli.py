"""The project CLI: what is not a pipeline run (``automl-kedro ...`` or ``kedro ...``).

``automl-kedro clearml upload <run_id>``: import a run's offline ClearML sessions into a server.
``automl-kedro clearml clone --task-id ID --queue Q --set a.b=1``: clone a task to a queue.
``automl-kedro clearml sessions <run_id>``: list a run's offline sessions.
``automl-kedro runs list|leaderboard|clean``: the run index, test scores best first, housekeeping.
``automl-kedro champion show|promote <train_run_id>|rollback``: one champion per model line (data set
+ target), the model predict uses with ``predict.source_run=champion``.
``automl-kedro predict --run <id|latest|champion> '{"bill_length_mm": 40, ...}'``: predict one row (or a
JSON list of rows) and print it, without a run directory.
``automl-kedro runs leaderboard``: test scores of every finished run, best first.
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
                        help="the Kedro project (conf/local/credentials.yml is read from here)")
_runs = click.option("--runs-dir", default="runs", show_default=True, help="where run directories are")
_env = click.option("--env", "-e", "env", default=None,
                    help="Kedro config environment whose credentials.yml holds the server (default: local)")


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
@_env
def upload_cmd(run_id: str, project_path: str, runs_dir: str, env: str | None) -> None:
    """Upload every offline session of RUN_ID (phases and candidates, parent links kept)."""
    from automl_kedro.tracking.sessions import upload_run

    try:
        mapping = upload_run(_runs_root(project_path, runs_dir), run_id, project_path, env)
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
@_env
def clone_cmd(task_id: str, queue: str, overrides: tuple[str, ...], run_id: str | None, project_path: str,
              env: str | None) -> None:
    """Clone a task, apply overrides, tag it run:<new id> and cloned_from:<id>, enqueue it."""
    from automl_kedro.tracking.clone import clone_task
    from automl_kedro.tracking.overrides import parse_override

    try:
        for item in overrides:
            parse_override(item)  # bad syntax fails before any server call
        result = clone_task(task_id, queue, list(overrides), project_path, run_id, env)
    except AutoMLInputError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Cloned {task_id} -> {result['task_id']} (phase {result['phase']}, run {result['run_id']}), "
               f"enqueued on {result['queue']}.")


@commands.group(name="runs")
def runs_group() -> None:
    """Finished runs on disk."""


@runs_group.command("list")
@_project
@_runs
def runs_list_cmd(project_path: str, runs_dir: str) -> None:
    """Every run id, newest first: dataset, target, status, test score, champion mark."""
    from automl_kedro.run_index import run_index

    index = run_index(_runs_root(project_path, runs_dir))
    if index.empty:
        raise click.ClickException(f"No runs under {runs_dir}: run `kedro run --pipeline=train` first.")
    click.echo(index.drop(columns=["phases"]).fillna("-").to_string(index=False))


@runs_group.command("leaderboard")
@click.option("--dataset", "dataset_key", default=None, help="only runs of this dataset_key")
@click.option("--target", default=None, help="only runs of this target column")
@_project
@_runs
def leaderboard_cmd(dataset_key: str | None, target: str | None, project_path: str, runs_dir: str) -> None:
    """Test scores of complete evaluate runs, best first by each problem's primary metric."""
    from automl_kedro.run_index import runs_leaderboard

    board = runs_leaderboard(_runs_root(project_path, runs_dir), dataset_key, target)
    if board.empty:
        raise click.ClickException(f"No complete evaluate run under {runs_dir} matches: run `kedro run --pipeline=train` first.")
    first = [c for c in ("run_id", "dataset_key", "target", "model_name", "train_run_id", "primary_metric") if c in board]
    metrics = list(dict.fromkeys(m for m in board["primary_metric"].dropna() if m in board))
    rest = [c for c in board.columns if c not in first + metrics + ["created_at"]]
    click.echo(board[first + metrics + rest].to_string(index=False))


@runs_group.command("clean")
@click.option("--keep", type=int, required=True, help="keep this many newest runs (champions are always kept)")
@click.option("--older-than", "older_than", type=float, default=None, help="only delete runs older than D days")
@click.option("--yes", is_flag=True, help="delete; without it, only show what would go")
@_project
@_runs
def runs_clean_cmd(keep: int, older_than: float | None, yes: bool, project_path: str, runs_dir: str) -> None:
    """Delete old runs (never a champion, a former champion or a run they read) and scratch files."""
    from automl_kedro.run_index import apply_clean, plan_clean

    plan = plan_clean(_runs_root(project_path, runs_dir), keep, older_than)
    for path in plan.delete_dirs + plan.delete_files:
        click.echo(("deleted " if yes else "would delete ") + str(path))
    click.echo(f"kept runs: {', '.join(plan.kept_run_ids) or '-'} (champions: {', '.join(plan.protected_run_ids) or '-'})")
    if yes:
        apply_clean(plan)
    elif plan.delete_dirs or plan.delete_files:
        click.echo("Nothing deleted: add --yes to delete.")


@commands.group(name="champion")
def champion_group() -> None:
    """Champion models, one per model line (data set + target): promote, roll back, show."""


def _entry_text(entry: dict | None) -> str:
    if not entry:
        return "-"
    forced = " FORCED" if entry.get("forced") else ""
    return f"{entry['run_id']} ({entry.get('model_name')}, promoted {entry.get('promoted_at', '')[:19]}{forced})"


@champion_group.command("show")
@_project
@_runs
def champion_show(project_path: str, runs_dir: str) -> None:
    """Every model line with its current and previous champion."""
    from automl_kedro.champion import champion_lines

    root = _runs_root(project_path, runs_dir)
    lines = champion_lines(root)
    if (root / "champion.json").is_file():
        click.echo("Note: runs/champion.json (the old single champion pointer) is ignored; promote again per line.")
    if not lines:
        click.echo("No champion yet: `automl-kedro champion promote <train_run_id>`.")
    for line in lines:
        click.echo(f"{line['line']} ({line['problem_type']})")
        click.echo(f"  current : {_entry_text(line['current'])}")
        click.echo(f"  previous: {_entry_text(line['previous'])}" + (f" (+{line['depth'] - 1} older)" if line["depth"] > 1 else ""))


def _gate_options(func):
    from automl_kedro.ml.promotion import Gates

    defaults = Gates()
    for name in reversed(("min_improvement", "max_p_value", "max_predict_ms_per_1000_rows", "max_size_mb",
                          "n_bootstrap", "seed")):
        kind = int if name in ("n_bootstrap", "seed") else float
        func = click.option(f"--{name.replace('_', '-')}", name, type=kind, default=getattr(defaults, name),
                            show_default=True, help="promotion test setting")(func)
    return func


@champion_group.command("promote")
@click.argument("train_run_id")
@click.option("--eval-data", default=None, type=click.Path(dir_okay=False),
              help="labelled rows (CSV/Parquet) to compare on; default: the challenger's test split")
@click.option("--force", is_flag=True, help="promote even if a gate fails (recorded in the history)")
@click.option("--note", default="", help="why (kept in the history)")
@_gate_options
@_project
@_runs
def champion_promote(train_run_id: str, eval_data: str | None, force: bool, note: str, project_path: str,
                     runs_dir: str, **gate_values) -> None:
    """Make TRAIN_RUN_ID the champion of its line, if it wins the promotion test."""
    from automl_kedro.champion import promote
    from automl_kedro.ml.promotion import Gates

    try:
        result = promote(_runs_root(project_path, runs_dir), train_run_id, eval_data=eval_data,
                         gates=Gates(**gate_values), force=force, note=note)
    except AutoMLInputError as exc:
        raise click.ClickException(str(exc)) from None
    test = result["test"]
    if test:
        click.echo(f"{test['metric']}: {test['challenger_score']:.4f} vs {test['champion_score']:.4f} "
                   f"(improvement {test['improvement']:+.4f}, {test['confidence']:.0%} CI "
                   f"[{test['ci_low']:+.4f}, {test['ci_high']:+.4f}], p={test['p_value']:.3g}); "
                   f"test written to {result['test_path']}")
    click.echo(f"{result['line']}: current {_entry_text(result['state']['current'])}")


@champion_group.command("rollback")
@click.option("--line", default=None, help="the model line (dataset_key:target); needed when there are several")
@_project
@_runs
def champion_rollback(line: str | None, project_path: str, runs_dir: str) -> None:
    """Restore the line's previous champion (again to go further back)."""
    from automl_kedro.champion import rollback

    try:
        result = rollback(_runs_root(project_path, runs_dir), line)
    except AutoMLInputError as exc:
        raise click.ClickException(str(exc)) from None
    history = result["state"]["history"]
    click.echo(f"{result['line']}: current {_entry_text(result['state']['current'])}; "
               f"previous {_entry_text(history[-1] if history else None)}")


@commands.command("predict")
@click.argument("rows", required=False)
@click.option("--run", "source_run", default="latest", show_default=True,
              help="the train run whose model predicts: a run id, latest or champion")
@click.option("--input", "input_path", default=None, help="a CSV, Parquet or JSON file of rows instead of ROWS")
@click.option("--model-path", default=None, help="a local model file used instead of the run's model.ckpt")
@click.option("--interval", default=None, type=float, help="interval / prediction-set level (default: predict.interval)")
@click.option("--json", "as_json", is_flag=True, help="print the predictions as JSON records")
@_project
@_runs
def predict_cmd(rows: str | None, source_run: str, input_path: str | None, model_path: str | None,
                interval: float | None, as_json: bool, project_path: str, runs_dir: str) -> None:
    """Predict ROWS (a JSON object or a list of objects) with a trained run; prints prediction, interval
    or class probabilities and whether each row is in the model's applicability domain."""
    import json as json_lib
    import sys
    import logging

    from automl_kedro.config.predict import PredictParams
    from automl_kedro.data.predict_input import check_rows, read_predict_input, rows_from_json
    from automl_kedro.datasets.inputs import load_model_file
    from automl_kedro.pipelines.predict.nodes import build_predictor, predict_checked, training_rows
    from automl_kedro.trained_run import load_trained_run

    # warnings go to stderr alone (stdout holds the predictions); restored after the command
    package_log = logging.getLogger("automl_kedro")
    to_stderr = logging.StreamHandler(sys.stderr)
    package_log.addHandler(to_stderr)
    propagate, package_log.propagate = package_log.propagate, False
    try:
        if (rows is None) == (input_path is None):
            raise AutoMLInputError("Give the rows either as a JSON argument or with --input FILE (one of them).")
        params = PredictParams(interval=interval) if interval is not None else PredictParams()
        trained = load_trained_run(_runs_root(project_path, runs_dir), source_run)
        table = rows_from_json(rows, "ROWS") if rows is not None else read_predict_input(input_path, "--input")
        checked = check_rows(table, trained.schema, training_rows(trained.dataset), "ROWS" if rows else "--input")
        model = load_model_file(model_path, "--model-path") if model_path else trained.model
        predictor = build_predictor(model, trained.schema, trained.dataset, trained.oof, params)
        out, _summary = predict_checked(predictor, checked)
    except AutoMLInputError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        package_log.removeHandler(to_stderr)
        package_log.propagate = propagate
    if as_json:
        click.echo(json_lib.dumps(out.to_dict("records"), default=str, indent=2))
        return
    target = trained.schema["target"]
    click.echo(f"model: {trained.meta.get('model_name')} (train run {trained.meta.get('run_id')})")
    for _, row in out.iterrows():
        if "y_lower" in row:
            line = (f"{target} = {row['y_pred']:.4g}  ({params.interval:.0%} interval "
                    f"{row['y_lower']:.4g} .. {row['y_upper']:.4g})")
        else:
            probas = ", ".join(f"{c[len('proba_'):]} {row[c]:.3f}" for c in out if c.startswith("proba_"))
            line = f"{target} = {row['y_pred']}  (probabilities: {probas}"
            line += f"; {params.interval:.0%} set: {{{row['pred_set'].replace('|', ', ')}}})" if "pred_set" in row else ")"
        domain = "in domain" if row["in_domain"] else f"OUT OF DOMAIN: {row['domain_reason']}"
        click.echo(f"[{row['sample_id']}] {line}  {domain}")


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
