"""Application start-up: the QApplication, the main window and the event loop."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Sequence

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from PySide6.QtCore import QObject, Qt, QTimer, Signal  # noqa: E402
from PySide6.QtGui import QIcon  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget  # noqa: E402

from .. import APP_ID, __version__  # noqa: E402


def app_icon() -> QIcon:
    from importlib import resources

    try:
        svg = resources.files("playground.resources") / "icon.svg"
        if svg.is_file():
            return QIcon(str(svg))
    except (ModuleNotFoundError, OSError):
        pass
    return QIcon()


class LoadingWindow(QWidget):
    """Shown at once while PyTorch loads (it takes seconds on a cold start)."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Backprop Playground")
        self.setWindowIcon(app_icon())
        icon = QLabel(self)
        icon.setPixmap(app_icon().pixmap(96, 96))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label = QLabel(self.tr("Backprop Playground\n\nLoading PyTorch…"), self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(icon)
        layout.addWidget(self.label)
        self.resize(420, 260)


class _Loader(QObject):
    """Imports torch and the window's modules off the GUI thread, then says so."""

    done = Signal(str)  # "" on success, else the error text

    def start(self) -> None:
        threading.Thread(target=self._run, name="torch-loader", daemon=True).start()

    def _run(self) -> None:
        try:
            import torch  # noqa: F401 - the slow import, done here so the GUI stays live

            error = ""
        except Exception as exc:  # noqa: BLE001 - shown to the user instead of a crash
            error = f"{type(exc).__name__}: {exc}"
        self.done.emit(error)


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
    quit_after = os.environ.get("BACKPROP_PLAYGROUND_QUIT_AFTER")
    if quit_after:
        try:
            QTimer.singleShot(int(float(quit_after) * 1000), QApplication.closeAllWindows)
        except ValueError:
            pass
    return window


def _application(argv: Sequence[str] | None) -> QApplication:
    # The training thread releases the GIL in every torch call and must win it back
    # from the GUI thread each time; a 1 ms switch interval (default 5 ms) keeps
    # those hand-overs short while the GUI paints.
    sys.setswitchinterval(0.001)
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

    With ``exec_app`` a loading window appears at once and PyTorch is imported
    in a background thread; the main window replaces it when torch is ready.
    Returns the exit status then, else ``(app, window)`` built synchronously.
    The environment variable ``BACKPROP_PLAYGROUND_QUIT_AFTER`` (seconds) closes
    the window after that long, to smoke-test installed builds.
    """
    app = _application(argv)
    if not exec_app:
        return app, _build_window(experiment)
    splash = LoadingWindow()
    splash.show()
    holder: dict[str, object] = {}

    def on_loaded(error: str) -> None:
        if error:
            splash.label.setText(QApplication.translate("LoadingWindow", "PyTorch could not be loaded:\n{0}").format(error))
            return
        holder["window"] = _build_window(experiment)
        splash.close()

    loader = _Loader()
    loader.done.connect(on_loaded)
    loader.start()
    # Ctrl+C in the terminal closes the window cleanly instead of being ignored.
    # (all windows: a language switch replaces the main window)
    signal.signal(signal.SIGINT, lambda *_: QApplication.closeAllWindows())
    keepalive = QTimer()
    keepalive.start(200)
    keepalive.timeout.connect(lambda: None)
    return app.exec()


def run_app(experiment: str | None = None) -> int:
    return int(create_app(exec_app=True, experiment=experiment) or 0)


def main() -> None:
    sys.exit(run_app())
