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

For the two window modes also: the GUI thread's CPU share (thread_time / wall), the GUI
event loop's worst gap (between the ticks of a 10 ms QTimer, while training; in wall time
and in the GUI thread's CPU time), and for the process engine the snapshots per second and
what one costs the GUI thread. Then the process engine's start-up: the time from Train to
the first history row in the window, clicked before the window is drawn (the worker still
starting), once it is shown, and at rest.
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
    assert window.commands.set_dataset(dataset)
    window.resize(1400, 900)
    return window


def bench_core(window: MainWindow, seconds: float) -> tuple[float, float]:
    """(iterations per second, iterations per CPU second) of the bare core loop."""
    ws = window.model.workspace
    net, opt = ws.new_network(), make_optimizer("gd", alpha=1.0, track_cost_after=False)
    with threadpool_limits(limits=1, user_api="blas"):
        n, start, cpu = 0, time.perf_counter(), time.thread_time()
        while time.perf_counter() - start < seconds:
            opt.step(net, ws.X_train, ws.Y_train, 0.0)
            n += 1
        return n / (time.perf_counter() - start), n / (time.thread_time() - cpu)


def bench_worker(window: MainWindow, seconds: float) -> tuple[float, float]:
    """The worker process training the window's run, with nobody drawing: (iterations per
    second, the worker's CPU share)."""
    client = WorkerClient()
    try:
        window.model.engine.run.reset()
        client.send("install", 1, RunState.of(window.model.engine.run))
        client.settle(60)
        client.send("start")
        deadline = time.perf_counter() + seconds
        cpu = process_cpu(client.process.pid)
        first = last = None
        while time.perf_counter() < deadline or first is None:
            if client.poll(1.0):
                report = client.receive()
                if report.rows is not None:
                    now = time.perf_counter()
                    first = first or (now, report.rows[0, 0] - 1)
                    last = (now, report.rows[-1, 0])
        cpu = process_cpu(client.process.pid) - cpu
        return (last[1] - first[1]) / (last[0] - first[0]), cpu / (time.perf_counter() - deadline + seconds)
    finally:
        client.close(1.0)


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (Linux: /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class GapProbe:
    """The longest wait between the ticks of a 10 ms timer: how long the event loop did not
    turn. `worst` in wall time; `worst_cpu` in the GUI thread's CPU time, which leaves out
    the time the host's other jobs took the core (on a busy host the wall gaps grow with
    the load, the CPU gaps are the window's own work)."""

    def __init__(self):
        self.timer = QTimer(interval=10, timeout=self._tick)
        self.worst = self.worst_cpu = 0.0
        self._last = self._last_cpu = 0.0

    def start(self):
        self.worst = self.worst_cpu = 0.0
        self._last, self._last_cpu = time.perf_counter(), time.thread_time()
        self.timer.start()

    def stop(self):
        self.timer.stop()

    def _tick(self):
        now, cpu = time.perf_counter(), time.thread_time()
        self.worst = max(self.worst, now - self._last)
        self.worst_cpu = max(self.worst_cpu, cpu - self._last_cpu)
        self._last, self._last_cpu = now, cpu


def bench_window(window: MainWindow, seconds: float, probe: GapProbe) -> dict[str, float]:
    """Iterations per second, the GUI thread's CPU share, the worst event-loop gaps (ms, wall
    and CPU) and snapshots per second."""
    window.show()
    window.reset()
    QApplication.processEvents()
    snapshots = []
    window.model.engine.snapshot_ready.connect(snapshots.append)
    client = getattr(window.model.engine, "_client", None)  # the process engine's worker
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    start, cpu = time.perf_counter(), time.thread_time()
    worker_cpu = process_cpu(client.process.pid) if client else 0.0
    window.model.toggle_training()
    probe.start()
    loop.exec()
    probe.stop()
    elapsed, cpu = time.perf_counter() - start, time.thread_time() - cpu
    worker_cpu = process_cpu(client.process.pid) - worker_cpu if client else 0.0
    window.model.pause()
    window.model.engine.wait_until_idle(5000)
    window.model.engine.snapshot_ready.disconnect(snapshots.append)
    rate = window.model.engine.run.iteration / elapsed
    window.hide()
    return {"rate": rate, "cpu": cpu / elapsed, "gap": 1000 * probe.worst,
            "cpu gap": 1000 * probe.worst_cpu, "snapshots": len(snapshots) / elapsed,
            "worker cpu": worker_cpu / elapsed}


def first_row_after_train(window: MainWindow) -> float:
    """Seconds from Train to the first history row in the window."""
    loop, arrived = QEventLoop(), []

    def on_rows(_chunk):
        if not arrived:
            arrived.append(time.perf_counter())
            loop.quit()

    window.model.engine.history_appended.connect(on_rows)
    QTimer.singleShot(30_000, loop.quit)
    start = time.perf_counter()
    window.model.toggle_training()
    loop.exec()
    window.model.pause()
    window.model.engine.wait_until_idle(5000)
    window.model.engine.history_appended.disconnect(on_rows)
    return arrived[0] - start


def measure_startup(repeats: int) -> None:
    """Train clicked as soon as the window has its run (the worker still starting), and
    clicked again at rest: prints the seconds to the first history row, as JSON."""
    QApplication.instance() or QApplication(sys.argv[:1])
    threadpool_limits(1, "blas")
    times = {"unseen": [], "shown": [], "rest": []}
    for _ in range(repeats):
        for when in ("unseen", "shown"):
            window = open_window("process", load_builtin("spiral"), "8, 8")
            if when == "shown":  # a person can click Train only once the window is there
                window.show()
                QApplication.processEvents()
            times[when].append(first_row_after_train(window))
            window.reset()
            times["rest"].append(first_row_after_train(window))
            window.shutdown()
            shiboken6.delete(window)
    print(json.dumps(times))


def bench_startup(repeats: int) -> dict[str, list[float]]:
    """measure_startup in a fresh `python -c` process. 'spawn' imports the parent's main
    module again in the worker: the app's (bp_desktop.__main__, the bp-desktop script) are a
    few lines, this script imports Qt, which would add its import time to the start-up."""
    code = f"from tests.benchmarks.bench_window import measure_startup; measure_startup({repeats})"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841 - keeps Qt alive
    threadpool_limits(1, "blas")  # as the app runs
    probe = GapProbe()
    print(f"{args.seconds:g} s per measurement, median of {args.repeats} interleaved repeats\n")
    rows = {}
    for name, (make_data, hidden) in WORKLOADS.items():
        dataset = make_data()
        windows = {engine: open_window(engine, dataset, hidden) for engine in ENGINES}
        results: dict[str, list[float]] = {}
        for _ in range(args.repeats):
            core, core_per_cpu = bench_core(windows["thread"], args.seconds)
            worker, worker_cpu = bench_worker(windows["process"], args.seconds)
            measured = {"core": core, "worker": worker, "worker cpu": worker_cpu,
                        "floor": worker / worker_cpu / core_per_cpu}
            for engine, window in windows.items():
                for key, value in bench_window(window, args.seconds, probe).items():
                    measured[f"{engine} {key}"] = value
            measured["snapshot cost"] = 1000 * windows["process"].controller._snapshot_cost
            measured["process / worker"] = measured["process rate"] / worker
            # per CPU second of the worker: what the window costs training, host load left out
            measured["process / worker per cpu"] = (measured["process rate"] / measured["process worker cpu"]
                                                    / (worker / worker_cpu))
            for key, value in measured.items():
                results.setdefault(key, []).append(value)
        rows[name] = {key: statistics.median(values) for key, values in results.items()}
        print(f"measured {name}", file=sys.stderr, flush=True)
        for window in windows.values():
            window.shutdown()
            shiboken6.delete(window)

    print("Throughput (wall clock; in brackets ÷ the core loop):\n")
    print("| workload | core loop it/s | worker alone it/s | window, thread engine it/s "
          "| window, process engine it/s |")
    print("|---|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['core']:.0f} | {r['worker']:.0f} ({r['worker'] / r['core']:.2f}) "
              f"| {r['thread rate']:.0f} ({r['thread rate'] / r['core']:.2f}) "
              f"| {r['process rate']:.0f} (**{r['process rate'] / r['core']:.2f}**) |")
    print("\nWhere the time goes:\n")
    print("| workload | floor: worker alone ÷ core, per CPU second | process window ÷ worker alone, "
          "wall / per worker CPU second | worker's CPU share alone / in the window "
          "| GUI thread CPU, thread / process engine | worst event-loop gap, thread / process: wall "
          "| same, GUI thread CPU | process engine snapshots/s (cost each) |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['floor']:.2f} | {r['process / worker']:.2f} / "
              f"{r['process / worker per cpu']:.2f} | {100 * r['worker cpu']:.0f} % / "
              f"{100 * r['process worker cpu']:.0f} % | {100 * r['thread cpu']:.0f} % / "
              f"{100 * r['process cpu']:.0f} % | {r['thread gap']:.0f} / {r['process gap']:.0f} ms "
              f"| {r['thread cpu gap']:.0f} / {r['process cpu gap']:.0f} ms "
              f"| {r['process snapshots']:.0f} ({r['snapshot cost']:.1f} ms) |")
    startup = bench_startup(args.repeats)
    print("\nprocess engine, Train to the first history row in the window (spiral), median (max): "
          + ", ".join(f"{what} {1000 * statistics.median(times):.0f} ms ({1000 * max(times):.0f})"
                      for what, times in (("clicked before the window is drawn", startup["unseen"]),
                                          ("clicked once it is shown", startup["shown"]),
                                          ("clicked at rest", startup["rest"]))))


if __name__ == "__main__":
    main()
