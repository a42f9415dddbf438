"""How long a key press in the Algorithm view takes, for the largest built-in and 400-25-10.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_algorithm.py [--repeats 3]

Opens the real main window (1600 × 1000, offscreen) with the Algorithm view shown, on
digits (64-25-10, m = 1438 training examples) and on a synthetic 400-25-10 set with
m = 5000 (random 20 × 20 "images", 10 classes). A key press is `QTest.keyClick` on the view
(the walk moves, the view redraws its slide, text and heatmaps; the model tells the canvas,
the inspector and the example box about the step and the example) plus painting the
Algorithm view and the canvas (`grab()`). Each key is timed over many presses at random
places in the loop, in random order; the table gives the median and the worst press. "The
Algorithm view alone" times the same presses on the view with no other view attached (the
canvas, the inspector and the example box follow the example in the window).
"Walk only" times the Qt-free part alone: the walk's move and the numbers one step shows
(its heatmaps and its worked text).

The slider's first jump to a far example builds the stored prefix sums (one matrix product
per 64 examples, once per Θ); later jumps, and every other key, need at most one block of
64 examples or one example's outer product.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import shiboken6  # noqa: E402
from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from bp_desktop.data import load_builtin  # noqa: E402
from bp_desktop.data.dataset import make_dataset  # noqa: E402
from bp_desktop.training.workspace import DataPreparation, NetworkSpec  # noqa: E402
from bp_desktop.ui.algorithm_view import AlgorithmView  # noqa: E402
from bp_desktop.ui.main_window import MainWindow  # noqa: E402
from bp_desktop.workbench import InlineEngine, Workbench  # noqa: E402
from bp_desktop.workbench.algorithm import AlgorithmWalk  # noqa: E402
from bp_desktop.workbench.worked import Focus, step_doc  # noqa: E402

KEYS = {"→ next line": Qt.Key.Key_Right, "← previous line": Qt.Key.Key_Left,
        "PgDn next example": Qt.Key.Key_PageDown, "PgUp previous example": Qt.Key.Key_PageUp,
        "End (D)": Qt.Key.Key_End, "Home": Qt.Key.Key_Home}
PRESSES = 40


def synthetic_400_25_10(m: int = 5000):
    rng = np.random.default_rng(0)
    X = rng.random((m, 400))
    y = rng.integers(0, 10, m)
    return make_dataset(X, y, class_names=[str(k) for k in range(10)],
                        feature_names=[f"pixel {k + 1}" for k in range(400)], source="synthetic",
                        name="synthetic 20×20", image_shape=(20, 20))


def open_window(app, dataset, hidden) -> MainWindow:
    window = MainWindow(QSettings(os.devnull, QSettings.Format.IniFormat))
    window.model.use_dataset(dataset, DataPreparation(validation=0.2 if dataset.m < 2000 else 0.0),
                             NetworkSpec(hidden=hidden))
    window.resize(1600, 1000)
    window.show()
    window.show_algorithm()
    app.processEvents()
    return window


def press(app, window, key) -> float:
    view = window.algorithm_view
    start = time.perf_counter()
    QTest.keyClick(view, key)
    view.grab()
    window.canvas.viewport().grab()
    app.processEvents()
    return time.perf_counter() - start


def random_place(walk, rng) -> None:
    """Somewhere in the loop (or after it), at a random line of a random example."""
    walk.go(rng.randrange(2, walk.count))


def bench_keys(app, window, rng) -> dict[str, list[float]]:
    walk = window.algorithm_view.walk
    times = {name: [] for name in KEYS}
    for _ in range(PRESSES):
        for name in rng.sample(list(KEYS), len(KEYS)):
            random_place(walk, rng)
            app.processEvents()
            times[name].append(press(app, window, KEYS[name]))
    return times


def bench_slider(app, window) -> tuple[float, float]:
    """(first jump to the last example, a later jump far away): the first builds the sums."""
    view = window.algorithm_view
    window.model.set_hyperparameters(lam=window.model.hyper.lam + 1e-3)  # a new Θ pass: sums forgotten
    view.walk.home()
    app.processEvents()
    times = []
    for t in (view.walk.m - 1, view.walk.m // 2 + 7):
        start = time.perf_counter()
        view.slider.setValue(t)
        view.grab()
        app.processEvents()
        times.append(time.perf_counter() - start)
    return times[0], times[1]


def bench_walk_only(window, rng) -> float:
    """Median seconds of the Qt-free part of a next-example press (move, heatmaps, text)."""
    walk, sizes = AlgorithmWalk(), window.model.workspace.layer_sizes
    walk.set_snapshot(window.model.snapshot)  # no model: nothing but the walk runs
    focus, times = Focus.of(None, sizes), []
    for _ in range(200):
        random_place(walk, rng)
        start = time.perf_counter()
        walk.next_example()
        walk.panels()
        step_doc(walk, focus)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_view_alone(app, dataset, hidden, rng) -> list[float]:
    """Seconds per key press (any key) of an Algorithm view with no other view attached: its
    own share of a press in the window."""
    model = Workbench(InlineEngine)
    model.use_dataset(dataset, DataPreparation(validation=0.2 if dataset.m < 2000 else 0.0),
                      NetworkSpec(hidden=hidden))
    view = AlgorithmView(model=model)
    view.resize(1600, 500)
    view.show()
    app.processEvents()
    times = []
    for _ in range(PRESSES):
        for key in rng.sample(list(KEYS.values()), len(KEYS)):
            random_place(view.walk, rng)
            app.processEvents()
            start = time.perf_counter()
            QTest.keyClick(view, key)
            view.grab()
            app.processEvents()
            times.append(time.perf_counter() - start)
    view.close()
    shiboken6.delete(view)
    return times


def report(label: str, times: list[float]) -> str:
    ms = [1000 * t for t in times]
    return f"| {label} | {statistics.median(ms):.1f} | {max(ms):.1f} |"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1, help="rounds of the whole measurement")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    threadpool_limits(1, "blas")  # as the app runs
    workloads = {"digits 64-25-10 (m = 1438)": (load_builtin("digits"), (25,)),
                 "400-25-10 (m = 5000)": (synthetic_400_25_10(), (25,))}
    for repeat in range(args.repeats):
        for label, (dataset, hidden) in workloads.items():
            rng = random.Random(repeat)
            window = open_window(app, dataset, hidden)
            assert window.algorithm_view.walk.m in (1438, 5000), window.algorithm_view.walk.m
            times = bench_keys(app, window, rng)
            first, later = bench_slider(app, window)
            walk_only = bench_walk_only(window, rng)
            print(f"\n{label}, round {repeat + 1}: ms per key press ({PRESSES} presses each)")
            print("| key | median | worst |\n|---|---|---|")
            for name, values in times.items():
                print(report(name, values))
            everything = [t for values in times.values() for t in values]
            print(report("**any key**", everything))
            print(f"| slider: first jump to t = m − 1 (builds the sums) | {1000 * first:.1f} | |")
            print(f"| slider: a later jump | {1000 * later:.1f} | |")
            print(report("the Algorithm view alone, any key", bench_view_alone(app, dataset, hidden, rng)))
            print(f"walk only (Qt-free move + numbers of a step): median {1000 * walk_only:.2f} ms")
            window.shutdown()
            shiboken6.delete(window)
            app.processEvents()


if __name__ == "__main__":
    main()
