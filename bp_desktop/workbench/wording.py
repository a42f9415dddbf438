"""Words the model and the views both use, so a setting is named the same everywhere."""
from __future__ import annotations

# the feature scalings, as the control panel lists them and questions name them
SCALINGS = {"zscore": "mean normalisation (x − μ)/σ", "minmax": "min–max to [0, 1]", "none": "none"}


def count(number: int, noun: str) -> str:
    """3, 'output' -> '3 outputs'; 1, 'output' -> '1 output'."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
