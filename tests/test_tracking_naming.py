"""Names, tags, projects, sections (pure) and the clone override mapping."""
import pytest

from automl_kedro.errors import AutoMLInputError
from automl_kedro.tracking import naming
from automl_kedro.tracking.clone import clone_config, clone_tags, tag_value
from automl_kedro.tracking.overrides import apply_overrides, parse_override, parse_path

PARAMS = {
    "run": {"id": None, "experiment": "default", "runs_dir": "runs"},
    "data": {"path": "data/01_raw/penguins.csv", "target": "species"},
    "split": {"method": "auto", "test_size": 0.2},
    "audit": {"top_n": 20},
    "featurize": {"variants": [{"id": "standard", "encoder": "onehot"}, {"id": "ordinal", "encoder": "ordinal"}]},
    "train": {"models": ["ridge", {"name": "random_forest", "params": {"n_estimators": 50}}],
              "cv_folds": 5, "time_budget_s": 20, "primary_metric": "auto",
              "storage": "postgresql://bob:hunter2@db/optuna", "api_token": "t0k"},
    "evaluate": {}, "report": {"top_k": 5}, "upstream": {"train": "latest"},
}
TRACKING = {"mode": "offline", "project_root": "AutoML", "project": None, "tags": []}


def test_task_names_projects_and_tags_follow_the_spec():
    assert naming.task_name("audit_dataset", "penguins", "20260101-000000-abcdef") == \
        "audit_dataset [penguins] [20260101-000000-abcdef]"
    assert naming.child_task_name("standard", "ridge", "r1") == "train [standard] [ridge] [r1]"
    assert naming.project_name("ann", "penguins") == "AutoML/ann/penguins"
    assert naming.project_name("ann", "penguins", "Team/") == "Team/ann/penguins"
    assert naming.project_name("ann", "penguins", project="Fixed/P") == "Fixed/P"
    assert naming.child_project_name("AutoML/ann/penguins") == "AutoML/ann/penguins/train_models"
    assert naming.phase_tags("train", "r1", "penguins", ["team:x"]) == \
        ["run:r1", "phase:train", "dataset:penguins", "team:x"]
    assert naming.child_tags("r1", "penguins", "standard", "ridge")[-2:] == ["model:ridge", "preprocess:standard"]
    assert naming.split_title("01_target/target_distribution") == ("01_target", "target_distribution")
    assert naming.split_title("leaderboard") == ("leaderboard", "leaderboard")


def test_sections_per_phase_are_split_and_redacted():
    train = naming.phase_sections("train", PARAMS, TRACKING)
    assert list(train) == list(naming.SECTIONS)
    assert train["ClearML"] == TRACKING  # the tracking configuration, shown though it is not a parameter
    assert train["Model"] == {"models": PARAMS["train"]["models"]}
    assert train["CrossValidation"]["cv_folds"] == 5
    assert train["Evaluation"]["primary_metric"] == "auto"
    assert train["Optimization"]["time_budget_s"] == 20
    assert train["Optimization"]["api_token"] == "***"
    assert "hunter2" not in repr(train) and "t0k" not in repr(train)
    assert set(naming.phase_sections("build_dataset", PARAMS)) == {"Data", "Output", "ClearML"}
    assert naming.phase_sections("audit_dataset", PARAMS)["Data"]["audit"] == {"top_n": 20}
    assert "Preprocessing" in naming.phase_sections("featurize", PARAMS)


def test_child_model_section_holds_only_its_own_model():
    record = {"candidate_id": "ordinal/random_forest", "preprocess_id": "ordinal", "model": "random_forest",
              "params": {"n_estimators": 50, "password": "x"}}
    sections = naming.child_sections(PARAMS, record)
    assert sections["Model"] == {"name": "random_forest", "candidate_id": "ordinal/random_forest",
                                 "params": {"n_estimators": 50, "password": "***"}}
    assert sections["Preprocessing"] == {"preprocess_id": "ordinal", "variant": {"id": "ordinal", "encoder": "ordinal"}}
    assert "ridge" not in repr(sections["Model"])


def test_override_paths_with_list_indexes():
    assert parse_path("train.models[0].params.alpha") == ["train", "models", 0, "params", "alpha"]
    assert parse_path("a[1][2].b") == ["a", 1, 2, "b"]
    assert parse_override("train.cv_folds=3") == (["train", "cv_folds"], 3)
    assert parse_override("data.target=species") == (["data", "target"], "species")
    assert parse_override("train.models=[ridge, linear]") == (["train", "models"], ["ridge", "linear"])
    for bad in ["a..b", ".a", "a[x]", ""]:
        with pytest.raises(AutoMLInputError):
            parse_path(bad)
    with pytest.raises(AutoMLInputError, match="no '='"):
        parse_override("train.cv_folds")


def test_apply_overrides_updates_a_copy():
    out = apply_overrides(PARAMS, ["train.models[1].params.n_estimators=200", "train.models[0].params.alpha=0.1",
                                   "train.cv_folds=3", "featurize.variants[0].encoder=target", "new.section.key=x"])
    assert out["train"]["models"][1] == {"name": "random_forest", "params": {"n_estimators": 200}}
    assert out["train"]["models"][0] == {"name": "ridge", "params": {"alpha": 0.1}}  # bare name becomes a dict
    assert out["train"]["cv_folds"] == 3
    assert out["featurize"]["variants"][0]["encoder"] == "target"
    assert out["new"] == {"section": {"key": "x"}}
    assert PARAMS["train"]["cv_folds"] == 5 and PARAMS["train"]["models"][0] == "ridge"
    with pytest.raises(AutoMLInputError, match="out of range"):
        apply_overrides(PARAMS, ["train.models[7].params.alpha=1"])
    with pytest.raises(AutoMLInputError, match="indexes a list"):
        apply_overrides(PARAMS, ["train.cv_folds[0]=1"])


def test_clone_tags_and_config():
    tags = ["run:old", "phase:train", "dataset:penguins", "status:failed", "team:x"]
    assert clone_tags(tags, "abc", "new") == ["run:new", "phase:train", "dataset:penguins", "team:x", "cloned_from:abc"]
    assert tag_value(tags, "phase") == "train" and tag_value(tags, "model") is None
    config = clone_config(PARAMS, ["train.cv_folds=2"], "new")
    assert config["run"]["id"] == "new" and config["train"]["cv_folds"] == 2
    assert "clearml" not in config
    # a template recorded when tracking settings were parameters: its clearml section is dropped
    assert "clearml" not in clone_config({**PARAMS, "clearml": {"mode": "offline"}}, [], "new")
