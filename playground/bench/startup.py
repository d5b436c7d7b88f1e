"""Section 4: seconds from spawning ``python`` to the main window's first paint, and to its
training worker being ready (torch loaded there: Start trains at once), against
``python -c "import torch"`` and ``python -c pass``, each a fresh process from the same parent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from .common import median, run_rotated

#: The child's script: the app started as a person starts it, with an event filter that notes
#: the main window's first paint, then the moment its training worker is ready; prints both
#: and exits (the worker, whose pipe then closes, exits too).
_STARTUP_PROBE = r"""
import json, os, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
seen = {}
def wait_ready(window):
    if window.controller.worker_ready:
        seen["ready"] = time.time()
        print(json.dumps(seen), flush=True)
        os._exit(0)
    QTimer.singleShot(5, lambda: wait_ready(window))
class Probe(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint and obj.isWidgetType():
            top = obj.window()
            if isinstance(top, QMainWindow) and "window" not in seen:
                seen["window"] = time.time()
                QTimer.singleShot(0, lambda: wait_ready(top))
        return False
if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    probe = Probe()
    app.installEventFilter(probe)
    from playground.cli import main
    sys.exit(main([]))
"""


def _spawn(cmd: list[str], env: dict[str, str], timeout: float) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.time()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    return t0, proc


def bench_startup(repeats: int, out: Callable[[str], None]) -> dict[str, Any]:
    py = sys.executable
    rows: dict[str, list[float]] = {"python_bare_s": [], "import_torch_s": [], "window_shown_s": [],
                                    "worker_ready_s": [], "app_run_and_quit_s": []}
    exit_codes: list[int] = []
    stderr_tails: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bpp-bench-start-") as config_dir:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BACKPROP_PLAYGROUND_CONFIG_DIR=config_dir)
        env.pop("BACKPROP_PLAYGROUND_QUIT_AFTER", None)
        quit_env = dict(env, BACKPROP_PLAYGROUND_QUIT_AFTER="0")

        def bare() -> None:
            t0, p = _spawn([py, "-c", "pass"], env, 60)
            rows["python_bare_s"].append(time.time() - t0)

        def torch_import() -> None:
            t0, p = _spawn([py, "-c", "import torch"], env, 120)
            rows["import_torch_s"].append(time.time() - t0)

        def probe() -> None:
            t0, p = _spawn([py, "-c", _STARTUP_PROBE], env, 120)
            try:
                seen = json.loads(p.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                raise RuntimeError(f"the start-up probe failed: {p.stderr[-500:]}") from None
            rows["window_shown_s"].append(seen["window"] - t0)
            rows["worker_ready_s"].append(seen["ready"] - t0)

        def run_and_quit() -> None:
            t0, p = _spawn([py, "-m", "playground"], quit_env, 120)
            rows["app_run_and_quit_s"].append(time.time() - t0)
            exit_codes.append(p.returncode)
            if p.stderr.strip():
                stderr_tails.append(p.stderr.strip()[-300:])

        run_rotated([bare, torch_import, probe, run_and_quit], repeats)
    result: dict[str, Any] = {k: median(v) for k, v in rows.items()}
    result["per_repeat"] = rows
    result["window_vs_import_torch"] = result["window_shown_s"] / result["import_torch_s"]
    result["app_exit_codes"] = exit_codes
    result["app_stderr"] = stderr_tails
    result["goal"] = "main window shown before `import torch` would have finished"
    result["met"] = bool(result["window_shown_s"] <= result["import_torch_s"])
    out(f"  python -c pass {result['python_bare_s']:.2f} s, import torch {result['import_torch_s']:.2f} s, "
        f"window shown {result['window_shown_s']:.2f} s, worker ready (Start trains at once) "
        f"{result['worker_ready_s']:.2f} s")
    return result

