"""What iterations produce: a Snapshot of one pass (what the views show), the IterationRecord
the loop keeps until someone looks, and Diverged when the numbers stop being finite."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from bp_desktop.core import BackpropResult
from bp_desktop.core.network import PerExampleViews

from .history import HistoryChunk, theta_iterations

if TYPE_CHECKING:
    from .run import TrainingRun


@dataclass(frozen=True)
class Snapshot(PerExampleViews):
    """Everything iteration `iteration` computed, at the weights `thetas` it started from
    (Θ before its update), so δ and Θ shown together belong together.

    The *_columns tuples are units × examples, indexed by 0-based layer:
    a_columns[0] is Xᵀ (shared with the run, never copied), z_columns[0] and
    delta_columns[0] are None. The arrays belong to the snapshot: the loop never
    writes to them again.
    """

    iteration: int
    thetas: tuple[np.ndarray, ...]
    a_columns: tuple[np.ndarray, ...]
    z_columns: tuple[np.ndarray | None, ...]
    delta_columns: tuple[np.ndarray | None, ...]
    Deltas: tuple[np.ndarray, ...]  # the lecture's Δ^(l) = Σ_t δ^(l+1) (a^(l))ᵀ, shaped like thetas
    gradients: tuple[np.ndarray, ...]
    cost: float
    data_cost: float
    lam: float
    m: int
    Y: np.ndarray
    train_accuracy: float
    validation_cost: float | None
    validation_accuracy: float | None
    gradient_norm: float
    hidden_activation: str
    # True for TrainingRun.preview(): the pass at the current Θ (after `iteration` updates),
    # rather than the pass iteration `iteration` made at the Θ before its update
    preview: bool = False

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return tuple(a.shape[0] for a in self.a_columns)

    @property
    def regularisation(self) -> float:
        return self.cost - self.data_cost

    @property
    def theta_iteration(self) -> int:
        """How many iterations Θ had had when these numbers were computed: iteration − 1 for
        an iteration's own pass (made before its update), iteration for a preview. The
        window labels everything by it, as the course's print-outs do ("Iteration 50 |
        Cost ..." is J after 50 iterations)."""
        return self.iteration if self.preview else theta_iterations(self.iteration)


class Diverged(ArithmeticError):
    """An iteration produced a non-finite cost, gradient or weight; the run went back to the
    last weights whose J and gradient were finite, and its iteration count with them (so
    the iteration that failed, and the one before it if its Θ was the bad one, run again).

    `snapshot` / `rows` are the iteration's results when its own pass was still finite
    (only the update blew up), so it can still be shown; otherwise None. The row is not in
    the history: the iteration is undone. From TrainingRun.advance(), `record` carries that
    iteration instead and snapshot / rows are None.
    """

    def __init__(self, message: str, snapshot: Snapshot | None = None,
                 rows: HistoryChunk | None = None, record: IterationRecord | None = None):
        super().__init__(message)
        self.snapshot = snapshot
        self.rows = rows
        self.record = record


class IterationRecord:
    """What one iteration computed, before a Snapshot or a history row is made of it.

    The training loop keeps these instead of Snapshots: most iterations of a fast run are
    replaced in the mailbox before anyone looks, so their Snapshot is never built, and
    their history rows are handed over in batches (see rows.PendingRows). The arrays are
    the iteration's own (fresh from its backprop pass, and its own copy of Θ), so the
    Snapshot built later, in any thread, is the one step() would have returned.
    """

    __slots__ = ("iteration", "params_before", "result", "cost", "gradient_norm",
                 "validation_cost", "validation_accuracy", "lam", "selected", "failure", "held", "_run")

    def __init__(self, run: TrainingRun, iteration: int, params_before: np.ndarray,
                 result: BackpropResult, gradient_norm: float,
                 validation: tuple[float | None, float | None], lam: float, held: bool = False):
        self._run = run
        # held: J at Θ had reached the target, so Θ was not updated and no iteration counted;
        # the record is the pass at the current Θ (a preview) after `iteration` iterations
        self.held = held
        self.iteration = iteration
        self.params_before = params_before
        self.result = result
        self.cost = float(result.cost)
        self.gradient_norm = float(gradient_norm)
        self.validation_cost, self.validation_accuracy = validation
        self.lam = float(lam)
        self.selected = run.selected_example  # whose a and δ the row records
        self.failure: str | None = None       # set when the update made the weights non-finite

    @property
    def theta_iteration(self) -> int:
        """As Snapshot.theta_iteration: the pass was made at Θ after iteration − 1 iterations
        (after `iteration` for a held record)."""
        return self.iteration if self.held else theta_iterations(self.iteration)

    def snapshot(self) -> Snapshot:
        snapshot = self._run._snapshot(self.iteration, self.params_before, self.result,
                                       self.gradient_norm,
                                       (self.validation_cost, self.validation_accuracy), self.lam)
        return replace(snapshot, preview=True) if self.held else snapshot
