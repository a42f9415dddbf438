"""Shared by the packaging tests: the checkout, packaging/ scripts, a clean environment."""
import importlib.util
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging"


def load_script(name: str):
    """Import packaging/<name>.py (packaging/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"bp_packaging_{name}", PACKAGING / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without anything that would lead Python back to the checkout."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    return {**env, "QT_QPA_PLATFORM": "offscreen", **extra}
