"""The champion lifecycle: one champion per model line, promoted through a test, rolled back.

A model line is a data set key and a target (``penguins:species``); it also fixes the problem
type and the feature columns. ``promote`` makes a complete train run the line's champion: the
first champion of a line needs no test; any later one must win a promotion test against the
current champion (both models scored on the same labelled rows, paired bootstrap, gates from
:class:`automl_kedro.ml.promotion.Gates`). The test is written to
``runs/champion/promotion_tests/<challenger>_vs_<champion>.json`` whatever the verdict; ``force``
overrides failed gates and is recorded. ``rollback`` walks back the line's history one step per
call (seed 004: champion_current / champion_previous, promotion_tests/).

Reading the state (which run is the champion of a line) lives in :mod:`automl_kedro.runs_store`.
"""
from __future__ import annotations

import json
import pickle
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from automl_kedro import runs_store
from automl_kedro.errors import AutoMLInputError
from automl_kedro.ml.metrics import default_primary_metric, get_metric
from automl_kedro.ml.promotion import Gates, check_gates, failed_gates_message, paired_bootstrap, score_model

CHAMPION_TAG = "champion"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _entry(identity: dict[str, Any], **extra: Any) -> dict[str, Any]:
    keep = ("run_id", "model_name", "featureset_name", "dataset_hash", "train_dir", "size_bytes")
    return {**{k: identity.get(k) for k in keep}, "promoted_at": _now(), **extra}


def _incompatibilities(identity: dict[str, Any], line: dict[str, Any]) -> list[str]:
    problems = []
    if identity["target"] != line["target"]:
        problems.append(f"target {identity['target']!r} differs from the line's {line['target']!r}")
    if identity["problem_type"] != line["problem_type"]:
        problems.append(f"problem type {identity['problem_type']} differs from the line's {line['problem_type']}")
    ours, theirs = set(identity["feature_columns"]), set(line["feature_columns"])
    if ours != theirs:
        extra, lacking = sorted(ours - theirs), sorted(theirs - ours)
        detail = ", ".join(p for p in (f"extra {extra}" if extra else "", f"lacking {lacking}" if lacking else "") if p)
        problems.append(f"feature columns differ ({detail})")
    return problems


def _load_model(path: str):
    with open(path, "rb") as handle:
        return pickle.load(handle)  # noqa: S301 - our own train run's model


def evaluation_rows(challenger: dict[str, Any], champion: dict[str, Any], eval_data: str | None) -> tuple[pd.DataFrame, str]:
    """The labelled rows both models are scored on: ``eval_data`` or the challenger's test split."""
    target = challenger["target"]
    features = list(dict.fromkeys([*challenger["feature_columns"], *champion["feature_columns"]]))
    if eval_data:
        from automl_kedro.data.io import read_table

        rows, _ = read_table(eval_data)
        source = str(eval_data)
    else:
        data = Path(challenger["build_dir"]) / runs_store.DATA_FILE
        if not data.is_file():
            raise AutoMLInputError(f"Train run {challenger['run_id']} has no test rows at {data}; "
                                   "give labelled rows with --eval-data file.csv.")
        rows = pd.read_parquet(data)
        rows = rows[rows["split"] == "test"]
        source = f"test split of {challenger['run_id']}"
    lacking = [c for c in [target, *features] if c not in rows.columns]
    if lacking:
        raise AutoMLInputError(f"The evaluation rows ({source}) lack {', '.join(lacking)}; "
                               "give a file with the target and every feature column (--eval-data).")
    rows = rows[rows[target].notna()].reset_index(drop=True)
    if len(rows) < 5:
        raise AutoMLInputError(f"The evaluation rows ({source}) hold {len(rows)} labelled row(s); at least 5 are needed.")
    return rows, source


def promotion_test(challenger: dict[str, Any], champion: dict[str, Any], rows: pd.DataFrame, source: str,
                   gates: Gates) -> dict[str, Any]:
    """Score both models on ``rows``, bootstrap the primary metric, check the gates."""
    task = challenger["problem_type"]
    metric = get_metric(challenger.get("primary_metric") or default_primary_metric(task))
    classes = challenger.get("classes")
    y = rows[challenger["target"]]
    y = y.astype(float).to_numpy() if task == "regression" else y.astype(str).to_numpy(dtype=object)
    ours = score_model(_load_model(challenger["model_path"]), rows[challenger["feature_columns"]], task, classes,
                       challenger["size_bytes"])
    theirs = score_model(_load_model(champion["model_path"]), rows[champion["feature_columns"]], task, classes,
                         champion["size_bytes"])
    if metric.needs_proba and (ours.proba is None or theirs.proba is None):
        metric = get_metric(default_primary_metric("multiclass"))  # accuracy needs labels only
    test = paired_bootstrap(metric, y, ours, theirs, classes, gates.n_bootstrap, gates.confidence, gates.seed)
    checked = check_gates(test, ours, theirs, gates)
    return {
        "challenger": challenger["run_id"],
        "champion": champion["run_id"],
        "line": runs_store.line_key(challenger["dataset_key"], challenger["target"]),
        "eval_source": source,
        **test,
        "challenger_predict_seconds_per_1000_rows": ours.predict_seconds,
        "champion_predict_seconds_per_1000_rows": theirs.predict_seconds,
        "challenger_size_bytes": ours.size_bytes,
        "champion_size_bytes": theirs.size_bytes,
        "gates": checked,
        "settings": gates.as_dict(),
        "passed": all(g["passed"] for g in checked.values()),
    }


def _write_test(runs_root: Path, test: dict[str, Any]) -> Path:
    folder = runs_store.champion_dir(runs_root) / runs_store.PROMOTION_TESTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{test['challenger']}_vs_{test['champion']}.json"
    path.write_text(json.dumps(test, indent=2, default=str))
    return path


def promote(runs_root: Path, run_id: str, *, eval_data: str | None = None, gates: Gates | None = None,
            force: bool = False, note: str = "") -> dict[str, Any]:
    """Make train run ``run_id`` the champion of its line (see the module docstring).

    Returns ``{"line", "state", "test", "test_path"}``; raises AutoMLInputError when refused
    (the promotion test JSON is written first).
    """
    gates = gates or Gates()
    challenger = runs_store.train_identity(runs_root, run_id)
    key = runs_store.line_key(challenger["dataset_key"], challenger["target"])
    champions = runs_store.read_champions(runs_root)
    line = champions["lines"].get(key)
    test, test_path = None, None
    if line and line.get("current", {}).get("run_id") == challenger["run_id"]:
        return {"line": key, "state": line, "test": None, "test_path": None}
    if line and line.get("current"):
        problems = _incompatibilities(challenger, line)
        hard = [p for p in problems if not p.startswith("feature columns")]
        if hard or (problems and not force):
            raise AutoMLInputError(
                f"Run {run_id} is incompatible with the champion line {key}: {'; '.join(problems)}. "
                + ("" if hard else "Use --force to promote it anyway.")
            )
        champion = runs_store.train_identity(runs_root, line["current"]["run_id"])
        rows, source = evaluation_rows(challenger, champion, eval_data)
        test = promotion_test(challenger, champion, rows, source, gates)
        test.update(forced=bool(force and not test["passed"]), incompatibilities=problems, tested_at=_now())
        test["verdict"] = "promoted" if test["passed"] or force else "refused"
        test_path = _write_test(runs_root, test)
        if not test["passed"] and not force:
            raise AutoMLInputError(
                f"Run {run_id} was not promoted over {champion['run_id']} (line {key}): "
                f"{failed_gates_message(test['gates'])}. Test written to {test_path}; "
                "use --force to promote it anyway (recorded)."
            )
    if line is None or not line.get("current"):
        line = {
            "dataset_key": challenger["dataset_key"], "target": challenger["target"],
            "problem_type": challenger["problem_type"], "feature_columns": challenger["feature_columns"],
            "current": None, "history": [], "events": [],
        }
    entry = _entry(challenger, note=note, forced=bool(test and test["forced"]),
                   promotion_test=str(test_path) if test_path else None,
                   clearml=clearml_mark(Path(challenger["train_dir"]), key))
    if line["current"]:
        line["history"].append(line["current"])
    line["current"] = entry
    line["events"].append({"action": "promote", "run_id": entry["run_id"], "at": entry["promoted_at"],
                           "forced": entry["forced"], "test": entry["promotion_test"], "note": note})
    champions["lines"][key] = line
    runs_store.write_champions(runs_root, champions)
    return {"line": key, "state": line, "test": test, "test_path": test_path}


def _pick_line(runs_root: Path, line: str | None) -> tuple[dict[str, Any], str]:
    champions = runs_store.read_champions(runs_root)
    lines = champions["lines"]
    if line is None:
        if len(lines) != 1:
            raise AutoMLInputError(
                "Name the model line with --line (" + (", ".join(lines) or "no line has a champion yet") + ")."
            )
        line = next(iter(lines))
    if line not in lines:
        raise AutoMLInputError(f"No champion line {line!r}; known: {', '.join(lines) or 'none'}.")
    return champions, line


def rollback(runs_root: Path, line: str | None = None) -> dict[str, Any]:
    """The line's previous champion becomes current again; the rolled-back one leaves the line.

    Repeated calls walk further back through the history.
    """
    champions, key = _pick_line(runs_root, line)
    state = champions["lines"][key]
    if not state.get("history"):
        raise AutoMLInputError(f"Line {key} has no previous champion to roll back to.")
    retired = state["current"]
    state["current"] = state["history"].pop()
    state["events"].append({"action": "rollback", "run_id": state["current"]["run_id"],
                            "from": retired["run_id"], "at": _now()})
    runs_store.write_champions(runs_root, champions)
    return {"line": key, "state": state}


def champion_lines(runs_root: Path) -> list[dict[str, Any]]:
    """Every line with its current and previous champion (for ``champion show``)."""
    out = []
    for key, state in runs_store.read_champions(runs_root)["lines"].items():
        history = state.get("history") or []
        out.append({"line": key, "current": state.get("current"), "previous": history[-1] if history else None,
                    "depth": len(history), "problem_type": state.get("problem_type")})
    return out


def clearml_mark(train_dir: Path, line: str) -> dict[str, Any]:
    """Tag the train task (and its output model) as the line's champion when it lives on a server.

    Offline sessions are closed zips the SDK cannot edit: the mark is only recorded here, to be
    applied after ``automl-kedro clearml upload`` by promoting again with a tracker online.
    """
    tags = [CHAMPION_TAG, f"champion:{line}"]
    manifest = runs_store.read_json(train_dir / "clearml" / "sessions.json")
    if not manifest:
        return {"tags": tags, "applied": False, "why": "the train run has no ClearML task (tracking disabled)"}
    task_ids = [t["id"] for t in manifest.get("tasks", []) if t.get("kind") == "phase" and t.get("id")]
    if manifest.get("mode") != "online":
        return {"tags": tags, "applied": False, "task_ids": task_ids,
                "why": "offline session: tags cannot be added to a closed offline task; recorded only"}
    from automl_kedro.tracking.champion_tags import tag_champion

    try:
        tag_champion(task_ids, tags)
    except Exception as exc:  # noqa: BLE001 - the promotion stands even if the server is away
        return {"tags": tags, "applied": False, "task_ids": task_ids, "why": f"{type(exc).__name__}: {exc}"}
    return {"tags": tags, "applied": True, "task_ids": task_ids}
