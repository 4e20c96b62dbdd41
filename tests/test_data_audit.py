"""audit_dataset: findings with severities, leakage, shift, figures, plain-language markdown."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from sklearn.datasets import load_breast_cancer, load_diabetes

from automl_kedro.data import build_dataset
from automl_kedro.data.audit import audit, check_leakage
from automl_kedro.data.figures import audit_figures

ROOT = Path(__file__).resolve().parents[1]
PENGUINS = ROOT / "data" / "01_raw" / "penguins.csv"
MESSY = ROOT / "data" / "01_raw" / "messy_example.csv"


def _ids(report):
    return {f["id"]: f for f in report["findings"]}


def test_penguins_audit_is_clean_and_readable():
    built = build_dataset({"path": str(PENGUINS), "target": "species"}, {})
    report, md = audit(built.dataset, built.schema)
    json.dumps(report)  # JSON-ready
    assert report["summary"]["n_rows"] == 344 and report["summary"]["n_features"] == 7
    assert report["severity_counts"]["critical"] == 0
    assert report["target"]["class_counts"] == {"Adelie": 152, "Gentoo": 124, "Chinstrap": 68}
    assert report["missing_rate"]["sex"] == round(11 / 344, 4)
    assert "leakage" not in _ids(report)
    assert all(0 <= s < 0.95 for s in report["leakage"]["scores"].values())
    for finding in report["findings"]:
        assert finding["severity"] in ("info", "warning", "critical") and finding["action"]
    assert md.startswith("# Data check: can we learn to predict `species`?")
    assert "| island | categorical | yes |" in md and "Why: A text, category" in md


def test_infinite_numbers_are_reported_and_rows_with_an_infinite_target_left_out(tmp_path):
    rng = np.random.default_rng(0)
    n = 120
    ratio = rng.normal(size=n).round(3).astype(str)
    ratio[[3, 40, 77]] = ["inf", "-inf", "inf"]
    target = rng.normal(size=n).round(3).astype(str)
    target[5] = "inf"
    path = tmp_path / "ratios.csv"
    pd.DataFrame({"ratio": ratio, "other": rng.normal(size=n), "y": target}).to_csv(path, index=False)
    built = build_dataset({"path": str(path), "target": "y"}, {})
    assert len(built.dataset) == n - 1 and np.isfinite(built.dataset["y"]).all()
    assert any("1 row(s) without a target value (empty or infinite)" in note for note in built.schema["notes"])
    report, md = audit(built.dataset, built.schema)
    finding = _ids(report)["infinite_values"]
    assert finding["severity"] == "warning" and finding["columns"] == ["ratio"]
    assert "3 cell(s)" in finding["detail"] and "Infinite numbers" in md
    profile = next(p for p in report["columns"] if p["column"] == "ratio")
    assert profile["n_infinite"] == 3 and np.isfinite([profile["min"], profile["max"], profile["mean"]]).all()
    json.dumps(profile, allow_nan=False)  # strict JSON: no Infinity
    assert "missing_target" in _ids(report)
    assert "infinite_values" not in _ids(audit(*_penguins())[0])


def test_values_spelled_in_several_ways_are_named_with_the_fix_and_blanks_do_not_count(tmp_path):
    rng = np.random.default_rng(1)
    n = 200
    frame = pd.DataFrame({"answer": rng.choice(["Yes", "yes ", " no", "No"], n), "x": rng.normal(size=n),
                          "city": rng.choice(["Paris", "paris", "Lyon"], n)})
    frame.to_csv(tmp_path / "survey.csv", index=False)
    built = build_dataset({"path": str(tmp_path / "survey.csv"), "target": "answer"}, {})
    assert built.schema["classes"] == ["No", "Yes", "no", "yes"]  # blanks stripped when read; case kept
    finding = _ids(audit(built.dataset, built.schema)[0])["spelling_variants"]
    assert finding["columns"] == ["city", "answer"]
    assert "`answer`: 'No' / 'no', 'Yes' / 'yes'" in finding["detail"] and "'Paris' / 'paris'" in finding["detail"]
    assert "data.edit.replace: {city: {'paris': 'Paris'}}" in finding["action"]
    fixed = build_dataset({"path": str(tmp_path / "survey.csv"), "target": "answer",
                           "edit": {"replace": {"answer": {"yes": "Yes", "no": "No"}, "city": {"paris": "Paris"}}}}, {})
    assert fixed.schema["classes"] == ["No", "Yes"] and fixed.schema["problem_type"] == "binary"
    assert "spelling_variants" not in _ids(audit(fixed.dataset, fixed.schema)[0])


def _penguins():
    built = build_dataset({"path": str(PENGUINS), "target": "species"}, {})
    return built.dataset, built.schema


def test_messy_file_findings():
    built = build_dataset({"path": str(MESSY), "target": "churned", "personal_columns": ["full_name"]}, {})
    report, md = audit(built.dataset, built.schema)
    found = _ids(report)
    assert found["leakage"]["severity"] == "critical" and found["leakage"]["columns"] == ["refund_issued"]
    assert report["findings"][0]["severity"] == "critical"  # sorted: critical first
    for fid in ("encoding", "delimiter", "missing_many", "duplicates", "high_cardinality", "id_like", "outliers"):
        assert found[fid]["severity"] == "warning", fid
    assert "customer_id" in found["id_like"]["columns"]
    assert "postcode" in found["high_cardinality"]["columns"]
    assert "age" in found["outliers"]["columns"]
    assert found["constant"]["columns"] == ["country"]
    assert found["missing_target"]["severity"] == "info"
    assert report["summary"]["n_duplicate_rows"] == 3
    assert "needs attention" in md and "Suspected leakage" in md and "Besançon" not in md


def test_leakage_found_for_a_leaked_numeric_column_in_regression():
    data = load_diabetes(as_frame=True).frame
    rng = np.random.default_rng(0)
    data["leak"] = data["target"] * 2 + rng.normal(0, 1, len(data))
    schema = {"target": "target", "problem_type": "regression", "feature_columns": ["bmi", "leak"],
              "column_types": {"bmi": "numeric", "leak": "numeric"}}
    scores = check_leakage(data, schema)
    assert scores["leak"] > 0.95 and scores["bmi"] < 0.5


def test_shift_and_imbalance_detected():
    data = load_breast_cancer(as_frame=True).frame
    data["target"] = data["target"].map({0: "malignant", 1: "benign"})
    data = data.sort_values("mean radius").reset_index(drop=True)
    keep = (data["target"] == "benign") | (np.arange(len(data)) % 10 == 0)  # make malignant rare
    data = data[keep].reset_index(drop=True)
    dataset = data.assign(sample_id=[str(i) for i in range(len(data))],
                          split=np.where(np.arange(len(data)) >= int(0.8 * len(data)), "test", "train"))
    features = ["mean radius", "mean texture"]
    schema = {"target": "target", "problem_type": "binary", "feature_columns": features,
              "column_types": {c: "numeric" for c in features}, "target_type": "categorical"}
    report, _ = audit(dataset, schema)
    found = _ids(report)
    assert "mean radius" in found["shift"]["columns"]  # sorted by radius: the test rows are the largest
    assert report["shift"]["columns"]["mean radius"]["statistic"] > 0.5
    assert found["imbalance"]["severity"] == "warning"


def test_big_data_is_sampled_and_figures_have_the_right_titles():
    rng = np.random.default_rng(1)
    n = 30_000
    frame = pd.DataFrame({"a": rng.normal(size=n), "b": rng.choice(list("xyz"), n), "c": rng.exponential(size=n)})
    frame["y"] = frame["a"] * 3 + rng.normal(size=n)
    frame.loc[rng.choice(n, 3000, replace=False), "c"] = np.nan
    dataset = frame.assign(sample_id=[str(i) for i in range(n)], split=np.where(rng.random(n) < 0.2, "test", "train"))
    schema = {"target": "y", "problem_type": "regression", "feature_columns": ["a", "b", "c"],
              "column_types": {"a": "numeric", "b": "categorical", "c": "numeric"}, "target_type": "numeric"}
    report, md = audit(dataset, schema, {"sample_rows": 5000})
    assert report["summary"]["sampled_rows"] == 5000 and "random sample of 5,000 rows" in md
    assert report["missing_rate"]["c"] == 0.1
    figures = audit_figures(dataset, schema, report, top_n=5, sample_rows=2000)
    assert list(figures) == ["01_target/target_distribution", "02_quality/missing_rate_top",
                             "03_features/numeric_distributions", "03_features/correlation_top"]
    assert all(isinstance(f, go.Figure) for f in figures.values())
    heat = figures["03_features/correlation_top"].data[0]
    assert heat.x[0] == "y (target)" and heat.x[1] == "a"
    assert sum(len(t.x) for t in figures["03_features/numeric_distributions"].data) <= 2 * 2000


def test_the_audit_defaults_are_audit_params_and_the_shipped_yaml_states_them():
    """One source for the audit thresholds: AuditParams; conf/base states exactly its defaults."""
    import yaml

    from automl_kedro.config.data import AuditParams
    from automl_kedro.data.audit import audit_settings

    shipped = yaml.safe_load((ROOT / "conf" / "base" / "parameters_audit_dataset.yml").read_text())["audit"]
    assert shipped == AuditParams().model_dump()
    assert audit_settings(None) == AuditParams().model_dump()
    assert audit_settings({"missing_warning": 0.5, "seed": None}) == {**AuditParams().model_dump(), "missing_warning": 0.5}


def test_a_threshold_moves_a_finding_and_is_reported_in_the_settings():
    built = build_dataset({"path": str(PENGUINS), "target": "species"}, {})
    default, _ = audit(built.dataset, built.schema)
    strict, md = audit(built.dataset, built.schema, {"missing_warning": 0.02})
    assert "missing_many" not in _ids(default) and _ids(default)["missing_some"]["columns"] == [
        "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex"]
    assert _ids(strict)["missing_many"]["columns"] == ["sex"]  # 11 of 344 rows: 3.2%
    assert strict["settings"]["missing_warning"] == 0.02 and "at least 2.0% of rows" in md
