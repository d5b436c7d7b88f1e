"""Nothing a user owns is lost: saving through links, and FIFOs, sockets and devices left alone.

Every file the app writes (experiments, settings, CSV and image exports, scripts, the
command line's CSV) is written beside its target and renamed into place.  A symbolic
link is followed, so the file it points to gets the new content and the link stays; a
FIFO, a socket or a device is refused with an OSError that says what it is, never
replaced (saving to /dev/full as root used to replace the device node) and never opened
(a FIFO would block).  Settings are read the same careful way.  Device nodes are made in
the test's own folder (like /dev/full: major 1, minor 7), never the real /dev.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

import playground
from playground.cli import EXIT_ERROR, EXIT_OK
from playground.cli import main as cli_main
from playground.core.config import TrainConfig
from playground.core.persistence import (
    AtomicTextFile,
    Experiment,
    NotRegularFileError,
    RecordedRun,
    atomic_write_text,
    atomic_write_with,
    load_experiment,
    save_experiment,
)
from playground.gui.settings import Settings, config_dir, load_settings, save_settings

SMALL = dict(N=8, D_in=12, H=6, D_out=3)
SPECIAL = ["fifo", "socket", "device"]
#: What the refusal says for each kind of special file.
SPECIAL_WORDS = {"fifo": "FIFO", "socket": "socket", "device": "device"}
HANG_SECONDS = 20.0


# -- helpers ------------------------------------------------------------------------------
#: Device numbers: /dev/full (writes fail: no space) and /dev/null (reads end at once).  A test
#: that reads never uses /dev/full: it reads zeros without end, and the old code would then
#: fill the memory instead of failing.
DEV_FULL = (1, 7)
DEV_NULL = (1, 3)


def make_special(kind: str, folder: Path, name: str = "target", device: tuple[int, int] = DEV_FULL) -> Path:
    """A FIFO, a Unix socket or a character device (/dev/full by default) at ``folder / name``."""
    path = folder / name
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        here = os.getcwd()
        os.chdir(folder)  # a socket's path must be short: bind it by its bare name
        try:
            sock.bind(name)
        finally:
            os.chdir(here)
            sock.close()  # the socket file stays
    else:
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(*device))
        except PermissionError:
            pytest.skip("making a device node needs root")
    return path


def file_type(path: Path) -> int:
    return stat.S_IFMT(os.lstat(path).st_mode)


def kind_of(kind: str) -> int:
    return {"fifo": stat.S_IFIFO, "socket": stat.S_IFSOCK, "device": stat.S_IFCHR}[kind]


def leftovers(folder: Path) -> list[str]:
    """Temporary files a save left behind (they start with a dot and end with .tmp…)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and ".tmp" in p.name)


def unblock(fifo: Path) -> None:
    """Open the other end of ``fifo``, so that a thread stuck opening it (the old code) returns."""
    for flags in (os.O_RDONLY | os.O_NONBLOCK, os.O_WRONLY | os.O_NONBLOCK):
        try:
            os.close(os.open(fifo, flags))
        except OSError:
            pass


def in_thread(fn, fifo: Path | None = None):
    """``fn()``'s result or exception; a call that hangs fails the test instead of the run."""
    box: list = []

    def call():
        try:
            box.append(fn())
        except BaseException as exc:  # noqa: BLE001 - handed to the test to judge
            box.append(exc)

    t = threading.Thread(target=call, daemon=True)
    t.start()
    t.join(HANG_SECONDS)
    if t.is_alive():
        if fifo is not None:
            unblock(fifo)
            t.join(HANG_SECONDS)
        pytest.fail("it waited on the FIFO instead of refusing it")
    return box[0]


def make_links(tmp_path: Path) -> dict[str, tuple[Path, Path]]:
    """(link, file it points to) for an absolute link, a relative one and a chain of two."""
    real = tmp_path / "real"
    real.mkdir()
    out = {}
    for name in ("absolute", "relative", "chain"):
        target = real / f"{name}.txt"
        target.write_text("old", encoding="utf-8")
        target.chmod(0o640)
        link = tmp_path / f"{name}-link.txt"
        if name == "absolute":
            link.symlink_to(target)
        elif name == "relative":
            link.symlink_to(Path("real") / target.name)
        else:
            middle = tmp_path / "middle.txt"
            middle.symlink_to(target)
            link.symlink_to(middle.name)
        out[name] = (link, target)
    return out


# -- atomic writes in the core ---------------------------------------------------------------
@pytest.mark.parametrize("how", ["absolute", "relative", "chain"])
def test_saving_through_a_link_writes_the_file_it_points_to_and_keeps_the_link(tmp_path, how):
    link, target = make_links(tmp_path)[how]
    before = os.readlink(link)
    atomic_write_text(link, "new")
    assert link.is_symlink() and os.readlink(link) == before
    assert target.read_text(encoding="utf-8") == "new"
    assert target.stat().st_mode & 0o777 == 0o640  # the file keeps its mode
    assert leftovers(tmp_path) == [] and leftovers(target.parent) == []


def test_saving_through_a_dangling_link_creates_the_file_it_names(tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to("made-later.json")
    atomic_write_text(link, "{}")
    assert link.is_symlink() and (tmp_path / "made-later.json").read_text(encoding="utf-8") == "{}"


@pytest.mark.parametrize("via_link", [False, True], ids=["direct", "through a link"])
@pytest.mark.parametrize("kind", SPECIAL)
def test_a_fifo_socket_or_device_is_refused_never_replaced_or_waited_on(tmp_path, kind, via_link):
    special = make_special(kind, tmp_path)
    path = special
    if via_link:
        path = tmp_path / "link"
        path.symlink_to(special.name)
    outcome = in_thread(lambda: atomic_write_text(path, "x" * 100_000), special if kind == "fifo" else None)
    assert isinstance(outcome, NotRegularFileError), repr(outcome)
    assert SPECIAL_WORDS[kind] in outcome.strerror and "not a regular file" in outcome.strerror
    assert file_type(special) == kind_of(kind)
    assert not via_link or path.is_symlink()
    assert leftovers(tmp_path) == []


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(IsADirectoryError):
        atomic_write_text(tmp_path, "x")
    assert tmp_path.is_dir()


def test_a_path_with_a_nul_is_an_oserror_not_a_valueerror(tmp_path):
    with pytest.raises(OSError, match="NUL"):
        atomic_write_text(f"{tmp_path}/a\0b", "x")


def test_unpaired_surrogates_are_written_as_the_replacement_character(tmp_path):
    """A run name from a file can hold "\\udc80": UTF-8 cannot, so it is written as U+FFFD."""
    path = tmp_path / "t.txt"
    atomic_write_text(path, "naïve \udc80 試験 🚀")
    assert path.read_bytes().decode("utf-8") == "naïve \ufffd 試験 🚀"


def test_a_failed_render_leaves_the_old_file_and_no_temporary_file(tmp_path):
    path = tmp_path / "plot.png"
    path.write_bytes(b"old")

    def render(temp: str) -> None:
        Path(temp).write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write_with(path, render)
    assert path.read_bytes() == b"old" and leftovers(tmp_path) == []


def test_a_render_gets_a_temporary_name_ending_with_the_targets_suffix(tmp_path):
    names = []
    atomic_write_with(tmp_path / "plot.svg", lambda temp: (names.append(temp), Path(temp).write_text("<svg/>")))
    assert names[0].endswith(".svg") and Path(names[0]).parent == tmp_path
    assert (tmp_path / "plot.svg").read_text() == "<svg/>"


def test_a_discarded_stream_leaves_the_old_file(tmp_path):
    path = tmp_path / "l.csv"
    path.write_text("old", encoding="utf-8")
    out = AtomicTextFile(path)
    out.file.write("half a file")
    out.discard()
    assert path.read_text(encoding="utf-8") == "old" and leftovers(tmp_path) == []


def test_every_text_file_the_app_writes_is_utf8():
    """A locale that cannot take a run's name must not matter: every open() for writing says utf-8."""
    problems = []
    for file in Path(playground.__file__).parent.rglob("*.py"):
        tree = ast.parse(file.read_text(encoding="utf-8"), str(file))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            keywords = {k.arg: k.value for k in node.keywords}
            if name == "write_text":
                mode = "w"
            elif name in ("open", "fdopen"):
                # open(path, mode) and os.fdopen(fd, mode); Path.open(mode) has the mode first
                index = 0 if isinstance(func, ast.Attribute) and name == "open" and not (
                    isinstance(func.value, ast.Name) and func.value.id in ("os", "io")) else 1
                mode_node = keywords.get("mode") or (node.args[index] if len(node.args) > index else None)
                mode = mode_node.value if isinstance(mode_node, ast.Constant) else "r"
                if not isinstance(mode, str):
                    continue
            else:
                continue
            if "b" in mode or not set(mode) & set("wax+"):
                continue
            encoding = keywords.get("encoding")
            if not (isinstance(encoding, ast.Constant) and encoding.value == "utf-8"):
                problems.append(f"{file.name}:{node.lineno}: {name}(…, {mode!r}) without encoding='utf-8'")
    assert problems == []


# -- experiments --------------------------------------------------------------------------
def small_experiment(name: str = "run 1") -> Experiment:
    cfg = TrainConfig(**SMALL, steps=3)
    return Experiment(cfg, (RecordedRun(name, cfg, np.arange(3), np.array([3.0, 2.0, 1.0])),))


def test_an_experiment_saved_through_a_link_keeps_the_link_and_opens(tmp_path):
    link, target = make_links(tmp_path)["relative"]
    save_experiment(link, small_experiment())
    assert link.is_symlink() and load_experiment(target).runs[0].name == "run 1"


def test_a_run_name_with_an_unpaired_surrogate_opens_and_saves_again(tmp_path):
    path = tmp_path / "e.json"
    save_experiment(path, small_experiment("odd \udc80 name"))
    assert "\\udc80" in path.read_text(encoding="utf-8")  # JSON keeps it as an escape
    again = tmp_path / "again.json"
    save_experiment(again, load_experiment(path))
    assert load_experiment(again).runs[0].name == "odd \udc80 name"


# -- settings -----------------------------------------------------------------------------
def settings_path() -> Path:
    return config_dir() / "settings.json"


def test_settings_saved_through_a_link_keep_the_link(tmp_path):
    real = tmp_path / "dotfiles" / "settings.json"
    real.parent.mkdir()
    real.write_text("{}", encoding="utf-8")
    settings_path().symlink_to(real)
    assert save_settings(Settings(language="en"))
    assert settings_path().is_symlink()
    assert json.loads(real.read_text(encoding="utf-8"))["language"] == "en"
    assert load_settings().language == "en"


@pytest.mark.parametrize("kind", SPECIAL)
def test_a_special_file_as_settings_gives_the_defaults_with_one_warning(kind):
    special = make_special(kind, config_dir(), "settings.json", DEV_NULL)
    s = in_thread(load_settings, special if kind == "fifo" else None)
    assert isinstance(s, Settings), repr(s)
    assert s.config == TrainConfig() and s.language == "auto"
    assert len(s.warnings) == 1 and "\n" not in s.warnings[0]
    assert SPECIAL_WORDS[kind] in s.warnings[0] and "using defaults" in s.warnings[0]
    assert not in_thread(lambda: save_settings(s), special if kind == "fifo" else None)  # refused, not replaced
    assert file_type(special) == kind_of(kind)


@pytest.mark.parametrize("depth", [200_000])
def test_settings_nested_too_deep_give_the_defaults(depth):
    settings_path().write_text("[" * depth + "]" * depth, encoding="utf-8")
    s = load_settings()
    assert s.config == TrainConfig() and len(s.warnings) == 1 and "nested too deeply" in s.warnings[0]


def test_settings_larger_than_1_mb_are_not_read():
    settings_path().write_text(json.dumps({"language": "en", "padding": "x" * (1 << 20)}), encoding="utf-8")
    s = load_settings()
    assert s.language == "auto" and len(s.warnings) == 1 and "larger than 1024 KB" in s.warnings[0]


def test_settings_that_are_dev_zero_give_the_defaults_and_start_up_returns(tmp_path):
    """In a child process with a memory limit: the old code read /dev/zero until memory ran out."""
    folder = tmp_path / "cfg"
    folder.mkdir()
    (folder / "settings.json").symlink_to("/dev/zero")
    code = ("import resource; resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30)); "
            "from playground.gui.settings import load_settings; s = load_settings(); "
            "print(s.language, s.warnings)")
    env = dict(os.environ, BACKPROP_PLAYGROUND_CONFIG_DIR=str(folder))
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("auto [") and "device" in proc.stdout and "using defaults" in proc.stdout


def test_a_settings_warning_is_one_line_and_the_window_shows_it(qtbot, tmp_path, monkeypatch):
    folder = tmp_path / "two\nlines"
    folder.mkdir()
    monkeypatch.setenv("BACKPROP_PLAYGROUND_CONFIG_DIR", str(folder))
    (folder / "settings.json").write_bytes(b"{\x00garbage\n\n}")
    s = load_settings()
    assert len(s.warnings) == 1 and "\n" not in s.warnings[0] and "could not be read" in s.warnings[0]
    from playground.gui.main_window import MainWindow

    w = MainWindow(s)
    qtbot.addWidget(w)
    assert w.statusBar().currentMessage() == s.warnings[0]


# -- the window's exports -------------------------------------------------------------------
@pytest.fixture
def errors(monkeypatch):
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: shown.append((title, text)))
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a, **k: shown.append((title, text)))
    return shown


@pytest.fixture
def window(qtbot):
    from playground.gui.main_window import MainWindow

    w = MainWindow(Settings(config=TrainConfig(**SMALL, steps=3)))
    qtbot.addWidget(w)
    exp = small_experiment("naïve \udc80 試験")
    w.plot.add_recorded(exp.runs[0])
    return w


EXPORTS = {
    "csv": lambda w, path: w.export_csv(str(path)),
    "png": lambda w, path: w.export_plot(str(path)),
    "svg": lambda w, path: w.export_plot(str(path)),
    "experiment": lambda w, path: w.save_experiment(str(path)),
    "script": lambda w, path: w.code_view.save_to(str(path)),
}
MAGIC = {"csv": b"run,name,step,loss", "png": b"\x89PNG", "svg": b"<?xml", "experiment": b"{", "script": b"# Backprop Playground"}


@pytest.mark.parametrize("export", list(EXPORTS))
def test_an_export_through_a_link_writes_the_file_and_keeps_the_link(window, tmp_path, errors, export):
    target = tmp_path / "real" / f"out.{export}"
    target.parent.mkdir()
    target.write_bytes(b"old")
    link = tmp_path / f"link.{export}"
    link.symlink_to(target)
    assert EXPORTS[export](window, link), errors
    assert link.is_symlink() and target.read_bytes().startswith(MAGIC[export]) and target.read_bytes() != b"old"
    assert errors == [] and leftovers(tmp_path) == [] and leftovers(target.parent) == []


@pytest.mark.parametrize("kind", SPECIAL)
@pytest.mark.parametrize("export", list(EXPORTS))
def test_an_export_to_a_fifo_socket_or_device_is_refused_with_a_message(window, tmp_path, errors, export, kind):
    special = make_special(kind, tmp_path, f"out.{export}")
    assert not EXPORTS[export](window, special)
    assert file_type(special) == kind_of(kind)
    assert len(errors) == 1 and SPECIAL_WORDS[kind] in errors[0][1] and str(special) in errors[0][1]
    assert leftovers(tmp_path) == []


def test_csv_export_writes_any_run_name_as_utf8(window, tmp_path):
    path = tmp_path / "runs.csv"
    assert window.export_csv(str(path))
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8"))))
    assert {r["name"] for r in rows} == {"naïve \ufffd 試験"} and len(rows) == 3


# -- the command line's CSV --------------------------------------------------------------------
def train_csv(path: Path, *more: str) -> list[str]:
    sizes = [f"--{k.replace('_', '-')}={v}" for k, v in SMALL.items()]
    return ["train", *sizes, "--steps", "5", "--csv", str(path), *more]


def one_line_error(err: str, path: Path) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: cannot write --csv {path}: "), err
    return lines[0]


@pytest.mark.parametrize("kind", SPECIAL)
def test_csv_to_a_fifo_socket_or_device_exits_1_with_one_line(tmp_path, capsys, kind):
    special = make_special(kind, tmp_path, "l.csv")
    code = in_thread(lambda: cli_main(train_csv(special)), special if kind == "fifo" else None)
    assert code == EXIT_ERROR, repr(code)
    assert SPECIAL_WORDS[kind] in one_line_error(capsys.readouterr().err, special)
    assert file_type(special) == kind_of(kind)


def test_csv_through_a_link_writes_the_file_it_points_to(tmp_path):
    link, target = make_links(tmp_path)["chain"]
    assert cli_main(train_csv(link)) == EXIT_OK
    assert link.is_symlink()
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0] == ["step", "loss"] and [r[0] for r in rows[1:]] == ["0", "1", "2", "3", "4"]


def test_a_disk_that_fills_up_leaves_the_old_csv_and_says_so_in_one_line(tmp_path, capsys, monkeypatch):
    path = tmp_path / "l.csv"
    path.write_text("old", encoding="utf-8")
    real_writer = csv.writer

    class FullDisk:
        def __init__(self, fh):
            self._writer = real_writer(fh)

        def writerow(self, row):
            self._writer.writerow(row)

        def writerows(self, rows):
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(csv, "writer", FullDisk)
    assert cli_main(train_csv(path, "--json")) == EXIT_ERROR
    captured = capsys.readouterr()
    assert "No space left on device" in one_line_error(captured.err, path)
    assert path.read_text(encoding="utf-8") == "old" and leftovers(tmp_path) == []


def test_an_interrupted_run_leaves_the_old_csv(tmp_path, capsys, monkeypatch):
    from playground.core import loop

    path = tmp_path / "l.csv"
    path.write_text("old", encoding="utf-8")
    real_batches = loop.Trainer.batches

    def interrupted(self, *a, **k):
        for batch in real_batches(self, *a, **k):
            yield batch
            raise KeyboardInterrupt

    monkeypatch.setattr(loop.Trainer, "batches", interrupted)
    assert cli_main(train_csv(path)) == EXIT_ERROR
    assert "interrupted" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "old" and leftovers(tmp_path) == []


@pytest.mark.parametrize("kind", SPECIAL)
def test_export_code_to_a_fifo_socket_or_device_exits_1_with_one_line(tmp_path, capsys, kind):
    special = make_special(kind, tmp_path, "s.py")
    code = in_thread(lambda: cli_main(["export-code", "-o", str(special)]), special if kind == "fifo" else None)
    assert code == EXIT_ERROR
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: cannot write {special}: ") and SPECIAL_WORDS[kind] in err[0]
    assert file_type(special) == kind_of(kind)
