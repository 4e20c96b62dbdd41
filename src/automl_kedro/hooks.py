"""RunContextHook: parameters validated before any work; config.yaml, meta.json and logs/
of each process written as the artifact contract says."""
from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from kedro.framework.hooks import hook_impl

from automl_kedro.config import validate_params
from automl_kedro.config.checks import check_against_data
from automl_kedro.datasets.run_artifact import RunArtifactDataset
from automl_kedro.errors import AutoMLInputError
from automl_kedro.run_context import FINAL_STATUSES, RunContext, current, has_current, set_current

logger = logging.getLogger(__name__)
INTERRUPT_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# build_dataset's outputs that parameters are checked against (catalog names).
DATASET_OUTPUT, SCHEMA_OUTPUT = "built_dataset", "dataset_schema"


def interrupt_reason(signum: int) -> str:
    """What meta.json and the ClearML task say about an interrupted phase."""
    name = signal.Signals(signum).name
    how = " (Ctrl-C)" if signum == signal.SIGINT else ""
    return f"interrupted by {name}{how}: the phase did not finish; rerun it"


def process_of(node) -> str | None:
    """The phase a node belongs to: its top-level namespace."""
    namespace = getattr(node, "namespace", None)
    return namespace.split(".")[0] if namespace else None


def _dig(mapping: dict[str, Any], dotted: str) -> Any:
    value: Any = mapping
    for part in dotted.split("."):
        value = value[part]
    return value


def find_input_error(error: BaseException | None) -> AutoMLInputError | None:
    """The user-input error behind ``error`` (Kedro wraps load errors in DatasetError)."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, AutoMLInputError):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


SUPPORTED_RUNNER = "SequentialRunner"


def check_runner(runner: Any) -> None:
    """The runner contract: only Kedro's SequentialRunner (the default) is supported.

    The hooks keep one run context per process and finish a phase by counting its nodes' runs and
    saves in order; other runners (threads, processes) break both, so they stop before any work.
    ``runner`` is what Kedro puts in ``run_params["runner"]``: None (the default) or the runner's repr.
    """
    text = "" if runner is None else str(runner)
    if text in ("", "None"):
        return
    found = re.search(r"(\w*Runner)\b", text)  # "<kedro.runner.thread_runner.ThreadRunner object at 0x...>"
    name = found.group(1) if found else text
    if name != SUPPORTED_RUNNER:
        raise AutoMLInputError(
            f"This project runs with Kedro's {SUPPORTED_RUNNER} only (the default: leave out --runner, or pass "
            f"--runner={SUPPORTED_RUNNER}); got {name}. Its phases are tracked by counting each node's run and "
            "saves in order in one process, which other runners do not guarantee."
        )


class ProcessLogHandler(logging.Handler):
    """Routes log records to ``logs/<process>.log`` of the process whose node is running.

    Records are held in memory until the process has a run directory, so a run that
    fails before writing anything leaves no directory behind.
    """

    def __init__(self, ctx: RunContext) -> None:
        super().__init__(level=logging.INFO)
        self.ctx = ctx
        self.process: str | None = None
        self._pending: dict[str, list[str]] = {}
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if self.process is None:
            return
        try:
            line = self.format(record)
        except Exception:  # noqa: BLE001 - logging must never break a run
            return
        self._pending.setdefault(self.process, []).append(line)
        self.flush_process(self.process)

    def flush_process(self, process: str) -> None:
        if not self.ctx.has_dir(process) or not self._pending.get(process):
            return
        from automl_kedro.secrets import redact_text

        path = self.ctx.run_dir(process) / "logs" / f"{process}.log"
        lines = self._pending.pop(process)
        try:
            with path.open("a", encoding="utf-8") as handle:
                for line in lines:
                    handle.write(redact_text(line) + "\n")
        except OSError:  # a full disk must not turn a log line into a second failure
            pass


class RunContextHook:
    """Creates the run context of a `kedro run` and keeps each process's meta.json true."""

    def __init__(self) -> None:
        self._catalog = None
        self._remaining: Counter[str] = Counter()  # nodes of each process not yet run
        self._unsaved: Counter[str] = Counter()  # outputs of finished nodes not yet saved
        self._log_handler: ProcessLogHandler | None = None
        self._started: set[str] = set()  # processes that ran a node
        self._previous_handlers: dict[int, Any] = {}
        self._loading_for = None  # the node whose inputs are loading (a load error reaches no node hook)

    @hook_impl
    def after_context_created(self, context) -> None:
        validated = validate_params(context.params).model_dump(mode="json")
        ctx = RunContext.create(validated, Path(context.project_path))
        ctx.env = getattr(context, "env", None)
        set_current(ctx)

    @hook_impl
    def after_catalog_created(self, catalog) -> None:
        """Nodes receive the validated parameters, defaults filled in."""
        if not has_current():
            return
        params = current().params
        for name in list(catalog):
            if name.startswith("params:"):
                try:
                    value = _dig(params, name[len("params:"):])
                except (KeyError, TypeError):
                    continue
                if value is not None:
                    catalog[name].save(value)

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline, catalog) -> None:
        check_runner(run_params.get("runner"))
        ctx = current()
        self._catalog = catalog
        self._remaining = Counter(p for p in (process_of(n) for n in pipeline.nodes) if p)
        ctx.active_processes = set(self._remaining)
        self._log_handler = ProcessLogHandler(ctx)
        logging.getLogger().addHandler(self._log_handler)
        self._started = set()
        self._install_signal_handlers()
        logger.info("run_id=%s dataset_key=%s experiment=%s", ctx.run_id, ctx.dataset_key, ctx.experiment)

    @hook_impl
    def before_dataset_loaded(self, dataset_name: str, node) -> None:
        self._loading_for = node

    @hook_impl
    def before_node_run(self, node) -> None:
        self._loading_for = None
        process = process_of(node)
        if process and process not in self._started:
            self._started.add(process)
            logger.info("phase %s started", process)
        if self._log_handler is not None:
            self._log_handler.process = process

    def _artifact(self, dataset_name: str) -> RunArtifactDataset | None:
        if self._catalog is None or dataset_name not in self._catalog:
            return None
        dataset = self._catalog.get(dataset_name)
        return dataset if isinstance(dataset, RunArtifactDataset) else None

    def _apply_run_meta(self, dataset: RunArtifactDataset, data: Any, process: str) -> None:
        mapping = (dataset.metadata or {}).get("run_meta") or {}
        if mapping and isinstance(data, dict):
            current().set_values(process, {key: data.get(field) for key, field in mapping.items()})

    @hook_impl(trylast=True)  # after trackers have collected the saved data: this may finish the process
    def after_dataset_saved(self, dataset_name: str, data: Any, node) -> None:
        dataset = self._artifact(dataset_name)
        process = process_of(node)
        if dataset is not None and process:
            self._apply_run_meta(dataset, data, process)
            if self._log_handler is not None:
                self._log_handler.flush_process(process)
        if process:
            self._unsaved[process] -= 1
            self._finish_if_done(process)

    @hook_impl
    def after_dataset_loaded(self, dataset_name: str, data: Any, node) -> None:
        dataset = self._artifact(dataset_name)
        process = process_of(node)
        if dataset is None or not process or dataset.last_source is None:
            return
        current().record_upstream(process, dataset.process, dataset.last_source)
        self._apply_run_meta(dataset, data, process)

    @hook_impl
    def after_node_run(self, node, outputs: dict[str, Any]) -> None:
        # Kedro saves a node's outputs after this hook: the process is complete when its
        # last node has run and every output of it has been saved.
        process = process_of(node)
        if not process:
            return
        if {DATASET_OUTPUT, SCHEMA_OUTPUT} <= set(outputs or {}):
            # The data is read, nothing is written yet: check what only the data can tell.
            check_against_data(current().params, outputs[DATASET_OUTPUT], outputs[SCHEMA_OUTPUT],
                               current().active_processes)
        self._remaining[process] -= 1
        self._unsaved[process] += len(node.outputs)
        self._finish_if_done(process)

    def _finish_if_done(self, process: str) -> None:
        if self._remaining[process] == 0 and self._unsaved[process] <= 0:
            if self._log_handler is not None:
                self._log_handler.flush_process(process)
            current().finish(process, "complete")

    @hook_impl
    def on_node_error(self, error: Exception, node) -> None:
        """Bad input that stopped a phase before it wrote anything leaves nothing behind; any
        other failure leaves a readable trace: the phase's directory, its log, meta.json 'failed'."""
        process = process_of(node)
        if not process:
            return
        ctx = current()
        input_error = find_input_error(error)
        logger.error("%s failed: %s", process, input_error or error)
        shown = input_error or error
        self._end_phase(ctx, process, "failed", f"{type(shown).__name__}: {shown}",
                        leave_trace=input_error is None)

    @hook_impl
    def on_pipeline_error(self, error: Exception) -> None:
        ctx = current()
        loading = process_of(self._loading_for) if self._loading_for is not None else None
        if loading and find_input_error(error) and ctx.status(loading) not in FINAL_STATUSES:
            self.on_node_error(error, self._loading_for)  # bad input met while loading a node's inputs (data.path)
        for process in ctx.active_processes:
            if ctx.status(process) == "running":
                ctx.finish(process, "failed", error=f"not finished: the run stopped ({type(error).__name__}: {error})")
        self._detach()

    @hook_impl
    def after_pipeline_run(self) -> None:
        self._detach()

    # -- interruption (Ctrl-C, SIGTERM) ------------------------------------------------
    def _install_signal_handlers(self) -> None:
        """SIGINT and SIGTERM mark the running phases ``interrupted`` before the run stops.

        Only the main thread may set handlers (a run started from another thread keeps the defaults).
        """
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in INTERRUPT_SIGNALS:
            try:
                self._previous_handlers[signum] = signal.signal(signum, self._on_signal)
            except (ValueError, OSError):  # not settable here
                continue

    def _restore_signal_handlers(self) -> None:
        for signum, previous in self._previous_handlers.items():
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(signum, previous if previous is not None else signal.SIG_DFL)
        self._previous_handlers = {}

    def _on_signal(self, signum: int, frame) -> None:
        previous = self._previous_handlers.get(signum)
        for each in INTERRUPT_SIGNALS:  # a second Ctrl-C must not cut the marking short
            with contextlib.suppress(ValueError, OSError):
                signal.signal(each, signal.SIG_IGN)
        try:
            self.mark_interrupted(interrupt_reason(signum))
        finally:
            self._restore_signal_handlers()
            self._detach()
        if callable(previous) and previous is not signal.default_int_handler:
            previous(signum, frame)
        elif signum == signal.SIGINT:
            raise KeyboardInterrupt
        else:  # default action of SIGTERM: end the process with that signal
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)

    def mark_interrupted(self, reason: str) -> None:
        """Every phase that started and has not finished: meta.json ``interrupted`` with ``reason``
        (its directory is created if it had none yet, as for a failure), listeners called."""
        if not has_current():
            return
        ctx = current()
        for process in sorted(ctx.active_processes):
            if ctx.status(process) in FINAL_STATUSES:
                continue
            if process not in self._started and not ctx.has_dir(process):
                continue  # never started: nothing to mark
            logger.error("%s interrupted: %s", process, reason)
            self._end_phase(ctx, process, "interrupted", reason, leave_trace=True)

    def _end_phase(self, ctx, process: str, status: str, error: str, *, leave_trace: bool) -> None:
        """Mark ``process`` ended with ``status``; a trace (its directory, log, meta.json) is left unless
        the phase stopped on bad input before writing anything."""
        if leave_trace and not ctx.has_dir(process):
            try:
                ctx.run_dir(process)
            except OSError as exc:
                logger.error("Could not create the directory of %s (%s).", process, exc)
        if self._log_handler is not None:
            self._log_handler.flush_process(process)
        ctx.finish(process, status, error=error)

    def _detach(self) -> None:
        self._restore_signal_handlers()
        if self._log_handler is not None:
            logging.getLogger().removeHandler(self._log_handler)
            self._log_handler = None
