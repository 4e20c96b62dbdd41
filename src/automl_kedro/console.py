"""What reaches the console during a run: our own lines, the phases' progress, real problems.

Library warnings and Kedro's per-dataset chatter stay out of the console; every record still
reaches the other handlers (the run's ``logs/<process>.log``). The filter sits on the console
handlers only, so nothing is lost, just not shown.
"""
from __future__ import annotations

import logging

from automl_kedro.errors import AutoMLInputError

# Kedro INFO records a person follows: how many nodes are done (runners log under their own
# module: kedro.runner.sequential_runner, ...). "Running node: <signature>" is left out: the
# RunSummaryHook says "<phase>: started" in one line instead.
_KEDRO_PROGRESS = (("kedro.runner", "Completed "),)
# Records that repeat what the short error message or the traceback says.
_REDUNDANT_ON_FAILURE = (
    ("kedro.pipeline.node", "failed with error"),
    ("kedro.runner", "No nodes ran"),
)


class ConsoleFilter(logging.Filter):
    """Keeps the console to what a person needs; see the module docstring."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "py.warnings":
            return False  # library warnings: in the log file, not the console
        message = str(record.msg)
        if record.levelno >= logging.WARNING:
            if any(isinstance(a, AutoMLInputError) for a in _args(record)):
                return False  # the short error message at the end says it once
            return not any(_under(record.name, name) and text in message for name, text in _REDUNDANT_ON_FAILURE)
        if _under(record.name, "automl_kedro"):
            return True
        if message.startswith("Completed node"):
            return False  # "Completed 3 out of 6 tasks" says it
        return any(_under(record.name, name) and message.startswith(text) for name, text in _KEDRO_PROGRESS)


def _under(name: str, parent: str) -> bool:
    return name == parent or name.startswith(parent + ".")


def _args(record: logging.LogRecord) -> tuple:
    args = record.args
    if isinstance(args, tuple):
        return args
    return (args,) if args is not None else ()


def _is_console(handler: logging.Handler) -> bool:
    if isinstance(handler, logging.FileHandler):
        return False
    if isinstance(handler, logging.StreamHandler):
        return True
    return type(handler).__name__ == "RichHandler" or any(c.__name__ == "RichHandler" for c in type(handler).__mro__)


def quiet_console(logger: logging.Logger | None = None) -> int:
    """Put a :class:`ConsoleFilter` on every console handler of ``logger`` (root by default),
    once; returns how many handlers carry it."""
    logger = logger or logging.getLogger()
    count = 0
    for handler in logger.handlers:
        if not _is_console(handler):
            continue
        if not any(isinstance(f, ConsoleFilter) for f in handler.filters):
            handler.addFilter(ConsoleFilter())
        count += 1
    return count


def loud_console(logger: logging.Logger | None = None) -> None:
    """Remove the filter again (``--verbose``)."""
    logger = logger or logging.getLogger()
    for handler in logger.handlers:
        for f in [f for f in handler.filters if isinstance(f, ConsoleFilter)]:
            handler.removeFilter(f)
