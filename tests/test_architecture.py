"""The layers of the code: the pure packages never import Qt, and imports point one way
(ui and cli -> the application model -> training -> io -> data -> core)."""
import subprocess
import sys
from pathlib import Path

import pytest

PURE = ["bp_desktop.core", "bp_desktop.data", "bp_desktop.io", "bp_desktop.training",
        "bp_desktop.workbench"]
ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("package", PURE)
def test_pure_package_imports_no_qt(package):
    """In a fresh interpreter, because pytest-qt has already imported PySide6 into this one."""
    code = ("import sys, importlib, pkgutil;"
            f"pkg = importlib.import_module({package!r});"
            "[importlib.import_module(m.name) for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.')];"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph'));"
            "sys.exit('imported ' + ', '.join(bad) if bad else 0)")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_layers_contract_holds():
    """pyproject's import-linter contract: a lower layer never imports a higher one."""
    result = subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command;"
                             "lint_imports_command()"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout
