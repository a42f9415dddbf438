"""Training throughput in the real main window, with either engine, against the bare core loop.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_window.py [--seconds 2.5] [--repeats 3]

bench_trainer.py measures the engine with a light stand-in for the views; this one opens the
whole window (canvas, inspector, cost plot, decision boundary or weight images, status bar)
at 1400 × 900, offscreen, trains for a few seconds and counts iterations. Modes, interleaved
within each repeat:

  core      the bare core loop: optimizer.step() in a Python loop, one BLAS thread, no
            history rows, no stop criteria (the issue's yardstick)
  worker    the worker process alone (training/worker.py), its reports read and dropped: what
            the process engine can reach without a window (per-iteration statistics included)
  thread    the window with TrainerController (iterations in a thread of the GUI process)
  process   the window with ProcessTrainer (iterations in a worker process)

For the two window modes also: the GUI thread's CPU share (thread_time / wall) and the
GUI event loop's worst gap (between the ticks of a 10 ms QTimer, while training). Then the
process engine's start-up: the time from Train to the first history row in the window,
clicked at once after the window opened (the worker still starting) and clicked at rest.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import shiboken6  # noqa: E402
from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from bp_desktop.core import make_optimizer  # noqa: E402
from bp_desktop.data import load_builtin  # noqa: E402
from bp_desktop.data.dataset import make_dataset  # noqa: E402
from bp_desktop.training.worker import RunState, WorkerClient  # noqa: E402
from bp_desktop.ui.main_window import MainWindow  # noqa: E402

ENGINES = ("thread", "process")
ROOT = Path(__file__).resolve().parents[2]


def digit_images(m: int = 6250, seed: int = 0):
    """400-pixel 'images' of 10 classes shaped like the course's ex4data1 (20 × 20); with the
    window's default 20 % validation split, m = 5000 train."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, m)
    centres = rng.normal(size=(10, 400))
    X = centres[y] + rng.normal(scale=2.0, size=(m, 400))
    return make_dataset(X, y, class_names=[str(k) for k in range(10)],
                        feature_names=[f"pixel {j + 1}" for j in range(400)], source="bench:images",
                        name="images 20×20", image_shape=(20, 20))


WORKLOADS = {
    "spiral 2-8-8-1 (m = 160)": (lambda: load_builtin("spiral"), "8, 8"),
    "digits 64-25-10 (m = 1438)": (lambda: load_builtin("digits"), "25"),
    "images 400-25-10 (m = 5000)": (digit_images, "25"),
}


def open_window(engine: str, dataset, hidden: str) -> MainWindow:
    os.environ["BP_DESKTOP_ENGINE"] = engine
    window = MainWindow(QSettings(os.devnull, QSettings.Format.IniFormat))
    window.controls.hidden.setText(hidden)
    assert window.set_dataset(dataset)
    window.resize(1400, 900)
    return window


def bench_core(window: MainWindow, seconds: float) -> float:
    ws = window.workspace
    net, opt = ws.new_network(), make_optimizer("gd", alpha=1.0, track_cost_after=False)
    with threadpool_limits(limits=1, user_api="blas"):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            opt.step(net, ws.X_train, ws.Y_train, 0.0)
            n += 1
        return n / (time.perf_counter() - start)


def bench_worker(window: MainWindow, seconds: float) -> float:
    """The worker process training the window's run, with nobody drawing."""
    client = WorkerClient()
    try:
        window.controller.run.reset()
        client.send("install", 1, RunState.of(window.controller.run))
        client.settle(60)
        client.send("start")
        deadline = time.perf_counter() + seconds
        first = last = None
        while time.perf_counter() < deadline or first is None:
            if client.poll(1.0):
                report = client.receive()
                if report.rows is not None:
                    now = time.perf_counter()
                    first = first or (now, report.rows[0, 0] - 1)
                    last = (now, report.rows[-1, 0])
        return (last[1] - first[1]) / (last[0] - first[0])
    finally:
        client.close(1.0)


class GapProbe:
    """The longest wait between the ticks of a 10 ms timer: how long the event loop was busy."""

    def __init__(self):
        self.timer = QTimer(interval=10, timeout=self._tick)
        self.worst, self._last = 0.0, None

    def start(self):
        self.worst, self._last = 0.0, time.perf_counter()
        self.timer.start()

    def stop(self):
        self.timer.stop()

    def _tick(self):
        now = time.perf_counter()
        self.worst = max(self.worst, now - self._last)
        self._last = now


def bench_window(window: MainWindow, seconds: float, probe: GapProbe) -> tuple[float, float, float]:
    """(iterations per second, GUI thread CPU share, worst event-loop gap in ms)."""
    window.show()
    window.reset()
    QApplication.processEvents()
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    start, cpu = time.perf_counter(), time.thread_time()
    window.toggle_training()
    probe.start()
    loop.exec()
    probe.stop()
    elapsed, cpu = time.perf_counter() - start, time.thread_time() - cpu
    window.pause()
    window.controller.wait_until_idle(5000)
    rate = window.controller.run.iteration / elapsed
    window.hide()
    return rate, cpu / elapsed, 1000 * probe.worst


def first_row_after_train(window: MainWindow) -> float:
    """Seconds from Train to the first history row in the window."""
    loop, arrived = QEventLoop(), []

    def on_rows(_chunk):
        if not arrived:
            arrived.append(time.perf_counter())
            loop.quit()

    window.controller.history_appended.connect(on_rows)
    QTimer.singleShot(30_000, loop.quit)
    start = time.perf_counter()
    window.toggle_training()
    loop.exec()
    window.pause()
    window.controller.wait_until_idle(5000)
    window.controller.history_appended.disconnect(on_rows)
    return arrived[0] - start


def measure_startup(repeats: int) -> None:
    """Train clicked as soon as the window has its run (the worker still starting), and
    clicked again at rest: prints the seconds to the first history row, as JSON."""
    QApplication.instance() or QApplication(sys.argv[:1])
    threadpool_limits(1, "blas")
    cold, warm = [], []
    for _ in range(repeats):
        window = open_window("process", load_builtin("spiral"), "8, 8")
        window.show()
        cold.append(first_row_after_train(window))
        window.reset()
        warm.append(first_row_after_train(window))
        window.shutdown()
        shiboken6.delete(window)
    print(json.dumps({"cold": cold, "warm": warm}))


def bench_startup(repeats: int) -> tuple[list[float], list[float]]:
    """measure_startup in a fresh `python -c` process. 'spawn' imports the parent's main
    module again in the worker: the app's (bp_desktop.__main__, the bp-desktop script) are a
    few lines, this script imports Qt, which would add its import time to the start-up."""
    code = f"from tests.benchmarks.bench_window import measure_startup; measure_startup({repeats})"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            check=True)
    times = json.loads(result.stdout.strip().splitlines()[-1])
    return times["cold"], times["warm"]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841 - keeps Qt alive
    threadpool_limits(1, "blas")  # as the app runs
    probe = GapProbe()
    print(f"{args.seconds:g} s per measurement, median of {args.repeats} interleaved repeats\n")
    print("| workload | core it/s | worker alone it/s | thread engine it/s | process engine it/s "
          "| thread / core | process / core | process / worker alone | GUI CPU thread / process "
          "| worst GUI gap thread / process |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, (make_data, hidden) in WORKLOADS.items():
        dataset = make_data()
        windows = {engine: open_window(engine, dataset, hidden) for engine in ENGINES}
        results: dict[str, list[float]] = {}
        for _ in range(args.repeats):
            core = bench_core(windows["thread"], args.seconds)
            measured = {"core": core, "worker": bench_worker(windows["process"], args.seconds)}
            for engine, window in windows.items():
                rate, cpu, gap = bench_window(window, args.seconds, probe)
                measured.update({engine: rate, f"{engine} cpu": cpu, f"{engine} gap": gap,
                                 f"{engine} ratio": rate / core})
            measured["process / worker"] = measured["process"] / measured["worker"]
            for key, value in measured.items():
                results.setdefault(key, []).append(value)
        med = {key: statistics.median(values) for key, values in results.items()}
        print(f"| {name} | {med['core']:.0f} | {med['worker']:.0f} | {med['thread']:.0f} | "
              f"{med['process']:.0f} | {med['thread ratio']:.2f} | **{med['process ratio']:.2f}** | "
              f"{med['process / worker']:.2f} | {100 * med['thread cpu']:.0f} % / "
              f"{100 * med['process cpu']:.0f} % | {med['thread gap']:.0f} / {med['process gap']:.0f} ms |",
              flush=True)
        for window in windows.values():
            window.shutdown()
            shiboken6.delete(window)
    cold, warm = bench_startup(args.repeats)
    print(f"\nprocess engine, Train to the first row in the window: clicked as the window opens "
          f"{1000 * statistics.median(cold):.0f} ms (max {1000 * max(cold):.0f}), at rest "
          f"{1000 * statistics.median(warm):.0f} ms (max {1000 * max(warm):.0f})")


if __name__ == "__main__":
    main()
