"""pytest-qt set-up for the UI tests, and napari's guard against dangling threads (and our
training worker processes)."""
import multiprocessing
import threading

import pytest
import shiboken6
from PySide6.QtCore import QThread

from bp_desktop.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def no_dangling_qthreads(monkeypatch):
    """Fail any test that leaves a QThread running (a crash at exit waiting to happen), or a
    training loop's thread (a plain thread: the interpreter would wait for it at exit)."""
    before = set(threading.enumerate())
    started = []
    original_start = QThread.start

    def recording_start(self, *args, **kwargs):
        started.append(self)
        return original_start(self, *args, **kwargs)

    monkeypatch.setattr(QThread, "start", recording_start)
    yield
    running = [thread for thread in started if shiboken6.isValid(thread) and thread.isRunning()]
    loops = [thread for thread in set(threading.enumerate()) - before if hasattr(thread, "stop_loop")]
    for thread in running:  # clean up so the next tests (and the interpreter's exit) survive
        getattr(thread, "stop_loop", thread.requestInterruption)()
        thread.wait(5000)
    for thread in loops:
        thread.stop_loop()
        thread.join(5)
    names = [thread.objectName() or type(thread).__name__ for thread in running]
    names += [thread.name for thread in loops]
    if names:
        pytest.fail(f"the test left {len(names)} thread(s) running: {names}")


@pytest.fixture(autouse=True)
def closing_discards_unsaved_training(monkeypatch):
    """Closing a window with unsaved training asks Save / Discard / Cancel in a modal dialog,
    which would wait for ever in a test: tests answer Discard unless they answer themselves
    (window.ask_unsaved = ...)."""
    monkeypatch.setattr(MainWindow, "ask_unsaved", lambda self, question: "discard")


@pytest.fixture(autouse=True)
def no_dangling_worker_processes():
    """Fail any test that leaves a training worker process running (its window or trainer was
    not shut down). Torn down after qtbot, which closes the test's windows."""
    yield
    left = multiprocessing.active_children()
    for process in left:  # clean up so the next tests start without them
        process.terminate()
        process.join(5)
    if left:
        pytest.fail(f"the test left {len(left)} worker process(es) running: {[p.name for p in left]}")
