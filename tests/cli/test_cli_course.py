"""`bp-desktop gradcheck --course`: the course's checkNNGradients, as ex4.m prints it."""
import re

from bp_desktop import cli
from bp_desktop.core import CourseCheck, course_check, course_check_report

from .test_cli import IRIS, run


def test_course_gradcheck_prints_the_courses_check(capsys):
    code, out, err = run(capsys, "gradcheck", "--course")
    assert code == 0 and err == ""
    assert out == course_check_report([course_check(0.0), course_check(3.0)])
    assert "λ = 0: cost at the debug parameters J = 2.1009505699" in out
    assert "λ = 3: cost at the debug parameters J = 2.1463598150" in out
    rows = [line for line in out.splitlines() if re.fullmatch(r"(\s+-?\d\.\d{4}e[-+]\d\d){2}", line)]
    assert len(rows) == 2 * 38
    assert len(re.findall(r"Relative Difference: \S+ +\(below 1e-9", out)) == 2
    assert "0.196612 0.235004 0.250000 0.235004 0.196612" in out


def test_course_gradcheck_takes_no_data(capsys):
    for data in ([IRIS], ["--builtin", "xor"]):
        code, _, err = run(capsys, "gradcheck", "--course", *data)
        assert code == 2 and "give no data" in err


def test_course_gradcheck_exits_1_when_backprop_disagrees(capsys, monkeypatch):
    def wrong(lam):
        check = course_check(lam)
        return CourseCheck(lam, check.cost, check.numerical, -check.analytical, 1.0)

    monkeypatch.setattr(cli, "course_check", wrong)
    code, out, _ = run(capsys, "gradcheck", "--course")
    assert code == 1 and "NOT below 1e-9" in out
