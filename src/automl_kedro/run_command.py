"""``kedro run`` as a person expects it: a quiet console and short messages for their own mistakes.

The project's ``cli.py`` adds this command, which Kedro prefers over its built-in ``run``
(built-in < plugins < the project's cli.py). It takes every option of Kedro's ``run`` plus
``--verbose``. An input or parameter error (:class:`automl_kedro.errors.AutoMLInputError`) prints
its message, the phase it stopped and how to see more, without a traceback; ``--verbose`` shows
the traceback and the unfiltered console. Any other failure raises as before, traceback included.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from kedro.framework.cli.project import run as kedro_run

from automl_kedro.console import loud_console, quiet_console
from automl_kedro.errors import AutoMLInputError
from automl_kedro.hooks import find_input_error


def _phases() -> tuple[str | None, list[str]]:
    """(the phase that failed, the phases this run finished) from the run context, if any."""
    from automl_kedro.run_context import current, has_current

    if not has_current():
        return None, []
    ctx = current()
    statuses = {p: ctx.status(p) for p in sorted(ctx.active_processes)}
    failed = next((p for p, s in statuses.items() if s == "failed"), None)
    return failed, [p for p, s in statuses.items() if s == "complete"]


def short_error_text(error: AutoMLInputError, failed: str | None, finished: list[str]) -> str:
    """The few lines a user mistake prints."""
    where = f" in {failed}" if failed else " before any phase started"
    lines = [f"Stopped{where}: {error}"]
    if finished:
        lines.append(f"Finished and kept: {', '.join(finished)}.")
    lines.append("Fix the input and run again (add --verbose to see the traceback).")
    return "\n".join(lines)


def _ensure_project() -> None:
    """``automl-kedro run`` outside the ``kedro`` CLI: configure the project of the current folder."""
    from kedro.framework.project import PACKAGE_NAME
    from kedro.framework.startup import bootstrap_project
    from kedro.utils import find_kedro_project

    if PACKAGE_NAME is None:
        root = find_kedro_project(Path.cwd())
        if root is None:
            raise click.ClickException("Not inside a Kedro project: run this from the project folder.")
        bootstrap_project(root)


def _run(verbose: bool, **kwargs: Any) -> Any:
    _ensure_project()
    if verbose:
        loud_console()
    else:
        quiet_console()
    try:
        return kedro_run.callback(**kwargs)
    except Exception as exc:  # noqa: BLE001 - only our own input errors are shortened
        error = find_input_error(exc)
        if error is None or verbose:
            raise
        failed, finished = _phases()
        click.secho(short_error_text(error, failed, finished), fg="red", err=True)
        sys.exit(1)


run_command = click.Command(
    name="run",
    callback=_run,
    params=[
        *kedro_run.params,
        click.Option(["--verbose", "-v"], is_flag=True, default=False,
                     help="Show library warnings, every Kedro log line and full tracebacks."),
    ],
    help=(kedro_run.help or "Run the pipeline.")
    + "\n\nInput and parameter errors print a short message; --verbose shows the traceback.",
    context_settings=getattr(kedro_run, "context_settings", None),
)
