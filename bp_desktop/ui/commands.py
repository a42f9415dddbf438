"""What the window's actions do that needs a person: file dialogs, questions and error
messages around the workbench's methods. The decisions themselves (does an imported Θ fit?
which scaling? what does a session restore?) are the model's; this only asks and reports."""
from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QFileDialog

from bp_desktop.core import COURSE_CHECK_LAMBDAS, course_check, course_check_report
from bp_desktop.data import DatasetError, load_builtin
from bp_desktop.io import (DATASET_FILE_FILTER, ONNX_INSTALL_HINT, WEIGHT_FORMATS, WeightsFileError,
                           load_dataset, onnx_unavailable)
from bp_desktop.io.atomic import atomic_write
from bp_desktop.io.dataset_files import is_mat_file
from bp_desktop.training.course import EXERCISE4_QUESTION, Settings, exercise4_settings, is_exercise4_layout
from bp_desktop.training.workspace import Workspace
from bp_desktop.workbench import WeightsMismatch
from bp_desktop.workbench.sessions import SUFFIX as SESSION_SUFFIX
from bp_desktop.workbench.mathtext import to_markdown
from bp_desktop.workbench.sessions import SessionFileError, load_session
from bp_desktop.workbench.worked import worked_example

from .canvas.notation import unit_names
from .course_check import CourseCheckDialog
from .csv_import import ask_label_column, remembered_label_column
from .files import PICTURE_FORMATS, save_picture


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


class Commands:
    """The window's user-facing workflows. `window` provides the dialogs' parent and its
    ask / ask_unsaved / info / error methods (tests replace ask and ask_unsaved)."""

    def __init__(self, window, model):
        self.window, self.model = window, model
        self._loader: DatasetLoader | None = None
        self._saved_at: tuple[object, int] | None = None  # the run and iteration last saved

    @property
    def settings(self):
        return self.window.settings

    def _last_dir(self) -> str:
        return self.settings.value("last_dir", "")

    def _confirm_discard(self, what: str) -> bool:
        question = self.model.discard_question(what)
        return question is None or self.window.ask(question)

    def _install(self, title: str, install) -> bool:
        """Run `install()` (a model method that replaces the workspace); report what refused."""
        try:
            install()
        except (ValueError, DatasetError) as error:
            self.window.error(title, str(error))
            return False
        except RuntimeError as error:  # the engine did not let go of the old run
            self.window.error(title, f"{error}. Nothing was changed; try again when the current "
                              "iteration has finished.")
            return False
        return True

    # --- data and network --------------------------------------------------------------------------
    def load_builtin(self, name: str, **params) -> bool:
        try:
            dataset = load_builtin(name, **params)
        except DatasetError as error:
            self.window.error("Could not make the dataset", str(error))
            return False
        return self.set_dataset(dataset)

    def load_selected_builtin(self) -> bool:
        """The built-in dataset the control panel shows (as remembered from the last launch)."""
        name, params = self.window.controls.builtin_request()
        return self.load_builtin(name, **params)

    def open_dataset(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open dataset", self._last_dir(),
                                              f"{DATASET_FILE_FILTER};;All files (*)")
        if not path:
            return
        opened, label_column = (True, None) if is_mat_file(path) else \
            ask_label_column(self.window, path, self.settings)
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
        progress = self.window.status_line.progress
        self._loader.progressed.connect(lambda fraction: progress.setValue(int(100 * fraction)))
        self._loader.loaded.connect(self._on_file_loaded)
        self._loader.failed.connect(self._on_file_failed)
        progress.setValue(0)
        progress.show()
        self._loader.start()

    def load_file_now(self, path: str) -> bool:
        """Load a dataset file on this thread (command-line start-up, where nothing else is shown yet)."""
        try:
            remembered = None if is_mat_file(path) else remembered_label_column(self.settings, path)
            dataset = load_dataset(path, label_column=remembered, guess_label=True)
        except DatasetError as error:
            self.window.error("Could not load the dataset", str(error))
            return False
        return self.set_dataset(dataset)

    def _on_file_loaded(self, dataset) -> None:
        self.window.status_line.progress.hide()
        if self.set_dataset(dataset):
            self.window.recent.add("dataset", dataset.source)
            self._offer_exercise4_setup()

    def _on_file_failed(self, message: str) -> None:
        self.window.status_line.progress.hide()
        self.window.error("Could not load the dataset", message)

    def set_dataset(self, dataset) -> bool:
        """Train on a new dataset (keeping the hidden layers); asks before discarding training."""
        if not self._confirm_discard("Load a new dataset"):
            return False
        controls = self.window.controls
        if not self._install("Could not use the dataset", lambda: self.model.use_dataset(
                dataset, controls.data_preparation(), controls.network_spec())):
            return False
        if dataset.warnings:  # in the permanent field: a temporary message is cut short
            self.model.set_status("Check the data: " + " ".join(dataset.warnings))
        self.settings.setValue("dataset", dataset.source)  # reopened at the next launch
        return True

    def rebuild_network(self) -> bool:
        if self.model.workspace is None:
            return False
        controls = self.window.controls
        try:
            spec = controls.network_spec()
        except ValueError as error:
            self.window.error("Check the network settings", str(error))
            return False
        if not self._confirm_discard("Build a new network"):
            return False
        return self._install("Check the network settings",
                             lambda: self.model.rebuild(controls.data_preparation(), spec))

    def _offer_exercise4_setup(self) -> None:
        """A file just opened in ex4data1.mat's layout: offer ex4.m's settings, unless set."""
        dataset, current = self.model.workspace.dataset, self._current_settings()
        if (is_exercise4_layout(dataset) and current != exercise4_settings(current)
                and self.window.ask(EXERCISE4_QUESTION.format(name=dataset.name))):
            self.setup_exercise4()

    def setup_exercise4(self) -> bool:
        """ex4.m's settings (training.course), and a new network built with them."""
        ws = self.model.workspace
        if ws is None or not is_exercise4_layout(ws.dataset):
            self.window.error("Set up as in exercise 4", "Exercise 4's set-up needs a dataset in "
                              "the layout of ex4data1.mat: 400 pixels (20×20 images) and labels 1..10.")
            return False
        if not self._confirm_discard("Set up as in exercise 4"):
            return False
        settings = exercise4_settings(self._current_settings())
        self.model.configure(settings.hyper, settings.stop, self.model.max_rate)
        return self._install("Set up as in exercise 4", lambda: self.model.install(
            Workspace(ws.dataset, settings.preparation, settings.spec)))

    def _current_settings(self) -> Settings:
        """The settings in effect: the workspace's data and network, the model's training."""
        ws = self.model.workspace
        return Settings(ws.preparation, ws.spec, self.model.hyper, self.model.stop)

    # --- checks -----------------------------------------------------------------------------------
    def gradient_check(self) -> None:
        if self.model.snapshot is None:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            difference, verdict, text = self.model.gradient_check()
        finally:
            QApplication.restoreOverrideCursor()
        self.last_gradient_check = (difference, verdict)
        self.window.info("Gradient check", text)

    def course_check(self) -> None:
        """checkNNGradients at λ = 0 and 3 on the course's debug network (38 weights: instant)."""
        report = course_check_report([course_check(lam) for lam in COURSE_CHECK_LAMBDAS])
        self.course_check_dialog = CourseCheckDialog(report, self.window)
        self.course_check_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.course_check_dialog.show()

    # --- weights ----------------------------------------------------------------------------------
    def export_weights(self) -> None:
        if self.model.run is None:
            return
        filters = weights_file_filters()
        path, chosen = QFileDialog.getSaveFileName(self.window, "Export weights", self._last_dir(),
                                                   ";;".join(filters))
        if not path:
            return
        suffix = list(WEIGHT_FORMATS)[filters.index(chosen)] if chosen in filters else ".mat"
        self.save_weights_to(path if Path(path).suffix else path + suffix)

    def save_weights_to(self, path: str) -> bool:
        """Write the run's current Θ (after its last completed iteration) and metadata."""
        try:
            message = self.model.export_weights(path)
        except RuntimeError as error:
            self.window.error("Export weights", str(error))
            return False
        except (OSError, ValueError) as error:
            self.window.error("Export weights", f"Could not write {path}: {error}")
            return False
        self.model.events.note.emit(message)
        self.window.recent.add("weights", path)
        return True

    def import_weights(self) -> None:
        every = " ".join(f"*{suffix}" for suffix in WEIGHT_FORMATS)
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Import weights", self._last_dir(),
            ";;".join([f"Weights files ({every})", *weights_file_filters(), "All files (*)"]))
        if path:
            self.load_weights_from(path)

    def load_weights_from(self, path: str) -> bool:
        """Replace Θ with a file's; a different architecture is offered as a switch.
        A file that cannot be used changes nothing."""
        try:
            plan = self.model.plan_weights_import(path)
        except (WeightsFileError, WeightsMismatch) as error:
            self.window.error("Import weights", str(error))
            return False
        if not all(self.window.ask(question) for question in plan.confirmations):
            return False
        use_file_scaling = plan.scaling_question is not None and self.window.ask(plan.scaling_question)
        if not self._install("Import weights", lambda: self.model.import_weights(plan, use_file_scaling)):
            return False
        self.model.events.note.emit(f"Θ loaded from {path}")
        if plan.metadata.get("import_note"):  # another program's model: what differs from its own
            self.window.info("Import weights", plan.metadata["import_note"])
        self.window.recent.add("weights", path)
        return True

    # --- sessions ---------------------------------------------------------------------------------
    def save_session(self) -> bool:
        if self.model.run is None:
            return False
        path, _ = QFileDialog.getSaveFileName(self.window, "Save session", self._last_dir(),
                                              f"bp-desktop sessions (*{SESSION_SUFFIX})")
        return bool(path) and self.save_session_to(path if Path(path).suffix else path + SESSION_SUFFIX)

    def save_session_to(self, path: str) -> bool:
        """Write everything needed to continue this run exactly (training pauses first)."""
        try:
            message = self.model.save_session(path)
        except RuntimeError as error:
            self.window.error("Save session", str(error))
            return False
        except (OSError, ValueError) as error:
            self.window.error("Save session", f"Could not write {path}: {error}")
            return False
        self.window.recent.add("session", path)
        self._saved_at = (self.model.run, self.model.iteration)
        self.model.events.note.emit(message)
        return True

    def open_session(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open session", self._last_dir(),
                                              f"bp-desktop sessions (*{SESSION_SUFFIX});;All files (*)")
        if path:
            self.load_session_from(path)

    def load_session_from(self, path: str) -> bool:
        """Restore a saved session: data, network, Θ, optimiser state, settings and cost history.
        A file that cannot be used changes nothing."""
        try:
            session = load_session(path)
        except SessionFileError as error:
            self.window.error("Open session", str(error))
            return False
        if not self._confirm_discard("Open the session"):
            return False
        if not self._install("Open session", lambda: self.model.open_session(session)):
            return False
        self._saved_at = (self.model.run, self.model.iteration)  # as the file holds it
        self.window.recent.add("session", path)
        self.model.events.note.emit(f"Session {path} opened at iteration {self.model.iteration}")
        return True

    def may_close(self) -> bool:
        """Training not saved since (as a session) is kept only if the user says so."""
        run, iteration = self.model.run, self.model.iteration
        saved = self._saved_at == (run, iteration) and self._saved_at[0] is run
        if run is None or iteration == 0 or saved or not self.window.isVisible():
            return True  # nothing to lose, or (hidden) nobody to ask
        answer = self.window.ask_unsaved(f"The network trained for {iteration} iterations is not "
                                         "saved. Save the session before closing?")
        return self.save_session() if answer == "save" else answer == "discard"

    def forget_saved(self) -> None:
        """A Reset: a session saved before holds other training."""
        self._saved_at = None

    # --- recent files and pictures --------------------------------------------------------------------
    def open_recent(self, kind: str, path: str) -> None:
        if not Path(path).exists():
            self.window.recent.remove(path)
            self.window.error("Open recent file", f"{path} no longer exists; it was removed from the list.")
            return
        {"dataset": self.load_file, "weights": self.load_weights_from,
         "session": self.load_session_from}[kind](path)

    def save_worked_example(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Save worked example", self._last_dir(),
                                              "Markdown (*.md)")
        if path:
            self.save_worked_example_to(path if Path(path).suffix else path + ".md")

    def save_worked_example_to(self, path: str) -> bool:
        """One iteration worked for example t at the current Θ, as Markdown (math in $…$)."""
        if self.model.run is None or not self.model.pause_and_wait():
            self.window.error("Save worked example", "Nothing to work through yet (or training did not pause).")
            return False
        data = self.model.workspace.train
        names = unit_names(data.feature_names, data.class_names, self.model.workspace.layer_sizes)
        text = to_markdown(worked_example(self.model, names))
        try:
            atomic_write(path, lambda stream: stream.write(text.encode("utf-8")))
        except OSError as error:
            self.window.error("Save worked example", f"Could not write {path}: {error}")
            return False
        self.model.events.note.emit(f"Worked example saved to {path}")
        return True

    def export_picture(self) -> None:
        views = ("Network canvas", "Cost plot")
        filters = [f"{name} as {text} (*{suffix})" for name in views for suffix, text in PICTURE_FORMATS.items()]
        path, chosen = QFileDialog.getSaveFileName(self.window, "Export picture", self._last_dir(),
                                                   ";;".join(filters))
        if not path:
            return
        chosen = chosen if chosen in filters else filters[0]
        if Path(path).suffix.lower() not in PICTURE_FORMATS:
            path += chosen[chosen.rindex("*") + 1:-1]
        self.export_picture_to(path, "canvas" if chosen.startswith("Network") else "cost")

    def export_picture_to(self, path: str, view: str) -> bool:
        """The canvas ('canvas') or the cost plot ('cost') as PNG or SVG, by the path's suffix."""
        widget, title = ((self.window.canvas, "Network canvas") if view == "canvas"
                         else (self.window.cost_plot.graphics, "Cost J(Θ)"))
        try:
            save_picture(widget, path, title)
        except (OSError, ValueError) as error:
            self.window.error("Export picture", f"Could not write {path}: {error}")
            return False
        self.model.events.note.emit(f"{title} saved to {path}")
        return True

    def shutdown(self) -> None:
        self.model.shutdown()
        if self._loader is not None and self._loader.is_running():
            self._loader.abandon()  # it cannot be interrupted; the process may exit under it


def weights_file_filters() -> list[str]:
    """One file-dialog filter per weights format; ONNX says how to enable it when it is missing."""
    return [f"{text}{onnx_missing_note() if suffix == '.onnx' else ''} (*{suffix})"
            for suffix, text in WEIGHT_FORMATS.items()]


def onnx_missing_note() -> str:
    return f" — not installed: {ONNX_INSTALL_HINT}" if onnx_unavailable() else ""
