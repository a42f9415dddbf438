"""`bp-desktop --self-check`: passes on a complete installation, names what is broken."""
import subprocess
import sys

from bp_desktop import selfcheck

from .helpers import clean_env


def test_self_check_passes_here(qapp):
    assert selfcheck.self_check() == []


def test_a_broken_check_is_named(qapp, monkeypatch):
    def missing():
        raise ModuleNotFoundError("No module named 'scipy.sparse'")

    monkeypatch.setitem(selfcheck.CHECKS, "weight formats", missing)
    assert selfcheck.self_check() == [
        "weight formats: ModuleNotFoundError: No module named 'scipy.sparse'"]


def test_command_exit_status(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bp_desktop", "--self-check"], cwd=tmp_path,
                            env=clean_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "self-check passed" in result.stdout
