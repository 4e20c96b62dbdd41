"""Housekeeping over the runs store: the run index, the cross-run leaderboard, cleaning.

``run_index`` has one row per run id (dataset, target, status, test score, champion mark);
``runs_leaderboard`` the test scores of complete evaluate runs, sorted by each problem's primary
metric; ``plan_clean`` / ``apply_clean`` remove old runs but never a champion, a former champion
or any run directory they read, and remove ephemeral files (Optuna scratch, temp files).
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from automl_kedro import runs_store
from automl_kedro.ml.metrics import METRICS

# Files and folders inside run directories that are scratch once the run is finished.
EPHEMERAL_DIRS = ("optuna",)
EPHEMERAL_GLOBS = ("*.tmp", "**/*.tmp")


def _target_of(runs_root: Path, parts: list[tuple[str, Path, dict[str, Any]]]) -> str | None:
    for process, run_dir, meta in parts:
        build = run_dir if process == "build_dataset" else runs_store.upstream_dir(meta, "build_dataset")
        schema = runs_store.read_json(build / runs_store.SCHEMA_FILE) if build else None
        if schema:
            return schema.get("target")
    return None


def _status(parts: list[tuple[str, Path, dict[str, Any]]]) -> str:
    """'complete', or each other status with its phases, e.g. 'failed: train; running: report'."""
    by_status: dict[str, list[str]] = {}
    for process, _, meta in parts:
        by_status.setdefault(str(meta.get("status") or "running"), []).append(process)
    others = {k: v for k, v in by_status.items() if k != "complete"}
    return "; ".join(f"{k}: {', '.join(v)}" for k, v in others.items()) if others else "complete"


def _test_score(parts: list[tuple[str, Path, dict[str, Any]]]) -> tuple[str | None, float | None]:
    for process, run_dir, _ in parts:
        if process == "evaluate":
            metrics = runs_store.read_json(run_dir / runs_store.METRICS_FILE) or {}
            name = metrics.get("primary_metric")
            if name and isinstance(metrics.get(name), (int, float)):
                return name, float(metrics[name])
    return None, None


def run_index(runs_root: Path) -> pd.DataFrame:
    """One row per run id, newest first."""
    marks = runs_store.champion_mark(runs_root)
    rows = []
    for run_id, parts in runs_store.run_dirs_by_id(runs_root).items():
        metric, score = _test_score(parts)
        rows.append({
            "run_id": run_id,
            "created_at": min(m.get("created_at") or "" for _, _, m in parts),
            "dataset_key": next((m.get("dataset_key") for _, _, m in parts if m.get("dataset_key")), None),
            "target": _target_of(runs_root, parts),
            "phases": ",".join(p for p, _, _ in parts),
            "status": _status(parts),
            "test_metric": metric,
            "test_score": score,
            "champion": marks.get(run_id, ""),
        })
    columns = ["run_id", "created_at", "dataset_key", "target", "phases", "status", "test_metric", "test_score", "champion"]
    return pd.DataFrame(rows, columns=columns).sort_values("created_at", ascending=False, ignore_index=True)


def runs_leaderboard(runs_root: Path, dataset_key: str | None = None, target: str | None = None) -> pd.DataFrame:
    """Complete evaluate runs with their test metrics, best first by each problem's primary metric.

    Columns that are empty for every listed run are dropped.
    """
    rows = []
    for run_dir, meta in runs_store.complete_runs(runs_root, "evaluate"):
        metrics = runs_store.read_json(run_dir / runs_store.METRICS_FILE)
        if metrics is None:
            continue
        parts = [("evaluate", run_dir, meta)]
        train = runs_store.upstream_dir(meta, "train")
        train_meta = runs_store.read_meta(train) if train else None
        if train_meta:
            parts.append(("train", train, train_meta))
        rows.append({
            "run_id": meta["run_id"],
            "created_at": meta.get("created_at"),
            "dataset_key": meta.get("dataset_key"),
            "target": _target_of(runs_root, parts),
            "model_name": meta.get("model_name"),
            "train_run_id": (train_meta or {}).get("run_id"),
            "primary_metric": metrics.get("primary_metric"),
            **{k: v for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool)},
        })
    board = pd.DataFrame(rows)
    if board.empty:
        return board
    if dataset_key:
        board = board[board["dataset_key"] == dataset_key]
    if target:
        board = board[board["target"] == target]
    if board.empty:
        return board.reset_index(drop=True)

    def ranking(row: pd.Series) -> float:
        name = row.get("primary_metric")
        if not name or name not in row or pd.isna(row[name]):
            return float("-inf")
        return METRICS.get(name).sign() * float(row[name])

    board = board.assign(_rank=board.apply(ranking, axis=1))
    board = board.sort_values(["dataset_key", "target", "_rank"], ascending=[True, True, False])
    return board.drop(columns="_rank").dropna(axis=1, how="all").reset_index(drop=True)


@dataclass
class CleanPlan:
    """What ``runs clean`` removes and keeps (run directories and ephemeral files)."""

    delete_dirs: list[Path] = field(default_factory=list)
    delete_files: list[Path] = field(default_factory=list)
    kept_run_ids: list[str] = field(default_factory=list)
    protected_run_ids: list[str] = field(default_factory=list)


def _dirs_read_by(run_dirs: list[Path]) -> set[Path]:
    """``run_dirs`` and every directory they read, following upstream_artifacts transitively."""
    seen: set[Path] = set()
    todo = [Path(d).resolve() for d in run_dirs]
    while todo:
        d = todo.pop()
        if d in seen:
            continue
        seen.add(d)
        for item in (runs_store.read_meta(d) or {}).get("upstream_artifacts") or []:
            if item.get("path"):
                todo.append(Path(item["path"]).resolve())
    return seen


def plan_clean(runs_root: Path, keep: int, older_than_days: float | None = None,
               now: datetime | None = None) -> CleanPlan:
    """Keep the ``keep`` newest run ids (and runs newer than ``older_than_days``), every champion
    and former champion, and every directory those read; list the rest and ephemeral files."""
    now = now or datetime.now(timezone.utc)
    by_id = runs_store.run_dirs_by_id(runs_root)
    ordered = sorted(by_id, key=lambda rid: min(m.get("created_at") or "" for _, _, m in by_id[rid]), reverse=True)
    kept = set(ordered[:max(keep, 0)])
    if older_than_days is not None:
        cutoff = now - timedelta(days=older_than_days)
        for rid in ordered:
            created = min(m.get("created_at") or "" for _, _, m in by_id[rid])
            try:
                if datetime.fromisoformat(created) > cutoff:
                    kept.add(rid)
            except ValueError:
                kept.add(rid)  # no readable date: never guess
    protected = runs_store.protected_run_ids(runs_root) & set(by_id)
    kept |= protected
    keep_dirs = _dirs_read_by([d for rid in kept for _, d, _ in by_id[rid]])
    plan = CleanPlan(kept_run_ids=sorted(kept), protected_run_ids=sorted(protected))
    for rid in ordered:
        for _, run_dir, _ in by_id[rid]:
            if run_dir.resolve() not in keep_dirs:
                plan.delete_dirs.append(run_dir)
    for d in sorted(keep_dirs):
        if not d.is_dir():
            continue
        plan.delete_dirs += [d / name for name in EPHEMERAL_DIRS if (d / name).is_dir()]
        for pattern in EPHEMERAL_GLOBS:
            plan.delete_files += [f for f in d.glob(pattern) if f.is_file() and f not in plan.delete_files]
    return plan


def apply_clean(plan: CleanPlan) -> None:
    for path in plan.delete_dirs:
        shutil.rmtree(path, ignore_errors=True)
        if path.parent.is_dir() and not any(path.parent.iterdir()):
            path.parent.rmdir()  # an emptied date folder
    for path in plan.delete_files:
        path.unlink(missing_ok=True)
