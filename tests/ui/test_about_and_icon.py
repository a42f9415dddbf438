"""Help ▸ About (version from pyproject, component versions, licence) and the window's icon."""
import tomllib
from pathlib import Path

import numpy
import pyqtgraph
import pytest
import PySide6
from PySide6.QtCore import QSize, qVersion
from PySide6.QtGui import QAction, QImage

import bp_desktop
from bp_desktop.app import parse_args
from bp_desktop.paths import resource_path
from bp_desktop.ui.about import about_text, installed_versions, licence
from bp_desktop.ui.icon import ICON_SIZES, app_icon, png_icon, png_icon_name
from bp_desktop.ui.launch import build_window

PYPROJECT = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())["project"]


def test_version_comes_from_pyproject():
    assert bp_desktop.__version__ == PYPROJECT["version"]


def test_licence_comes_from_pyproject():
    assert licence() == PYPROJECT["license"] == "MIT"


def test_about_text_lists_every_component_in_order():
    versions = {"bp-desktop": "9.8.7", "Qt": "6.1", "PySide6": "6.2", "numpy": "2.0",
                "pyqtgraph": "0.1", "Python": "3.99"}
    lines = about_text(versions, "MIT").splitlines()
    assert lines[0] == "bp-desktop 9.8.7"
    listed = [line for line in lines if line.split(" ")[0] in versions]
    assert listed[1:] == ["Qt 6.1", "PySide6 6.2", "numpy 2.0", "pyqtgraph 0.1", "Python 3.99"]
    assert lines[-1].startswith("Licence: MIT.")


def test_about_text_shows_the_running_versions():
    text = about_text()
    for expected in (f"bp-desktop {PYPROJECT['version']}", f"Qt {qVersion()}",
                     f"PySide6 {PySide6.__version__}", f"numpy {numpy.__version__}",
                     f"pyqtgraph {pyqtgraph.__version__}", "Licence: MIT"):
        assert expected in text
    assert list(installed_versions()) == ["bp-desktop", "Qt", "PySide6", "numpy", "pyqtgraph",
                                          "Python"]


def test_about_action_shows_the_text(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from bp_desktop.ui.main_window import MainWindow

    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    try:
        window.findChild(QAction, "actionAbout").trigger()
        assert window.info_dialog.text() == about_text()
    finally:
        window.shutdown()


@pytest.mark.parametrize("size", ICON_SIZES)
def test_committed_png_icons_have_their_size_and_a_drawing(size):
    image = QImage(str(resource_path(png_icon_name(size))))
    assert (image.width(), image.height()) == (size, size)
    alphas = {image.pixelColor(x, y).alpha() for x in range(size) for y in range(size)}
    assert 0 in alphas and 255 in alphas  # transparent corners around an opaque drawing


@pytest.mark.parametrize("use_svg", [True, False], ids=["svg", "png-fallback"])
def test_app_icon_draws(qapp, use_svg):
    pixmap = app_icon(use_svg).pixmap(QSize(48, 48))
    assert not pixmap.isNull()
    assert pixmap.toImage().pixelColor(24, 24).alpha() == 255


def test_png_fallback_holds_every_size(qapp):
    assert sorted(s.width() for s in png_icon().availableSizes()) == sorted(ICON_SIZES)


def test_window_built_by_the_command_has_the_icon(qapp, tmp_path):
    args = parse_args(["--screenshot", str(tmp_path / "x.png"), "--dataset", "xor"])
    window = build_window(qapp, args)
    try:
        assert not window.windowIcon().isNull()
        assert not window.windowIcon().pixmap(QSize(32, 32)).isNull()
        assert qapp.desktopFileName() == "io.github.bp_desktop"
    finally:
        window.shutdown()
