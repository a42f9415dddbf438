"""The three recipes of the README's "Taking a network elsewhere", run as they are written
on files exported like the README says: each must print the classes the app predicts."""
import contextlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from bp_desktop import cli
from bp_desktop.data import Scaler
from bp_desktop.io import load_weights

README = Path(__file__).resolve().parents[2] / "README.md"
FLOWERS = np.array([[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]])


def recipes() -> list[tuple[str, str]]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Taking a network elsewhere", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(\w+)\n(.*?)```", section, flags=re.S)


def recipe(language: str, needle: str) -> str:
    return next(code for lang, code in recipes() if lang == language and needle in code)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """iris.onnx, iris.npz and iris.mat from the same training run, and the app's classes."""
    folder = tmp_path_factory.mktemp("elsewhere")
    for name in ("iris.onnx", "iris.npz", "iris.mat"):
        argv = ["train", "--builtin", "iris", "--hidden", "5", "--quiet", "--export", str(folder / name)]
        assert cli.main(argv) == 0
    network, metadata = load_weights(folder / "iris.npz")
    scaled = Scaler.from_dict(metadata["scaling"]).transform(FLOWERS)
    classes = [metadata["class_names"][k] for k in network.predict(scaled)]
    return folder, classes


def run_python(code: str, folder: Path, monkeypatch) -> str:
    monkeypatch.chdir(folder)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md", "exec"), {})
    return printed.getvalue().strip()


def test_there_are_three_recipes():
    assert [lang for lang, _ in recipes()] == ["python", "python", "matlab"]


def test_the_onnxruntime_recipe(exported, monkeypatch):
    pytest.importorskip("onnxruntime")
    folder, classes = exported
    assert run_python(recipe("python", "onnxruntime"), folder, monkeypatch) == repr(classes)


def test_the_pytorch_recipe(exported, monkeypatch):
    pytest.importorskip("torch")
    folder, classes = exported
    assert run_python(recipe("python", "torch"), folder, monkeypatch) == repr(classes)


@pytest.mark.skipif(shutil.which("octave") is None, reason="GNU Octave is not installed")
def test_the_octave_recipe(exported):
    folder, classes = exported
    done = subprocess.run(["octave", "--no-gui", "--no-window-system", "--quiet", "--eval",
                           recipe("matlab", "jsondecode")],
                          cwd=folder, capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == classes, done.stderr


def test_the_flowers_are_of_two_classes(exported):
    assert len(set(exported[1])) == 2  # else the recipes would prove less
