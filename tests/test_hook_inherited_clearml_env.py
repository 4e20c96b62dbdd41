"""Hook behaviour: a run started from a process that had a ClearML task open (a notebook, a test
runner, a script) inherits the SDK's CLEARML_PROC_MASTER_ID; the run must still record its own
tasks instead of the SDK's do-nothing stub (tiny generated project, ClearML offline)."""
import pytest

from automl_kedro.tracking.sessions import read_session, run_sessions
from tests.test_hook_two_node_phase import CATALOG, PIPELINE
from tests.tiny_project import make_tiny_project, read_meta, run_tiny

pytestmark = pytest.mark.slow


def test_an_inherited_master_task_id_does_not_silence_tracking(tmp_path):
    root = make_tiny_project(tmp_path / "tiny", PIPELINE, CATALOG)
    runs = tmp_path / "runs"
    out = run_tiny(root, "20260101-000000-787878", runs, extra_env={"CLEARML_PROC_MASTER_ID": "1:0123abcd"})
    assert out.returncode == 0, out.stderr[-3000:]
    assert read_meta(runs, "twostep")["status"] == "complete"
    (row, path), = [(r, p) for r, p in run_sessions(runs, "20260101-000000-787878") if r["kind"] == "phase"]
    session = read_session(path)
    assert "run:20260101-000000-787878" in session.tags
    assert session.scalars()[("summary", "rows")] == 40.0
