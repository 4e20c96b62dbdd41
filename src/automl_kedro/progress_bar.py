"""A progress bar for the train phase when the console is a terminal.

The search tags its progress log records with ``train_progress`` (share of the budget used and a
one-line status; see ``ml.search.Search._say``). :class:`TrainProgressBar` is a logging handler that
turns those records into a rich progress bar drawn on the same console as Kedro's log lines, so
the bar stays at the bottom and the lines scroll above it. Not a terminal (CI, a pipe, a log file):
no bar, the lines alone say it.
"""
from __future__ import annotations

import logging
import sys
from typing import Any

BAR_LOGGER = "automl_kedro.ml"


class TrainProgressBar(logging.Handler):
    """Draws a bar from ``train_progress`` records; :meth:`close_bar` removes it."""

    def __init__(self, console=None) -> None:
        super().__init__(level=logging.INFO)
        self._console = console
        self._progress = None
        self._task = None

    def emit(self, record: logging.LogRecord) -> None:
        info: dict[str, Any] | None = getattr(record, "train_progress", None)
        if not info:
            return
        try:
            if self._progress is None:
                self._start()
            share = info.get("share")
            self._progress.update(self._task, completed=None if share is None else 100.0 * share,
                                  status=str(info.get("status", "")))
        except Exception:  # noqa: BLE001 - a progress bar must never break a run
            self.close_bar()

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from rich import get_console

        console = self._console or get_console() or Console(stderr=True)
        self._progress = Progress(TextColumn("train"), BarColumn(), TextColumn("{task.percentage:>3.0f}% of budget"),
                                  TimeElapsedColumn(), TextColumn("{task.fields[status]}"), console=console,
                                  transient=True)
        self._task = self._progress.add_task("train", total=100.0, status="")
        self._progress.start()

    @property
    def shown(self) -> bool:
        return self._progress is not None

    def close_bar(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def close(self) -> None:
        self.close_bar()
        super().close()


def attach_if_terminal(stream=None) -> TrainProgressBar | None:
    """A bar on the ``automl_kedro.ml`` logger when ``stream`` (stderr) is a terminal, else None."""
    stream = stream or sys.stderr
    if not getattr(stream, "isatty", lambda: False)():
        return None
    bar = TrainProgressBar()
    logging.getLogger(BAR_LOGGER).addHandler(bar)
    return bar


def detach(bar: TrainProgressBar | None) -> None:
    if bar is not None:
        logging.getLogger(BAR_LOGGER).removeHandler(bar)
        bar.close()
