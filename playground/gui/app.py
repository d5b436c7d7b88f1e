"""Application start-up: the QApplication, the main window and the event loop."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from PySide6.QtCore import QLibraryInfo, QObject, QTimer, Slot  # noqa: E402
from PySide6.QtGui import QIcon  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from .. import APP_ID, __version__  # noqa: E402

#: The window cannot open here (no display, or Qt's platform libraries missing).
EXIT_NO_DISPLAY = 1
#: What a shell reports for a program ended by Ctrl+C (128 + SIGINT); a terminal user expects it.
EXIT_INTERRUPTED = 128 + int(signal.SIGINT)

#: The libraries Qt's X11 platform plugin (libqxcb.so) is linked against beyond libX11 and
#: libGL, each with the Debian/Ubuntu package that has it.  Minimal systems (containers,
#: WSL, servers with X forwarding) often lack some; Qt >= 6.5 added libxcb-cursor, which
#: even desktop Ubuntu 22.04 does not install.  Without one, Qt aborts (exit 134) with
#: "could not load the Qt platform plugin" and no word about which library.
XCB_LIBRARIES = {
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}
#: Qt platforms that draw on a display server, and the variable that names the server.
_DISPLAY_VARIABLE = {"xcb": "DISPLAY", "wayland": "WAYLAND_DISPLAY", "wayland-egl": "WAYLAND_DISPLAY",
                     "wayland-brcm": "WAYLAND_DISPLAY"}
_HEADLESS_HINT = ("train without a window with `backprop-playground train`, "
                  "or run the window offscreen with QT_QPA_PLATFORM=offscreen")


def qt_platforms(env: Mapping[str, str]) -> list[str]:
    """The Qt platform plugins QGuiApplication will try, in order (no arguments).

    As QGuiApplicationPrivate::createPlatformIntegration chooses: QT_QPA_PLATFORM
    ("name:args;fallback") when set; else the build's default (xcb for the PySide6
    wheels), with wayland tried first in a Wayland session.
    """
    spec = env.get("QT_QPA_PLATFORM", "")
    if not spec:
        spec = "wayland;xcb" if env.get("XDG_SESSION_TYPE", "") == "wayland" else "xcb"
    return [part.split(":", 1)[0].strip() for part in spec.split(";") if part.strip()]


def _qt_library_folders() -> list[Path]:
    """Where a library may lie that the dynamic linker's search path does not cover.

    Qt's own lib folder (the plugin finds libraries there through its RUNPATH) and a
    frozen bundle's folder, which may carry some of the xcb libraries itself.
    """
    folders = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.LibrariesPath))]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        folders.append(Path(bundle))
    return folders


def library_present(soname: str) -> bool:
    """Whether the dynamic linker can load ``soname`` (as the xcb plugin will ask it to)."""
    if any((folder / soname).exists() for folder in _qt_library_folders()):
        return True
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def display_problem(env: Mapping[str, str] | None = None, system: str | None = None,
                    has_library: Callable[[str], bool] = library_present) -> str | None:
    """One line saying why the window cannot open here, or None when it can (as far as can be told).

    Checked before the QApplication exists, because Qt aborts the process when its
    platform plugin fails.  Only Linux is checked: there the display comes from the
    environment and the xcb plugin's libraries from the system.
    """
    env = os.environ if env is None else env
    system = sys.platform if system is None else system
    if not system.startswith("linux"):
        return None
    platforms = qt_platforms(env)
    for platform in platforms:
        variable = _DISPLAY_VARIABLE.get(platform)
        if variable is None:
            return None  # offscreen, minimal, eglfs, vnc...: no display server needed
        if not env.get(variable):
            continue  # Qt tries the next platform in the list
        if platform != "xcb":
            return None
        missing = [soname for soname in XCB_LIBRARIES if not has_library(soname)]
        if not missing:
            return None
        packages = " ".join(dict.fromkeys(XCB_LIBRARIES[soname] for soname in missing))
        return (f"backprop-playground: the window cannot open: Qt's X11 (xcb) platform needs "
                f"{', '.join(missing)}, not found on this system; install with "
                f"`sudo apt install {packages}` (Debian, Ubuntu), or {_HEADLESS_HINT}")
    have = [name for name in ("DISPLAY", "WAYLAND_DISPLAY") if env.get(name)]
    wanted = "/".join(dict.fromkeys(_DISPLAY_VARIABLE[p] for p in platforms))
    if have:
        other = "wayland" if have[0] == "WAYLAND_DISPLAY" else "xcb"
        detail = (f"Qt's {'/'.join(platforms)} platform needs {wanted}, which is not set; "
                  f"{have[0]} is: QT_QPA_PLATFORM={other} would use it")
    else:
        detail = "neither DISPLAY nor WAYLAND_DISPLAY is set"
    return f"backprop-playground: no display found ({detail}), so the window cannot open; {_HEADLESS_HINT}"


def app_icon() -> QIcon:
    from importlib import resources

    try:
        svg = resources.files("playground.resources") / "icon.svg"
        if svg.is_file():
            return QIcon(str(svg))
    except (ModuleNotFoundError, OSError):
        pass
    return QIcon()


def _build_window(experiment: str | None):
    import pyqtgraph as pg

    from .main_window import MainWindow

    # Light plots throughout, to sit with the rest of the window.
    pg.setConfigOptions(background="w", foreground="#333")
    from .settings import load_settings

    window = MainWindow(load_settings())
    if experiment:
        window.open_experiment(experiment)
    window.show()
    if os.environ.get("BACKPROP_PLAYGROUND_TEST_LOAD_DELAY"):
        # Test hook (tests/test_startup.py): the window is up while its worker still loads.
        print(f"main window up; worker {window.controller.worker_pid} loading", file=sys.stderr, flush=True)
    quit_after = os.environ.get("BACKPROP_PLAYGROUND_QUIT_AFTER")
    if quit_after:
        try:
            QTimer.singleShot(int(float(quit_after) * 1000), QApplication.closeAllWindows)
        except ValueError:
            pass
    return window


def _application(argv: Sequence[str] | None) -> QApplication:
    app = QApplication.instance() or QApplication(list(argv or sys.argv[:1]))
    app.setApplicationName("Backprop Playground")
    app.setOrganizationName("backprop-playground")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)  # Wayland shows the installed .desktop file's icon and name
    app.setWindowIcon(app_icon())
    from .i18n import install_translator
    from .settings import load_settings

    install_translator(app, load_settings().language)  # before any window is built
    return app


def create_app(argv: Sequence[str] | None = None, exec_app: bool = True, experiment: str | None = None):
    """Build the application and its window; run the event loop when ``exec_app``.

    The training worker process starts first and loads torch while this process builds
    the window, which never imports torch: the window is on screen before torch could
    have loaded, and its Start button says so until the worker is ready.
    Returns the exit status then, else ``(app, window)``.
    The environment variable ``BACKPROP_PLAYGROUND_QUIT_AFTER`` (seconds) closes
    the window after that long, to smoke-test installed builds.
    """
    app = _application(argv)
    from .controller import close_all_workers, start_spare_worker

    start_spare_worker()  # torch loads over there while the window is built here
    if not exec_app:
        return app, _build_window(experiment)
    # Before the window: Ctrl+C must quit in that phase too.
    ctrl_c = _QuitOnCtrlC(app)
    try:
        window = _build_window(experiment)  # noqa: F841 - kept alive while the loop runs
        status = app.exec()
    finally:
        ctrl_c.uninstall()
        close_all_workers()  # the worker is gone before the window's process ends
    return EXIT_INTERRUPTED if ctrl_c.interrupted else status


class _QuitOnCtrlC(QObject):
    """Ctrl+C in the terminal quits the app in every phase, with exit status 130.

    Python runs a signal handler only when the main thread runs Python code; while
    app.exec() waits in C++ a timer hands it control five times a second.  A second
    Ctrl+C ends the process at once.
    """

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.interrupted = False
        self._previous = signal.signal(signal.SIGINT, self._on_sigint)
        self._keepalive = QTimer(self)
        self._keepalive.timeout.connect(self._let_python_run)
        self._keepalive.start(200)

    @Slot()
    def _let_python_run(self) -> None:
        """Nothing: calling into Python is what lets a pending signal handler run."""

    def _on_sigint(self, _signum: int, _frame: object) -> None:
        self.interrupted = True
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # the next Ctrl+C kills: never a hung quit
        # Closing lets the main window stop its run and save its settings (all windows:
        # a language switch replaces the main window).
        QApplication.closeAllWindows()
        # Closing the last window quits only while the event loop runs and some window
        # was open, and with status 0; a queued quit ends the loop in every phase, even
        # when this handler ran before exec() started, and create_app returns 130.
        QTimer.singleShot(0, QApplication.quit)

    def uninstall(self) -> None:
        self._keepalive.stop()
        if not self.interrupted:
            signal.signal(signal.SIGINT, self._previous)


def run_app(experiment: str | None = None) -> int:
    """The window's exit status: 1 (with one line on stderr) where it cannot open, 130 after Ctrl+C."""
    if QApplication.instance() is None:
        problem = display_problem()
        if problem:
            print(problem, file=sys.stderr)
            return EXIT_NO_DISPLAY
    try:
        return int(create_app(exec_app=True, experiment=experiment) or 0)
    except KeyboardInterrupt:  # Ctrl+C while the application was being made, before its handler
        return EXIT_INTERRUPTED


def main() -> None:
    sys.exit(run_app())
