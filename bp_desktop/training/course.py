"""The course's own set-ups as the app's settings: exercise 4 as ex4.m runs it."""
from __future__ import annotations

from dataclasses import dataclass, replace

from bp_desktop.data import Dataset

from .run import Hyperparameters, StopCriteria
from .workspace import DataPreparation, NetworkSpec

EX4_IMAGE_SHAPE = (20, 20)                          # ex4data1.mat: 400 pixels a row
EX4_CLASS_NAMES = [str(k) for k in range(1, 11)]    # labels 1..10, 10 standing for the digit 0


@dataclass(frozen=True)
class Settings:
    """Everything the control panel sets: data preparation, network, optimiser, stop."""

    preparation: DataPreparation
    spec: NetworkSpec
    hyper: Hyperparameters
    stop: StopCriteria


def is_exercise4_layout(dataset: Dataset) -> bool:
    """X of 400 features (20×20 images) and y with the labels 1..10: ex4data1.mat's layout."""
    return (dataset.n == EX4_IMAGE_SHAPE[0] * EX4_IMAGE_SHAPE[1]
            and dataset.image_shape == EX4_IMAGE_SHAPE
            and list(dataset.class_names) == EX4_CLASS_NAMES)


def exercise4_settings(current: Settings) -> Settings:
    """`current` with what ex4.m sets, and nothing else (the seeds, α, μ and batch size stay):
    raw pixels and all examples for training (ex4.m neither scales nor splits), one hidden
    layer of 25 sigmoid units (400-25-10), randInitializeWeights' ε_init = 0.12, λ = 1, and
    fmincg with MaxIter 50, the only stop criterion (the others would end it early)."""
    return Settings(
        preparation=replace(current.preparation, scaling="none", validation=0.0),
        spec=replace(current.spec, hidden=(25,), activation="sigmoid", epsilon=0.12),
        hyper=replace(current.hyper, optimizer="cg", lam=1.0),
        stop=StopCriteria(max_iterations=50))


EXERCISE4_QUESTION = (
    "{name} has the layout of the course's exercise 4: 400 pixels (20×20 images) and labels "
    "1..10. Set up as in exercise 4? Raw pixels (no feature scaling), every example for "
    "training (no validation split), network 400-25-10 with sigmoid units, ε_init = 0.12, "
    "λ = 1, and conjugate gradient (fmincg) for 50 iterations, as ex4.m runs it.")
