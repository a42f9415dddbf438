"""Training in a child process: the worker's loop, the messages, and the parent's handle. No Qt.

In the window's process the views' Python holds the GIL while it draws, and a small
network's iteration is mostly Python too, so a training thread there waits for the views
(measured: the real window trained spiral 2-8-8-1 at 0.22× the bare core loop). Here the
same loop (run_training) runs in a process of its own, started with 'spawn' (never a fork
of a process that runs Qt), with one BLAS thread, so the GUI keeps the other core.

    parent: WorkerClient.send(command) --pipe--> worker: run_training, whose run control
                                                 (Worker) reads the pipe between iterations
    parent: WorkerClient.receive()  <--pipe----  Report: Θ, the new history rows, events,
                                                 the iteration; at most ~30 a second

The parent keeps a mirror of the run (same network, data and history) and computes what it
shows from Θ with the core: m × units arrays never cross the pipe. The data cross once per
run, in 'install'. Commands are tuples:

    ("install", epoch, RunState)   a run to train from now on; reports carry `epoch`
    ("reset", epoch, seed | None)  TrainingRun.reset; later reports carry `epoch`
    ("start",) ("pause",) ("step", n)
    ("hyper", changes) ("stop_criteria", changes) ("select", index) ("rate", iterations/s)
    ("sync",)                      apply pending settings now; report the optimiser's state
    ("quit",)

Every command counts: a report says how many the worker has handled (`seq`), so the parent
knows when a report reflects everything it asked for (WorkerClient.sent).
"""
from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from bp_desktop.core import Network
from bp_desktop.core.params import theta_views

from .control import Schedule
from .history import HistoryChunk, RowBuffer
from .loop import run_training
from .run import Hyperparameters, StopCriteria, TrainingRun

REPORT_INTERVAL = 1 / 30      # seconds between reports while training
COMMAND_POLL_INTERVAL = 0.005  # seconds between looks at the pipe while training


@dataclass(frozen=True)
class RunState:
    """Everything a worker needs to continue a TrainingRun exactly; sent once per run."""

    layer_sizes: tuple[int, ...]
    hidden_activation: str
    seed: int | None
    epsilon_init: float | None
    params: np.ndarray
    initial_params: np.ndarray
    X: np.ndarray
    Y: np.ndarray
    X_val: np.ndarray | None
    Y_val: np.ndarray | None
    hyper: Hyperparameters
    stop: StopCriteria
    selected_example: int
    iteration: int
    history_rows: np.ndarray
    history_bytes: int
    optimizer_state: dict[str, Any]

    @classmethod
    def of(cls, run: TrainingRun) -> RunState:
        """`run` as it is now. Only while nothing steps it, and after run.apply_pending(), so
        that its optimiser's state belongs to its hyper-parameters."""
        net = run.network
        return cls(net.layer_sizes, net.hidden_activation, net.seed, net.epsilon_init,
                   net.params.copy(), run.initial_params, run.X, run.Y, run.X_val, run.Y_val,
                   run.hyper, run.stop_criteria, run.selected_example, run.iteration,
                   run.history.as_chunk().rows, run.history.max_bytes, run.optimizer_state())

    def build(self) -> TrainingRun:
        # a Network is rebuilt rather than pickled: its Θ are views into params, which
        # pickling would turn into copies
        network = Network(self.layer_sizes, thetas=theta_views(self.params, self.layer_sizes),
                          hidden_activation=self.hidden_activation, seed=self.seed,
                          epsilon_init=self.epsilon_init)
        run = TrainingRun(network, self.X, self.Y, X_val=self.X_val, Y_val=self.Y_val,
                          hyper=self.hyper, stop=self.stop, selected_example=self.selected_example,
                          history_bytes=self.history_bytes)
        run.resume(iteration=self.iteration, initial_params=self.initial_params,
                   history_rows=self.history_rows, optimizer_state=self.optimizer_state)
        return run


@dataclass(frozen=True)
class Report:
    """What the worker tells the parent, at most ~30 times a second while training, and at
    once when a step(n) ends, an event happens or the loop parks."""

    epoch: int                     # of the run / reset these numbers belong to
    seq: int                       # commands handled so far
    iteration: int                 # iterations Θ has had
    params: np.ndarray | None      # Θ after `iteration` iterations; None if unchanged since the last report
    rows: np.ndarray | None        # history rows since the last report (None: none)
    decimated: bool                # the rows were thinned (the parent fell far behind)
    events: tuple[tuple[str, str], ...]  # ('stopped' | 'failed', message), oldest first
    idle: bool                     # the loop parks after this report, with nothing to do
    stepped: bool                  # `iteration` was the last of a step(n) command
    optimizer_state: dict[str, Any] | None = None  # the answer to 'sync'


MAX_PENDING_BYTES = 16 * 2**20  # rows waiting for a report; thinned past this (the parent fell behind)


class Outbox:
    """run_training's mailbox in the worker: history rows and events wait here for the next
    report. The iteration records the loop puts are dropped: nothing here builds a Snapshot,
    the parent computes what it shows from Θ."""

    def __init__(self, ncols: int):
        self._rows = RowBuffer(ncols, MAX_PENDING_BYTES)
        self.events: list[tuple[str, str]] = []

    def put(self, record, *, stepped: bool = False) -> None:
        """The loop's newest record: dropped, the parent computes what it shows from Θ."""

    def append_rows(self, rows: HistoryChunk) -> None:
        """The run's rows, as its pending rows are handed over (see TrainingRun.also_send_rows_to)."""
        self._rows.append(rows.rows)

    def post(self, kind: str, message: str) -> None:
        self.events.append((kind, message))

    def drop_rows_after(self, iteration: int) -> None:
        self._rows.drop_after(iteration)

    def has_news(self) -> bool:
        return bool(self._rows.n or self.events)

    def take(self) -> tuple[np.ndarray | None, bool, tuple[tuple[str, str], ...]]:
        """(rows or None, whether they were thinned, events); empties the outbox."""
        decimated = self._rows.decimations > 0
        rows = self._rows.take() if self._rows.n else None
        events, self.events = tuple(self.events), []
        return rows, decimated, events


class Worker:
    """The worker process's side: one TrainingRun at a time, run by run_training with this
    object as its run control. acquire_iteration() is where commands are read (every few
    milliseconds while training, blocking while parked) and where the loop parks; the
    reports go out from _after_iteration() and before parking. One thread: nothing here
    races the loop."""

    def __init__(self, conn, send):
        self._conn = conn
        self._send = send  # hands a Report to the sender thread: the loop never waits for the GUI
        self._run: TrainingRun | None = None
        self._looping: TrainingRun | None = None  # the run run_training is iterating
        self._outbox: Outbox | None = None
        self._schedule = Schedule()
        self._epoch = 0
        self._seq = 0             # commands handled
        self._reported_seq = 0    # seq of the last report
        self._changed = False     # Θ or the iteration changed since the last report
        self._errors: list[tuple[str, str]] = []  # commands that failed, for the next report
        self._quit = False
        self._next_report = 0.0
        self._next_poll = 0.0

    def serve(self) -> None:
        with threadpool_limits(limits=1, user_api="blas"):
            while not self._quit:
                if self._run is None:
                    self._handle(self._conn.recv())
                else:  # returns when told to quit or given another run
                    self._looping = self._run
                    self._run.also_send_rows_to(self._outbox)  # the reports carry them to the parent
                    run_training(self._run, self, self._outbox, should_abort=self._after_iteration)

    # --- run_training's run control ------------------------------------------------------
    def acquire_iteration(self, on_park=None) -> bool:
        """As RunControl's; `on_park` is not called: the parent computes the pass at rest
        from the Θ of the final report."""
        schedule = self._schedule
        while True:
            if self._quit or self._run is not self._looping:
                return False
            if not schedule.has_work:
                self._report_if_news()  # the parent learns the final state before we park
                schedule.rest()
                self._handle(self._conn.recv())
                continue
            now = time.monotonic()
            if now >= self._next_poll:  # a look at the pipe costs ~10 µs: not every iteration
                self._next_poll = now + COMMAND_POLL_INTERVAL
                if self._handle_arriving(0):
                    continue
            delay = schedule.delay()
            if delay > 0:  # wait out the pace unless a command comes, reporting when due
                if self._has_news():
                    until_report = self._next_report - time.monotonic()
                    if until_report <= 0:
                        self._report()
                    else:
                        delay = min(delay, until_report)
                self._handle_arriving(delay)
                continue
            schedule.grant()
            return True

    @property
    def last_grant_ends_step(self) -> bool:
        return self._schedule.last_ends_step

    def pause(self) -> None:
        self._schedule.pause()

    def loop_finished(self) -> None:
        pass

    def _after_iteration(self) -> bool:
        """run_training's should_abort: report when due, or at once after the last iteration
        of a step(n) or an event. (Also called as the loop ends: then it has nothing to do.)"""
        if self._quit or self._run is not self._looping:
            return True
        self._changed = True
        stepped = self._schedule.last_ends_step
        if stepped or self._outbox.events or time.monotonic() >= self._next_report:
            self._report(stepped=stepped)
        return False

    # --- reports -------------------------------------------------------------------------
    def _has_news(self) -> bool:
        return (self._changed or self._seq != self._reported_seq or bool(self._errors)
                or (self._outbox is not None and self._outbox.has_news()))

    def _report_if_news(self) -> None:
        if self._has_news():
            self._report()

    def _report(self, stepped: bool = False, optimizer_state: dict | None = None) -> None:
        run = self._run
        rows, decimated, events = None, False, ()
        if run is not None:
            run.flush_rows()
            rows, decimated, events = self._outbox.take()
        params = run.network.params.copy() if run is not None and self._changed else None
        events, self._errors = (*events, *self._errors), []
        self._send(Report(self._epoch, self._seq, run.iteration if run is not None else 0,
                          params, rows, decimated, events, idle=not self._schedule.has_work,
                          stepped=stepped, optimizer_state=optimizer_state))
        self._changed = False
        self._reported_seq = self._seq
        self._next_report = time.monotonic() + REPORT_INTERVAL

    # --- commands ------------------------------------------------------------------------
    def _handle_arriving(self, timeout: float) -> bool:
        """Handle the commands that arrive within `timeout` seconds; whether there were any."""
        if not self._conn.poll(timeout):
            return False
        while True:
            self._handle(self._conn.recv())
            if self._quit or not self._conn.poll(0):
                return True

    def _handle(self, command: tuple) -> None:
        self._seq += 1
        name, *args = command
        try:
            getattr(self, f"_on_{name}")(*args)
        except Exception as error:  # a bad command must not end the worker: the parent hears of it
            self._errors.append(("failed", f"the training process could not {name}: "
                                           f"{type(error).__name__}: {error}"))

    def _on_install(self, epoch: int, state: RunState) -> None:
        self._run = state.build()
        self._outbox = Outbox(self._run.history.layout.ncols)
        self._new_epoch(epoch)

    def _on_reset(self, epoch: int, new_seed: int | None) -> None:
        self._run.reset(new_seed)
        self._outbox.take()
        self._new_epoch(epoch)

    def _new_epoch(self, epoch: int) -> None:
        # no Θ in the next report: the parent made the same run (or reset) itself
        self._epoch = epoch
        self._schedule.pause()
        self._changed = False

    def _on_start(self) -> None:
        if self._run is not None:
            self._schedule.resume()

    def _on_pause(self) -> None:
        self._schedule.pause()

    def _on_step(self, n: int) -> None:
        if self._run is not None:
            self._schedule.step(n)

    def _on_hyper(self, changes: dict) -> None:
        self._run.set_hyperparameters(**changes)

    def _on_stop_criteria(self, changes: dict) -> None:
        self._run.set_stop_criteria(**changes)

    def _on_select(self, index: int) -> None:
        self._run.selected_example = index

    def _on_rate(self, iterations_per_second: float) -> None:
        self._schedule.set_rate(iterations_per_second)

    def _on_sync(self) -> None:
        state = None
        if self._run is not None:
            self._run.apply_pending()  # as a saved session needs: settings and optimiser agree
            state = self._run.optimizer_state()
        self._report(optimizer_state=state)

    def _on_quit(self) -> None:
        self._quit = True


def worker_main(conn) -> None:
    """The worker process: serve commands until 'quit', or until the parent goes away (its
    end of the pipe closes when it exits or dies, and reading ours then fails).

    Reports leave through a sender thread: a report of a small network's rows is tens of KB
    and the pipe holds about 200 KB, so while the GUI thread paints (tens of ms), sending
    from the loop would stop training until the GUI reads (measured: the window trained at
    half the worker's rate)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal is for the parent
    reports: queue.SimpleQueue = queue.SimpleQueue()
    sender = threading.Thread(target=_send_queued, args=(conn, reports), name="reports", daemon=True)
    sender.start()
    try:
        Worker(conn, reports.put).serve()
    except (EOFError, OSError):
        pass
    finally:
        reports.put(None)
        sender.join()  # the last reports go out (or fail at once if the parent is gone)
        conn.close()


class WorkerClient:
    """The parent's handle on one worker process (started at once, with 'spawn').

    send() queues a command for a sender thread, so the caller never blocks on a worker busy
    in a long iteration ('install' carries the data: megabytes). Reports are read by the
    caller: fileno() for a notifier, poll(), receive(). Not thread-safe: one thread uses it.
    """

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child_end = context.Pipe()
        self.process = context.Process(target=worker_main, args=(child_end,),
                                       name="bp-desktop-training", daemon=True)
        self.process.start()
        child_end.close()  # the worker holds its end: ours reads EOF once the worker is gone
        self.sent = 0  # commands sent; a report with seq == sent reflects all of them
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._sender = threading.Thread(target=_send_queued, args=(self._conn, self._queue),
                                        name="bp-desktop-training-sender", daemon=True)
        self._sender.start()
        self._closed = False
        self._heard = False  # a report has come: the worker has started

    @property
    def heard(self) -> bool:
        """Whether the worker has reported at all (it started and runs the loop)."""
        return self._heard

    def send(self, *command) -> None:
        if self._closed:
            return
        self.sent += 1
        self._queue.put(command)

    def fileno(self) -> int:
        return self._conn.fileno()

    def poll(self, timeout: float = 0.0) -> bool:
        """Whether a report (or the worker's end) can be read within `timeout` seconds."""
        return self._conn.poll(timeout)

    def receive(self) -> Report:
        """The next report; EOFError (or OSError) once the worker has ended."""
        report = self._conn.recv()
        self._heard = True
        return report

    def settle(self, timeout: float) -> list[Report]:
        """Every report until one answers all commands sent with the worker parked
        (TimeoutError if that takes longer than `timeout` seconds)."""
        reports, deadline = [], time.monotonic() + timeout
        while not reports or reports[-1].seq != self.sent or not reports[-1].idle:
            if not self.poll(max(0.0, deadline - time.monotonic())):
                raise TimeoutError(f"the training process did not answer within {timeout:g} s")
            reports.append(self.receive())
        return reports

    def is_alive(self) -> bool:
        return self.process.is_alive()

    @property
    def exitcode(self) -> int | None:
        return self.process.exitcode

    def close(self, grace: float) -> bool:
        """Ask the worker to quit; terminate it if it has not within `grace` seconds (an
        iteration is not interrupted otherwise), or at once if it has never reported (it is
        still starting, and holds nothing). True once it is gone. Idempotent."""
        if not self._heard:
            grace = 0.0
        if not self._closed:
            self.send("quit")
            self._closed = True
            self._queue.put(None)  # the sender ends after the commands before it
        self.process.join(grace)
        for end in (self.process.terminate, self.process.kill):
            if not self.process.is_alive():
                break
            end()
            self.process.join(1.0)
        if self.process.is_alive():
            return False
        # the worker is gone, so a send in progress fails at once and the sender ends; only
        # then is the pipe closed (closing it under the sender could hand its descriptor to
        # a file opened meanwhile)
        self._sender.join()
        self._conn.close()
        return True


def _send_queued(conn, commands: queue.SimpleQueue) -> None:
    while (command := commands.get()) is not None:
        try:
            conn.send(command)
        except OSError:  # the worker ended; the reader learns it from its end of the pipe
            return


__all__ = ["Outbox", "Report", "RunState", "Worker", "WorkerClient", "worker_main"]
