"""Linux desktop integration: the .desktop entry and AppStream metainfo validate with the
freedesktop tools (skipped where they are not installed; CI installs them), agree with the
app's id and pyproject's version, and install-desktop.sh puts them where desktops look."""
import configparser
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET

import pytest

from bp_desktop.ui.icon import APP_ID, ICON_SIZES

from .helpers import PACKAGING, REPO, clean_env

LINUX = PACKAGING / "linux"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
INSTALL = LINUX / "install-desktop.sh"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian: desktop-file-utils / appstream)")
    return path


def desktop_entry(path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def validate_desktop(path) -> None:
    result = subprocess.run([tool("desktop-file-validate"), str(path)], capture_output=True,
                            text=True)
    assert result.returncode == 0 and "error" not in result.stdout, result.stdout + result.stderr
    assert "hint" not in result.stdout, result.stdout  # e.g. two main categories


def test_desktop_entry_validates():
    validate_desktop(DESKTOP)


def test_metainfo_validates_without_warnings():
    result = subprocess.run([tool("appstreamcli"), "validate", "--no-net", str(METAINFO)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "W:" not in result.stdout and "E:" not in result.stdout, result.stdout


def test_ids_agree_with_the_app():
    entry = desktop_entry(DESKTOP)
    assert entry["Icon"] == APP_ID
    assert entry["Exec"] == next(iter(PYPROJECT["scripts"]))  # bp-desktop
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("icon") == APP_ID
    assert root.findtext("project_license") == PYPROJECT["license"]
    assert root.findtext("provides/binary") == entry["Exec"]


def test_newest_release_in_metainfo_is_the_pyproject_version():
    releases = ET.parse(METAINFO).getroot().findall("releases/release")
    assert releases and releases[0].get("version") == PYPROJECT["version"]


def install(data_home, *args) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", str(INSTALL), *map(str, args)], capture_output=True, text=True,
                          env=clean_env(XDG_DATA_HOME=str(data_home)))


@pytest.fixture
def program(tmp_path):
    """Any executable stands in for bp-desktop: the script only points the entry at it."""
    path = tmp_path / "bin" / "bp-desktop"
    path.parent.mkdir()
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def installed_files(data_home) -> set[str]:
    return {str(p.relative_to(data_home)) for p in data_home.rglob("*")
            if p.is_file() and p.name != "mimeinfo.cache" and p.parent.name != "hicolor"}


def test_install_for_the_user_then_uninstall(tmp_path, program):
    data = tmp_path / "share"
    result = install(data, program)
    assert result.returncode == 0, result.stderr
    expected = {f"applications/{APP_ID}.desktop", f"metainfo/{APP_ID}.metainfo.xml",
                f"icons/hicolor/scalable/apps/{APP_ID}.svg"}
    expected |= {f"icons/hicolor/{s}x{s}/apps/{APP_ID}.png" for s in ICON_SIZES}
    assert installed_files(data) == expected
    entry = desktop_entry(data / "applications" / f"{APP_ID}.desktop")
    assert entry["Exec"] == entry["TryExec"] == str(program)
    if shutil.which("desktop-file-validate"):
        validate_desktop(data / "applications" / f"{APP_ID}.desktop")

    result = install(data, "--uninstall")
    assert result.returncode == 0, result.stderr
    assert installed_files(data) == set()


@pytest.mark.parametrize("bad", ["relative/bp-desktop", "/no/such/bp-desktop", "/tmp/a b/bp"])
def test_install_refuses_a_program_it_cannot_name(tmp_path, bad):
    result = install(tmp_path / "share", bad)
    assert result.returncode == 2
    assert "install-desktop.sh:" in result.stderr
    assert not (tmp_path / "share").exists()
