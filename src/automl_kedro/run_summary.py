"""The lines a person reads: a short line when a phase starts, and where the answer is at the end.

``RunSummaryHook`` prints, as the last lines of every ``kedro run`` (and of ``api.train``): the
run id, where its files are, the report's path, the recommended model with its test score, and
the next command to run.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

from kedro.framework.hooks import hook_impl

from automl_kedro.phases import PHASES
from automl_kedro.progress_bar import attach_if_terminal, detach

logger = logging.getLogger(__name__)

# The order phases are mentioned in (the train pipeline's order, then the others).
PHASE_ORDER = tuple(PHASES)


def _relative(path: Path, root: Path) -> str:
    try:
        return os.path.relpath(path, root) if Path(path).is_absolute() else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _score(value: Any) -> str:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "n/a"
    return f"{value:.4f}" if abs(value) < 1000 else f"{value:,.1f}"


def predict_command(run_id: str, input_path: str) -> str:
    return f'kedro run --pipeline=predict --params "predict.input_path={input_path},predict.source_run={run_id}"'


def summary_lines(facts: dict[str, Any]) -> list[str]:
    """The closing lines, from plain facts (see :meth:`RunSummaryHook.facts`)."""
    run_id = facts["run_id"]
    phases = facts.get("phases") or {}
    lines = ["", f"Run {run_id} finished: {', '.join(phases) or 'no phase ran'}."]
    folders = sorted({str(Path(p).parent.parent.parent) + "/*/" + "/".join(Path(p).parts[-2:]) for p in phases.values()})
    if len(folders) == 1:
        lines.append(f"  Files:       {folders[0]}")
    else:
        lines.extend(f"  {phase + ':':12} {path}" for phase, path in phases.items())
    if facts.get("report"):
        lines.append(f"  Report:      {facts['report']}")
    rec = facts.get("recommended")
    if rec:
        text = f"  Recommended: {rec['candidate_id']}"
        primary = rec.get("primary_metric")
        if facts.get("test_score") is not None:
            text += f", test {primary} {_score(facts['test_score'])}"
        if rec.get("cv_score") is not None:
            text += f" (cross-validated {_score(rec['cv_score'])})"
        lines.append(text)
    if facts.get("predictions"):
        lines.append(f"  Predictions: {facts['predictions']} ({facts.get('n_predictions', '?')} rows)")
    if facts.get("plots"):
        lines.append(f"  Plots:       {facts['plots']}")
    if facts.get("next"):
        lines.append(f"  Next:        {facts['next']}")
    return lines


class RunSummaryHook:
    """Says which phase starts, and ends every run with where its answer is."""

    def __init__(self, stream=None) -> None:
        self._stream = stream
        self._started: set[str] = set()
        self._bar = None

    @hook_impl
    def before_pipeline_run(self) -> None:
        self._started = set()
        self._bar = attach_if_terminal()  # a bar during train when the console is a terminal

    def _drop_bar(self) -> None:
        detach(self._bar)
        self._bar = None

    @hook_impl
    def on_pipeline_error(self) -> None:
        self._drop_bar()

    @hook_impl
    def before_node_run(self, node) -> None:
        namespace = getattr(node, "namespace", None)
        phase = namespace.split(".")[0] if namespace else None
        if phase and phase not in self._started:
            self._started.add(phase)
            logger.info("%s: started", phase)
            if phase != "train" and self._bar is not None:
                self._bar.close_bar()  # the bar is train's; later phases print their lines alone

    @hook_impl(trylast=True)
    def after_pipeline_run(self, run_params: dict[str, Any], catalog) -> None:
        self._drop_bar()
        try:
            facts = self.facts(catalog)
        except Exception as exc:  # noqa: BLE001 - a summary never fails a finished run
            logger.warning("could not summarise the run: %s", exc)
            return
        stream = self._stream or sys.stdout
        stream.write("\n".join(summary_lines(facts)) + "\n")
        stream.flush()

    @staticmethod
    def facts(catalog) -> dict[str, Any]:
        """What the run produced, read from the run context and the catalog's saved outputs."""
        from automl_kedro.run_context import current

        ctx = current()
        root = ctx.project_path
        ran = [p for p in PHASE_ORDER if p in ctx.active_processes and ctx.has_dir(p)]
        ran += sorted(p for p in ctx.active_processes if p not in PHASE_ORDER and ctx.has_dir(p))
        facts: dict[str, Any] = {"run_id": ctx.run_id,
                                 "phases": {p: _relative(ctx.run_dir(p), root) for p in ran}}

        def load(name: str) -> Any:
            return catalog.load(name) if name in catalog else None

        if "report" in ran:
            facts["report"] = _relative(ctx.run_dir("report") / "report.md", root)
        if "train" in ran or "evaluate" in ran:
            rec = load("recommendation") or {}
            cv_score = None
            metrics = load("train_metrics") if "train" in ran else None
            if metrics:
                cv_score = metrics.get(rec.get("primary_metric"))
            facts["recommended"] = {"candidate_id": rec.get("candidate_id"), "model_name": rec.get("model_name"),
                                    "primary_metric": rec.get("primary_metric"), "cv_score": cv_score}
        if "evaluate" in ran:
            test = load("test_metrics") or {}
            facts["test_score"] = test.get(facts["recommended"]["primary_metric"])
        if "train" in ran:
            facts["next"] = predict_command(ctx.run_id, _new_rows_path(ctx, load("dataset_schema")))
        if "predict" in ran:
            predictions = ctx.run_dir("predict") / "predictions.csv"
            facts["predictions"] = _relative(predictions, root)
            with predictions.open() as handle:
                facts["n_predictions"] = max(sum(1 for _ in handle) - 1, 0)
        if "visualize" in ran:
            facts["plots"] = _relative(ctx.run_dir("visualize") / "plots", root)
        return facts


def _new_rows_path(ctx, schema: dict[str, Any] | None) -> str:
    """The configured predict.input_path when it holds the model's feature columns, else a placeholder."""
    configured = str((ctx.params.get("predict") or {}).get("input_path") or "")
    path = ctx.project_path / configured
    if not configured or not path.is_file() or not schema:
        return "new_rows.csv"
    try:
        import pandas as pd

        header = pd.read_csv(path, sep=None, engine="python", nrows=0, encoding_errors="replace").columns
    except Exception:  # noqa: BLE001 - only a hint
        return "new_rows.csv"
    return configured if set(schema.get("feature_columns", [])) <= {str(c) for c in header} else "new_rows.csv"
