"""Shared test set-up: offscreen Qt, one torch thread, settings in a temporary folder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import pytest  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory, monkeypatch):
    """Every test gets its own config folder, so no test reads the user's settings."""
    folder = tmp_path_factory.mktemp("settings")
    monkeypatch.setenv("BACKPROP_PLAYGROUND_CONFIG_DIR", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    yield folder


@pytest.fixture(autouse=True)
def _no_thread_left_running():
    """Fail any test that leaves a worker thread running (they are QThreadPool runnables)."""
    yield
    import sys

    if "PySide6.QtWidgets" not in sys.modules:
        return  # Qt never loaded: no Qt thread can be running
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        return
    from PySide6.QtCore import QThreadPool

    pool = QThreadPool.globalInstance()
    finished = pool.waitForDone(5000)
    assert finished and pool.activeThreadCount() == 0, "a test left a worker thread running"


@pytest.fixture(autouse=True)
def _full_speed_unless_paced(request, monkeypatch):
    """Windows train at full speed in tests, unless a test is about the pace (``@pytest.mark.paced``).

    The app's default pace (100 steps a second) is for a student's eye; a test of what a
    run computes would only wait for it.
    """
    if request.node.get_closest_marker("paced"):
        return
    from playground.gui import settings as settings_module

    original = settings_module.Settings.__init__

    def init(self, *args, **kwargs):
        kwargs.setdefault("speed", 0.0)
        original(self, *args, **kwargs)

    monkeypatch.setattr(settings_module.Settings, "__init__", init)
