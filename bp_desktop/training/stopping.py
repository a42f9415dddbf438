"""When a run pauses by itself: the stop criteria and what they remember between iterations
(recent costs for the plateau, the validation cost's rises for early stopping)."""
from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np

from .records import Snapshot
from .settings import PendingChanges, StopCriteria


class StopRules:
    """A run's stop criteria. `change()` may be called from any thread; the changes apply at
    the next iteration boundary (`apply_changes()`, called by the stepping thread)."""

    def __init__(self, criteria: StopCriteria | None = None):
        self._settings = PendingChanges(criteria if criteria is not None else StopCriteria())
        self.restart()

    @property
    def criteria(self) -> StopCriteria:
        """The criteria in force."""
        return self._settings.value

    @property
    def current(self) -> StopCriteria:
        """The criteria from the next iteration on (pending changes included; a copy)."""
        return self._settings.current

    def change(self, criteria: StopCriteria | None = None, **changes: Any) -> None:
        """A whole StopCriteria, keyword changes, or both (any thread)."""
        self._settings.change(criteria, **changes)

    def restart(self) -> None:
        """Back to iteration 0: pending changes applied, nothing remembered, no reason."""
        self._settings.apply()
        self.reason: str | None = None
        self.converged = False  # conjugate gradient's line search can lower J no further
        self._recent_costs: deque[float] = deque(maxlen=self.criteria.plateau_window + 1)
        self._rises = 0
        self._last_val_cost: float | None = None

    def apply_changes(self) -> None:
        if self._settings.apply() is not None and \
                self._recent_costs.maxlen != self.criteria.plateau_window + 1:
            self._recent_costs = deque(self._recent_costs, maxlen=self.criteria.plateau_window + 1)

    def resume(self, costs: np.ndarray, validation_costs: np.ndarray) -> None:
        """Remember what the criteria would have after these costs (a resumed session)."""
        self._recent_costs.extend(costs[-self._recent_costs.maxlen:])
        validation_costs = validation_costs[np.isfinite(validation_costs)]
        if len(validation_costs):
            self._last_val_cost = float(validation_costs[-1])
            falls = np.flatnonzero(np.diff(validation_costs) <= 0)  # where a streak of rises broke
            self._rises = len(validation_costs) - 1 - (falls[-1] + 1 if len(falls) else 0)

    def short_of_target(self, cost: float) -> bool:
        """Whether J at the current Θ has yet to reach the target cost."""
        target = self.criteria.target_cost
        return target is None or not cost <= target

    def limit_reached(self, iteration: int) -> str | None:
        """The reason not to start another iteration (max iterations), or None."""
        self.apply_changes()
        limit = self.criteria.max_iterations
        if limit and iteration >= limit:
            return self._stopping(f"reached the maximum of {limit} iterations")
        return None

    def check(self, snapshot: Snapshot, iteration: int) -> str | None:
        """Whether the iteration just run (whose snapshot this is; the run is now at
        `iteration`) should pause training, and why."""
        self.apply_changes()
        c = self.criteria
        if self.converged:
            return self._stopping("conjugate gradient converged: the line search cannot "
                                  "lower J any further")
        if c.max_iterations and iteration >= c.max_iterations:
            return self._stopping(f"reached the maximum of {c.max_iterations} iterations")
        # only a J at the current Θ (a held iteration's, a preview's) stops: a pass before the
        # last update would name Θ one iteration older than the run's
        if (c.target_cost is not None and snapshot.cost <= c.target_cost
                and snapshot.theta_iteration == iteration):
            return self._stopping(f"reached the target cost: J = {snapshot.cost:.6g} ≤ "
                                  f"{c.target_cost:g} after {snapshot.theta_iteration} iterations")
        reason = self._plateau(snapshot.cost, c) or self._early_stop(snapshot, c)
        return self._stopping(reason) if reason else None

    def _plateau(self, cost: float, c: StopCriteria) -> str | None:
        self._recent_costs.append(cost)
        if c.plateau_tolerance is None or len(self._recent_costs) <= c.plateau_window:
            return None
        old = self._recent_costs[0]
        improvement = (old - cost) / max(abs(old), np.finfo(float).tiny)
        if improvement < c.plateau_tolerance:
            return (f"the cost plateaued: J improved by {improvement:.3g} (relative) over the last "
                    f"{c.plateau_window} iterations, less than {c.plateau_tolerance:g}")
        return None

    def _early_stop(self, snapshot: Snapshot, c: StopCriteria) -> str | None:
        val = snapshot.validation_cost
        if val is None:
            return None
        rising = self._last_val_cost is not None and val > self._last_val_cost
        self._rises = self._rises + 1 if rising else 0
        self._last_val_cost = val
        if c.early_stopping_patience is not None and self._rises >= c.early_stopping_patience:
            return (f"early stopping: the validation cost rose {self._rises} iterations in a row "
                    f"(J_val = {val:.6g} after {snapshot.theta_iteration} iterations)")
        return None

    def _stopping(self, reason: str) -> str:
        self.reason = reason
        return reason
