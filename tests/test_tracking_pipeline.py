"""The ClearMLHook on a real `kedro run` of the bundled data, real ClearML SDK offline.

Reads the offline session zips back: every phase has a task findable by run:<id>, train has a
child per candidate with its parent link, sections, scalars and plot titles are as SPEC says.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from automl_kedro.tracking.sessions import read_session, run_sessions

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
PROJECT = Path(__file__).resolve().parents[1]
PHASES = {"build_dataset", "audit_dataset", "featurize", "train", "evaluate", "report"}


def _kedro_run(runs_dir: Path, run_id: str, extra: dict) -> None:
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    bootstrap_project(PROJECT)
    params = {"run": {"id": run_id, "runs_dir": str(runs_dir)}, "train": {"time_budget_s": 10}, **extra}
    with KedroSession.create(project_path=PROJECT, runtime_params=params) as session:
        session.run(pipeline_name="train")


@pytest.fixture(scope="module")
def offline_run(tmp_path_factory):
    runs = tmp_path_factory.mktemp("runs")
    _kedro_run(runs, "20260101-000000-aaaaaa", {})
    sessions = [(row, read_session(path)) for row, path in run_sessions(runs, "20260101-000000-aaaaaa")]
    return runs, sessions


def test_every_phase_has_a_task_findable_by_run_tag(offline_run):
    _, sessions = offline_run
    phases = {row["process"]: s for row, s in sessions if row["kind"] == "phase"}
    assert set(phases) == PHASES
    for phase, s in phases.items():
        assert s.name == f"{phase} [penguins] [20260101-000000-aaaaaa]"
        assert {"run:20260101-000000-aaaaaa", f"phase:{phase}", "dataset:penguins"} <= set(s.tags)
        assert s.project.startswith("AutoML/") and s.project.endswith("/penguins")
        assert {"config.yaml", "meta.json"} <= set(s.artifacts())
        assert s.configuration() and "time_budget_s" in s.configuration()
        props = s.sections()["properties"]
        assert props["run_id"] == "20260101-000000-aaaaaa" and props["dataset_key"] == "penguins"
    assert set(phases["train"].sections()) >= {"Data", "Preprocessing", "Model", "CrossValidation",
                                               "Evaluation", "Optimization", "Output", "ClearML"}
    assert phases["train"].sections()["properties"]["upstream/build_dataset"] == "20260101-000000-aaaaaa"
    assert ("02_leaderboard", "leaderboard") in phases["train"].plots()
    assert ("02_leaderboard", "tradeoff") in phases["train"].plots()
    assert phases["train"].task["offline_output_models"][0]["init"]["name"] == "recommended_model"
    assert ("00_report", "report_md") in phases["report"].media()
    assert ("99_debug", "missing_artifacts") in phases["report"].plots()
    assert any(title.startswith("01_target") for title, _ in phases["audit_dataset"].plots())
    assert any(key[0] == "test" for key in phases["evaluate"].scalars())


def test_train_has_one_child_per_candidate(offline_run):
    runs, sessions = offline_run
    train = next(s for row, s in sessions if row["process"] == "train" and row["kind"] == "phase")
    children = [s for row, s in sessions if row["kind"] == "candidate"]
    train_dir = next(p for p in runs.glob("train/*/*") if (p / "candidates").is_dir())
    import pickle

    candidates = pickle.loads((train_dir / "candidates" / "candidates.pkl").read_bytes())
    assert len(children) == len(candidates) >= 2
    ok = 0
    for child in children:
        assert child.parent == train.id
        assert child.project == train.project + "/train_models"
        model = next(t.split(":", 1)[1] for t in child.tags if t.startswith("model:"))
        preprocess = next(t.split(":", 1)[1] for t in child.tags if t.startswith("preprocess:"))
        assert child.name == f"train [{preprocess}] [{model}] [20260101-000000-aaaaaa]"
        assert child.sections()["Model"]["name"] == model
        assert all(not k.startswith("models") for k in child.sections()["Model"])
        if "status:failed" in child.tags:  # a failed/skipped candidate is recorded, with its error
            assert any("candidate failed" in entry.get("msg", "") for entry in child.logs)
            continue
        ok += 1
        names = {series for title, series in child.scalars() if title == "Summary"}
        assert {"time/train_seconds", "time/predict_seconds", "model/size_bytes"} <= names
        assert any(n.startswith("metric/") for n in names)
    assert ok >= 1


def test_bad_input_leaves_nothing_in_clearml_or_on_disk(tmp_path):
    with pytest.raises(Exception, match="no_such_column"):
        _kedro_run(tmp_path, "20260101-000000-bbbbbb", {"data": {"target": "no_such_column"}})
    assert run_sessions(tmp_path, "20260101-000000-bbbbbb") == []
    assert not list(tmp_path.glob("*/*/*/meta.json"))


def test_a_crashing_phase_is_recorded_failed_after_the_phases_that_ran(tmp_path, monkeypatch):
    import automl_kedro.pipelines.evaluate.pipeline as evaluate_pipeline

    def crash(*args, **kwargs):  # a bug in a phase, not bad input
        raise RuntimeError("evaluate crashed on purpose")

    monkeypatch.setattr(evaluate_pipeline, "evaluate_model", crash)
    with pytest.raises(Exception, match="crashed on purpose"):
        _kedro_run(tmp_path, "20260101-000000-dddddd", {})
    rows = {row["process"]: (row, path) for row, path in run_sessions(tmp_path, "20260101-000000-dddddd")
            if row["kind"] == "phase"}
    assert {"build_dataset", "featurize", "train", "evaluate"} <= set(rows)
    assert rows["train"][0]["status"] == "complete"
    row, path = rows["evaluate"]
    assert row["status"] == "failed"
    s = read_session(path)
    assert "status:failed" in s.tags and "crashed on purpose" in s.sections()["properties"]["error"]
    meta = json.loads((path.parent.parent / "meta.json").read_text())
    assert meta["status"] == "failed" and "crashed on purpose" in meta["error"]
    assert "crashed on purpose" in (path.parent.parent / "logs" / "evaluate.log").read_text()


def test_disabled_mode_never_imports_clearml(tmp_path):
    code = (
        "import sys\n"
        "from tests.test_tracking_pipeline import _kedro_run\n"
        "from pathlib import Path\n"
        f"_kedro_run(Path({str(tmp_path)!r}), '20260101-000000-cccccc', {{}})\n"
        "assert 'clearml' not in sys.modules, 'clearml was imported'\n"
        "print('NO_CLEARML')\n"
    )
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true", "AUTOML_CLEARML_MODE": "disabled"}
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "NO_CLEARML" in out.stdout
    assert not list(tmp_path.glob("*/*/*/clearml"))
    assert list(tmp_path.glob("train/*/*/meta.json"))
