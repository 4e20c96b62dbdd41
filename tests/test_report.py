"""report.md from hand-made inputs (section order, values, risks, missing pieces) and on a real run."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from automl_kedro.report.render import ReportInputs, build_markdown, missing_artifacts, render_report
from conftest import FAST

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
    "greater_is_better": True,
    "seed": 42,
    "recommended": {"candidate_id": "std/hgb", "model": "hgb", "score": 0.95, "std": 0.02, "predict_seconds": 0.010,
                    "size_bytes": 200_000},
    "alternatives": {"fastest_within_1std": {"candidate_id": "std/linear", "score": 0.94, "predict_seconds": 0.001,
                                             "size_bytes": 4096}},
    "rationale": "No candidate beat the incumbent std/hgb by more than 1 standard error(s) of the paired per-fold "
                 "accuracy differences.",
}
SCHEMA = {"target": "species", "problem_type": "multiclass", "problem_type_rule": "text target -> classification"}
INFO = {"dataset_key": "penguins", "n_rows": 344, "n_train": 275, "n_val": 0, "n_test": 69, "dataset_hash": "abc"}
AUDIT = {"severity_counts": {"critical": 1},
         "findings": [{"id": "leakage", "severity": "critical", "title": "Suspected leakage", "detail": "`x` gives it away",
                       "action": "drop it", "columns": ["x"]},
                      {"id": "duplicates", "severity": "warning", "title": "Duplicate rows", "action": "dedupe"}]}
INVENTORY = [
    {"process": "train", "run_dir": "/r/train", "file": "model/model.ckpt", "present": True},
    {"process": "evaluate", "run_dir": "/r/evaluate", "file": "predictions.csv", "present": False},
]
TEST = {"accuracy": 0.9565, "n_test": 69, "primary_metric": "accuracy"}


def render(**changes):
    inputs = dict(recommendation=RECOMMENDATION, leaderboard=LEADERBOARD, test_metrics=TEST, audit_report=AUDIT,
                  schema=SCHEMA, dataset_info=INFO, inventory=INVENTORY, top_k=2,
                  train_meta={"git_sha": "0123456789abcdef"}, environment={"python": "3.11"})
    inputs.update(changes)
    return build_markdown(ReportInputs(run_info={"run_id": "r-1", "dataset_key": "penguins"}, **inputs))


def section(text: str, title: str) -> str:
    start = text.index(title)
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def test_sections_come_in_the_fixed_order():
    text = render()
    order = ["## Decision Summary", "## Risk checklist", "## Test results", "## Top-K", "## Alternatives",
             "## Candidates that failed", "## Data audit highlights", "## Plots", "## Missing artifacts"]
    positions = [text.index(title) for title in order]
    assert positions == sorted(positions)
    assert text.startswith("# AutoML report — penguins [r-1]")


def test_decision_summary_leads_with_the_test_score_and_says_when_cv_disagrees():
    agree = section(render(), "## Decision Summary")
    first = agree.splitlines()[2]
    assert first.startswith("**Test accuracy: 0.9565** on 69 rows") and "cross-validation accuracy 0.9500 ± 0.0200" in first
    assert "They agree within chance (difference 0.0065, twice the fold-to-fold spread is 0.0400)" in agree
    disagree = section(render(test_metrics={**TEST, "accuracy": 0.80}), "## Decision Summary")
    assert "They disagree beyond chance: the test score is 0.1500 lower than cross-validation" in disagree
    assert "Recommended model: **std/hgb**, accuracy 0.95, predicts in 10.0 ms, 195.3 KiB." in disagree


def test_jargon_is_explained_in_one_clause():
    text = render()
    assert "the incumbent (the simpler model kept unless another one is clearly better) std/hgb" in text
    assert "1 standard error(s) (the uncertainty of an average)" in text
    assert "paired per-fold (compared fold by fold on the same rows)" in text
    assert "1std" not in text and "fastest within" not in text.lower().replace("fastest model", "")
    assert "**Fastest model that scores within one standard deviation (the usual fold-to-fold spread) of the " \
           "recommended one**: **std/linear**" in text


def test_risk_checklist_names_each_risk_with_a_severity():
    risks = section(render(test_metrics={**TEST, "accuracy": 0.80}), "## Risk checklist")
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| ([^|]+) \| \*\*(\w+)\*\* \|", risks, re.M)}
    assert rows == {
        "Data quality": "medium",  # the duplicate-rows warning (leakage is its own row)
        "Leakage (a column that gives the answer away)": "high",
        "Overfitting (scores that will not hold on new rows)": "high",
        "Extrapolation (new rows unlike the training rows)": "medium",
        "Speed and size": "low",
        "Reproducibility": "low",
    }
    assert "Suspected leakage: x." in risks and "worse than cross-validation (0.9500) by 0.1500" in risks
    assert "seed 42, dataset hash abc, git commit 0123456789, versions python 3.11" in risks
    calm = section(render(audit_report={"findings": [], "leakage": {"scores": {"island": 0.78}}}, train_meta={}),
                   "## Risk checklist")
    assert "| Leakage (a column that gives the answer away) | **low** |" in calm and "island, scores 0.78" in calm
    assert "| Overfitting (scores that will not hold on new rows) | **low** |" in calm
    assert "| Reproducibility | **medium** |" in calm and "Not recorded: the code version (git commit)." in calm


def test_values_are_quoted_readably():
    text = render()
    assert "| accuracy | 0.9565 |" in text
    by_speed = text[text.index("### Top 2 by speed"):text.index("### Top 2 by size")]
    assert by_speed.index("std/linear") < by_speed.index("std/hgb")
    assert "0.9500 ± 0.0200" in text and "ValueError: boom" in text
    assert "- **critical** Suspected leakage: `x` gives it away — drop it" in text
    assert "| evaluate | predictions.csv | /r/evaluate |" in text


def test_intervals_importance_and_plots_are_stated_when_present():
    importance = pd.DataFrame({"feature": ["a", "b", "c"], "importance": [0.1, 0.7, 0.2]})
    plots = [{"process": "evaluate", "title": "confusion matrix", "link": "../../../evaluate/d/t/plots/x.html"}]
    text = render(test_metrics={**TEST, "interval_coverage": 0.88, "interval_mean_width": 12.5, "interval_level": 0.9},
                  feature_importance=importance, plots=plots)
    assert "the 90% intervals contained the true value for 88% of the test rows, 12.5 wide on average" in text
    assert "The features that matter most to the model: `b`, `c`, `a`" in text
    assert "- **evaluate**: [confusion matrix](../../../evaluate/d/t/plots/x.html)" in text


def test_a_missing_leaderboard_gives_a_shorter_report_that_says_so():
    text = render(leaderboard=None)
    assert "The leaderboard is missing: only the candidates the recommendation names are listed." in text
    top = section(text, "## Top-K")
    assert "std/hgb" in top and "std/linear" in top and "std/svm" not in top
    assert "## Candidates that failed" not in text
    assert "missing: the leaderboard (train/leaderboard.csv)" in section(text, "## Missing artifacts")


def test_a_report_with_almost_nothing_still_renders():
    text = render_report(None, None, None, None, None, None, {"run_id": "r-2", "dataset_key": "d"}, [])
    assert text.startswith("# AutoML report — d [r-2]")
    assert "**Test score not available** (the evaluate output is missing)" in text
    assert "No recommendation is available" in text
    assert text.count("**unknown**") >= 4
    for piece in ("the recommendation", "the leaderboard", "the test results", "the data audit"):
        assert piece in section(text, "## Missing artifacts")


def test_missing_artifacts_lists_only_absent_files():
    frame = missing_artifacts(INVENTORY)
    assert frame[["process", "file"]].values.tolist() == [["evaluate", "predictions.csv"]]


@pytest.mark.slow
def test_report_phase_alone_survives_a_removed_leaderboard(project, run):
    run("train", {**FAST, "run.id": "t1"}, tracking="disabled")
    train_dir = next((project / "runs" / "train").glob("*/*"))
    (train_dir / "leaderboard.csv").unlink()
    run("report", None, tracking="disabled")
    report_dir = sorted((project / "runs" / "report").glob("*/*"))[-1]
    text = (report_dir / "report.md").read_text()
    assert "The leaderboard is missing" in text and "## Risk checklist" in text
    assert text.index("**Test accuracy:") < text.index("cross-validation accuracy")
    assert "| train | leaderboard.csv |" in section(text, "## Missing artifacts")
    links = re.findall(r"\]\((\.\./[^)]+\.html)\)", section(text, "## Plots"))
    assert links and all((report_dir / link).resolve().is_file() for link in links)
    assert any("/evaluate/" in link for link in links) and any("/audit_dataset/" in link for link in links)
