"""Shared test set-up: offscreen Qt, one torch thread, settings in a temporary folder.

No test may touch the user's real settings: ``config_dir()`` refuses, for the whole
session, any folder inside the real config folders (a test that undid the temporary
folder once overwrote them), and every test fails that changed a settings file there.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import pytest  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)

from pathlib import Path  # noqa: E402

from PySide6.QtCore import QStandardPaths  # noqa: E402

import playground.gui.settings as _settings_module  # noqa: E402


def _real_config_roots() -> list[Path]:
    """Where the user's settings live, as found before any test changes the environment."""
    roots = [Path.home() / ".config"]
    if os.environ.get("XDG_CONFIG_HOME"):
        roots.append(Path(os.environ["XDG_CONFIG_HOME"]))
    generic = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation)
    if generic:
        roots.append(Path(generic))
    return [Path(os.path.realpath(r)) for r in roots]


REAL_CONFIG_ROOTS = _real_config_roots()
_touched_real_config: list[str] = []


class RealConfigFolderError(PermissionError):
    """A test asked for the user's real config folder (it is refused, and the test fails)."""


def _inside_real_config(folder: Path) -> bool:
    resolved = Path(os.path.realpath(folder))
    return any(resolved == root or root in resolved.parents for root in REAL_CONFIG_ROOTS)


_real_config_dir = _settings_module.config_dir


def _guarded_config_dir() -> Path:
    folder = _real_config_dir()
    if _inside_real_config(folder):
        # An OSError, so that the app's own handling (save_settings returns False) runs and
        # nothing is written; the autouse fixture below then fails the test.
        _touched_real_config.append(str(folder))
        raise RealConfigFolderError(f"a test reached the real config folder {folder}")
    return folder


# Not through monkeypatch: a test's monkeypatch.undo() must not lift this guard.
_settings_module.config_dir = _guarded_config_dir


#: Where the app's settings.json can be, below a config root: the installed app's folder
#: (organisation/application), the name pytest-qt gives its application, a bare PySide app's,
#: and the root itself (QStandardPaths' answer before any application has a name).
_SETTINGS_PATTERNS = ("settings.json", "[bB]ackprop*/settings.json", "[bB]ackprop*/*/settings.json",
                      "pytest-qt-qapp/settings.json", "PySideApp/settings.json")


def _real_settings_files() -> dict[str, tuple[int, int]]:
    """(mtime, size) of each of the app's settings files in the real config folders."""
    found: dict[str, tuple[int, int]] = {}
    for root in REAL_CONFIG_ROOTS:
        for pattern in _SETTINGS_PATTERNS:
            for file in root.glob(pattern):
                try:
                    info = file.stat()
                except OSError:
                    continue
                found[str(file)] = (info.st_mtime_ns, info.st_size)
    return found


@pytest.fixture(autouse=True)
def _real_settings_untouched():
    """Fail any test that asked for, or changed, the user's real settings."""
    before = _real_settings_files()
    _touched_real_config.clear()
    yield
    asked = list(_touched_real_config)
    _touched_real_config.clear()
    assert not asked, f"this test reached the user's real config folder: {asked[0]}"
    after = _real_settings_files()
    changed = sorted(f for f in after.keys() | before.keys() if after.get(f) != before.get(f))
    assert not changed, f"this test changed the user's real settings: {changed}"


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


@pytest.fixture
def make_window(qtbot):
    """Build shown main windows: ``make(cfg=None, size=None, **settings_fields)``.

    Each window's training is shut down when the test ends, so no worker outlives it.
    """
    from playground.core.config import TrainConfig
    from playground.gui.main_window import MainWindow
    from playground.gui.settings import Settings

    made = []

    def make(cfg: TrainConfig | None = None, size: tuple[int, int] | None = None, **settings_fields):
        w = MainWindow(Settings(config=cfg or TrainConfig(), **settings_fields))
        qtbot.addWidget(w)
        if size is not None:
            w.resize(*size)
        w.show()
        qtbot.waitExposed(w)
        made.append(w)
        return w

    yield make
    for w in made:
        w.controller.shutdown(3000)
