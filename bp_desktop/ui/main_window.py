"""MainWindow: builds the docks, menus, actions and status bar, and wires them to the
workbench (the Qt-free application model). Each view takes the model in its constructor
and subscribes itself; the model decides, the views draw, the commands ask the user."""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QComboBox, QDockWidget, QHBoxLayout, QMainWindow, QMessageBox,
                               QScrollArea, QSpinBox, QToolButton, QVBoxLayout, QWidget)

from bp_desktop.workbench import Workbench

from .about import about_text
from .algorithm_view import AlgorithmView
from .canvas.view import DEFAULT_EDGES_PER_UNIT, NetworkCanvas
from .commands import Commands, onnx_missing_note
from .controls import ControlPanel
from .cost_plot import CostPlot
from .decision_view import DecisionBoundaryView
from .files import RecentFiles
from .inspector import LayerInspector
from .process_trainer import training_engine
from .status_line import StatusLine
from .weight_images import WeightImagesView

MODE_TEXTS = {"forward": "Forward: units show a", "backward": "Backward: units show δ",
              "gradient": "Gradient: edges show D"}


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("bp-desktop — backpropagation, made visible")
        self.settings = settings if settings is not None else QSettings("bp-desktop", "bp-desktop")
        self.model = Workbench(lambda run: training_engine()(run, parent=self))
        self.commands = Commands(self, self.model)
        self._make_actions()
        self._make_views()
        self._make_menus()
        self.status_line = StatusLine(self.statusBar(), self.model)
        self._wire()
        self._restore_settings()

    # --- construction ----------------------------------------------------------------------------
    def _action(self, name, text, shortcut, tip, slot=None, enabled=True) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{tip} ({QKeySequence(shortcut).toString()})" if shortcut else tip)
        action.setStatusTip(tip)
        action.setEnabled(enabled)
        if slot is not None:  # else the view that owns the action connects it
            action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        a, m, c = self._action, self.model, self.commands
        self.actions_by_key = {
            "builtin": a("actionUseBuiltinDataset", "Use this built-in dataset", "Ctrl+B",
                         "Generate or load the built-in dataset chosen in the control panel"),
            "build": a("actionBuildNetwork", "Build network", "Ctrl+N",
                       "A new network with the hidden layers, g, ε and seed of the control panel"),
            "exercise4": a("actionExercise4Setup", "Set up as in exercise 4", "Ctrl+4",
                           "ex4.m's settings for ex4data1.mat: raw pixels, no validation split, "
                           "400-25-10, λ = 1, ε_init = 0.12, fmincg for 50 iterations",
                           c.setup_exercise4),
            "rescale": a("actionRescaleColours", "Rescale colours", "Ctrl+L",
                         "Colour scales stay fixed so a colour change means a value change; "
                         "this fits them to the current values once"),
            "numerical": a("actionNumericalEstimate", "Numerical estimate of this D", "Ctrl+D",
                           "(J(Θ + ε) − J(Θ − ε)) / 2ε for the selected edge, to check backprop's D"),
            "open": a("actionOpenDataset", "Open dataset…", "Ctrl+O",
                      "Load a CSV file, or a MAT-file with X and y (the course's ex4data1.mat)",
                      c.open_dataset),
            "train": a("actionTrain", "Train", "Space", "Train continuously (Space again pauses)", m.toggle_training),
            "pause": a("actionPause", "Pause", "P", "Pause training after the current iteration", m.pause, False),
            "step": a("actionStep", "Step", "S", "Run exactly one iteration and show it", lambda: m.step(1)),
            "step10": a("actionStep10", "Step 10", "Shift+S", "Run ten iterations", lambda: m.step(10)),
            "reset": a("actionReset", "Reset", "Ctrl+R", "Back to iteration 0 with the same initial Θ (same seed)",
                       self.reset),
            "gradcheck": a("actionGradientCheck", "Gradient check", "Ctrl+G",
                           "Compare backprop's D with central differences (the course's checkNNGradients)",
                           c.gradient_check),
            "export": a("actionExportWeights", "Export weights…", "Ctrl+E",
                        "Save Θ to .mat (Octave/MATLAB), .npz, .json, a .zip of CSV files or .onnx "
                        "(onnxruntime, PyTorch)" + onnx_missing_note(), c.export_weights),
            "import": a("actionImportWeights", "Import weights…", "Ctrl+I", "Load Θ from a weights file",
                        c.import_weights),
            "save_session": a("actionSaveSession", "Save session…", "Ctrl+S",
                              "Save data, network, Θ, optimiser state and cost history to continue later",
                              c.save_session),
            "open_session": a("actionOpenSession", "Open session…", "Ctrl+Shift+O",
                              "Continue a saved session exactly where it stopped", c.open_session),
            "export_picture": a("actionExportPicture", "Export picture…", "Ctrl+Shift+E",
                                "Save the network canvas or the cost plot as PNG or SVG", c.export_picture),
            "worked": a("actionSaveWorkedExample", "Save worked example…", "Ctrl+Shift+W",
                        "One iteration worked by hand for example t (forward, backward, Δ, D, update) "
                        "as a Markdown file", c.save_worked_example),
            "algorithm": a("actionAlgorithmView", "Walk the algorithm", "Ctrl+Shift+A",
                           "The lecture's backprop slide, line by line, with Δ filling up example by "
                           "example (→ ← lines, PgDn PgUp examples)", self.show_algorithm),
            "quit": a("actionQuit", "Quit", "Ctrl+Q", "Close bp-desktop", self.close),
            "about": a("actionAbout", "About bp-desktop", "F1", "Version and licence",
                       lambda: self.info("About bp-desktop", about_text())),
            "course_check": a("actionCourseCheck", "Course check", "Ctrl+Shift+G",
                              "The course's checkNNGradients (debug network 3-5-3, λ = 0 and 3) and "
                              "sigmoidGradient, printed as ex4.m prints them", c.course_check),
        }

    def _make_views(self) -> None:
        model = self.model
        self.canvas = NetworkCanvas(model=model)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(2, 2, 2, 2)
        column.addLayout(self._canvas_toolbar())
        column.addWidget(self.canvas, 1)
        self.setCentralWidget(central)
        self.controls = ControlPanel(self.actions_by_key, model=model)
        scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        controls_width = (self.controls.minimumSizeHint().width()
                          + scroll.verticalScrollBar().sizeHint().width() + 4)
        self.inspector = LayerInspector(self.actions_by_key["numerical"], model=model)
        self.cost_plot = CostPlot(model=model)
        self.decision_view = DecisionBoundaryView(model=model)
        self.weight_images = WeightImagesView(model=model)
        self.algorithm_view = AlgorithmView(model=model)
        self.docks = {}
        for key, title, widget, area in (
                ("controls", "Controls", scroll, Qt.DockWidgetArea.LeftDockWidgetArea),
                ("inspector", "Layer inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea),
                ("cost", "Cost J(Θ)", self.cost_plot, Qt.DockWidgetArea.BottomDockWidgetArea),
                ("decision", "Decision boundary", self.decision_view, Qt.DockWidgetArea.BottomDockWidgetArea),
                ("weights", "Hidden units' weights", self.weight_images, Qt.DockWidgetArea.BottomDockWidgetArea),
                ("algorithm", "Algorithm", self.algorithm_view, Qt.DockWidgetArea.TopDockWidgetArea)):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"{key}Dock")
            dock.setWidget(widget)
            self.addDockWidget(area, dock)
            self.docks[key] = dock
        self.resizeDocks([self.docks["controls"], self.docks["inspector"]], [controls_width, 440],
                         Qt.Orientation.Horizontal)  # wide enough to show the panel unclipped
        self.resizeDocks([self.docks["cost"]], [260], Qt.Orientation.Vertical)
        self.docks["algorithm"].hide()  # until asked for (View ▸ Walk the algorithm), full width on top

    def _canvas_toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.mode = QComboBox()
        self.mode.setObjectName("displayMode")
        for key, text in MODE_TEXTS.items():
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
        row.addWidget(self.mode)
        row.addWidget(self.edges_per_unit)
        row.addStretch(1)
        row.addWidget(rescale)
        return row

    def _make_menus(self) -> None:
        k = self.actions_by_key
        menus = (("&File", ["open", "builtin", "open_session", "recent", None, "save_session", None,
                            "import", "export", "export_picture", "worked", None, "quit"]),
                 ("&Train", ["train", "pause", "step", "step10", "reset", None, "build", "exercise4", None,
                             "gradcheck", "numerical"]),
                 ("&View", ["rescale", "algorithm", None]),
                 ("&Help", ["course_check", None, "about"]))
        for title, keys in menus:
            menu = self.menuBar().addMenu(title)
            for key in keys:
                if key == "recent":
                    self.recent = RecentFiles(self.settings, menu.addMenu("Recent files"),
                                              self.commands.open_recent, self)
                    continue
                menu.addSeparator() if key is None else menu.addAction(k[key])
            if title == "&View":
                for dock in self.docks.values():
                    menu.addAction(dock.toggleViewAction())
        toolbar = self.addToolBar("Training")
        toolbar.setObjectName("trainingToolBar")
        for key in ("open", "train", "pause", "step", "step10", "reset", "gradcheck"):
            toolbar.addAction(k[key])

    def _wire(self) -> None:
        m, c, k, events = self.model, self.commands, self.actions_by_key, self.model.events
        self.controls.dataset_requested.connect(lambda name, params: c.load_builtin(name, **params))
        self.controls.network_requested.connect(c.rebuild_network)
        k["rescale"].triggered.connect(self.canvas.rescale_colours)
        k["rescale"].triggered.connect(self.inspector.rescale)
        self.mode.currentIndexChanged.connect(lambda *_: m.set_mode(self.mode.currentData()))
        self.edges_per_unit.valueChanged.connect(lambda v: self.canvas.set_edges_per_unit(v or None))
        events.installed.connect(self._on_installed)
        events.state.connect(lambda state: k["pause"].setEnabled(state == "running"))
        events.failed.connect(self.error)

    def _on_installed(self, workspace) -> None:
        """The docks that fit the data: the decision boundary for 2-D data, weight images for images."""
        dataset = workspace.dataset
        self.docks["decision"].setVisible(dataset.n == 2)
        self.docks["weights"].setVisible(dataset.image_shape is not None)
        self.setWindowTitle(f"bp-desktop — {dataset.name}, network "
                            f"{'-'.join(map(str, workspace.layer_sizes))}")

    def show_algorithm(self) -> None:
        dock = self.docks["algorithm"]
        dock.show()
        dock.raise_()
        self.resizeDocks([dock], [self.height() // 2], Qt.Orientation.Vertical)
        self.algorithm_view.setFocus()

    def reset(self) -> None:
        self.model.reset()
        self.commands.forget_saved()

    # --- questions and messages (tests replace ask and ask_unsaved) -------------------------------
    def ask(self, question: str) -> bool:
        """A yes/no question."""
        answer = QMessageBox.question(self, "bp-desktop", question)
        return answer == QMessageBox.StandardButton.Yes

    def ask_unsaved(self, question: str) -> str:
        """'save', 'discard' or 'cancel'."""
        buttons = QMessageBox.StandardButton
        box = QMessageBox(QMessageBox.Icon.Question, "bp-desktop", question,
                          buttons.Save | buttons.Discard | buttons.Cancel, self)
        box.setObjectName("unsavedTrainingDialog")
        box.setDefaultButton(buttons.Save)
        answer = box.exec()
        return {buttons.Save: "save", buttons.Discard: "discard"}.get(buttons(answer), "cancel")

    def info(self, title: str, text: str) -> None:
        self.info_dialog = self._message(QMessageBox.Icon.Information, title, text, "infoDialog")

    def error(self, title: str, text: str) -> None:
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
        self.controls.send_settings()
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
        self.commands.shutdown()

    def closeEvent(self, event):
        if not self.commands.may_close():
            event.ignore()
            return
        self._save_settings()
        self.shutdown()
        super().closeEvent(event)
