"""What the app trains on: a dataset prepared as the course does it (split, feature
scaling fitted on the training split) and a network shaped to fit it."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from bp_desktop.core import Network
from bp_desktop.data import Dataset, Scaler, split

from .run import TrainingRun

GRADIENT_CHECK_EXAMPLES = 20   # the check runs on a sample: it costs 2 cost evaluations per weight
GRADIENT_CHECK_PASS = 1e-7     # the course's threshold for "backprop agrees with the numbers"


@dataclass(frozen=True)
class NetworkSpec:
    """The hidden layers and their initialisation; inputs and outputs come from the data."""

    hidden: tuple[int, ...] = (8,)
    activation: str = "sigmoid"
    epsilon: float | None = None   # None: the course's √6/√(s_l + s_{l+1})
    seed: int = 0


@dataclass(frozen=True)
class DataPreparation:
    scaling: str = "zscore"        # "zscore" (mean normalisation), "minmax" or "none"
    validation: float = 0.2        # share of the examples held out
    seed: int = 0


def output_units(num_classes: int) -> int:
    """K output units; two classes need only one (h ≥ 0.5 means class 1), as in the course's
    logistic regression."""
    return 1 if num_classes == 2 else num_classes


def targets(dataset: Dataset) -> np.ndarray:
    """Y as the output layer sees it: one-hot for K > 2 classes, a single 0/1 column for two."""
    if dataset.num_classes == 2:
        return dataset.y.astype(float)[:, None]
    return np.asarray(dataset.Y)


@dataclass
class Workspace:
    dataset: Dataset
    preparation: DataPreparation = field(default_factory=DataPreparation)
    spec: NetworkSpec = field(default_factory=NetworkSpec)

    def __post_init__(self):
        prep = self.preparation
        parts = split(self.dataset, train=1.0 - prep.validation, validation=prep.validation,
                      test=0.0, seed=prep.seed)
        self.train, self.validation = parts.train, parts.validation
        self.scaler = Scaler.fit(self.train.X, prep.scaling)
        self.X_train = self.scaler.transform(self.train.X)
        self.Y_train = targets(self.train)
        if self.validation is not None:
            self.X_val = self.scaler.transform(self.validation.X)
            self.Y_val = targets(self.validation)
        else:
            self.X_val = self.Y_val = None

    @property
    def layer_sizes(self) -> list[int]:
        return [self.dataset.n, *self.spec.hidden, output_units(self.dataset.num_classes)]

    def new_network(self) -> Network:
        spec = self.spec
        return Network(self.layer_sizes, hidden_activation=spec.activation, seed=spec.seed,
                       epsilon_init=spec.epsilon)


def gradient_check_sample(X: np.ndarray, Y: np.ndarray, count: int = GRADIENT_CHECK_EXAMPLES,
                          seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """`count` examples drawn without replacement (the same ones for the same seed), since a
    gradient check costs two cost evaluations per weight."""
    rows = np.random.default_rng(seed).permutation(len(X))[:count]
    return X[rows], Y[rows]


def weights_metadata(run: TrainingRun, ws: Workspace) -> dict:
    """What makes exported weights usable elsewhere: names, scaling, training settings.
    The window and the command line both write exactly this."""
    dataset = ws.dataset
    return {"class_names": list(dataset.class_names), "feature_names": list(dataset.feature_names),
            "scaling": ws.scaler.to_dict(), "hyperparameters": asdict(run.hyper),
            "iteration": run.iteration,
            "final_cost": _cost_of_written_weights(run),
            "dataset": {"name": Path(dataset.source).name, "source": dataset.source,
                        "sha256": dataset.sha256}}


def _cost_of_written_weights(run: TrainingRun) -> float | None:
    """J (λ term included) at the Θ being written: the history's last cost is J at the Θ
    before the last update, which a reader checking the file would not find."""
    cost = run.network.cost(run.X, run.Y, run.hyper.lam)
    return cost if math.isfinite(cost) else None
