"""The Qt side of training: a thread that runs the pure loop, and a GUI-thread pump.

Per-iteration signals froze the window in a measurement (319,000 queued events
in 3 s), so the loop never emits: it writes into a Mailbox, and one QTimer in
the GUI thread drains it at most `fps` times a second, emitting the newest
snapshot and every history row since the last frame. A slow paint delays the
next tick instead of queueing work.

Call `shutdown()` from the main window's closeEvent (the controller also shuts
itself down on QCoreApplication.aboutToQuit): stop -> wait, never kill. An iteration
in progress is never interrupted, so a network whose single iteration takes longer
than the wait makes shutdown() return False; the loop then ends after that iteration.

The loop runs in a plain Python thread, not a QThread: Qt aborts the process when a
running QThread object is destroyed, which at exit nothing can prevent. The thread is
not a daemon: the interpreter waits at exit for the last iteration to end, since
OpenBLAS frees its buffers at exit under a matrix product still running (measured: a
segmentation fault). So a closed window goes at once, and the process exits 0 as soon
as that iteration has finished. The loop touches no Qt object.
"""
from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

from bp_desktop.training import (STOPPED_BY_USER, Hyperparameters, Mailbox, RunControl, StopCriteria,
                                 TrainingRun, run_training)
from bp_desktop.training.history import HistoryCursor

RUNNING, PAUSED, STOPPED = "running", "paused", "stopped"
JOIN_TIMEOUT_MS = 5000  # one iteration of a big network (a CG line search) can take a while


class TrainerThread(threading.Thread):
    """Runs run_training in a new thread. Results travel through the mailbox."""

    def __init__(self, run: TrainingRun, control: RunControl, mailbox: Mailbox):
        super().__init__(name="TrainerThread", daemon=False)  # see the module's docstring
        self._run, self._control, self._mailbox = run, control, mailbox
        self._interrupted = threading.Event()

    def run(self) -> None:
        try:
            run_training(self._run, self._control, self._mailbox,
                         should_abort=self._interrupted.is_set)
        except Exception as error:  # e.g. threadpoolctl failing; run_training handles iterations
            self._mailbox.post("failed", f"{type(error).__name__}: {error}")

    def stop_loop(self) -> None:
        """Ask the loop to end after its current iteration (any thread)."""
        self._control.stop()
        self._interrupted.set()


class Engine(QObject):
    """What the workbench drives: commands, the five signals below, and `run`. The thread
    engine (TrainerController) and the process engine (ProcessTrainer) both are one.

    Signals (always emitted in the GUI thread, at most `fps` times a second):
      snapshot_ready(Snapshot)     the newest iteration (each step(n) result is shown)
      history_appended(HistoryChunk)  every history row since the last frame
      stopped(str)                 a stop criterion paused training, or the user stopped it
      failed(str)                  divergence (weights restored) or an error
      state_changed(str)           'running' | 'paused' | 'stopped'
      reset_done()                 the run went back to iteration 0
      run_replaced(TrainingRun)    set_run() installed a new run
    """

    snapshot_ready = Signal(object)
    history_appended = Signal(object)
    stopped = Signal(str)
    failed = Signal(str)
    state_changed = Signal(str)
    reset_done = Signal()
    run_replaced = Signal(object)

    def __init__(self, run: TrainingRun, parent: QObject | None = None, fps: float = 30):
        super().__init__(parent)
        if not 0 < fps <= 120:
            raise ValueError(f"fps must lie in (0, 120]; got {fps!r}")
        self._run = run
        self._state = STOPPED
        self._shut_down = False
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._on_about_to_quit)

    @property
    def run(self) -> TrainingRun:
        return self._run

    @property
    def state(self) -> str:
        return self._state

    def is_running(self) -> bool:
        """Whether iterations are being run continuously."""
        return self._state == RUNNING

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)


class TrainerController(Engine):
    """Runs a TrainingRun in a thread of this process and reports to GUI-thread views: the
    loop writes into a Mailbox, a GUI timer drains it at most `fps` times a second."""

    def __init__(self, run: TrainingRun, parent: QObject | None = None, fps: float = 30):
        super().__init__(run, parent, fps)
        self._control = RunControl()
        self._mailbox = Mailbox()
        self._rows = self._cursor(run)
        self._thread: TrainerThread | None = None
        self._pump = QTimer(self)
        self._pump.setInterval(max(1, round(1000 / fps)))
        self._pump.timeout.connect(self._drain)

    # --- state ------------------------------------------------------------------------
    def thread_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # --- commands (GUI thread) --------------------------------------------------------------
    def start(self) -> None:
        """Train continuously until pause, stop or a stop criterion."""
        if self._shut_down or not self._ensure_thread():
            return
        self._control.resume()
        self._set_state(RUNNING)

    def pause(self) -> None:
        self._control.pause()
        if self._state == RUNNING:
            self._set_state(PAUSED)

    def step(self, n: int = 1) -> None:
        """Run exactly n iterations, then pause; the n-th one is delivered."""
        if self._shut_down or not self._ensure_thread():
            return
        self._control.step(n)
        self._set_state(PAUSED)

    def pause_and_wait(self, timeout_ms: int = 2000) -> bool:
        """Pause and wait until the loop is between iterations, so the run's network can be
        read (export, save) without racing the trainer. False if it did not park in time."""
        self.pause()
        if self._thread is None:
            return True
        return self._control.wait_until_idle(timeout_ms / 1000)

    def wait_until_idle(self, timeout_ms: int) -> bool:
        """True once the loop is parked between iterations with no steps left (or there is
        no thread), so the run can be read from this thread; False after timeout_ms."""
        if self._thread is None:
            return True
        return self._control.wait_until_idle(timeout_ms / 1000)

    def stop(self) -> None:
        """End the training thread (the weights stay; start() goes on from them)."""
        if self._thread is None:
            return
        self._join(JOIN_TIMEOUT_MS)
        self._drain()
        self._set_state(STOPPED)
        self.stopped.emit(STOPPED_BY_USER)

    def reset(self, new_seed: int | None = None) -> None:
        """Stop and join the thread, then back to iteration 0 with the same initial
        weights (or ones drawn from `new_seed`)."""
        if not self._join(JOIN_TIMEOUT_MS):
            self.failed.emit("could not reset: the training thread did not stop")
            return
        self._run.reset(new_seed)
        self._mailbox.clear()
        self._rows = self._cursor(self._run)
        self._set_state(STOPPED)
        self.reset_done.emit()

    def set_run(self, run: TrainingRun) -> bool:
        """Replace the run (new data or architecture); joins the old thread first. False,
        with the old run kept, if an iteration outlasts the wait (training stops after it)."""
        if not self._join(JOIN_TIMEOUT_MS):
            self.failed.emit("could not replace the run: the current iteration has not finished. "
                             "Nothing was changed; training stops after this iteration, try again then.")
            return False
        self._run = run
        self._mailbox = Mailbox()
        self._rows = self._cursor(run)
        self._set_state(STOPPED)
        self.run_replaced.emit(run)
        return True

    def set_hyperparameters(self, hyper: Hyperparameters | None = None, **changes) -> None:
        """α, λ, μ, batch size, seed, optimiser (a whole Hyperparameters and/or keyword
        changes): applied at the next iteration, without a reset."""
        self._run.set_hyperparameters(hyper, **changes)

    def set_stop_criteria(self, criteria: StopCriteria | None = None, **changes) -> None:
        """A whole StopCriteria and/or keyword changes; checked from the next iteration on."""
        self._run.set_stop_criteria(criteria, **changes)

    def set_selected_example(self, index: int) -> None:
        """Which training example's a and δ the history records from the next iteration on."""
        self._run.selected_example = index

    def set_max_rate(self, iterations_per_second: float) -> None:
        """Pace training for teaching; 0 means as fast as possible."""
        self._control.set_max_rate(iterations_per_second)

    @Slot()
    def shutdown(self, timeout_ms: int = 500) -> bool:
        """Stop and join the thread within `timeout_ms`; idempotent. True if no thread
        is left running. Never terminate()s."""
        self._shut_down = True
        self._pump.stop()
        joined = self._join(timeout_ms)
        if joined and self._state != STOPPED:
            self._set_state(STOPPED)
        return joined

    @Slot()
    def _on_about_to_quit(self) -> None:
        # no need to wait long: the interpreter waits for a last long iteration at exit
        self.shutdown()

    # --- the thread ---------------------------------------------------------------------
    def _ensure_thread(self) -> bool:
        """A live loop thread, parked or running. False if an old one will not end."""
        if self._thread is not None and self._thread.is_alive() and not self._control.is_stopped:
            return True
        if not self._join(JOIN_TIMEOUT_MS):
            self.failed.emit("the previous training thread did not stop")
            return False
        self._control.rearm()
        self._thread = TrainerThread(self._run, self._control, self._mailbox)
        self._thread.start()
        self._pump.start()
        return True

    def _join(self, timeout_ms: int) -> bool:
        """stop -> wait. A thread that does not end in time is kept: it ends after its
        iteration (and the interpreter waits for that at exit)."""
        if self._thread is None:
            return True
        self._thread.stop_loop()
        self._thread.join(timeout_ms / 1000)
        if self._thread.is_alive():
            return False
        self._thread = None
        self._pump.stop()
        return True

    def _on_thread_finished(self) -> None:
        # A thread that ends by itself (an error outside any iteration, or the end of one
        # that shutdown or set_run could not wait for): deliver what it left.
        self._thread = None
        self._pump.stop()
        self._drain()
        self._set_state(STOPPED)

    @Slot()
    def _drain(self) -> None:
        if self._thread is not None and not self._thread.is_alive():
            self._on_thread_finished()  # drains
            return
        snapshot = self._mailbox.drain()
        chunk, restarted = self._rows.read()  # what the history gained since the last frame
        if len(chunk) and not restarted:
            self.history_appended.emit(chunk)
        if snapshot is not None:
            self.snapshot_ready.emit(snapshot)
        for kind, message in self._mailbox.take_events():
            if self._state == RUNNING:
                self._set_state(PAUSED)
            (self.failed if kind == "failed" else self.stopped).emit(message)

    @staticmethod
    def _cursor(run: TrainingRun) -> HistoryCursor:
        """A cursor past the rows `run` already has: history_appended carries only new ones."""
        cursor = HistoryCursor(run.history)
        cursor.read()
        return cursor
