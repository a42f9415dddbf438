"""InlineEngine: the workbench's engine without threads or Qt, for tests and scripts.

It has the commands and the five signals of the window's trainer (ui/trainer.py), and runs
each iteration at once in the caller's thread through the same pure loop step, so the model's
behaviour can be tested without an event loop. `start()` trains until a stop criterion, a
divergence or `budget` iterations (a script has no Pause button).
"""
from __future__ import annotations

import numpy as np
from psygnal import Signal

from bp_desktop.training import Diverged, HistoryChunk, TrainingRun
from bp_desktop.training.run import QUIET


class InlineEngine:
    snapshot_ready = Signal(object)
    history_appended = Signal(object)
    stopped = Signal(str)
    failed = Signal(str)
    state_changed = Signal(str)

    def __init__(self, run: TrainingRun, budget: int = 10_000):
        self.run = run
        self.budget = budget
        self.max_rate = 0.0

    # the window's trainer answers these about its thread; here nothing ever runs in between
    def is_running(self) -> bool:
        return False

    def wait_until_idle(self, timeout_ms: int = 0) -> bool:
        return True

    def pause_and_wait(self, timeout_ms: int = 0) -> bool:
        return True

    def pause(self) -> None:
        pass

    def shutdown(self) -> bool:
        return True

    def set_run(self, run: TrainingRun) -> bool:
        self.run = run
        return True

    def set_selected_example(self, index: int) -> None:
        self.run.selected_example = index

    def set_max_rate(self, iterations_per_second: float) -> None:
        self.max_rate = iterations_per_second  # pacing is for people watching: nothing to pace

    def set_hyperparameters(self, **changes) -> None:
        self.run.set_hyperparameters(**changes)

    def set_stop_criteria(self, **changes) -> None:
        self.run.set_stop_criteria(**changes)

    def reset(self, new_seed: int | None = None) -> None:
        self.run.reset(new_seed)

    def step(self, n: int = 1) -> None:
        """Run n iterations (fewer if a stop criterion or a divergence ends them)."""
        self._iterate(n)

    def start(self) -> None:
        self.state_changed.emit("running")
        self._iterate(self.budget)
        self.state_changed.emit("paused")

    def _iterate(self, n: int) -> None:
        snapshot, rows = None, []
        with np.errstate(**QUIET):
            for _ in range(n):
                reason = self.run.limit_reached()
                if reason:
                    return self._end(snapshot, rows, self.stopped, reason)
                try:
                    snapshot, chunk = self.run.step_with_rows()
                except Diverged as diverged:
                    self.run.stop_reason = str(diverged)
                    return self._end(diverged.snapshot or snapshot, rows, self.failed, str(diverged))
                if len(chunk):  # none when the target cost held the run at its Θ
                    rows.append(chunk)
                reason = self.run.check_stop_criteria(snapshot)
                if reason:
                    return self._end(snapshot, rows, self.stopped, reason)
        self._end(snapshot, rows)

    def _end(self, snapshot, rows: list[HistoryChunk], signal=None, message: str = "") -> None:
        """Deliver as the window's trainers do: rows, then (the run rests now) the pass at the
        current Θ, then the event."""
        if rows:
            self.history_appended.emit(HistoryChunk.joined(rows))
        if snapshot is not None:
            with np.errstate(**QUIET):
                self.snapshot_ready.emit(self.run.preview())
        if signal is not None:
            signal.emit(message)
