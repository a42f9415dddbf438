"""The status bar's permanent fields: the iteration on screen, J, accuracy, speed and why
training stopped (or another note), as the workbench announces them."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

FIELDS = ("iteration", "cost", "accuracy", "rate", "reason")
NOTE_MS = 8000  # how long a passing note stays


class StatusLine:
    """Fills `bar` with one label per field (objectName status_<field>) and a progress bar for
    loading files, and keeps them up to date from `model`."""

    def __init__(self, bar: QStatusBar, model):
        self.labels: dict[str, QLabel] = {}
        for key in FIELDS:
            label = QLabel()
            label.setObjectName(f"status_{key}")
            bar.addPermanentWidget(label)
            self.labels[key] = label
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        bar.addPermanentWidget(self.progress)
        model.events.snapshot.connect(self.show_snapshot)
        model.events.status.connect(self.show_status)
        model.events.rate.connect(self.show_rate)
        model.events.note.connect(self.show_note)
        self._bar = bar

    def show_status(self, text: str) -> None:
        self.labels["reason"].setText(text)

    def show_note(self, text: str) -> None:
        self._bar.showMessage(text, NOTE_MS)

    def show_snapshot(self, s) -> None:
        # counted as the course's print-outs count: J of Θ after that many iterations
        self.labels["iteration"].setText(f"iteration {s.theta_iteration}")
        # '#': trailing zeros kept, so ex4's J reads 0.383770 as the course's fprintf('%f') prints it
        self.labels["cost"].setText(f"J = {s.cost:#.6g}" + (
            f"  (validation {s.validation_cost:.6g})" if s.validation_cost is not None else ""))
        accuracy = f"accuracy {100 * s.train_accuracy:.1f}%"
        if s.validation_accuracy is not None:
            accuracy += f" / validation {100 * s.validation_accuracy:.1f}%"
        self.labels["accuracy"].setText(accuracy)

    def show_rate(self, rate: float | None) -> None:
        self.labels["rate"].setText("" if rate is None else f"{rate:,.0f} it/s")
