"""The phases table is the one place that lists phases: adding one is a pipeline folder, its conf
files and one row. Proved on a copy of the package in a temporary project, run through Kedro."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from automl_kedro.phases import PHASES

ROOT = Path(__file__).resolve().parents[1]

TOY_PIPELINE = '''
from kedro.pipeline import Pipeline, node, pipeline


def count_rows(dataset):
    """How many rows each split holds."""
    return {str(k): int(v) for k, v in dataset["split"].value_counts().sort_index().items()}


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline([node(count_rows, "built_dataset", "summary", name="count_rows")],
                    namespace="toy", inputs={"built_dataset"})
'''

TOY_CATALOG = '''
toy.summary:
  type: automl_kedro.datasets.RunArtifactDataset
  process: toy
  file: toy/summary.json
  dataset: json.JSONDataset
  metadata:
    clearml: {artifact: summary}
'''

TOY_ROW = '''        Phase("toy", "qc", ("Data", "Output", "ClearML"), ("toy/summary.json",)),
'''

RUN = '''
import json, sys
from pathlib import Path
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
import automl_kedro
from automl_kedro.config.schema import PROCESSES
from automl_kedro.tracking.publisher import TASK_TYPES
assert Path(automl_kedro.__file__).is_relative_to(Path.cwd()), automl_kedro.__file__
project = Path.cwd()
bootstrap_project(project)
params = {"run": {"id": "20260101-000000-707070", "runs_dir": sys.argv[1]}, "upstream": {"toy": "latest"}}
with KedroSession.create(project_path=project, runtime_params=params) as session:
    session.run(pipeline_names=["build_dataset", "toy"])
print(json.dumps({"processes": list(PROCESSES), "task_type": TASK_TYPES["toy"]}))
'''


def test_every_module_reads_the_phases_table():
    from automl_kedro.config.schema import PROCESSES
    from automl_kedro.datasets.run_artifact import CONTRACT_FILES
    from automl_kedro.pipeline_registry import register_pipelines
    from automl_kedro.tracking.naming import PHASE_SECTIONS
    from automl_kedro.tracking.publisher import TASK_TYPES

    assert PROCESSES == tuple(PHASES)
    assert set(TASK_TYPES) == set(PHASE_SECTIONS) == set(PHASES)
    assert set(CONTRACT_FILES) == {n for n, p in PHASES.items() if p.contract}
    pipelines = register_pipelines()
    assert {p.registered_as for p in PHASES.values()} <= set(pipelines)
    golden = [n for n, p in PHASES.items() if p.golden]
    assert {n.namespace.split(".")[0] for n in pipelines["train"].nodes} == set(golden)


@pytest.mark.slow
def test_a_new_phase_is_a_folder_its_conf_and_one_row(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "conf" / "base", project / "conf" / "base")
    (project / "conf" / "local").mkdir()
    shutil.copytree(ROOT / "data" / "01_raw", project / "data" / "01_raw")
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    package = project / "src" / "automl_kedro"
    shutil.copytree(ROOT / "src" / "automl_kedro", package, ignore=shutil.ignore_patterns("__pycache__"))

    # the three additions, nothing else
    (package / "pipelines" / "toy").mkdir()
    (package / "pipelines" / "toy" / "__init__.py").write_text("")
    (package / "pipelines" / "toy" / "pipeline.py").write_text(TOY_PIPELINE)
    (project / "conf" / "base" / "catalog_toy.yml").write_text(TOY_CATALOG)
    table = package / "phases.py"
    text = table.read_text()
    anchor = "    )\n}\n"
    assert text.count(anchor) == 1
    table.write_text(text.replace(anchor, TOY_ROW + anchor))

    runs = tmp_path / "runs"
    env = {**os.environ, "PYTHONPATH": str(project / "src"), "KEDRO_DISABLE_TELEMETRY": "true"}
    out = subprocess.run([sys.executable, "-c", RUN, str(runs)], cwd=project, env=env, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert "toy" in report["processes"] and report["task_type"] == "qc"

    (run_dir,) = runs.glob("toy/*/*")
    meta = json.loads((run_dir / "meta.json").read_text())
    assert meta["status"] == "complete" and meta["process_name"] == "toy"
    assert meta["run_id"] == "20260101-000000-707070"
    summary = json.loads((run_dir / "toy" / "summary.json").read_text())
    (build_dir,) = runs.glob("build_dataset/*/*")
    index = (build_dir / "dataset" / "dataset_index.csv").read_text().splitlines()
    assert sum(summary.values()) == len(index) - 1 and summary["test"] > 0
    for name in ("config.yaml", "logs"):
        assert (run_dir / name).exists()

    # the ClearML task of the new phase carries the row's task type and sections
    from automl_kedro.tracking.sessions import read_session, run_sessions

    rows = {row["process"]: path for row, path in run_sessions(runs, "20260101-000000-707070")
            if row["kind"] == "phase"}
    assert set(rows) == {"build_dataset", "toy"}
    session = read_session(rows["toy"])
    assert session.task["type"] == "qc"
    assert {"Data", "Output", "ClearML"} <= set(session.sections())
    assert "summary" in session.artifacts()
