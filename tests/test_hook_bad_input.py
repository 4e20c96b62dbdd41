"""Hook behaviour: bad input (AutoMLInputError) that stops a phase before it wrote anything leaves
nothing — no run directory, no ClearML task — and an earlier run stays as it was (tiny project)."""
import pytest

from automl_kedro.tracking.sessions import run_sessions
from tests.tiny_project import make_tiny_project, run_tiny

pytestmark = pytest.mark.slow

PIPELINE = '''
from kedro.pipeline import Pipeline, node, pipeline

from automl_kedro.errors import AutoMLInputError


def check(raw):
    if "z" not in raw.columns:
        raise AutoMLInputError("The tiny table has no column 'z'; add it or set data.target.")
    return {"rows": int(len(raw))}


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline([node(check, "raw", "checked", name="check")], namespace="picky", inputs={"raw"})
'''

CATALOG = '''
raw:
  type: pandas.CSVDataset
  filepath: data/tiny.csv
picky.checked:
  type: automl_kedro.datasets.RunArtifactDataset
  process: picky
  file: checked.json
  dataset: json.JSONDataset
  metadata:
    clearml: {artifact: checked}
'''


def test_bad_input_leaves_no_directory_and_no_task(tmp_path):
    root = make_tiny_project(tmp_path / "tiny", PIPELINE, CATALOG)
    runs = tmp_path / "runs"
    earlier = runs / "picky" / "2025-01-01" / "000000_default"
    earlier.mkdir(parents=True)
    (earlier / "meta.json").write_text('{"status": "complete"}')
    before = {p: p.read_bytes() for p in runs.rglob("*") if p.is_file()}

    out = run_tiny(root, "20260101-000000-565656", runs)
    assert out.returncode != 0
    assert "The tiny table has no column 'z'" in out.stderr

    after = {p: p.read_bytes() for p in runs.rglob("*") if p.is_file()}
    assert after == before
    assert list(runs.glob("picky/*/*")) == [earlier]
    assert [row for row, _ in run_sessions(runs, "20260101-000000-565656") if row["kind"] == "phase"] == []
