"""The two thread-safe objects between the training loop and whoever shows it.

RunControl carries commands in (run, pause, step n, stop, pace); the loop parks
on its condition when there is nothing to do, so a paused trainer costs no CPU
and wakes the instant a command arrives. Mailbox carries results out: the newest
snapshot replaces the older one; history rows stay in the run's History.
"""
from __future__ import annotations

import math
import threading
import time
from collections import deque
from typing import TYPE_CHECKING

import numpy as np

from .run import IterationRecord

if TYPE_CHECKING:
    from collections.abc import Callable

    from .run import Snapshot


def checked_step_count(n) -> int:
    """n as an int, or ValueError unless it is a whole number ≥ 1."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"step needs a whole number of iterations ≥ 1; got {n!r}")
    return int(n)


def checked_rate(iterations_per_second) -> float:
    """The maximum rate as a float, or ValueError unless it is finite and ≥ 0 (0: no limit)."""
    rate = float(iterations_per_second)
    if not math.isfinite(rate) or rate < 0:
        raise ValueError(f"the maximum rate must be a finite number ≥ 0; got {iterations_per_second!r}")
    return rate


class Schedule:
    """What the loop is asked to do: run on, or n more steps, at most `rate` iterations a
    second. Plain bookkeeping, not thread-safe: RunControl keeps one under its lock, and the
    worker process's loop (training/worker.py), which has a single thread, keeps its own."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock  # seconds; tests inject their own
        self.running = False
        self.steps = 0
        self.last_ends_step = False  # the iteration granted last ends a step(n) command
        self.rate = 0.0
        # clock times: before which no paced iteration starts, and of the last iteration
        # granted since the loop last parked. None: the first one starts at once.
        self._next_due: float | None = None
        self._last_grant: float | None = None

    @property
    def has_work(self) -> bool:
        return self.running or self.steps > 0

    def resume(self) -> None:
        self.running = True

    def pause(self) -> None:
        self.running = False
        self.steps = 0

    def step(self, n: int) -> None:
        self.running = False
        self.steps += checked_step_count(n)

    def set_rate(self, iterations_per_second: float) -> None:
        self.rate = checked_rate(iterations_per_second)
        # the next deadline follows the new rate at once (1000 s -> 0.1 s must not wait
        # 1000 s); with no iteration since the loop parked, the first starts the clock
        paced = self.rate and self._last_grant is not None
        self._next_due = self._last_grant + 1.0 / self.rate if paced else None

    @property
    def next_due(self) -> float | None:
        """The clock time before which the next iteration does not start (None: at once)."""
        return self._next_due if self.rate else None

    def delay(self) -> float:
        """Seconds until the next iteration may start under the rate (≤ 0: now)."""
        due = self.next_due
        return 0.0 if due is None else due - self._clock()

    def grant(self) -> None:
        """Book one iteration as started."""
        stepped = not self.running
        if stepped:
            self.steps -= 1
        self.last_ends_step = stepped and self.steps == 0
        now = self._clock()
        if self.rate:
            # keep the average rate, catching up at most one interval after a slow iteration;
            # the first paced iteration counts from now (a stale deadline let two run at once)
            interval = 1.0 / self.rate
            start = now if self._next_due is None else max(self._next_due, now - interval)
            self._next_due = start + interval
        self._last_grant = now

    def rest(self) -> None:
        """The loop parked: the first iteration after a pause starts at once, and starts
        the clock."""
        self._next_due = self._last_grant = None


class RunControl:
    """Run / pause / step n / stop, shared by a controlling thread and the loop."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._condition = threading.Condition()
        self._schedule = Schedule(clock)
        self._stopped = False
        self._parked = False      # the loop waits for work
        self._loop_done = False   # the loop has returned

    # --- commands (any thread) ---------------------------------------------------------
    def resume(self) -> None:
        """Run iterations continuously until pause, stop or a stop criterion."""
        with self._condition:
            self._schedule.resume()
            self._give_work()

    def pause(self) -> None:
        """Park after the current iteration; pending steps are cancelled."""
        with self._condition:
            self._schedule.pause()
            self._condition.notify_all()

    def step(self, n: int = 1) -> None:
        """Run exactly n more iterations, then park."""
        with self._condition:
            self._schedule.step(n)
            self._give_work()

    def stop(self) -> None:
        """End the loop: acquire_iteration() returns False from now on."""
        with self._condition:
            self._stopped = True
            self._schedule.pause()
            self._condition.notify_all()

    def rearm(self) -> None:
        """Make a stopped control usable by a new loop (call after the old loop ended)."""
        with self._condition:
            self._stopped = False
            self._loop_done = False
            self._parked = False
            self._schedule.pause()
            self._schedule.rest()

    def set_max_rate(self, iterations_per_second: float) -> None:
        """Pace the loop for teaching; 0 means as fast as possible."""
        with self._condition:
            self._schedule.set_rate(iterations_per_second)
            self._condition.notify_all()  # a pacing wait recomputes its delay

    def _give_work(self) -> None:
        self._parked = False
        self._condition.notify_all()

    # --- state (any thread) ------------------------------------------------------------
    @property
    def is_running(self) -> bool:
        with self._condition:
            return self._schedule.running and not self._stopped

    @property
    def is_stopped(self) -> bool:
        with self._condition:
            return self._stopped

    @property
    def pending_steps(self) -> int:
        with self._condition:
            return self._schedule.steps

    @property
    def max_rate(self) -> float:
        with self._condition:
            return self._schedule.rate

    @property
    def next_due(self) -> float | None:
        """The clock time before which the next iteration does not start (None: at once)."""
        with self._condition:
            return self._schedule.next_due

    @property
    def last_grant_ends_step(self) -> bool:
        """Whether the iteration granted last is the final one of a step(n) command
        (read by the loop thread: that snapshot must be shown, not coalesced away)."""
        return self._schedule.last_ends_step

    def wait_until_idle(self, timeout: float | None = None) -> bool:
        """Block until the loop is parked with nothing to do, or has ended. False on timeout."""
        with self._condition:
            return self._condition.wait_for(lambda: self._parked or self._loop_done, timeout)

    # --- the loop's side ---------------------------------------------------------------
    def acquire_iteration(self, on_park: Callable[[], None] | None = None) -> bool:
        """Wait until one iteration may run. True: run it. False: the loop must end.

        Parks on the condition (no polling) while paused; with a maximum rate, waits
        out the pacing interval with Condition.wait(timeout), so pause and stop still
        take effect at once. `on_park()` runs (outside the lock) before the loop parks,
        so what it publishes is there when wait_until_idle returns.
        """
        with self._condition:
            schedule = self._schedule
            while True:
                if self._stopped:
                    return False
                if schedule.has_work:
                    delay = schedule.delay()
                    if delay > 0:
                        self._condition.wait(delay)
                        continue  # re-check: paused, stopped or re-paced meanwhile?
                    schedule.grant()
                    return True
                if not self._parked:
                    if on_park is not None:
                        self._condition.release()
                        try:
                            on_park()
                        finally:
                            self._condition.acquire()
                        on_park = None
                        continue  # re-check: work may have come meanwhile
                    self._parked = True
                    self._condition.notify_all()
                schedule.rest()
                self._condition.wait()

    def loop_finished(self) -> None:
        """Called by the loop as it returns; wakes wait_until_idle."""
        with self._condition:
            self._loop_done = True
            self._parked = False
            self._condition.notify_all()


MAX_STEPPED_SNAPSHOTS = 8


class Mailbox:
    """Results from the loop to the UI: the newest snapshot, and events.

    put() stores the newest snapshot (replacing one nobody took yet); drain() hands it
    out. The snapshot that ends a step(n) command is queued instead of replaced (up to
    `max_stepped` of them, oldest first), so pressing Step several times within one frame
    still shows each stepped iteration. Events (a stop criterion met, a divergence) are
    queued too and taken with take_events(). History rows do not travel here: the run's
    History is their one store, and readers take what is new through a HistoryCursor.

    The loop puts IterationRecords rather than Snapshots: a snapshot is built only for
    the record drain() hands out, not for the thousands replaced unseen.
    """

    def __init__(self, max_stepped: int = MAX_STEPPED_SNAPSHOTS):
        self._lock = threading.Lock()
        self._latest: Snapshot | IterationRecord | None = None
        self._stepped: deque[Snapshot | IterationRecord] = deque(maxlen=max_stepped)
        self._events: list[tuple[str, str]] = []

    def put(self, snapshot: Snapshot | IterationRecord, *, stepped: bool = False) -> None:
        """The newest snapshot, or the record to build it from when drained."""
        with self._lock:
            if stepped:
                self._latest = None  # older than the stepped one: never shown
                self._stepped.append(snapshot)
            else:
                self._latest = snapshot

    def post(self, kind: str, message: str) -> None:
        """Queue an event for the UI: kind is 'stopped' or 'failed'."""
        with self._lock:
            self._events.append((kind, message))

    def drain(self) -> Snapshot | None:
        """The next snapshot to show, or None if nothing new."""
        with self._lock:
            if self._stepped:
                item = self._stepped.popleft()
            else:
                item, self._latest = self._latest, None
        return item.snapshot() if isinstance(item, IterationRecord) else item

    def has_snapshot(self) -> bool:
        with self._lock:
            return bool(self._stepped) or self._latest is not None

    def take_events(self) -> list[tuple[str, str]]:
        with self._lock:
            events, self._events = self._events, []
            return events

    def clear(self) -> None:
        """Forget everything not yet drained (after a reset)."""
        with self._lock:
            self._latest = None
            self._stepped.clear()
            self._events.clear()
