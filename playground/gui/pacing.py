"""Redraw pacing for live charts: each chart may take a set share of the GUI thread.

Training runs in a process of its own, but on a small machine the window's
painting still takes a core's time from it: on 2 cores, with the worker on 2
torch threads, the window's process takes about 10% of a core at full speed
(``playground bench``, section 7).  A live chart therefore times its frames (its data update plus every
paint since the previous frame: pyqtgraph often paints two or three times
for one update, as ranges and axes settle) and leaves ``frame / budget``
between two of them: a chart whose frame takes 6 ms with a 5% budget redraws
every 120 ms.
"""

from __future__ import annotations

import math
import time

from PySide6 import QtWidgets  # noqa: F401  (first, so pyqtgraph binds to PySide6)

import pyqtgraph as pg  # isort: skip


class _TimedPaint:
    """Mixin for a pyqtgraph view: adds up the time its paints take."""

    paint_s = 0.0

    def paintEvent(self, ev):  # noqa: N802 - Qt API
        t0 = time.perf_counter()
        super().paintEvent(ev)
        self.paint_s += time.perf_counter() - t0


class TimedPlotWidget(_TimedPaint, pg.PlotWidget):
    """``pg.PlotWidget`` with :attr:`paint_s`."""


class TimedLayoutWidget(_TimedPaint, pg.GraphicsLayoutWidget):
    """``pg.GraphicsLayoutWidget`` with :attr:`paint_s`."""


class Pacer:
    """The wait after each frame of a live chart drawn in ``view`` (a timed widget)."""

    def __init__(self, view: _TimedPaint, budget: float, min_ms: float, max_ms: float) -> None:
        self.view, self.budget, self.min_ms, self.max_ms = view, budget, min_ms, max_ms
        self._painted = view.paint_s
        self._frame_end = -math.inf  # perf_counter() when the last frame's update ended
        self.interval_ms = int(min_ms)

    def frame_done(self, update_s: float) -> int:
        """A frame's data update took ``update_s``: the interval to leave before the next one.

        The paints since the previous frame stand in for the ones this update causes.
        """
        self._frame_end = time.perf_counter()
        painted, self._painted = self.view.paint_s - self._painted, self.view.paint_s
        frame_ms = (update_s + painted) * 1000.0
        self.interval_ms = int(min(max(self.min_ms, frame_ms / self.budget), self.max_ms))
        return self.interval_ms

    def wait_ms(self) -> float:
        """How long the next frame must still wait (0 or less: it is due)."""
        return self.interval_ms - (time.perf_counter() - self._frame_end) * 1000.0
