"""Declared personal columns go nowhere: not a feature, no value in any file under runs/ (zips included)."""
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from automl_kedro.data import build_dataset
from automl_kedro.data.audit import audit
from automl_kedro.errors import AutoMLInputError

from conftest import FAST

ROOT = Path(__file__).resolve().parents[1]
MESSY = ROOT / "data" / "01_raw" / "messy_example.csv"
PERSONAL = {"path": str(MESSY), "target": "churned", "personal_columns": ["full_name"]}


def _names() -> list[str]:
    raw = pd.read_csv(MESSY, sep=";", encoding="latin-1", dtype=str)
    names = sorted(set(raw["full_name"].dropna()))
    others = raw.drop(columns=["full_name"]).to_numpy().ravel().tolist()
    assert names and not set(names) & set(others), "the names must be distinctive for this test to mean anything"
    return names


def _needles(values: list[str]) -> list[bytes]:
    """Each value as it could be stored: UTF-8, Latin-1, JSON-escaped."""
    out = set()
    for value in values:
        out |= {value.encode("utf-8"), value.encode("latin-1", "ignore"), json.dumps(value)[1:-1].encode()}
    return [n for n in out if len(n) >= 4]


def _holders(name: str, blob: bytes, needles: list[bytes]) -> list[str]:
    """Names of the files (zip members included, recursively; parquet read as a table) holding a needle."""
    found = []
    if name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(blob)) as zf:
            for member in zf.namelist():
                found += _holders(f"{name}!{member}", zf.read(member), needles)
        return found
    if name.endswith(".parquet"):
        blob = pd.read_parquet(io.BytesIO(blob)).to_csv(index=False).encode("utf-8")
    if any(n in blob for n in needles):
        found.append(name)
    return found


def test_a_personal_column_is_dropped_when_read_and_named_by_the_audit():
    built = build_dataset(PERSONAL, {})
    assert "full_name" not in built.dataset.columns and "full_name" not in built.schema["feature_columns"]
    assert built.schema["personal_columns"] == ["full_name"]
    assert "personal" in built.schema["excluded_columns"]["full_name"]
    report, md = audit(built.dataset, built.schema)
    finding = {f["id"]: f for f in report["findings"]}["personal"]
    assert finding["columns"] == ["full_name"] and "excluded" in finding["detail"]
    assert "`full_name`" in md
    assert "full_name" not in {p["column"] for p in report.get("columns", [])}
    blob = json.dumps(report, ensure_ascii=False).encode() + md.encode()
    assert not [n for n in _needles(_names()) if n in blob]


def test_a_personal_id_column_stays_as_the_row_name_but_is_not_profiled(tmp_path):
    rows = [{"person_id": f"PX-{i:04d}", "x": i % 7, "y": "ab"[i % 2]} for i in range(60)]
    pd.DataFrame(rows).to_csv(tmp_path / "t.csv", index=False)
    built = build_dataset({"path": str(tmp_path / "t.csv"), "target": "y", "id_column": "person_id",
                           "personal_columns": ["person_id"]}, {})
    assert set(built.dataset["sample_id"]) == {r["person_id"] for r in rows}
    report, md = audit(built.dataset, built.schema)
    profiles = {p["column"]: p for p in report["columns"]}
    assert "person_id" not in profiles or profiles["person_id"]["top_value"] == "***"
    assert "PX-" not in json.dumps(report) + md
    assert "`person_id`" in {f["id"]: f for f in report["findings"]}["personal"]["detail"]


@pytest.mark.parametrize("setting", ["data.target", "data.feature_columns", "split.group_column"])
def test_a_personal_column_cannot_be_used_elsewhere(setting):
    data = dict(PERSONAL)
    split = {}
    if setting == "data.target":
        data["target"] = "full_name"
    elif setting == "data.feature_columns":
        data["feature_columns"] = ["age", "full_name"]
    else:
        split["group_column"] = "full_name"
    with pytest.raises(AutoMLInputError, match=setting.replace(".", r"\.") + ".*personal"):
        build_dataset(data, split)


@pytest.mark.slow
def test_no_file_under_runs_holds_a_personal_value(project, run):
    params = {**FAST, "data.path": "data/01_raw/messy_example.csv",
              "data.target": "churned", "data.personal_columns": ["full_name"]}
    run("train", params, tracking="offline")
    runs = project / "runs"
    files = [p for p in runs.rglob("*") if p.is_file()]
    assert any(p.suffix == ".zip" for p in files) and any(p.suffix == ".parquet" for p in files)
    needles = _needles(_names())
    holders = [h for p in files for h in _holders(str(p.relative_to(runs)), p.read_bytes(), needles)]
    assert holders == []
    audit_dir = next(runs.glob("audit_dataset/*/*"))
    report = json.loads((audit_dir / "audit" / "audit_report.json").read_text())
    assert {f["id"]: f for f in report["findings"]}["personal"]["columns"] == ["full_name"]
