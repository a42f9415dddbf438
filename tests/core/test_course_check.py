"""The course's checkNNGradients as ex4.m prints it (issue 16): the debug network's costs, the
numerical | analytical table and sigmoidGradient's values, against what Octave printed for
the same set-up (data/check_nn_gradients_octave.txt, from data/record_check_nn_gradients.py)."""
from pathlib import Path

import numpy as np
import pytest

from bp_desktop.core import (COURSE_CHECK_LAMBDAS, CourseCheck, course_check, course_check_report,
                             course_debug_problem, relative_difference, sigmoid_gradient)

OCTAVE = (Path(__file__).parent / "data" / "check_nn_gradients_octave.txt").read_text().splitlines()


def octave_table(lam: float) -> list[str]:
    """The rows disp([numgrad grad]) printed in Octave for this λ."""
    start = OCTAVE.index(f"lambda = {lam:g}: J = {course_check(lam).cost:.10f}") + 1
    rows = []
    for line in OCTAVE[start:]:
        if not line.startswith(" "):
            break
        rows.append(line)
    return rows


@pytest.mark.parametrize("lam, cost", [(0.0, "2.1009505699"), (3.0, "2.1463598150")])
def test_the_debug_costs_are_the_courses(lam, cost):
    assert f"{course_check(lam).cost:.10f}" == cost


@pytest.mark.parametrize("lam", COURSE_CHECK_LAMBDAS)
def test_the_table_is_octaves_row_for_row(lam):
    report = course_check_report([course_check(lam)]).splitlines()
    rows = octave_table(lam)
    assert len(rows) == 38  # 5 × 4 + 3 × 6 weights
    start = report.index(rows[0])
    assert report[start:start + 38] == rows


@pytest.mark.parametrize("lam", COURSE_CHECK_LAMBDAS)
def test_backprop_passes_the_courses_check(lam):
    check = course_check(lam)
    assert check.passed and check.relative_difference < 1e-9
    assert check.numerical.shape == check.analytical.shape == (38,)


def test_the_debug_problem_is_checknngradients_set_up():
    network, X, Y = course_debug_problem()
    assert network.layer_sizes == (3, 5, 3) and X.shape == (5, 3)
    np.testing.assert_array_equal(X[:, 0], np.sin([1, 2, 3, 4, 5]) / 10)  # column-major sine
    assert list(np.argmax(Y, axis=1) + 1) == [2, 3, 1, 2, 3]              # 1 + mod(1:5, 3)


def test_sigmoid_gradient_values_are_printed_as_ex4_prints_them():
    report = course_check_report([])
    assert "sigmoidGradient(0) = 0.250000" in report
    assert "  0.196612 0.235004 0.250000 0.235004 0.196612" in report.splitlines()
    assert OCTAVE[-1] == "sigmoid gradient: 0.196612 0.235004 0.250000 0.235004 0.196612"
    assert sigmoid_gradient(0.0) == 0.25


def test_a_wrong_gradient_fails_the_check():
    check = course_check(0.0)
    wrong = 1.01 * check.analytical
    broken = CourseCheck(0.0, check.cost, check.numerical, wrong,
                         relative_difference(check.numerical, wrong))
    assert not broken.passed
    assert "NOT below 1e-9" in course_check_report([broken])
