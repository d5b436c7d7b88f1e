"""The live loss plot: a view of the session's :class:`~playground.core.runs.Runs`.

It draws at most :data:`MAX_RUNS` of them: the current run and the most recent
visible ones (the Runs table lists them all).  What it keeps of a run is only what
it draws (:class:`~.plot_drawing.RunDrawing`: curves, pens, marker lines, what was drawn last),
made when the run comes into view and dropped when it leaves; the run's facts stay
in the :class:`~playground.core.runs.Run`, and the plot follows their changes
through the Runs' events.

Data arrives batch by batch into :class:`~playground.core.history.LossHistory`
buffers; a QTimer redraws at most :data:`REDRAW_HZ` times a second, whatever
the step rate.  The y axis is logarithmic by default (the lesson's loss falls 14
orders of magnitude): the curve is fed log10 values and only the axis is put in
log mode.

A redraw's cost is tied to the pixels, not to the length of the run: each curve
gets :meth:`LossHistory.decimated` of the steps in view (the raw losses when
they are few, else a min/max envelope with a few points per pixel, so every
peak stays), and logarithms are taken of those points only.  pyqtgraph's own
peak downsampling and clip-to-view then handle the raw case.  They are set on
the PlotItem, because ``PlotItem.addItem`` resets a curve's downsampling and
clipping to the PlotItem's (off by default); set on the curve alone, they were
silently lost, and every paint drew every point.

While the plot follows the run, the view is fitted to the data in coarse steps
(:func:`~.plot_axis.follow_view`), so it moves only when the data leave it.  A zoom or
pan by hand stops following; "View all" (the "A" button) or a new run starts it again.

Every label tells the truth about the data: the loss axis never scales its numbers by
a hidden multiplier (:mod:`.plot_axis`), a non-finite loss never moves the view, a run
read from a file is drawn at the steps it was saved with, in the colour it had, and
learning-rate markers that would crowd each other are staggered, shortened or shared
(:mod:`.plot_markers`), placed and labelled once per change of the view.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from ..core.config import TrainConfig
from ..core.history import log10_f32
from ..core.runs import APPENDED, CHANGED, EXTENDED, INSERTED, SHOWN_RUNS, Run, Runs
from .pacing import Pacer, TimedPlotWidget
from .plot_axis import LossAxis, follow_view, log_tick_text
from .plot_drawing import MIN_BUCKETS, RunDrawing
from .plot_markers import (
    MARKER_LABEL_ELIDED,
    MARKER_LABEL_GAP_PX,
    MARKER_LABEL_LEVELS,
    MARKER_TOOLTIP_CHANGES,
    MAX_MARKER_LINES,
    change_steps,
    marker_groups,
    marker_text,
    place_marker_lines,
    stagger_labels,
)

#: The most runs drawn at once: the current run and the most recent visible ones.
MAX_RUNS = SHOWN_RUNS
#: At most this many redraws a second.  A live curve reads well at 10; on 2 cores
#: (``playground bench``) redrawing at 30 Hz cost training about 20% of its speed when
#: it ran in the window's process, at 5 Hz about 4%; in its own process it still
#: shares the cores with the drawing.
REDRAW_HZ = 10
#: Most of the GUI thread's time the plot's redraws (data and paint) may take while a run is
#: live.  On 2 cores (``playground bench``) the window's drawing takes its CPU time from
#: the training worker's when the run uses both cores, so the plot takes 5% (a 6 ms frame:
#: 8 redraws a second; a 2 ms one: 25).
PAINT_BUDGET = 0.05
MAX_REDRAW_INTERVAL_MS = 250


class LossPlot(QWidget):
    """Loss against step, live, with earlier runs as fainter curves: a view of a :class:`Runs`."""

    #: The runs, or which of them are drawn, changed (emitted after the plot has followed).
    runsChanged = Signal()

    def __init__(self, parent: QWidget | None = None, runs: Runs | None = None) -> None:
        super().__init__(parent)
        #: The runs this plot shows (its own when none is given: a plot used on its own).
        self.runs = runs if runs is not None else Runs()
        self._drawings: dict[Run, RunDrawing] = {}  # in the runs' order
        self.plot_widget = TimedPlotWidget(self)
        self.plot_widget.setAccessibleName(self.tr("Loss curves"))
        self.plot_item: pg.PlotItem = self.plot_widget.getPlotItem()
        self.plot_item.setAxisItems({"left": LossAxis("left")})
        self.plot_item.setLabel("bottom", self.tr("step"))
        self.plot_item.setLabel("left", self.tr("loss"))
        # No grid: pyqtgraph draws grid lines through the axes on every repaint,
        # which took most of the GUI thread while the view follows a live run.

        self.legend = self.plot_item.addLegend(offset=(-10, 10))
        self.plot_widget.setBackground("w")
        self.plot_item.getViewBox().setMouseEnabled(x=True, y=True)
        # For every curve added from now on (addItem applies the PlotItem's settings).
        self.plot_item.setDownsampling(auto=True, mode="peak")
        self.plot_item.setClipToView(True)
        self.plot_item.getViewBox().sigXRangeChanged.connect(self._on_x_range_changed)
        self.plot_item.getViewBox().sigResized.connect(self._on_view_resized)
        self._markers_dirty = False  # lr markers to place and label again at the next redraw
        self.plot_item.getViewBox().sigRangeChangedManually.connect(self._on_range_changed_by_hand)
        self._follow_view: tuple[float, float, float] | None = None  # (x max, y min, y max) last set
        self.log_y = True
        self.smoothing = 0.0  # EMA alpha; 0 = off
        self.follow = True
        self._dirty = False
        #: The current run's held-out test loss (core/loop.py eval_steps, test_losses): dashed.
        self.test_steps = np.empty(0, dtype=np.int64)
        self.test_losses = np.empty(0, dtype=np.float64)
        self.test_curve: pg.PlotDataItem | None = None
        self._apply_axis_mode()

        self._vline = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#888", style=pg.QtCore.Qt.PenStyle.DashLine))
        self._hline = pg.InfiniteLine(angle=0, movable=False, pen=pg.mkPen("#888", style=pg.QtCore.Qt.PenStyle.DashLine))
        self._readout = pg.TextItem(anchor=(0, 1), color="#222", fill=pg.mkBrush(255, 255, 255, 200))
        for item in (self._vline, self._hline, self._readout):
            item.setZValue(100)
            self.plot_item.addItem(item, ignoreBounds=True)
            item.hide()
        self._mouse_proxy = pg.SignalProxy(self.plot_widget.scene().sigMouseMoved, rateLimit=30,
                                           slot=self._on_mouse_moved)
        self.readout_text = ""

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Before any run: a line saying what will appear here, not bare axes with made-up ranges.
        self.placeholder = QLabel(self.tr("No run yet. Press F5 (Start) and the loss appears here, step by "
                                          "step."), self)
        self.placeholder.setObjectName("lossPlaceholder")
        self.placeholder.setAccessibleName(self.tr("Loss plot placeholder"))
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet("#lossPlaceholder { background: white; color: #555; }")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.plot_widget)
        self.setAccessibleName(self.tr("Loss plot"))
        layout.addWidget(self.stack)
        self.runsChanged.connect(self._show_plot_or_placeholder)

        self.pacer = Pacer(self.plot_widget, PAINT_BUDGET, 1000 / REDRAW_HZ, MAX_REDRAW_INTERVAL_MS)
        self.timer = QTimer(self)
        self.timer.setInterval(int(1000 / REDRAW_HZ))
        self.timer.timeout.connect(self.redraw)
        self.timer.start()
        self.runs.subscribe(self._on_runs_changed)
        self._on_runs_changed(EXTENDED, None)  # the runs it was given

    @Slot()
    def _show_plot_or_placeholder(self) -> None:
        self.stack.setCurrentWidget(self.plot_widget if len(self.runs) else self.placeholder)

    # -- what is drawn -------------------------------------------------------------
    @property
    def current(self) -> Run | None:
        """The run being recorded (the Runs' current run)."""
        return self.runs.current

    def drawing(self, run: Run) -> RunDrawing | None:
        """What the plot draws of ``run`` (None: not drawn, being hidden or older than the runs drawn)."""
        return self._drawings.get(run)

    def is_drawn(self, run: Run) -> bool:
        return run in self._drawings

    def drawn_runs(self) -> list[Run]:
        """The runs drawn, in the runs' order."""
        return list(self._drawings)

    def _on_runs_changed(self, kind: str, run: Run | None) -> None:
        """Follow a change of the runs: draw those now in view, drop the others, update the rest."""
        if kind == APPENDED:  # a batch: drawn at the next timer tick
            if run in self._drawings:
                self._dirty = True
            return
        if kind in (INSERTED, EXTENDED):
            self.follow = True  # a new run, or runs opened: the view fits them again
        wanted = self.runs.shown(MAX_RUNS)
        keep = set(wanted)
        for gone in [r for r in self._drawings if r not in keep]:
            self._undraw(self._drawings[gone])
        self._drawings = {r: self._drawings.get(r) or self._draw(r) for r in wanted}
        if kind == CHANGED and run in self._drawings:
            self._drawings[run].lr_steps = None  # its lr changes may be new
        self._sync_pens()
        self._sync_legend()
        self._dirty = True
        self._markers_dirty = True
        self.runsChanged.emit()

    def _draw(self, run: Run) -> RunDrawing:
        drawing = RunDrawing(self._make_curve(run.colour, width=2))
        self.plot_item.addItem(drawing.curve)
        self._sync_smoothing(run, drawing)
        return drawing

    def _undraw(self, drawing: RunDrawing) -> None:
        for curve in (drawing.curve, drawing.smooth_curve):
            if curve is not None:
                self.legend.removeItem(curve)
        for item in (drawing.curve, drawing.smooth_curve, *drawing.markers):
            if item is not None:
                self.plot_item.removeItem(item)
        drawing.markers.clear()

    def _make_curve(self, colour: str, width: float) -> pg.PlotDataItem:
        curve = pg.PlotDataItem(pen=pg.mkPen(colour, width=width))
        curve.setDownsampling(auto=True, method="peak")
        curve.setClipToView(True)
        return curve

    def _smoothed_name(self, name: str) -> str:
        return self.tr("{0} (smoothed, EMA α={1:g})").format(name, self.smoothing)

    def _sync_legend(self) -> None:
        """One legend entry per curve drawn, in the runs' order, each with its run's name as it is now."""
        wanted: list[tuple[pg.PlotDataItem, str]] = []
        for run, drawing in self._drawings.items():
            wanted.append((drawing.curve, run.name))
            if drawing.smooth_curve is not None:
                wanted.append((drawing.smooth_curve, self._smoothed_name(run.name)))
        if [sample.item for sample, _ in self.legend.items] != [item for item, _ in wanted]:
            self.legend.clear()
            for item, text in wanted:
                self.legend.addItem(item, text)
            return
        changed = False
        for (_, label), (_, text) in zip(self.legend.items, wanted, strict=True):
            if label.text != text:
                label.setText(text)
                changed = True
        if changed:
            self.legend.updateSize()

    def _sync_pens(self) -> None:
        """The current run drawn bold, earlier ones fainter; with smoothing, every raw curve faint."""
        smoothed = self.smoothing > 0
        for run, drawing in self._drawings.items():
            state = (run is self.runs.current, smoothed)
            if drawing.pens == state:
                continue
            drawing.pens = state
            colour = pg.mkColor(run.colour)
            if smoothed and drawing.smooth_curve is not None:
                raw = pg.mkColor(run.colour)
                raw.setAlpha(90)
                drawing.curve.setPen(pg.mkPen(raw, width=1))
                drawing.smooth_curve.setPen(pg.mkPen(colour, width=2.5))
            elif state[0]:
                drawing.curve.setPen(pg.mkPen(colour, width=2))
            else:
                colour.setAlpha(110)
                drawing.curve.setPen(pg.mkPen(colour, width=1.2))

    # -- feeding a plot used on its own (the bench, tests); the window changes its Runs -----
    def begin_run(self, cfg: TrainConfig, colour: str | None = None) -> Run:
        """Start a new current run; the previous current run becomes an overlay."""
        return self.runs.begin(cfg, colour or "")

    def append(self, steps: np.ndarray, losses: np.ndarray) -> None:
        """Add a batch to the current run (drawn at the next timer tick)."""
        self.runs.append(steps, losses)

    def mark_lr_change(self, run: Run | None, step: int, lr: float) -> None:
        """The learning rate of ``run`` (the current one when None) became ``lr`` at ``step``."""
        self.runs.change_lr(step, lr, run)

    def add_recorded(self, run: Run) -> Run:
        """Show a run read from an experiment file as an overlay, as it was when it was saved."""
        return self.runs.add(run)

    def add_recorded_run(self, cfg: TrainConfig, losses: np.ndarray | Sequence[float], name: str | None = None,
                         lr_changes: Sequence[tuple[int, float]] = ()) -> Run:
        """Show a finished run given by its losses alone (steps from 0, outcome not known)."""
        losses = np.asarray(losses, dtype=np.float64)
        return self.runs.add(Run(name or "", cfg, np.arange(len(losses)), losses, lr_changes))

    def discard_current(self) -> None:
        """Forget the current run (Reset)."""
        self.runs.discard_current()

    def remove_run(self, run: Run) -> None:
        self.runs.remove(run)

    def clear_runs(self) -> None:
        """Forget every finished run; the current one stays."""
        self.runs.clear_finished()

    def rename_run(self, run: Run, name: str) -> None:
        """A name given by hand: it stays as given when the lr changes."""
        self.runs.rename(run, name)

    # -- lr markers ----------------------------------------------------------------
    marker_text = staticmethod(marker_text)  # the full label of an lr-change marker

    def _layout_markers(self) -> None:
        """Place every run's marker lines for the view, then give each label a level where it
        overlaps no other, or shorten it when none is free (see :mod:`.plot_markers`).

        Done once per change of the view or of the lr changes, at a redraw, never once per
        change added.
        """
        self._markers_dirty = False
        vb = self.plot_item.getViewBox()
        (x0, x1), _ = vb.viewRange()
        px_per_step = max(vb.width(), 1.0) / max(x1 - x0, 1e-300)
        placed: list[tuple[float, pg.InfiniteLine, str]] = []
        for run, drawing in self._drawings.items():
            drawing.lr_steps = change_steps(run.lr_changes, drawing.lr_steps)
            groups = marker_groups(run.lr_changes, drawing.lr_steps, x0, x1)
            place_marker_lines(self.plot_item, drawing.markers, groups, run.colour)
            drawing.marker_texts = [text for _, text, _ in groups]
            placed += [(float(line.value()), line, text)
                       for line, text in zip(drawing.markers, drawing.marker_texts, strict=True)]
        stagger_labels(placed, x0, px_per_step)

    # -- the test loss --------------------------------------------------------------
    def append_test(self, steps: np.ndarray, losses: np.ndarray) -> None:
        """Add the current run's test losses at ``steps``: a dashed curve in the run's colour."""
        finite = np.isfinite(losses)
        if not finite.any():
            return
        self.test_steps = np.concatenate([self.test_steps, np.asarray(steps, dtype=np.int64)[finite]])
        self.test_losses = np.concatenate([self.test_losses, np.asarray(losses, dtype=np.float64)[finite]])
        if self.test_curve is None:
            self.test_curve = pg.PlotDataItem()
            self.plot_item.addItem(self.test_curve)
        colour = self.current.colour if self.current is not None and self.current.colour else "#1f77b4"
        self.test_curve.setPen(pg.mkPen(colour, width=1.8, style=Qt.PenStyle.DashLine))
        self._draw_test()

    def clear_test(self) -> None:
        """Forget the test curve (a new run starts, or the run is reset)."""
        self.test_steps = np.empty(0, dtype=np.int64)
        self.test_losses = np.empty(0, dtype=np.float64)
        if self.test_curve is not None:
            self.plot_item.removeItem(self.test_curve)
            self.test_curve = None

    def _draw_test(self) -> None:
        if self.test_curve is not None:
            y = log10_f32(self.test_losses) if self.log_y else self.test_losses
            self.test_curve.setData(self.test_steps, y)

    # -- display options ---------------------------------------------------------
    def set_log_y(self, on: bool) -> None:
        if on != self.log_y:
            self.log_y = on
            self._draw_test()
            self._apply_axis_mode()
            for drawing in self._drawings.values():
                drawing.drawn = -1
                drawing.smooth_history = None
            self.follow = True
            self._follow_view = None
            self._dirty = True
            self.redraw()

    def _apply_axis_mode(self) -> None:
        # Data arrive already in log10 when log_y: only the axis labels switch mode.
        self.plot_item.getAxis("left").setLogMode(self.log_y)
        self.plot_item.setLabel("left", self.tr("loss (log scale)") if self.log_y else self.tr("loss"))

    def set_smoothing(self, alpha: float) -> None:
        """EMA smoothing drawn over the raw curve (0 turns it off); the raw curve stays."""
        self.smoothing = max(0.0, min(alpha, 1.0))
        for run, drawing in self._drawings.items():
            drawing.smooth_history = None
            drawing.drawn = -1
            self._sync_smoothing(run, drawing)
        self._sync_pens()
        self._sync_legend()
        self._dirty = True
        self.redraw()

    def _sync_smoothing(self, run: Run, drawing: RunDrawing) -> None:
        """A smoothed curve while smoothing is on, none while it is off (the legend follows in _sync_legend)."""
        if self.smoothing > 0 and drawing.smooth_curve is None:
            drawing.smooth_curve = pg.PlotDataItem(pen=pg.mkPen(run.colour, width=2.5))
            self.plot_item.addItem(drawing.smooth_curve)
            drawing.smooth_curve.setDownsampling(auto=True, method="mean")  # after addItem, which resets it
            drawing.smooth_curve.setClipToView(True)
        elif self.smoothing == 0 and drawing.smooth_curve is not None:
            self.legend.removeItem(drawing.smooth_curve)
            self.plot_item.removeItem(drawing.smooth_curve)
            drawing.smooth_curve = None
        drawing.pens = None

    @Slot()
    def redraw(self) -> None:
        """Push new data to the curves (called by the timer; cheap when nothing changed)."""
        if any(self.plot_item.getViewBox().autoRangeEnabled()):
            if not self.follow or self._follow_view is not None:  # "View all" was asked for: follow again
                self.follow, self._follow_view, self._dirty = True, None, True
        if not self._dirty:
            if self._markers_dirty:
                self._layout_markers()
            return
        self._dirty = False
        started = time.perf_counter()
        new_data = False
        for run, drawing in self._drawings.items():
            n = len(run.history)
            want = drawing.wanted_range(run.history, self.follow, self.plot_item.getViewBox())
            if want is None:
                continue
            new_data = new_data or n != drawing.drawn
            _, first, end, _, buckets = want
            start, stop = run.history.index_range(first, end)
            x, y = run.history.decimated(start, stop, buckets)
            y = log10_f32(y) if self.log_y else y
            drawing.curve.setData(run.history.step_numbers(x), y)
            finite = y[np.isfinite(y)]  # an inf or NaN loss must not stretch the view
            drawing.y_bounds = (float(finite.min()), float(finite.max())) if len(finite) else None
            if drawing.smooth_curve is not None:
                smoothed = drawing.extend_smoothing(run.history, self.smoothing, self.log_y)
                sx, sy = smoothed.decimated(start, stop, buckets)
                drawing.smooth_curve.setData(run.history.step_numbers(sx), sy)
            drawing.drawn = n
            drawing.cover = want
        if self.follow and (new_data or self._follow_view is None):
            self._fit_view()
        if self._markers_dirty:
            self._layout_markers()
        # Redraw no more often than the budget allows (and never above REDRAW_HZ).
        interval = self.pacer.frame_done(time.perf_counter() - started)
        if abs(interval - self.timer.interval()) > 5:
            self.timer.setInterval(interval)

    def _fit_view(self) -> None:
        """Fit the view to every run drawn, changing it only when the data leave it."""
        shown = [(r, d) for r, d in self._drawings.items() if len(r.history)]
        if not shown:
            return
        last = max(r.history.end_step for r, _ in shown) - 1
        total = max(r.config.steps for r, _ in shown) - 1
        bounds = [d.y_bounds for _, d in shown if d.y_bounds is not None]
        view = follow_view(last, total, bounds, self.log_y, self._follow_view)
        if view != self._follow_view:
            self._follow_view = view
            x_max, lo, hi = view
            self.plot_item.getViewBox().setRange(xRange=(0.0, x_max), yRange=(lo, hi), padding=0.02)

    @Slot(object)
    def _on_range_changed_by_hand(self, _mask: object) -> None:
        """A zoom or pan with the mouse: keep that view (draw its steps) until "View all" or a new run."""
        self.follow = False
        self._follow_view = None
        self._dirty = True

    # -- crosshair ---------------------------------------------------------------
    @Slot(object, object)
    def _on_x_range_changed(self, _vb: object, _range: object) -> None:
        """The view moved (by hand or "View all"): the curves may need other steps or another level."""
        self._markers_dirty = True  # labels that fitted side by side may not now, or the reverse
        if not self.follow or any(self.plot_item.getViewBox().autoRangeEnabled()):
            self._dirty = True

    @Slot(object)
    def _on_view_resized(self, _vb: object) -> None:
        self._markers_dirty = True

    @Slot(object)
    def _on_mouse_moved(self, event: tuple) -> None:
        pos = event[0]
        vb = self.plot_item.getViewBox()
        if not self.plot_item.sceneBoundingRect().contains(pos):
            for item in (self._vline, self._hline, self._readout):
                item.hide()
            return
        point = vb.mapSceneToView(pos)
        self.show_readout(point.x())

    def show_readout(self, x: float) -> str:
        """Crosshair at step ``x`` on the current run, or the last one drawn; returns the text shown."""
        drawn = list(self._drawings)
        current = self.runs.current
        run = current if current in self._drawings else (drawn[-1] if drawn else None)
        if run is None or len(run.history) == 0:
            return ""
        index = run.history.nearest_index(x)
        step = int(run.history.steps[index])
        loss = float(run.history.losses[index])
        y = float(log10_f32(np.array([loss]))[0]) if self.log_y else loss
        self._vline.setPos(step)
        self._hline.setPos(y if np.isfinite(y) else 0.0)
        self.readout_text = self.tr("step {0}\nloss {1:.6g}").format(step, loss)
        self._readout.setText(self.readout_text)
        self._readout.setPos(step, y if np.isfinite(y) else 0.0)
        for item in (self._vline, self._hline, self._readout):
            item.show()
        return self.readout_text


__all__ = [
    "MARKER_LABEL_ELIDED",
    "MARKER_LABEL_GAP_PX",
    "MARKER_LABEL_LEVELS",
    "MARKER_TOOLTIP_CHANGES",
    "MAX_MARKER_LINES",
    "MAX_REDRAW_INTERVAL_MS",
    "MAX_RUNS",
    "MIN_BUCKETS",
    "PAINT_BUDGET",
    "REDRAW_HZ",
    "LossAxis",
    "LossPlot",
    "RunDrawing",
    "log_tick_text",
]
