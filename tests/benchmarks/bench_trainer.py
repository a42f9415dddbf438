"""Training throughput with and without the GUI attached, and GUI responsiveness.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_trainer.py [--seconds 3] [--repeats 3]

Modes, interleaved within each repeat so that host noise hits them alike
(two shared cores: compare ratios from one run, medians of the repeats):
  core      the bare core loop: optimizer.step() in a Python loop, one BLAS thread
  engine    run_training on a thread (snapshots, history rows, mailbox), nobody draining
  gui       TrainerController: loop thread + 30 Hz pump + a consumer view of every
            snapshot and every history chunk (computes what a canvas and a cost
            plot need from them; no pixels)
  gui+paint as gui, and the view also holds the GIL 4 ms per frame (a paint stand-in)
Then the CPU time per iteration of core, floor (core step + the history row alone) and engine
(thread_time: robust to a busy host), and,
in separate 'gui' runs on 400-25-10, the gaps between the ticks of a 10 ms QTimer probe.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QObject, QTimer, Slot  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from bp_desktop.core import Network, make_optimizer, one_hot  # noqa: E402
from bp_desktop.training import Hyperparameters, Mailbox, RunControl, TrainingRun, run_training  # noqa: E402
from bp_desktop.training.records import IterationRecord  # noqa: E402
from bp_desktop.ui.trainer import TrainerController  # noqa: E402

WORKLOADS = {"400-25-10 (m = 5000)": ((400, 25, 10), 5000), "2-8-8-1 (m = 500)": ((2, 8, 8, 1), 500)}


def problem(sizes, m, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, sizes[0]))
    if sizes[-1] == 1:
        return X, (X[:, :1] * X[:, 1:2] > 0).astype(float)
    return X, one_hot(rng.integers(0, sizes[-1], m), sizes[-1])


def new_run(sizes, m):
    X, Y = problem(sizes, m)
    return TrainingRun(Network(sizes, seed=0), X, Y, hyper=Hyperparameters(alpha=0.5))


def bench_core(sizes, m, seconds):
    X, Y = problem(sizes, m)
    net, opt = Network(sizes, seed=0), make_optimizer("gd", alpha=0.5, track_cost_after=False)
    with threadpool_limits(limits=1, user_api="blas"):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            opt.step(net, X, Y, 0.0)
            n += 1
        return n / (time.perf_counter() - start)


def bench_engine(sizes, m, seconds):
    run, control, mailbox = new_run(sizes, m), RunControl(), Mailbox()
    thread = threading.Thread(target=run_training, args=(run, control, mailbox))
    thread.start()
    control.wait_until_idle()
    start = time.perf_counter()
    control.resume()
    threading.Event().wait(seconds)
    done, elapsed = run.iteration, time.perf_counter() - start
    control.stop()
    thread.join()
    return done / elapsed


class ConsumerView(QObject):
    """Stands in for the canvas and the cost plot: uses every snapshot and chunk it gets."""

    def __init__(self, controller, paint_ms=0.0):
        super().__init__()
        self.paint_ms = paint_ms
        self.frames, self.points = 0, 0
        self.costs: list[np.ndarray] = []
        controller.snapshot_ready.connect(self.on_snapshot)
        controller.history_appended.connect(self.on_chunk)

    @Slot(object)
    def on_snapshot(self, snapshot):
        self.frames += 1
        unit_colours = [np.clip(a.mean(axis=1), 0, 1) for a in snapshot.a_columns[1:]]
        edge_widths = [np.abs(t) / (np.abs(t).max() + 1e-12) for t in snapshot.thetas]
        _ = unit_colours, edge_widths
        if self.paint_ms:
            until = time.perf_counter() + self.paint_ms / 1000
            while time.perf_counter() < until:  # holds the GIL, like Python-side painting
                pass

    @Slot(object)
    def on_chunk(self, chunk):
        self.costs.append(chunk.cost)
        self.points += len(chunk)


class Probe(QObject):
    def __init__(self, interval_ms=10):
        super().__init__()
        self.gaps: list[float] = []
        self._last = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)

    @Slot()
    def tick(self):
        now = time.perf_counter()
        if self._last is not None:
            self.gaps.append((now - self._last) * 1000)
        self._last = now


def bench_gui(sizes, m, seconds, paint_ms=0.0, probe=None):
    run = new_run(sizes, m)
    controller = TrainerController(run, fps=30)
    view = ConsumerView(controller, paint_ms)
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    if probe is not None:
        probe.timer.start()
    start = time.perf_counter()
    controller.start()
    loop.exec()
    done, elapsed = run.iteration, time.perf_counter() - start
    if probe is not None:
        probe.timer.stop()
    assert controller.shutdown(2000)
    frames_per_s = view.frames / elapsed
    controller.deleteLater()
    return done / elapsed, frames_per_s


def cpu_per_iteration(sizes, m, iterations):
    """CPU seconds per iteration in the calling thread: the core step; the floor (the core
    step plus only the history row every iteration must record, with nothing else of the
    loop); and the engine's loop. thread_time ignores time spent waiting for a core, so a
    busy host hardly moves it."""
    X, Y = problem(sizes, m)
    net, opt = Network(sizes, seed=0), make_optimizer("gd", alpha=0.5, track_cost_after=False)
    start = time.thread_time()  # all timings include entering threadpool_limits (milliseconds)
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in range(iterations):
            opt.step(net, X, Y, 0.0)
    core = (time.thread_time() - start) / iterations
    run, opt = new_run(sizes, m), make_optimizer("gd", alpha=0.5, track_cost_after=False)
    row = run._row_views(np.empty(run.history.layout.ncols))
    start = time.thread_time()
    with threadpool_limits(limits=1, user_api="blas"):
        for k in range(iterations):
            report = opt.step(run.network, run.X, run.Y, 0.0)
            record = IterationRecord(run, k, run.network.params, report.result,
                                     report.gradient_norm, (None, None), 0.0)
            run._fill_row(record, row)
    floor = (time.thread_time() - start) / iterations
    run, control = new_run(sizes, m), RunControl()
    control.resume()
    start = time.thread_time()
    run_training(run, control, Mailbox(), should_abort=lambda: run.iteration >= iterations)
    return core, floor, (time.thread_time() - start) / iterations


def percentile(values, q):
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each measurement")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repeats (medians reported)")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv)
    _ = app
    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs, {args.seconds:g} s per measurement, "
          f"median of {args.repeats}\n")
    print("| workload | core it/s | engine it/s | gui it/s | gui+paint it/s | gui / core | gui / engine "
          "| gui+paint / core | frames/s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, (sizes, m) in WORKLOADS.items():
        results = {"core": [], "engine": [], "gui": [], "paint": [], "fps": []}
        for _ in range(args.repeats):
            results["core"].append(bench_core(sizes, m, args.seconds))
            results["engine"].append(bench_engine(sizes, m, args.seconds))
            rate, fps = bench_gui(sizes, m, args.seconds)
            results["gui"].append(rate)
            results["fps"].append(fps)
            results["paint"].append(bench_gui(sizes, m, args.seconds, paint_ms=4.0)[0])
        med = {key: statistics.median(values) for key, values in results.items()}

        def ratio(a, b):
            return statistics.median(x / y for x, y in zip(results[a], results[b]))

        print(f"| {name} | {med['core']:.0f} | {med['engine']:.0f} | {med['gui']:.0f} | "
              f"{med['paint']:.0f} | {ratio('gui', 'core'):.2f} | {ratio('gui', 'engine'):.2f} | "
              f"{ratio('paint', 'core'):.2f} | {med['fps']:.1f} |", flush=True)
    print("\nCPU time per iteration in the training thread (median of the repeats); floor = the "
          "core step plus only each iteration's history row:\n")
    print("| workload | core µs/it | floor µs/it | engine µs/it | core / floor | core / engine |")
    print("|---|---|---|---|---|---|")
    for name, (sizes, m) in WORKLOADS.items():
        iterations = 100 if sizes[0] == 400 else 5000
        times = [cpu_per_iteration(sizes, m, iterations) for _ in range(args.repeats)]
        core, floor, engine = (statistics.median(t[i] for t in times) for i in range(3))
        to_floor = statistics.median(c / f for c, f, _ in times)
        to_engine = statistics.median(c / e for c, _, e in times)
        print(f"| {name} | {core * 1e6:.0f} | {floor * 1e6:.0f} | {engine * 1e6:.0f} | "
              f"{to_floor:.2f} | {to_engine:.2f} |", flush=True)
    gaps: list[float] = []
    for _ in range(args.repeats):  # a separate run: the probe's own wake-ups are not in the table
        probe = Probe()
        bench_gui(*WORKLOADS["400-25-10 (m = 5000)"], args.seconds, probe=probe)
        gaps += probe.gaps
    print(f"\nGUI responsiveness during full-speed 400-25-10 training (10 ms QTimer probe, "
          f"{len(gaps)} gaps): p50 {percentile(gaps, 50):.1f} ms, p99 {percentile(gaps, 99):.1f} ms, "
          f"max {max(gaps):.1f} ms")

if __name__ == "__main__":
    main()
