"""Application start-up: the QApplication, the main window and the event loop."""

from __future__ import annotations

import os
import signal
import sys
from typing import Sequence

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtGui import QIcon  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from .. import __version__  # noqa: E402


def app_icon() -> QIcon:
    from importlib import resources

    try:
        svg = resources.files("playground.resources") / "icon.svg"
        if svg.is_file():
            return QIcon(str(svg))
    except (ModuleNotFoundError, OSError):
        pass
    return QIcon()


def create_app(argv: Sequence[str] | None = None, exec_app: bool = True, experiment: str | None = None):
    """Build the application and its window; run the event loop when ``exec_app``.

    Returns the exit status when ``exec_app``, else ``(app, window)``.  The
    environment variable ``BACKPROP_PLAYGROUND_QUIT_AFTER`` (seconds) closes the
    window after that long, to smoke-test installed builds.
    """
    from .main_window import MainWindow
    from .settings import load_settings

    app = QApplication.instance() or QApplication(list(argv or sys.argv[:1]))
    app.setApplicationName("Backprop Playground")
    app.setOrganizationName("backprop-playground")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    window = MainWindow(load_settings())
    if experiment:
        window.open_experiment(experiment)
    window.show()
    quit_after = os.environ.get("BACKPROP_PLAYGROUND_QUIT_AFTER")
    if quit_after:
        try:
            QTimer.singleShot(int(float(quit_after) * 1000), window.close)
        except ValueError:
            pass
    if not exec_app:
        return app, window
    # Ctrl+C in the terminal closes the window cleanly instead of being ignored.
    signal.signal(signal.SIGINT, lambda *_: window.close())
    keepalive = QTimer()
    keepalive.start(200)
    keepalive.timeout.connect(lambda: None)
    return app.exec()


def run_app(experiment: str | None = None) -> int:
    return int(create_app(exec_app=True, experiment=experiment) or 0)


def main() -> None:
    sys.exit(run_app())
