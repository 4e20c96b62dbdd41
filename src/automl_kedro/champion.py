"""Across runs: a leaderboard of finished runs, and the champion model with rollback.

The champion is a pointer, not a copy: ``runs/champion.json`` names the train run whose
model predict uses with ``predict.source_run=champion``; promoting keeps the previous
champion so that ``rollback`` restores it in one step (seed 004: champion_current /
champion_previous).
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from automl_kedro.errors import AutoMLInputError
from automl_kedro.run_context import find_run, list_runs, read_meta

CHAMPION_FILE = "champion.json"


def runs_leaderboard(runs_root: Path) -> pd.DataFrame:
    """One row per complete evaluate run: its test metrics and the train run it scored."""
    rows = []
    for run_dir, meta in list_runs(runs_root, "evaluate"):
        if meta.get("status") != "complete":
            continue
        try:
            metrics = json.loads((run_dir / "metrics.json").read_text())
        except (OSError, ValueError):
            continue
        train = next((u for u in meta.get("upstream_artifacts", []) if u.get("process") == "train"), {})
        rows.append(
            {
                "run_id": meta["run_id"],
                "created_at": meta.get("created_at"),
                "dataset_key": meta.get("dataset_key"),
                "dataset_hash": (meta.get("dataset_hash") or "")[:12],
                "model_name": meta.get("model_name"),
                "train_run_id": train.get("run_id"),
                **{k: v for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool)},
            }
        )
    return pd.DataFrame(rows)


def _state_path(runs_root: Path) -> Path:
    return runs_root / CHAMPION_FILE


def champion_state(runs_root: Path) -> dict[str, Any]:
    path = _state_path(runs_root)
    if not path.exists():
        return {"current": None, "previous": None, "history": []}
    return json.loads(path.read_text())


def _write_state(runs_root: Path, state: dict[str, Any]) -> None:
    path = _state_path(runs_root)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2))
    tmp.replace(path)


def promote(runs_root: Path, train_run_id: str, note: str = "") -> dict[str, Any]:
    """Make a complete train run the champion; the former champion becomes ``previous``."""
    run_dir = find_run(runs_root, "train", train_run_id)
    if not (run_dir / "model" / "model.ckpt").is_file():
        raise AutoMLInputError(f"Train run {train_run_id} has no model/model.ckpt; it cannot be promoted.")
    meta = read_meta(run_dir) or {}
    state = champion_state(runs_root)
    if state["current"] and state["current"]["run_id"] == train_run_id:
        return state
    entry = {
        "run_id": train_run_id,
        "path": str(run_dir),
        "model_name": meta.get("model_name"),
        "dataset_hash": meta.get("dataset_hash"),
        "promoted_at": datetime.now(timezone.utc).isoformat(),
        "note": note,
    }
    state = {"current": entry, "previous": state["current"], "history": [*state["history"], {"action": "promote", **entry}]}
    _write_state(runs_root, state)
    return state


def rollback(runs_root: Path) -> dict[str, Any]:
    """Restore the previous champion (the current one becomes previous, so a second rollback undoes it)."""
    state = champion_state(runs_root)
    if not state["previous"]:
        raise AutoMLInputError("There is no previous champion to roll back to.")
    current, previous = state["current"], state["previous"]
    state = {
        "current": previous,
        "previous": current,
        "history": [*state["history"], {"action": "rollback", "run_id": previous["run_id"],
                                        "at": datetime.now(timezone.utc).isoformat()}],
    }
    _write_state(runs_root, state)
    return state


def champion_run_id(runs_root: Path) -> str:
    current = champion_state(runs_root)["current"]
    if not current:
        raise AutoMLInputError(
            "No champion model yet. Promote a train run first: `automl-kedro champion promote <run_id>`."
        )
    return current["run_id"]
