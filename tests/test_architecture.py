"""The pure packages never import Qt. Checked in a fresh interpreter, because
pytest-qt has already imported PySide6 into this one."""
import subprocess
import sys

import pytest

PURE = ["bp_desktop.core", "bp_desktop.data", "bp_desktop.io", "bp_desktop.training"]


@pytest.mark.parametrize("package", PURE)
def test_pure_package_imports_no_qt(package):
    code = ("import sys, importlib, pkgutil;"
            f"pkg = importlib.import_module({package!r});"
            "[importlib.import_module(m.name) for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.')];"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph'));"
            "sys.exit('imported ' + ', '.join(bad) if bad else 0)")
    subprocess.run([sys.executable, "-c", code], check=True)
