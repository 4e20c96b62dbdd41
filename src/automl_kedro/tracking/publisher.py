"""Publishing one phase (and its candidates) to ClearML with the real SDK.

A :class:`Publication` buffers what a phase declared while it ran (plots, tables, texts, scalars,
artifacts, candidates, output models); :class:`Publisher` opens the phase task, reports everything,
closes it, then opens and closes one child task per candidate with ``set_parent``. Offline, each
task's session zip is moved to ``<run_dir>/clearml/<task_id>.zip`` and listed in
``<run_dir>/clearml/sessions.json`` (what ``automl-kedro clearml upload`` reads).
"""
from __future__ import annotations

import contextlib
import io
import json
import logging
import math
import shutil
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from automl_kedro.secrets import redact, redact_text
from automl_kedro.tracking.naming import split_title
from automl_kedro.phases import PHASES
from automl_kedro.tracking.sdk import TASK_INIT_KWARGS
from automl_kedro.tracking.sessions import MANIFEST, SESSIONS_DIR, session_shortfall, zip_session_folder

logger = logging.getLogger(__name__)

MAX_TABLE_ROWS = 1000
TASK_TYPES = {name: p.task_type for name, p in PHASES.items()}


@dataclass
class TaskSpec:
    """Identity and parameters of one task."""

    name: str
    project: str
    tags: list[str]
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    config: dict[str, Any] | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    task_type: str = "training"


@dataclass
class Publication:
    """What one phase shows, collected from catalog metadata while its nodes run."""

    process: str
    plots: list[tuple[str, Any]] = field(default_factory=list)
    tables: list[tuple[str, Any]] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)
    scalars: list[tuple[str, float]] = field(default_factory=list)
    artifacts: list[tuple[str, Path]] = field(default_factory=list)
    output_models: list[tuple[str, Path]] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    status: str | None = None  # complete | failed | interrupted (None: failed if error else complete)

    def add(self, declaration: dict[str, Any], data: Any, file_path: Path | None) -> None:
        """Record ``data`` as the catalog entry's ``metadata.clearml`` declares it."""
        for kind, value in declaration.items():
            if kind == "plot":
                self.plots.append((str(value), data))
            elif kind == "plots" and value and isinstance(data, dict):
                self.plots.extend((str(t), fig) for t, fig in data.items())
            elif kind == "table":
                self.tables.append((str(value), data))
            elif kind == "text":
                self.texts.append((str(value), data if isinstance(data, str) else json.dumps(data, indent=2, default=str)))
            elif kind == "scalars" and isinstance(data, dict):
                prefix = str(value) if isinstance(value, str) else ""
                for name, number in _flat_numbers(data).items():
                    self.scalars.append((f"{prefix}/{name}" if prefix else name, number))
            elif kind == "artifact" and file_path is not None:
                self.artifacts.append((str(value) if isinstance(value, str) else file_path.name, file_path))
            elif kind == "output_model" and file_path is not None:
                self.output_models.append((str(value), file_path))
            elif kind == "candidates" and value and isinstance(data, list):
                self.candidates.extend(r for r in data if isinstance(r, dict))
            elif kind not in ("plot", "plots", "table", "text", "scalars", "artifact", "output_model", "candidates"):
                raise ValueError(
                    f"Unknown metadata.clearml key {kind!r}: use plot, plots, table, text, scalars, "
                    f"artifact, candidates or output_model (docs/ARCHITECTURE.md)."
                )


def _flat_numbers(data: dict[str, Any], prefix: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, bool):
            continue
        if isinstance(value, (int, float)) and math.isfinite(float(value)):
            out[name] = float(value)
        elif isinstance(value, dict):
            out.update(_flat_numbers(value, name + "/"))
    return out


def _figure(fig: Any) -> Any:
    """Plotly figures as they are; dicts (JSON) accepted too."""
    return fig.to_dict() if hasattr(fig, "to_dict") else fig


class Publisher:
    """Opens, fills and closes tasks in turn (offline allows one open ``Task.init`` per process)."""

    def __init__(self, clearml: Any, offline: bool, agent_task: Any = None) -> None:
        self.clearml = clearml
        self.offline = offline
        self.agent_task = agent_task  # the task a clearml-agent is running (clone mode)

    # -- one task ---------------------------------------------------------------------
    def _create(self, spec: TaskSpec, parent_id: str | None = None, reuse_agent_task: bool = False) -> Any:
        Task = self.clearml.Task
        if reuse_agent_task and self.agent_task is not None:
            task = self.agent_task
            task.add_tags([t for t in spec.tags if t not in (task.get_tags() or [])])
        elif self.agent_task is not None:
            task = Task.create(project_name=spec.project, task_name=spec.name, task_type=spec.task_type)
            task.add_tags(spec.tags)
            task.mark_started(force=True)
        else:
            with _quiet():
                task = Task.init(project_name=spec.project, task_name=spec.name,
                                 task_type=getattr(Task.TaskTypes, spec.task_type, Task.TaskTypes.custom),
                                 tags=spec.tags, **TASK_INIT_KWARGS)
        if parent_id:
            task.set_parent(parent_id)
        return task

    def _describe(self, task: Any, spec: TaskSpec) -> None:
        """Sections, configuration and user properties of an open task."""
        for section, values in spec.sections.items():
            if values:
                if task is self.agent_task or self.agent_task is None:
                    task.connect(redact(values), name=section)
                else:
                    task.set_parameters_as_dict({section: redact(values)})
        if spec.config is not None:
            task.connect_configuration(redact(spec.config), name="config",
                                       description="the full resolved parameters of this run (secrets redacted)")
        if spec.properties:
            task.set_user_properties(**{k: str(v) for k, v in spec.properties.items() if v is not None})

    def _publish_task(self, spec: TaskSpec, run_dir: Path, status: str, error: str | None, fill,
                      parent_id: str | None = None, reuse_agent_task: bool = False) -> dict[str, Any]:
        """Open one task, ``fill(logger, task, reported)`` it, close it and keep its session.

        A reporting problem is recorded in the task and the manifest row (``warning``), never raised:
        the task is closed (and its session kept) whatever happened while filling it.
        """
        task = self._create(spec, parent_id, reuse_agent_task)
        reported = Reported()
        problem = None
        try:
            self._describe(task, spec)
            fill(_CountingLogger(task.get_logger(), reported), task, reported)
        except Exception as exc:  # noqa: BLE001 - a reporting problem is recorded, not fatal
            problem = f"could not report everything: {type(exc).__name__}: {exc}"
            logger.warning("ClearML: %s: %s", spec.name, problem)
            with contextlib.suppress(Exception):
                task.get_logger().report_text(f"reporting error: {exc}", print_console=False)
        record = self._close(task, run_dir, status, error, reported)
        if problem:
            record["warning"] = "; ".join(w for w in (problem, record.get("warning")) if w)
        return record

    def _close(self, task: Any, run_dir: Path, status: str, error: str | None,
               reported: "Reported | None" = None) -> dict[str, Any]:
        """Flush, close, and (offline) keep the verified session zip in ``<run_dir>/clearml``."""
        record: dict[str, Any] = {"id": task.id, "name": task.name, "status": status, "error": error}
        with contextlib.suppress(Exception):  # a status flag must never lose the session
            if status == "failed":
                task.mark_failed(status_reason=(error or "failed")[:250], status_message="failed", force=True)
            elif status == "interrupted" and not self.offline:
                task.mark_stopped(force=True, status_message=(error or "interrupted")[:250])
        if task is self.agent_task:
            task.flush(wait_for_uploads=True)
            return record
        if self.agent_task is not None:
            task.flush(wait_for_uploads=True)
            if status == "complete":
                task.mark_completed(force=True)
            return record
        with _quiet():
            task.flush(wait_for_uploads=True)  # every queued event written before the session is zipped
            task.close()
        if self.offline:
            record.update(keep_offline_session(Path(task.get_offline_mode_folder()), run_dir / SESSIONS_DIR,
                                               task.id, reported or Reported()))
        return record

    # -- a phase and its children -------------------------------------------------
    def publish(self, spec: TaskSpec, pub: Publication, run_dir: Path,
                contract_files: list[tuple[str, Path]],
                children: list[tuple[TaskSpec, dict[str, Any]]]) -> list[dict[str, Any]]:
        """Report a phase task and its candidates; return one record per task (manifest rows).

        One candidate that cannot be published is recorded with a ``warning`` and no zip; the
        others are published all the same.
        """
        status = pub.status or ("failed" if pub.error else "complete")
        if status != "complete":
            spec.tags = spec.tags + [f"status:{status}"]
            spec.properties = {**spec.properties, "status": status, "error": pub.error}

        def fill(log, task, reported):
            self._report_phase(log, task, reported, pub, contract_files)

        records = [{**self._publish_task(spec, run_dir, status, pub.error, fill, reuse_agent_task=True),
                    "kind": "phase", "process": pub.process, "project": spec.project, "parent": None}]
        parent_id = records[0]["id"]
        for child_spec, record in children:
            try:
                row = self._publish_child(child_spec, record, parent_id, run_dir)
            except Exception as exc:  # noqa: BLE001 - one bad candidate never drops the others
                logger.warning("ClearML: candidate %s not published: %s: %s", child_spec.name, type(exc).__name__, exc)
                row = {"id": None, "name": child_spec.name, "status": record.get("status"), "error": record.get("error"),
                       "warning": f"not published: {type(exc).__name__}: {exc}"}
            records.append({**row, "kind": "candidate", "process": pub.process, "project": child_spec.project,
                            "parent": parent_id, "candidate_id": record.get("candidate_id")})
        return records

    def _publish_child(self, spec: TaskSpec, record: dict[str, Any], parent_id: str, run_dir: Path) -> dict[str, Any]:
        failed = record.get("status") == "failed"
        if failed:
            spec.tags = spec.tags + ["status:failed"]

        def fill(log, task, reported):
            for name, value in sorted((record.get("scalars") or {}).items()):
                if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(float(value)):
                    title, series = split_title(name)
                    log.report_scalar(title, series, float(value), iteration=0)
                    log.report_single_value(name, float(value))
            for title, fig in (record.get("figures") or {}).items():
                head, series = split_title(title)
                log.report_plotly(head, series, figure=_figure(fig), iteration=0)
            for title, table in (record.get("tables") or {}).items():
                head, series = split_title(title)
                log.report_table(head, series, iteration=0, table_plot=_table(table))
            if failed:
                log.report_text(redact_text(f"candidate failed: {record.get('error')}"), print_console=False)

        return self._publish_task(spec, run_dir, "failed" if failed else "complete", record.get("error"), fill,
                                  parent_id=parent_id)

    def _report_phase(self, log: "_CountingLogger", task: Any, reported: "Reported", pub: Publication,
                      contract_files: list[tuple[str, Path]]) -> None:
        for name, value in pub.scalars:
            title, series = split_title(name)
            log.report_scalar(title, series, value, iteration=0)
            log.report_single_value(name, value)
        for title, fig in pub.plots:
            head, series = split_title(title)
            log.report_plotly(head, series, figure=_figure(fig), iteration=0)
        for title, table in pub.tables:
            head, series = split_title(title)
            log.report_table(head, series, iteration=0, table_plot=_table(table))
        for title, text in pub.texts:
            head, series = split_title(title)
            log.report_media(head, series, stream=io.StringIO(redact_text(text)), file_extension=".md", iteration=0)
        missing = []
        for name, path in [*contract_files, *pub.artifacts]:
            if path.exists():
                task.upload_artifact(name, artifact_object=str(path), wait_on_upload=True)
                reported.artifacts.append(name)
            else:
                missing.append(f"{name}: {path}")
        if missing:
            text = "Missing artifacts:\n" + "\n".join(f"- {m}" for m in missing)
            log.report_media("99_debug", "missing_artifacts", stream=io.StringIO(text), file_extension=".md", iteration=0)
        for name, path in pub.output_models:
            if self._output_model(task, name, path):
                reported.output_models += 1
        if pub.error:
            log.report_text(redact_text(f"{pub.process} failed: {pub.error}"), print_console=False)

    def _output_model(self, task: Any, name: str, path: Path) -> bool:
        if not path.is_file():
            logger.warning("ClearML: output model %s has no file at %s", name, path)
            return False
        model = self.clearml.OutputModel(task=task, name=name, framework="scikit-learn", tags=list(task.get_tags() or []))
        if self.offline:
            # OutputModel.update_weights fails offline in clearml 2.1.12 (it asks the server whether the
            # model is published); the offline path it would take is this one, imported by upload.
            model._update_weights_offline(weights_filename=str(path))  # noqa: SLF001
        else:
            model.update_weights(weights_filename=str(path), auto_delete_file=False)
        return True


@dataclass
class Reported:
    """What was handed to one task: what its offline session must hold afterwards."""

    scalars: int = 0  # scalar events: report_scalar and report_single_value, one each
    plots: int = 0  # plotly figures and tables
    media: int = 0  # markdown reports (debug samples)
    artifacts: list[str] = field(default_factory=list)
    output_models: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"scalars": self.scalars, "plots": self.plots, "media": self.media,
                "artifacts": len(self.artifacts), "output_models": self.output_models}


class _CountingLogger:
    """A ClearML Logger that counts, in ``reported``, each event it accepted."""

    _KINDS = {"report_scalar": "scalars", "report_single_value": "scalars", "report_plotly": "plots",
              "report_table": "plots", "report_media": "media"}

    def __init__(self, log: Any, reported: Reported) -> None:
        self._log = log
        self._reported = reported

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._log, name)
        kind = self._KINDS.get(name)
        if kind is None:
            return method

        def counted(*args: Any, **kwargs: Any) -> Any:
            result = method(*args, **kwargs)
            setattr(self._reported, kind, getattr(self._reported, kind) + 1)
            return result

        return counted


def keep_offline_session(folder: Path, target_dir: Path, task_id: str, reported: Reported) -> dict[str, Any]:
    """Move a closed task's session zip to ``target_dir/<task_id>.zip`` once it holds what was reported.

    The SDK's zip is checked against ``reported``; if it falls short and the session folder holds
    more, the zip is rebuilt from the folder. The folder is deleted only after the zip verified;
    otherwise it is kept and the returned manifest fields say what is missing (``incomplete``,
    ``warning``, ``session_folder``).
    """
    archive = folder.parent / f"{folder.name}.zip"
    shortfall = session_shortfall(archive, reported) if archive.is_file() else {"zip": "not written"}
    if shortfall and folder.is_dir():
        zip_session_folder(folder, archive)
        shortfall = session_shortfall(archive, reported)
    fields: dict[str, Any] = {"reported": reported.as_dict()}
    if archive.is_file():
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / f"{task_id}.zip"
        shutil.move(str(archive), target)
        fields["zip"] = target.name
    if shortfall:
        fields.update(incomplete=shortfall, session_folder=str(folder),
                      warning="offline session incomplete: " + ", ".join(f"{k} {v}" for k, v in shortfall.items()))
        logger.warning("ClearML: the offline session of task %s is incomplete (%s); its folder is kept at %s.",
                       task_id, fields["warning"], folder)
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return fields


class _MuteThreadStream:
    """Wraps sys.stdout: drops what the publishing thread prints (the SDK prints a few lines per
    task), passes everything else through. Thread-safe, unlike contextlib.redirect_stdout."""

    def __init__(self, wrapped: Any) -> None:
        self._wrapped = wrapped
        self.muted: set[int] = set()

    def write(self, text: str) -> int:
        if threading.get_ident() in self.muted:
            return len(text)
        return self._wrapped.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)


@contextlib.contextmanager
def _quiet():
    """Silence the SDK's prints from this thread only."""
    stream = sys.stdout if isinstance(sys.stdout, _MuteThreadStream) else None
    if stream is None:
        stream = _MuteThreadStream(sys.stdout)
        sys.stdout = stream
    ident = threading.get_ident()
    stream.muted.add(ident)
    try:
        yield
    finally:
        stream.muted.discard(ident)


def _table(table: Any) -> Any:
    """DataFrames cut to MAX_TABLE_ROWS; lists of dicts become DataFrames."""
    import pandas as pd

    if isinstance(table, list):
        table = pd.DataFrame(table)
    if isinstance(table, pd.DataFrame):
        return table.head(MAX_TABLE_ROWS).reset_index(drop=True)
    return table


def write_manifest(run_dir: Path, run_id: str, process: str, mode: str, records: list[dict[str, Any]]) -> Path:
    """``<run_dir>/clearml/sessions.json``: every task of this phase, its zip and parent."""
    target = run_dir / SESSIONS_DIR / MANIFEST
    target.parent.mkdir(parents=True, exist_ok=True)
    existing = []
    if target.is_file():
        try:
            existing = json.loads(target.read_text()).get("tasks", [])
        except ValueError:
            existing = []
    body = {"run_id": run_id, "process": process, "mode": mode, "tasks": existing + records}
    target.write_text(json.dumps(redact(body), indent=2, default=str))
    return target
