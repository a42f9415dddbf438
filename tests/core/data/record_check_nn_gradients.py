"""Record what Octave prints for checkNNGradients' debug network, for test_course_check.py.

    python tests/core/data/record_check_nn_gradients.py

Runs our own nn_cost.m (see record_fmincg.py) in GNU Octave on the debug network of the
course's checkNNGradients (3-5-3, m = 5, debugInitializeWeights, y = 1 + mod(1:m, 3)) at
λ = 0 and λ = 3, with central differences (ε = 1e-4) as computeNumericalGradient takes
them, and writes check_nn_gradients_octave.txt beside this file: for each λ, J printed with
%.10f and the table disp([numgrad grad]) prints; then the sigmoid gradient at
[-1 -0.5 0 0.5 1] printed with %f, as ex4.m prints it.
"""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from record_fmincg import COST_M

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "check_nn_gradients_octave.txt"

CHECK_M = r"""
global EVALS
EVALS = [];
debug_weights = @(fan_out, fan_in) reshape(sin(1:fan_out * (1 + fan_in)), fan_out, 1 + fan_in) / 10;
X = debug_weights(5, 2);
Y = double((1 + mod(1:5, 3)') == 1:3);
p = [reshape(debug_weights(5, 3), [], 1); reshape(debug_weights(3, 5), [], 1)];
for lambda = [0 3]
  [J, grad] = nn_cost(p, [3 5 3], X, Y, lambda, 1);
  numgrad = zeros(size(p));
  for k = 1:numel(p)
    step = zeros(size(p)); step(k) = 1e-4;
    numgrad(k) = (nn_cost(p + step, [3 5 3], X, Y, lambda, 1) ...
                  - nn_cost(p - step, [3 5 3], X, Y, lambda, 1)) / 2e-4;
  end
  printf('lambda = %g: J = %.10f\n', lambda, J);
  disp([numgrad grad]);
end
g = 1 ./ (1 + exp(-[-1 -0.5 0 0.5 1]));
printf('sigmoid gradient:');
printf(' %f', g .* (1 - g));
printf('\n');
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "nn_cost.m").write_text(COST_M)
        (Path(folder) / "check.m").write_text(CHECK_M)
        done = subprocess.run(["octave", "--no-gui", "--no-window-system", "--quiet", "check.m"],
                              cwd=folder, check=True, capture_output=True, text=True, timeout=120)
    version = subprocess.run(["octave", "--version"], capture_output=True, text=True,
                             check=True).stdout.splitlines()[0]
    OUTPUT.write_text(f"# {version}, by record_check_nn_gradients.py\n" + done.stdout,
                      encoding="utf-8")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
