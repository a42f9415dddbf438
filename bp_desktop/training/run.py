"""One training run: a network, its data, an optimiser and what each iteration produced."""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np

from bp_desktop.core import BackpropResult, Network, make_optimizer
from bp_desktop.core.network import cross_entropy
from bp_desktop.core.optimizers import Optimizer, StepReport
from bp_desktop.core.params import theta_views

from .history import DEFAULT_HISTORY_BYTES, SERIES, UNIT_STATS, History, HistoryChunk
from .records import Diverged, IterationRecord, Snapshot
from .rows import PendingRows
from .settings import Hyperparameters, PendingChanges, StopCriteria, is_whole
from .stopping import StopRules

# How iterations run: divergence is detected and reported, so numpy's warnings would be noise
QUIET = {"over": "ignore", "invalid": "ignore", "divide": "ignore", "under": "ignore"}


class TrainingRun:
    """A network, its training (and optional validation) data, an optimiser and an
    iteration counter. `step()` runs one iteration and returns its Snapshot.

    Not for concurrent use: one thread steps it. The exceptions are
    set_hyperparameters / set_stop_criteria / selected_example, which any thread may
    call; they take effect at the next iteration boundary.
    """

    def __init__(self, network: Network, X: np.ndarray, Y: np.ndarray, *,
                 X_val: np.ndarray | None = None, Y_val: np.ndarray | None = None,
                 hyper: Hyperparameters | None = None, stop: StopCriteria | None = None,
                 selected_example: int = 0, history_bytes: int = DEFAULT_HISTORY_BYTES):
        self.network = network
        self.X, self.Y = _checked_data(network, X, Y, "training")
        if (X_val is None) != (Y_val is None):
            raise ValueError("give both X_val and Y_val for a validation set, or neither")
        self.X_val, self.Y_val = (None, None) if X_val is None else \
            _checked_data(network, X_val, Y_val, "validation")
        self._labels = _labels(self.Y)
        self._val_labels = None if self.Y_val is None else _labels(self.Y_val)
        self._settings = PendingChanges(hyper if hyper is not None else Hyperparameters())
        self._stop_rules = StopRules(stop)
        self.selected_example = selected_example
        self.history = History(network.layer_sizes, history_bytes)
        self._layout = self.history.layout
        self._abs_delta = np.empty((self._layout.units, len(self.X)))  # |δ| of every unit
        self._mean_weights = np.full(len(self.X), 1.0 / len(self.X))
        self._pending_rows = PendingRows(self._row_views, self._fill_row, self.history)
        self.history.before_read = self._pending_rows.flush
        self._initial_params = network.params.copy()
        self._restart()

    # --- settings (any thread) -------------------------------------------------------
    @property
    def hyper(self) -> Hyperparameters:
        """The hyper-parameters the next iteration will use (a copy)."""
        return self._settings.current

    def set_hyperparameters(self, hyper: Hyperparameters | None = None, **changes: Any) -> None:
        """Change α, λ, μ, batch size, seed or optimiser from any thread (a whole
        Hyperparameters, keyword changes, or both); applied at the next iteration
        boundary, without resetting the network."""
        self._settings.change(hyper, **changes)

    @property
    def stop_criteria(self) -> StopCriteria:
        return self._stop_rules.current

    def set_stop_criteria(self, criteria: StopCriteria | None = None, **changes: Any) -> None:
        """Change the stop criteria from any thread (a whole StopCriteria, keyword
        changes, or both); checked from the next iteration on."""
        self._stop_rules.change(criteria, **changes)

    @property
    def stop_reason(self) -> str | None:
        """Why training last paused by itself (a criterion, a divergence), or None."""
        return self._stop_rules.reason

    @stop_reason.setter
    def stop_reason(self, reason: str | None) -> None:
        self._stop_rules.reason = reason

    @property
    def selected_example(self) -> int:
        return self._selected

    @selected_example.setter
    def selected_example(self, index: int) -> None:
        m = len(self.X)
        if not is_whole(index) or not 0 <= index < m:
            raise ValueError(f"the selected example must be an index in 0..{m - 1}; got {index!r}")
        self._selected = int(index)

    @property
    def m(self) -> int:
        return len(self.X)

    @property
    def _hyper(self) -> Hyperparameters:
        """The hyper-parameters in force (this iteration's)."""
        return self._settings.value

    # --- life cycle (the stepping thread, or while no thread runs) --------------------
    def reset(self, new_seed: int | None = None) -> None:
        """Back to iteration 0: the same initial weights as before (bit for bit), or
        fresh ones drawn from `new_seed`. Optimiser state, history and stop reason go."""
        if new_seed is None:
            self.network.params[...] = self._initial_params
        else:
            self.network.initialize(new_seed)
            self._initial_params = self.network.params.copy()
        self._restart()

    def _restart(self) -> None:
        self._settings.apply()
        self._stop_rules.restart()
        self.iteration = 0
        self._pending_rows.clear()
        self.history.clear()
        self._optimizer = self._build_optimizer()
        self._last_params: np.ndarray | None = None  # Θ of the last iteration shown

    def _build_optimizer(self) -> Optimizer:
        h = self._hyper
        # track_cost_after=False: the next iteration's pass computes that cost anyway
        return make_optimizer(h.optimizer, alpha=h.alpha, momentum=h.momentum,
                              batch_size=h.batch_size, seed=h.seed, track_cost_after=False)

    def _apply_pending(self) -> None:
        self._stop_rules.apply_changes()
        old = self._settings.apply()
        if old is None:
            return
        if self._hyper.optimizer != old.optimizer:
            self._optimizer = self._build_optimizer()
        else:
            self._tune_optimizer(old)

    def _tune_optimizer(self, old: Hyperparameters) -> None:
        """Carry α, μ, batch size and seed into the optimiser, keeping its state."""
        opt, h = self._optimizer, self._hyper
        if h.optimizer == "cg":
            return  # fmincg has no learning rate: its line search picks the step
        opt.alpha = float(h.alpha)
        if h.optimizer == "momentum":
            opt.momentum = float(h.momentum)
        if h.optimizer == "sgd":
            opt.batch_size = int(h.batch_size)
            if h.seed != old.seed:
                opt.seed = int(h.seed)
                opt.reset()  # restart the shuffling from the new seed

    def optimizer_state(self) -> dict[str, Any]:
        return self._optimizer.state()

    def apply_pending(self) -> None:
        """Apply the settings changed since the last iteration now rather than at the next one
        (which comes to the same), so that hyper, stop criteria and optimiser state agree, as
        a saved session needs. Only while no thread steps the run."""
        self._apply_pending()

    def load_optimizer_state(self, state: dict[str, Any]) -> None:
        self._optimizer.load_state(state)

    @property
    def initial_params(self) -> np.ndarray:
        """The unrolled Θ that Reset returns to (a copy)."""
        return self._initial_params.copy()

    def resume(self, *, iteration: int, initial_params: np.ndarray, history_rows: np.ndarray,
               optimizer_state: dict[str, Any]) -> None:
        """Continue a saved run: the network already holds Θ after `iteration` iterations.
        Restores the counter, Reset's Θ, the history and the optimiser's state, and rebuilds
        what the stop criteria remember (recent costs, validation rises) from the history."""
        if not is_whole(iteration) or iteration < 0:
            raise ValueError(f"the iteration must be a whole number ≥ 0; got {iteration!r}")
        initial = np.array(initial_params, dtype=float)
        if initial.shape != self.network.params.shape:
            raise ValueError(f"the initial Θ must have {self.network.params.size} values; got shape "
                             f"{initial.shape}")
        self._restart()
        self._initial_params = initial
        self.history.append(np.asarray(history_rows, dtype=float).reshape(-1, self._layout.ncols))
        self.iteration = int(iteration)
        self._optimizer.load_state(optimizer_state)
        self._stop_rules.resume(self.history.series("cost"), self.history.series("validation_cost"))

    # --- one iteration -----------------------------------------------------------------
    def step(self) -> Snapshot:
        """One iteration: returns its snapshot (raises Diverged after restoring weights)."""
        return self.step_with_rows()[0]

    def step_with_rows(self) -> tuple[Snapshot, HistoryChunk]:
        """One iteration, its snapshot and its history row (already in `history`). When J
        at the current Θ has reached the target cost, no iteration happens: the snapshot
        is the preview at Θ (check_stop_criteria says why) and there is no row."""
        with np.errstate(**QUIET):
            record = self._iterate()
        if record.held:  # no iteration happened: no row
            return record.snapshot(), HistoryChunk(self._layout, np.empty((0, self._layout.ncols)))
        rows = HistoryChunk(self._layout, self._pending_rows.row_now(record))
        snapshot = record.snapshot()
        if record.failure:
            raise Diverged(record.failure, snapshot, rows)
        self.history.append(rows.rows)
        return snapshot, rows

    def advance(self) -> IterationRecord:
        """One iteration, as the training loop runs it: no Snapshot is built (the record
        builds it on demand) and its history row joins a batch computed a few iterations
        later, or as soon as anyone reads the history or drains the mailbox. Call it inside
        np.errstate(**QUIET), as the loop does once for all its iterations (entering it
        costs a microsecond), or a diverging run prints numpy's warnings. A `held` record
        (the target cost reached at the current Θ) has no row: no iteration happened."""
        record = self._iterate()
        if record.failure:
            raise Diverged(record.failure, record=record)
        if not record.held:
            self._pending_rows.add(record)
        return record

    def flush_rows(self) -> None:
        """Compute the history rows of the iterations still pending (any thread)."""
        self._pending_rows.flush()

    def deliver_rows_to(self, mailbox) -> None:
        """Every history row from now on also goes to `mailbox` (the loop's); its drain()
        flushes the pending rows first, so it never misses one."""
        self._pending_rows.flush()
        self._pending_rows.sink = mailbox
        mailbox.set_row_source(self._pending_rows.flush)

    def _iterate(self) -> IterationRecord:
        """One iteration; raises Diverged if its own pass was non-finite. If only the
        update was, the weights are restored and the record's `failure` says why. If the
        pass shows J at the target cost, there is no update: the record is `held`."""
        self._apply_pending()
        lam = self._hyper.lam
        params_before = self.network.params.copy()
        validation = self._validate() if self.X_val is not None else (None, None)
        report = self._optimizer.step(self.network, self.X, self.Y, lam, self._short_of_target)
        if not report.updated:  # J at Θ reached the target: stop with this Θ, not one more update
            return IterationRecord(self, self.iteration, params_before, report.result,
                                   report.gradient_norm, validation, lam, held=True)
        k = self.iteration + 1
        self._stop_rules.converged = report.converged
        problem = _pass_problem(report)
        if problem:
            raise Diverged(self._back_to_last_finite(k, problem))
        record = IterationRecord(self, k, params_before, report.result, report.gradient_norm,
                                 validation, lam)
        if not _all_finite(self.network.params):
            # Θ before this update is still good: the iteration is undone, counter included
            record.failure = (f"diverged at iteration {k}: the update made weights "
                              f"{_what_nonfinite(self.network.params)}; back to Θ after "
                              f"{k - 1} iteration{'s' if k != 2 else ''}")
            self._restore(params_before)
            return record
        self.iteration = k
        self._last_params = params_before
        return record

    def _short_of_target(self, result: BackpropResult) -> bool:
        """Whether J at the current Θ (result's) has yet to reach the target cost."""
        return self._stop_rules.short_of_target(result.cost)

    def _back_to_last_finite(self, k: int, problem: str) -> str:
        """Iteration k's pass, at Θ after k − 1 iterations, was not finite: go back to Θ after
        k − 2 (the last whose pass was finite), with the counter and the history."""
        if self._last_params is None:  # nothing finite to go back to
            self._optimizer.reset()  # velocity / search direction are poisoned too
            what = "at the initial weights" if k == 1 else "at the weights it started from"
            return f"diverged at iteration {k}: {problem} {what}"
        self._restore(self._last_params)
        self._last_params = None
        self.iteration = k - 2
        self._pending_rows.rewind(self.iteration)
        return (f"diverged at iteration {k}: {problem}; back to Θ after {k - 2} "
                f"iteration{'s' if k != 3 else ''}, the last whose J and gradient were finite")

    def _restore(self, params: np.ndarray) -> None:
        self.network.params[...] = params
        self._optimizer.reset()  # velocity / search direction are poisoned too

    def _validate(self) -> tuple[float, float]:
        """Validation J without λ (as the course's J_cv) and accuracy, at the current Θ."""
        forward = self.network.forward(self.X_val)
        cost = cross_entropy(forward.z_columns[-1], self.Y_val)
        return cost, _accuracy(forward.a_columns[-1], self._val_labels)

    def preview(self) -> Snapshot:
        """The pass at the current weights without updating them, labelled with the
        iterations done so far (0 after a reset): what to show before training starts.
        Not added to the history. Call it only while no thread steps this run."""
        lam = self.hyper.lam  # pending changes included, but left for the loop to apply
        with np.errstate(**QUIET):
            validation = self._validate() if self.X_val is not None else (None, None)
            result = self.network.backprop(self.X, self.Y, lam)
        snapshot = self._snapshot(self.iteration, self.network.params.copy(), result,
                                  float(np.linalg.norm(result.gradient_vector)), validation, lam)
        return replace(snapshot, preview=True)

    def _snapshot(self, k: int, params_before: np.ndarray, r: BackpropResult, gradient_norm: float,
                  validation: tuple[float | None, float | None], lam: float) -> Snapshot:
        return Snapshot(
            iteration=k, thetas=tuple(theta_views(params_before, self.network.layer_sizes)),
            a_columns=tuple(r.a_columns), z_columns=tuple(r.z_columns),
            delta_columns=tuple(r.delta_columns), Deltas=tuple(r.Deltas),
            gradients=tuple(r.gradients),
            cost=float(r.cost), data_cost=float(r.data_cost), lam=float(lam), m=len(self.X),
            Y=self.Y, train_accuracy=_accuracy(r.a_columns[-1], self._labels),
            validation_cost=validation[0], validation_accuracy=validation[1],
            gradient_norm=float(gradient_norm),
            hidden_activation=self.network.hidden_activation)

    def _row_views(self, row: np.ndarray) -> tuple[np.ndarray, ...]:
        """The views of one history row that _fill_row writes through: the scalar series,
        every unit's mean a, every unit's mean |δ|, and the selected example's a and δ as
        two rows. The row's layout (each statistic for layers 2..L, unit after unit) matches
        BackpropResult.stacked, so each statistic is one numpy call for all layers."""
        units, first = self._layout.units, len(SERIES)
        mean_a, mean_abs_delta, selected = (self._layout.stat_columns(1, stat).start
                                            for stat in UNIT_STATS[:3])
        return (row[:first], row[mean_a:mean_a + units],
                row[mean_abs_delta:mean_abs_delta + units],
                row[selected:selected + 2 * units].reshape(2, units))

    def _fill_row(self, r: IterationRecord, views: tuple[np.ndarray, ...]) -> None:
        """The record's history row, through views from _row_views. The loop's own cost on
        small networks, so no copies and few numpy calls: results go straight into the row."""
        series, mean_a, mean_abs_delta, selected = views
        nan = math.nan
        series[:] = (r.iteration, r.cost, r.result.data_cost,
                     nan if r.validation_cost is None else r.validation_cost,
                     _accuracy(r.result.a_columns[-1], self._labels),
                     nan if r.validation_accuracy is None else r.validation_accuracy,
                     r.gradient_norm)
        stacked = r.result.stacked  # a, z, δ of layers 2..L (see BackpropResult)
        # means over the examples as products with a vector of 1/m: BLAS does them in half
        # the time of np.mean here (measured), equal to within a few ulps
        np.dot(stacked[0], self._mean_weights, out=mean_a)
        np.dot(np.abs(stacked[2], out=self._abs_delta), self._mean_weights, out=mean_abs_delta)
        selected[...] = stacked[::2, :, r.selected]  # a and δ of the selected example

    # --- stop criteria -----------------------------------------------------------------
    def limit_reached(self) -> str | None:
        """The reason not to start another iteration (max iterations), or None."""
        return self._stop_rules.limit_reached(self.iteration)

    def check_stop_criteria(self, snapshot: Snapshot) -> str | None:
        """Whether the iteration just run (whose snapshot this is) should pause training, and why."""
        return self._stop_rules.check(snapshot, self.iteration)


def _pass_problem(report: StepReport) -> str | None:
    """What is non-finite in the pass at Θ_t, if anything."""
    if not math.isfinite(report.result.cost):
        return f"the cost became {report.result.cost}"
    if not math.isfinite(report.gradient_norm):  # inf/nan in D, or D so large that ‖D‖ overflows
        return f"the gradient became {_what_nonfinite(report.result.gradient_vector)}"
    return None


def _what_nonfinite(values: np.ndarray) -> str:
    return "nan" if np.isnan(values).any() else "inf"


def _all_finite(values: np.ndarray) -> bool:
    # a finite sum means no inf or nan (either would make the sum non-finite); only an
    # overflowing sum of finite values needs the full check
    return math.isfinite(np.add.reduce(values)) or bool(np.isfinite(values).all())


def _accuracy(output_columns: np.ndarray, labels: np.ndarray) -> float:
    """The fraction of examples whose predicted class matches the label."""
    if output_columns.shape[0] == 1:
        predicted = output_columns[0] >= 0.5
    else:
        predicted = np.argmax(output_columns, axis=0)
    return np.count_nonzero(predicted == labels) / len(labels)


def _labels(Y: np.ndarray) -> np.ndarray:
    return Y[:, 0] >= 0.5 if Y.shape[1] == 1 else np.argmax(Y, axis=1)


def _checked_data(network: Network, X: np.ndarray, Y: np.ndarray, which: str):
    X = np.ascontiguousarray(X, dtype=float)
    Y = np.ascontiguousarray(Y, dtype=float)
    n, K = network.layer_sizes[0], network.layer_sizes[-1]
    if X.ndim != 2 or X.shape[1] != n or len(X) < 1:
        raise ValueError(f"the {which} inputs must have shape (m, {n}) with m ≥ 1 for layer sizes "
                         f"{list(network.layer_sizes)}; got {X.shape}")
    if Y.shape != (len(X), K):
        raise ValueError(f"the {which} targets must have shape ({len(X)}, {K}) (one row per "
                         f"example, one column per output unit); got {Y.shape}")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(Y))):
        raise ValueError(f"the {which} data hold non-finite values (nan or inf)")
    return X, Y


__all__ = ["Diverged", "Hyperparameters", "IterationRecord", "Snapshot", "StopCriteria", "TrainingRun"]
