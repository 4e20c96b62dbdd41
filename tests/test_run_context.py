"""Run ids, run directories and upstream look-up, without Kedro."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from automl_kedro.errors import AutoMLInputError
from automl_kedro.run_context import (
    RUN_ID_PATTERN,
    RunContext,
    dataset_key_for,
    find_run,
    new_run_id,
    resolve_run_id,
)

NOW = datetime(2026, 11, 22, 14, 30, 5)


def test_new_run_id_has_the_contract_format_and_is_unique():
    ids = {new_run_id(NOW) for _ in range(50)}
    assert len(ids) == 50
    assert all(RUN_ID_PATTERN.match(i) and i.startswith("20261122-143005-") for i in ids)


def test_run_id_precedence_parameter_then_environment(monkeypatch):
    monkeypatch.setenv("AUTO_ML_RUN_ID", "from-env")
    assert resolve_run_id("from-param", NOW) == "from-param"
    assert resolve_run_id(None, NOW) == "from-env"
    monkeypatch.delenv("AUTO_ML_RUN_ID")
    assert RUN_ID_PATTERN.match(resolve_run_id(None, NOW))
    with pytest.raises(AutoMLInputError, match="may only hold"):
        resolve_run_id("bad id/..", NOW)


def test_dataset_key_from_file_name_unless_set():
    assert dataset_key_for("data/01_raw/My Sales 2024.csv", None) == "My_Sales_2024"
    assert dataset_key_for("x.csv", "sales") == "sales"


def _ctx(tmp_path: Path, run_id: str, now: datetime = NOW, **params) -> RunContext:
    return RunContext.create({"run": {"id": run_id, "experiment": "exp"}, "data": {"path": "d/penguins.csv"}, **params}, tmp_path, now)


def test_run_dir_layout_and_no_collision_in_the_same_second(tmp_path):
    a, b = _ctx(tmp_path, "run-a"), _ctx(tmp_path, "run-b")
    da, db = a.run_dir("train"), b.run_dir("train")
    assert da == tmp_path / "runs" / "train" / "2026-11-22" / "143005_exp"
    assert db != da and db.parent == da.parent
    for d, run_id in ((da, "run-a"), (db, "run-b")):
        meta = json.loads((d / "meta.json").read_text())
        assert meta["run_id"] == run_id and meta["status"] == "running"
        assert (d / "config.yaml").is_file() and (d / "logs").is_dir()


def test_find_run_takes_the_latest_complete_or_a_named_one(tmp_path):
    older = _ctx(tmp_path, "older", NOW)
    older.run_dir("train"); older.finish("train", "complete")
    newer = _ctx(tmp_path, "newer", datetime(2026, 11, 22, 15, 0, 0))
    newer.run_dir("train"); newer.finish("train", "complete")
    failed = _ctx(tmp_path, "failed", datetime(2026, 11, 22, 16, 0, 0))
    failed.run_dir("train"); failed.finish("train", "failed", error="boom")
    runs = tmp_path / "runs"
    assert find_run(runs, "train").name == "150000_exp"
    assert find_run(runs, "train", "older").name == "143005_exp"
    with pytest.raises(AutoMLInputError, match="No complete 'train' run with run_id 'failed'"):
        find_run(runs, "train", "failed")
    with pytest.raises(AutoMLInputError, match="No complete 'evaluate' run"):
        find_run(runs, "evaluate")
    meta = json.loads((failed.run_dir("train") / "meta.json").read_text())
    assert meta["status"] == "failed" and meta["error"] == "boom"


def test_secrets_never_reach_config_or_meta(tmp_path):
    ctx = _ctx(tmp_path, "secret-run", clearml={"api_secret_key": "s3cr3t", "mode": "offline"})
    d = ctx.run_dir("build_dataset")
    text = (d / "config.yaml").read_text() + (d / "meta.json").read_text()
    assert "s3cr3t" not in text and "offline" in text
