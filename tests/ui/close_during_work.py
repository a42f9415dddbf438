"""Run the real app (bp_desktop.app.main) and close its window while work is under way that
outlasts every wait of the shutdown: a dataset load that never ends (`load`, as a FIFO nobody
writes to), or a training iteration that goes on until the app's main() has returned
(`train`, with BP_DESKTOP_ENGINE=thread: the iteration runs in this process); or while the
worker process trains (`train-process`). Used by test_closing.py in a subprocess: the process
must exit 0.

    python -m tests.ui.close_during_work load|train|train-process
"""
from __future__ import annotations

import multiprocessing
import sys
import threading

from PySide6.QtCore import QTimer

from bp_desktop import app
from bp_desktop.training import TrainingRun
from bp_desktop.ui import commands
from bp_desktop.ui.main_window import MainWindow

started = threading.Event()    # the long work has begun
released = threading.Event()   # set once main() has returned: the window is long gone
real_advance = TrainingRun.advance


def endless_load(_path, progress, **_options):
    """Reports progress for ever, as a long parse does (into a window long closed)."""
    started.set()
    never = threading.Event()  # nobody sets it
    while True:
        progress(0.5)
        never.wait(0.001)


def iteration_outlasting_the_window(run: TrainingRun):
    started.set()
    released.wait()
    record = real_advance(run)  # real work (BLAS) while the interpreter shuts down
    print("the last iteration ended", flush=True)
    return record


def begin_work(window: MainWindow, work: str) -> None:
    if work == "load":
        commands.load_dataset = endless_load
        window.commands.load_file("endless.csv")
    elif work == "train":
        TrainingRun.advance = iteration_outlasting_the_window
        window.actions_by_key["train"].trigger()
    else:
        window.actions_by_key["train"].trigger()


def close_once_started(window: MainWindow, work: str) -> None:
    def check():
        if work == "train-process" and window.model.engine.run.iteration >= 3:
            started.set()  # the worker reported iterations: it is training
            window.ask_unsaved = lambda question: "discard"  # no modal question at close
        if started.is_set():
            poll.stop()
            window.close()

    poll = QTimer(window)
    poll.timeout.connect(check)
    poll.start(10)


def main(work: str) -> int:
    show = MainWindow.show

    def show_then_work(window: MainWindow) -> None:
        show(window)
        begin_work(window, work)
        close_once_started(window, work)

    MainWindow.show = show_then_work
    try:
        return app.main(["--dataset", "xor", "--hidden", "300", "--hidden", "300"])
    finally:
        released.set()
        if not multiprocessing.active_children():
            print("no worker process left", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
