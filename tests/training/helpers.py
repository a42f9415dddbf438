"""Shared set-up for the training tests: small problems and a loop on a plain thread."""
from __future__ import annotations

import contextlib
import threading

import numpy as np

from bp_desktop.core import Network, one_hot
from bp_desktop.training.history import HistoryCursor
from bp_desktop.training import Hyperparameters, Mailbox, RunControl, StopCriteria, TrainingRun, run_training


def xor_like(m=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, 2))
    return X, (X[:, :1] * X[:, 1:] > 0).astype(float)


def three_classes(m=90, seed=1):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, m)
    X = rng.normal(size=(m, 4)) + y[:, None]
    return X, one_hot(y, 3)


def make_run(sizes=(2, 5, 1), *, validation=False, hidden_activation="sigmoid", **hyper) -> TrainingRun:
    X, Y = xor_like() if sizes[-1] == 1 else three_classes()
    extra = {}
    if validation:
        Xv, Yv = xor_like(seed=7) if sizes[-1] == 1 else three_classes(seed=7)
        extra = {"X_val": Xv, "Y_val": Yv}
    stop = hyper.pop("stop", None)
    return TrainingRun(Network(sizes, seed=3, hidden_activation=hidden_activation), X, Y,
                       hyper=Hyperparameters(**hyper), stop=stop or StopCriteria(), **extra)


class Loop:
    """run_training on a plain thread; `on_iteration` runs in that thread after each iteration."""

    def __init__(self, run: TrainingRun, on_iteration=None):
        self.run, self.control, self.mailbox = run, RunControl(), Mailbox()
        self.rows = HistoryCursor(run.history)  # what the history gained, as a window reads it
        self.on_iteration = on_iteration
        self.result: str | None = None
        self.thread = threading.Thread(target=self._target, daemon=True)

    def _target(self):
        def should_abort():
            if self.on_iteration is not None:
                self.on_iteration(self)
            return False
        self.result = run_training(self.run, self.control, self.mailbox, should_abort)

    def step(self, n=1):
        self.control.step(n)
        assert self.control.wait_until_idle(timeout=10)

    def finish(self):
        self.control.stop()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive()


@contextlib.contextmanager
def running_loop(run: TrainingRun, on_iteration=None):
    loop = Loop(run, on_iteration)
    loop.thread.start()
    try:
        yield loop
    finally:
        loop.finish()


def drain_all(loop: Loop):
    """Every queued snapshot, and the history's rows not read before (one chunk)."""
    snapshots = []
    while (snapshot := loop.mailbox.drain()) is not None:
        snapshots.append(snapshot)
    chunk, _ = loop.rows.read()
    return snapshots, [chunk] if len(chunk) else []
