"""The application model: the workbench the views show (no Qt; see model.py)."""
from .engine import InlineEngine
from .model import MEAN_EXAMPLE, MODES, Selection, Workbench, WorkbenchEvents, snapshot_network
from .weights_import import WeightsImport, WeightsMismatch

__all__ = ["MEAN_EXAMPLE", "MODES", "InlineEngine", "Selection", "WeightsImport", "WeightsMismatch",
           "Workbench", "WorkbenchEvents", "snapshot_network"]
