"""Render the three views offscreen to PNGs, fed by the real core, to look at them.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/render_views.py OUT_DIR

Writes OUT_DIR/views-cost.png (a spiral trained with momentum, with a validation
split), views-cost-no-validation.png, views-cost-stacked.png (J as its data term and its
λ term, stacked), views-decision-2-classes.png,
views-decision-3-classes.png and, when ../shared/data/ex4weights.mat is present,
views-weights-ex4.png (the course's trained Θ^(1), its 20×20 images column-major).
Not a test (pytest does not collect it): a view is done only when it reads well.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QPointF  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bp_desktop.core import Network, make_optimizer, one_hot  # noqa: E402
from bp_desktop.ui.cost_plot import CostPlot  # noqa: E402
from bp_desktop.ui.decision_view import DecisionBoundaryView  # noqa: E402
from bp_desktop.ui.weight_images import GAP, WeightImagesView  # noqa: E402

EX4_WEIGHTS = Path(__file__).resolve().parents[3] / "shared" / "data" / "ex4weights.mat"


def spiral(classes: int, per_class: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    t = np.linspace(0.3, 3.5, per_class)
    X = [np.column_stack([t * np.cos(t + c * 2 * np.pi / classes),
                          t * np.sin(t + c * 2 * np.pi / classes)]) for c in range(classes)]
    X = np.vstack(X) + 0.2 * rng.standard_normal((classes * per_class, 2))
    return X, np.repeat(np.arange(classes), per_class)


def targets(y: np.ndarray, classes: int) -> np.ndarray:
    return y[:, None].astype(float) if classes == 2 else one_hot(y, classes)


def train(X, y, classes, iterations, lam=0.0, validation=None, record=None):
    """Momentum gradient descent with the core; per-iteration values into `record`."""
    network = Network([2, 20, 1 if classes == 2 else classes], seed=0)
    optimizer = make_optimizer("momentum", alpha=0.05, momentum=0.9)
    Y = targets(y, classes)
    for i in range(1, iterations + 1):
        report = optimizer.step(network, X, Y, lam)
        if record is not None:
            row = [i, report.result.cost, report.result.data_cost, np.nan,
                   np.mean(network.predict(X) == y), np.nan]
            if validation is not None:
                Xv, yv = validation
                row[3] = network.cost(Xv, targets(yv, classes), lam)
                row[5] = np.mean(network.predict(Xv) == yv)
            record.append(row)
    return network


def render_cost(out: Path, with_validation: bool, stacked: bool = False) -> None:
    X, y = spiral(2, 150, seed=1)
    order = np.random.default_rng(2).permutation(len(X))
    train_rows, validation_rows = order[:220], order[220:]
    rows: list[list[float]] = []
    validation = (X[validation_rows], y[validation_rows]) if with_validation else None
    train(X[train_rows], y[train_rows], 2, 3000, lam=1.0, validation=validation, record=rows)
    plot = CostPlot()
    plot.resize(720, 460)
    table = np.array(rows)
    for chunk in np.array_split(table, 30):  # as the GUI pump delivers them
        plot.append(*chunk.T)
    plot.set_stacked(stacked)
    plot.show()
    plot.readout.setText(plot.readout_at(1200))
    plot.hover_lines[0].setPos(1200)
    plot.hover_lines[1].setPos(1200)
    for line in plot.hover_lines:
        line.setVisible(True)
    name = ("views-cost-stacked.png" if stacked else "views-cost.png" if with_validation
            else "views-cost-no-validation.png")
    plot.grab().save(str(out / name))


def render_decision(out: Path, classes: int) -> None:
    X, y = spiral(classes, 100, seed=1)
    network = train(X, y, classes, 3000)
    view = DecisionBoundaryView()
    view.resize(520, 460)
    view.set_data(X, y, [f"class {k}" for k in range(classes)])
    view.update_network(network)
    view.show()
    QApplication.processEvents()
    pos = view.graphics.mapFromScene(view.axes.vb.mapViewToScene(QPointF(0.5, 0.0)))
    QTest.mouseMove(view.graphics.viewport(), pos)  # the hover readout, as a user sees it
    view.grab().save(str(out / f"views-decision-{classes}-classes.png"))


def render_weights(out: Path) -> None:
    if not EX4_WEIGHTS.exists():
        print(f"skipped the weight images: {EX4_WEIGHTS} not found")
        return
    import scipy.io
    theta1 = scipy.io.loadmat(str(EX4_WEIGHTS))["Theta1"]
    view = WeightImagesView()
    view.resize(520, 540)
    view.set_image_shape((20, 20), order="F")  # MATLAB stores the digits column by column
    view.update_thetas(theta1)
    view.show()
    QApplication.processEvents()
    # Hover unit 7's tile (row 1, column 1 of the 5 × 5 grid), as a user would.
    tile_centre = QPointF(GAP + 1 * (20 + GAP) + 10, GAP + 1 * (20 + GAP) + 10)
    pos = view.graphics.mapFromScene(view.view.mapViewToScene(tile_centre))
    QTest.mouseMove(view.graphics.viewport(), pos)
    view.highlight_unit(6)  # as if unit a₇⁽²⁾ were selected on the canvas
    view.grab().save(str(out / "views-weights-ex4.png"))


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    render_cost(out, with_validation=True)
    render_cost(out, with_validation=False)
    render_cost(out, with_validation=True, stacked=True)
    render_decision(out, 2)
    render_decision(out, 3)
    render_weights(out)
    app.processEvents()


if __name__ == "__main__":
    main()
