"""What a person sees in the console of `kedro run`: a short error for their mistakes, a quiet
console, and closing lines that say where the answer is. The CLI runs for real in a subprocess."""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import warnings
import sys
from pathlib import Path

import pytest

from automl_kedro.console import ConsoleFilter, quiet_console
from automl_kedro.errors import AutoMLInputError
from automl_kedro.run_summary import summary_lines

ROOT = Path(__file__).resolve().parents[1]


def kedro_run(project: Path, *args: str, tracking: str | None = None) -> subprocess.CompletedProcess:
    """``kedro run ARGS`` in ``project`` as a user types it (this checkout's package first);
    ``tracking``: ``AUTOML_CLEARML_MODE`` for this run."""
    shutil.copy(ROOT / "conf" / "logging.yml", project / "conf" / "logging.yml")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
           "KEDRO_DISABLE_TELEMETRY": "true", "COLUMNS": "120", **({"AUTOML_CLEARML_MODE": tracking} if tracking else {})}
    return subprocess.run([sys.executable, "-m", "kedro", "run", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=600)


def test_a_missing_file_prints_a_short_message_and_no_traceback(project):
    result = kedro_run(project, "--pipeline=train", "--params", "data.path=nope.csv")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert len(output.splitlines()) < 40, output
    assert "Data file not found: nope.csv" in output and "data.path" in output
    assert "Stopped in build_dataset" in output and "--verbose" in output
    assert "Traceback" not in output and "read_table" not in output
    assert not (project / "runs").exists()  # bad input leaves nothing behind


def test_verbose_keeps_the_traceback_of_a_user_error(project):
    result = kedro_run(project, "--pipeline=train", "--params", "data.path=nope.csv", "--verbose")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" in output and "read_table" in output and "Data file not found" in output


def test_an_unexpected_failure_still_shows_its_traceback(project):
    result = kedro_run(project, "--pipeline=no_such_pipeline")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" in output and "no_such_pipeline" in output


@pytest.mark.slow
def test_a_run_ends_by_saying_where_the_answer_is(project):
    result = kedro_run(project, "--pipeline=train", "--params", "train.time_budget_s=5", tracking="disabled")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    last = [line.strip() for line in result.stdout.strip().splitlines()[-5:]]
    run_id = re.fullmatch(r"Run (\S+) finished: build_dataset, audit_dataset, featurize, train, evaluate, report\.",
                          last[0]).group(1)
    report = last[2].removeprefix("Report:").strip()
    assert last[2].startswith("Report:") and (project / report).is_file()
    assert report.startswith("runs/report/") and report.endswith("/report.md")
    metrics = json.loads(next((project / "runs" / "evaluate").glob("*/*/metrics.json")).read_text())
    primary = metrics["primary_metric"]
    assert last[3] == (f"Recommended: {metrics['candidate_id']}, test {primary} {metrics[primary]:.4f}"
                       + last[3][last[3].index(" (cross-validated"):])
    assert last[4].startswith("Next:") and "--pipeline=predict" in last[4] and f"predict.source_run={run_id}" in last[4]
    # the console is quiet: no library warning, no per-dataset chatter, far fewer lines than before (368)
    assert "py.warnings" not in output and "Warning:" not in output and "Saving data to" not in output
    assert len(output.splitlines()) < 120, output
    from automl_kedro.pipeline_registry import register_pipelines

    n_nodes = len(register_pipelines()["train"].nodes)
    assert "train: started" in output and f"Completed {n_nodes} out of {n_nodes} tasks" in output
    # every record still reaches the phase's own log file
    train_log = next((project / "runs" / "train").glob("*/*/logs/train.log")).read_text()
    assert "train: started" in train_log


def _record(name: str, level: int, msg: str, args=()) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, args, None)


def test_console_filter_keeps_what_a_person_needs():
    keep = ConsoleFilter().filter
    assert not keep(_record("py.warnings", logging.WARNING, "UserWarning: register_new_resolver() is deprecated"))
    assert not keep(_record("kedro.io.data_catalog", logging.INFO, "Loading data from %s", ("train.model",)))
    assert not keep(_record("kedro.framework.session.session", logging.INFO, "Kedro project automl_kedro"))
    assert not keep(_record("kedro.runner.sequential_runner", logging.INFO, "Completed node: %s", ("train",)))
    assert not keep(_record("kedro.pipeline.node", logging.INFO, "Running node: %s", ("a([x]) -> [y]",)))
    assert keep(_record("kedro.runner.sequential_runner", logging.INFO, "Completed %d out of %d tasks", (1, 6)))
    assert keep(_record("automl_kedro.pipelines.train.nodes", logging.INFO, "recommended %s", ("x",)))
    assert keep(_record("optuna", logging.WARNING, "a real problem"))
    # the short error message at the end says a user error once
    assert not keep(_record("automl_kedro.hooks", logging.ERROR, "%s failed: %s",
                            ("build_dataset", AutoMLInputError("Data file not found"))))
    assert keep(_record("automl_kedro.hooks", logging.ERROR, "%s failed: %s", ("train", ZeroDivisionError("x"))))
    assert not keep(_record("kedro.pipeline.node", logging.ERROR, "Node %s failed with error: \n%s", ("a", "b")))


def test_quiet_console_filters_console_handlers_only(tmp_path):
    logger = logging.getLogger("automl_kedro_test_console")
    console, file = logging.StreamHandler(), logging.FileHandler(tmp_path / "x.log")
    logger.addHandler(console)
    logger.addHandler(file)
    try:
        assert quiet_console(logger) == 1 and quiet_console(logger) == 1
        assert sum(isinstance(f, ConsoleFilter) for f in console.filters) == 1
        assert not file.filters
    finally:
        logger.removeHandler(console)
        logger.removeHandler(file)
        file.close()


def test_summary_lines_name_the_report_model_score_and_next_command():
    phases = {p: f"runs/{p}/2026-01-01/101500_default" for p in ("build_dataset", "train", "evaluate", "report")}
    lines = summary_lines({
        "run_id": "r1", "phases": phases, "report": "runs/report/2026-01-01/101500_default/report.md",
        "recommended": {"candidate_id": "std/linear", "primary_metric": "r2", "cv_score": 0.81234},
        "test_score": 0.79, "next": "kedro run --pipeline=predict ...",
    })
    assert lines[1] == "Run r1 finished: build_dataset, train, evaluate, report."
    assert lines[2].split() == ["Files:", "runs/*/2026-01-01/101500_default"]
    assert lines[3].split() == ["Report:", "runs/report/2026-01-01/101500_default/report.md"]
    assert lines[4].strip() == "Recommended: std/linear, test r2 0.7900 (cross-validated 0.8123)"
    assert lines[5].strip().startswith("Next:")
    predict_only = summary_lines({"run_id": "r2", "phases": {"predict": "runs/predict/d/t"},
                                  "predictions": "runs/predict/d/t/predictions.csv", "n_predictions": 3})
    assert predict_only[-1].strip() == "Predictions: runs/predict/d/t/predictions.csv (3 rows)"


def test_library_warnings_reach_the_phase_log_but_not_the_console(tmp_path):
    import io

    from automl_kedro.hooks import ProcessLogHandler
    from automl_kedro.run_context import RunContext

    ctx = RunContext.create({"run": {"id": "w1"}}, tmp_path)
    process_log = ProcessLogHandler(ctx)
    process_log.process = "train"
    ctx.run_dir("train")
    shown = io.StringIO()
    console = logging.StreamHandler(shown)
    captured = logging.getLogger("py.warnings")  # where logging.captureWarnings sends warnings
    captured.addHandler(console)
    captured.addHandler(process_log)
    quiet_console(captured)
    was_capturing = logging._warnings_showwarning is not None
    try:
        with warnings.catch_warnings():  # restores warnings.showwarning, whatever captured it before
            warnings.simplefilter("always")
            logging.captureWarnings(False)
            logging.captureWarnings(True)  # as Kedro's logging set-up does
            warnings.warn("a library's deprecation notice", UserWarning)
            logging.captureWarnings(False)
    finally:
        if was_capturing:
            logging.captureWarnings(True)
        captured.removeHandler(console)
        captured.removeHandler(process_log)
    assert shown.getvalue() == ""
    assert "a library's deprecation notice" in (ctx.run_dir("train") / "logs" / "train.log").read_text()


def test_a_parameter_typo_prints_short_before_any_phase(project):
    result = kedro_run(project, "--params", "train.time_budget=60")
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Stopped before any phase started" in output and "Did you mean 'train.time_budget_s'?" in output
    assert "Traceback" not in output and len(output.splitlines()) < 20, output
