"""CSV loading speed and memory: bp_desktop.data.load_csv against numpy.loadtxt.

The file is shaped like the course's ex4 digits set written as CSV: 5000 rows of
400 pixel intensities (about half of them 0) and a label 1..10, about 10 MB.

    .venv/bin/python tests/benchmarks/bench_csv.py [--rows 5000] [--cols 400] [--repeats 7]

Timings alternate the two loaders in one run and report medians (shared, noisy cores);
the ratio is what the README quotes. Peak memory is measured with tracemalloc, which
numpy reports its array allocations to, as a multiple of the final X.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from bp_desktop.data import load_csv


def write_digits_like_csv(path: Path, rows: int, cols: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    X = rng.random((rows, cols))
    X[X < 0.5] = 0.0
    labels = rng.integers(1, 11, size=rows)
    with path.open("w", encoding="utf-8") as stream:
        for row, label in zip(X, labels):
            stream.write(",".join("0" if v == 0 else f"{v:.6g}" for v in row) + f",{label}\n")


def quoted_copy(path: Path, target: Path) -> None:
    """The same numbers, every cell quoted: forces load_csv's careful row-by-row pass."""
    lines = path.read_text(encoding="utf-8").splitlines()
    target.write_text("".join(",".join(f'"{c}"' for c in line.split(",")) + "\n" for line in lines),
                      encoding="utf-8")


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def peak_memory(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--cols", type=int, default=400, help="feature columns (plus one label column)")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "digits_like.csv"
        write_digits_like_csv(path, args.rows, args.cols)
        quoted = Path(folder) / "quoted.csv"
        quoted_copy(path, quoted)

        def ours():
            return load_csv(path)

        def numpy_loadtxt():
            return np.loadtxt(path, delimiter=",")

        reference = numpy_loadtxt()
        data = ours()
        assert np.array_equal(data.X, reference[:, :-1]), "load_csv and loadtxt disagree"

        times = {"load_csv": [], "numpy.loadtxt": []}
        for _ in range(args.repeats):
            times["load_csv"].append(timed(ours))
            times["numpy.loadtxt"].append(timed(numpy_loadtxt))
        careful = statistics.median(timed(lambda: load_csv(quoted)) for _ in range(max(1, args.repeats // 3)))
        ours_s, numpy_s = (statistics.median(times[k]) for k in ("load_csv", "numpy.loadtxt"))
        array_bytes = data.X.nbytes
        peak_ours, peak_numpy = peak_memory(ours), peak_memory(numpy_loadtxt)
        size_mb = path.stat().st_size / 1e6

    print(f"file: {args.rows} x {args.cols + 1} numeric CSV, {size_mb:.1f} MB; medians of {args.repeats} runs")
    print(f"{'loader':<36}{'time (s)':>10}{'ratio':>8}{'peak memory / X':>18}")
    print(f"{'numpy.loadtxt':<36}{numpy_s:>10.3f}{1.0:>8.2f}{peak_numpy / array_bytes:>18.1f}")
    print(f"{'load_csv (fast pass)':<36}{ours_s:>10.3f}{ours_s / numpy_s:>8.2f}{peak_ours / array_bytes:>18.1f}")
    print(f"{'load_csv, all cells quoted (careful)':<36}{careful:>10.3f}{careful / numpy_s:>8.2f}{'':>18}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
