"""The workbench: what the app works on and what it shows, without Qt.

napari's shape (its ViewerModel): one plain object owns the state and announces each change
as a psygnal event; every view takes the model in its constructor and connects itself, so a
new view never touches the window. The workbench owns

- the dataset, its preparation and the network (a Workspace and the TrainingRun made of it),
- the settings the next run is built with (hyper-parameters, stop criteria, pace),
- **the moment on screen**: the snapshot shown, the selected example t, the selected unit or
  edge, and the display mode,

and makes the decisions the window used to make: does an imported Θ fit the data, which
scaling does it want, the gradient check, what a session captures and restores.

Training itself runs behind an *engine*: the Qt trainer in the window (a QThread and a GUI
timer), or the synchronous InlineEngine in tests and scripts. Both have the same commands and
the same five signals, so the model neither knows nor cares which one it drives.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

from psygnal import Signal, SignalGroup

from bp_desktop.core import Network, gradient_check
from bp_desktop.io import load_weights, save_weights
from bp_desktop.training import History, HistoryChunk, Hyperparameters, StopCriteria, TrainingRun
from bp_desktop.training.history import HistoryCursor
from bp_desktop.training.records import Snapshot
from bp_desktop.training.workspace import (GRADIENT_CHECK_EXAMPLES, GRADIENT_CHECK_PASS, DataPreparation,
                                           NetworkSpec, Workspace, gradient_check_sample,
                                           weights_metadata)

from .sessions import Session, restore_session, save_session
from .weights_import import WeightsImport, plan_import, scaling_note

MODES = ("forward", "backward", "gradient")
MEAN_EXAMPLE = -1          # "example" −1: every example, averaged (mean |δ| on the canvas)
SETTLE_WAIT = 0.1          # seconds the model waits for a thread engine to park after a step
RATE_WINDOW = 0.5          # seconds over which the iterations-per-second figure is measured


@dataclass(frozen=True)
class Selection:
    """The unit (layer, unit) or the edge Θ_ij^(l) (l, i, j) selected, 0-based as in the code:
    `layer` 0 is the input layer; an edge's `l` is the index of its Θ."""

    kind: str               # "unit" | "edge"
    indices: tuple[int, ...]


class WorkbenchEvents(SignalGroup):
    """What changed. Views connect to the ones they show."""

    installed = Signal(object)      # Workspace: new data, preparation or network: a new run
    snapshot = Signal(object)       # Snapshot: the moment on screen (newest iteration, or at rest)
    rows = Signal(object)           # HistoryChunk: the rows the history gained since the last event
    history_rewritten = Signal()    # the history was cleared or rewound: re-read it whole
    example = Signal(int)           # example t shown, 0-based; MEAN_EXAMPLE for the mean
    selection = Signal(object)      # Selection | None
    mode = Signal(str)              # one of MODES
    algorithm = Signal(object)      # algorithm.Step the Algorithm view walks, None when not shown
    state = Signal(str)             # 'running' | 'paused' | 'stopped'
    status = Signal(str)            # the status line: a stop reason, a note, or ""
    note = Signal(str)              # a passing message (the status bar shows it a few seconds)
    rate = Signal(object)           # iterations per second while running, None at rest
    failed = Signal(str, str)       # (title, message) the user must be shown


class Workbench:
    """The application model. `engine_factory(run)` makes the engine on first use."""

    def __init__(self, engine_factory: Callable[[TrainingRun], Any]):
        self.events = WorkbenchEvents()
        self._engine_factory = engine_factory
        self.engine = None
        self.workspace: Workspace | None = None
        self.snapshot: Snapshot | None = None
        self.hyper = Hyperparameters()
        self.stop = StopCriteria()
        self.max_rate = 0.0
        self.example = 0
        self.selection: Selection | None = None
        self.mode = MODES[0]
        self.algorithm_step = None  # the line of the backprop loop on screen (algorithm.Step)
        self.status = ""
        self._rate_mark = (time.monotonic(), 0)
        self._rows: HistoryCursor | None = None  # the rows of the history announced so far

    # --- what is loaded -------------------------------------------------------------------------
    @property
    def run(self) -> TrainingRun | None:
        return None if self.engine is None else self.engine.run

    @property
    def history(self) -> History | None:
        return None if self.engine is None else self.engine.run.history

    @property
    def iteration(self) -> int:
        """Iterations the run's Θ has had."""
        return 0 if self.run is None else self.run.iteration

    def at_rest(self, snapshot: Snapshot) -> bool:
        """Whether `snapshot` is the pass at the current Θ with training at rest: views draw it
        at once and whole (while training they may skip frames). The process engine's
        snapshots are all passes at the current Θ, so a preview alone does not say so."""
        return snapshot.preview and not self.is_running()

    def is_running(self) -> bool:
        """Whether iterations run continuously now (False at rest, and before any run)."""
        return self.engine is not None and self.engine.is_running()

    def discard_question(self, what: str) -> str | None:
        """The question to ask before `what` discards a trained network, or None if there is
        nothing to lose."""
        if self.iteration == 0:
            return None
        return f"{what}? The trained network (iteration {self.iteration}) will be discarded."

    def use_dataset(self, dataset, preparation: DataPreparation, spec: NetworkSpec) -> None:
        """Train on `dataset` with a new network. Raises ValueError (or DatasetError) for data or
        settings that cannot be used; then nothing changes."""
        self.install(Workspace(dataset, preparation, spec))

    def rebuild(self, preparation: DataPreparation, spec: NetworkSpec) -> None:
        """A new network (and preparation) on the current dataset."""
        self.install(Workspace(self.workspace.dataset, preparation, spec))

    def install(self, workspace: Workspace, network: Network | None = None,
                run: TrainingRun | None = None) -> None:
        """Make `workspace` (and `network`, or a finished `run`) the one trained and shown. The
        old run is replaced only if its engine lets go of it; else nothing changes."""
        if run is None:
            run = TrainingRun(network or workspace.new_network(), workspace.X_train,
                              workspace.Y_train, X_val=workspace.X_val, Y_val=workspace.Y_val,
                              hyper=self.hyper, stop=self.stop)
        if self.engine is None:
            self.engine = self._engine_factory(run)
            self._connect(self.engine)
        elif not self.engine.set_run(run):
            raise RuntimeError("could not replace the run: the training thread did not stop")
        self.engine.set_max_rate(self.max_rate)
        self.workspace = workspace
        self.snapshot = None
        self.example = min(self.example, run.m - 1)
        self.selection = None
        self.set_status(_describe(workspace))
        self.events.installed.emit(workspace)
        self._history_rewritten()
        self._show(run.preview())
        self.select_unit(min(1, len(workspace.layer_sizes) - 1), 0)

    def _connect(self, engine) -> None:
        engine.snapshot_ready.connect(self._on_snapshot)
        engine.history_appended.connect(self._on_rows)
        engine.stopped.connect(self._on_stopped)
        engine.failed.connect(self._on_failed)
        engine.state_changed.connect(self._on_state)

    # --- settings --------------------------------------------------------------------------------
    def set_hyperparameters(self, **changes: Any) -> None:
        """α, λ, μ, batch size, seed or optimiser, from the next iteration on. At rest the
        screen shows the pass at the current Θ under the new settings at once (J with the
        new λ, D with its λ term), so nothing on screen describes settings no longer in force."""
        self.hyper = replace(self.hyper, **changes)
        if self.engine is None:
            return
        self.engine.set_hyperparameters(**changes)
        if self.engine.is_running() or self.snapshot is None:
            return
        if changes.get("lam", self.snapshot.lam) != self.snapshot.lam:
            self._show_settled()  # J, D and the gradient check contain λ: show the current one
        else:
            self.events.note.emit("The new settings take effect at the next iteration.")

    def configure(self, hyper: Hyperparameters, stop: StopCriteria, max_rate: float) -> None:
        """The settings the next run is built with (and the current one continues with)."""
        self.set_hyperparameters(**asdict(hyper))
        self.set_stop_criteria(stop)
        self.set_max_rate(max_rate)

    def set_stop_criteria(self, criteria: StopCriteria) -> None:
        self.stop = replace(criteria)
        if self.engine is not None:
            self.engine.set_stop_criteria(**asdict(criteria))

    def set_max_rate(self, iterations_per_second: float) -> None:
        self.max_rate = float(iterations_per_second)
        if self.engine is not None:
            self.engine.set_max_rate(self.max_rate)

    # --- the moment on screen ---------------------------------------------------------------------
    def set_example(self, example: int) -> None:
        """Show example t (0-based) or, with MEAN_EXAMPLE, the mean over the examples. The
        engine records this example's a and δ per iteration from the next one on."""
        if self.engine is not None:
            self.engine.set_selected_example(max(example, 0))
        if example != self.example:
            self.example = example
            self.events.example.emit(example)

    def select_unit(self, layer: int, unit: int) -> None:
        self._select(Selection("unit", (layer, unit)))

    def select_edge(self, l: int, i: int, j: int) -> None:
        self._select(Selection("edge", (l, i, j)))

    def _select(self, selection: Selection | None) -> None:
        if selection != self.selection:
            self.selection = selection
            self.events.selection.emit(selection)

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown display mode {mode!r}; choose one of {MODES}")
        if mode != self.mode:
            self.mode = mode
            self.events.mode.emit(mode)

    def set_algorithm_step(self, step) -> None:
        """The Algorithm view's step (None: the view is hidden): the canvas lights its layers."""
        if step != self.algorithm_step:
            self.algorithm_step = step
            self.events.algorithm.emit(step)

    def set_status(self, text: str) -> None:
        self.status = text
        self.events.status.emit(text)

    # --- training commands ---------------------------------------------------------------------
    def toggle_training(self) -> None:
        if self.engine is None:
            return
        if self.engine.is_running():
            self.engine.pause()
        elif not self._at_iteration_limit():
            self.set_status("")
            self.engine.start()

    def pause(self) -> None:
        if self.engine is not None:
            self.engine.pause()

    def step(self, n: int = 1) -> None:
        if self.engine is not None and not self._at_iteration_limit():
            self.set_status("")  # an old stop reason no longer applies
            self.engine.step(n)

    def reset(self) -> None:
        if self.engine is None:
            return
        self.engine.reset()
        self.set_status("")  # the old stop reason describes the old run
        self.snapshot = None
        self._history_rewritten()
        self._show(self.run.preview())

    def _at_iteration_limit(self) -> bool:
        """At Max iterations the engine would refuse the next iteration: rather than a click
        that seems to do nothing, say so and what to change. True if at the limit."""
        limit = self.stop.max_iterations
        if not limit or self.iteration < limit:
            return False
        self.set_status(f"stopped: reached the maximum of {limit} iterations. To train on, raise "
                        f"Max iterations (Training panel) or press Reset.")
        return True

    def optimizer_state(self) -> dict | None:
        """The optimiser's state (velocity, search direction, shuffling) the next iteration
        starts from. The process engine's mirror run holds it only after asking the worker,
        which pause_and_wait does. None if training did not pause in time."""
        return self.run.optimizer_state() if self.run is not None and self.pause_and_wait() else None

    def pause_and_wait(self) -> bool:
        """Pause and wait until the run can be read (export, save). False if it did not park."""
        return self.engine is None or self.engine.pause_and_wait()

    def shutdown(self) -> None:
        if self.engine is not None:
            self.engine.shutdown()

    # --- engine reports ------------------------------------------------------------------------
    def _on_snapshot(self, snapshot: Snapshot) -> None:
        """The engine's newest snapshot. When training rests (after Step, Pause or a stop)
        both engines send the pass at the current Θ, the weights Export writes, so what the
        inspector explains can be checked by hand from an exported file."""
        self._show(snapshot)

    def _show_settled(self) -> None:
        """The pass at the current Θ, computed here: after a setting changed at rest."""
        if self.engine.wait_until_idle(int(SETTLE_WAIT * 1000)):
            self._show(self.run.preview())

    def _show(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.events.snapshot.emit(snapshot)

    def _history_rewritten(self) -> None:
        """The history's rows changed (a new run, Reset, a divergence going back, older rows
        thinned): views re-read it whole, and the cursor starts after its newest row."""
        self._rows = HistoryCursor(self.history)
        self._rows.read()
        self.events.history_rewritten.emit()

    def _on_rows(self, _reported: HistoryChunk | None = None) -> None:
        """The engine says the history grew: announce the rows not announced yet, read from
        the history itself (the one store of rows; what the engine reported is not used)."""
        chunk, restarted = self._rows.read()
        if restarted:
            self._history_rewritten()
            return
        if not len(chunk):
            return
        self.events.rows.emit(chunk)
        then, done = self._rate_mark
        now, latest = time.monotonic(), int(chunk.rows[-1, 0])
        if now - then >= RATE_WINDOW and self.engine.is_running():
            self.events.rate.emit((latest - done) / (now - then))
            self._rate_mark = (now, latest)

    def _on_stopped(self, reason: str) -> None:
        self.set_status(f"stopped: {reason}")
        self._at_iteration_limit()

    def _on_failed(self, message: str) -> None:
        self.set_status(message)
        self._on_rows()  # a divergence takes the run back an iteration or two: rows go too
        self.events.failed.emit("Training paused", message)

    def _on_state(self, state: str) -> None:
        if state == "running":
            self._rate_mark = (time.monotonic(), self.iteration)
        else:
            self.events.rate.emit(None)
        self.events.state.emit(state)

    # --- checks and files --------------------------------------------------------------------
    def gradient_check(self) -> tuple[float, str, str]:
        """The course's relative difference at the Θ on screen, on a sample of the training
        set; the verdict ('PASS' or 'FAIL') and a sentence that explains it."""
        s = self.snapshot
        difference = gradient_check(snapshot_network(s), *gradient_check_sample(s.a_columns[0].T, s.Y),
                                    s.lam)
        verdict = "PASS" if difference < GRADIENT_CHECK_PASS else "FAIL"
        return difference, verdict, (
            f"Relative difference ‖num − grad‖ / ‖num + grad‖ = {difference:.3g}\n"
            f"{verdict}: below {GRADIENT_CHECK_PASS:g} means backpropagation agrees with "
            f"central differences (ε = 1e-4) on {min(GRADIENT_CHECK_EXAMPLES, s.m)} "
            f"examples, λ = {s.lam:g}.")

    def weights_metadata(self) -> dict:
        return weights_metadata(self.run, self.workspace)

    def export_weights(self, path: str) -> str:
        """Write the run's current Θ and its metadata; returns what to tell the user. Raises
        OSError / ValueError if the file cannot be written, RuntimeError if training did not
        pause in time (then nothing is written)."""
        if not self.pause_and_wait():
            raise RuntimeError("Training did not pause in time; nothing was written.")
        save_weights(self.run.network, path, metadata=self.weights_metadata())
        return f"Θ after {self.iteration} iterations written to {path}"

    def plan_weights_import(self, path: str) -> WeightsImport:
        """Read a weights file and decide what importing it needs (see weights_import).
        Raises WeightsFileError or WeightsMismatch; nothing changes until import_weights."""
        network, metadata = load_weights(path)
        return plan_import(path, network, metadata, self.workspace,
                           self.discard_question("Replace the weights"))

    def import_weights(self, plan: WeightsImport, use_file_scaling: bool) -> str:
        """Train from the imported Θ (with the file's architecture, and its scaling if chosen);
        returns a note for the status line ("" if none)."""
        preparation = plan.preparation(self.workspace.preparation, use_file_scaling)
        self.install(Workspace(self.workspace.dataset, preparation, plan.spec), plan.network)
        note = scaling_note(plan.metadata, self.workspace)
        if note:
            self.set_status(f"Θ loaded; {note}")
        return note

    def save_session(self, path: str) -> str:
        """Everything needed to continue this run exactly (training pauses first)."""
        if not self.pause_and_wait():
            raise RuntimeError("Training did not pause in time; nothing was written.")
        save_session(path, self.run, self.workspace)
        return f"Session at iteration {self.iteration} saved to {path}"

    def open_session(self, session: Session) -> None:
        """Continue a loaded session: data, network, Θ, optimiser state, settings, history."""
        workspace, run = restore_session(session)
        self.hyper, self.stop = replace(session.hyper), replace(session.stop)
        self.install(workspace, run=run)


def snapshot_network(snapshot: Snapshot) -> Network:
    """The network whose Θ a snapshot shows: the one way to turn a snapshot into a Network."""
    return Network(snapshot.layer_sizes, thetas=snapshot.thetas,
                   hidden_activation=snapshot.hidden_activation)


def _describe(workspace: Workspace) -> str:
    dataset = workspace.dataset
    validation = 0 if workspace.X_val is None else len(workspace.X_val)
    return (f"{dataset.name}: {dataset.m} examples (m = {len(workspace.X_train)} for training, "
            f"{validation} for validation), n = {dataset.n}, K = {dataset.num_classes}")
