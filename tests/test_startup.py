"""Start-up from the command line: no display, missing Qt libraries, Ctrl+C while loading, `FILE`.

The subprocess tests run ``python -m playground`` as a terminal user would run
``backprop-playground``.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from playground.cli import EXIT_INVALID, main
from playground.core.config import TrainConfig
from playground.core.persistence import Experiment, save_experiment
from playground.gui import app as app_module

ROOT = Path(__file__).resolve().parent.parent
EVERY_XCB_LIBRARY = set(app_module.XCB_LIBRARIES)


def _environment(**changes: str | None) -> dict[str, str]:
    """This process's environment (with the test's settings folder) changed; None removes a name."""
    env = dict(os.environ)
    for name, value in changes.items():
        env.pop(name, None)
        if value is not None:
            env[name] = value
    return env


def _no_display_env() -> dict[str, str]:
    return _environment(DISPLAY=None, WAYLAND_DISPLAY=None, QT_QPA_PLATFORM=None, XDG_SESSION_TYPE=None)


def _experiment_file(folder: Path, name: str = "some.json") -> Path:
    path = folder / name
    save_experiment(path, Experiment(TrainConfig()))
    return path


# -- no display ---------------------------------------------------------------------------
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the display comes from the environment on Linux")
@pytest.mark.parametrize("with_file", [False, True], ids=["window", "window-with-file"])
def test_without_a_display_the_window_exits_1_with_one_line_naming_train(tmp_path, with_file):
    args = [str(_experiment_file(tmp_path))] if with_file else []
    proc = subprocess.run([sys.executable, "-m", "playground", *args], cwd=ROOT, env=_no_display_env(),
                          capture_output=True, text=True, timeout=300)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 1, proc.stderr[-3000:]  # Qt's own abort was 134
    assert len(lines) == 1, proc.stderr
    assert "no display" in lines[0] and "train" in lines[0] and "QT_QPA_PLATFORM=offscreen" in lines[0]
    assert "Traceback" not in proc.stderr


def test_no_display_is_found_before_any_library_is_looked_for():
    looked_for: list[str] = []
    problem = app_module.display_problem({}, "linux", has_library=lambda so: looked_for.append(so) or True)
    assert problem is not None and "no display" in problem and "neither DISPLAY nor WAYLAND_DISPLAY" in problem
    assert looked_for == []


@pytest.mark.parametrize("env", [{"QT_QPA_PLATFORM": "xcb"}, {"QT_QPA_PLATFORM": "wayland"},
                                 {"QT_QPA_PLATFORM": "wayland;xcb"}, {"XDG_SESSION_TYPE": "wayland"}])
def test_a_display_platform_without_its_display_is_no_display(env):
    assert "no display" in app_module.display_problem(env, "linux", has_library=lambda so: True)


def test_only_wayland_display_set_for_the_xcb_platform_names_the_wayland_platform():
    problem = app_module.display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux", has_library=lambda so: True)
    assert "no display" in problem and "QT_QPA_PLATFORM=wayland" in problem


@pytest.mark.parametrize("env", [{"QT_QPA_PLATFORM": "offscreen"}, {"QT_QPA_PLATFORM": "minimal"},
                                 {"QT_QPA_PLATFORM": "xcb;offscreen"},
                                 {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"},
                                 {"QT_QPA_PLATFORM": "wayland", "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}])
def test_platforms_that_need_no_xcb_libraries_are_let_through_unchecked(env):
    looked_for: list[str] = []
    assert app_module.display_problem(env, "linux", has_library=lambda so: looked_for.append(so) or False) is None
    assert looked_for == []


def test_other_systems_are_not_checked():
    for system in ("win32", "darwin"):
        assert app_module.display_problem({}, system, has_library=lambda so: False) is None


def test_qt_platforms_reads_fallbacks_and_drops_plugin_arguments():
    assert app_module.qt_platforms({"QT_QPA_PLATFORM": "xcb:nograb;offscreen"}) == ["xcb", "offscreen"]
    assert app_module.qt_platforms({}) == ["xcb"]
    assert app_module.qt_platforms({"XDG_SESSION_TYPE": "wayland"}) == ["wayland", "xcb"]
    assert app_module.qt_platforms({"XDG_SESSION_TYPE": "x11"}) == ["xcb"]


# -- the xcb plugin's libraries ----------------------------------------------------------------
def test_a_missing_xcb_library_is_named_with_its_package_and_the_apt_command():
    looked_for: list[str] = []

    def has_library(soname: str) -> bool:
        looked_for.append(soname)
        return soname != "libxcb-cursor.so.0"

    problem = app_module.display_problem({"DISPLAY": ":0"}, "linux", has_library=has_library)
    assert set(looked_for) == EVERY_XCB_LIBRARY
    assert "\n" not in problem
    assert "libxcb-cursor.so.0" in problem and "sudo apt install libxcb-cursor0`" in problem
    assert "train" in problem


def test_every_missing_xcb_library_is_in_the_one_apt_command():
    missing = {"libxkbcommon-x11.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"}
    problem = app_module.display_problem({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, "linux",
                                         has_library=lambda so: so not in missing)
    command = problem.split("sudo apt install ", 1)[1].split("`", 1)[0]
    assert set(command.split()) == {"libxkbcommon-x11-0", "libxcb-icccm4", "libxcb-keysyms1"}


def test_with_a_display_and_every_xcb_library_the_window_may_open():
    assert app_module.display_problem({"DISPLAY": ":0"}, "linux", has_library=lambda so: True) is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sonames are Linux's")
def test_library_present_asks_the_dynamic_linker():
    assert app_module.library_present("libc.so.6")
    assert not app_module.library_present("libbackprop-playground-no-such-library.so.7")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb plugin is Linux's")
def test_the_library_table_covers_every_xcb_library_the_installed_plugin_links_against():
    """A newer Qt adding an xcb library (as 6.5 added libxcb-cursor) must add it to the table."""
    from PySide6.QtCore import QLibraryInfo

    readelf = shutil.which("readelf")
    if readelf is None:
        pytest.skip("readelf (binutils) is not installed")
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    libraries = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.LibrariesPath))
    needed: set[str] = set()
    for binary in (plugins / "platforms" / "libqxcb.so", libraries / "libQt6XcbQpa.so.6"):
        if not binary.exists():
            pytest.skip(f"{binary.name} is not in this Qt")
        out = subprocess.run([readelf, "-d", str(binary)], capture_output=True, text=True, check=True).stdout
        needed |= {line.split("[", 1)[1].rstrip("]") for line in out.splitlines() if "(NEEDED)" in line}
    xcb_family = {so for so in needed if so.startswith(("libxcb", "libX11-xcb", "libxkbcommon"))}
    assert xcb_family and xcb_family <= EVERY_XCB_LIBRARY, xcb_family - EVERY_XCB_LIBRARY


# -- Ctrl+C while the worker loads torch ---------------------------------------------------------
def _lines_of(stream) -> queue.Queue[str]:
    """The stream's lines as they come, read by a thread so the test can wait with a time-out."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in stream:
            lines.put(line)
        lines.put("")  # end of the stream

    threading.Thread(target=read, daemon=True).start()
    return lines


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is a POSIX matter")
def test_ctrl_c_while_the_worker_loads_torch_quits_with_130_and_leaves_no_worker():
    # The test hook holds the worker's torch import up far longer than the wait below: the
    # main window is up (it never waits for torch), the worker still loading.
    env = _environment(QT_QPA_PLATFORM="offscreen", BACKPROP_PLAYGROUND_TEST_LOAD_DELAY="600")
    with subprocess.Popen([sys.executable, "-m", "playground"], cwd=ROOT, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as proc:
        try:
            lines = _lines_of(proc.stderr)
            seen: list[str] = []
            while not any("main window up" in line for line in seen):
                line = lines.get(timeout=120)
                assert line, f"the app ended before its window was up: {''.join(seen)}"
                seen.append(line)
            worker = int(seen[-1].split("worker ")[1].split()[0])
            assert os.path.exists(f"/proc/{worker}")
            proc.send_signal(signal.SIGINT)
            returncode = proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        while line := lines.get(timeout=10):  # the rest, to the end of the stream
            seen.append(line)
    assert returncode == app_module.EXIT_INTERRUPTED == 130
    assert "Traceback" not in "".join(seen)
    deadline = time.monotonic() + 5
    while os.path.exists(f"/proc/{worker}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{worker}"), "the worker outlived the window"


# -- backprop-playground FILE ----------------------------------------------------------------
@pytest.fixture
def opened(monkeypatch):
    """The experiment paths the window was asked to open (the window itself never opens)."""
    calls: list[str | None] = []

    def run_app(experiment: str | None = None) -> int:
        calls.append(experiment)
        return 0

    monkeypatch.setattr(app_module, "run_app", run_app)
    return calls


def test_a_bare_file_argument_opens_it_in_the_window_as_open_does(tmp_path, monkeypatch, opened):
    monkeypatch.chdir(tmp_path)
    _experiment_file(tmp_path, "some.json")
    assert main(["some.json"]) == 0
    assert main(["open", "some.json"]) == 0
    assert opened == ["some.json", "some.json"]


def test_a_bare_path_as_a_desktop_entry_passes_it_opens_it(tmp_path, opened):
    path = _experiment_file(tmp_path, "lesson.bpexp.json")
    assert main([str(path)]) == 0
    assert opened == [str(path)]


@pytest.mark.parametrize("content", [None, "{not json", '{"format": "something-else"}'],
                         ids=["missing", "not-json", "not-an-experiment"])
def test_a_bad_bare_file_gives_exit_2_and_one_line_before_any_window(tmp_path, capsys, opened, content):
    path = tmp_path / "broken.bpexp.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main([str(path)]) == EXIT_INVALID
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and str(path) in err
    assert opened == []


def test_a_word_that_is_no_command_and_no_path_is_still_an_invalid_choice(capsys, opened):
    with pytest.raises(SystemExit) as exc:
        main(["trian"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err and opened == []
