"""The notebook API: train and read runs from Python.

    from automl_kedro import api
    run = api.train("data/01_raw/penguins.csv", target="species", train={"time_budget_s": 30})
    run.leaderboard            # every candidate, best first (DataFrame)
    run.metrics["test"]        # evaluate's test metrics; run.metrics["cv"]: the cross-validated ones
    run.predict(new_rows)      # the predict phase on a DataFrame: predictions.csv as a DataFrame
    run.model.predict(rows)    # the fitted pipeline itself, on raw feature columns
    run.report_md, run.plots   # report.md text; dict "phase/title" -> plotly Figure
    api.load_run("latest" | "<run_id>" | "champion")

``train`` and ``Run.predict`` run the real pipelines through a KedroSession, exactly as
``kedro run`` does (same validation, run directories, ClearML tracking); the rest reads the
files of the run directories (the artifact contract), with the run lookups of the project.
"""
from __future__ import annotations

import json
import os
import pickle
import tempfile
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from automl_kedro.data.io import text_column_names
from automl_kedro.errors import AutoMLInputError

TRAIN_PHASES = ("build_dataset", "audit_dataset", "featurize", "train", "evaluate", "report")


# ------------------------------------------------------------------ the project
def project_path(path: str | Path | None = None) -> Path:
    """The Kedro project holding ``path`` (default: the current folder, e.g. ``notebooks/``)."""
    from kedro.utils import find_kedro_project

    start = Path(path or Path.cwd()).resolve()
    found = find_kedro_project(start)
    if found is None:
        raise AutoMLInputError(f"No Kedro project (a pyproject.toml with [tool.kedro]) at or above {start}; "
                               "pass project='path/to/automl-kedro'.")
    return Path(found)


def _parameters(project: Path) -> dict[str, Any]:
    from kedro.framework.project import settings
    from kedro.framework.startup import bootstrap_project

    bootstrap_project(project)
    loader = settings.CONFIG_LOADER_CLASS(conf_source=str(project / settings.CONF_SOURCE),
                                          **settings.CONFIG_LOADER_ARGS)
    return dict(loader["parameters"])


def runs_root(project: str | Path | None = None) -> Path:
    """Where the project's runs are (parameter ``run.runs_dir``)."""
    project = project_path(project)
    configured = Path((_parameters(project).get("run") or {}).get("runs_dir") or "runs")
    return configured if configured.is_absolute() else project / configured


def _nest(params: Mapping[str, Any]) -> dict[str, Any]:
    """``{"train.time_budget_s": 5, "split": {"test_size": 0.3}}`` -> nested runtime params."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        *parents, leaf = str(key).split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        if isinstance(value, Mapping) and isinstance(node.get(leaf), dict):
            node[leaf].update(_nest(value))
        elif isinstance(value, Mapping):
            node[leaf] = _nest(value)
        else:
            node[leaf] = value
    return out


@contextmanager
def _in_project(project: Path):
    previous = Path.cwd()
    os.chdir(project)  # relative paths in parameters start at the project folder, as with `kedro run`
    try:
        yield
    finally:
        os.chdir(previous)


def _run_pipeline(project: Path, pipeline: str, runtime_params: dict[str, Any], verbose: bool,
                  tracking: str | None = None) -> str:
    """Run a pipeline through a KedroSession (ClearML mode ``tracking``, None: as configured); return its run id."""
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    from automl_kedro.console import loud_console, quiet_console
    from automl_kedro.run_context import current

    bootstrap_project(project)
    if verbose:
        loud_console()
    else:
        quiet_console()
    from automl_kedro.tracking.settings import tracking_mode

    with _in_project(project), tracking_mode(tracking), \
            KedroSession.create(project_path=project, runtime_params=runtime_params) as session:
        session.run(pipeline_names=[pipeline])
    return current().run_id


# ------------------------------------------------------------------ finding a run's directories
def _train_dir(root: Path, selector: str) -> Path:
    from automl_kedro.run_context import find_run

    if selector == "champion":
        from automl_kedro.runs_store import resolve_champion

        selector = resolve_champion(root, None)
    return find_run(root, "train", selector)


def _phase_dirs(root: Path, train_dir: Path) -> dict[str, Path]:
    """Every phase directory of the run that produced ``train_dir``: the same run id, else the
    runs the train run read (build_dataset, featurize) or that read it (evaluate, report)."""
    from automl_kedro.run_context import list_runs, read_meta

    meta = read_meta(train_dir) or {}
    run_id = meta.get("run_id")
    dirs: dict[str, Path] = {"train": train_dir}
    upstream = {u.get("process"): Path(u["path"]) for u in meta.get("upstream_artifacts") or [] if u.get("path")}
    for phase in TRAIN_PHASES:
        if phase == "train":
            continue
        complete = [(d, m) for d, m in list_runs(root, phase) if m.get("status") == "complete"]
        same = [d for d, m in complete if m.get("run_id") == run_id]
        readers = [d for d, m in complete
                   if any(u.get("process") == "train" and Path(u.get("path", "")) == train_dir
                          for u in m.get("upstream_artifacts") or [])]
        chosen = same or ([upstream[phase]] if phase in upstream and upstream[phase].is_dir() else readers)
        if chosen:
            dirs[phase] = chosen[-1]
    return {phase: dirs[phase] for phase in TRAIN_PHASES if phase in dirs}


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


# ------------------------------------------------------------------ a run
@dataclass
class Run:
    """One train run and what the run around it produced (evaluate, report, plots)."""

    run_id: str
    project: Path
    dirs: dict[str, Path] = field(repr=False)

    def _file(self, phase: str, name: str) -> Path:
        if phase not in self.dirs:
            raise AutoMLInputError(f"Run {self.run_id} has no complete {phase} phase; "
                                   f"run `kedro run --pipeline={phase} --params upstream.train={self.run_id}`.")
        return self.dirs[phase] / name

    @property
    def leaderboard(self) -> pd.DataFrame:
        """Every candidate of the train phase, best first (``leaderboard.csv``)."""
        return pd.read_csv(self._file("train", "leaderboard.csv"))

    @property
    def recommendation(self) -> dict[str, Any]:
        """The recommended model, the rule that chose it, its alternatives (``recommendation.json``)."""
        return _read_json(self._file("train", "recommendation.json")) or {}

    @property
    def schema(self) -> dict[str, Any]:
        """Target, problem type, feature columns and their types (``dataset/schema.json``)."""
        return _read_json(self._file("build_dataset", "dataset/schema.json")) or {}

    @property
    def metrics(self) -> dict[str, dict[str, Any] | None]:
        """``{"cv": cross-validated metrics of train, "test": evaluate's metrics or None}``."""
        test = self.dirs.get("evaluate")
        return {"cv": _read_json(self._file("train", "metrics.json")),
                "test": _read_json(test / "metrics.json") if test else None}

    @cached_property
    def model(self):
        """The fitted scikit-learn pipeline (preprocessing + model); it predicts raw feature columns."""
        with self._file("train", "model/model.ckpt").open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 - our own run's artifact

    @property
    def report_path(self) -> Path:
        return self._file("report", "report.md")

    @property
    def report_md(self) -> str:
        """The run's ``report.md`` (markdown text; ``IPython.display.Markdown(run.report_md)`` shows it)."""
        return self.report_path.read_text(encoding="utf-8")

    @property
    def plots(self) -> dict[str, Any]:
        """Every plot of the run as plotly figures, keyed ``<phase>/<title>``."""
        from automl_kedro.datasets.plotly_figures import INDEX, PlotlyFigures

        figures: dict[str, Any] = {}
        for phase, folder in self.dirs.items():
            if (folder / "plots" / INDEX).is_file():
                for title, figure in PlotlyFigures(str(folder / "plots")).load().items():
                    figures[f"{phase}/{title}"] = figure
        return figures

    def predict(self, rows: pd.DataFrame | str | Path, *, verbose: bool = False, tracking: str | None = None,
                **params: Any) -> pd.DataFrame:
        """The predict phase of this run's model on ``rows`` (a DataFrame or a file): the rows of its
        ``predictions.csv`` with the ``uncertainty.csv`` columns alongside. It is a real predict run
        (a ``runs/predict/...`` directory, ClearML as ``conf/<env>/clearml.yml`` says, or ``tracking``)."""
        with tempfile.TemporaryDirectory(prefix="automl_predict_") as tmp:
            path = _as_file(rows, Path(tmp), "new_rows", self.project)
            runtime = _nest({**params, "predict.input_path": str(path), "predict.source_run": self.run_id})
            run_id = _run_pipeline(self.project, "predict", runtime, verbose, tracking)
        from automl_kedro.run_context import find_run

        folder = find_run(runs_root(self.project), "predict", run_id)
        predictions = pd.read_csv(folder / "predictions.csv")
        if (folder / "uncertainty.csv").is_file():
            extra = pd.read_csv(folder / "uncertainty.csv")
            extra = extra[[c for c in extra.columns if c not in predictions.columns]]
            if len(extra) == len(predictions):
                predictions = pd.concat([predictions, extra], axis=1)
        return predictions

    def __repr__(self) -> str:
        rec = self.recommendation
        primary = rec.get("primary_metric")
        test = (self.metrics.get("test") or {}).get(primary)
        score = f", test {primary} {test:.4f}" if isinstance(test, (int, float)) else ""
        return f"Run({self.run_id!r}, recommended {rec.get('candidate_id')!r}{score})"


def _as_file(data: pd.DataFrame | str | Path, folder: Path, stem: str, project: Path) -> Path:
    """A DataFrame written to ``folder`` as Parquet; a relative path found from the current folder
    (a notebook's), else from the project folder (as ``kedro run`` reads it)."""
    if isinstance(data, pd.DataFrame):
        path = folder / f"{stem}.parquet"
        text_column_names(data).to_parquet(path, index=False)  # as a file would name them
        return path
    path = Path(data).expanduser()
    if path.is_absolute():
        return path
    here = (Path.cwd() / path).resolve()
    return here if here.exists() else (project / path).resolve()


def load_run(selector: str = "latest", project: str | Path | None = None) -> Run:
    """A finished train run: ``"latest"``, a run id, or ``"champion"`` (the promoted model)."""
    project = project_path(project)
    root = runs_root(project)
    train_dir = _train_dir(root, selector)
    from automl_kedro.run_context import read_meta

    run_id = (read_meta(train_dir) or {}).get("run_id", selector)
    return Run(run_id=run_id, project=project, dirs=_phase_dirs(root, train_dir))


def train(data: pd.DataFrame | str | Path, target: str, *, project: str | Path | None = None,
          pipeline: str = "train", verbose: bool = False, tracking: str | None = None, **params: Any) -> Run:
    """Run the train pipeline (build_dataset -> ... -> report) on ``data`` and return the run.

    ``params`` are the ``--params`` of ``kedro run``, as sections or dotted keys:
    ``train={"time_budget_s": 60}``, ``**{"split.test_size": 0.3}``. ``tracking`` is this run's ClearML
    mode (``"disabled"``, ``"offline"``, ``"online"``; None: as ``conf/<env>/clearml.yml`` says), not a parameter.
    A DataFrame is written to a temporary Parquet file (``run.dataset_key`` defaults to ``dataframe``);
    the run keeps its own copy of the built table in ``dataset/data.parquet``.
    """
    project = project_path(project)
    with tempfile.TemporaryDirectory(prefix="automl_train_") as tmp:
        path = _as_file(data, Path(tmp), "dataframe", project)
        runtime = _nest({"data.path": str(path), "data.target": target})
        runtime = _merge(runtime, _nest(params))
        if isinstance(data, pd.DataFrame):
            runtime.setdefault("run", {}).setdefault("dataset_key", "dataframe")
        run_id = _run_pipeline(project, pipeline, runtime, verbose, tracking)
    return load_run(run_id, project)


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out
