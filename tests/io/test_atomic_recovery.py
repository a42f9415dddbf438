"""After a save killed half-way: stale temporaries are cleaned up by the next save, a
half-swapped CSV weights folder is recovered, and the user's files are never deleted.

A kill is simulated by making a file-system call raise and the clean-up that would follow
fail too, so the state on disk is what a SIGKILL at that moment leaves. Temporaries then
count as an earlier process's by moving PROCESS_START past them.
"""
import errno
import os
import time

import pytest

from bp_desktop.core import Network
from bp_desktop.io import atomic, atomic_write, load_weights, save_weights
from bp_desktop.io.session import save_session

from .helpers import listing, same_bits

OLD, NEW = Network([3, 2, 2], seed=1), Network([3, 2, 2], seed=2)
WEIGHTS = ["Theta1.csv", "Theta2.csv", "manifest.json"]


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs (the clean-up is disabled as well)."""


def kill_at(monkeypatch, name, call_number=1):
    """Make the call_number-th call of atomic.os.<name> 'kill' the process, and disable
    every clean-up the exception would trigger."""
    real, calls = getattr(atomic.os, name), []

    def killing(*args, **kwargs):
        calls.append(args)
        if len(calls) == call_number:
            monkeypatch.setattr(atomic.os, "replace", lambda *a, **k: None)  # no roll-back
            monkeypatch.setattr(atomic.os, "unlink", lambda *a, **k: None)
            monkeypatch.setattr(atomic.shutil, "rmtree", lambda *a, **k: None)
            raise Killed
        return real(*args, **kwargs)
    monkeypatch.setattr(atomic.os, name, killing)


def restart(monkeypatch):
    """A new process: the real calls back, and what is on disk now is older than it."""
    monkeypatch.undo()
    monkeypatch.setattr(atomic, "PROCESS_START", time.time() + 1)


def temporaries(folder):
    return [name for name in listing(folder) if ".tmp-" in name]


# --- 9: stale temporaries ---------------------------------------------------------------------
def test_a_killed_save_leaves_a_temporary_that_the_next_save_removes(tmp_path, monkeypatch):
    path = tmp_path / "w.json"
    save_weights(OLD, path)
    for _ in range(5):
        kill_at(monkeypatch, "replace")
        with pytest.raises(Killed):
            save_weights(NEW, path)
        monkeypatch.undo()
    assert len(temporaries(tmp_path)) == 5
    restart(monkeypatch)
    save_weights(NEW, path)
    assert listing(tmp_path) == ["w.json"]
    assert same_bits(load_weights(path)[0].thetas, NEW.thetas)


def test_only_this_targets_temporaries_of_an_earlier_process_are_removed(tmp_path, monkeypatch):
    names = [".f.bin.tmp-0123abcd",          # this target's, an earlier process's: removed
             ".g.bin.tmp-0123abcd",          # another target's
             ".f.bin.tmp-notes",             # not this app's naming scheme
             "f.bin.tmp-0123abcd", "notes.txt"]
    for name in names:
        (tmp_path / name).write_bytes(b"keep?")
    monkeypatch.setattr(atomic, "PROCESS_START", time.time() + 1)
    atomic_write(tmp_path / "f.bin", lambda stream: stream.write(b"new"))
    assert listing(tmp_path) == sorted(["f.bin"] + names[1:])


def test_temporaries_younger_than_the_process_are_left_alone(tmp_path, monkeypatch):
    (tmp_path / ".f.bin.tmp-0123abcd").write_bytes(b"a concurrent save's")
    monkeypatch.setattr(atomic, "PROCESS_START", time.time() - 3600)
    atomic_write(tmp_path / "f.bin", lambda stream: stream.write(b"new"))
    assert listing(tmp_path) == [".f.bin.tmp-0123abcd", "f.bin"]


def test_sessions_clean_up_after_a_killed_save_too(tmp_path, monkeypatch):
    from .test_session import new_run, train
    ws, run = new_run("gd")
    train(run, 1)
    path = tmp_path / "run.bpsession"
    kill_at(monkeypatch, "replace")
    with pytest.raises(Killed):
        save_session(path, run, ws)
    restart(monkeypatch)
    save_session(path, run, ws)
    assert listing(tmp_path) == ["run.bpsession"]


@pytest.mark.parametrize("call", ["open", "replace", "fsync"])
def test_errors_name_the_target_not_the_temporary(tmp_path, monkeypatch, call):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), *map(str, args[:1]))
    monkeypatch.setattr(atomic.os, call, refuse)
    with pytest.raises(PermissionError) as caught:
        save_weights(NEW, tmp_path / "w.json")
    assert str(caught.value) == f"[Errno 13] Permission denied: '{tmp_path / 'w.json'}'"
    assert caught.value.filename == str(tmp_path / "w.json")


# --- 10: CSV weights folders ----------------------------------------------------------------------
@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "w"
    save_weights(OLD, path)
    (path / ".my_notes.txt").write_text("mine")
    os.chmod(path, 0o755)
    return path


def test_saving_over_a_folder_keeps_the_users_files_and_the_mode(folder):
    save_weights(NEW, folder)
    assert listing(folder) == [".my_notes.txt"] + WEIGHTS
    assert (folder / ".my_notes.txt").read_text() == "mine"
    assert folder.stat().st_mode & 0o777 == 0o755
    assert same_bits(load_weights(folder)[0].thetas, NEW.thetas)
    assert listing(folder.parent) == ["w"] + [f"w/{name}" for name in [".my_notes.txt"] + WEIGHTS]


def test_a_smaller_network_leaves_no_old_theta_files(folder):
    save_weights(Network([3, 2], seed=3), folder)
    assert listing(folder) == [".my_notes.txt", "Theta1.csv", "manifest.json"]


def test_a_new_folder_gets_the_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        save_weights(NEW, tmp_path / "w")
    finally:
        os.umask(umask)
    assert (tmp_path / "w").stat().st_mode & 0o777 == 0o755


@pytest.mark.parametrize("recover", ["load", "save"])
def test_a_kill_between_the_renames_is_undone_on_the_next_load_or_save(folder, monkeypatch, recover):
    kill_at(monkeypatch, "replace", call_number=2)  # 1: the old folder aside, 2: the new one in
    with pytest.raises(Killed):
        save_weights(NEW, folder)
    assert not folder.exists()  # what a kill at that moment leaves
    restart(monkeypatch)
    if recover == "load":
        assert same_bits(load_weights(folder)[0].thetas, OLD.thetas)
    else:
        save_weights(NEW, folder)
        assert same_bits(load_weights(folder)[0].thetas, NEW.thetas)
    assert (folder / ".my_notes.txt").read_text() == "mine"
    assert folder.stat().st_mode & 0o777 == 0o755
    assert temporaries(folder.parent) == []


def test_a_kill_after_the_renames_is_completed_on_the_next_load(folder, monkeypatch):
    kill_at(monkeypatch, "replace", call_number=3)  # 3: the notes into the new folder
    with pytest.raises(Killed):
        save_weights(NEW, folder)
    assert not (folder / ".my_notes.txt").exists()  # still in the old folder, aside
    restart(monkeypatch)
    assert same_bits(load_weights(folder)[0].thetas, NEW.thetas)
    assert listing(folder.parent) == ["w"] + [f"w/{name}" for name in [".my_notes.txt"] + WEIGHTS]


def test_a_kill_while_writing_the_new_folder_leaves_the_old_one_and_is_cleaned_up(folder, monkeypatch):
    kill_at(monkeypatch, "fsync")
    with pytest.raises(Killed):
        save_weights(NEW, folder)
    assert len([name for name in temporaries(folder.parent) if "/" not in name]) == 1
    restart(monkeypatch)
    assert same_bits(load_weights(folder)[0].thetas, OLD.thetas)
    assert temporaries(folder.parent) == []
