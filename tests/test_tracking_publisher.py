"""The Publisher against the real ClearML SDK offline: what lands in the session zips."""
import json
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

from automl_kedro.tracking.publisher import Publication, Publisher, TaskSpec, write_manifest
from automl_kedro.tracking.sdk import load_clearml
from automl_kedro.tracking.sessions import read_session, run_sessions


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    run_dir = root / "train" / "2026-01-01" / "000000_default"
    run_dir.mkdir(parents=True)
    (run_dir / "config.yaml").write_text("train: {cv_folds: 5}\n")
    (run_dir / "meta.json").write_text(json.dumps({"run_id": "r1", "process_name": "train", "status": "complete"}))
    (run_dir / "model.ckpt").write_bytes(b"weights")
    (run_dir / "leaderboard.csv").write_text("model,score\nridge,0.9\n")
    clearml = load_clearml(offline=True, cache_dir=root / ".clearml_cache")
    pub = Publication("train")
    pub.add({"plots": True}, {"02_leaderboard/tradeoff": go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))}, None)
    pub.add({"table": "02_leaderboard/leaderboard", "artifact": "leaderboard"},
            pd.DataFrame({"model": ["ridge"], "score": [0.9]}), run_dir / "leaderboard.csv")
    pub.add({"text": "00_report/report_md"}, "# Report\nhttps://u:secretpw@host/x", None)
    pub.add({"scalars": "cv"}, {"accuracy": 0.9, "n": 3, "nested": {"auc": 0.95}, "name": "x"}, None)
    pub.add({"output_model": "recommended_model"}, object(), run_dir / "model.ckpt")
    pub.add({"artifact": "gone"}, None, run_dir / "does_not_exist.json")
    records = [
        {"candidate_id": f"standard/{m}", "preprocess_id": "standard", "model": m, "params": {"alpha": i},
         "status": "ok", "error": None,
         "scalars": {"metric/accuracy": 0.9 - i / 10, "metric/accuracy_std": 0.01, "time/train_seconds": 0.5,
                     "time/predict_seconds": 0.1, "model/num_features": 7, "model/num_rows_train": 275,
                     "model/size_bytes": 1000},
         "figures": {"01_performance/confusion_matrix": go.Figure(go.Heatmap(z=[[1, 0], [0, 1]]))}}
        for i, m in enumerate(["ridge", "random_forest"])
    ] + [{"candidate_id": "standard/broken", "preprocess_id": "standard", "model": "broken", "params": {},
          "status": "failed", "error": "ValueError: boom", "scalars": {}, "figures": {}}]
    pub.add({"candidates": True}, records, None)
    spec = TaskSpec(name="train [penguins] [r1]", project="AutoML/me/penguins",
                    tags=["run:r1", "phase:train", "dataset:penguins"],
                    sections={"Model": {"models": ["ridge", "random_forest"]}, "Optimization": {"api_key": "K"}},
                    config={"train": {"cv_folds": 5}, "clearml": {"secret_key": "S"}},
                    properties={"run_id": "r1", "dataset_key": "penguins"})
    children = [(TaskSpec(name=f"train [standard] [{r['model']}] [r1]", project="AutoML/me/penguins/train_models",
                          tags=["run:r1", f"model:{r['model']}"], sections={"Model": {"name": r["model"]}}), r)
                for r in records]
    out = Publisher(clearml, offline=True).publish(
        spec, pub, run_dir, [("config.yaml", run_dir / "config.yaml"), ("meta.json", run_dir / "meta.json")], children)
    write_manifest(run_dir, "r1", "train", "offline", out)
    return root, run_dir, out


def test_phase_and_children_sessions_are_kept_in_the_run_directory(published):
    root, run_dir, records = published
    assert [r["kind"] for r in records] == ["phase", "candidate", "candidate", "candidate"]
    for r in records:
        assert (run_dir / "clearml" / r["zip"]).is_file()
    rows = run_sessions(root, "r1")
    assert len(rows) == 4 and rows[0][0]["kind"] == "phase"
    assert not list((root / ".clearml_cache" / "offline").glob("*")), "session folders are moved, not copied"


def test_phase_session_content(published):
    _, run_dir, records = published
    s = read_session(run_dir / "clearml" / records[0]["zip"])
    assert s.name == "train [penguins] [r1]" and s.project == "AutoML/me/penguins"
    assert set(s.tags) == {"run:r1", "phase:train", "dataset:penguins"}
    sections = s.sections()
    assert sections["Model"]["models"] == '["ridge", "random_forest"]'
    assert sections["Optimization"]["api_key"] == "***"
    assert sections["properties"]["run_id"] == "r1"
    assert "S" not in s.configuration().replace("Secret", "")
    assert s.configuration() and "cv_folds = 5" in s.configuration()
    assert {"config.yaml", "meta.json", "leaderboard"} <= set(s.artifacts())
    assert ("02_leaderboard", "tradeoff") in s.plots() and ("02_leaderboard", "leaderboard") in s.plots()
    assert ("00_report", "report_md") in s.media() and ("99_debug", "missing_artifacts") in s.media()
    assert s.scalars()[("cv", "accuracy")] == 0.9 and s.scalars()[("Summary", "cv/nested/auc")] == 0.95
    assert [m["init"]["name"] for m in s.task["offline_output_models"]] == ["recommended_model"]
    assert "models/model.ckpt" in s.files


def test_children_have_their_parent_scalars_and_plots(published):
    _, run_dir, records = published
    parent_id = records[0]["id"]
    ok = read_session(run_dir / "clearml" / records[1]["zip"])
    assert ok.parent == parent_id and ok.name == "train [standard] [ridge] [r1]"
    assert ok.project == "AutoML/me/penguins/train_models"
    scalars = ok.scalars()
    for name in ["metric/accuracy", "metric/accuracy_std", "time/train_seconds", "time/predict_seconds",
                 "model/num_features", "model/num_rows_train", "model/size_bytes"]:
        assert ("Summary", name) in scalars
        assert tuple(name.split("/", 1)) in scalars
    assert ok.plots() == [("01_performance", "confusion_matrix")]
    failed = read_session(run_dir / "clearml" / records[3]["zip"])
    assert "status:failed" in failed.tags and records[3]["status"] == "failed"
    assert any("boom" in entry.get("msg", "") for entry in failed.logs)


def test_upload_preparation_remaps_parent_and_model_files(published, tmp_path):
    from automl_kedro.tracking.sessions import _prepare

    _, run_dir, records = published
    child = _prepare(run_dir / "clearml" / records[1]["zip"], tmp_path, "server-id-of-train")
    assert json.loads((child / "task.json").read_text())["parent"] == "server-id-of-train"
    phase = _prepare(run_dir / "clearml" / records[0]["zip"], tmp_path, None)
    data = json.loads((phase / "task.json").read_text())
    assert "parent" not in data
    weights = Path(data["offline_output_models"][0]["weights"]["weights_filename"])
    assert weights.is_file() and weights.read_bytes() == b"weights"
