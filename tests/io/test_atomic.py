"""Writes are atomic: after any failure the old file is intact and nothing is left behind.
Tests run as root, which ignores file permissions, so failures are injected by patching
the file-system calls to raise the OSError a full disk or a read-only folder would."""
import errno
import os
from pathlib import Path

import numpy as np
import pytest

from bp_desktop.core import Network
from bp_desktop.io import WeightsFileError, atomic_directory, atomic_write, load_weights, save_weights
from bp_desktop.io import atomic

from .helpers import FILE_NAMES, FORMATS, listing, same_bits

OLD, NEW = Network([3, 2, 2], seed=1), Network([3, 2, 2], seed=2)


def disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def permission_denied(*args, **kwargs):
    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))


# --- atomic_write ---------------------------------------------------------------------
def test_atomic_write_replaces_the_content(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"old")
    atomic_write(path, lambda stream: stream.write(b"new"))
    assert path.read_bytes() == b"new"
    assert listing(tmp_path) == ["f.bin"]


def test_a_failing_writer_leaves_the_old_file_and_no_temp_file(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"old")

    def half_then_fail(stream):
        stream.write(b"partial new cont")
        raise RuntimeError("the writer broke")
    with pytest.raises(RuntimeError, match="the writer broke"):
        atomic_write(path, half_then_fail)
    assert path.read_bytes() == b"old"
    assert listing(tmp_path) == ["f.bin"]


def test_a_failing_writer_creates_no_file_when_there_was_none(tmp_path):
    with pytest.raises(OSError):
        atomic_write(tmp_path / "f.bin", disk_full)
    assert listing(tmp_path) == []


@pytest.mark.parametrize("call, failure", [("fsync", disk_full), ("replace", permission_denied),
                                           ("replace", disk_full), ("open", permission_denied)])
def test_file_system_failures_leave_the_old_file(call, failure, tmp_path, monkeypatch):
    path = tmp_path / "f.bin"
    path.write_bytes(b"old")
    monkeypatch.setattr(atomic.os, call, failure)
    with pytest.raises(OSError):
        atomic_write(path, lambda stream: stream.write(b"new"))
    monkeypatch.undo()
    assert path.read_bytes() == b"old"
    assert listing(tmp_path) == ["f.bin"]


def test_new_files_get_the_usual_permissions_and_replaced_ones_keep_theirs(tmp_path):
    umask = os.umask(0o022)
    try:
        atomic_write(tmp_path / "new.bin", lambda stream: stream.write(b"x"))
        assert (tmp_path / "new.bin").stat().st_mode & 0o777 == 0o644
        (tmp_path / "old.bin").write_bytes(b"old")
        os.chmod(tmp_path / "old.bin", 0o640)
        atomic_write(tmp_path / "old.bin", lambda stream: stream.write(b"new"))
        assert (tmp_path / "old.bin").stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(umask)


def test_a_symbolic_link_stays_and_its_target_is_replaced(tmp_path):
    (tmp_path / "target.bin").write_bytes(b"old")
    (tmp_path / "link.bin").symlink_to(tmp_path / "target.bin")
    atomic_write(tmp_path / "link.bin", lambda stream: stream.write(b"new"))
    assert (tmp_path / "link.bin").is_symlink()
    assert (tmp_path / "target.bin").read_bytes() == b"new"


# --- atomic_directory -------------------------------------------------------------------
def fill(files):
    def write(folder: Path):
        for name, content in files.items():
            (folder / name).write_bytes(content)
    return write


def test_atomic_directory_creates_and_replaces_a_folder(tmp_path):
    atomic_directory(tmp_path / "d", fill({"a": b"1", "b": b"2"}))
    atomic_directory(tmp_path / "d", fill({"c": b"3"}))
    assert listing(tmp_path) == ["d", "d/c"]


def test_a_failing_folder_writer_leaves_the_old_folder(tmp_path):
    atomic_directory(tmp_path / "d", fill({"a": b"1"}))

    def half_then_fail(folder):
        (folder / "a").write_bytes(b"partial")
        disk_full()
    with pytest.raises(OSError):
        atomic_directory(tmp_path / "d", half_then_fail)
    assert listing(tmp_path) == ["d", "d/a"]
    assert (tmp_path / "d" / "a").read_bytes() == b"1"


def test_when_the_new_folder_cannot_move_in_the_old_one_is_put_back(tmp_path, monkeypatch):
    atomic_directory(tmp_path / "d", fill({"a": b"1"}))
    real_replace, calls = os.replace, []

    def second_rename_fails(source, target):
        calls.append((source, target))
        if len(calls) == 2:  # 1: old folder aside, 2: new folder into place
            disk_full()
        real_replace(source, target)
    monkeypatch.setattr(atomic.os, "replace", second_rename_fails)
    with pytest.raises(OSError):
        atomic_directory(tmp_path / "d", fill({"b": b"2"}))
    assert listing(tmp_path) == ["d", "d/a"]


def test_atomic_directory_refuses_to_replace_a_file(tmp_path):
    (tmp_path / "d").write_bytes(b"a file")
    with pytest.raises(NotADirectoryError):
        atomic_directory(tmp_path / "d", fill({"a": b"1"}))
    assert (tmp_path / "d").read_bytes() == b"a file"


# --- save_weights in every format -------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("call, failure", [("fsync", disk_full), ("replace", permission_denied)])
def test_a_failed_save_keeps_the_old_weights_in_every_format(fmt, call, failure, tmp_path, monkeypatch):
    path = tmp_path / FILE_NAMES[fmt]
    save_weights(OLD, path)
    before = listing(tmp_path)
    monkeypatch.setattr(atomic.os, call, failure)
    with pytest.raises(OSError):
        save_weights(NEW, path)
    monkeypatch.undo()
    assert listing(tmp_path) == before
    assert same_bits(load_weights(path)[0].thetas, OLD.thetas)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_failed_first_save_leaves_nothing(fmt, tmp_path, monkeypatch):
    monkeypatch.setattr(atomic.os, "fsync", disk_full)
    with pytest.raises(OSError):
        save_weights(NEW, tmp_path / FILE_NAMES[fmt])
    assert listing(tmp_path) == []


@pytest.mark.parametrize("fmt", ["mat", "npz", "json", "csv-zip"])
def test_a_writer_failing_midway_keeps_the_old_file(fmt, tmp_path, monkeypatch):
    path = tmp_path / FILE_NAMES[fmt]
    save_weights(OLD, path)
    old_bytes = path.read_bytes()
    real_write = atomic_write

    def writer_fails_after_some_bytes(target, write_fn):
        def partial(stream):
            stream.write(b"some bytes first")
            disk_full()
        real_write(target, partial)
    monkeypatch.setattr("bp_desktop.io.weights.atomic_write", writer_fails_after_some_bytes)
    with pytest.raises(OSError):
        save_weights(NEW, path)
    assert path.read_bytes() == old_bytes
    assert listing(tmp_path) == [path.name]


def test_saving_a_csv_folder_never_replaces_a_folder_of_other_files(tmp_path):
    folder = tmp_path / "Documents"
    folder.mkdir()
    (folder / "thesis.tex").write_text("precious")
    with pytest.raises(WeightsFileError, match="holding other files \\(thesis.tex\\)"):
        save_weights(NEW, folder)
    assert listing(tmp_path) == ["Documents", "Documents/thesis.tex"]


def test_saving_into_an_empty_folder_fills_it(tmp_path):
    (tmp_path / "w").mkdir()
    save_weights(NEW, tmp_path / "w")
    assert listing(tmp_path / "w") == ["Theta1.csv", "Theta2.csv", "manifest.json"]


# --- what save_weights refuses before writing anything -----------------------------------
@pytest.mark.parametrize("metadata, message", [
    ({"class_names": ["only one"]}, "'class_names' must be a list of 2"),
    ({"feature_names": ["a", "b"]}, "'feature_names' must be a list of 3"),
    ({"final_cost": float("nan")}, "JSON-able"),
    ({"iteration": -3}, "'iteration'"),
    ({"dataset": {"sha256": "xyz"}}, "sha256"),
    ({"scaling": object()}, "JSON-able"),
    (["not", "a", "dict"], "metadata must be a dict"),
])
@pytest.mark.parametrize("fmt", ["mat", "csv-folder"])
def test_bad_metadata_is_refused_before_writing(metadata, message, fmt, tmp_path):
    with pytest.raises(ValueError, match=message):
        save_weights(NEW, tmp_path / FILE_NAMES[fmt], metadata=metadata)
    assert listing(tmp_path) == []


def test_non_finite_weights_are_not_saved(tmp_path):
    network = Network([3, 2, 2], seed=1)
    network.params[4] = np.nan  # training diverged
    with pytest.raises(ValueError, match="non-finite"):
        save_weights(network, tmp_path / "w.mat")
    assert listing(tmp_path) == []


@pytest.mark.parametrize("name, message", [("w.csv", "folder or a .zip"), ("w.h5", "'.h5'")])
def test_unknown_suffixes_are_refused_when_saving(name, message, tmp_path):
    with pytest.raises(WeightsFileError, match=message):
        save_weights(NEW, tmp_path / name)
    assert listing(tmp_path) == []


@pytest.mark.parametrize("extra", [".git", "notes"])
def test_a_weights_folder_with_a_subfolder_is_not_replaced(extra, tmp_path):
    save_weights(OLD, tmp_path / "w")
    (tmp_path / "w" / extra).mkdir()
    with pytest.raises(WeightsFileError, match=f"holding other files \\({extra}\\)"):
        save_weights(NEW, tmp_path / "w")
    assert (tmp_path / "w" / extra).is_dir()


def test_a_weights_folder_with_hidden_files_is_replaced(tmp_path):
    save_weights(OLD, tmp_path / "w")
    (tmp_path / "w" / ".DS_Store").write_bytes(b"finder")
    save_weights(NEW, tmp_path / "w")
    assert same_bits(load_weights(tmp_path / "w")[0].thetas, NEW.thetas)
