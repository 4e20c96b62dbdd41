"""Hook behaviour: a node that crashes leaves a readable trace — the phase's run directory with
meta.json `failed`, the error and its log, and a failed ClearML task (tiny generated project)."""
import pytest

from automl_kedro.tracking.sessions import read_session, run_sessions
from tests.tiny_project import make_tiny_project, read_meta, run_tiny

pytestmark = pytest.mark.slow

PIPELINE = '''
from kedro.pipeline import Pipeline, node, pipeline


def summarise(raw):
    return {"rows": int(len(raw))}


def crash(stats):
    raise RuntimeError("tiny node crashed on purpose")


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline([node(summarise, "raw", "stats", name="summarise"),
                     node(crash, "stats", "never", name="crash")],
                    namespace="breaks", inputs={"raw"})
'''

CATALOG = '''
raw:
  type: pandas.CSVDataset
  filepath: data/tiny.csv
breaks.stats:
  type: automl_kedro.datasets.RunArtifactDataset
  process: breaks
  file: stats.json
  dataset: json.JSONDataset
  metadata:
    clearml: {artifact: stats}
breaks.never:
  type: automl_kedro.datasets.RunArtifactDataset
  process: breaks
  file: never.json
  dataset: json.JSONDataset
'''


def test_a_crashing_node_marks_its_phase_failed_on_disk_and_in_clearml(tmp_path):
    root = make_tiny_project(tmp_path / "tiny", PIPELINE, CATALOG)
    runs = tmp_path / "runs"
    out = run_tiny(root, "20260101-000000-343434", runs)
    assert out.returncode != 0
    assert "tiny node crashed on purpose" in out.stderr

    (run_dir,) = runs.glob("breaks/*/*")
    meta = read_meta(runs, "breaks")
    assert meta["status"] == "failed" and "tiny node crashed on purpose" in meta["error"]
    assert (run_dir / "stats.json").exists() and not (run_dir / "never.json").exists()
    assert "tiny node crashed on purpose" in (run_dir / "logs" / "breaks.log").read_text()
    assert not list(run_dir.rglob("*.tmp"))

    (row, path), = [(r, p) for r, p in run_sessions(runs, "20260101-000000-343434") if r["kind"] == "phase"]
    assert row["process"] == "breaks" and row["status"] == "failed"
    session = read_session(path)
    assert "status:failed" in session.tags
    assert "tiny node crashed on purpose" in session.sections()["properties"]["error"]
