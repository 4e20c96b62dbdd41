"""Run ids, run directories and upstream look-up, without Kedro."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
import yaml

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


def test_runs_of_the_same_settings_share_a_config_hash_and_a_changed_setting_changes_it(tmp_path):
    def meta(run_id: str, **params) -> dict:
        d = _ctx(tmp_path, run_id, **params).run_dir("train")
        assert yaml.safe_load((d / "config.yaml").read_text())["run"]["id"] == run_id, "config.yaml keeps the id"
        return json.loads((d / "meta.json").read_text())

    a, b = meta("run-a", train={"seed": 1}), meta("run-b", train={"seed": 1})
    c = meta("run-c", train={"seed": 2})
    assert a["run_id"] != b["run_id"] and a["config_hash"] == b["config_hash"]
    assert c["config_hash"] != a["config_hash"]


def test_secrets_never_reach_config_or_meta(tmp_path):
    ctx = _ctx(tmp_path, "secret-run", train={"api_secret_key": "s3cr3t", "storage": "offline"})
    d = ctx.run_dir("build_dataset")
    text = (d / "config.yaml").read_text() + (d / "meta.json").read_text()
    assert "s3cr3t" not in text and "offline" in text


def _claim_run_dir(root: str, run_id: str, barrier, results) -> None:
    ctx = _ctx(Path(root), run_id)
    barrier.wait()
    try:
        results.put(str(ctx.run_dir("train")))
    except Exception as exc:  # noqa: BLE001 - reported to the test
        results.put(f"ERROR {type(exc).__name__}: {exc}")


def test_run_dirs_never_race_between_processes(tmp_path):
    """Processes started at the same instant with the same run id: each gets its own directory."""
    import multiprocessing

    mp = multiprocessing.get_context("fork")
    n = 8
    for trial in range(4):  # each trial in a fresh project: all processes claim the same names
        root = tmp_path / f"trial{trial}"
        barrier, results = mp.Barrier(n), mp.Queue()
        procs = [mp.Process(target=_claim_run_dir, args=(str(root), "20261122-143005-abcdef", barrier, results))
                 for _ in range(n)]
        for proc in procs:
            proc.start()
        got = [results.get(timeout=120) for _ in range(n)]
        for proc in procs:
            proc.join()
        assert not [g for g in got if g.startswith("ERROR")]
        assert len(set(got)) == n
        for path in map(Path, got):
            assert json.loads((path / "meta.json").read_text())["status"] == "running"
            assert (path / "config.yaml").is_file() and (path / "logs").is_dir()


def test_run_dirs_never_race_between_threads(tmp_path):
    import queue
    import threading

    n = 32
    barrier, results = threading.Barrier(n), queue.Queue()
    threads = [threading.Thread(target=_claim_run_dir, args=(str(tmp_path), f"20261122-143005-{i:06x}", barrier, results))
               for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    got = [results.get_nowait() for _ in range(n)]
    assert not [g for g in got if g.startswith("ERROR")] and len(set(got)) == n


def test_a_directory_claimed_between_check_and_create_is_never_shared(tmp_path, monkeypatch):
    """The losing interleaving, made certain: another run creates the directory at the very moment
    this run creates it (after any check this run made)."""
    ours, theirs = _ctx(tmp_path, "20261122-143005-aaaaaa"), _ctx(tmp_path, "20261122-143005-bbbbbb")
    real_mkdir = Path.mkdir
    claimed: list[Path] = []

    def mkdir(self, *args, **kwargs):
        if "143005_exp" in self.parts and not claimed:
            claimed.append(Path())
            claimed[0] = theirs.run_dir("train")
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    mine = ours.run_dir("train")
    assert claimed and claimed[0].name == "143005_exp" and mine != claimed[0]
    assert json.loads((mine / "meta.json").read_text())["run_id"] == "20261122-143005-aaaaaa"
    assert json.loads((claimed[0] / "meta.json").read_text())["run_id"] == "20261122-143005-bbbbbb"


_FULL_DISKS: list[str] = []  # directories that behave as if their disk were full


def _audit_open(event: str, args: tuple) -> None:
    """An audit hook (process-wide, so it checks _FULL_DISKS): opening a file under a full directory
    so as to create or truncate it fails with ENOSPC, as a full disk does; plain opens pass."""
    import errno
    import os

    if event != "open" or not _FULL_DISKS or not isinstance(args[0], (str, os.PathLike)):
        return
    path, mode, flags = str(args[0]), args[1], args[2] or 0
    creates = (isinstance(mode, str) and any(c in mode for c in "wax")) or bool(flags & (os.O_CREAT | os.O_TRUNC | os.O_APPEND))
    if creates and any(path.startswith(root) for root in _FULL_DISKS):
        raise OSError(errno.ENOSPC, "No space left on device", path)


_AUDIT_HOOK_ADDED: list[bool] = []


def _full_disk(monkeypatch, under: Path) -> None:
    """From now on (for this test) ``under`` is on a full disk: no file can be created or grown there
    (open and os.write fail with ENOSPC); bytes already allocated can be overwritten in place."""
    import errno
    import os
    import sys

    if not _AUDIT_HOOK_ADDED:
        sys.addaudithook(_audit_open)
        _AUDIT_HOOK_ADDED.append(True)
    _FULL_DISKS.append(str(under))
    real_write = os.write

    def write(fd, data):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            target = ""
        if target.startswith(str(under)) and os.lseek(fd, 0, os.SEEK_CUR) + len(data) > os.fstat(fd).st_size:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)


@pytest.fixture(autouse=True)
def _disks_not_full():
    yield
    _FULL_DISKS.clear()


def test_status_is_written_on_a_full_disk_and_no_temp_file_is_left(tmp_path, monkeypatch):
    ctx = _ctx(tmp_path, "full-disk")
    run_dir = ctx.run_dir("train")
    _full_disk(monkeypatch, tmp_path)
    ctx.finish("train", "failed", error="OSError: [Errno 28] No space left on device: model.ckpt")
    meta = json.loads((run_dir / "meta.json").read_text())
    assert meta["status"] == "failed" and "No space left" in meta["error"] and meta["run_id"] == "full-disk"
    assert meta["finished_at"] and meta["config_hash"], "the whole meta fits in the space kept for it"
    assert sorted(p.name for p in run_dir.iterdir()) == ["config.yaml", "logs", "meta.json"]


def test_a_long_status_on_a_full_disk_falls_back_to_the_compact_meta(tmp_path, monkeypatch):
    ctx = _ctx(tmp_path, "full-disk")
    run_dir = ctx.run_dir("train")
    _full_disk(monkeypatch, tmp_path)
    ctx.finish("train", "interrupted", error="interrupted by SIGTERM " + "x" * 6000)
    meta = json.loads((run_dir / "meta.json").read_text())
    assert meta["status"] == "interrupted" and meta["error"].startswith("interrupted by SIGTERM")
    assert set(meta) == {"run_id", "process_name", "created_at", "status", "error", "finished_at", "experiment"}
    assert not (run_dir / "meta.json.tmp").exists()
    with pytest.raises(AutoMLInputError, match="No complete 'train' run"):
        find_run(tmp_path / "runs", "train")


def test_the_error_hook_itself_survives_a_full_disk(tmp_path, monkeypatch):
    import errno

    from kedro.pipeline import node

    from automl_kedro.hooks import RunContextHook
    from automl_kedro.run_context import set_current

    ctx = _ctx(tmp_path, "full-disk")
    set_current(ctx)
    try:
        run_dir = ctx.run_dir("train")
        _full_disk(monkeypatch, tmp_path)
        failing = node(lambda x: x, "a", "b", name="fit", namespace="train")
        RunContextHook().on_node_error(OSError(errno.ENOSPC, "No space left on device"), failing)
    finally:
        set_current(None)
    meta = json.loads((run_dir / "meta.json").read_text())
    assert meta["status"] == "failed" and "No space left on device" in meta["error"]
    assert not list(run_dir.rglob("*.tmp"))
