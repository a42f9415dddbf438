"""Training throughput in the real main window against the bare core loop.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_window.py [--seconds 2.5] [--repeats 3]

bench_trainer.py measures the engine with a light stand-in for the views; this one opens the
whole window (canvas, inspector, cost plot, decision boundary or weight images, status bar)
at 1400 × 900, offscreen, trains for a few seconds and counts iterations. Modes, interleaved
within each repeat: the bare core loop (optimizer.step, one BLAS thread), the window, and the
window with its cost-plot dock closed. Also the GUI thread's CPU share (thread_time / wall):
the views run in the GUI thread and hold the GIL while they do, which is what slows small
networks.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shiboken6  # noqa: E402
from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from bp_desktop.core import make_optimizer  # noqa: E402
from bp_desktop.ui.main_window import MainWindow  # noqa: E402

WORKLOADS = {"spiral 2-8-8-1 (m = 160)": ("spiral", "8, 8"), "digits 64-25-10 (m = 1438)": ("digits", "25")}


def bench_core(window: MainWindow, seconds: float) -> float:
    ws = window.model.workspace
    net, opt = ws.new_network(), make_optimizer("gd", alpha=1.0, track_cost_after=False)
    with threadpool_limits(limits=1, user_api="blas"):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            opt.step(net, ws.X_train, ws.Y_train, 0.0)
            n += 1
        return n / (time.perf_counter() - start)


def bench_window(window: MainWindow, seconds: float) -> tuple[float, float]:
    """(iterations per second, GUI thread CPU share) over `seconds` of training."""
    window.reset()
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    start, cpu = time.perf_counter(), time.thread_time()
    window.model.toggle_training()
    loop.exec()
    elapsed, cpu = time.perf_counter() - start, time.thread_time() - cpu
    window.model.pause()
    window.model.engine.wait_until_idle(2000)
    return window.model.engine.run.iteration / elapsed, cpu / elapsed


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    threadpool_limits(1, "blas")  # as the app runs
    print(f"{args.seconds:g} s per measurement, median of {args.repeats} interleaved repeats\n")
    print("| workload | core it/s | window it/s | window / core | GUI CPU | window, no cost plot it/s "
          "| GUI CPU |")
    print("|---|---|---|---|---|---|---|")
    for name, (dataset, hidden) in WORKLOADS.items():
        window = MainWindow(QSettings(os.devnull, QSettings.Format.IniFormat))
        window.controls.hidden.setText(hidden)
        assert window.commands.load_builtin(dataset)
        window.resize(1400, 900)
        window.show()
        results = {"core": [], "window": [], "cpu": [], "bare": [], "bare cpu": [], "ratio": []}
        for _ in range(args.repeats):
            core = bench_core(window, args.seconds)
            window.docks["cost"].show()
            rate, cpu = bench_window(window, args.seconds)
            window.docks["cost"].hide()
            bare, bare_cpu = bench_window(window, args.seconds)
            for key, value in (("core", core), ("window", rate), ("cpu", cpu), ("bare", bare),
                               ("bare cpu", bare_cpu), ("ratio", rate / core)):
                results[key].append(value)
        med = {key: statistics.median(values) for key, values in results.items()}
        print(f"| {name} | {med['core']:.0f} | {med['window']:.0f} | {med['ratio']:.2f} | "
              f"{100 * med['cpu']:.0f} % | {med['bare']:.0f} | {100 * med['bare cpu']:.0f} % |", flush=True)
        window.shutdown()
        shiboken6.delete(window)


if __name__ == "__main__":
    main()
