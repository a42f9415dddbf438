"""What a run is told: the hyper-parameters of its optimiser and when to stop by itself.
Plain, checked values; a run applies changes at its next iteration boundary."""
from __future__ import annotations

import dataclasses
import math
import threading
from dataclasses import dataclass, fields, replace
from typing import Any, Generic, TypeVar

import numpy as np

from bp_desktop.core import OPTIMIZERS


@dataclass
class Hyperparameters:
    """optimizer: 'gd' | 'momentum' | 'sgd' | 'cg'; alpha α; lam λ; momentum μ;
    batch_size and seed (mini-batch shuffling) for 'sgd'."""

    optimizer: str = "gd"
    alpha: float = 1.0
    lam: float = 0.0
    momentum: float = 0.9
    batch_size: int = 32
    seed: int = 0

    def check(self) -> None:
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimiser {self.optimizer!r}; choose one of {sorted(OPTIMIZERS)}")
        if not (math.isfinite(self.alpha) and self.alpha > 0):
            raise ValueError(f"the learning rate α must be a finite number > 0; got {self.alpha!r}")
        if not (math.isfinite(self.lam) and self.lam >= 0):
            raise ValueError(f"λ must be a finite number ≥ 0; got {self.lam!r}")
        if not (math.isfinite(self.momentum) and 0 <= self.momentum < 1):
            raise ValueError(f"the momentum μ must lie in [0, 1); got {self.momentum!r}")
        if not is_whole(self.batch_size) or self.batch_size < 1:
            raise ValueError(f"the batch size must be a whole number ≥ 1; got {self.batch_size!r}")
        if not is_whole(self.seed) or self.seed < 0:
            raise ValueError(f"the shuffling seed must be a whole number ≥ 0; got {self.seed!r}")


@dataclass
class StopCriteria:
    """When to pause by itself. max_iterations 0 means no limit; target_cost is J
    with λ (the run stops at the first Θ whose J reaches it, without updating that Θ);
    plateau: relative improvement of J over the last `plateau_window` iterations below
    `plateau_tolerance`; early stopping: the validation cost rose
    `early_stopping_patience` iterations in a row."""

    max_iterations: int = 0
    target_cost: float | None = None
    plateau_tolerance: float | None = None
    plateau_window: int = 50
    early_stopping_patience: int | None = None

    def check(self) -> None:
        if not is_whole(self.max_iterations) or self.max_iterations < 0:
            raise ValueError(f"max_iterations must be a whole number ≥ 0 (0 = no limit); "
                             f"got {self.max_iterations!r}")
        if self.plateau_tolerance is not None and not self.plateau_tolerance >= 0:
            raise ValueError(f"the plateau tolerance must be ≥ 0; got {self.plateau_tolerance!r}")
        if not is_whole(self.plateau_window) or self.plateau_window < 1:
            raise ValueError(f"the plateau window must be a whole number ≥ 1; got {self.plateau_window!r}")
        patience = self.early_stopping_patience
        if patience is not None and (not is_whole(patience) or patience < 1):
            raise ValueError(f"the early-stopping patience must be a whole number ≥ 1; got {patience!r}")


def check_names(kind: type, changes: dict[str, Any]) -> None:
    unknown = sorted(set(changes) - {f.name for f in fields(kind)})
    if unknown:
        raise ValueError(f"unknown {kind.__name__} field(s) {unknown}; "
                         f"choose from {[f.name for f in fields(kind)]}")


def is_whole(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


Settings = TypeVar("Settings", Hyperparameters, StopCriteria)


class PendingChanges(Generic[Settings]):
    """Settings in force (`value`) and changes to them made from any thread, which the
    stepping thread applies at the next iteration boundary (`apply`)."""

    def __init__(self, value: Settings):
        self._lock = threading.Lock()
        self.value = replace(value)
        self.value.check()
        self._changes: dict[str, Any] = {}

    @property
    def current(self) -> Settings:
        """The settings from the next iteration on (a copy)."""
        with self._lock:
            return replace(self.value, **self._changes)

    def change(self, whole: Settings | None = None, **changes: Any) -> None:
        """A whole set of settings, keyword changes, or both; checked before it is stored."""
        if whole is not None:
            changes = {**dataclasses.asdict(whole), **changes}
        check_names(type(self.value), changes)
        with self._lock:
            replace(self.value, **{**self._changes, **changes}).check()  # raises before storing
            self._changes.update(changes)

    def apply(self) -> Settings | None:
        """Bring the changes into force; returns the settings before them (None: no change)."""
        if not self._changes:  # the common case, without taking the lock
            return None
        with self._lock:
            changes, self._changes = self._changes, {}
        if not changes:
            return None
        old, self.value = self.value, replace(self.value, **changes)
        return old
