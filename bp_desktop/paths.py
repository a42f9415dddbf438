"""Where the top-level `resources/` folder is, however the app was installed."""
from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resources_root() -> Path:
    """The resources folder: frozen app, then installed wheel, then source checkout.

    A wheel carries `resources/` inside the package (hatch force-include); an editable
    install does not, so a checkout falls back to the folder beside the package.
    """
    frozen = getattr(sys, "_MEIPASS", None)
    candidates = [Path(frozen) / "resources"] if frozen else []
    candidates += [_PACKAGE / "resources", _PACKAGE.parent / "resources"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("bp-desktop's resources folder is missing; looked in "
                            + ", ".join(str(c) for c in candidates))


def resource_path(relative: str) -> Path:
    """The path of one resource, e.g. resource_path('datasets/iris.csv')."""
    return resources_root() / relative
