"""The headless commands: `bp-desktop train`, `gradcheck` and `predict`. No Qt here.

They run the same engine as the window (Workspace, TrainingRun) on the calling thread
and print plain text, so they work over ssh, in scripts and in CI. Exit codes:
0 success, 1 a check failed or training diverged, 2 bad arguments or bad input (the
loader's message on stderr, never a traceback).
"""
from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import numpy as np

from bp_desktop.core import (ACTIVATIONS, COURSE_CHECK_LAMBDAS, OPTIMIZERS, Network, course_check,
                             course_check_report, gradient_check)
from bp_desktop.data import SCALER_KINDS, Dataset, DatasetError, Scaler, load_builtin, load_csv
from bp_desktop.data.csv_loader import load_csv_features, preview_csv
from bp_desktop.data.builtin import list_datasets
from bp_desktop.io import (WEIGHT_FORMATS, WeightsFileError, load_dataset, load_mat_dataset,
                           load_weights, onnx_unavailable, save_weights, weights_format)
from bp_desktop.io.dataset_files import MAT_SUFFIXES
from bp_desktop.training import Diverged, Hyperparameters, StopCriteria, TrainingRun
from bp_desktop.training.run import QUIET
from bp_desktop.training.workspace import (GRADIENT_CHECK_EXAMPLES, GRADIENT_CHECK_PASS,
                                           DataPreparation, NetworkSpec, Workspace,
                                           gradient_check_sample, weights_metadata)

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
PROGRESS_LINES = 10    # progress lines printed over a run (plus the last iteration)
DEFAULTS = Hyperparameters()


class BadInput(Exception):
    """Bad arguments or input found after parsing; the message goes to stderr as it is."""


# --- arguments ---------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bp-desktop",
        description="Headless commands of bp-desktop: train a network, check its gradients, or "
                    "predict with saved weights, without a display. Exit codes: 0 success, "
                    "1 a gradient check failed or training diverged, 2 bad arguments or input.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    train = commands.add_parser(
        "train", help="train a network and print its progress and accuracy",
        description="Train a network on a CSV file (features, then the label in the last column) or "
                    "a built-in dataset, printing the iteration, J and the training accuracy now and "
                    "then, and the final training and validation accuracy.")
    _data_arguments(train)
    _network_arguments(train)
    train.add_argument("--iterations", type=_whole, default=100,
                       help="iterations to train (default 100); CG may stop earlier when it converges")
    train.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default=DEFAULTS.optimizer,
                       help="; ".join(f"{key}: {text}" for key, text in OPTIMIZERS.items())
                            + f" (default {DEFAULTS.optimizer})")
    train.add_argument("--alpha", type=_positive, default=DEFAULTS.alpha,
                       help=f"learning rate α for gd, momentum and sgd (default {DEFAULTS.alpha:g})")
    train.add_argument("--momentum", type=float, default=DEFAULTS.momentum,
                       help=f"momentum μ in [0, 1) for the momentum optimiser (default {DEFAULTS.momentum:g})")
    train.add_argument("--batch-size", type=_whole, default=DEFAULTS.batch_size,
                       help=f"examples per mini-batch for sgd (default {DEFAULTS.batch_size})")
    train.add_argument("--export", metavar="WEIGHTS",
                       help="write the trained Θ and its metadata (class names, feature scaling, "
                            "hyper-parameters) here; the suffix picks the format: "
                            + ", ".join(WEIGHT_FORMATS) + " or a folder of CSV files. An .onnx model "
                            "takes the raw feature values (its first nodes apply the scaling)")
    train.add_argument("--float32", action="store_true",
                       help="with --export to .onnx: store float32 numbers, what most runtimes use, "
                            "instead of float64 (the default, which reads back exactly)")
    train.add_argument("--quiet", action="store_true", help="print only the final accuracy")
    check = commands.add_parser(
        "gradcheck", help="compare backprop's gradient with central differences",
        description="The course's gradient check (checkNNGradients): the relative difference "
                    "‖num − grad‖ / ‖num + grad‖ between central differences (ε = 1e-4) and "
                    f"backpropagation, at the initial Θ, on a sample of the training examples. "
                    f"PASS below {GRADIENT_CHECK_PASS:g} (exit 0), otherwise FAIL (exit 1).")
    _data_arguments(check)
    _network_arguments(check)
    check.add_argument("--examples", type=_whole, default=GRADIENT_CHECK_EXAMPLES,
                       help=f"training examples to check on (default {GRADIENT_CHECK_EXAMPLES}); "
                            "each weight costs two cost evaluations")
    check.add_argument("--course", action="store_true",
                       help="instead of a dataset, the course's own checkNNGradients: its debug "
                            "network 3-5-3 at λ = 0 and 3, printed as ex4.m prints it (numerical | "
                            "analytical, the relative difference), and sigmoidGradient's values; "
                            "exit 0 when both differences are below 1e-9")
    predict = commands.add_parser(
        "predict", help="print the predicted class of every row of a CSV file",
        description="Predict with saved weights: one class name per line on stdout. The feature "
                    "scaling and class names stored with the weights are applied when present. "
                    "When the file has one column more than the network has inputs, that column "
                    "(the last, or --label-column) holds labels and the accuracy goes to stderr.")
    predict.add_argument("weights", metavar="WEIGHTS",
                         help="weights file (" + ", ".join(WEIGHT_FORMATS) + " or a folder of CSV files)")
    predict.add_argument("data", metavar="DATA.csv",
                         help="CSV file of examples, with or without labels, or a MAT-file with X "
                              "and y (the course's ex4data1.mat)")
    predict.add_argument("--label-column", type=_column, metavar="COLUMN",
                         help="the label column, 0-based index or header name (default: the last)")
    return parser


def _data_arguments(parser: argparse.ArgumentParser) -> None:
    builtins = ", ".join(info.name for info in list_datasets())
    parser.add_argument("data", nargs="?", metavar="DATA.csv",
                        help="CSV file: one example per row, the label in the last column; or a "
                             "MAT-file with X (m × n) and y (m × 1), as the course's ex4data1.mat")
    parser.add_argument("--builtin", metavar="NAME", help=f"a built-in dataset instead of a file: {builtins}")
    parser.add_argument("--label-column", type=_column, metavar="COLUMN",
                        help="the label column, 0-based index or header name (default: the last)")
    parser.add_argument("--scaling", choices=list(SCALER_KINDS), default=DataPreparation.scaling,
                        help="feature scaling fitted on the training split: "
                             + "; ".join(f"{k}: {v}" for k, v in SCALER_KINDS.items())
                             + f" (default {DataPreparation.scaling})")
    parser.add_argument("--validation", type=_fraction, default=DataPreparation.validation,
                        help="share of the examples held out for validation, 0 for none "
                             f"(default {DataPreparation.validation:g})")


def _network_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hidden", type=_positive_whole, action="append", metavar="UNITS",
                        help="units of a hidden layer; repeat for more layers "
                             f"(default: one layer of {NetworkSpec.hidden[0]})")
    parser.add_argument("--activation", choices=sorted(ACTIVATIONS), default=NetworkSpec.activation,
                        help=f"g of the hidden layers (default {NetworkSpec.activation}); "
                             "the output layer is always sigmoid")
    parser.add_argument("--lambda", dest="lam", type=_non_negative, default=DEFAULTS.lam,
                        help=f"regularisation strength λ (default {DEFAULTS.lam:g})")
    parser.add_argument("--seed", type=_whole, default=0,
                        help="seed of the initial Θ, the validation split and the mini-batch "
                             "shuffling (default 0): the same seed gives the same run")


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def _positive(text: str) -> float:
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0; got {text}")
    return value


def _non_negative(text: str) -> float:
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be ≥ 0; got {text}")
    return value


def _fraction(text: str) -> float:
    value = _number(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must lie in [0, 1); got {text}")
    return value


def _whole(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be ≥ 0; got {text}")
    return value


def _positive_whole(text: str) -> int:
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be ≥ 1; got {text}")
    return value


def _column(text: str) -> int | str:
    try:
        return int(text)
    except ValueError:
        return text  # a header name


# --- entry point ---------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """Run one headless command, e.g. main(["train", "data.csv", "--hidden", "25"])."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    try:
        args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exit_:  # --help (0) or a usage error (2, argparse printed why)
        return int(exit_.code or 0)
    command = {"train": train, "gradcheck": gradcheck, "predict": predict}[args.command]
    try:
        # numbers near 1e308 overflow on the way; what matters is reported in words
        # (a diverged run, a failed check), never as numpy's RuntimeWarnings
        with np.errstate(**QUIET):
            return command(args, out, err)
    except (BadInput, DatasetError, WeightsFileError) as error:
        print(f"bp-desktop {args.command}: {error}", file=err)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. `bp-desktop train ... | head`: the reader has had enough
        # as Python's docs advise: point stdout at devnull, or flushing it at exit fails again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as error:  # e.g. --export into a folder that does not exist
        print(f"bp-desktop {args.command}: {error}", file=err)
        return EXIT_BAD_INPUT


# --- train ----------------------------------------------------------------------------------------
def train(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    _check_export(args)  # an unusable --export fails now, not after the training
    workspace = _workspace(args, err)
    hyper = Hyperparameters(optimizer=args.optimizer, alpha=args.alpha, lam=args.lam,
                            momentum=args.momentum, batch_size=args.batch_size, seed=args.seed)
    _checked(hyper.check)
    run = _checked(lambda: TrainingRun(workspace.new_network(), workspace.X_train, workspace.Y_train,
                                       X_val=workspace.X_val, Y_val=workspace.Y_val, hyper=hyper,
                                       stop=StopCriteria(max_iterations=args.iterations)))
    if not args.quiet:
        print(_describe(workspace, run), file=out)
    every = max(1, args.iterations // PROGRESS_LINES)
    try:
        while run.iteration < args.iterations:
            snapshot = run.step()
            reason = run.check_stop_criteria(snapshot)
            # the final line below gives J after the last iteration
            if not args.quiet and snapshot.theta_iteration % every == 0:
                print(_progress_line(snapshot), file=out)
            if reason:
                break
    except Diverged as error:
        print(f"bp-desktop train: {error}", file=err)
        return EXIT_FAILED
    if run.stop_reason and not args.quiet and not run.stop_reason.startswith("reached the maximum"):
        print(f"stopped: {run.stop_reason}", file=out)
    print(_final_line(run), file=out)
    if args.export:
        save_weights(run.network, args.export, metadata=weights_metadata(run, workspace),
                     dtype="float32" if args.float32 else "float64")
        print(f"weights written to {args.export}", file=out)
    return EXIT_OK


def _check_export(args: argparse.Namespace) -> None:
    fmt = weights_format(args.export) if args.export else None
    if args.float32 and fmt != "onnx":
        raise BadInput("--float32 applies to --export to an .onnx file")
    if fmt == "onnx" and onnx_unavailable():
        raise BadInput(f"--export {args.export}: {onnx_unavailable()}")


def _workspace(args: argparse.Namespace, err: TextIO) -> Workspace:
    dataset = _warned(_dataset(args), err)
    prep = DataPreparation(scaling=args.scaling, validation=args.validation, seed=args.seed)
    spec = NetworkSpec(hidden=tuple(args.hidden or NetworkSpec.hidden), activation=args.activation,
                       seed=args.seed)
    return _checked(lambda: Workspace(dataset, prep, spec))


def _dataset(args: argparse.Namespace) -> Dataset:
    if (args.data is None) == (args.builtin is None):
        raise BadInput("give a data file (CSV or .mat) or --builtin NAME (one of them)")
    if args.builtin is not None:
        if args.label_column is not None:
            raise BadInput("--label-column applies to CSV files, not to built-in datasets")
        return load_builtin(args.builtin)
    return load_dataset(args.data, label_column=args.label_column)


def _warned(dataset: Dataset, err: TextIO) -> Dataset:
    """The dataset, after printing what its loader found worth a second look."""
    for warning in dataset.warnings:
        print(f"bp-desktop: warning: {warning}", file=err)
    return dataset


def _checked(make):
    """Call make(); a ValueError from checking settings is bad input, not a crash."""
    try:
        return make()
    except ValueError as error:
        raise BadInput(str(error)) from None


def _describe(ws: Workspace, run: TrainingRun) -> str:
    d, h = ws.dataset, run.hyper
    m_val = 0 if ws.X_val is None else len(ws.X_val)
    settings = f"optimiser {h.optimizer}, λ = {h.lam:g}"
    if h.optimizer != "cg":
        settings += f", α = {h.alpha:g}"
    return (f"{d.name}: m = {d.m} ({len(ws.X_train)} training, {m_val} validation), n = {d.n}, "
            f"K = {d.num_classes}; network {'-'.join(map(str, ws.layer_sizes))} "
            f"({ws.spec.activation}); {settings}")


def _progress_line(s) -> str:
    # counted as the course's print-outs count: J of Θ after that many iterations
    line = (f"iteration {s.theta_iteration:>6}  J = {s.cost:<12.6g} "
            f"training accuracy {100 * s.train_accuracy:5.1f}%")
    if s.validation_accuracy is not None:
        line += f"  validation accuracy {100 * s.validation_accuracy:5.1f}%"
    return line


def _final_line(run: TrainingRun) -> str:
    """Accuracy at the final Θ (a snapshot shows Θ before its own update)."""
    final = run.preview()
    line = (f"final after {run.iteration} iterations: J = {final.cost:.6g}, "
            f"training accuracy {100 * final.train_accuracy:.2f}%")
    if final.validation_accuracy is not None:
        line += f", validation accuracy {100 * final.validation_accuracy:.2f}%"
    return line


# --- gradcheck ------------------------------------------------------------------------------------
def gradcheck(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.course:
        return _course_gradcheck(args, out)
    if args.examples < 1:
        raise BadInput("--examples must be at least 1")
    workspace = _workspace(args, err)
    network = workspace.new_network()
    X, Y = gradient_check_sample(workspace.X_train, workspace.Y_train, args.examples, args.seed)
    difference = gradient_check(network, X, Y, args.lam)
    passed = difference < GRADIENT_CHECK_PASS
    print(f"network {'-'.join(map(str, network.layer_sizes))} ({network.hidden_activation}), "
          f"{len(X)} examples, λ = {args.lam:g}", file=out)
    print(f"relative difference ‖num − grad‖ / ‖num + grad‖ = {difference:.3g}", file=out)
    print(f"{'PASS' if passed else 'FAIL'} (threshold {GRADIENT_CHECK_PASS:g})", file=out)
    return EXIT_OK if passed else EXIT_FAILED


def _course_gradcheck(args: argparse.Namespace, out: TextIO) -> int:
    if args.data is not None or args.builtin is not None:
        raise BadInput("--course checks the course's own debug network; give no data with it")
    checks = [course_check(lam) for lam in COURSE_CHECK_LAMBDAS]
    out.write(course_check_report(checks))
    return EXIT_OK if all(check.passed for check in checks) else EXIT_FAILED


# --- predict --------------------------------------------------------------------------------------
def predict(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    network, metadata = load_weights(args.weights)
    if metadata.get("import_note"):  # e.g. a softmax output read as sigmoid: the classes agree
        print(f"note: {metadata['import_note']}", file=err)
    X, true_names, data_classes = _examples(args.data, network.layer_sizes[0], args.label_column, err)
    if metadata.get("scaling") is not None:
        scaler = Scaler.from_dict(metadata["scaling"])
        if scaler.n != X.shape[1]:
            raise BadInput(f"{args.weights}: the stored feature scaling is for {scaler.n} features; "
                           f"the network has {X.shape[1]} inputs")
        X = scaler.transform(X)
    names = _class_names(metadata, network, data_classes)
    predicted = [names[k] for k in network.predict(X)]
    out.write("".join(f"{name}\n" for name in predicted))
    if true_names is not None:
        correct = sum(p == t for p, t in zip(predicted, true_names))
        print(f"accuracy {100 * correct / len(predicted):.2f}% ({correct} of {len(predicted)})", file=err)
    return EXIT_OK


def _class_names(metadata: dict, network: Network, data_classes: list[str] | None) -> list[str]:
    """The weights' class names; else the labelled data's classes when there are as many
    (the course's ex4weights.mat with ex4data1.mat: unit k is label k); else 0..K−1."""
    names = metadata.get("class_names")
    if names:
        return [str(name) for name in names]
    K = network.layer_sizes[-1]
    default = [str(k) for k in range(2 if K == 1 else K)]
    return data_classes if data_classes is not None and len(data_classes) == len(default) else default


def _examples(path: str, n: int, label_column,
              err: TextIO) -> tuple[np.ndarray, list[str] | None, list[str] | None]:
    """(X, each example's label, the classes), the last two None for unlabelled data: with
    n + 1 columns a CSV file is labelled, with n it is not; a MAT-file has X and y."""
    if Path(path).suffix.lower() in MAT_SUFFIXES:
        return _labelled(_warned(_mat_dataset(path, n, label_column), err))
    columns = preview_csv(path, rows=1).columns  # the loader's reading: delimiter, encoding
    if columns == n + 1:
        return _labelled(_warned(load_csv(path, label_column=label_column), err))
    if columns == n:
        if label_column is not None:
            raise BadInput(f"{Path(path).name}: {n} columns, as many as the network has inputs, "
                           "so there is no label column to choose")
        return load_csv_features(path).X, None, None
    raise BadInput(f"{Path(path).name}: {columns} column{'s' * (columns != 1)}; the network takes {n} "
                   f"input{'s' * (n != 1)}, so give "
                   f"{n} feature columns, optionally with one label column")


def _labelled(dataset: Dataset) -> tuple[np.ndarray, list[str], list[str]]:
    return dataset.X, [dataset.class_names[k] for k in dataset.y], dataset.class_names


def _mat_dataset(path: str, n: int, label_column) -> Dataset:
    if label_column is not None:
        raise BadInput(f"{Path(path).name}: --label-column applies to CSV files; a MAT-file's "
                       "labels are its variable y")
    dataset = load_mat_dataset(path)
    if dataset.n != n:
        raise BadInput(f"{Path(path).name}: X has {dataset.n} columns; the network takes {n} "
                       f"input{'s' * (n != 1)}")
    return dataset
