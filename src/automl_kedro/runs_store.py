"""The runs on disk as a store: finding, listing and reading runs, and the champions' state.

One module answers "which run?" for everybody: the run context (upstream lookup of a phase),
the champion lifecycle (``champion.py``), the CLI (``runs list``, ``runs clean``) and the
monitor phase. It imports nothing of the project but ``errors``, so nothing can cycle through it.

Layout (artifact contract): ``<runs_root>/<process>/<YYYY-MM-DD>/<HHMMSS>_<experiment>/`` with a
``meta.json``; champions live in ``<runs_root>/champion/champions.json`` (one entry per model
line: a dataset key and a target), promotion tests in ``<runs_root>/champion/promotion_tests/``.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from automl_kedro.errors import AutoMLInputError
from automl_kedro.phases import PHASES

# Files of other phases that the store reads outside a Kedro run (the catalog names them for runs).
SCHEMA_FILE = "dataset/schema.json"
DATA_FILE = "dataset/data.parquet"
DATASET_INFO_FILE = "dataset/dataset_info.json"
MODEL_FILE = "model/model.ckpt"
RECOMMENDATION_FILE = "recommendation.json"
METRICS_FILE = "metrics.json"

# A run directory sits this many folders below the runs root: <process>/<date>/<time>_<experiment>.
RUN_DIR_DEPTH = 3

CHAMPION_DIR = "champion"
CHAMPIONS_FILE = "champions.json"
PROMOTION_TESTS_DIR = "promotion_tests"
MONITORING_DIR = "monitoring"
# Folders under the runs root that are not phases (``runs clean`` and listings skip them).


# -- reading and listing runs ------------------------------------------------------
def read_meta(run_dir: Path) -> dict[str, Any] | None:
    try:
        return json.loads((Path(run_dir) / "meta.json").read_text())
    except (OSError, ValueError):
        return None


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None


def phases_on_disk(runs_root: Path) -> list[str]:
    """Process folders under the runs root (those holding run directories): the phases of the phases
    table that have run; other folders (champion/, monitoring/, _static/) are not phases."""
    return sorted(name for name in PHASES if (runs_root / name).is_dir())


def list_runs(runs_root: Path, process: str) -> list[tuple[Path, dict[str, Any]]]:
    """Every run directory of a process that has a meta.json, oldest first."""
    found = []
    for meta_path in sorted((runs_root / process).glob("*/*/meta.json")):
        meta = read_meta(meta_path.parent)
        if meta is not None:
            found.append((meta_path.parent, meta))
    found.sort(key=lambda item: (item[1].get("created_at") or "", str(item[0])))
    return found


def complete_runs(runs_root: Path, process: str) -> list[tuple[Path, dict[str, Any]]]:
    return [(d, m) for d, m in list_runs(runs_root, process) if m.get("status") == "complete"]


def latest_run(runs_root: Path, process: str) -> Path:
    """The newest complete run of ``process``."""
    return find_run(runs_root, process, "latest")


def find_run(runs_root: Path, process: str, selector: str = "latest") -> Path:
    """The run directory of ``process`` named by ``selector`` (a run id, a path, or 'latest')."""
    if selector not in ("", "latest"):
        as_path = Path(selector)
        if as_path.is_dir() and read_meta(as_path):
            return as_path
    complete = complete_runs(runs_root, process)
    if selector in ("", "latest"):
        if not complete:
            raise AutoMLInputError(
                f"No complete '{process}' run found under {runs_root / process}. "
                f"Run `kedro run --pipeline={process if process != 'build_dataset' else 'train'}` first, "
                f"or name one with --params \"upstream.{process}=<run_id>\"."
            )
        return complete[-1][0]
    matches = [d for d, m in complete if m.get("run_id") == selector]
    if not matches:
        known = ", ".join(m.get("run_id", "?") for _, m in complete[-5:]) or "none"
        raise AutoMLInputError(
            f"No complete '{process}' run with run_id {selector!r} under {runs_root / process}. "
            f"Recent ones: {known}."
        )
    return matches[-1]


def latest_reading(runs_root: Path, process: str, read: list[Path]) -> Path | None:
    """The newest complete run of ``process`` that read one of the directories ``read``
    (e.g. the evaluate run of a chosen train run)."""
    wanted = {Path(p).resolve() for p in read}
    for run_dir, meta in reversed(complete_runs(runs_root, process)):
        if any(Path(i.get("path", "")).resolve() in wanted for i in meta.get("upstream_artifacts") or []):
            return run_dir
    return None


def upstream_dir(meta: dict[str, Any], process: str) -> Path | None:
    """The directory of ``process`` that a run read (from its meta.json ``upstream_artifacts``)."""
    for item in meta.get("upstream_artifacts") or []:
        if item.get("process") == process and item.get("path"):
            return Path(item["path"])
    return None


def run_dirs_by_id(runs_root: Path) -> dict[str, list[tuple[str, Path, dict[str, Any]]]]:
    """run_id -> [(process, run_dir, meta)] over every phase on disk."""
    out: dict[str, list[tuple[str, Path, dict[str, Any]]]] = {}
    for process in phases_on_disk(runs_root):
        for run_dir, meta in list_runs(runs_root, process):
            out.setdefault(str(meta.get("run_id")), []).append((process, run_dir, meta))
    return out


# -- what a train run is ------------------------------------------------------------
def train_identity(runs_root: Path, run_id: str) -> dict[str, Any]:
    """A complete train run's model line and what a promotion needs to know of it.

    ``dataset_key``, ``target``, ``problem_type``, ``feature_columns``, ``featureset_name``,
    ``primary_metric``, the train directory, its build_dataset directory and the model file.
    """
    train_dir = find_run(runs_root, "train", run_id)
    meta = read_meta(train_dir) or {}
    build_dir = upstream_dir(meta, "build_dataset")
    schema = read_json(build_dir / SCHEMA_FILE) if build_dir else None
    if not schema:
        raise AutoMLInputError(
            f"Train run {run_id} does not say which data it was trained on (no build_dataset schema "
            f"found from {train_dir / 'meta.json'}); it cannot join a model line."
        )
    model = train_dir / MODEL_FILE
    if not model.is_file():
        raise AutoMLInputError(f"Train run {run_id} has no {MODEL_FILE}; it cannot be promoted.")
    recommendation = read_json(train_dir / RECOMMENDATION_FILE) or {}
    return {
        "run_id": meta.get("run_id", run_id),
        "dataset_key": meta.get("dataset_key"),
        "dataset_hash": meta.get("dataset_hash"),
        "target": schema["target"],
        "problem_type": schema["problem_type"],
        "feature_columns": list(schema["feature_columns"]),
        "classes": schema.get("classes"),
        "featureset_name": meta.get("featureset_name"),
        "model_name": meta.get("model_name"),
        "primary_metric": recommendation.get("primary_metric"),
        "train_dir": str(train_dir.resolve()),
        "build_dir": str(build_dir),
        "model_path": str(model.resolve()),
        "size_bytes": model.stat().st_size,
    }


# -- champions ----------------------------------------------------------------------
def line_key(dataset_key: str, target: str) -> str:
    """The name of a model line: the data set's key and the target column."""
    return f"{dataset_key}:{target}"


def champion_dir(runs_root: Path) -> Path:
    return runs_root / CHAMPION_DIR


def read_champions(runs_root: Path) -> dict[str, Any]:
    """``{"lines": {line_key: {dataset_key, target, problem_type, feature_columns, current,
    history: [...]}}}`` (empty when nothing was ever promoted)."""
    return read_json(champion_dir(runs_root) / CHAMPIONS_FILE) or {"lines": {}}


def write_champions(runs_root: Path, state: dict[str, Any]) -> None:
    path = champion_dir(runs_root) / CHAMPIONS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(state, indent=2, default=str))
    tmp.replace(path)


def resolve_champion(runs_root: Path, dataset_key: str | None, target: str | None = None) -> str:
    """The train run id of the champion of the line (``dataset_key``, ``target``).

    Without a target, the data set's only line is used; several lines need the target named.
    Without a data set either (the notebook API, ``automl-kedro predict --run champion``), the only
    line with a champion is used.
    """
    lines = read_champions(runs_root)["lines"]
    candidates = {k: v for k, v in lines.items()
                  if v.get("current") and (dataset_key is None or v.get("dataset_key") == dataset_key)}
    if target:
        candidates = {k: v for k, v in candidates.items() if v.get("target") == target}
    if not candidates:
        which = (f"data set {dataset_key!r}" if dataset_key else "any data set") + (
            f" and target {target!r}" if target else "")
        known = ", ".join(k for k, v in lines.items() if v.get("current")) or "none"
        raise AutoMLInputError(
            f"No champion model yet for {which} (lines with a champion: {known}). "
            "Promote a train run first: `automl-kedro champion promote <run_id>`, "
            "or name a run with predict.source_run=<run_id>."
        )
    if len(candidates) > 1:
        raise AutoMLInputError(
            f"{'Data set ' + repr(dataset_key) if dataset_key else 'There'} has champions for several lines "
            f"({', '.join(candidates)}); name the data set and target (data.path / data.target) "
            "or a train run id."
        )
    return next(iter(candidates.values()))["current"]["run_id"]


def protected_run_ids(runs_root: Path) -> set[str]:
    """Run ids that housekeeping must keep: every champion, past and present (rolled back ones
    included), of every line."""
    keep: set[str] = set()
    for line in read_champions(runs_root)["lines"].values():
        for entry in [line.get("current") or {}, *(line.get("history") or [])]:
            if entry.get("run_id"):
                keep.add(entry["run_id"])
        for event in line.get("events") or []:
            keep.update(v for v in (event.get("run_id"), event.get("from")) if v)
    return keep


def champion_mark(runs_root: Path) -> dict[str, str]:
    """run_id -> 'champion' or 'former champion' (for listings)."""
    marks: dict[str, str] = {}
    for run_id in protected_run_ids(runs_root):
        marks[run_id] = "former champion"
    for line in read_champions(runs_root)["lines"].values():
        if line.get("current"):
            marks[line["current"]["run_id"]] = "champion"
    return marks
