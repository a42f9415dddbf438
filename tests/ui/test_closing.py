"""Closing the window while work cannot be interrupted: the process still exits cleanly."""
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from bp_desktop.io import load_dataset
from bp_desktop.ui import commands

from .windows import open_window

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("work", ["load", "train", "train-process"])
def test_closing_during_work_that_outlasts_the_shutdown_exits_0(tmp_path, work):
    """Item 1: a dataset load (a FIFO nobody writes to, a slow file); item 2: an iteration
    longer than the shutdown wait (thread engine). Both aborted the process ("QThread:
    Destroyed while thread is still running"). And the worker process of the process engine
    ends with the window."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "PYTHONPATH": str(ROOT),
           "BP_DESKTOP_ENGINE": "thread" if work == "train" else "process"}
    result = subprocess.run([sys.executable, "-m", "tests.ui.close_during_work", work], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert "Destroyed while thread" not in result.stderr
    assert "Traceback" not in result.stderr  # e.g. a report to a Qt object deleted at exit
    assert result.returncode == 0, result.stderr
    if work == "train":  # the process waited for the iteration instead of dying under it
        assert "the last iteration ended" in result.stdout
    assert "no worker process left" in result.stdout


def write_csv(path: Path) -> Path:
    rows = [f"{x},{y},{'a' if x + y > 1 else 'b'}" for x in range(3) for y in range(3)]
    path.write_text("x,y,label\n" + "\n".join(rows) + "\n")
    return path


def test_a_background_load_installs_the_dataset(qtbot, tmp_path):
    path = write_csv(tmp_path / "grid.csv")
    window = open_window(qtbot, tmp_path, "xor")
    window.commands.load_file(str(path))
    qtbot.waitUntil(lambda: window.model.workspace.dataset.name == "grid", timeout=10000)
    assert window.model.workspace.dataset.m == 9
    window.shutdown()


def test_a_load_still_running_at_close_is_abandoned(qtbot, tmp_path, monkeypatch):
    """The load cannot be interrupted; what it delivers after the close goes nowhere."""
    release = threading.Event()

    def slow_load(path, progress=None, **options):
        release.wait(10)
        return load_dataset(path, progress=progress, **options)

    monkeypatch.setattr(commands, "load_dataset", slow_load)
    window = open_window(qtbot, tmp_path, "xor")
    window.commands.load_file(str(write_csv(tmp_path / "grid.csv")))
    window.close()
    release.set()
    window.commands._loader._thread.join(10)
    QCoreApplication.processEvents()
    assert window.model.workspace.dataset.name != "grid"
