"""What the loss plot keeps of one run it draws, and which of the run's steps to draw next.

A :class:`RunDrawing` is made when a run comes into view and dropped when it leaves.  It
holds only the drawing's own state (curves, marker lines, what was drawn last); the
run's facts stay in its :class:`~playground.core.runs.Run`.  A redraw's cost is tied to
the pixels, not to the length of the run: :meth:`RunDrawing.wanted_range` asks for the
steps in view at a few buckets per pixel, and only when what is drawn no longer serves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg

from ..core.history import LossHistory, ema

#: Buckets per curve at least (pixels otherwise): a run under 2x this many steps is drawn raw.
MIN_BUCKETS = 1000

#: What is drawn of a run: (steps, first step, end step, visible span, buckets).
Cover = tuple[int, int, int, float, int]


@dataclass(eq=False)
class RunDrawing:
    """What the plot draws of one run, made when it comes into view and dropped when it leaves.

    Only the drawing's own state: the run's facts (losses, lr changes, name, colour) are
    read from its :class:`~playground.core.runs.Run` whenever they are drawn.
    """

    curve: pg.PlotDataItem
    smooth_curve: pg.PlotDataItem | None = None
    #: The EMA of the drawn values (log10 or linear), kept as a history of its own.
    smooth_history: LossHistory | None = None
    #: The lr-change marker lines (at most MAX_MARKER_LINES) and the full label of each.
    markers: list[pg.InfiniteLine] = field(default_factory=list)
    marker_texts: list[str] = field(default_factory=list)
    #: The steps of the run's lr changes as numbers (made again when their count changes).
    lr_steps: np.ndarray | None = None
    drawn: int = -1  # history length at the last redraw
    #: What was drawn: (steps, first step, end step, visible span, pixels); see wanted_range.
    cover: Cover | None = None
    #: Finite min and max of the y values drawn (None: nothing finite).
    y_bounds: tuple[float, float] | None = None
    #: (current, smoothed): what the pens were last set for.
    pens: tuple[bool, bool] | None = None

    def wanted_range(self, history: LossHistory, follow: bool, vb: pg.ViewBox) -> Cover | None:
        """What to draw of the run's ``history`` now, or None when what is drawn still serves the view.

        Following the data (``follow``, x auto-range): all its steps, one bucket per
        pixel of ``vb``.  Zoomed or panned: the steps in view plus one view width either
        side (three buckets per pixel), drawn again only when the view leaves that cover
        or zooms by more than 1.5x.  The range is in step numbers (a run read from a file
        may start after step 0).
        """
        n = len(history)
        px = max(MIN_BUCKETS, int(vb.width()))
        first, end = history.first_step, history.end_step  # in steps, as the view's x
        if follow or n == 0:
            want = (n, first, end, float(n), px)
            return None if self.cover == want and self.drawn == n else want
        (x0, x1), _ = vb.viewRange()
        span = max(x1 - x0, 1.0)
        c = self.cover
        if (c is not None and self.drawn == n and c[0] == n and c[4] == px
                and c[1] <= max(x0, first) and min(x1, end) <= c[2] and c[3] / 1.5 <= span <= c[3] * 1.5):
            return None
        return (n, max(first, int(x0 - span)), min(end, int(x1 + span) + 1), span, 3 * px)

    def extend_smoothing(self, history: LossHistory, alpha: float, log_y: bool) -> LossHistory:
        """Extend the EMA (weight ``alpha``) of the values as drawn to the end of ``history``."""
        sm = self.smooth_history
        if sm is None or len(sm) > len(history):
            sm = self.smooth_history = LossHistory()
        done = len(sm)
        if done < len(history):
            new = history.losses[done:]
            if log_y:
                with np.errstate(divide="ignore", invalid="ignore"):
                    new = np.log10(new)
            sm.append(np.arange(done, len(history)), ema(new, alpha, sm.last))
        return sm
