"""Hook behaviour: a phase of two nodes is one run directory and one ClearML task, complete only
after its last output is saved (tiny generated project, real KedroSession, ClearML offline)."""
import json

import pytest

from automl_kedro.tracking.sessions import read_session, run_sessions
from tests.tiny_project import make_tiny_project, read_meta, run_tiny

pytestmark = pytest.mark.slow

PIPELINE = '''
from kedro.pipeline import Pipeline, node, pipeline


def summarise(raw):
    return {"rows": int(len(raw)), "y_mean": float(raw["y"].mean())}


def double(stats):
    return {"rows": stats["rows"] * 2}


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline([node(summarise, "raw", "stats", name="summarise"),
                     node(double, "stats", "doubled", name="double")],
                    namespace="twostep", inputs={"raw"})
'''

CATALOG = '''
raw:
  type: pandas.CSVDataset
  filepath: data/tiny.csv
twostep.stats:
  type: automl_kedro.datasets.RunArtifactDataset
  process: twostep
  file: stats.json
  dataset: json.JSONDataset
  metadata:
    clearml: {artifact: stats, scalars: summary}
twostep.doubled:
  type: automl_kedro.datasets.RunArtifactDataset
  process: twostep
  file: doubled.json
  dataset: json.JSONDataset
  metadata:
    clearml: {artifact: doubled}
'''


def test_a_two_node_phase_is_one_complete_run_and_one_task(tmp_path):
    root = make_tiny_project(tmp_path / "tiny", PIPELINE, CATALOG)
    runs = tmp_path / "runs"
    out = run_tiny(root, "20260101-000000-121212", runs)
    assert out.returncode == 0, out.stderr[-3000:]

    (run_dir,) = runs.glob("twostep/*/*")
    meta = read_meta(runs, "twostep")
    assert meta["status"] == "complete" and meta["run_id"] == "20260101-000000-121212"
    assert json.loads((run_dir / "stats.json").read_text()) == {"rows": 40, "y_mean": 2.0}
    assert json.loads((run_dir / "doubled.json").read_text()) == {"rows": 80}
    log = (run_dir / "logs" / "twostep.log").read_text()
    assert "summarise" in log and "double" in log

    tasks = [(row, path) for row, path in run_sessions(runs, "20260101-000000-121212") if row["kind"] == "phase"]
    assert [row["process"] for row, _ in tasks] == ["twostep"]
    session = read_session(tasks[0][1])
    assert {"run:20260101-000000-121212", "phase:twostep", "dataset:tiny"} <= set(session.tags)
    assert {"stats", "doubled", "config.yaml", "meta.json"} <= set(session.artifacts())
    assert session.scalars()[("summary", "rows")] == 40.0
    assert session.scalars()[("summary", "y_mean")] == 2.0
