"""Deciding whether an imported Θ fits the data, and what to ask the user first.

The window asks the questions; this module decides which ones there are, so the rules have
plain tests: a file whose inputs or outputs do not fit is refused, other class names, another
architecture or trained weights about to be lost need a yes, and the feature scaling the file
was trained with is offered.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from bp_desktop.core import Network
from bp_desktop.data import DatasetError, Scaler
from bp_desktop.training.workspace import DataPreparation, NetworkSpec, Workspace
from .wording import SCALINGS, count


class WeightsMismatch(ValueError):
    """The file's network cannot be used on the current data (inputs or outputs differ)."""


@dataclass
class WeightsImport:
    """What importing `network` (with its file's `metadata`) would do.

    confirmations      questions that must all be answered yes, or nothing is imported
    scaling_question   an offer to switch to the scaling the file records (None: nothing to offer)
    """

    path: str
    network: Network
    metadata: dict
    spec: NetworkSpec
    wanted_scaling: str | None
    confirmations: list[str] = field(default_factory=list)
    scaling_question: str | None = None

    def preparation(self, current: DataPreparation, use_file_scaling: bool) -> DataPreparation:
        if use_file_scaling and self.wanted_scaling is not None:
            return replace(current, scaling=self.wanted_scaling)
        return current


def plan_import(path: str, network: Network, metadata: dict, workspace: Workspace,
                discard_question: str | None) -> WeightsImport:
    """The plan for importing `network` into `workspace`; raises WeightsMismatch if it cannot fit."""
    sizes, needed = list(network.layer_sizes), workspace.layer_sizes
    if sizes[0] != needed[0] or sizes[-1] != needed[-1]:
        raise WeightsMismatch(
            f"{path}: the network in this file has {count(sizes[0], 'input')} and "
            f"{count(sizes[-1], 'output')} ({'-'.join(map(str, sizes))}); the dataset "
            f"{workspace.dataset.name} needs {count(needed[0], 'input')} and "
            f"{count(needed[-1], 'output')}.")
    spec = replace(workspace.spec, hidden=tuple(sizes[1:-1]), activation=network.hidden_activation)
    plan = WeightsImport(path, network, metadata, spec, None)
    classes, ours = metadata.get("class_names"), list(workspace.dataset.class_names)
    if classes is not None and list(classes) != ours:
        plan.confirmations.append(
            f"{path} was trained for the classes {', '.join(map(str, classes))}; "
            f"{workspace.dataset.name} has {', '.join(map(str, ours))}. Import these weights anyway?")
    if spec != workspace.spec:
        plan.confirmations.append(
            f"The file's network is {'-'.join(map(str, sizes))} ({network.hidden_activation}); the "
            f"current one is {'-'.join(map(str, needed))} ({workspace.spec.activation}). "
            "Switch to the file's architecture?")
    elif discard_question is not None:
        plan.confirmations.append(discard_question)
    plan.wanted_scaling, plan.scaling_question = _scaling_offer(workspace.preparation, metadata)
    return plan


def _scaling_offer(preparation: DataPreparation, metadata: dict) -> tuple[str | None, str | None]:
    """The scaling the imported weights expect and the question offering it: 'none' for a file
    that records none (the course's ex4weights.mat was trained on raw values), else the kind
    the file records. (None, None) when there is nothing to offer."""
    if "scaling" not in metadata:
        wanted, question = "none", (
            "This file records no feature scaling: it was trained on the raw feature values, "
            "as the course's ex4weights.mat was. Use the raw values too (Scaling: none), so "
            "the inputs are the ones these weights expect?")
    else:
        recorded = recorded_scaler(metadata)
        if recorded is None:
            return None, None  # a scaling entry this version cannot read: nothing to offer
        wanted, question = recorded.kind, (
            f"These weights were trained on inputs scaled by {SCALINGS[recorded.kind]}; "
            f"the current scaling is {SCALINGS[preparation.scaling]}. Switch to the "
            "file's scaling, so the inputs are the ones these weights expect?")
    if wanted == preparation.scaling:
        return None, None
    return wanted, question


def scaling_note(metadata: dict, workspace: Workspace) -> str:
    """A note when the file's scaling is of the kind in use but was fitted on other data."""
    recorded = recorded_scaler(metadata)
    if (recorded is not None and recorded.kind == workspace.preparation.scaling
            and not recorded.matches(workspace.scaler)):
        return ("the file's feature scaling was fitted on other data than this training "
                "split, so inputs here are scaled a little differently from its training")
    return ""


def recorded_scaler(metadata: dict) -> Scaler | None:
    """The feature scaling a weights file records, or None (absent, or unreadable)."""
    try:
        return Scaler.from_dict(metadata["scaling"])
    except (KeyError, DatasetError):
        return None
