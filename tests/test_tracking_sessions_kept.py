"""Offline sessions keep every event, also on a busy machine, and a short session is never lost.

Real ClearML SDK offline; the session zips are read back. The load is real: two busy processes run
while the tasks are published.
"""
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import plotly.graph_objects as go
import pandas as pd
import pytest

from automl_kedro.tracking.publisher import (
    Publication,
    Publisher,
    Reported,
    TaskSpec,
    keep_offline_session,
    write_manifest,
)
from automl_kedro.tracking.sdk import TASK_INIT_KWARGS, load_clearml
from automl_kedro.tracking.sessions import read_session, session_shortfall

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
SCALARS = ["metric/accuracy", "metric/accuracy_std", "time/train_seconds", "time/predict_seconds",
           "model/num_features", "model/num_rows_train", "model/size_bytes"]
N_CHILDREN = 10


def busy_processes(n: int = 2) -> list[subprocess.Popen]:
    """``n`` processes spinning a CPU each (the caller kills them)."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def _child_record(i: int, figure=None) -> dict:
    return {"candidate_id": f"standard/m{i}", "preprocess_id": "standard", "model": f"m{i}", "params": {},
            "status": "ok", "error": None,
            "scalars": {name: float(i) + k / 10 for k, name in enumerate(SCALARS)},
            "figures": {"01_performance/confusion_matrix": figure if figure is not None else go.Figure(go.Heatmap(z=[[i, 0], [0, 1]])),
                        "01_performance/residuals": go.Figure(go.Scatter(x=[1, 2], y=[i, 0]))},
            "tables": {"02_folds/cv_folds": pd.DataFrame({"fold": [0, 1], "score": [0.5, 0.6]})}}


def _publish(root: Path, records: list[dict]) -> tuple[Path, list[dict]]:
    run_dir = root / "train" / "2026-01-01" / "000000_default"
    run_dir.mkdir(parents=True)
    (run_dir / "config.yaml").write_text("train: {cv_folds: 5}\n")
    (run_dir / "meta.json").write_text(json.dumps({"run_id": "r1", "status": "complete"}))
    clearml = load_clearml(offline=True, cache_dir=root / ".clearml_cache")
    pub = Publication("train")
    pub.add({"scalars": "cv"}, {"accuracy": 0.9, "f1": 0.8}, None)
    pub.add({"plots": True}, {"02_leaderboard/tradeoff": go.Figure(go.Scatter(x=[1], y=[2]))}, None)
    pub.add({"candidates": True}, records, None)
    spec = TaskSpec(name="train [d] [r1]", project="AutoML/me/d", tags=["run:r1"])
    children = [(TaskSpec(name=f"train [standard] [{r['model']}] [r1]", project="AutoML/me/d/train_models",
                          tags=["run:r1"], sections={"Model": {"name": r["model"]}}), r) for r in records]
    out = Publisher(clearml, offline=True).publish(
        spec, pub, run_dir, [("config.yaml", run_dir / "config.yaml"), ("meta.json", run_dir / "meta.json")], children)
    write_manifest(run_dir, "r1", "train", "offline", out)
    return run_dir, out


def test_every_child_keeps_its_scalars_and_plots_under_load(tmp_path):
    busy = busy_processes(2)
    try:
        run_dir, records = _publish(tmp_path, [_child_record(i) for i in range(N_CHILDREN)])
    finally:
        for proc in busy:
            proc.kill()
            proc.wait()
    assert [r["kind"] for r in records] == ["phase"] + ["candidate"] * N_CHILDREN
    phase = read_session(run_dir / "clearml" / records[0]["zip"])
    assert {("cv", "accuracy"), ("cv", "f1")} <= set(phase.scalars())
    assert ("02_leaderboard", "tradeoff") in phase.plots()
    assert {"config.yaml", "meta.json"} <= set(phase.artifacts())
    for i, record in enumerate(records[1:]):
        assert "incomplete" not in record and "warning" not in record, record
        assert record["reported"] == {"scalars": 2 * len(SCALARS), "plots": 3, "media": 0, "artifacts": 0,
                                      "output_models": 0}
        child = read_session(run_dir / "clearml" / record["zip"])
        scalars = child.scalars()
        for k, name in enumerate(SCALARS):
            assert scalars[("Summary", name)] == pytest.approx(i + k / 10)
            assert scalars[tuple(name.split("/", 1))] == pytest.approx(i + k / 10)
        assert sorted(child.plots()) == [("01_performance", "confusion_matrix"), ("01_performance", "residuals"),
                                         ("02_folds", "cv_folds")]
    assert not list((tmp_path / ".clearml_cache" / "offline").glob("*")), "verified sessions leave no folder"
    manifest = json.loads((run_dir / "clearml" / "sessions.json").read_text())
    assert len([t for t in manifest["tasks"] if t.get("zip")]) == N_CHILDREN + 1


def test_one_bad_candidate_never_drops_the_others(tmp_path):
    records = [_child_record(0), _child_record(1, figure=object()), _child_record(2)]
    run_dir, out = _publish(tmp_path, records)
    good, bad, last = out[1], out[2], out[3]
    assert "warning" not in good and "warning" not in last
    assert "could not report everything" in bad["warning"] and "to_plotly_json" in bad["warning"]
    for row in (good, bad, last):
        assert (run_dir / "clearml" / row["zip"]).is_file()
    # what the bad one did report before the error is in its zip, and verified
    assert len(read_session(run_dir / "clearml" / bad["zip"]).scalars()) == 2 * len(SCALARS)
    assert "incomplete" not in bad
    assert len(read_session(run_dir / "clearml" / last["zip"]).plots()) == 3


def _closed_session(root: Path) -> tuple[Path, Reported]:
    """A real offline session, closed by the SDK: its folder and its zip, and what was reported."""
    clearml = load_clearml(offline=True, cache_dir=root / ".clearml_cache")
    task = clearml.Task.init(project_name="p", task_name="t", **TASK_INIT_KWARGS)
    log = task.get_logger()
    for i in range(5):
        log.report_scalar("metric", f"s{i}", float(i), iteration=0)
    log.report_plotly("01_performance", "curve", figure=go.Figure(go.Scatter(x=[1], y=[1])).to_dict(), iteration=0)
    task.flush(wait_for_uploads=True)
    task.close()
    return Path(task.get_offline_mode_folder()), Reported(scalars=5, plots=1)


def _rewrite_zip_without(archive: Path, member: str) -> None:
    with zipfile.ZipFile(archive) as zf:
        kept = {name: zf.read(name) for name in zf.namelist() if name != member}
    with zipfile.ZipFile(archive, "w") as zf:
        for name, blob in kept.items():
            zf.writestr(name, blob)


def test_a_short_zip_is_rebuilt_from_the_session_folder(tmp_path):
    folder, reported = _closed_session(tmp_path)
    archive = folder.parent / f"{folder.name}.zip"
    _rewrite_zip_without(archive, "metrics.jsonl")  # as if the SDK zipped before the events were written
    assert session_shortfall(archive, reported) == {"scalars": "0 of 5", "plots": "0 of 1"}
    fields = keep_offline_session(folder, tmp_path / "kept", "t1", reported)
    assert "incomplete" not in fields and fields["zip"] == "t1.zip"
    session = read_session(tmp_path / "kept" / "t1.zip")
    assert len(session.scalars()) == 5 and session.plots() == [("01_performance", "curve")]
    assert not folder.exists(), "the folder goes once the zip verified"


def test_an_incomplete_session_is_kept_and_marked(tmp_path):
    folder, reported = _closed_session(tmp_path)
    archive = folder.parent / f"{folder.name}.zip"
    _rewrite_zip_without(archive, "metrics.jsonl")
    (folder / "metrics.jsonl").unlink()  # the events are nowhere
    fields = keep_offline_session(folder, tmp_path / "kept", "t1", reported)
    assert fields["incomplete"] == {"scalars": "0 of 5", "plots": "0 of 1"}
    assert "offline session incomplete" in fields["warning"] and "scalars 0 of 5" in fields["warning"]
    assert folder.is_dir() and fields["session_folder"] == str(folder), "never deleted before it verifies"
    assert (tmp_path / "kept" / "t1.zip").is_file()


def test_shortfall_names_lost_artifacts_and_models(tmp_path):
    folder, _ = _closed_session(tmp_path)
    archive = folder.parent / f"{folder.name}.zip"
    wanted = Reported(scalars=5, plots=1, artifacts=["leaderboard"], output_models=1)
    assert session_shortfall(archive, wanted) == {"output_models": "0 of 1", "artifacts": "without leaderboard"}
    assert session_shortfall(archive, Reported(scalars=5, plots=1)) == {}
