"""Record fmincg trajectories with GNU Octave, for tests/core/test_fmincg_octave.py.

    python tests/core/data/record_fmincg.py --fmincg DIR

DIR holds the course's fmincg.m (the copy shipped with ex4; it is not part of this
repository: we commit the numbers, not the course's code). For each problem below this
script writes the data and initial Θ to a temporary folder, runs fmincg in Octave on a
cost function of our own (the Octave code in COST_M), logs J at every cost evaluation, and
writes fmincg_trajectories.json beside this file: the inputs, every J evaluated in order,
fX (J after each successful line search) and fmincg's i (line searches done).

Every number written to Octave is a multiple of 2^-10 (2^-12 for Θ), so the text
exchange is exact and both programs start from the same bits.
"""
from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "fmincg_trajectories.json"

# nn_cost.m: our own nnCostFunction for any number of sigmoid layers (Θ unrolled column by
# column, as the course does), with J's terms written as log(1 + e^−|z|) + max(z, 0) − y z
# rather than with log h and log(1 − h), which give nan at extrapolated, saturated points. With lambda_in_gradient = 0 it
# plays the classic student bug: λ in J but not in the gradient, so J and its gradient
# disagree and fmincg's line searches fail.
COST_M = r"""
function [J, grad] = nn_cost(p, sizes, X, Y, lambda, lambda_in_gradient)
global EVALS
m = size(X, 1);
L = numel(sizes);
Theta = cell(L - 1, 1);
at = 0;
for l = 1:L - 1
  count = sizes(l + 1) * (sizes(l) + 1);
  Theta{l} = reshape(p(at + 1:at + count), sizes(l + 1), sizes(l) + 1);
  at = at + count;
end
a = cell(L, 1);
a{1} = [ones(m, 1) X];
for l = 1:L - 1
  z = a{l} * Theta{l}';
  h = 1 ./ (1 + exp(-z));
  if l < L - 1
    a{l + 1} = [ones(m, 1) h];
  else
    a{l + 1} = h;
  end
end
% −y log h − (1 − y) log(1 − h), written so that saturated units give a finite J
J = sum(sum(log1p(exp(-abs(z))) + max(z, 0) - Y .* z)) / m;
for l = 1:L - 1
  J = J + lambda / (2 * m) * sum(sum(Theta{l}(:, 2:end) .^ 2));
end
EVALS(end + 1) = J;
delta = h - Y;
grad = [];
for l = L - 1:-1:1
  D = delta' * a{l} / m;
  if lambda_in_gradient
    D(:, 2:end) = D(:, 2:end) + lambda / m * Theta{l}(:, 2:end);
  end
  grad = [D(:); grad];
  if l > 1
    g = a{l}(:, 2:end);
    delta = (delta * Theta{l}(:, 2:end)) .* g .* (1 - g);
  end
end
end
"""

RUN_M = r"""
global EVALS
EVALS = [];
X = load('-ascii', 'X.txt');
Y = load('-ascii', 'Y.txt');
p0 = load('-ascii', 'p0.txt');
sizes = load('-ascii', 'sizes.txt');
settings = load('-ascii', 'settings.txt');  % lambda, lambda_in_gradient, MaxIter
options = optimset('MaxIter', settings(3));
cost = @(p) nn_cost(p, sizes, X, Y, settings(1), settings(2));
[p, fX, i] = fmincg(cost, p0, options);
out = fopen('out.txt', 'w');
fprintf(out, '%d\n', i);
fprintf(out, '%d\n', numel(fX));
fprintf(out, '%.17g\n', fX);
fprintf(out, '%d\n', numel(EVALS));
fprintf(out, '%.17g\n', EVALS);
fclose(out);
"""


def exact(values: np.ndarray, bits: int) -> np.ndarray:
    """Round to multiples of 2^-bits: exact in decimal text, so Octave reads the same bits."""
    return np.round(np.asarray(values, dtype=float) * 2.0**bits) / 2.0**bits


def initial_params(sizes: list[int], rng: np.random.Generator, epsilon: float = 0.12) -> np.ndarray:
    count = sum(b * (a + 1) for a, b in zip(sizes[:-1], sizes[1:]))
    return exact(rng.uniform(-epsilon, epsilon, count), 12)


def problems() -> list[dict]:
    found = []

    # regularised logistic regression: a network without a hidden layer
    rng = np.random.default_rng(16)
    X = exact(rng.normal(size=(60, 8)) * np.linspace(0.5, 3.0, 8), 10)
    y = (X @ rng.normal(size=8) + rng.normal(0, 1.0, 60) > 0).astype(float)
    found.append(dict(name="logistic regression 8-1, λ = 1", sizes=[8, 1], X=X, Y=y[:, None],
                      p0=initial_params([8, 1], rng), lam=1.0, lambda_in_gradient=True,
                      max_iter=30))

    # a small network, three classes
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 3, 30)
    X = exact(rng.normal(size=(30, 4)) + labels[:, None] * [1.0, -0.5, 0.25, 0.0], 10)
    Y = np.eye(3)[labels]
    found.append(dict(name="network 4-5-3, λ = 1", sizes=[4, 5, 3], X=X, Y=Y,
                      p0=initial_params([4, 5, 3], rng), lam=1.0, lambda_in_gradient=True,
                      max_iter=40))

    # λ in J but not in its gradient: line searches fail, fmincg restarts and stops
    rng = np.random.default_rng(12)
    X = exact(rng.normal(size=(20, 2)), 10)
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    found.append(dict(name="network 2-3-1, λ = 0.3 missing from the gradient",
                      sizes=[2, 3, 1], X=X, Y=y[:, None],
                      p0=initial_params([2, 3, 1], rng, epsilon=0.5), lam=0.3,
                      lambda_in_gradient=False, max_iter=50))
    return found


def write_matrix(path: Path, values) -> None:
    np.savetxt(path, np.atleast_2d(np.asarray(values, dtype=float)), fmt="%.17g")


def record(problem: dict, fmincg_dir: Path, octave: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "nn_cost.m").write_text(COST_M)
        (folder / "run_fmincg.m").write_text(RUN_M)
        write_matrix(folder / "X.txt", problem["X"])
        write_matrix(folder / "Y.txt", problem["Y"])
        write_matrix(folder / "p0.txt", np.asarray(problem["p0"])[:, None])
        write_matrix(folder / "sizes.txt", problem["sizes"])
        write_matrix(folder / "settings.txt", [problem["lam"], float(problem["lambda_in_gradient"]),
                                               problem["max_iter"]])
        subprocess.run([octave, "--no-gui", "--no-window-system", "--quiet", "--eval",
                        f"addpath('{fmincg_dir}'); run_fmincg"], cwd=folder, check=True,
                       capture_output=True, text=True, timeout=600)
        numbers = (folder / "out.txt").read_text().split()
    line_searches, n_fx = int(numbers[0]), int(numbers[1])
    fX = [float(v) for v in numbers[2:2 + n_fx]]
    evaluations = [float(v) for v in numbers[3 + n_fx:]]
    assert len(evaluations) == int(numbers[2 + n_fx])
    return {**{k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in problem.items()},
            "line_searches": line_searches, "fX": fX, "evaluations": evaluations}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fmincg", type=Path, required=True, help="folder holding fmincg.m")
    parser.add_argument("--octave", default="octave")
    args = parser.parse_args()
    version = subprocess.run([args.octave, "--version"], capture_output=True, text=True,
                             check=True).stdout.splitlines()[0]
    document = {
        "note": "Recorded by tests/core/data/record_fmincg.py: the course's fmincg.m (ex4; a "
                "line-by-line copy with its comments stripped, kept outside this repository) run "
                "in GNU Octave on our own cost function nn_cost.m (in that script). "
                "'evaluations' is J at every cost evaluation in order, 'fX' fmincg's fX (J after "
                "each successful line search), 'line_searches' fmincg's i.",
        "octave": version,
        "recorded": datetime.date.today().isoformat(),
        "problems": [record(problem, args.fmincg.resolve(), args.octave) for problem in problems()],
    }
    OUTPUT.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
