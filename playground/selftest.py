"""``backprop-playground --self-test``: prove that this installation works.

Every frozen bundle and installed package is smoke-tested with it.  It trains
briefly in every style (the lesson's sizes and a small float64 network),
checks that the losses are finite and fall and that NumPy-by-hand agrees with
raw tensors, draws a plot and the app icon with Qt, and builds the main window
offscreen when the window's module is there.  It writes a JSON report (the only
output a windowed build without a console leaves behind), prints one line, and
returns 0 only when every check passed.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import math
import os
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .core.config import STYLES  # plain Python (no torch, no Qt): safe to load before any check runs

#: Steps of each training check: enough for every style's loss to fall clearly.
STEPS = 20
REPORT_NAME = "self-test.json"
GUI_MODULE = "playground.gui.app"


class CheckFailed(AssertionError):
    """A self-test check found a wrong result (rather than crashing)."""


@dataclass
class Check:
    name: str
    status: str = "passed"  # passed | failed | skipped
    seconds: float = 0.0
    detail: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "status": self.status, "seconds": round(self.seconds, 4)}
        if self.detail:
            out["detail"] = self.detail
        if self.error is not None:
            out["error"] = self.error
        return out


class Skip(Exception):
    """Raised inside a check that does not apply to this installation."""


def default_report_path() -> Path:
    """Where the report goes without ``--report``: a per-user folder that always exists or can be made.

    Windows: ``%LOCALAPPDATA%\\BackpropPlayground``; macOS: ``~/Library/Logs/BackpropPlayground``;
    elsewhere ``$XDG_STATE_HOME/backprop-playground`` (default ``~/.local/state``).
    """
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local") / "BackpropPlayground"
    elif sys.platform == "darwin":
        base = home / "Library" / "Logs" / "BackpropPlayground"
    else:
        base = Path(os.environ.get("XDG_STATE_HOME") or home / ".local" / "state") / "backprop-playground"
    return base / REPORT_NAME


def seconds_since_process_start() -> float | None:
    """Wall time since this process started (Linux only, from /proc), else None."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            stat = f.read()
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        # the command name may hold spaces and parentheses: fields start after the last ')'
        fields = stat[stat.rindex(")") + 2:].split()
        start_ticks = int(fields[19])  # field 22 of proc(5), counted from field 3
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


class SelfTest:
    """Runs the checks in order and collects their results."""

    def __init__(self, require_gui: bool) -> None:
        self.require_gui = require_gui
        self.checks: list[Check] = []
        self.losses: dict[str, Any] = {}
        self.app: Any = None
        self.versions: dict[str, str | None] = {}
        self.qt_platform: str | None = None
        self.qt_messages: list[str] = []
        self.windows: list[Any] = []

    # -- running ---------------------------------------------------------------
    def run(self, name: str, fn: Callable[[Check], None]) -> Check:
        check = Check(name)
        start = time.perf_counter()
        try:
            fn(check)
        except Skip as exc:
            check.status = "skipped"
            check.detail.setdefault("reason", str(exc))
        except Exception as exc:  # noqa: BLE001 - every failure belongs in the report
            check.status = "failed"
            if isinstance(exc, CheckFailed):
                check.error = str(exc)
            else:
                check.error = f"{type(exc).__name__}: {exc}"
                check.detail["traceback"] = traceback.format_exc(limit=12)
        check.seconds = time.perf_counter() - start
        self.checks.append(check)
        return check

    def run_all(self) -> None:
        self.run("imports", self.check_imports)
        self.run("torch-threads", self.check_threads)
        # The window first: its time after process start is the app's start-up time.
        self.run("main-window", self.check_main_window)
        self.run("qt-drawing", self.check_qt_drawing)
        self.run("window-worker-trains", self.check_worker_training)
        for style in STYLES:
            self.run(f"train-{style}-lesson", lambda c, s=style: self.check_training(c, s, small=False))
        for style in STYLES:
            self.run(f"train-{style}-small-float64", lambda c, s=style: self.check_training(c, s, small=True))
        self.run("numpy-agrees-with-tensors", self.check_agreement)
        self.close_app()

    # -- checks ----------------------------------------------------------------
    def check_imports(self, check: Check) -> None:
        import numpy
        import pyqtgraph
        import PySide6
        import torch
        from PySide6 import QtCore

        # Qt's own messages go into the report rather than onto the console
        QtCore.qInstallMessageHandler(self._qt_message)

        self.versions = {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "numpy": numpy.__version__,
            "qt": QtCore.qVersion(),
            "pyside6": PySide6.__version__,
            "pyqtgraph": pyqtgraph.__version__,
        }
        check.detail.update(self.versions)
        check.detail["torch_default_threads"] = torch.get_num_threads()

    def _qt_message(self, mode: Any, _context: Any, message: str) -> None:
        if len(self.qt_messages) < 50:
            kind = getattr(mode, "name", str(mode)).removeprefix("Qt").removesuffix("Msg").lower()
            self.qt_messages.append(f"{kind}: {message}")

    def check_threads(self, check: Check) -> None:
        # train as every run does: with the configuration's thread count
        from .core.config import DEFAULT_THREADS
        from .core.threads import set_threads

        check.detail["torch_threads"] = set_threads(DEFAULT_THREADS)

    def _qt_app(self) -> Any:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if app is None:
            app = QApplication([sys.argv[0] if sys.argv else "backprop-playground"])
        self.app = app
        self.qt_platform = app.platformName()
        return app

    def check_main_window(self, check: Check) -> None:
        import importlib
        import importlib.util

        try:
            found = importlib.util.find_spec(GUI_MODULE) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            if self.require_gui:
                raise CheckFailed(f"{GUI_MODULE} is missing from this installation")
            raise Skip(f"{GUI_MODULE} is not part of this installation")
        module = importlib.import_module(GUI_MODULE)
        from PySide6.QtWidgets import QApplication, QWidget

        result = module.create_app(exec_app=False)
        app = QApplication.instance()
        _require(app is not None, "create_app() made no QApplication")
        self.app = app
        self.qt_platform = app.platformName()
        candidates = result if isinstance(result, (tuple, list)) else (result,)
        windows = [w for w in candidates if isinstance(w, QWidget)]
        if not windows:
            windows = [w for w in app.topLevelWidgets() if w.isWindow() and w.isVisible()]
        _require(bool(windows), "create_app() showed no window")
        window = windows[0]
        if not window.isVisible():
            window.show()
        deadline = time.monotonic() + 2.0
        while not window.isVisible() and time.monotonic() < deadline:  # pragma: no cover - timing
            app.processEvents()
        for _ in range(5):
            app.processEvents()
        _require(window.isVisible(), "the main window did not become visible")
        shown = seconds_since_process_start()
        check.detail["window_class"] = type(window).__name__
        check.detail["window_title"] = window.windowTitle()
        check.detail["size"] = [window.width(), window.height()]
        if shown is not None:
            check.detail["shown_after_process_start_s"] = round(shown, 3)
        _require(window.width() > 0 and window.height() > 0, "the main window has no size")
        for w in windows:
            w.close()
        app.processEvents()
        self.windows = windows

    def check_qt_drawing(self, check: Check) -> None:
        import numpy as np
        import pyqtgraph as pg
        from PySide6.QtGui import QIcon

        app = self._qt_app()
        check.detail["qt_platform"] = app.platformName()
        icon_path = resource_path("icon.svg")
        _require(icon_path.is_file(), f"the app icon is missing: {icon_path}")
        icon = QIcon(str(icon_path))
        image = icon.pixmap(64, 64).toImage()
        _require(not image.isNull(), "Qt could not draw the SVG icon (is the svg image plugin there?)")
        _require(_visible_pixels(image) > 64 * 64 // 10, "the drawn icon is almost empty")
        plot = pg.PlotWidget()
        try:
            plot.resize(320, 200)
            curve = plot.plot(np.arange(10.0), np.geomspace(100.0, 1.0, 10))
            plot.setLogMode(y=True)
            app.processEvents()
            grabbed = plot.grab().toImage()
            _require(not grabbed.isNull() and grabbed.width() > 0, "pyqtgraph drew nothing")
            _require(curve.getData()[0] is not None, "pyqtgraph curve holds no data")
        finally:
            plot.close()
            plot.deleteLater()
            _flush_deletes(app)
        check.detail["icon"] = str(icon_path)

    def check_worker_training(self, check: Check) -> None:
        """The window's training worker process starts (in a frozen build too) and trains
        exactly what the core trains in this process."""
        import numpy as np

        if self.app is None:
            raise Skip("no window in this installation")
        from .core.config import TrainConfig
        from .core.loop import train
        from .gui.controller import FINISHED, TrainingController

        cfg = TrainConfig(steps=60, device="cpu")
        controller = TrainingController()
        controller.set_pace(None)
        losses: list[Any] = []
        controller.batchReady.connect(lambda batch: losses.extend(batch.losses.tolist()))
        try:
            _require(controller.start(cfg), "the controller refused the lesson's configuration")
            deadline = time.monotonic() + 120
            while controller.state != FINISHED and time.monotonic() < deadline:
                self.app.processEvents()
                time.sleep(0.005)
            _require(controller.state == FINISHED, f"the worker's run did not end (state {controller.state})")
            check.detail["worker_pid"] = controller.worker_pid
            _require(controller.worker_pid not in (None, os.getpid()), "no worker process trained the run")
        finally:
            controller.shutdown(2000)
            controller.close_worker()
        expected, _ = train(cfg)
        check.detail["steps"] = len(losses)
        _require(np.array_equal(np.asarray(losses), expected), "the worker's losses differ from the core's")

    def check_training(self, check: Check, style: str, *, small: bool) -> None:
        import numpy as np

        from .core.config import TrainConfig
        from .core.loop import train
        from .core.outcomes import COMPLETED

        if small:
            cfg = TrainConfig(
                style=style, steps=STEPS, device="cpu", N=16, D_in=32, H=16, D_out=4,
                dtype="float64", activation="relu", loss="mean",
                lr=1e-2,
            )
        else:
            cfg = TrainConfig(style=style, steps=STEPS, device="cpu")
        losses, last = train(cfg)
        check.detail.update(
            optimizer=cfg.optimizer, lr=cfg.lr, dtype=cfg.dtype, steps=len(losses),
            first_loss=_num(losses[0]) if len(losses) else None,
            last_loss=_num(losses[-1]) if len(losses) else None,
            steps_per_s=round(last.steps_per_s, 1),
        )
        _require(last.reason == COMPLETED, f"the run ended as {last.reason}: {last.error or last.divergence}")
        _require(len(losses) == STEPS, f"{len(losses)} losses for {STEPS} steps")
        _require(bool(np.isfinite(losses).all()), "a loss is not finite")
        _require(losses[-1] < 0.9 * losses[0], f"the loss did not fall: {losses[0]!r} -> {losses[-1]!r}")
        _require(int((np.diff(losses) < 0).sum()) >= STEPS * 3 // 4, "the loss rose on more than a quarter of the steps")
        if not small:
            self.losses[style] = losses

    def check_agreement(self, check: Check) -> None:
        import numpy as np

        from .core.config import TrainConfig
        from .core.loop import train

        # float64: the two implementations agree to rounding at every step
        runs = {s: train(TrainConfig(style=s, steps=STEPS, device="cpu", dtype="float64"))[0] for s in ("numpy", "tensors")}
        worst64 = _max_rel(runs["numpy"], runs["tensors"])
        check.detail["float64_max_rel_diff"] = worst64
        _require(worst64 <= 1e-9, f"float64 losses differ by {worst64:g} (relative)")
        # float32, the lesson's own runs from the training checks (large losses: 1e-4 relative)
        if "numpy" in self.losses and "tensors" in self.losses:
            worst32 = _max_rel(self.losses["numpy"], self.losses["tensors"])
            check.detail["float32_max_rel_diff"] = worst32
            _require(worst32 <= 1e-4, f"float32 losses differ by {worst32:g} (relative)")
        _require(bool(np.isfinite(runs["numpy"]).all()), "a float64 loss is not finite")

    def close_app(self) -> None:
        if self.app is None:
            return
        from PySide6.QtWidgets import QApplication

        for w in QApplication.topLevelWidgets():
            if w.isVisible():
                w.close()
        # delete only the windows made here: menus and popups belong to their windows
        for w in self.windows:
            if w.parent() is None:
                w.deleteLater()
        self.windows = []
        _flush_deletes(self.app)

    # -- report ----------------------------------------------------------------
    @property
    def ok(self) -> bool:
        return all(c.status != "failed" for c in self.checks)

    def report(self, seconds: float, started: str) -> dict[str, Any]:
        counts = {s: sum(c.status == s for c in self.checks) for s in ("passed", "failed", "skipped")}
        return {
            "ok": self.ok,
            "app": "backprop-playground",
            "app_version": __version__,
            "started": started,
            "seconds": round(seconds, 3),
            "seconds_since_process_start": _round(seconds_since_process_start()),
            "frozen": bool(getattr(sys, "frozen", False)),
            "executable": sys.executable,
            "platform": platform.platform(),
            "machine": platform.machine(),
            "qt_platform": self.qt_platform,
            "qt_messages": self.qt_messages,
            "versions": self.versions,
            "counts": counts,
            "checks": [c.to_dict() for c in self.checks],
        }


def resource_path(name: str) -> Path:
    """A file of the ``playground.resources`` package (source, installed or frozen)."""
    from importlib.resources import files

    return Path(str(files("playground.resources").joinpath(name)))


def _flush_deletes(app: Any) -> None:
    """Process pending events, then the deleteLater() requests (no event loop runs here)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    app.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _visible_pixels(image: Any) -> int:
    from PySide6.QtGui import QImage

    img = image.convertToFormat(QImage.Format.Format_ARGB32)
    step = max(1, img.width() // 64)
    return sum(
        img.pixelColor(x, y).alpha() > 0
        for x in range(0, img.width(), step)
        for y in range(0, img.height(), step)
    ) * step * step


def _num(value: Any) -> float | str:
    v = float(value)
    return v if math.isfinite(v) else repr(v)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _max_rel(a: Any, b: Any) -> float:
    import numpy as np

    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return math.inf
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="backprop-playground --self-test",
        description="Train briefly in every style offscreen, check the results, write a JSON report; "
        "exit 0 only if every check passed.",
    )
    p.add_argument("--report", metavar="PATH", type=Path,
                   help=f"where to write the JSON report (default: {default_report_path()})")
    p.add_argument("--require-gui", action="store_true",
                   help="fail when the window's module is missing (always so in a frozen build)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    # Offscreen unless the caller chose a platform (QT_QPA_PLATFORM=xcb tests the desktop plugin).
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    started = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    test = SelfTest(require_gui=args.require_gui or bool(getattr(sys, "frozen", False)))
    own_settings = not os.environ.get("BACKPROP_PLAYGROUND_CONFIG_DIR")
    with tempfile.TemporaryDirectory(prefix="backprop-playground-self-test-") as settings_dir:
        # the window starts from default settings and leaves the user's untouched
        if own_settings:
            os.environ["BACKPROP_PLAYGROUND_CONFIG_DIR"] = settings_dir
        try:
            test.run_all()
        finally:
            if own_settings:
                os.environ.pop("BACKPROP_PLAYGROUND_CONFIG_DIR", None)
    report = test.report(time.perf_counter() - t0, started)
    path: Path = args.report if args.report is not None else default_report_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
        where = f"report: {path}"
        written = True
    except OSError as exc:
        where = f"report NOT written to {path}: {exc.strerror or exc}"
        written = False
    counts = report["counts"]
    skipped = f", {counts['skipped']} skipped" if counts["skipped"] else ""
    if report["ok"] and written:
        line = f"self-test passed: {counts['passed']} checks{skipped} in {report['seconds']:.1f} s ({where})"
    else:
        failed = [c.name for c in test.checks if c.status == "failed"] or ["report"]
        line = f"self-test FAILED: {', '.join(failed)} ({where})"
    print(line, file=sys.stdout if report["ok"] and written else sys.stderr)
    return 0 if report["ok"] and written else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
