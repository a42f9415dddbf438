"""Turning a saved session (a plain structure from io) back into a workspace and a run."""
from __future__ import annotations

from bp_desktop.core import Network
from bp_desktop.io.session import Session
from bp_desktop.training import TrainingRun
from bp_desktop.training.workspace import Workspace


def restore_session(session: Session) -> tuple[Workspace, TrainingRun]:
    """The workspace and a run that continues exactly where the saved one stopped."""
    workspace = Workspace(session.dataset, session.preparation, session.spec)
    network = Network(workspace.layer_sizes, hidden_activation=session.spec.activation,
                      seed=session.spec.seed, epsilon_init=session.spec.epsilon)
    network.params[...] = session.params
    run = TrainingRun(network, workspace.X_train, workspace.Y_train, X_val=workspace.X_val,
                      Y_val=workspace.Y_val, hyper=session.hyper, stop=session.stop)
    run.selected_example = session.selected_example
    run.resume(iteration=session.iteration, initial_params=session.initial_params,
               history_rows=session.history_rows, optimizer_state=session.optimizer_state)
    return workspace, run
