"""The core benchmark's yardsticks must compute what the core computes: keep them runnable."""
import shutil
import subprocess

import pytest

from tests.benchmarks import bench_core


def test_plain_numpy_and_every_contender_agree_with_the_core():
    case = bench_core.Case((3, 4, 2), 20, 20)
    net, X, Y = bench_core.make_problem(case, seed=1)
    bench_core.check_agreement(case, net, X, Y)  # raises SystemExit on a disagreement


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_baseline_core_is_imported_from_a_commit(tmp_path):
    inside = subprocess.run(["git", "-C", str(bench_core.ROOT), "rev-parse", "HEAD"],
                            capture_output=True)
    if inside.returncode != 0:
        pytest.skip("not a git checkout")
    Baseline = bench_core.baseline_network_class("HEAD", tmp_path)
    case = bench_core.Case((3, 4, 2), 20, 20)
    net, X, Y = bench_core.make_problem(case, seed=1)
    assert Baseline.__module__.startswith("bench_core_baseline")
    bench_core.check_agreement(case, net, X, Y, Baseline)
