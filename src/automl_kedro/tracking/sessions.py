"""Offline ClearML sessions of a run: find them, read them back, upload them to a server.

Reading needs no clearml (zip + JSON); uploading imports it lazily. A run's sessions are listed
in ``<run_dir>/clearml/sessions.json`` of every phase directory whose meta.json has that run_id.
"""
from __future__ import annotations

import json
import logging
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from automl_kedro.errors import AutoMLInputError

SESSIONS_DIR = "clearml"  # a run directory's folder of offline session zips
MANIFEST = "sessions.json"  # the folder's index: one row per task

logger = logging.getLogger(__name__)


@dataclass
class OfflineSession:
    """One task's offline session read back from its zip."""

    zip_path: Path
    task: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    logs: list[dict[str, Any]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.task["id"]

    @property
    def name(self) -> str:
        return self.task.get("name", "")

    @property
    def parent(self) -> str | None:
        return self.task.get("parent")

    @property
    def tags(self) -> list[str]:
        return list(self.task.get("tags") or [])

    @property
    def project(self) -> str:
        return self.task.get("project_name", "")

    def sections(self) -> dict[str, dict[str, str]]:
        """Hyperparameter sections -> {name: value} (``properties`` are the user properties)."""
        return {sec: {k: v.get("value") for k, v in items.items()}
                for sec, items in (self.task.get("hyperparams") or {}).items()}

    def configuration(self, name: str = "config") -> str | None:
        return ((self.task.get("configuration") or {}).get(name) or {}).get("value")

    def artifacts(self) -> list[str]:
        return [a["key"] for a in (self.task.get("execution") or {}).get("artifacts") or []]

    def scalars(self) -> dict[tuple[str, str], float]:
        """(title, series) -> last value, single values under ("Summary", name)."""
        return {(e["metric"], e["variant"]): e["value"] for e in self.events if e.get("type") == "training_stats_scalar"}

    def plots(self) -> list[tuple[str, str]]:
        """(title, series) of every plot and table."""
        return [(e["metric"], e["variant"]) for e in self.events if e.get("type") == "plot"]

    def media(self) -> list[tuple[str, str]]:
        """(title, series) of every debug sample (markdown reports)."""
        return [(e["metric"], e["variant"]) for e in self.events if e.get("type") == "training_debug_image"]


def read_session(zip_path: Path | str) -> OfflineSession:
    """Read task.json, metrics.jsonl and log.jsonl of one offline session zip."""
    zip_path = Path(zip_path)
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        task = json.loads(archive.read("task.json"))
        events: list[dict[str, Any]] = []
        logs: list[dict[str, Any]] = []
        for member, sink in (("metrics.jsonl", events), ("log.jsonl", logs)):
            if member in names:
                for line in archive.read(member).decode("utf-8").splitlines():
                    if line.strip():
                        batch = json.loads(line)
                        sink.extend(batch if isinstance(batch, list) else [batch])
    return OfflineSession(zip_path=zip_path, task=task, events=events, logs=logs, files=names)


def session_shortfall(zip_path: Path | str, reported: Any) -> dict[str, str]:
    """What a session zip lacks of what was reported (``Reported``): {} when it holds everything.

    Counts scalar events, plots (figures and tables), debug media, artifacts (by name) and output models.
    """
    try:
        session = read_session(zip_path)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        return {"zip": f"unreadable ({type(exc).__name__})"}
    held = {
        "scalars": sum(1 for e in session.events if e.get("type") == "training_stats_scalar"),
        "plots": len(session.plots()),
        "media": len(session.media()),
        "output_models": len(session.task.get("offline_output_models") or []),
    }
    missing = {kind: f"{held[kind]} of {getattr(reported, kind)}"
               for kind in held if held[kind] < getattr(reported, kind)}
    lost = sorted(set(reported.artifacts) - set(session.artifacts()))
    if lost:
        missing["artifacts"] = "without " + ", ".join(lost)
    return missing


def zip_session_folder(folder: Path, archive: Path) -> None:
    """(Re)build a session zip from its folder, written aside and renamed (never half a zip)."""
    partial = archive.with_name(archive.name + ".partial")
    with zipfile.ZipFile(partial, "w", allowZip64=True, compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, arcname=path.relative_to(folder).as_posix())
    partial.replace(archive)


def run_dirs(runs_root: Path, run_id: str) -> list[Path]:
    """Every phase directory of ``run_id`` under ``runs_root`` (``<process>/<date>/<time>_<exp>``)."""
    found = []
    for meta_path in sorted(Path(runs_root).glob("*/*/*/meta.json")):
        try:
            meta = json.loads(meta_path.read_text())
        except (OSError, ValueError):
            continue
        if meta.get("run_id") == run_id:
            found.append(meta_path.parent)
    return found


def run_sessions(runs_root: Path, run_id: str) -> list[tuple[dict[str, Any], Path]]:
    """Manifest rows and their zip paths of a run, phase tasks before their children."""
    rows = []
    for run_dir in run_dirs(runs_root, run_id):
        manifest = run_dir / SESSIONS_DIR / MANIFEST
        if not manifest.is_file():
            continue
        for row in json.loads(manifest.read_text()).get("tasks", []):
            if row.get("zip"):
                rows.append((row, run_dir / SESSIONS_DIR / row["zip"]))
    rows.sort(key=lambda item: (item[0].get("kind") != "phase",))
    return rows


def _prepare(zip_path: Path, workdir: Path, new_parent: str | None) -> Path:
    """Unzip a session and point its parent and output-model files at what exists now."""
    folder = workdir / zip_path.stem
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(folder)
    task_file = folder / "task.json"
    data = json.loads(task_file.read_text())
    if new_parent:
        data["parent"] = new_parent
    else:
        data.pop("parent", None)
    for model in data.get("offline_output_models") or []:
        weights = model.get("weights") or {}
        if weights.get("weights_filename"):
            weights["weights_filename"] = str(folder / "models" / Path(weights["weights_filename"]).name)
    task_file.write_text(json.dumps(data))
    return folder


def upload_run(runs_root: Path, run_id: str, project_path: Path | str = ".", env: str | None = None) -> dict[str, str]:
    """Import every offline session of ``run_id`` into the configured server (``env``: the Kedro config
    environment whose credentials name it); old id -> new id.

    Phase tasks go first; each child's parent is remapped to its phase task's new id. Tasks that
    failed offline are marked failed on the server, interrupted ones stopped with their reason.
    """
    from automl_kedro.tracking.settings import require_server, server_settings

    server = server_settings(project_path, env=env)
    require_server(server, "Uploading a run", env)
    sessions = run_sessions(Path(runs_root), run_id)
    if not sessions:
        raise AutoMLInputError(
            f"No offline ClearML sessions for run {run_id!r} under {runs_root}: was it run with "
            f"ClearML mode offline (conf/<env>/clearml.yml)? (look for <run_dir>/clearml/sessions.json)"
        )
    from automl_kedro.tracking.sdk import load_clearml

    clearml = load_clearml(offline=False, server=server)
    mapping: dict[str, str] = {}
    workdir = Path(tempfile.mkdtemp(prefix="automl-clearml-upload-"))
    try:
        for row, zip_path in sessions:
            parent = row.get("parent")
            if parent and parent not in mapping:
                raise AutoMLInputError(f"Session {row['id']} has parent {parent}, which was not uploaded first.")
            folder = _prepare(zip_path, workdir, mapping.get(parent) if parent else None)
            new_id = clearml.Task.import_offline_session(str(folder))
            mapping[row["id"]] = new_id
            if row.get("status") == "failed":
                clearml.Task.get_task(task_id=new_id).mark_failed(
                    status_reason=(row.get("error") or "failed")[:250], force=True)
            elif row.get("status") == "interrupted":
                clearml.Task.get_task(task_id=new_id).mark_stopped(
                    force=True, status_message=(row.get("error") or "interrupted")[:250])
            if row.get("incomplete"):
                logger.warning("%s: uploaded an incomplete session (%s)", row["name"], row.get("warning"))
            logger.info("uploaded %s -> %s", row["name"], new_id)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return mapping
