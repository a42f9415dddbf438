"""How fast the views redraw: the cost plot up to 10^6 points, and one
decision-boundary and weight-image update.

The cost plot is measured three ways on the same widget and data:
  pyramid   what ships: min/max per bin from the incremental pyramid
            (decimation.py), then pyqtgraph's peak downsampling + clip-to-view
  pyqtgraph the raw series to pyqtgraph, with its peak downsampling + clip-to-view
  plain     the raw series to pyqtgraph, no downsampling, no clipping

A "frame" is what the trainer's GUI pump does 30-60 times a second: append the
new points (here 100) and repaint the widget (`grab()` forces a full paint,
offscreen). Times are medians of repeats; compare the rows with each other
(two noisy shared cores), not with another machine.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_cost_plot.py
"""
from __future__ import annotations

import os
import statistics
import time
from contextlib import nullcontext

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from bp_desktop.core import Network  # noqa: E402
from bp_desktop.ui.cost_plot import CostPlot  # noqa: E402
from bp_desktop.ui.decision_view import DecisionBoundaryView  # noqa: E402
from bp_desktop.ui.weight_images import WeightImagesView  # noqa: E402

SIZES = (10_000, 100_000, 1_000_000)
FRAME_POINTS = 100
REPEATS = 15
ROUNDS = 3


def synthetic_series(start: int, count: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A noisy, decaying cost like mini-batch training produces (noise is what peak
    downsampling has to keep)."""
    it = np.arange(start, start + count, dtype=float)
    cost = 0.3 + np.exp(-it / 2e5) + 0.02 * rng.standard_normal(count)
    return dict(iterations=it, cost=cost, data_cost=cost - 0.05, validation_cost=cost + 0.04,
                train_accuracy=np.full(count, 0.9), validation_accuracy=np.full(count, 0.85))


def median_ms(action, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        action()
        times.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(times)


def configure(plot: CostPlot, mode: str) -> None:
    plot.decimate = mode == "pyramid"
    downsample = mode != "plain"
    for curve in (plot.train_curve, plot.validation_curve, plot.regularisation_curve,
                  plot.train_accuracy_curve, plot.validation_accuracy_curve):
        curve.setDownsampling(auto=downsample, method="peak")
        curve.setClipToView(downsample)


MODES = ("pyramid", "pyqtgraph", "plain")


def bench_cost_plot(app: QApplication) -> None:
    rng = np.random.default_rng(0)
    plot = CostPlot()
    plot.resize(800, 500)
    plot.show()
    app.processEvents()
    filled = 0

    def frame() -> None:
        nonlocal filled
        plot.append(**synthetic_series(filled + 1, FRAME_POINTS, rng))
        filled += FRAME_POINTS
        plot.grab()

    for _ in range(5):  # warm-up: first paints build fonts and caches
        frame()
    print(f"cost plot 800×500, 5 curves; one frame = append {FRAME_POINTS} points + grab(); "
          f"ms, median of {ROUNDS} interleaved rounds of {REPEATS} frames")
    print(f"{'points':>10} " + " ".join(f"{m:>10}" for m in MODES))
    fill_seconds, fill_points = 0.0, 0
    for size in SIZES:
        t0 = time.perf_counter()
        while filled < size:  # fill in trainer-sized batches, without painting
            count = min(10_000, size - filled)
            plot.append(**synthetic_series(filled + 1, count, rng))
            filled += count
            fill_points += count
        fill_seconds += time.perf_counter() - t0
        at_start = plot.point_count()  # each measured frame adds FRAME_POINTS more
        samples: dict[str, list[float]] = {mode: [] for mode in MODES}
        for _ in range(ROUNDS):  # modes interleaved, so load changes hit all of them alike
            for mode in MODES:
                configure(plot, mode)
                samples[mode].append(median_ms(frame))
        times = [statistics.median(samples[mode]) for mode in MODES]
        configure(plot, "pyramid")
        print(f"{at_start:>10,} " + " ".join(f"{t:>10.1f}" for t in times))
    print(f"appending {fill_points:,} points in batches of up to 10,000 (one setData per "
          f"batch): {fill_seconds:.2f} s in all")

    # Zoomed in on the last 1% of the run: few raw points in view.
    last = plot.point_count()
    plot.cost_axes.setXRange(0.99 * last, last, padding=0)
    zoomed = median_ms(frame)
    print(f"zoomed on the last 1% at {last:,} points: {zoomed:.1f} ms per frame")
    plot.close()


def bench_decision_view(app: QApplication) -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(500, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    view = DecisionBoundaryView()
    view.resize(500, 450)
    view.show()
    view.set_data(X, y, ["class 0", "class 1"])
    app.processEvents()
    rows, columns = view._shape
    print(f"\ndecision view, {rows}×{columns} grid, ms, median of {REPEATS}")
    for sizes in ([2, 20, 1], [2, 20, 20, 3]):
        network = Network(sizes, seed=0)
        for threads in ("default", "1 BLAS thread"):
            with threadpool_limits(1, "blas") if threads != "default" else nullcontext():
                update = median_ms(lambda: view.update_network(network))
                forward = median_ms(lambda: network.forward(view.grid))
                painted = median_ms(lambda: (view.update_network(network), view.grab()))
            print(f"  {'-'.join(map(str, sizes)):>10} ({threads:>13}): update_network {update:5.2f} "
                  f"(of which forward {forward:5.2f}); update + grab() {painted:5.1f}")
    view.close()


def bench_weight_images(app: QApplication) -> None:
    view = WeightImagesView()
    view.resize(500, 500)
    view.show()
    app.processEvents()
    print(f"\nweight images, median of {REPEATS}")
    for units, shape in ((25, (20, 20)), (25, (8, 8)), (100, (28, 28))):
        theta1 = np.random.default_rng(2).normal(size=(units, shape[0] * shape[1] + 1))
        view.set_image_shape(shape)
        update = median_ms(lambda: view.update_thetas(theta1))
        painted = median_ms(lambda: (view.update_thetas(theta1), view.grab()))
        print(f"  {units} units of {shape[0]}×{shape[1]}: update_thetas {update:.2f} ms; "
              f"update + grab() {painted:.1f} ms")
    view.close()


def main() -> None:
    app = QApplication.instance() or QApplication([])
    bench_cost_plot(app)
    bench_decision_view(app)
    bench_weight_images(app)


if __name__ == "__main__":
    main()
