"""The run context: one run_id per `kedro run`, and where each process's files go.

Layout (artifact contract, seed 000):
``<runs_dir>/<process>/<YYYY-MM-DD>/<HHMMSS>_<experiment>/`` holding ``config.yaml``,
``meta.json``, ``logs/`` and the process's own files. Directories are created on the
first save of a process, so a run that fails before writing anything leaves nothing.

Nothing else in the project invents run ids, timestamps or run directories.
"""
from __future__ import annotations

import contextlib
import getpass
import hashlib
import itertools
import json
import logging
import os
import re
import secrets as _random
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from automl_kedro import runs_store
from automl_kedro.errors import AutoMLInputError
from automl_kedro.phases import PHASES

logger = logging.getLogger(__name__)
RUN_ID_ENV = "AUTO_ML_RUN_ID"
RUN_ID_PATTERN = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")
META_KEYS = (
    "run_id",
    "process_name",
    "created_at",
    "git_sha",
    "dataset_hash",
    "config_hash",
    "task_name",
    "model_name",
    "featureset_name",
    "upstream_artifacts",
    "tags",
)
# A process ends in one of these; "latest" picks "complete" only.
FINAL_STATUSES = ("complete", "failed", "interrupted")
# What meta.json keeps when the disk is too full for the whole of it.
_COMPACT_META_KEYS = ("run_id", "process_name", "created_at", "status", "error", "finished_at", "experiment")
# meta.json is padded to whole blocks with at least this much spare room, so that a status change can
# be written in place on a full disk (JSON ignores trailing whitespace).
META_SPARE_BYTES = 1024
_BLOCK = 4096
# Which processes a run-wide value describes (dataset_hash describes every process).
_MODEL_PROCESSES = {p.name for p in PHASES.values() if p.reads_model}


def new_run_id(now: datetime | None = None) -> str:
    """``YYYYMMDD-HHMMSS-<6 hex>``: sortable in time, unlikely to collide."""
    now = now or datetime.now()
    return f"{now:%Y%m%d-%H%M%S}-{_random.token_hex(3)}"


def resolve_run_id(configured: str | None, now: datetime) -> str:
    """Parameter ``run.id`` > environment ``AUTO_ML_RUN_ID`` > a new id."""
    for candidate in (configured, os.environ.get(RUN_ID_ENV)):
        if candidate:
            if not re.fullmatch(r"[A-Za-z0-9_.\-]+", candidate):
                raise AutoMLInputError(
                    f"Run id {candidate!r} may only hold letters, digits, '-', '_' and '.'."
                )
            return candidate
    return new_run_id(now)


def dataset_key_for(path: str | None, configured: str | None) -> str:
    """The short name of the data set: ``run.dataset_key`` or the data file's stem (``sales.csv.gz`` -> sales)."""
    if configured:
        return configured
    if path:
        from automl_kedro.data.io import table_name

        return re.sub(r"[^A-Za-z0-9_.\-]+", "_", table_name(path)) or "dataset"
    return "dataset"


def git_sha(project_path: Path) -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=project_path, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def config_hash(config: dict[str, Any]) -> str:
    """A run's resolved configuration, hashed without the run's own id: runs of the same settings share it
    (``config.yaml`` still records the id)."""
    settings = {**config, "run": {k: v for k, v in config.get("run", {}).items() if k != "id"}}
    payload = json.dumps(settings, sort_keys=True, default=str).encode()
    return hashlib.sha256(payload).hexdigest()[:16]


def read_meta(run_dir: Path) -> dict[str, Any] | None:
    return runs_store.read_meta(run_dir)


def list_runs(runs_root: Path, process: str) -> list[tuple[Path, dict[str, Any]]]:
    """Every run directory of a process that has a meta.json, oldest first (see runs_store)."""
    return runs_store.list_runs(runs_root, process)


def find_run(runs_root: Path, process: str, selector: str = "latest") -> Path:
    """The run directory of ``process`` named by ``selector`` (see runs_store.find_run)."""
    return runs_store.find_run(runs_root, process, selector)


def _make_unique_dir(base: Path, name: str, run_suffix: str) -> Path:
    """Create and return a new directory ``base/name`` (or ``name-<run suffix>``, ``name-2``, ...).

    ``mkdir`` without ``exist_ok`` is the atomic claim: two runs started in the same second, or two
    processes at the same instant, each get their own directory and never share or reuse one.
    """
    base.mkdir(parents=True, exist_ok=True)
    names = itertools.chain([name, f"{name}-{run_suffix}"], (f"{name}-{i}" for i in itertools.count(2)))
    for candidate in names:
        try:
            (base / candidate).mkdir()
        except FileExistsError:
            continue
        return base / candidate
    raise AssertionError("unreachable")  # itertools.count never ends


def _short(value: Any, limit: int = 300) -> Any:
    return value[:limit] + "..." if isinstance(value, str) and len(value) > limit else value


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_status_file(path: Path, text: str, compact: str | None = None) -> None:
    """Write ``text`` to ``path`` so that a reader never sees a half-written file, even on a full disk.

    Normally: a temporary file, padded with spaces to whole blocks (room for the next status), renamed
    over ``path``. If that fails (ENOSPC, quota), the temporary file is removed and the text, or else
    ``compact``, is written in place over the existing file's already allocated bytes, which needs no
    new space. Raises OSError only when neither fits; never leaves ``<name>.tmp`` behind.
    """
    data = text.encode("utf-8")
    size = -(-(len(data) + 1 + META_SPARE_BYTES) // _BLOCK) * _BLOCK
    tmp = path.with_name(path.name + ".tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            _write_all(fd, data + b"\n" + b" " * (size - len(data) - 1))
        finally:
            os.close(fd)
        os.replace(tmp, path)
        return
    except OSError as exc:
        first_error = exc
        with contextlib.suppress(OSError):
            tmp.unlink()
    try:
        existing = path.stat().st_size
    except OSError:
        raise first_error from None
    for candidate in (data, (compact or "").encode("utf-8")):
        if candidate and len(candidate) < existing:
            fd = os.open(path, os.O_WRONLY)
            try:
                _write_all(fd, candidate + b"\n" + b" " * (existing - len(candidate) - 1))
            finally:
                os.close(fd)
            return
    raise first_error


@dataclass
class RunContext:
    """Identity and bookkeeping of one `kedro run`."""

    run_id: str
    experiment: str
    dataset_key: str
    user: str
    started_at: datetime
    params: dict[str, Any]
    project_path: Path
    runs_root: Path
    active_processes: set[str] = field(default_factory=set)
    env: str | None = None  # the Kedro config environment (--env), for credentials
    _dirs: dict[str, Path] = field(default_factory=dict)
    _upstream: dict[str, dict[str, Path]] = field(default_factory=dict)
    _values: dict[str, dict[str, Any]] = field(default_factory=dict)
    _shared: dict[str, Any] = field(default_factory=dict)
    _status: dict[str, str] = field(default_factory=dict)
    _resolved: dict[str, Path] = field(default_factory=dict)
    _listeners: list = field(default_factory=list)

    @classmethod
    def create(cls, params: dict[str, Any], project_path: Path, now: datetime | None = None) -> "RunContext":
        now = now or datetime.now(timezone.utc).astimezone()
        run = params.get("run", {})
        data = params.get("data", {})
        runs_root = Path(run.get("runs_dir") or "runs")
        if not runs_root.is_absolute():
            runs_root = project_path / runs_root
        try:
            user = run.get("user") or getpass.getuser()
        except (KeyError, OSError):
            user = "user"
        return cls(
            run_id=resolve_run_id(run.get("id"), now),
            experiment=run.get("experiment") or "default",
            dataset_key=dataset_key_for(data.get("path"), run.get("dataset_key")),
            user=user,
            started_at=now,
            params=params,
            project_path=project_path,
            runs_root=runs_root,
        )

    # -- identity ---------------------------------------------------------------
    def task_name(self, process: str) -> str:
        return f"{process} [{self.dataset_key}] [{self.run_id}]"

    def tags(self, process: str) -> list[str]:
        return [f"run:{self.run_id}", f"phase:{process}", f"dataset:{self.dataset_key}"]

    def info(self) -> dict[str, Any]:
        """What nodes may know of the run (through the ``run_info`` catalog entry)."""
        return {
            "run_id": self.run_id,
            "experiment": self.experiment,
            "dataset_key": self.dataset_key,
            "user": self.user,
            "started_at": self.started_at.isoformat(),
        }

    # -- directories ------------------------------------------------------------
    def has_dir(self, process: str) -> bool:
        return process in self._dirs

    def run_dir(self, process: str) -> Path:
        """This run's directory for ``process``, created (with config.yaml, meta.json) on first use."""
        if process in self._dirs:
            return self._dirs[process]
        path = _make_unique_dir(self.runs_root / process / f"{self.started_at:%Y-%m-%d}",
                                f"{self.started_at:%H%M%S}_{self.experiment}", self.run_id.rsplit("-", 1)[-1])
        (path / "logs").mkdir()
        self._dirs[process] = path
        self._status[process] = "running"
        self.write_config(process)
        self.write_meta(process)
        return path

    # -- upstream ---------------------------------------------------------------
    def source_dir(self, producer: str) -> Path:
        """Where to load ``producer``'s files from: this run if it ran it, else an upstream run."""
        if producer in self.active_processes:
            return self.run_dir(producer)
        if producer not in self._resolved:
            self._resolved[producer] = self._resolve_upstream(producer)
            meta = read_meta(self._resolved[producer]) or {}
            if meta.get("dataset_hash") and "dataset_hash" not in self._shared:
                self._shared["dataset_hash"] = meta["dataset_hash"]
            for key in ("model_name", "featureset_name"):
                if meta.get(key) and key not in self._shared:
                    self._shared[key] = meta[key]
        return self._resolved[producer]

    def previous_run_dir(self, producer: str) -> Path:
        """The run ``upstream.<producer>`` names (default: the latest complete one), even while this run runs
        ``producer`` itself (a phase resumed at a later node reads its earlier nodes' outputs from there)."""
        return self._resolve_upstream(producer)

    def _resolve_upstream(self, producer: str) -> Path:
        selectors = dict(self.params.get("upstream") or {})
        for phase in ("predict", "monitor"):  # phases that name the model run they use
            source_run = (self.params.get(phase) or {}).get("source_run")
            if phase in self.active_processes and source_run and "train" not in selectors:
                selectors["train"] = source_run
        selector = selectors.get(producer, "latest")
        if selector == "champion" and producer == "train":
            target = (self.params.get("data") or {}).get("target")
            selector = runs_store.resolve_champion(self.runs_root, self.dataset_key, target)
        if selector == "latest":
            # Follow the chain: if an upstream run we already use read this producer, use that run.
            for resolved in list(self._resolved.values()):
                for item in (read_meta(resolved) or {}).get("upstream_artifacts", []):
                    if item.get("process") == producer and Path(item.get("path", "")).is_dir():
                        return Path(item["path"])
            # ... or the newest run of this producer that read a run we already use.
            reading = runs_store.latest_reading(self.runs_root, producer, list(self._resolved.values()))
            if reading is not None:
                return reading
        return find_run(self.runs_root, producer, selector)

    def record_upstream(self, consumer: str, producer: str, path: Path) -> None:
        if consumer != producer:
            self._upstream.setdefault(consumer, {})[producer] = path

    def upstream_artifacts(self, process: str) -> list[dict[str, Any]]:
        items = []
        for producer, path in sorted(self._upstream.get(process, {}).items()):
            meta = read_meta(path) or {}
            items.append(
                {
                    "process": producer,
                    "run_id": meta.get("run_id", self.run_id if path == self._dirs.get(producer) else None),
                    "path": str(path),
                }
            )
        return items

    # -- meta -------------------------------------------------------------------
    def set_values(self, process: str, values: dict[str, Any]) -> None:
        """Values for meta.json (dataset_hash, model_name, ...) learnt from data a process touched."""
        self._values.setdefault(process, {}).update({k: v for k, v in values.items() if v is not None})
        if values.get("dataset_hash"):
            self._shared.setdefault("dataset_hash", values["dataset_hash"])
        for key in ("model_name", "featureset_name"):
            if values.get(key):
                self._shared[key] = values[key]

    def config(self, process: str) -> dict[str, Any]:
        from automl_kedro.secrets import redact

        resolved = dict(self.params)
        resolved["run"] = {**resolved.get("run", {}), "id": self.run_id, "dataset_key": self.dataset_key}
        return redact(resolved)

    def meta(self, process: str) -> dict[str, Any]:
        own = self._values.get(process, {})

        def value(key: str) -> Any:
            if key in own:
                return own[key]
            if key == "dataset_hash" or process in _MODEL_PROCESSES:
                return self._shared.get(key)
            return None

        meta = {
            "run_id": self.run_id,
            "process_name": process,
            "created_at": self.started_at.isoformat(),
            "git_sha": self._git_sha(),
            "dataset_hash": value("dataset_hash"),
            "config_hash": config_hash(self.config(process)),
            "task_name": self.task_name(process),
            "model_name": value("model_name"),
            "featureset_name": value("featureset_name"),
            "upstream_artifacts": self.upstream_artifacts(process),
            "tags": self.tags(process),
            "status": self._status.get(process, "running"),
            "experiment": self.experiment,
            "dataset_key": self.dataset_key,
            "user": self.user,
        }
        meta.update({k: v for k, v in own.items() if k not in meta})
        return meta

    def _git_sha(self) -> str | None:
        if "git_sha" not in self._shared:
            self._shared["git_sha"] = git_sha(self.project_path)
        return self._shared["git_sha"]

    def write_config(self, process: str) -> None:
        path = self._dirs[process] / "config.yaml"
        path.write_text(yaml.safe_dump(self.config(process), sort_keys=False, allow_unicode=True))

    def write_meta(self, process: str) -> None:
        """meta.json of ``process``; survives a full disk (see :func:`write_status_file`)."""
        from automl_kedro.secrets import redact

        meta = redact(self.meta(process))
        write_status_file(self._dirs[process] / "meta.json", json.dumps(meta, indent=2, default=str),
                          compact=json.dumps({k: _short(meta.get(k)) for k in _COMPACT_META_KEYS}, default=str))

    def add_listener(self, listener) -> None:
        """Call ``listener(process, status)`` when a process finishes ('complete' or 'failed').

        It is called after the process's last output is saved and its meta.json written,
        which is the moment a tracker can publish the phase (Kedro's after_node_run comes
        before a node's outputs are saved, so it is too early for that).
        """
        self._listeners.append(listener)

    def finish(self, process: str, status: str, error: str | None = None) -> None:
        """Mark a process complete, failed or interrupted (meta.json only if it wrote anything)."""
        if self._status.get(process) in FINAL_STATUSES:
            return
        self._status[process] = status
        if error:
            self._values.setdefault(process, {})["error"] = error
        if process in self._dirs:
            self._values.setdefault(process, {})["finished_at"] = datetime.now(timezone.utc).astimezone().isoformat()
            try:
                self.write_meta(process)
            except OSError as exc:  # the disk is full even for a status: say so, never hide the first error
                logger.error("Could not record %s as %s in %s (%s).", process, status,
                             self._dirs[process] / "meta.json", exc)
        for listener in list(self._listeners):
            listener(process, status)

    def status(self, process: str) -> str | None:
        return self._status.get(process)


_CURRENT: RunContext | None = None


def set_current(ctx: RunContext | None) -> None:
    global _CURRENT
    _CURRENT = ctx


def current() -> RunContext:
    if _CURRENT is None:
        raise RuntimeError(
            "No run context: RunContextHook is not registered or no `kedro run` is in progress."
        )
    return _CURRENT


def has_current() -> bool:
    return _CURRENT is not None
