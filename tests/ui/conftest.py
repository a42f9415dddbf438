"""pytest-qt set-up for the UI tests, and napari's guard against dangling threads (and our
training worker processes)."""
import multiprocessing

import pytest
import shiboken6
from PySide6.QtCore import QThread


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
