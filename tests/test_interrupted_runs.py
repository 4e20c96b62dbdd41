"""A real `kedro run` (a KedroSession in a child process) signalled while train runs.

The phases that were running read ``status: interrupted`` with the reason, in meta.json and in
their ClearML offline session; no temp file is left; ``latest`` never picks the interrupted run.
"""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from automl_kedro.errors import AutoMLInputError
from automl_kedro.run_context import find_run
from automl_kedro.tracking.sessions import read_session

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
SRC = Path(__file__).resolve().parents[1] / "src"
RUN = """
import os, sys
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
project = sys.argv[1]
os.chdir(project)
bootstrap_project(project)
params = {"run": {"id": "20260101-000000-cccccc"}, "train": {"time_budget_s": 600, "n_jobs": 1}}
with KedroSession.create(project_path=project, runtime_params=params) as session:
    session.run(pipeline_names=["train"])
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_train_marks_it_interrupted(project, signum):
    runs = project / "runs"
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "KEDRO_DISABLE_TELEMETRY": "true"}
    proc = subprocess.Popen([sys.executable, "-c", RUN, str(project)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen = []
    try:
        for line in proc.stdout:  # the RunContextHook logs "phase <name> started" at a phase's first node
            seen.append(line)
            if "phase train started" in line:
                break
        assert proc.poll() is None, "".join(seen)[-3000:]
        proc.send_signal(signum)
        stderr, _ = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0

    metas = {path.parent.parent.parent.name: json.loads(path.read_text()) for path in runs.glob("*/*/*/meta.json")}
    assert {"build_dataset", "audit_dataset", "featurize", "train"} <= set(metas)
    train = metas["train"]
    assert train["status"] == "interrupted", stderr[-2000:]
    assert train["error"].startswith(f"interrupted by {signal.Signals(signum).name}")
    assert train["finished_at"]
    assert {m["status"] for m in metas.values()} <= {"complete", "interrupted"}, "nothing left 'running'"
    assert not list(runs.rglob("*.tmp")), "no temp file is left"
    with pytest.raises(AutoMLInputError, match="No complete 'train' run"):
        find_run(runs, "train")

    train_dir = next(runs.glob("train/*/*"))
    manifest = json.loads((train_dir / "clearml" / "sessions.json").read_text())
    phase = [t for t in manifest["tasks"] if t["kind"] == "phase"][0]
    assert phase["status"] == "interrupted" and signal.Signals(signum).name in phase["error"]
    session = read_session(train_dir / "clearml" / phase["zip"])
    assert "status:interrupted" in session.tags
    assert session.sections()["properties"]["status"] == "interrupted"
