"""A tiny generated Kedro project that uses automl_kedro's settings (its hooks, its config loader)
with phases of its own, in the manner of kedro-mlflow's tests: one small project per hook behaviour,
run in a subprocess through a real KedroSession, then meta.json and the ClearML session read back."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

PYPROJECT = """
[tool.kedro]
package_name = "tiny"
project_name = "tiny"
kedro_init_version = "1.7.0"
source_dir = "src"
"""

SETTINGS = "from automl_kedro.settings import *  # noqa: F401,F403 - the hooks and config loader under test\n"

REGISTRY = """
from kedro.pipeline import Pipeline
from tiny.pipeline import create_pipeline


def register_pipelines() -> dict[str, Pipeline]:
    p = create_pipeline()
    return {"__default__": p, "tiny": p}
"""

DATA = "x,y\n" + "".join(f"{i},{(i * 7) % 5}\n" for i in range(40))

RUN = """
import json, sys
from pathlib import Path
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
project = Path.cwd()
bootstrap_project(project)
params = {"run": {"id": sys.argv[1], "runs_dir": sys.argv[2]}}
with KedroSession.create(project_path=project, runtime_params=params) as session:
    session.run(pipeline_name="tiny")
"""


def make_tiny_project(root: Path, pipeline_code: str, catalog_yaml: str) -> Path:
    """A project at ``root`` whose package ``tiny`` holds ``pipeline_code`` (``create_pipeline``)."""
    package = root / "src" / "tiny"
    package.mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text(SETTINGS)
    (package / "pipeline_registry.py").write_text(REGISTRY)
    (package / "pipeline.py").write_text(textwrap.dedent(pipeline_code))
    (root / "conf" / "base").mkdir(parents=True)
    (root / "conf" / "local").mkdir()
    (root / "conf" / "base" / "catalog.yml").write_text(textwrap.dedent(catalog_yaml))
    (root / "conf" / "base" / "parameters.yml").write_text("data:\n  path: data/tiny.csv\n  target: y\n")
    (root / "data").mkdir()
    (root / "data" / "tiny.csv").write_text(DATA)
    return root


def run_tiny(root: Path, run_id: str, runs: Path, mode: str = "offline",
             extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``kedro run --pipeline=tiny`` of the project at ``root`` in a fresh interpreter, ClearML mode ``mode``
    (``AUTOML_CLEARML_MODE``)."""
    src = os.pathsep.join([str(root / "src"), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env = {**os.environ, "PYTHONPATH": src, "KEDRO_DISABLE_TELEMETRY": "true", "AUTOML_CLEARML_MODE": mode,
           **(extra_env or {})}
    return subprocess.run([sys.executable, "-c", RUN, run_id, str(runs)], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)


def read_meta(runs: Path, process: str) -> dict:
    (path,) = runs.glob(f"{process}/*/*/meta.json")
    return json.loads(path.read_text())
