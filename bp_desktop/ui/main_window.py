"""MainWindow: composes the canvas, inspector, cost curve and controls, and wires them
to the training engine. No numerics here: the core computes, the views draw."""
from __future__ import annotations

import os
import threading
import time
from dataclasses import asdict, replace
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QApplication, QComboBox, QDockWidget, QFileDialog, QHBoxLayout,
                               QLabel, QMainWindow, QMessageBox, QProgressBar, QScrollArea,
                               QSpinBox, QToolButton, QVBoxLayout, QWidget)

from bp_desktop.core import (COURSE_CHECK_LAMBDAS, Network, course_check, course_check_report,
                             gradient_check)
from bp_desktop.data import DatasetError, Scaler, load_builtin
from bp_desktop.io import (DATASET_FILE_FILTER, ONNX_INSTALL_HINT, WEIGHT_FORMATS, WeightsFileError,
                           load_dataset, load_weights, onnx_unavailable, save_weights)
from bp_desktop.io.dataset_files import is_mat_file
from bp_desktop.io.session import SUFFIX as SESSION_SUFFIX
from bp_desktop.io.session import SessionFileError, load_session, save_session
from bp_desktop.training import HistoryChunk, TrainingRun
from bp_desktop.training.course import (EXERCISE4_QUESTION, Settings, exercise4_settings,
                                        is_exercise4_layout)
from bp_desktop.training.workspace import (GRADIENT_CHECK_EXAMPLES, GRADIENT_CHECK_PASS, Workspace,
                                           gradient_check_sample, weights_metadata)

from .about import about_text
from .canvas.notation import count, unit_names
from .canvas.view import DEFAULT_EDGES_PER_UNIT, NetworkCanvas
from .controls import SCALINGS, ControlPanel
from .course_check import CourseCheckDialog
from .cost_plot import CostPlot
from .csv_import import ask_label_column, remembered_label_column
from .decision_view import DecisionBoundaryView
from .files import PICTURE_FORMATS, RecentFiles, save_picture
from .inspector import LayerInspector
from .process_trainer import ProcessTrainer
from .throttle import LatestOnly
from .trainer import TrainerController
from .weight_images import WeightImagesView

SIDE_VIEW_INTERVAL = 0.1       # seconds between decision-boundary / weight-image redraws
INSPECTOR_INTERVAL = 0.25      # seconds between inspector redraws while training (text: 4 a second)
COST_PLOT_INTERVAL = 0.1       # seconds between cost-plot repaints while training
SETTLE_WAIT_MS = 100           # how long the GUI waits for the trainer to park after a step
# where iterations run: 'process' (ProcessTrainer: a worker process, so drawing never slows
# training; measured 2× the thread's rate in the window) or 'thread' (TrainerController)
ENGINES = {"process": ProcessTrainer, "thread": TrainerController}


def training_engine() -> type:
    """The engine class BP_DESKTOP_ENGINE names (default: process)."""
    name = os.environ.get("BP_DESKTOP_ENGINE", "process")
    if name not in ENGINES:
        raise ValueError(f"BP_DESKTOP_ENGINE must be one of {sorted(ENGINES)}; got {name!r}")
    return ENGINES[name]


class DatasetLoader(QObject):
    """Loads a dataset file (CSV or MAT) off the GUI thread; reports progress and the result
    through this GUI-thread object's signals (queued to their receivers).

    A load cannot be interrupted (a FIFO nobody writes to blocks in open()), so closing the
    window abandons it: the work runs in a plain daemon thread, which lets the process exit
    under it, and no Qt thread object exists that could be destroyed while it runs."""

    progressed = Signal(float)
    loaded = Signal(object)
    failed = Signal(str)

    def __init__(self, path: str, label_column: int | None = None):
        super().__init__()  # no parent: the window may go while the thread still holds this
        self.path = path
        self.label_column = label_column  # None: guessed (a column of words, else the last)
        self._thread = threading.Thread(target=self._load, name="DatasetLoader", daemon=True)
        self._lock = threading.Lock()
        self._abandoned = False

    def start(self) -> None:
        self._thread.start()

    def is_running(self) -> bool:
        return self._thread.is_alive()

    def abandon(self) -> None:
        """From now on the load reports nothing and never touches this object again, which
        Qt may then delete (PySide does at exit) while the thread still runs."""
        with self._lock:  # waits for a report under way
            self._abandoned = True

    def _report(self, signal: str, value) -> None:
        with self._lock:
            if not self._abandoned:
                getattr(self, signal).emit(value)

    def _load(self) -> None:
        try:
            dataset = load_dataset(self.path, progress=lambda fraction: self._report("progressed", fraction),
                                   label_column=self.label_column, guess_label=True)
        except DatasetError as error:
            self._report("failed", str(error))
        except MemoryError:  # the loaders' limits should prevent it; never leave the bar hanging
            self._report("failed", f"{self.path}: does not fit in memory")
        else:
            self._report("loaded", dataset)


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("bp-desktop — backpropagation, made visible")
        self.settings = settings if settings is not None else QSettings("bp-desktop", "bp-desktop")
        self.workspace: Workspace | None = None
        self.controller: TrainerController | ProcessTrainer | None = None
        self.snapshot = None
        self._loader: DatasetLoader | None = None
        self._saved_at: tuple[TrainingRun, int] | None = None  # the run and iteration last saved
        self._rate = (time.monotonic(), 0)
        # while training runs, these views draw the newest snapshot a few times a second only;
        # the pass at rest (a preview) at once
        self._side_views = LatestOnly(self, SIDE_VIEW_INTERVAL, self._draw_side_views)
        self._inspector_updates = LatestOnly(self, INSPECTOR_INTERVAL, self._update_inspector)
        # the cost plot gets every row, but repaints only COST_PLOT_INTERVAL apart while training
        self._cost_rows: list = []
        self._cost_updates = LatestOnly(self, COST_PLOT_INTERVAL, self._append_cost_rows)
        self._make_actions()
        self._make_views()
        self._make_menus()
        self._make_status_bar()
        self._wire()
        self._restore_settings()

    # --- construction ----------------------------------------------------------------------------
    def _action(self, name, text, shortcut, tip, slot, enabled=True) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{tip} ({QKeySequence(shortcut).toString()})" if shortcut else tip)
        action.setStatusTip(tip)
        action.setEnabled(enabled)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        a = self._action
        self.actions_by_key = {
            "builtin": a("actionUseBuiltinDataset", "Use this built-in dataset", "Ctrl+B",
                         "Generate or load the built-in dataset chosen in the control panel", self._noop),
            "build": a("actionBuildNetwork", "Build network", "Ctrl+N",
                       "A new network with the hidden layers, g, ε and seed of the control panel", self._noop),
            "exercise4": a("actionExercise4Setup", "Set up as in exercise 4", "Ctrl+4",
                           "ex4.m's settings for ex4data1.mat: raw pixels, no validation split, "
                           "400-25-10, λ = 1, ε_init = 0.12, fmincg for 50 iterations",
                           self.setup_exercise4),
            "rescale": a("actionRescaleColours", "Rescale colours", "Ctrl+L",
                         "Colour scales stay fixed so a colour change means a value change; "
                         "this fits them to the current values once", self._noop),
            "numerical": a("actionNumericalEstimate", "Numerical estimate of this D", "Ctrl+D",
                           "(J(Θ + ε) − J(Θ − ε)) / 2ε for the selected edge, to check backprop's D",
                           self._noop),
            "open": a("actionOpenDataset", "Open dataset…", "Ctrl+O",
                      "Load a CSV file, or a MAT-file with X and y (the course's ex4data1.mat)",
                      self.open_dataset),
            "train": a("actionTrain", "Train", "Space", "Train continuously (Space again pauses)", self.toggle_training),
            "pause": a("actionPause", "Pause", "P", "Pause training after the current iteration", self.pause, False),
            "step": a("actionStep", "Step", "S", "Run exactly one iteration and show it", lambda: self.step(1)),
            "step10": a("actionStep10", "Step 10", "Shift+S", "Run ten iterations", lambda: self.step(10)),
            "reset": a("actionReset", "Reset", "Ctrl+R", "Back to iteration 0 with the same initial Θ (same seed)", self.reset),
            "gradcheck": a("actionGradientCheck", "Gradient check", "Ctrl+G",
                           "Compare backprop's D with central differences (the course's checkNNGradients)", self.gradient_check),
            "export": a("actionExportWeights", "Export weights…", "Ctrl+E",
                        "Save Θ to .mat (Octave/MATLAB), .npz, .json, a .zip of CSV files or .onnx "
                        "(onnxruntime, PyTorch)" + _onnx_missing_note(), self.export_weights),
            "import": a("actionImportWeights", "Import weights…", "Ctrl+I", "Load Θ from a weights file", self.import_weights),
            "save_session": a("actionSaveSession", "Save session…", "Ctrl+S",
                              "Save data, network, Θ, optimiser state and cost history to continue later", self.save_session),
            "open_session": a("actionOpenSession", "Open session…", "Ctrl+Shift+O",
                              "Continue a saved session exactly where it stopped", self.open_session),
            "export_picture": a("actionExportPicture", "Export picture…", "Ctrl+Shift+E",
                                "Save the network canvas or the cost plot as PNG or SVG", self.export_picture),
            "quit": a("actionQuit", "Quit", "Ctrl+Q", "Close bp-desktop", self.close),
            "about": a("actionAbout", "About bp-desktop", "F1", "Version and licence", self.about),
            "course_check": a("actionCourseCheck", "Course check", "Ctrl+Shift+G",
                              "The course's checkNNGradients (debug network 3-5-3, λ = 0 and 3) and "
                              "sigmoidGradient, printed as ex4.m prints them", self.course_check),
        }

    def _rescale_heatmaps(self) -> None:
        self.inspector.heatmaps.reset_levels()
        if self.snapshot is not None:
            self.inspector.show_snapshot(self.snapshot)

    def _noop(self) -> None:
        """Actions whose work is connected by the view that owns it."""

    def _make_views(self) -> None:
        self.canvas = NetworkCanvas()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(2, 2, 2, 2)
        column.addLayout(self._canvas_toolbar())
        column.addWidget(self.canvas, 1)
        self.setCentralWidget(central)
        self.controls = ControlPanel(self.actions_by_key)
        scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        self._controls_width = (self.controls.minimumSizeHint().width()
                                + scroll.verticalScrollBar().sizeHint().width() + 4)
        self.inspector = LayerInspector(self.actions_by_key["numerical"])
        self.cost_plot = CostPlot()
        self.decision_view = DecisionBoundaryView()
        self.weight_images = WeightImagesView()
        self.docks = {}
        for key, title, widget, area in (
                ("controls", "Controls", scroll, Qt.DockWidgetArea.LeftDockWidgetArea),
                ("inspector", "Layer inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea),
                ("cost", "Cost J(Θ)", self.cost_plot, Qt.DockWidgetArea.BottomDockWidgetArea),
                ("decision", "Decision boundary", self.decision_view, Qt.DockWidgetArea.BottomDockWidgetArea),
                ("weights", "Hidden units' weights", self.weight_images, Qt.DockWidgetArea.BottomDockWidgetArea)):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"{key}Dock")
            dock.setWidget(widget)
            self.addDockWidget(area, dock)
            self.docks[key] = dock
        self.resizeDocks([self.docks["controls"], self.docks["inspector"]], [self._controls_width, 440],
                         Qt.Orientation.Horizontal)  # wide enough to show the panel unclipped
        self.resizeDocks([self.docks["cost"]], [260], Qt.Orientation.Vertical)
        for key in ("decision", "weights"):  # a side view shown again catches up at once
            self.docks[key].visibilityChanged.connect(self._on_side_view_shown)

    def _canvas_toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.mode = QComboBox()
        self.mode.setObjectName("displayMode")
        for key, text in (("forward", "Forward: units show a"), ("backward", "Backward: units show δ"),
                          ("gradient", "Gradient: edges show D")):
            self.mode.addItem(text, key)
        self.mode.setToolTip("What the colours on the network mean")
        self.edges_per_unit = QSpinBox()
        self.edges_per_unit.setObjectName("edgesPerUnit")
        self.edges_per_unit.setRange(0, 1000)
        self.edges_per_unit.setValue(DEFAULT_EDGES_PER_UNIT)
        self.edges_per_unit.setSpecialValueText("all")
        self.edges_per_unit.setPrefix("strongest edges per unit: ")
        self.edges_per_unit.setToolTip("For wide layers, draw only each unit's strongest incoming edges")
        rescale = QToolButton()
        rescale.setDefaultAction(self.actions_by_key["rescale"])
        self.actions_by_key["rescale"].triggered.connect(self.canvas.rescale_colours)
        self.actions_by_key["rescale"].triggered.connect(self._rescale_heatmaps)
        row.addWidget(self.mode)
        row.addWidget(self.edges_per_unit)
        row.addStretch(1)
        row.addWidget(rescale)
        return row

    def _make_menus(self) -> None:
        k = self.actions_by_key
        menus = (("&File", ["open", "builtin", "open_session", "recent", None, "save_session", None,
                            "import", "export", "export_picture", None, "quit"]),
                 ("&Train", ["train", "pause", "step", "step10", "reset", None, "build", "exercise4", None,
                             "gradcheck", "numerical"]),
                 ("&View", []),
                 ("&Help", ["course_check", None, "about"]))
        for title, keys in menus:
            menu = self.menuBar().addMenu(title)
            for key in keys:
                if key == "recent":
                    self.recent = RecentFiles(self.settings, menu.addMenu("Recent files"), self.open_recent, self)
                    continue
                menu.addSeparator() if key is None else menu.addAction(k[key])
            if title == "&View":
                menu.addAction(k["rescale"])
                menu.addSeparator()
                for dock in self.docks.values():
                    menu.addAction(dock.toggleViewAction())
        toolbar = self.addToolBar("Training")
        toolbar.setObjectName("trainingToolBar")
        for key in ("open", "train", "pause", "step", "step10", "reset", "gradcheck"):
            toolbar.addAction(k[key])

    def _make_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_labels = {}
        for key in ("iteration", "cost", "accuracy", "rate", "reason"):
            label = QLabel()
            label.setObjectName(f"status_{key}")
            bar.addPermanentWidget(label)
            self.status_labels[key] = label
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        bar.addPermanentWidget(self.progress)

    def _wire(self) -> None:
        c = self.controls
        c.dataset_requested.connect(self._on_dataset_requested)
        c.network_requested.connect(self.rebuild_network)
        c.hyperparameters_changed.connect(self._on_hyperparameters_changed)
        c.stop_criteria_changed.connect(self._on_stop_criteria_changed)
        c.speed_changed.connect(self._on_speed_changed)
        c.example_changed.connect(self._on_example_changed)
        self.canvas.unit_selected.connect(self.inspector.select_unit)
        self.canvas.edge_selected.connect(self.inspector.select_edge)
        self.mode.currentIndexChanged.connect(lambda *_: self.canvas.set_mode(self.mode.currentData()))
        self.mode.currentIndexChanged.connect(lambda *_: self.inspector.set_canvas_mode(self.mode.currentData()))
        self.edges_per_unit.valueChanged.connect(lambda v: self.canvas.set_edges_per_unit(v or None))

    # --- data and network --------------------------------------------------------------------------
    def load_builtin(self, name: str, **params) -> bool:
        try:
            dataset = load_builtin(name, **params)
        except DatasetError as error:
            self._error("Could not make the dataset", str(error))
            return False
        self.controls.select_builtin(name)
        return self.set_dataset(dataset)

    def load_selected_builtin(self) -> bool:
        """The built-in dataset the control panel shows (as remembered from the last launch)."""
        name, params = self.controls.builtin_request()
        return self.load_builtin(name, **params)

    def _on_dataset_requested(self, name: str, params: dict) -> None:
        self.load_builtin(name, **params)

    def open_dataset(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open dataset", self.settings.value("last_dir", ""),
                                              f"{DATASET_FILE_FILTER};;All files (*)")
        if not path:
            return
        opened, label_column = (True, None) if is_mat_file(path) else ask_label_column(self, path, self.settings)
        if opened:
            self.load_file(path, label_column)

    def load_file(self, path: str, label_column: int | None = None) -> None:
        """Load a CSV or MAT-file in the background; the current dataset stays until it has loaded.
        A CSV file's label column: the one given, else the one chosen for it before, else a guess."""
        if self._loader is not None and self._loader.is_running():
            return
        self.settings.setValue("last_dir", str(path).rsplit("/", 1)[0])
        if label_column is None and not is_mat_file(path):
            label_column = remembered_label_column(self.settings, path)
        self._loader = DatasetLoader(str(path), label_column)
        self._loader.progressed.connect(self._on_load_progress)
        self._loader.loaded.connect(self._on_file_loaded)
        self._loader.failed.connect(self._on_file_failed)
        self.progress.setValue(0)
        self.progress.show()
        self._loader.start()

    def load_file_now(self, path: str) -> bool:
        """Load a dataset file on this thread (command-line start-up, where nothing else is shown yet)."""
        try:
            remembered = None if is_mat_file(path) else remembered_label_column(self.settings, path)
            dataset = load_dataset(path, label_column=remembered, guess_label=True)
        except DatasetError as error:
            self._error("Could not load the dataset", str(error))
            return False
        return self.set_dataset(dataset)

    def _on_load_progress(self, fraction: float) -> None:
        self.progress.setValue(int(100 * fraction))

    def _on_file_loaded(self, dataset) -> None:
        self.progress.hide()
        if self.set_dataset(dataset):
            self.recent.add("dataset", dataset.source)
            self._offer_exercise4_setup()

    def _on_file_failed(self, message: str) -> None:
        self.progress.hide()
        self._error("Could not load the dataset", message)

    def set_dataset(self, dataset) -> bool:
        """Train on a new dataset (keeping the hidden layers); asks before discarding training."""
        if not self._confirm_discard("Load a new dataset"):
            return False
        try:
            workspace = Workspace(dataset, self.controls.data_preparation(), self.controls.network_spec())
        except (ValueError, DatasetError) as error:
            self._error("Could not use the dataset", str(error))
            return False
        if not self._install(workspace):
            return False
        if dataset.warnings:  # in the permanent field: a temporary message is cut short
            self.status_labels["reason"].setText("Check the data: " + " ".join(dataset.warnings))
        self.settings.setValue("dataset", dataset.source)  # reopened at the next launch
        return True

    def _offer_exercise4_setup(self) -> None:
        """A file just opened in ex4data1.mat's layout: offer ex4.m's settings, unless set."""
        name, current = self.workspace.dataset.name, self._panel_settings()
        if (is_exercise4_layout(self.workspace.dataset) and current != exercise4_settings(current)
                and self.ask(EXERCISE4_QUESTION.format(name=name))):
            self.setup_exercise4()

    def setup_exercise4(self) -> bool:
        """ex4.m's settings (training.course) in the panel, and a new network built with them."""
        ws = self.workspace
        if ws is None or not is_exercise4_layout(ws.dataset):
            self._error("Set up as in exercise 4", "Exercise 4's set-up needs a dataset in the "
                        "layout of ex4data1.mat: 400 pixels (20×20 images) and labels 1..10.")
            return False
        if not self._confirm_discard("Set up as in exercise 4"):
            return False
        settings = exercise4_settings(self._panel_settings())
        self.controls.show_network_spec(settings.spec)
        self.controls.show_settings(settings.preparation, settings.hyper, settings.stop)
        self._install(Workspace(ws.dataset, settings.preparation, settings.spec))
        return True

    def _panel_settings(self) -> Settings:
        """The settings in effect: the workspace's data and network, the panel's training."""
        ws, c = self.workspace, self.controls
        return Settings(ws.preparation, ws.spec, c.hyperparameters(), c.stop_criteria())

    def rebuild_network(self) -> bool:
        if self.workspace is None:
            return False
        try:
            spec = self.controls.network_spec()
        except ValueError as error:
            self._error("Check the network settings", str(error))
            return False
        if not self._confirm_discard("Build a new network"):
            return False
        return self._install(Workspace(self.workspace.dataset, self.controls.data_preparation(), spec))

    def _confirm_discard(self, what: str) -> bool:
        if self.snapshot is None or self.snapshot.iteration == 0:
            return True
        return self.ask(f"{what}? The trained network (iteration {self.snapshot.iteration}) will be discarded.")

    def ask(self, question: str) -> bool:
        """A yes/no question (tests replace this method)."""
        answer = QMessageBox.question(self, "bp-desktop", question)
        return answer == QMessageBox.StandardButton.Yes

    def ask_unsaved(self, question: str) -> str:
        """'save', 'discard' or 'cancel' (tests replace this method)."""
        buttons = QMessageBox.StandardButton
        box = QMessageBox(QMessageBox.Icon.Question, "bp-desktop", question,
                          buttons.Save | buttons.Discard | buttons.Cancel, self)
        box.setObjectName("unsavedTrainingDialog")
        box.setDefaultButton(buttons.Save)
        answer = box.exec()
        return {buttons.Save: "save", buttons.Discard: "discard"}.get(buttons(answer), "cancel")

    def _may_close(self) -> bool:
        """Training not saved since (as a session) is kept only if the user says so."""
        run = self.controller.run if self.controller is not None else None
        saved = self._saved_at is not None and self._saved_at[0] is run \
            and self._saved_at[1] == run.iteration
        if run is None or run.iteration == 0 or saved or not self.isVisible():
            return True  # nothing to lose, or (hidden) nobody to ask
        answer = self.ask_unsaved(f"The network trained for {run.iteration} iterations is not "
                                  "saved. Save the session before closing?")
        return self.save_session() if answer == "save" else answer == "discard"

    def _install(self, workspace: Workspace, network: Network | None = None,
                 run: TrainingRun | None = None) -> bool:
        """Train `run` (or a new one) on `workspace`. Both or neither: False, with nothing
        changed, if the old run cannot be let go yet (an iteration outlasts the wait)."""
        if run is None:
            network = network or workspace.new_network()
            run = TrainingRun(network, workspace.X_train, workspace.Y_train, X_val=workspace.X_val,
                              Y_val=workspace.Y_val, hyper=self.controls.hyperparameters(),
                              stop=self.controls.stop_criteria())
        if self.controller is not None and not self.controller.set_run(run):
            return False
        self.workspace = workspace
        self.snapshot = None  # the old network's: no view may draw it from here on
        self._side_views.forget()
        self._inspector_updates.forget()
        self._forget_cost_rows()
        network = run.network
        if self.controller is None:
            self.controller = training_engine()(run, parent=self)
            self.controller.snapshot_ready.connect(self._on_snapshot)
            self.controller.history_appended.connect(self._on_history)
            self.controller.stopped.connect(self._on_stopped)
            self.controller.failed.connect(self._on_failed)
            self.controller.state_changed.connect(self._on_state_changed)
        self.controller.set_max_rate(float(self.controls.speed.value()))
        dataset = workspace.dataset
        self.canvas.set_architecture(network.layer_sizes, dataset.image_shape, dataset.image_order,
                                     unit_names(dataset.feature_names, dataset.class_names,
                                                network.layer_sizes))
        self.inspector.set_history(run.history)
        self.inspector.set_examples(workspace.train)
        self.cost_plot.clear()
        self.controls.set_example_count(len(workspace.X_train))
        two_d, image = dataset.n == 2, dataset.image_shape is not None
        self.docks["decision"].setVisible(two_d)
        self.docks["weights"].setVisible(image)
        scaled = workspace.preparation.scaling != "none"
        axes = [f"{name} (scaled)" if scaled else name for name in dataset.feature_names]
        # any number of features: the view offers two to plot, or says why it cannot
        self.decision_view.set_data(workspace.X_train, workspace.train.y, dataset.class_names, axes)
        self.weight_images.set_inputs(dataset.feature_names, dataset.image_shape, dataset.image_order)
        self._show(run.preview())
        self.canvas.select_unit(min(1, len(network.layer_sizes) - 1), 0)
        self.controls.show_current_dataset(dataset, len(workspace.X_train), workspace.preparation)
        self.setWindowTitle(f"bp-desktop — {dataset.name}, network "
                            f"{'-'.join(map(str, network.layer_sizes))}")
        validation = 0 if workspace.X_val is None else len(workspace.X_val)
        self.status_labels["reason"].setText(
            f"{dataset.name}: {dataset.m} examples (m = {len(workspace.X_train)} for training, "
            f"{validation} for validation), n = {dataset.n}, K = {dataset.num_classes}")
        return True

    # --- training actions ------------------------------------------------------------------------------
    def toggle_training(self) -> None:
        if self.controller is None:
            return
        if self.controller.is_running():
            self.controller.pause()
        elif not self._explain_iteration_limit():
            self.status_labels["reason"].setText("")
            self.controller.start()

    def pause(self) -> None:
        if self.controller is not None:
            self.controller.pause()

    def step(self, n: int = 1) -> None:
        if self.controller is not None and not self._explain_iteration_limit():
            self.status_labels["reason"].setText("")  # an old stop reason no longer applies
            self.controller.step(n)

    def _explain_iteration_limit(self) -> bool:
        """At Max iterations the engine would refuse the next iteration: instead of a click
        that seems to do nothing, say so and what to change. True if at the limit."""
        limit = self.controls.max_iterations.value()
        if not limit or self.snapshot is None or self.snapshot.iteration < limit:
            return False
        self.status_labels["reason"].setText(
            f"stopped: reached the maximum of {limit} iterations. To train on, raise "
            f"Max iterations (Training panel) or press Reset.")
        return True

    def reset(self) -> None:
        if self.controller is None:
            return
        self.controller.reset()
        self._saved_at = None  # a session saved before holds other training
        self.status_labels["reason"].setText("")  # the old stop reason describes the old run
        self._forget_cost_rows()
        self.cost_plot.clear()
        self.snapshot = None
        self._show(self.controller.run.preview())

    def _on_hyperparameters_changed(self, changes: dict) -> None:
        if self.controller is None:
            return
        self.controller.set_hyperparameters(**changes)
        if self.controller.is_running() or self.snapshot is None:
            return
        if changes.get("lam", self.snapshot.lam) != self.snapshot.lam:
            self._show_settled()  # J, D and the gradient check contain λ: show the current one
        else:
            self.statusBar().showMessage("The new settings take effect at the next iteration.", 6000)

    def _on_stop_criteria_changed(self, criteria) -> None:
        if self.controller is not None:
            self.controller.set_stop_criteria(**asdict(criteria))

    def _on_speed_changed(self, rate: float) -> None:
        if self.controller is not None:
            self.controller.set_max_rate(rate)

    def _on_example_changed(self, example: int) -> None:
        if self.controller is not None:  # the engine records this example's a and δ per iteration
            self.controller.set_selected_example(max(example, 0))
        self.canvas.set_example(example)
        self.inspector.set_example(example)

    # --- engine signals ------------------------------------------------------------------------------
    def _on_snapshot(self, snapshot) -> None:
        self._show(snapshot)
        if not self.controller.is_running() and not snapshot.preview:
            self._show_settled()

    def _show_settled(self) -> None:
        """Once training rests (after Step, Pause or a stop), show the pass at the current Θ:
        the weights that Export writes, so what the inspector explains can be checked by
        hand from an exported file. While training runs, each frame shows the pass that
        the newest iteration made at the Θ before its update."""
        if self.controller.wait_until_idle(SETTLE_WAIT_MS):
            self._show(self.controller.run.preview())

    def _show(self, snapshot) -> None:
        self.snapshot = snapshot
        # the process engine's snapshots are all passes at the current Θ: at rest only if idle
        at_rest = snapshot.preview and not self.controller.is_running()
        self.canvas.show_snapshot(snapshot)
        self._inspector_updates.offer(snapshot, urgent=at_rest)
        self._side_views.offer(snapshot, urgent=at_rest)
        self._update_status(snapshot)
        if at_rest:
            self._cost_updates.flush()  # at rest the curve is complete
            self.cost_plot.show_current(snapshot.theta_iteration, snapshot.cost,
                                        snapshot.validation_cost, snapshot.train_accuracy,
                                        snapshot.validation_accuracy)
        else:
            self.cost_plot.hide_current()

    def _update_inspector(self, snapshot) -> None:
        self.inspector.show_snapshot(snapshot)

    def _on_side_view_shown(self, visible: bool) -> None:
        if visible and self.snapshot is not None:  # a side view shown again catches up
            self._side_views.offer(self.snapshot, urgent=True)

    def _draw_side_views(self, snapshot) -> None:
        """The decision boundary and the hidden units' weight images, if shown."""
        if self.docks["decision"].isVisibleTo(self):
            net = Network([a.shape[0] for a in snapshot.a_columns], thetas=snapshot.thetas,
                          hidden_activation=snapshot.hidden_activation)
            self.decision_view.update_network(net)
        if self.docks["weights"].isVisibleTo(self):
            self.weight_images.update_thetas(snapshot.thetas[0])

    def _on_history(self, chunk) -> None:
        self._cost_rows.append(chunk)
        self._cost_updates.offer(True, urgent=not self.controller.is_running())
        then, done = self._rate
        now, latest = time.monotonic(), int(chunk.series("iteration")[-1])
        if now - then >= 0.5 and self.controller.is_running():
            rate = (latest - done) / (now - then)
            self.status_labels["rate"].setText(f"{rate:,.0f} it/s")
            self._rate = (now, latest)

    def _append_cost_rows(self, _=None) -> None:
        if not self._cost_rows:
            return
        chunk = HistoryChunk.joined(self._cost_rows)
        self._cost_rows = []
        # plotted against Θ's age, as the status bar counts (see Snapshot.theta_iteration)
        self.cost_plot.append(chunk.theta_iteration(), chunk.series("cost"), chunk.series("data_cost"),
                              chunk.series("validation_cost"), chunk.series("train_accuracy"),
                              chunk.series("validation_accuracy"))

    def _forget_cost_rows(self) -> None:
        self._cost_updates.forget()
        self._cost_rows = []

    def _update_status(self, s) -> None:
        self.status_labels["iteration"].setText(f"iteration {s.theta_iteration}")
        # '#': trailing zeros kept, so ex4's J reads 0.383770 as the course's fprintf('%f') prints it
        self.status_labels["cost"].setText(f"J = {s.cost:#.6g}" + (
            f"  (validation {s.validation_cost:.6g})" if s.validation_cost is not None else ""))
        accuracy = f"accuracy {100 * s.train_accuracy:.1f}%"
        if s.validation_accuracy is not None:
            accuracy += f" / validation {100 * s.validation_accuracy:.1f}%"
        self.status_labels["accuracy"].setText(accuracy)

    def _on_stopped(self, reason: str) -> None:
        self.status_labels["reason"].setText(f"stopped: {reason}")
        self._show_settled()
        self._explain_iteration_limit()

    def _on_failed(self, message: str) -> None:
        self.status_labels["reason"].setText(message)
        # a divergence takes the run back an iteration or two: plot its history anew
        if self.controller.wait_until_idle(SETTLE_WAIT_MS):
            self._forget_cost_rows()
            self.cost_plot.clear()
            history = self.controller.run.history.as_chunk()
            if len(history):
                self._on_history(history)
        self._show_settled()
        self._error("Training paused", message)

    def _on_state_changed(self, state: str) -> None:
        running = state == "running"
        self.actions_by_key["pause"].setEnabled(running)
        if running:
            self._rate = (time.monotonic(), self.snapshot.iteration if self.snapshot else 0)
        else:
            self.status_labels["rate"].setText("")

    # --- checks, files, help ---------------------------------------------------------------------------
    def gradient_check_value(self) -> float:
        """The course's relative difference for the current Θ on a sample of the training set."""
        s = self.snapshot
        net = Network([a.shape[0] for a in s.a_columns], thetas=s.thetas,
                      hidden_activation=s.hidden_activation)
        return gradient_check(net, *gradient_check_sample(s.a_columns[0].T, s.Y), s.lam)

    def gradient_check(self) -> None:
        if self.snapshot is None:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            difference = self.gradient_check_value()
        finally:
            QApplication.restoreOverrideCursor()
        verdict = "PASS" if difference < GRADIENT_CHECK_PASS else "FAIL"
        self.last_gradient_check = (difference, verdict)
        self.info("Gradient check",
                  f"Relative difference ‖num − grad‖ / ‖num + grad‖ = {difference:.3g}\n"
                  f"{verdict}: below {GRADIENT_CHECK_PASS:g} means backpropagation agrees with "
                  f"central differences (ε = 1e-4) on {min(GRADIENT_CHECK_EXAMPLES, self.snapshot.m)} "
                  f"examples, λ = {self.snapshot.lam:g}.")

    def export_weights(self) -> None:
        if self.controller is None:
            return
        filters = weights_file_filters()
        path, chosen = QFileDialog.getSaveFileName(self, "Export weights", self.settings.value("last_dir", ""),
                                                   ";;".join(filters))
        if not path:
            return
        suffix = list(WEIGHT_FORMATS)[filters.index(chosen)] if chosen in filters else ".mat"
        if not Path(path).suffix:
            path += suffix
        self.save_weights_to(path)

    def save_weights_to(self, path: str) -> bool:
        """Write the run's current Θ (after its last completed iteration) and metadata."""
        if not self.controller.pause_and_wait():
            self._error("Export weights", "Training did not pause in time; nothing was written.")
            return False
        run, ws = self.controller.run, self.workspace
        metadata = weights_metadata(run, ws)
        try:
            save_weights(run.network, path, metadata=metadata)
        except (OSError, ValueError) as error:
            self._error("Export weights", f"Could not write {path}: {error}")
            return False
        self.statusBar().showMessage(f"Θ after {run.iteration} iterations written to {path}", 8000)
        self.recent.add("weights", path)
        return True

    def import_weights(self) -> None:
        every = " ".join(f"*{suffix}" for suffix in WEIGHT_FORMATS)
        path, _ = QFileDialog.getOpenFileName(
            self, "Import weights", self.settings.value("last_dir", ""),
            ";;".join([f"Weights files ({every})", *weights_file_filters(), "All files (*)"]))
        if path:
            self.load_weights_from(path)

    def load_weights_from(self, path: str) -> bool:
        """Replace Θ with a file's; a different architecture is offered as a switch.
        A file that cannot be used changes nothing."""
        try:
            network, metadata = load_weights(path)
        except WeightsFileError as error:
            self._error("Import weights", str(error))
            return False
        ws = self.workspace
        sizes = list(network.layer_sizes)
        classes = metadata.get("class_names")
        if sizes[0] != ws.layer_sizes[0] or sizes[-1] != ws.layer_sizes[-1]:
            self._error("Import weights",
                        f"{path}: the network in this file has {count(sizes[0], 'input')} and "
                        f"{count(sizes[-1], 'output')} ({'-'.join(map(str, sizes))}); the dataset "
                        f"{ws.dataset.name} needs {count(ws.layer_sizes[0], 'input')} and "
                        f"{count(ws.layer_sizes[-1], 'output')}.")
            return False
        if classes is not None and list(classes) != list(ws.dataset.class_names) and not self.ask(
                f"{path} was trained for the classes {', '.join(map(str, classes))}; "
                f"{ws.dataset.name} has {', '.join(map(str, ws.dataset.class_names))}. "
                "Import these weights anyway?"):
            return False
        spec = replace(ws.spec, hidden=tuple(sizes[1:-1]), activation=network.hidden_activation)
        if spec != ws.spec:
            if not self.ask(f"The file's network is {'-'.join(map(str, sizes))} "
                            f"({network.hidden_activation}); the current one is "
                            f"{'-'.join(map(str, ws.layer_sizes))} ({ws.spec.activation}). "
                            "Switch to the file's architecture?"):
                return False
            self.controls.show_network_spec(spec)
        elif not self._confirm_discard("Replace the weights"):
            return False
        recorded = _recorded_scaler(metadata)
        preparation = self._preparation_for_weights(ws.preparation, metadata, recorded)
        if not self._install(Workspace(ws.dataset, preparation, spec), network):
            return False
        note = ""
        if (recorded is not None and recorded.kind == preparation.scaling
                and not recorded.matches(self.workspace.scaler)):
            note = ("; the file's feature scaling was fitted on other data than this training "
                    "split, so inputs here are scaled a little differently from its training")
        self.statusBar().showMessage(f"Θ loaded from {path}", 8000)
        if note:  # in the permanent field: a temporary message is cut short by the others
            self.status_labels["reason"].setText(f"Θ loaded{note}")
        if metadata.get("import_note"):  # another program's model: what differs from its own
            self.info("Import weights", metadata["import_note"])
        self.recent.add("weights", path)
        return True

    def _preparation_for_weights(self, preparation, metadata: dict, recorded):
        """The scaling the imported weights expect, if the user agrees to switch to it:
        'none' for a file that records none (the course's ex4weights.mat was trained on raw
        values), else the kind the file records."""
        if "scaling" not in metadata:
            wanted, question = "none", (
                "This file records no feature scaling: it was trained on the raw feature values, "
                "as the course's ex4weights.mat was. Use the raw values too (Scaling: none), so "
                "the inputs are the ones these weights expect?")
        elif recorded is not None:
            wanted, question = recorded.kind, (
                f"These weights were trained on inputs scaled by {SCALINGS[recorded.kind]}; "
                f"the current scaling is {SCALINGS[preparation.scaling]}. Switch to the "
                "file's scaling, so the inputs are the ones these weights expect?")
        else:
            return preparation  # a scaling entry this version cannot read: nothing to offer
        if wanted == preparation.scaling or not self.ask(question):
            return preparation
        self.controls.scaling.setCurrentIndex(self.controls.scaling.findData(wanted))
        return replace(preparation, scaling=wanted)

    # --- sessions, recent files, pictures ---------------------------------------------------------------
    def save_session(self) -> bool:
        if self.controller is None:
            return False
        path, _ = QFileDialog.getSaveFileName(self, "Save session", self.settings.value("last_dir", ""),
                                              f"bp-desktop sessions (*{SESSION_SUFFIX})")
        return bool(path) and self.save_session_to(path if Path(path).suffix else path + SESSION_SUFFIX)

    def save_session_to(self, path: str) -> bool:
        """Write everything needed to continue this run exactly (training pauses first)."""
        if not self.controller.pause_and_wait():
            self._error("Save session", "Training did not pause in time; nothing was written.")
            return False
        run = self.controller.run
        try:
            save_session(path, run, self.workspace)
        except (OSError, ValueError) as error:
            self._error("Save session", f"Could not write {path}: {error}")
            return False
        self.recent.add("session", path)
        self._saved_at = (run, run.iteration)
        self.statusBar().showMessage(f"Session at iteration {run.iteration} saved to {path}", 8000)
        return True

    def open_session(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open session", self.settings.value("last_dir", ""),
                                              f"bp-desktop sessions (*{SESSION_SUFFIX});;All files (*)")
        if path:
            self.load_session_from(path)

    def load_session_from(self, path: str) -> bool:
        """Restore a saved session: data, network, Θ, optimiser state, settings and cost history.
        A file that cannot be used changes nothing."""
        try:
            session = load_session(path)
        except SessionFileError as error:
            self._error("Open session", str(error))
            return False
        if not self._confirm_discard("Open the session"):
            return False
        workspace, run = session.restore()
        if workspace.dataset.source.startswith("builtin:"):
            self.controls.select_builtin(workspace.dataset.source.removeprefix("builtin:"))
        self.controls.show_network_spec(session.spec)
        self.controls.show_settings(session.preparation, session.hyper, session.stop)
        if not self._install(workspace, run=run):
            return False
        self._saved_at = (run, run.iteration)  # as the file holds it
        if len(run.history):
            self._on_history(run.history.as_chunk())
        self.recent.add("session", path)
        self.statusBar().showMessage(f"Session {path} opened at iteration {run.iteration}", 8000)
        return True

    def open_recent(self, kind: str, path: str) -> None:
        if not Path(path).exists():
            self.recent.remove(path)
            self._error("Open recent file", f"{path} no longer exists; it was removed from the list.")
            return
        {"dataset": self.load_file, "weights": self.load_weights_from,
         "session": self.load_session_from}[kind](path)

    def export_picture(self) -> None:
        views = {"Network canvas": self.canvas, "Cost plot": self.cost_plot.graphics}
        filters = [f"{name} as {text} (*{suffix})" for name in views for suffix, text in PICTURE_FORMATS.items()]
        path, chosen = QFileDialog.getSaveFileName(self, "Export picture", self.settings.value("last_dir", ""),
                                                   ";;".join(filters))
        if not path:
            return
        chosen = chosen if chosen in filters else filters[0]
        if Path(path).suffix.lower() not in PICTURE_FORMATS:
            path += chosen[chosen.rindex("*") + 1:-1]
        self.export_picture_to(path, "canvas" if chosen.startswith("Network") else "cost")

    def export_picture_to(self, path: str, view: str) -> bool:
        """The canvas ('canvas') or the cost plot ('cost') as PNG or SVG, by the path's suffix."""
        widget, title = ((self.canvas, "Network canvas") if view == "canvas"
                         else (self.cost_plot.graphics, "Cost J(Θ)"))
        try:
            save_picture(widget, path, title)
        except (OSError, ValueError) as error:
            self._error("Export picture", f"Could not write {path}: {error}")
            return False
        self.statusBar().showMessage(f"{title} saved to {path}", 8000)
        return True

    def course_check(self) -> None:
        """checkNNGradients at λ = 0 and 3 on the course's debug network (38 weights: instant)."""
        report = course_check_report([course_check(lam) for lam in COURSE_CHECK_LAMBDAS])
        self.course_check_dialog = CourseCheckDialog(report, self)
        self.course_check_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.course_check_dialog.show()

    def about(self) -> None:
        self.info("About bp-desktop", about_text())

    def info(self, title: str, text: str) -> None:
        self.info_dialog = self._message(QMessageBox.Icon.Information, title, text, "infoDialog")

    def _error(self, title: str, text: str) -> None:
        self.last_error = text
        self.error_dialog = self._message(QMessageBox.Icon.Warning, title, text, "errorDialog")

    def _message(self, icon, title: str, text: str, name: str) -> QMessageBox:
        """A window-modal message that does not block the event loop (training goes on)."""
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName(name)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if self.isVisible():
            box.open()
        return box

    # --- settings and shutdown ----------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        self.controls.restore_settings(self.settings)
        self.inspector.restore_settings(self.settings)
        mode = self.mode.findData(self.settings.value("canvas/mode", "forward"))
        self.mode.setCurrentIndex(max(mode, 0))
        geometry = self.settings.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1500, 950)
        state = self.settings.value("window_state")
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def _save_settings(self) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("window_state", self.saveState())
        self.settings.setValue("canvas/mode", self.mode.currentData())
        self.controls.save_settings(self.settings)
        self.inspector.save_settings(self.settings)
        self.settings.sync()

    def shutdown(self) -> None:
        if self.controller is not None:
            self.controller.shutdown()
        if self._loader is not None and self._loader.is_running():
            self._loader.abandon()  # it cannot be interrupted; the process may exit under it

    def closeEvent(self, event):
        if not self._may_close():
            event.ignore()
            return
        self._save_settings()
        self.shutdown()
        super().closeEvent(event)


def weights_file_filters() -> list[str]:
    """One file-dialog filter per weights format; ONNX says how to enable it when it is missing."""
    return [f"{text}{_onnx_missing_note() if suffix == '.onnx' else ''} (*{suffix})"
            for suffix, text in WEIGHT_FORMATS.items()]


def _onnx_missing_note() -> str:
    return f" — not installed: {ONNX_INSTALL_HINT}" if onnx_unavailable() else ""


def _recorded_scaler(metadata: dict) -> Scaler | None:
    """The feature scaling a weights file records, or None (absent, or unreadable)."""
    try:
        return Scaler.from_dict(metadata["scaling"])
    except (KeyError, DatasetError):
        return None
