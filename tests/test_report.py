"""report.md from hand-made inputs: the fixed section order and the values it quotes."""
import pandas as pd

from automl_kedro.report.render import missing_artifacts, render_report

LEADERBOARD = pd.DataFrame(
    [
        {"candidate_id": "std/hgb", "model": "hgb", "preprocess_id": "std", "status": "ok", "error": None,
         "cv_accuracy_mean": 0.95, "cv_accuracy_std": 0.02, "predict_seconds": 0.010, "size_bytes": 200_000},
        {"candidate_id": "std/linear", "model": "linear", "preprocess_id": "std", "status": "ok", "error": None,
         "cv_accuracy_mean": 0.94, "cv_accuracy_std": 0.01, "predict_seconds": 0.001, "size_bytes": 4_096},
        {"candidate_id": "std/svm", "model": "svm", "preprocess_id": "std", "status": "failed", "error": "ValueError: boom",
         "cv_accuracy_mean": None, "cv_accuracy_std": None, "predict_seconds": None, "size_bytes": None},
    ]
)
RECOMMENDATION = {
    "primary_metric": "accuracy",
    "recommended": {"candidate_id": "std/hgb", "model": "hgb", "score": 0.95, "predict_seconds": 0.010, "size_bytes": 200_000},
    "alternatives": {"fastest_within_1std": {"candidate_id": "std/linear", "score": 0.94, "predict_seconds": 0.001, "size_bytes": 4096}},
    "rationale": "hgb has the best mean cross-validated accuracy.",
}
SCHEMA = {"target": "species", "problem_type": "multiclass", "problem_type_rule": "text target -> classification"}
INFO = {"dataset_key": "penguins", "n_rows": 344, "n_train": 275, "n_val": 0, "n_test": 69, "dataset_hash": "abc"}
AUDIT = {"findings": [{"severity": "critical", "title": "Suspected leakage", "detail": "`x` gives it away", "action": "drop it"}]}
INVENTORY = [
    {"process": "train", "run_dir": "/r/train", "file": "model/model.ckpt", "present": True},
    {"process": "evaluate", "run_dir": "/r/evaluate", "file": "predictions.csv", "present": False},
]


def render():
    return render_report(RECOMMENDATION, LEADERBOARD, {"accuracy": 0.9565, "n_test": 69}, AUDIT, SCHEMA, INFO,
                         {"run_id": "r-1", "dataset_key": "penguins"}, INVENTORY, top_k=2)


def test_sections_come_in_the_fixed_order():
    text = render()
    order = ["## Decision Summary", "## Test results", "## Top-K", "## Alternatives",
             "## Candidates that failed", "## Data audit highlights", "## Missing artifacts"]
    positions = [text.index(title) for title in order]
    assert positions == sorted(positions)
    assert text.startswith("# AutoML report — penguins [r-1]")


def test_values_are_quoted_readably():
    text = render()
    assert "Recommended model: **std/hgb**, accuracy 0.95, predicts in 10.0 ms, 195.3 KiB." in text
    assert "| accuracy | 0.9565 |" in text
    by_speed = text[text.index("### Top 2 by speed"):text.index("### Top 2 by size")]
    assert by_speed.index("std/linear") < by_speed.index("std/hgb")
    assert "0.9500 ± 0.0200" in text
    assert "**fastest within 1std**: **std/linear**" in text
    assert "ValueError: boom" in text
    assert "- **critical** Suspected leakage: `x` gives it away — drop it" in text
    assert "| evaluate | predictions.csv | /r/evaluate |" in text


def test_missing_artifacts_lists_only_absent_files():
    frame = missing_artifacts(INVENTORY)
    assert frame[["process", "file"]].values.tolist() == [["evaluate", "predictions.csv"]]
