"""Canvas redraw speed for the course's 400-25-10 network (m = 5000), idle and while training.

    .venv/bin/python tests/benchmarks/bench_canvas.py

A frame is what the window does per pump tick: NetworkCanvas.show_snapshot (restyle
edges and units) plus painting the viewport (grab()). Reports the median and p90 frame
time over the frames and the frame rate that allows; offscreen platform, 1200×800 view.
"""
from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bp_desktop.core import Network, one_hot  # noqa: E402
from bp_desktop.training import Hyperparameters, TrainingRun  # noqa: E402
from bp_desktop.ui.canvas.view import NetworkCanvas  # noqa: E402
from bp_desktop.ui.trainer import TrainerController  # noqa: E402

FRAMES = 60


def frame_times(app, canvas, snapshots, edges_per_unit):
    canvas.set_edges_per_unit(edges_per_unit)
    times = []
    for k in range(FRAMES):
        start = time.perf_counter()
        canvas.show_snapshot(snapshots[k % len(snapshots)])
        canvas.viewport().grab()
        app.processEvents()
        times.append(time.perf_counter() - start)
    return times


def report(label, times):
    ms = sorted(1000 * t for t in times)
    median, p90 = statistics.median(ms), ms[int(0.9 * len(ms))]
    print(f"{label:<46} median {median:6.1f} ms  p90 {p90:6.1f} ms  -> {1000 / median:5.0f} fps")


def main():
    app = QApplication([])
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5000, 400))
    Y = one_hot(rng.integers(0, 10, 5000), 10)
    run = TrainingRun(Network([400, 25, 10], seed=0), X, Y, hyper=Hyperparameters(alpha=1.0))
    snapshots = [run.step() for _ in range(4)]
    canvas = NetworkCanvas()
    canvas.resize(1200, 800)
    canvas.set_architecture([400, 25, 10], image_shape=(20, 20))
    canvas.show()
    canvas.select_unit(1, 3)
    print("400-25-10, m = 5000, 20×20 input grid")
    report("idle, strongest 8 edges per unit", frame_times(app, canvas, snapshots, 8))
    report("idle, all 10,285 edges", frame_times(app, canvas, snapshots, None))
    controller = TrainerController(run)
    controller.start()  # the realistic case: the trainer thread busy on the other core
    try:
        report("training, strongest 8 edges per unit", frame_times(app, canvas, snapshots, 8))
        report("training, all 10,285 edges", frame_times(app, canvas, snapshots, None))
    finally:
        controller.shutdown(2000)


if __name__ == "__main__":
    main()
