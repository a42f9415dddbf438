"""Help ▸ About: the program's version, the versions it runs on, and its licence.

The version has one source of truth, pyproject's `version`, read back through the installed
package's metadata (bp_desktop.__version__); so is the licence (`license` in pyproject).
"""
from __future__ import annotations

import platform
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, metadata

from bp_desktop import __version__

FALLBACK_LICENCE = "MIT"  # what pyproject says, for a source tree that was never installed
COPYRIGHT = "Copyright (c) 2026 bp-desktop developers"


def installed_versions() -> dict[str, str]:
    """Versions of bp-desktop and of what it runs on, in the order About lists them."""
    import numpy
    import pyqtgraph
    import PySide6
    from PySide6.QtCore import qVersion

    return {"bp-desktop": __version__, "Qt": qVersion(), "PySide6": PySide6.__version__,
            "numpy": numpy.__version__, "pyqtgraph": pyqtgraph.__version__,
            "Python": platform.python_version()}


def licence() -> str:
    """The licence expression of the installed distribution (pyproject `license`)."""
    try:
        meta = metadata("bp-desktop")
    except PackageNotFoundError:
        return FALLBACK_LICENCE
    return meta.get("License-Expression") or meta.get("License") or FALLBACK_LICENCE


def about_text(versions: Mapping[str, str] | None = None, licence_name: str | None = None) -> str:
    """The About box's text: first our version, then one line per component, then the licence."""
    versions = dict(installed_versions() if versions is None else versions)
    own = versions.pop("bp-desktop", __version__)
    lines = [f"bp-desktop {own}", "Backpropagation, made visible.", ""]
    lines += [f"{name} {version}" for name, version in versions.items()]
    lines += ["", f"Licence: {licence_name or licence()}. {COPYRIGHT}."]
    return "\n".join(lines)
