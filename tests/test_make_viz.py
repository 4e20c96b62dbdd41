"""`make viz` stops its server with it: nothing keeps listening after Ctrl-C."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PORT = 4199


def _listening() -> bool:
    try:
        socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
        return True
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ", 1)[-1].startswith("Z"))  # a zombie is gone


@pytest.mark.slow
@pytest.mark.parametrize("stop", ["ctrl-c", "kill make"])
def test_stopping_make_viz_leaves_no_server(stop):
    pytest.importorskip("kedro_viz")
    if shutil.which("make") is None or _listening():
        pytest.skip("needs make and a free port")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
           "KEDRO_DISABLE_TELEMETRY": "true"}
    # as in a terminal: make leads its own process group and Ctrl-C signals that group
    make = subprocess.Popen(["make", "viz", f"VENV={sys.prefix}", "STAMP=", f"VIZ_PORT={PORT}"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 300
        while not _listening():
            assert make.poll() is None, make.stdout.read().decode()
            assert time.monotonic() < deadline, "kedro viz did not start"
            time.sleep(1)
        session = subprocess.run(["ps", "-o", "pid=", "-s", str(make.pid)], capture_output=True, text=True)
        processes = {int(p) for p in session.stdout.split()} - {make.pid}  # the recipe, kedro viz, its server
        assert len(processes) >= 2, session.stdout
        if stop == "ctrl-c":  # the terminal signals make's whole process group
            os.killpg(make.pid, signal.SIGINT)
        else:  # `kill <make>`: make passes SIGTERM on to its recipe only
            make.terminate()
        make.wait(timeout=120)
        deadline = time.monotonic() + 60
        while (_listening() or any(_alive(p) for p in processes)) and time.monotonic() < deadline:
            time.sleep(1)
        assert not _listening()
        assert not [p for p in processes if _alive(p)]
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
