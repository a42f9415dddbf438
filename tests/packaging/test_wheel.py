"""`pip install` of the wheel, in a fresh virtual environment, used from outside the checkout:
the command starts, draws a real window, and finds its datasets and icons in the installed
package (resources/ is outside bp_desktop/ in the checkout; hatch force-includes it)."""
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest

from bp_desktop.data import load_builtin

from .helpers import REPO, clean_env, load_script

pytestmark = pytest.mark.slow
SIZE = (800, 600)
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]


def run(args, cwd, timeout=300) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=clean_env(), capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the wheel (and its dependencies from pip's cache/index) installed."""
    work = tmp_path_factory.mktemp("wheel")
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", work / "dist", REPO],
        cwd=work)
    wheels = list((work / "dist").glob("bp_desktop-*.whl"))
    assert len(wheels) == 1, wheels
    env_dir = work / "venv"
    # No ensurepip in the new venv (it costs ~15 s): this interpreter's pip installs into it.
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", wheels[0]], cwd=work)
    return env_dir


@pytest.fixture
def elsewhere(tmp_path) -> Path:
    """A working directory with no checkout in or above it."""
    assert REPO not in tmp_path.parents
    return tmp_path


def test_installed_package_is_the_wheel_not_the_checkout(installed, elsewhere):
    code = ("import bp_desktop, bp_desktop.paths as p;"
            "print(bp_desktop.__file__); print(p.resources_root()); print(bp_desktop.__version__)")
    module, resources, version = run([installed / "bin" / "python", "-c", code],
                                     cwd=elsewhere).stdout.split()
    assert Path(module).is_relative_to(installed)
    assert Path(resources) == Path(module).parent / "resources"
    assert version == VERSION


def test_builtin_datasets_load_from_the_installed_wheel(installed, elsewhere):
    code = "from bp_desktop.data import load_builtin; print(load_builtin('digits').X.shape)"
    shape = run([installed / "bin" / "python", "-c", code], cwd=elsewhere).stdout.strip()
    assert shape == str(load_builtin("digits").X.shape)


def test_icons_and_licence_ship_in_the_wheel(installed, elsewhere):
    code = ("from bp_desktop.paths import resource_path as r; from importlib.metadata import files;"
            "print(r('icons/bp-desktop.svg').is_file(), r('icons/bp-desktop-256.png').is_file());"
            "print(any(f.name == 'LICENSE' for f in files('bp-desktop')))")
    assert run([installed / "bin" / "python", "-c", code], cwd=elsewhere).stdout.split() == \
        ["True", "True", "True"]


def test_command_takes_a_screenshot_outside_the_checkout(installed, elsewhere):
    result = run([installed / "bin" / "bp-desktop", "--screenshot", "out.png", "--dataset", "iris",
                  "--iterations", "3", "--size", "{}x{}".format(*SIZE)], cwd=elsewhere)
    assert "iteration 3" in result.stdout
    assert load_script("check_screenshot").screenshot_problems(elsewhere / "out.png", SIZE) == []


def test_command_reports_the_pyproject_version(installed, elsewhere):
    result = run([installed / "bin" / "bp-desktop", "--version"], cwd=elsewhere)
    assert result.stdout.strip() == f"bp-desktop {VERSION}"


def test_installed_wheel_passes_its_self_check(installed, elsewhere):
    result = run([installed / "bin" / "bp-desktop", "--self-check"], cwd=elsewhere)
    assert "self-check passed" in result.stdout
