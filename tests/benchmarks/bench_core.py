"""Benchmark: one full-batch `Network.backprop` (the core) against
- a plain vectorised numpy implementation of the same maths, in the core's layout: the
  yardstick for the core's per-call overhead (target: core ≤ 1.2× plain);
- optionally the core as it was at an earlier git revision (--baseline REV), imported from
  a temporary copy, so that before and after are measured in one run;
- the matmul ceiling: the same GEMMs alone, in the core's layout;
- the same maths ported to one example per row (numpy, rows layout);
- the lecture's per-example loop (tests/core/reference.py);
- PyTorch CPU float64 with a hand-written backward, in rows and in columns layout
  (only when torch is importable: it is never a project dependency).

Run from the project root:  python tests/benchmarks/bench_core.py   (or `make bench`)

The machine has two shared, noisy cores, so:
- every contender runs single-threaded (numpy's BLAS via threadpoolctl, torch via
  torch.set_num_threads(1)): a fair single-core comparison;
- repeats are interleaved (round r runs every contender once, in a fresh random order), so
  a busy spell on the host slows all contenders alike;
- we report medians of thread CPU time (wall clock beside it), and ratios taken within
  this one run.

Before timing, every contender's cost and gradients are checked against the core's, so
the numbers are for code that computes the same thing.
"""
from __future__ import annotations

import argparse
import gc
import importlib.util
import io
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # so that the tests' reference implementation is importable

from bp_desktop.core import Network, one_hot  # noqa: E402
from bp_desktop.core.activations import sigmoid, softplus  # noqa: E402
from tests.core.reference import backprop_loop  # noqa: E402

try:
    import torch
except ImportError:  # torch is optional: never a project dependency
    torch = None

LAMBDA = 1.0            # the course's ex4 λ; every contender regularises alike
MIN_SAMPLE_S = 0.005    # a sample repeats a fast call until it lasts this long


@dataclass(frozen=True)
class Case:
    layer_sizes: tuple[int, ...]
    m: int
    loop_subset: int    # examples the per-example loop runs on; its time is scaled to m

    @property
    def name(self) -> str:
        return "-".join(map(str, self.layer_sizes))


CASES = [
    Case((400, 25, 10), 5000, 500),
    Case((64, 32, 10), 1797, 1797),
    Case((2, 8, 8, 1), 500, 500),
    Case((784, 128, 64, 10), 10000, 500),
]


def make_problem(case: Case, seed: int):
    """Random inputs in [0, 1) (like pixel intensities), random labels, course-style Θ."""
    rng = np.random.default_rng(seed)
    n, K = case.layer_sizes[0], case.layer_sizes[-1]
    X = rng.random((case.m, n))
    if K == 1:
        Y = rng.integers(0, 2, size=(case.m, 1)).astype(float)
    else:
        Y = one_hot(rng.integers(0, K, size=case.m), K)
    return Network(case.layer_sizes, seed=seed), X, Y


# --- contenders: each is a zero-argument callable running one full-batch backprop ---------

def core_contender(net, X, Y):
    return lambda: net.backprop(X, Y, LAMBDA)


def loop_contender(net, X, Y, subset):
    thetas, Xs, Ys = net.thetas, X[:subset], Y[:subset]
    return lambda: backprop_loop(thetas, Xs, Ys, LAMBDA)


def plain_contender(net, X, Y):
    """The same maths as the core written plainly in vectorised numpy, in the core's layout
    (units × examples): no input checks, no preallocated arrays, no np.errstate, a fresh
    array for every intermediate. The yardstick for the core's own per-call overhead."""
    weights = [np.ascontiguousarray(t[:, 1:]) for t in net.thetas]
    biases = [np.ascontiguousarray(t[:, :1]) for t in net.thetas]
    return lambda: numpy_plain_backprop(weights, biases, X, Y, LAMBDA)


def numpy_plain_backprop(weights, biases, X, Y, lam):
    m, YT = X.shape[0], Y.T
    # forward: z^(l+1) = W a^(l) + b, a^(l+1) = g(z^(l+1)), one example per column
    a, z = [X.T], [None]
    for W, b in zip(weights, biases):
        z.append(W @ a[-1] + b)
        a.append(1.0 / (1.0 + np.exp(-z[-1])))
    # J from z, in the same stable softplus(z) − y z form as the core
    zL = z[-1]
    data_cost = np.sum(np.maximum(zL, 0.0) + np.log1p(np.exp(-np.abs(zL))) - YT * zL) / m
    cost = data_cost + lam / (2 * m) * sum(np.sum(W * W) for W in weights)
    # backward: δ^(L) = a^(L) − y, δ^(l) = Wᵀ δ^(l+1) .* a(1 − a); D = Δ/m + (λ/m)W
    deltas = [None] * len(a)
    deltas[-1] = a[-1] - YT
    for l in range(len(weights) - 1, 0, -1):
        deltas[l] = (weights[l].T @ deltas[l + 1]) * (a[l] * (1.0 - a[l]))
    grads_W = [(deltas[l + 1] @ a[l].T) / m + (lam / m) * W for l, W in enumerate(weights)]
    grads_b = [deltas[l + 1].sum(axis=1) / m for l in range(len(weights))]
    return cost, deltas, grads_W, grads_b


def baseline_network_class(revision: str, into: Path):
    """`Network` as it was at git `revision`: that revision's bp_desktop/core, extracted into
    `into` as a package of its own (the core imports only relatively, numpy and stdlib)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "bp_desktop/core"],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    package = into / "bench_core_baseline"
    (into / "bp_desktop" / "core").rename(package)
    spec = importlib.util.spec_from_file_location(package.name, package / "__init__.py",
                                                  submodule_search_locations=[str(package)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[package.name] = module  # its relative imports look it up there
    spec.loader.exec_module(module)
    return module.Network


def baseline_contender(Baseline, net, X, Y):
    old = Baseline(net.layer_sizes, thetas=net.thetas, hidden_activation=net.hidden_activation)
    return lambda: old.backprop(X, Y, LAMBDA)


def rows_contender(net, X, Y):
    """The same maths as the core, ported to one example per row (the layout of the course's
    vectorised ex4 code), the bias added rather than stacked: isolates the effect of the layout."""
    weights = [np.ascontiguousarray(t[:, 1:]) for t in net.thetas]
    biases = [np.ascontiguousarray(t[:, 0]) for t in net.thetas]
    return lambda: numpy_rows_backprop(weights, biases, X, Y, LAMBDA)


def numpy_rows_backprop(weights, biases, X, Y, lam):
    m = X.shape[0]
    # forward: a^(l+1) = g(a^(l) Wᵀ + b), one example per row
    a, z = [X], [None]
    for W, b in zip(weights, biases):
        z.append(a[-1] @ W.T + b)
        a.append(sigmoid(z[-1]))
    data_cost = np.sum(softplus(z[-1]) - Y * z[-1]) / m
    cost = data_cost + lam / (2 * m) * sum(np.sum(W * W) for W in weights)
    # backward: δ^(L) = a^(L) − y, δ^(l) = δ^(l+1) W .* a(1 − a); gradients Δ/m + (λ/m)W
    deltas = [None] * len(a)
    deltas[-1] = a[-1] - Y
    grads_W, grads_b = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        grads_W[l] = (deltas[l + 1].T @ a[l]) / m + (lam / m) * weights[l]
        grads_b[l] = deltas[l + 1].sum(axis=0) / m
        if l > 0:
            deltas[l] = (deltas[l + 1] @ weights[l]) * (a[l] * (1.0 - a[l]))
    return cost, deltas, grads_W, grads_b


def gemm_contender(net, X, Y):
    """The matmul ceiling: only the GEMMs of one backprop, in the core's own layout and on
    its own arrays, into preallocated outputs (no allocation, no element-wise work)."""
    r = net.backprop(X, Y, LAMBDA)
    thetas, a, d = net.thetas, r.a_columns, r.delta_columns
    weights = [t[:, 1:] for t in thetas]
    forward = [(weights[l], a[l], np.empty_like(r.z_columns[l + 1])) for l in range(len(thetas))]
    backward = [(weights[l].T, d[l + 1], np.empty_like(d[l])) for l in range(len(thetas) - 1, 0, -1)]
    # C-ordered outputs: matmul into a Fortran-ordered array (like a Θ view) copies
    gradient = [(d[l + 1], a[l].T, np.empty(weights[l].shape)) for l in range(len(thetas))]
    products = forward + backward + gradient

    def run():
        for left, right, out in products:
            np.matmul(left, right, out=out)
    return run


def gemm_flops(case: Case) -> float:
    """Multiply-adds × 2 of the forward, backward (no δ for the inputs) and gradient GEMMs."""
    s, m = case.layer_sizes, case.m
    pairs = [s[l] * s[l + 1] for l in range(len(s) - 1)]
    return 2.0 * m * (2 * sum(pairs) + sum(pairs[1:]))


def torch_backprop(weights, biases, X, Y, lam):
    """Idiomatic PyTorch (row-major, one example per row), backward written by hand."""
    m = X.shape[0]
    # forward: a^(l+1) = g(a^(l) Wᵀ + b)
    a, z = [X], [None]
    for W, b in zip(weights, biases):
        z.append(torch.addmm(b, a[-1], W.T))
        a.append(torch.sigmoid(z[-1]))
    # J: the same stable softplus(z) − y z form as the core
    data_cost = (torch.nn.functional.softplus(z[-1]) - Y * z[-1]).sum() / m
    cost = data_cost + lam / (2 * m) * sum((W * W).sum() for W in weights)
    # backward: δ^(L) = a^(L) − y, δ^(l) = δ^(l+1) W .* a(1 − a); gradients Δ/m + (λ/m)W
    deltas = [None] * len(a)
    deltas[-1] = a[-1] - Y
    grads_W, grads_b = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        grads_W[l] = torch.addmm(weights[l], deltas[l + 1].T, a[l], beta=lam / m, alpha=1.0 / m)
        grads_b[l] = deltas[l + 1].sum(dim=0) / m
        if l > 0:
            deltas[l] = (deltas[l + 1] @ weights[l]) * (a[l] * (1.0 - a[l]))
    return float(cost), deltas, grads_W, grads_b


def torch_columns_backprop(weights, biases, XT, YT, lam):
    """The same, in the core's layout: units × examples, one column per example."""
    m = XT.shape[1]
    a, z = [XT], [None]
    for W, b in zip(weights, biases):
        z.append(torch.addmm(b[:, None], W, a[-1]))
        a.append(torch.sigmoid(z[-1]))
    data_cost = (torch.nn.functional.softplus(z[-1]) - YT * z[-1]).sum() / m
    cost = data_cost + lam / (2 * m) * sum((W * W).sum() for W in weights)
    deltas = [None] * len(a)
    deltas[-1] = a[-1] - YT
    grads_W, grads_b = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        grads_W[l] = torch.addmm(weights[l], deltas[l + 1], a[l].T, beta=lam / m, alpha=1.0 / m)
        grads_b[l] = deltas[l + 1].sum(dim=1) / m
        if l > 0:
            deltas[l] = (weights[l].T @ deltas[l + 1]) * (a[l] * (1.0 - a[l]))
    return float(cost), deltas, grads_W, grads_b


def torch_contender(net, X, Y, columns=False):
    """Row layout by default (idiomatic PyTorch); `columns` gives it the core's layout."""
    weights = [torch.from_numpy(np.ascontiguousarray(t[:, 1:])) for t in net.thetas]
    biases = [torch.from_numpy(np.ascontiguousarray(t[:, 0])) for t in net.thetas]
    if columns:
        backprop, Xt, Yt = torch_columns_backprop, torch.from_numpy(X).T, torch.from_numpy(Y).T
    else:
        backprop, Xt, Yt = torch_backprop, torch.from_numpy(X), torch.from_numpy(Y)

    def run():
        with torch.inference_mode():
            return backprop(weights, biases, Xt, Yt, LAMBDA)
    return run


# --- correctness before speed ---------------------------------------------------------

def check_agreement(case: Case, net, X, Y, Baseline=None) -> None:
    """Stop the benchmark if a contender computes something else than the core."""
    core = net.backprop(X, Y, LAMBDA)
    others = {"plain": plain_contender(net, X, Y), "rows": rows_contender(net, X, Y)}
    if torch is not None:
        others["torch"] = torch_contender(net, X, Y)
        others["torch columns"] = torch_contender(net, X, Y, columns=True)
    for name, run in others.items():
        cost, _, grads_W, grads_b = run()
        _assert_close(f"{case.name} {name} cost", float(cost), core.cost)
        for l, D in enumerate(core.gradients):
            _assert_close(f"{case.name} {name} D^({l + 1})",
                          np.c_[np.asarray(grads_b[l]), np.asarray(grads_W[l])], D)
    if Baseline is not None:
        before = baseline_contender(Baseline, net, X, Y)()
        _assert_close(f"{case.name} core before cost", before.cost, core.cost)
        _assert_close(f"{case.name} core before gradients", before.gradient_vector,
                      core.gradient_vector)
    k = min(case.loop_subset, 200)  # the loop is slow; agreement on a subset is enough
    sub = net.backprop(X[:k], Y[:k], LAMBDA)
    cost, _, _, D_loop = backprop_loop(net.thetas, X[:k], Y[:k], LAMBDA)
    _assert_close(f"{case.name} loop cost", cost, sub.cost)
    for l, (a, b) in enumerate(zip(D_loop, sub.gradients)):
        _assert_close(f"{case.name} loop D^({l + 1})", a, b)


def _assert_close(what, actual, expected):
    if not np.allclose(actual, expected, rtol=1e-9, atol=1e-12):
        raise SystemExit(f"{what} disagrees with the core: max |diff| = "
                         f"{np.max(np.abs(np.asarray(actual) - expected)):.3g}")


# --- timing ---------------------------------------------------------------------------

def calls_per_sample(fn) -> int:
    """How often to call `fn` per sample so that one sample lasts at least MIN_SAMPLE_S."""
    fn()  # warm-up: first-touch allocations, lazy initialisation
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    return max(1, int(np.ceil(MIN_SAMPLE_S / max(once, 1e-9))))


# Thread CPU time is the headline: other processes on the two shared cores preempt us, and
# CPU time leaves out the time spent waiting for a core (every contender runs in this thread:
# one BLAS thread, one torch thread). Wall-clock time is reported beside it.
CLOCKS = {"cpu": time.thread_time, "wall": time.perf_counter}


def time_interleaved(contenders: dict, rounds: int, seed: int = 0
                     ) -> dict[str, dict[str, list[float]]]:
    """Seconds per call by each clock, `rounds` samples per contender, contenders interleaved
    round by round, in a fresh random order each round. (A rotating order keeps every
    contender behind the same neighbour: whichever ran right after the per-example loop,
    which leaves the caches cold, measured 15-35 % slow on 400-25-10.)"""
    names = list(contenders)
    order = random.Random(seed)
    calls = {name: calls_per_sample(fn) for name, fn in contenders.items()}
    samples = {clock: {name: [] for name in names} for clock in CLOCKS}
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for r in range(rounds):
            for name in order.sample(names, len(names)):
                fn, n = contenders[name], calls[name]
                start = {clock: read() for clock, read in CLOCKS.items()}
                for _ in range(n):
                    fn()
                for clock, read in CLOCKS.items():
                    samples[clock][name].append((read() - start[clock]) / n)
    finally:
        if gc_was_enabled:
            gc.enable()
    return samples


def bench_case(case: Case, rounds: int, seed: int, Baseline=None) -> dict:
    net, X, Y = make_problem(case, seed)
    check_agreement(case, net, X, Y, Baseline)
    contenders = {"core": core_contender(net, X, Y),
                  "plain": plain_contender(net, X, Y),
                  "gemm": gemm_contender(net, X, Y),
                  "rows": rows_contender(net, X, Y),
                  "loop": loop_contender(net, X, Y, case.loop_subset)}
    if torch is not None:
        contenders["torch"] = torch_contender(net, X, Y)
        contenders["torch columns"] = torch_contender(net, X, Y, columns=True)
    if Baseline is not None:
        contenders["core before"] = baseline_contender(Baseline, net, X, Y)
    medians, over_plain = {}, {}
    for clock, samples in time_interleaved(contenders, rounds, seed).items():
        medians[clock] = {name: statistics.median(s) for name, s in samples.items()}
        medians[clock]["loop"] *= case.m / case.loop_subset  # per-example time scaled to all m
        # against plain numpy: the median of the ratios within each round, whose samples were
        # taken moments apart, so a busy spell on the host cancels out
        over_plain[clock] = {name: statistics.median(t / p for t, p in zip(samples[name],
                                                                           samples["plain"]))
                             for name in ("core", "core before") if name in samples}
    return {"case": case.name, "m": case.m, "loop_subset": case.loop_subset, "rounds": rounds,
            "median_s": medians, "over_plain": over_plain,
            "gemm_gflops": gemm_flops(case) / medians["cpu"]["gemm"] / 1e9}


# --- report -----------------------------------------------------------------------------

def machine_description() -> dict[str, str]:
    """What the numbers depend on. Call inside the one-thread limit, so it shows."""
    described = {"nproc": str(os.cpu_count()), "cpu": _cpu_model(),
                 "python": platform.python_version(), "numpy": np.__version__}
    for i, info in enumerate(i for i in threadpool_info() if i.get("user_api") == "blas"):
        # `architecture` is the kernel OpenBLAS picked for this processor (OPENBLAS_CORETYPE
        # overrides the choice, OPENBLAS_L2_SIZE its cache blocking)
        described[f"numpy BLAS{' ' + str(i + 1) if i else ''}"] = (
            f"{info.get('internal_api')} {info.get('version')}, kernel {info.get('architecture')}, "
            f"{info.get('num_threads')} thread(s) ({Path(info.get('filepath', '')).name})")
    openblas_env = {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS")}
    described["OPENBLAS_* environment"] = str(openblas_env) if openblas_env else "none set"
    if torch is None:
        described["torch"] = "not importable: torch columns skipped"
    else:
        described["torch"] = (f"{torch.__version__}, {_torch_blas()}, CPU capability "
                              f"{torch.backends.cpu.get_cpu_capability()}, "
                              f"{torch.get_num_threads()} thread(s)")
    return described


def _load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _torch_blas() -> str:
    for item in torch.__config__.show().replace("\n", ",").split(","):
        if "BLAS_INFO" in item:
            return item.split("BLAS_INFO", 1)[1].strip(" =") + " BLAS"
    return "BLAS unknown"


def _ms(seconds: float) -> str:
    ms = seconds * 1e3
    return f"{ms:.3g} ms" if ms < 1000 else f"{ms:,.0f} ms"


# contender -> column title; each cell shows its median and its ratio to the core
COLUMNS = {"rows": "numpy, rows layout", "loop": "per-example loop*",
           "torch": "torch, rows layout", "torch columns": "torch, columns layout"}


def markdown_table(results: list[dict], clock: str) -> str:
    shown = [name for name in COLUMNS if name in results[0]["median_s"][clock]]
    head = ["network", "m", "core", "GEMMs alone", "core % of ceiling"] + [COLUMNS[n] for n in shown]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        t = r["median_s"][clock]
        cells = [r["case"], str(r["m"]), _ms(t["core"]), _ms(t["gemm"]),
                 f"{100 * t['gemm'] / t['core']:.0f}%"]
        cells += [f"{_ms(t[name])} ({_ratio(t[name] / t['core'])})" for name in shown]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def plain_table(results: list[dict], clock: str, baseline: str | None) -> str:
    """The core (and the core before, with --baseline) against plain vectorised numpy."""
    head = ["network", "m", "plain numpy", "core", "core / plain"]
    if baseline:
        head[3:3] = [f"core before ({baseline})", "before / plain"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        t, ratio = r["median_s"][clock], r["over_plain"][clock]
        cells = [r["case"], str(r["m"]), _ms(t["plain"]), _ms(t["core"]), f"{ratio['core']:.2f}×"]
        if baseline:
            cells[3:3] = [_ms(t["core before"]), f"{ratio['core before']:.2f}×"]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _ratio(r: float) -> str:
    return f"{r:,.0f}×" if r >= 10 else f"{r:.2f}×"


def footnotes(results: list[dict]) -> str:
    subsets = ", ".join(f"{r['case']}: {r['loop_subset']} of {r['m']}" for r in results
                        if r["loop_subset"] < r["m"])
    lines = ["Medians of interleaved repeats, one thread per contender.",
             "`core % of ceiling` = time of the same GEMMs alone / time of the core's backprop.",
             "In brackets: contender time / core time; above 1 the core is faster.",
             "rows layout: one example per row (the course's vectorised code), bias added.",
             "columns layout: units × examples, one column per example (the core's layout)."]
    if subsets:
        lines.append(f"* The per-example loop ran on a subset of examples and its time is scaled "
                     f"per example to all m ({subsets}).")
    gflops = ", ".join(f"{r['case']}: {r['gemm_gflops']:.1f}" for r in results)
    lines.append(f"GEMMs alone, GFLOP/s of CPU time: {gflops}.")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=21, help="interleaved repeats per case")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", nargs="*", help="network names to run, e.g. 400-25-10")
    parser.add_argument("--json", type=Path, default=ROOT / "bench-results" / "bench_core.json",
                        help="where to write the raw medians")
    parser.add_argument("--baseline", metavar="REV",
                        help="also time the core as it was at this git revision (e.g. main)")
    args = parser.parse_args(argv)
    if args.baseline:  # named by its commit in the tables
        args.baseline = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", args.baseline],
                                       check=True, capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="bench-core-") as tmp:
        Baseline = baseline_network_class(args.baseline, Path(tmp)) if args.baseline else None
        return run(args, Baseline)


def run(args, Baseline) -> int:
    cases = [c for c in CASES if not args.only or c.name in args.only]
    if torch is not None:
        torch.set_num_threads(1)
    load_before = _load_average()
    with threadpool_limits(limits=1, user_api="blas"):
        machine = machine_description()
        for key, value in machine.items():
            print(f"{key}: {value}")
        print(flush=True)
        results = []
        for case in cases:
            results.append(bench_case(case, args.rounds, args.seed, Baseline))
            print(f"  done {case.name}", file=sys.stderr, flush=True)
    print("Against plain vectorised numpy (thread CPU time; ratios: median of the per-round ratios):")
    print(plain_table(results, "cpu", args.baseline))
    print()
    print("Thread CPU time (time waiting for a core left out):")
    print(markdown_table(results, "cpu"))
    print()
    print("Wall-clock time of the same samples:")
    print(plain_table(results, "wall", args.baseline))
    print()
    print(markdown_table(results, "wall"))
    print()
    print(footnotes(results))
    print(f"Load average before / after: {load_before} / {_load_average()}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"machine": machine, "baseline": args.baseline, "results": results}, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
