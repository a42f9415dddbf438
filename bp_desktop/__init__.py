"""bp-desktop: see backpropagation happen."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bp-desktop")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
