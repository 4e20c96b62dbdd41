"""Settings the data cannot satisfy stop the run right after build_dataset read the data, before any
directory is written (real KedroSession on the bundled penguins data)."""
import pytest

from automl_kedro.config.checks import training_problems
from automl_kedro.data import build_dataset
from automl_kedro.errors import AutoMLInputError

from conftest import FAST, ROOT

PENGUINS = str(ROOT / "data" / "01_raw" / "penguins.csv")


def _runs_written(project) -> list:
    runs = project / "runs"
    return sorted(p.relative_to(runs) for p in runs.rglob("*") if ".clearml_cache" not in p.parts) if runs.exists() else []


def _stopped(run, project, params) -> str:
    with pytest.raises(Exception) as info:
        run("train", {**FAST, **params}, tracking="disabled")
    error = info.value
    while error is not None and not isinstance(error, AutoMLInputError):
        error = error.__cause__ or error.__context__
    assert error is not None, info.value
    assert _runs_written(project) == [], "nothing is written"
    return str(error)


def test_cv_folds_beyond_the_training_rows_stop_before_any_work(run, project):
    message = _stopped(run, project, {"train.cv_folds": 400})
    assert "train.cv_folds" in message and "nothing was written" in message
    assert "275 rows" in message


def test_a_primary_metric_of_another_problem_type_stops_before_any_work(run, project):
    message = _stopped(run, project, {"train.primary_metric": "r2"})
    assert "train.primary_metric 'r2' does not apply to this multiclass problem" in message
    assert "accuracy" in message


def test_every_problem_in_one_message(run, project):
    message = _stopped(run, project, {"train.primary_metric": "rmse", "train.cv_folds": 400,
                                      "train.metrics": ["accuracy", "mae"]})
    assert "train.primary_metric" in message and "train.cv_folds" in message and "train.metrics" in message


def test_more_folds_than_the_smallest_class_has_rows_is_no_problem_more_than_the_rows_is():
    built = build_dataset({"path": PENGUINS, "target": "species"}, {})
    rows = built.dataset[built.dataset["split"] != "test"]
    smallest = int(rows["species"].value_counts().min())
    assert training_problems({"train": {"cv_folds": smallest + 1}}, built.dataset, built.schema) == []
    problems = training_problems({"train": {"cv_folds": len(rows)}}, built.dataset, built.schema)
    assert len(problems) == 1 and f"{len(rows)} training rows are too few" in problems[0]


def test_regression_target_accepts_regression_metrics():
    built = build_dataset({"path": PENGUINS, "target": "body_mass_g"}, {})
    assert training_problems({"train": {"primary_metric": "mae", "cv_folds": 10}}, built.dataset, built.schema) == []
    problems = training_problems({"train": {"primary_metric": "roc_auc"}}, built.dataset, built.schema)
    assert problems and "regression" in problems[0]
