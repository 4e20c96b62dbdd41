"""The data phases through a real KedroSession: the messy file audited and featurized end to end."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from automl_kedro.errors import AutoMLInputError
from conftest import FAST


def _only(project: Path, process: str) -> Path:
    found = sorted(p for p in (project / "runs" / process).glob("*/*") if p.is_dir())
    assert len(found) == 1, process
    return found[0]


@pytest.mark.slow
def test_messy_file_through_build_audit_and_featurize(project, run):
    params = {**FAST, "data.path": "data/01_raw/messy_example.csv", "data.target": "churned",
              "data.personal_columns": ["full_name"]}
    run("build_dataset", params, tracking="disabled")
    run("audit_dataset", params, tracking="disabled")
    run("featurize", params, tracking="disabled")
    build = _only(project, "build_dataset")
    info = json.loads((build / "dataset" / "dataset_info.json").read_text())
    assert info["delimiter"] == ";" and info["n_rows"] == 151 and len(info["dataset_hash"]) == 64
    assert json.loads((build / "meta.json").read_text())["dataset_hash"] == info["dataset_hash"]
    data = pd.read_parquet(build / "dataset" / "data.parquet")
    assert {"sample_id", "split"} <= set(data.columns)
    audit = _only(project, "audit_dataset")
    report = json.loads((audit / "audit" / "audit_report.json").read_text())
    assert report["findings"][0]["id"] == "leakage"
    assert "Suspected leakage" in (audit / "audit" / "audit_report.md").read_text()
    assert (audit / "plots" / "03_features__correlation_top.json").exists()
    features = _only(project, "featurize")
    samples = pd.read_csv(features / "features" / "sample_rows.csv")
    assert (samples[samples["source_columns"] == "full_name"]["value"] == "***").all()
    manifest = json.loads((features / "features" / "features_manifest.json").read_text())
    assert "postcode_freq" in [f["name"] for f in manifest["variants"]["standard"]["features"]]


@pytest.mark.slow
def test_malformed_row_is_named_by_line(project, run):
    bad = project / "data" / "bad_row.csv"
    bad.write_text("a,b,species\n1,2,x\n3,4,y\n5,6,7,z\n")
    with pytest.raises(AutoMLInputError, match="line 4: expected 3 fields"):
        run("build_dataset", {**FAST, "data.path": str(bad)}, tracking="disabled")
    assert not (project / "runs" / "build_dataset").exists()
