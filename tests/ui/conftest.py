"""pytest-qt set-up for the UI tests, and napari's guard against dangling threads."""
import pytest
import shiboken6
from PySide6.QtCore import QThread

from bp_desktop.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def no_dangling_qthreads(monkeypatch):
    """Fail any test that leaves a QThread running (a crash at exit waiting to happen)."""
    started = []
    original_start = QThread.start

    def recording_start(self, *args, **kwargs):
        started.append(self)
        return original_start(self, *args, **kwargs)

    monkeypatch.setattr(QThread, "start", recording_start)
    yield
    running = [thread for thread in started if shiboken6.isValid(thread) and thread.isRunning()]
    for thread in running:  # clean up so the next tests (and the interpreter's exit) survive
        stop = getattr(thread, "stop_loop", thread.requestInterruption)
        stop()
        thread.wait(5000)
    if running:
        pytest.fail(f"the test left {len(running)} QThread(s) running: "
                    f"{[thread.objectName() or type(thread).__name__ for thread in running]}")


@pytest.fixture(autouse=True)
def closing_discards_unsaved_training(monkeypatch):
    """Closing a window with unsaved training asks Save / Discard / Cancel in a modal dialog,
    which would wait for ever in a test: tests answer Discard unless they answer themselves
    (window.ask_unsaved = ...)."""
    monkeypatch.setattr(MainWindow, "ask_unsaved", lambda self, question: "discard")
