"""The control panel: dataset, network and training settings.

It holds no state of its own beyond its widgets: it reads them into the
engine's spec objects and emits signals when the user asks for a change.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (QAbstractSpinBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QSpinBox, QToolButton,
                               QVBoxLayout, QWidget)

from bp_desktop.core import OPTIMIZERS
from bp_desktop.data import list_datasets, parameter_limits
from bp_desktop.training import Hyperparameters, StopCriteria
from bp_desktop.training.workspace import DataPreparation, NetworkSpec
from bp_desktop.workbench.wording import SCALINGS

DEFAULT_DATASET = "spiral"  # 2-D, so the decision boundary shows learning at once
ACTIVATIONS = {"sigmoid": "sigmoid g(z) = 1/(1 + e^−z)", "tanh": "tanh", "relu": "ReLU max(0, z)"}


def _action_button(action) -> QToolButton:
    """A full-width button for a window action (so it also has a shortcut and a menu entry)."""
    button = QToolButton()
    button.setDefaultAction(action)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return button


def _combo(name: str = "") -> QComboBox:
    """A combo box that may be narrower than its longest entry (the dock stays slim)."""
    box = QComboBox()
    box.setObjectName(name)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(10)
    return box


def _spin(minimum, maximum, value, decimals=None, step=None, tooltip="", special=None):
    box = QDoubleSpinBox() if decimals is not None else QSpinBox()
    if decimals is not None:
        box.setDecimals(decimals)
    box.setRange(minimum, maximum)
    box.setValue(value)
    if step is not None:
        box.setSingleStep(step)
    if special:
        box.setSpecialValueText(special)
    box.setToolTip(tooltip)
    return box


class WheelOnlyWhenFocused(QObject):
    """Spin and combo boxes that take the mouse wheel only once clicked or tabbed into:
    scrolling the panel past them must not change a setting (standard Qt practice).
    An ignored wheel event goes on to the parent, so the panel scrolls instead."""

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Wheel and not watched.hasFocus():
            event.ignore()
            return True
        return False

    def install(self, widget: QWidget) -> None:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # not WheelFocus: a wheel gives no focus
        widget.installEventFilter(self)


def parse_hidden(text: str) -> tuple[int, ...]:
    """'25, 10' -> (25, 10); raises ValueError with a message for the user."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        sizes = tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"hidden layers must be whole numbers separated by commas, e.g. 25, 10; "
                         f"got {text!r}") from None
    if any(s < 1 or s > 2000 for s in sizes):
        raise ValueError(f"each hidden layer needs 1 to 2000 units; got {text!r}")
    return sizes


class ControlPanel(QWidget):
    dataset_requested = Signal(str, dict)      # built-in name, parameters
    network_requested = Signal()               # rebuild with the network settings
    hyperparameters_changed = Signal(dict)     # α, λ, momentum, ... (no reset)
    stop_criteria_changed = Signal(object)     # StopCriteria
    speed_changed = Signal(float)              # iterations per second, 0 = unlimited
    example_changed = Signal(int)              # −1 = batch mean of |δ|

    def __init__(self, actions: dict, parent=None, *, model=None):
        super().__init__(parent)
        self.setObjectName("controlPanel")
        layout = QVBoxLayout(self)
        layout.addWidget(self._dataset_box(actions))
        layout.addWidget(self._network_box(actions))
        layout.addWidget(self._training_box())
        layout.addWidget(self._run_box(actions))
        layout.addStretch(1)
        self._wheel_guard = WheelOnlyWhenFocused(self)
        for box in (*self.findChildren(QAbstractSpinBox), *self.findChildren(QComboBox)):
            self._wheel_guard.install(box)
        self.select_builtin(DEFAULT_DATASET)
        self._on_builtin_changed()
        if model is not None:
            self._follow(model)

    def _follow(self, model) -> None:
        """Training settings reach the workbench as they change (the next iteration uses them);
        a network installed (new data, imported weights, a session) shows its settings here."""
        self._model = model
        self.hyperparameters_changed.connect(self._send_hyperparameters)
        self.stop_criteria_changed.connect(model.set_stop_criteria)
        self.speed_changed.connect(model.set_max_rate)
        self.example_changed.connect(model.set_example)
        model.events.example.connect(self._show_example)  # chosen elsewhere (the Algorithm view)
        model.events.installed.connect(self._on_installed)

    def _show_example(self, example: int) -> None:
        self.example.blockSignals(True)
        self.example.setValue(example + 1)
        self.example.blockSignals(False)

    def _send_hyperparameters(self, changes: dict) -> None:
        self._model.set_hyperparameters(**changes)

    def send_settings(self) -> None:
        """All the training settings shown, to the workbench at once (after restore_settings)."""
        self._model.configure(self.hyperparameters(), self.stop_criteria(), float(self.speed.value()))

    def _on_installed(self, workspace) -> None:
        source = workspace.dataset.source
        if source.startswith("builtin:"):
            self.select_builtin(source.removeprefix("builtin:"))
        self.show_network_spec(workspace.spec)
        self.show_settings(workspace.preparation, self._model.hyper, self._model.stop)
        self.set_example_count(len(workspace.X_train))
        self.show_current_dataset(workspace.dataset, len(workspace.X_train), workspace.preparation)

    # --- dataset -------------------------------------------------------------------------------
    def _dataset_box(self, actions) -> QGroupBox:
        box = QGroupBox("Data")
        form = QFormLayout(box)
        self.builtin = _combo("builtinDataset")
        self._infos = {info.name: info for info in list_datasets()}
        for info in self._infos.values():
            self.builtin.addItem(info.title, info.name)
            self.builtin.setItemData(self.builtin.count() - 1, info.description, 3)  # tooltip role
        self.builtin.currentIndexChanged.connect(self._on_builtin_changed)
        form.addRow("Built-in", self.builtin)
        # the ranges load_builtin accepts, so every value offered can be generated
        self.points = _spin(*parameter_limits("m"), 300, tooltip="m, the number of generated examples "
                            "(at least two per class)")
        self.noise = _spin(*parameter_limits("noise"), 0.1, decimals=2, step=0.05,
                           tooltip="noise added to the points")
        self.data_seed = _spin(0, 2**31 - 1, 0, tooltip="seed of the generated points")
        self.arms = _spin(*parameter_limits("arms"), 2, tooltip="spiral arms (classes)")
        self.classes = _spin(*parameter_limits("classes"), 3, tooltip="number of blobs (classes)")
        self._param_rows = {"m": self.points, "noise": self.noise, "seed": self.data_seed,
                            "arms": self.arms, "classes": self.classes}
        labels = {"m": "Points m", "noise": "Noise", "seed": "Seed", "arms": "Arms", "classes": "Classes"}
        for key, widget in self._param_rows.items():
            form.addRow(labels[key], widget)
        self.load_builtin = _action_button(actions["builtin"])
        actions["builtin"].triggered.connect(self._emit_dataset)
        open_file = QToolButton()
        open_file.setDefaultAction(actions["open"])
        open_file.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.current_dataset = QLabel()
        self.current_dataset.setObjectName("currentDataset")
        self.current_dataset.setWordWrap(True)
        form.addRow(self.current_dataset)
        form.addRow(self.load_builtin)
        form.addRow("Or a file", open_file)
        self.scaling = _combo("scaling")
        for key, text in SCALINGS.items():
            self.scaling.addItem(text, key)
        self.scaling.setToolTip("feature scaling, fitted on the training split only")
        form.addRow("Scaling", self.scaling)
        self.validation = _spin(0.0, 0.5, 0.2, decimals=2, step=0.05,
                                tooltip="share of the examples held out as a validation set")
        form.addRow("Validation", self.validation)
        # Scaling and Validation apply only on request (a new split discards the trained
        # network), far from where they are set: say so while they differ from what is in use
        self.data_pending = QLabel("Not in use yet: Scaling, Validation and the Seed of the "
                                   "train/validation split apply when you press <i>Build "
                                   "network</i> (or load a dataset).")
        self.data_pending.setObjectName("dataPending")
        self.data_pending.setWordWrap(True)
        self.data_pending.setStyleSheet("color: #a04000")
        self.data_pending.hide()
        form.addRow(self.data_pending)
        self._in_use: DataPreparation | None = None
        for spin in (self.validation, self.data_seed):
            spin.valueChanged.connect(self._show_data_pending)
        self.scaling.currentIndexChanged.connect(self._show_data_pending)
        return box

    def _show_data_pending(self) -> None:
        shown = self.data_preparation()
        self.data_pending.setVisible(self._in_use is not None and shown != self._in_use)

    def _on_builtin_changed(self) -> None:
        info = self._infos[self.builtin.currentData()]
        form = self.builtin.parentWidget().layout()
        for key, widget in self._param_rows.items():
            visible = key in info.parameters
            widget.setVisible(visible)
            form.labelForField(widget).setVisible(visible)
            if visible:
                widget.setValue(info.parameters[key])

    def _emit_dataset(self) -> None:
        self.dataset_requested.emit(*self.builtin_request())

    def show_current_dataset(self, dataset, m_train: int, preparation: DataPreparation) -> None:
        """Name the dataset being trained on (a file's name, or the built-in's), and remember
        how it was prepared."""
        source = dataset.source
        where = source.split(":", 1)[1] if source.startswith("builtin:") else source
        self.current_dataset.setText(f"In use: <b>{dataset.name}</b>, {dataset.m} examples "
                                     f"({m_train} for training)")
        self.current_dataset.setToolTip(where)
        self._in_use = preparation
        self._show_data_pending()

    def select_builtin(self, name: str) -> None:
        index = self.builtin.findData(name)
        if index >= 0:
            self.builtin.setCurrentIndex(index)

    def data_preparation(self) -> DataPreparation:
        return DataPreparation(scaling=self.scaling.currentData(), validation=self.validation.value(),
                               seed=self.data_seed.value())

    # --- network ---------------------------------------------------------------------------------
    def _network_box(self, actions) -> QGroupBox:
        box = QGroupBox("Network")
        form = QFormLayout(box)
        self.hidden = QLineEdit("8")
        self.hidden.setObjectName("hiddenLayers")
        self.hidden.setToolTip("units per hidden layer, comma-separated: '25' or '8, 8'")
        form.addRow("Hidden layers", self.hidden)
        self.activation = _combo("hiddenActivation")
        for key, text in ACTIVATIONS.items():
            self.activation.addItem(text, key)
        self.activation.setToolTip("g for the hidden layers; the output layer is always sigmoid")
        form.addRow("Hidden g", self.activation)
        self.epsilon = _spin(0.0, 10.0, 0.0, decimals=3, step=0.01, special="√6/√(s_l + s_l+1)",
                             tooltip="ε_init: Θ starts uniform in [−ε, ε]")
        form.addRow("ε init", self.epsilon)
        self.net_seed = _spin(0, 2**31 - 1, 0, tooltip="seed of the initial Θ (Reset draws the same Θ)")
        form.addRow("Seed", self.net_seed)
        actions["build"].triggered.connect(self.network_requested)
        # Enter after typing the layers builds, as the button does (asking the same question)
        self.hidden.returnPressed.connect(actions["build"].trigger)
        form.addRow(_action_button(actions["build"]))
        return box

    def network_spec(self) -> NetworkSpec:
        epsilon = self.epsilon.value() or None
        return NetworkSpec(parse_hidden(self.hidden.text()), self.activation.currentData(),
                           epsilon, self.net_seed.value())

    def show_network_spec(self, spec: NetworkSpec) -> None:
        self.hidden.setText(", ".join(str(s) for s in spec.hidden))
        self.activation.setCurrentIndex(max(self.activation.findData(spec.activation), 0))
        self.epsilon.setValue(spec.epsilon or 0.0)
        self.net_seed.setValue(spec.seed)

    # --- training ---------------------------------------------------------------------------------
    def _training_box(self) -> QGroupBox:
        box = QGroupBox("Training")
        form = QFormLayout(box)
        self.optimizer = _combo("optimizer")
        for key, text in OPTIMIZERS.items():
            self.optimizer.addItem(text, key)
        form.addRow("Optimiser", self.optimizer)
        self.alpha = _spin(0.0001, 100.0, 1.0, decimals=4, step=0.1, tooltip="α, the learning rate")
        self.alpha.setObjectName("alpha")
        self.lam = _spin(0.0, 100.0, 0.0, decimals=4, step=0.1, tooltip="λ, the regularisation strength")
        self.lam.setObjectName("lambda")
        self.momentum = _spin(0.0, 0.999, 0.9, decimals=3, step=0.05, tooltip="μ, momentum")
        self.batch = _spin(1, 100000, 32, tooltip="examples per mini-batch")
        form.addRow("α", self.alpha)
        form.addRow("λ", self.lam)
        form.addRow("Momentum", self.momentum)
        form.addRow("Batch size", self.batch)
        for widget in (self.optimizer,):
            widget.currentIndexChanged.connect(self._emit_hyperparameters)
        for widget in (self.alpha, self.lam, self.momentum, self.batch):
            widget.valueChanged.connect(self._emit_hyperparameters)
        self.max_iterations = _spin(0, 10**9, 0, special="no limit", tooltip="stop after this many iterations")
        self.target_cost = _spin(0.0, 100.0, 0.0, decimals=4, special="none", tooltip="stop when J ≤ this")
        self.plateau = _spin(0.0, 1.0, 0.0, decimals=6, special="off",
                             tooltip="stop when J improves by less than this share over 50 iterations")
        self.patience = _spin(0, 10000, 0, special="off",
                              tooltip="early stopping: stop when the validation cost rose this many checks in a row")
        self.speed = _spin(0, 10000, 0, special="as fast as possible", tooltip="iterations per second")
        self.speed.setObjectName("speedLimit")
        form.addRow("Max iterations", self.max_iterations)
        form.addRow("Target J", self.target_cost)
        form.addRow("Plateau", self.plateau)
        form.addRow("Early stop", self.patience)
        form.addRow("Speed (it/s)", self.speed)
        for widget in (self.max_iterations, self.target_cost, self.plateau, self.patience):
            widget.valueChanged.connect(self._emit_stop_criteria)
        self.speed.valueChanged.connect(lambda value: self.speed_changed.emit(float(value)))
        self._update_optimizer_fields()
        self.optimizer.currentIndexChanged.connect(self._update_optimizer_fields)
        return box

    def _emit_stop_criteria(self, *_) -> None:
        self.stop_criteria_changed.emit(self.stop_criteria())

    def _update_optimizer_fields(self) -> None:
        kind = self.optimizer.currentData()
        self.alpha.setEnabled(kind != "cg")
        self.momentum.setEnabled(kind == "momentum")
        self.batch.setEnabled(kind == "sgd")

    def _emit_hyperparameters(self, *_) -> None:
        self.hyperparameters_changed.emit(self.hyperparameter_changes())

    def hyperparameter_changes(self) -> dict:
        return dict(optimizer=self.optimizer.currentData(), alpha=self.alpha.value(),
                    lam=self.lam.value(), momentum=self.momentum.value(), batch_size=self.batch.value())

    def hyperparameters(self) -> Hyperparameters:
        return Hyperparameters(**self.hyperparameter_changes())

    def stop_criteria(self) -> StopCriteria:
        return StopCriteria(max_iterations=self.max_iterations.value(),
                            target_cost=self.target_cost.value() or None,
                            plateau_tolerance=self.plateau.value() or None,
                            early_stopping_patience=self.patience.value() or None)

    def show_settings(self, preparation: DataPreparation, hyper: Hyperparameters,
                      stop: StopCriteria) -> None:
        """Show a restored session's settings without emitting change signals (the run that
        goes with them is installed next, already holding them)."""
        values = [(self.scaling, max(self.scaling.findData(preparation.scaling), 0)),
                  (self.validation, preparation.validation), (self.data_seed, preparation.seed),
                  (self.optimizer, max(self.optimizer.findData(hyper.optimizer), 0)),
                  (self.alpha, hyper.alpha), (self.lam, hyper.lam), (self.momentum, hyper.momentum),
                  (self.batch, hyper.batch_size), (self.max_iterations, stop.max_iterations),
                  (self.target_cost, stop.target_cost or 0.0),
                  (self.plateau, stop.plateau_tolerance or 0.0),
                  (self.patience, stop.early_stopping_patience or 0)]
        for widget, value in values:
            with QSignalBlocker(widget):
                if isinstance(widget, QComboBox):
                    widget.setCurrentIndex(value)
                else:
                    widget.setValue(value)
        self._update_optimizer_fields()

    # --- run buttons -------------------------------------------------------------------------------
    def _run_box(self, actions) -> QGroupBox:
        box = QGroupBox("Run")
        row = QHBoxLayout(box)
        for key in ("train", "pause", "step", "step10", "reset"):
            button = QToolButton()
            button.setDefaultAction(actions[key])
            row.addWidget(button)
        self.example = _spin(0, 10**7, 1, special="mean |δ|",
                             tooltip="training example t whose a and δ are shown; 'mean |δ|' shows the batch mean")
        self.example.setObjectName("exampleSelector")
        self.example.setPrefix("t = ")
        self.example.valueChanged.connect(lambda value: self.example_changed.emit(value - 1))
        row.addWidget(self.example)
        return box

    def set_example_count(self, m: int) -> None:
        self.example.setRange(0, m)

    # --- remembered between launches -----------------------------------------------------------
    def _remembered(self) -> dict[str, QWidget]:
        # the built-in choice comes first: choosing it resets the parameters to its defaults
        return {"data/builtin": self.builtin, "data/points": self.points, "data/noise": self.noise,
                "data/seed": self.data_seed, "data/arms": self.arms, "data/classes": self.classes,
                "data/scaling": self.scaling, "data/validation": self.validation,
                "network/hidden": self.hidden, "network/activation": self.activation,
                "network/epsilon": self.epsilon, "network/seed": self.net_seed,
                "training/optimizer": self.optimizer, "training/alpha": self.alpha,
                "training/lambda": self.lam, "training/momentum": self.momentum,
                "training/batch_size": self.batch, "training/max_iterations": self.max_iterations,
                "training/target_cost": self.target_cost, "training/plateau": self.plateau,
                "training/patience": self.patience, "training/speed": self.speed}

    def save_settings(self, settings) -> None:
        for key, widget in self._remembered().items():
            if isinstance(widget, QComboBox):
                settings.setValue(key, widget.currentData())
            elif isinstance(widget, QLineEdit):
                settings.setValue(key, widget.text())
            else:
                settings.setValue(key, widget.value())

    def restore_settings(self, settings) -> None:
        """Put back what save_settings stored; values that no longer fit are ignored."""
        for key, widget in self._remembered().items():
            value = settings.value(key)
            if value is None:
                continue
            try:
                if isinstance(widget, QComboBox):
                    index = widget.findData(str(value))
                    if index >= 0:
                        widget.setCurrentIndex(index)
                elif isinstance(widget, QLineEdit):
                    widget.setText(str(value))
                elif isinstance(widget, QDoubleSpinBox):
                    widget.setValue(float(value))
                else:
                    widget.setValue(int(float(value)))
            except (TypeError, ValueError):
                continue  # a hand-edited or older settings file: keep the default

    def builtin_request(self) -> tuple[str, dict]:
        """The built-in dataset and parameters the panel shows."""
        name = self.builtin.currentData()
        return name, {key: self._param_rows[key].value() for key in self._infos[name].parameters}
