"""The window's trainer with its iterations in a worker process (training/worker.py).

ProcessTrainer has the commands and signals of TrainerController (ui/trainer.py), so either
drives the window. The difference is where iterations run: in a child process, so the
views' Python no longer takes the GIL from training.

`run` is a mirror: the TrainingRun the caller handed in, whose network, iteration and
history follow the worker's reports (Θ and the new history rows, at most ~30 a second).
Snapshots are computed here, from the mirror's Θ: the pass at Θ after n iterations
(`TrainingRun.preview()`). After a step(n), a pause or a stop that pass comes at once;
while training, at most `fps` a second, and less often when a snapshot and the views that
draw it cost much: they get at most SNAPSHOT_SHARE of the GUI thread's time.

The worker starts with the trainer (spawn costs 0.1–0.2 s, hidden before the first Train)
and is replaced only if it dies. shutdown() asks it to quit and terminates it after a grace
period, so closing never waits for a long iteration; nothing is lost, the mirror already
holds the newest Θ reported.
"""
from __future__ import annotations

import os
import time
from dataclasses import asdict

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Slot

from bp_desktop.training import (STOPPED_BY_USER, HistoryChunk, Hyperparameters, StopCriteria,
                                 TrainingRun)
from bp_desktop.training.control import checked_rate, checked_step_count
from bp_desktop.training.worker import Report, RunState, WorkerClient

from .throttle import LatestOnly
from .trainer import JOIN_TIMEOUT_MS, PAUSED, RUNNING, STOPPED, Engine, TrainerController

SNAPSHOT_SHARE = 0.25    # of the GUI thread's time, at most, for snapshots while training
SHUTDOWN_GRACE_MS = 500  # how long a worker may take to quit before it is terminated
MAX_REPORTS_PER_WAKE = 64  # read at most this many at once, so the event loop keeps turning
# a worker that has not reported by then is not coming (e.g. a script without a main guard,
# re-imported by 'spawn', runs its own window instead): say so rather than "running" for ever
START_TIMEOUT_MS = 30_000


class ProcessTrainer(Engine):
    """Runs a TrainingRun in a worker process and reports to GUI-thread views.

    Signals (emitted in the GUI thread): as TrainerController's. snapshot_ready carries the
    pass at the current Θ (Snapshot.preview is True, theta_iteration == iteration).
    """

    def __init__(self, run: TrainingRun, parent: QObject | None = None, fps: float = 30):
        super().__init__(run, parent, fps)
        self._client: WorkerClient | None = None
        self._watcher: QSocketNotifier | QTimer | None = None
        self._epoch = 0           # reports of older epochs describe a replaced or reset run
        self._seq, self._idle = 0, True  # from the newest report
        self._selected = -1       # the selected example the worker was told
        self._rate = 0.0
        # what reports brought and the signals have not delivered yet
        self._chunks: list[HistoryChunk] = []
        self._snapshots: list = []
        self._events: list[tuple[str, str]] = []
        self._theta_fresh = False     # Θ changed since the last snapshot
        self._shown_at_rest = True    # the last snapshot (or the caller's preview) shows the final Θ
        self._min_interval = 1 / fps
        self._snapshot_cost = 0.0
        self._previews = LatestOnly(self, self._min_interval, self._emit_preview)
        self._deliver_soon = QTimer(self, singleShot=True, interval=0, timeout=self._deliver)
        self._install(run)

    # --- state ------------------------------------------------------------------------
    def thread_alive(self) -> bool:
        """Whether a worker holds this run's loop (after start or step, until stop, reset,
        set_run or shutdown), as TrainerController's thread does."""
        return self._state != STOPPED and self.worker_alive()

    def worker_alive(self) -> bool:
        return self._client is not None and self._client.is_alive()

    # --- commands (GUI thread) --------------------------------------------------------------
    def start(self) -> None:
        """Train continuously until pause, stop or a stop criterion."""
        if self._shut_down:
            return
        self._command("start")
        self._set_state(RUNNING)

    def pause(self) -> None:
        self._send("pause")
        if self._state == RUNNING:
            self._set_state(PAUSED)

    def step(self, n: int = 1) -> None:
        """Run exactly n iterations, then pause; the pass after the n-th is delivered."""
        if self._shut_down:
            return
        self._command("step", checked_step_count(n))
        self._set_state(PAUSED)

    def pause_and_wait(self, timeout_ms: int = 2000) -> bool:
        """Pause and wait until the worker has parked and the run holds its final Θ, history
        and optimiser state, so it can be exported or saved. Settings changed since the last
        iteration are applied now (as the next iteration would), so they and the optimiser's
        state agree. False if the worker did not answer in time."""
        self.pause()
        self._send("sync")
        return self.wait_until_idle(timeout_ms)

    def wait_until_idle(self, timeout_ms: int) -> bool:
        """True once the worker has reported on every command and parked, so the run holds
        its final Θ and history (at once if there is no worker); False after timeout_ms.
        Reports read meanwhile reach the run at once; their signals come from the event
        loop, never from inside this call."""
        deadline = time.monotonic() + timeout_ms / 1000
        while not self._settled():
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._client.poll(remaining):
                break
            self._read_one()
        if self._chunks or self._snapshots or self._events:
            self._deliver_soon.start()
        return self._settled()

    def stop(self) -> None:
        """Park the worker and end this run's training session (the weights stay; start()
        goes on from them)."""
        if self._state == STOPPED:
            return
        self._send("pause")
        self.wait_until_idle(JOIN_TIMEOUT_MS)
        self._deliver()
        self._set_state(STOPPED)
        self.stopped.emit(STOPPED_BY_USER)

    def reset(self, new_seed: int | None = None) -> None:
        """Back to iteration 0 with the same initial weights (or ones drawn from `new_seed`),
        here at once and in the worker after its current iteration."""
        self._epoch += 1
        self._run.reset(new_seed)
        self._send("reset", self._epoch, new_seed)
        self._forget_undelivered()
        self._set_state(STOPPED)
        self.reset_done.emit()

    def set_run(self, run: TrainingRun) -> bool:
        """Replace the run (new data or architecture). Its data go to the worker once, now;
        the old run keeps the state of its last report. Always replaces: True."""
        self._epoch += 1
        self._run = run
        self._forget_undelivered()
        if not self._shut_down:
            self._install(run)
        self._set_state(STOPPED)
        self.run_replaced.emit(run)
        return True

    def set_hyperparameters(self, hyper: Hyperparameters | None = None, **changes) -> None:
        """α, λ, μ, batch size, seed, optimiser: checked here, applied at the next iteration."""
        if hyper is not None:
            changes = {**asdict(hyper), **changes}
        self._run.set_hyperparameters(**changes)
        self._send("hyper", changes)

    def set_stop_criteria(self, criteria: StopCriteria | None = None, **changes) -> None:
        if criteria is not None:
            changes = {**asdict(criteria), **changes}
        self._run.set_stop_criteria(**changes)
        self._send("stop_criteria", changes)

    def set_selected_example(self, index: int) -> None:
        """Which training example's a and δ the history records from the next iteration on.
        (Setting run.selected_example directly works too: the worker is told with the next
        command or report.)"""
        self._run.selected_example = index
        self._tell_selected_example()

    def set_max_rate(self, iterations_per_second: float) -> None:
        self._rate = checked_rate(iterations_per_second)
        self._send("rate", self._rate)

    @Slot()
    def shutdown(self, timeout_ms: int = SHUTDOWN_GRACE_MS) -> bool:
        """Ask the worker to quit and terminate it if it has not within `timeout_ms` (an
        iteration in progress is not waited for); idempotent. True once no worker is left."""
        self._shut_down = True
        self._forget_undelivered()
        ended = self._end_worker(timeout_ms)
        if self._state != STOPPED:
            self._set_state(STOPPED)
        return ended

    @Slot()
    def _on_about_to_quit(self) -> None:
        self.shutdown()

    # --- the worker ---------------------------------------------------------------------
    def _install(self, run: TrainingRun) -> None:
        """Send `run` to the worker (started now if there is none)."""
        if self._client is None:
            self._start_worker()
        run.apply_pending()  # nothing steps the run yet: its optimiser and settings agree
        self._client.send("install", self._epoch, RunState.of(run))
        self._selected = run.selected_example
        if self._rate:
            self._client.send("rate", self._rate)

    def _start_worker(self) -> None:
        self._client = WorkerClient()
        client = self._client
        QTimer.singleShot(START_TIMEOUT_MS, self, lambda: self._check_started(client))
        self._seq, self._idle = 0, True  # of the new worker's reports
        if os.name == "posix":  # the pipe is a socket: woken when a report arrives
            self._watcher = QSocketNotifier(self._client.fileno(), QSocketNotifier.Type.Read, self)
            self._watcher.activated.connect(self._on_readable)
        else:  # a Windows pipe handle is no socket: look fps times a second
            self._watcher = QTimer(self, interval=max(1, round(1000 * self._min_interval)))
            self._watcher.timeout.connect(self._on_readable)
            self._watcher.start()

    def _end_worker(self, timeout_ms: int) -> bool:
        if self._watcher is not None:
            if isinstance(self._watcher, QSocketNotifier):
                self._watcher.setEnabled(False)  # before the client closes its descriptor
            else:
                self._watcher.stop()
            self._watcher.deleteLater()
            self._watcher = None
        client, self._client = self._client, None
        return client is None or client.close(timeout_ms / 1000)

    def _command(self, *command) -> None:
        """Send a command that needs a worker: a new one takes over the run if the last died."""
        if self._client is None:
            self._install(self._run)
        self._tell_selected_example()
        self._client.send(*command)

    def _send(self, *command) -> None:
        """Send a command if there is a worker (a new one gets the run's state anyway)."""
        if self._client is not None:
            self._client.send(*command)

    def _tell_selected_example(self) -> None:
        if self._client is not None and self._run.selected_example != self._selected:
            self._selected = self._run.selected_example
            self._client.send("select", self._selected)

    def _settled(self) -> bool:
        """The newest report answers every command sent, and the worker has parked."""
        return self._client is None or (self._seq == self._client.sent and self._idle)

    # --- reports ------------------------------------------------------------------------
    @Slot()
    def _on_readable(self) -> None:
        for _ in range(MAX_REPORTS_PER_WAKE):
            if self._client is None or not self._client.poll(0):
                break
            self._read_one()
        self._tell_selected_example()
        self._deliver()

    def _read_one(self) -> None:
        try:
            report = self._client.receive()
        except (EOFError, OSError):
            self._worker_died()
        else:
            self._apply(report)

    def _worker_died(self) -> None:
        code = self._client.exitcode
        self._end_worker(0)
        if not self._shut_down:
            self._events.append(("failed", f"the training process ended unexpectedly (exit code "
                                           f"{code}); Θ after {self._run.iteration} iterations is "
                                           f"kept, and Train or Step goes on from it"))

    def _check_started(self, client: WorkerClient) -> None:
        if self._client is not client or client.heard or self._shut_down:
            return  # replaced, started, or closing
        self._end_worker(0)
        self._events.append(("failed", f"the training process did not start within "
                                       f"{START_TIMEOUT_MS / 1000:g} s (a script that opens the "
                                       "window needs if __name__ == \"__main__\":); Train or Step "
                                       "tries again"))
        self._deliver()

    def _apply(self, report: Report) -> None:
        """Bring the mirror up to the report; queue what the signals will deliver."""
        self._seq, self._idle = report.seq, report.idle
        if report.epoch != self._epoch:
            return  # about a run or weights that reset() or set_run() replaced
        run = self._run
        if report.iteration < run.iteration:
            run.history.drop_after(report.iteration)  # a divergence took the run back
        if report.rows is not None:
            run.history.append(report.rows)
            self._chunks.append(HistoryChunk(run.history.layout, report.rows, report.decimated))
        if report.params is not None:
            run.network.params[...] = report.params
            self._theta_fresh, self._shown_at_rest = True, False
        run.iteration = report.iteration
        settled = self._settled()
        if report.optimizer_state is not None and settled:
            run.apply_pending()  # as the worker did before it answered
            run.load_optimizer_state(report.optimizer_state)
        for _, message in report.events:
            run.stop_reason = message
        self._events.extend(report.events)
        if report.stepped or report.events or (settled and not self._shown_at_rest):
            # the pass at exactly this Θ, even if more reports follow before the signals go out
            self._snapshots.append(self._snapshot(at_rest=settled or bool(report.events)))

    def _deliver(self) -> None:
        """Emit what reports brought, in the order TrainerController does: rows, state,
        snapshots, then the stop or failure."""
        chunks, self._chunks = self._chunks, []
        snapshots, self._snapshots = self._snapshots, []
        events, self._events = self._events, []
        if chunks:
            self.history_appended.emit(chunks[0] if len(chunks) == 1 else HistoryChunk.joined(chunks))
        if events and self._state == RUNNING:
            self._set_state(PAUSED)
        for snapshot in snapshots:
            self.snapshot_ready.emit(snapshot)
        for kind, message in events:
            (self.failed if kind == "failed" else self.stopped).emit(message)
        if self._theta_fresh and not self._shut_down:
            self._previews.offer(True)

    def _snapshot(self, at_rest: bool):
        self._theta_fresh, self._shown_at_rest = False, at_rest
        return self._run.preview()

    def _emit_preview(self, _=None) -> None:
        """A snapshot of the newest Θ while training. Its cost (the pass, and the views that
        draw it as it is emitted) sets the interval to the next one."""
        if not self._theta_fresh or self._shut_down:
            return
        start = time.perf_counter()
        self.snapshot_ready.emit(self._snapshot(at_rest=False))
        cost = time.perf_counter() - start
        self._snapshot_cost = cost if not self._snapshot_cost else 0.7 * self._snapshot_cost + 0.3 * cost
        self._previews.interval = max(self._min_interval, self._snapshot_cost / SNAPSHOT_SHARE)

    def _forget_undelivered(self) -> None:
        """After reset or set_run: what reports brought belongs to the run as it was. The
        new (or reset) run at rest is the caller's to show (run.preview()), as with
        TrainerController."""
        self._chunks, self._snapshots, self._events = [], [], []
        self._previews.forget()
        self._deliver_soon.stop()
        self._theta_fresh, self._shown_at_rest = False, True


# where iterations run: 'process' (ProcessTrainer: a worker process, so drawing never slows
# training; measured 2× the thread's rate in the window) or 'thread' (TrainerController)
ENGINES = {"process": ProcessTrainer, "thread": TrainerController}


def training_engine() -> type:
    """The engine class BP_DESKTOP_ENGINE names (default: process)."""
    name = os.environ.get("BP_DESKTOP_ENGINE", "process")
    if name not in ENGINES:
        raise ValueError(f"BP_DESKTOP_ENGINE must be one of {sorted(ENGINES)}; got {name!r}")
    return ENGINES[name]
