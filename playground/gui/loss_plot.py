"""The live loss plot: the current run plus up to :data:`MAX_RUNS` earlier runs.

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
(x to the next 1-2-5 number of steps, y to whole half-decades on a log axis)
rather than by pyqtgraph's auto-range at every redraw: re-laying out the axes
was two thirds of a paint, and a view that moves only when the data leave it
needs that only a few times per run.  A zoom or pan by hand stops following;
"View all" (the "A" button) or a new run starts it again.

Every label tells the truth about the data: the loss axis never scales its
numbers by a hidden multiplier (:class:`LossAxis`), a non-finite loss never
moves the view, a run read from a file is drawn at the steps it was saved with,
in the colour it had, and learning-rate labels that would overlap are staggered
or shortened (the full text in their tooltip).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from ..core.config import TrainConfig
from ..core.history import LossHistory, ema, log10_f32
from ..core.outcomes import DIVERGED, OUTCOMES, UNKNOWN_OUTCOME
from ..core.persistence import RecordedRun
from .pacing import Pacer, TimedPlotWidget

MAX_RUNS = 20
#: At most this many redraws a second.  A live curve reads well at 10; on 2 cores
#: (``playground bench``) redrawing at 30 Hz cost the training thread about 20% of
#: its speed through the GIL, at 5 Hz about 4%.
REDRAW_HZ = 10
#: Most of the GUI thread's time the plot's redraws (data and paint) may take while a run is
#: live.  Painting holds the GIL, which the training thread needs between torch calls: on
#: 2 cores (``playground bench``) every percent of GUI-thread Python time cost about a
#: percent of training speed, so the plot takes 5% (a 6 ms frame: 8 redraws a second;
#: a 2 ms one: 25).
PAINT_BUDGET = 0.05
MAX_REDRAW_INTERVAL_MS = 250
#: Buckets per curve at least (pixels otherwise): a run under 2x this many steps is drawn raw.
MIN_BUCKETS = 1000


RUN_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
               "#7f7f7f", "#bcbd22", "#17becf"]

#: Where the learning-rate labels sit along their marker line (fractions of the view's height,
#: from the bottom).  A label too close to one already at a level takes the next level down.
MARKER_LABEL_LEVELS = (0.92, 0.82, 0.72, 0.62)
#: Least space between two labels at one level, in pixels.
MARKER_LABEL_GAP_PX = 6.0
#: A label with no free level shows this; its full text is in the tooltip of label and line.
MARKER_LABEL_ELIDED = "…"

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _nice_ceil(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``value`` (> 0)."""
    if not value > 0 or not math.isfinite(value):
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 5.0, 10.0):
        nice = step * power
        if nice >= value * (1 - 1e-12):
            return nice if math.isfinite(nice) else value  # near float64's largest, the value itself
    return value


def log_tick_text(exponent: float) -> str:
    """The loss at ``10 ** exponent`` as a tick label, written from the exponent alone.

    One significant digit, as pyqtgraph's log ticks have: "0.01", "1", "1000", "2·10⁵",
    "10⁻¹²".  Raising 10 to the exponent is avoided, so an exponent past 308 gives its
    label, not an overflow.
    """
    if not math.isfinite(exponent):
        return ""
    power = math.floor(exponent + 1e-9)  # a tick at 3 computed as 2.9999999 is 10^3
    mantissa = round(10.0 ** (exponent - power))  # 1..10
    if mantissa >= 10:
        mantissa, power = 1, power + 1
    mantissa = max(mantissa, 1)
    if -3 <= power <= 3:
        return f"{mantissa * 10.0 ** power:.{max(0, -power)}f}"
    ten = "10" + str(power).translate(_SUPERSCRIPT)
    return ten if mantissa == 1 else f"{mantissa}·{ten}"


class LossAxis(pg.AxisItem):
    """An axis whose tick labels are the loss itself, on a log axis too, never scaled.

    pyqtgraph's automatic SI prefix divides an axis's numbers by a power of 1000 when
    they are large and says so in the label; on a log axis it did that to the exponents
    (a range up to 1e35 read "loss (log scale) (x1e+27)" with the tick at 1 labelled
    10⁻²⁷), and it raised 10 to the view's range, which overflows past 1e308.  Here the
    scale is always 1, and log ticks are labelled by :func:`log_tick_text`.
    """

    def updateAutoSIPrefix(self) -> None:  # noqa: N802 (pyqtgraph's name)
        self.autoSIPrefixScale = 1.0
        self.labelUnitPrefix = ""
        self._updateLabel()

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        return [log_tick_text(float(v)) for v in values]


def lr_text(lr: float, lr_changes: list[tuple[int, float]] | tuple[tuple[int, float], ...] = ()) -> str:
    """A run's learning rate: "1e-06", "1e-06 → 1e-07", or "1e-06 → … → 1e-08" after several changes."""
    if not lr_changes:
        return f"{lr:g}"
    last = lr_changes[-1][1]
    return f"{lr:g} → {last:g}" if len(lr_changes) == 1 else f"{lr:g} → … → {last:g}"


def run_label(cfg: TrainConfig, lr_changes: list[tuple[int, float]] | tuple[tuple[int, float], ...] = ()) -> str:
    """A run's automatic name (in the legend and the Runs table): what it trained, and its lr."""
    return f"{cfg.style}, {cfg.optimizer}, lr {lr_text(cfg.lr, lr_changes)}"


@dataclass
class PlotRun:
    """One run on the plot: its history (losses and their steps), curve, lr changes and how it ended."""

    run_id: int
    config: TrainConfig
    history: LossHistory
    curve: pg.PlotDataItem
    name: str
    colour: str
    markers: list[pg.InfiniteLine] = field(default_factory=list)
    lr_changes: list[tuple[int, float]] = field(default_factory=list)
    smooth_curve: pg.PlotDataItem | None = None
    #: The EMA of the drawn values (log10 or linear), kept as a history of its own.
    smooth_history: LossHistory | None = None
    drawn: int = -1  # history length at the last redraw
    #: What was drawn: (steps, first step, end step, visible span, pixels); see _wanted_range.
    cover: tuple[int, int, int, float, int] | None = None
    #: Finite min and max of the y values drawn (None: nothing finite).
    y_bounds: tuple[float, float] | None = None
    visible: bool = True
    note: str = ""
    #: "running" while live, then one of core.outcomes.OUTCOMES ("recorded": how it ended is not known).
    outcome: str = "running"
    diverged_step: int | None = None  # the step whose numbers became non-finite
    steps_per_s: float = 0.0  # 0: not known
    elapsed: float = 0.0  # seconds of training; 0: not known
    #: The name is made from the configuration and lr changes (follows them), not given by hand.
    auto_name: bool = True


class LossPlot(QWidget):
    """Loss against step, live, with earlier runs kept as fainter curves."""

    runsChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = TimedPlotWidget(self)
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
        self._markers_dirty = False  # lr labels to lay out again at the next redraw
        self.plot_item.getViewBox().sigRangeChangedManually.connect(self._on_range_changed_by_hand)
        self._follow_view: tuple[float, float, float] | None = None  # (x max, y min, y max) last set
        self.log_y = True
        self.smoothing = 0.0  # EMA alpha; 0 = off
        self.follow = True
        self.runs: list[PlotRun] = []
        self.current: PlotRun | None = None
        self._next_id = 1
        self._dirty = False
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

    @Slot()
    def _show_plot_or_placeholder(self) -> None:
        self.stack.setCurrentWidget(self.plot_widget if self.runs else self.placeholder)

    # -- runs ------------------------------------------------------------------
    def begin_run(self, cfg: TrainConfig, colour: str | None = None) -> PlotRun:
        """Start a new current curve; the previous current run becomes an overlay."""
        if self.current is not None:
            self._fade(self.current)
        colour = colour or self._free_colour()
        history = LossHistory()
        curve = self._make_curve(colour, width=2)
        run = PlotRun(self._next_id, cfg, history, curve, run_label(cfg), colour)
        self._next_id += 1
        self.plot_item.addItem(curve)
        self.legend.addItem(curve, run.name)
        self.runs.append(run)
        self.current = run
        self._trim()
        self._sync_smoothing(run)
        self.follow = True
        self.runsChanged.emit()
        return run

    def _free_colour(self) -> str:
        """The next colour in turn, passing over those runs on the plot already have (while any is free)."""
        used = {r.colour for r in self.runs}
        first = (self._next_id - 1) % len(RUN_COLOURS)
        turn = RUN_COLOURS[first:] + RUN_COLOURS[:first]
        return next((c for c in turn if c not in used), turn[0])

    def add_recorded(self, recorded: RecordedRun) -> PlotRun:
        """Show a run read from an experiment file as an overlay, as it was when it was saved.

        Its steps, note, lr changes, outcome, speed, duration and colour are kept, so that it
        reads as it did and saving it again writes it unchanged.
        """
        current = self.current
        run = self.begin_run(recorded.config, recorded.colour or None)
        run.history = LossHistory.from_arrays(recorded.losses, recorded.steps)
        changes = tuple(recorded.lr_changes)
        for step, lr in changes:
            self.mark_lr_change(run, step, lr, emit=False)
        # A name the app made (with or without the lr changes) keeps following them.
        run.auto_name = recorded.name in ("", run_label(recorded.config), run_label(recorded.config, changes))
        run.name = run_label(recorded.config, changes) if run.auto_name else recorded.name
        self._update_legend_text(run)
        run.note = recorded.note
        run.outcome = recorded.outcome if recorded.outcome in OUTCOMES else UNKNOWN_OUTCOME
        run.diverged_step = recorded.diverged_step if run.outcome == DIVERGED else None
        run.steps_per_s, run.elapsed = recorded.steps_per_s, recorded.elapsed_s
        self._fade(run)
        self.current = current
        self._dirty = True
        self.runsChanged.emit()  # begin_run said so while the run was still the current one
        return run

    def add_recorded_run(self, cfg: TrainConfig, losses: np.ndarray, name: str | None = None,
                         lr_changes: tuple[tuple[int, float], ...] = ()) -> PlotRun:
        """Show a finished run given by its losses alone (steps from 0, outcome not known)."""
        losses = np.asarray(losses, dtype=np.float64)
        return self.add_recorded(RecordedRun(name or "", cfg, np.arange(len(losses)), losses, tuple(lr_changes)))

    def recorded_run(self, run: PlotRun) -> RecordedRun:
        """``run`` as an experiment file keeps it (a run still going is saved as "recorded": not ended)."""
        outcome = run.outcome if run.outcome in OUTCOMES else UNKNOWN_OUTCOME
        return RecordedRun(run.name, run.config, run.history.steps.astype(np.int64), run.history.losses,
                           tuple(run.lr_changes), run.note, outcome,
                           run.diverged_step if outcome == DIVERGED else None, run.colour,
                           run.steps_per_s if outcome != UNKNOWN_OUTCOME else 0.0,
                           run.elapsed if outcome != UNKNOWN_OUTCOME else 0.0)

    def recorded_runs(self) -> tuple[RecordedRun, ...]:
        """Every run with at least one step, as an experiment file keeps it."""
        return tuple(self.recorded_run(run) for run in self.runs if len(run.history))

    def end_run(self, reason: str, steps_per_s: float = 0.0, elapsed: float = 0.0,
                diverged_step: int | None = None) -> None:
        """The current run ended (``reason`` is the loop's: completed, stopped, diverged or error).

        It stays as a fainter curve; ``diverged_step`` is the step a divergence was found at.
        """
        if self.current is None:
            return
        self.current.outcome = reason
        self.current.diverged_step = diverged_step if reason == DIVERGED else None
        self.current.steps_per_s = steps_per_s
        self.current.elapsed = elapsed
        self._fade(self.current)
        self.current = None
        self._dirty = True
        self.runsChanged.emit()

    def discard_current(self) -> None:
        """Remove the current run from the plot (Reset)."""
        if self.current is not None:
            self.remove_run(self.current)
            self.current = None

    def remove_run(self, run: PlotRun) -> None:
        self.plot_item.removeItem(run.curve)
        self.legend.removeItem(run.curve)
        if run.smooth_curve is not None:
            self.plot_item.removeItem(run.smooth_curve)
        for m in run.markers:
            self.plot_item.removeItem(m)
        if run in self.runs:
            self.runs.remove(run)
        if run is self.current:
            self.current = None
        self._markers_dirty = True
        self.runsChanged.emit()

    def clear_runs(self) -> None:
        """Remove every finished run; the current one stays."""
        for run in [r for r in self.runs if r is not self.current]:
            self.remove_run(run)

    def rename_run(self, run: PlotRun, name: str) -> None:
        """A name given by hand: it stays as given when the lr changes."""
        run.name = name
        run.auto_name = False
        self._update_legend_text(run)
        self.runsChanged.emit()

    def _update_legend_text(self, run: PlotRun) -> None:
        """Write the run's name into its legend entries, where they are (the order stays)."""
        for curve, text in ((run.curve, run.name),
                            (run.smooth_curve, self.tr("{0} (smoothed, EMA α={1:g})").format(run.name, self.smoothing))):
            label = self.legend.getLabel(curve) if curve is not None else None
            if label is not None and label.text != text:
                label.setText(text)
        self.legend.updateSize()

    def set_run_visible(self, run: PlotRun, visible: bool) -> None:
        run.visible = visible
        run.curve.setVisible(visible)
        if run.smooth_curve is not None:
            run.smooth_curve.setVisible(visible and self.smoothing > 0)
        for m in run.markers:
            m.setVisible(visible)
        self.legend.removeItem(run.curve)
        if visible:
            self.legend.addItem(run.curve, run.name)
        self._markers_dirty = True
        self.runsChanged.emit()

    def _trim(self) -> None:
        finished = [r for r in self.runs if r is not self.current]
        while len(finished) >= MAX_RUNS:
            self.remove_run(finished.pop(0))

    def _make_curve(self, colour: str, width: float) -> pg.PlotDataItem:
        curve = pg.PlotDataItem(pen=pg.mkPen(colour, width=width))
        curve.setDownsampling(auto=True, method="peak")
        curve.setClipToView(True)
        return curve

    def _fade(self, run: PlotRun) -> None:
        colour = pg.mkColor(run.colour)
        colour.setAlpha(110)
        run.curve.setPen(pg.mkPen(colour, width=1.2))

    # -- data ------------------------------------------------------------------
    def append(self, steps: np.ndarray, losses: np.ndarray) -> None:
        """Add a batch to the current run (drawn at the next timer tick)."""
        if self.current is None or len(losses) == 0:
            return
        self.current.history.append(steps, losses)
        self._dirty = True

    def mark_lr_change(self, run: PlotRun | None, step: int, lr: float, emit: bool = True) -> None:
        """A marker where the learning rate became ``lr``; an automatic name follows the change."""
        run = run or self.current
        if run is None:
            return
        text = self.marker_text(lr)
        line = pg.InfiniteLine(pos=step, angle=90, movable=False,
                               pen=pg.mkPen(run.colour, width=1, style=pg.QtCore.Qt.PenStyle.DotLine),
                               label=text, labelOpts={"position": MARKER_LABEL_LEVELS[0], "color": run.colour})
        line.setToolTip(text)
        line.label.setToolTip(text)
        line.setVisible(run.visible)
        run.markers.append(line)
        run.lr_changes.append((int(step), float(lr)))
        self.plot_item.addItem(line, ignoreBounds=True)
        self._markers_dirty = True
        if run.auto_name:
            run.name = run_label(run.config, run.lr_changes)
            self._update_legend_text(run)
            if emit:
                self.runsChanged.emit()

    @staticmethod
    def marker_text(lr: float) -> str:
        """The full label of an lr-change marker."""
        return f"lr → {lr:g}"

    def _layout_markers(self) -> None:
        """Give each lr label a level where it overlaps no other, or shorten it when none is free.

        Labels are centred on their line.  Going left to right, a label takes the highest
        level whose last label ends (with a gap) before this one starts, at the view's
        current scale; with every level taken it shows :data:`MARKER_LABEL_ELIDED`, at the
        level that frees first, and keeps its full text in its tooltip.
        """
        self._markers_dirty = False
        vb = self.plot_item.getViewBox()
        (x0, x1), _ = vb.viewRange()
        px_per_step = max(vb.width(), 1.0) / max(x1 - x0, 1e-300)
        placed = sorted(((float(line.value()), line, lr) for run in self.runs if run.visible
                         for line, (_, lr) in zip(run.markers, run.lr_changes, strict=True)),
                        key=lambda item: item[0])
        ends = [-math.inf] * len(MARKER_LABEL_LEVELS)  # right edge (px) of the last label at each level
        for x, line, lr in placed:
            label = line.label
            metrics = QFontMetricsF(label.textItem.font())
            full = self.marker_text(lr)
            centre = (x - x0) * px_per_step
            half = metrics.horizontalAdvance(full) / 2 + MARKER_LABEL_GAP_PX / 2
            free = [i for i, end in enumerate(ends) if end <= centre - half]
            if free:
                level, text = free[0], full
            else:
                level = min(range(len(ends)), key=ends.__getitem__)
                text = MARKER_LABEL_ELIDED
                half = metrics.horizontalAdvance(text) / 2 + MARKER_LABEL_GAP_PX / 2
            ends[level] = max(ends[level], centre + half)
            if label.format != text:
                label.setFormat(text)
            if label.orthoPos != MARKER_LABEL_LEVELS[level]:
                label.setPosition(MARKER_LABEL_LEVELS[level])

    # -- display options ---------------------------------------------------------
    def set_log_y(self, on: bool) -> None:
        if on != self.log_y:
            self.log_y = on
            self._apply_axis_mode()
            for run in self.runs:
                run.drawn = -1
                run.smooth_history = None
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
        for run in self.runs:
            run.smooth_history = None
            run.drawn = -1
            self._sync_smoothing(run)
        self._dirty = True
        self.redraw()

    def _sync_smoothing(self, run: PlotRun) -> None:
        if self.smoothing > 0 and run.smooth_curve is None:
            run.smooth_curve = pg.PlotDataItem(pen=pg.mkPen(run.colour, width=2.5))
            self.plot_item.addItem(run.smooth_curve)
            run.smooth_curve.setDownsampling(auto=True, method="mean")  # after addItem, which resets it
            run.smooth_curve.setClipToView(True)
            self.legend.addItem(run.smooth_curve, self.tr("{0} (smoothed, EMA α={1:g})").format(run.name, self.smoothing))
        elif self.smoothing == 0 and run.smooth_curve is not None:
            self.legend.removeItem(run.smooth_curve)
            self.plot_item.removeItem(run.smooth_curve)
            run.smooth_curve = None
        elif run.smooth_curve is not None:
            self.legend.removeItem(run.smooth_curve)
            self.legend.addItem(run.smooth_curve, self.tr("{0} (smoothed, EMA α={1:g})").format(run.name, self.smoothing))
        if run.smooth_curve is not None:
            run.smooth_curve.setVisible(run.visible)
            colour = pg.mkColor(run.colour)
            raw = pg.mkColor(run.colour)
            raw.setAlpha(90)
            run.curve.setPen(pg.mkPen(raw, width=1))
            run.smooth_curve.setPen(pg.mkPen(colour, width=2.5))

    def display_values(self, run: PlotRun) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) as drawn: y is log10(loss) on a log axis, the loss itself otherwise."""
        h = run.history
        return h.steps, (h.log10_losses if self.log_y else h.losses)

    def _wanted_range(self, run: PlotRun, n: int) -> tuple[int, int, int, float, int] | None:
        """What to draw of ``run`` now, or None when what is drawn still serves the view.

        Following the data (x auto-range): all ``n`` steps, one bucket per
        pixel.  Zoomed or panned: the steps in view plus one view width either
        side (three buckets per pixel), drawn again only when the view leaves
        that cover or zooms by more than 1.5x.  The range is in step numbers
        (a run read from a file may start after step 0).
        """
        vb = self.plot_item.getViewBox()
        px = max(MIN_BUCKETS, int(vb.width()))
        first, end = run.history.first_step, run.history.end_step  # in steps, as the view's x
        if self.follow or n == 0:
            want = (n, first, end, float(n), px)
            return None if run.cover == want and run.drawn == n else want
        (x0, x1), _ = vb.viewRange()
        span = max(x1 - x0, 1.0)
        c = run.cover
        if (c is not None and run.drawn == n and c[0] == n and c[4] == px
                and c[1] <= max(x0, first) and min(x1, end) <= c[2] and c[3] / 1.5 <= span <= c[3] * 1.5):
            return None
        return (n, max(first, int(x0 - span)), min(end, int(x1 + span) + 1), span, 3 * px)

    def _update_smoothing(self, run: PlotRun) -> LossHistory:
        """Extend the run's EMA (of the values as drawn) to the end of its history."""
        h = run.history
        sm = run.smooth_history
        if sm is None or len(sm) > len(h):
            sm = run.smooth_history = LossHistory()
        done = len(sm)
        if done < len(h):
            new = h.losses[done:]
            if self.log_y:
                with np.errstate(divide="ignore", invalid="ignore"):
                    new = np.log10(new)
            sm.append(np.arange(done, len(h)), ema(new, self.smoothing, sm.last))
        return sm

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
        for run in self.runs:
            n = len(run.history)
            want = self._wanted_range(run, n)
            if want is None:
                continue
            new_data = new_data or n != run.drawn
            _, first, end, _, buckets = want
            start, stop = run.history.index_range(first, end)
            x, y = run.history.decimated(start, stop, buckets)
            y = log10_f32(y) if self.log_y else y
            run.curve.setData(run.history.step_numbers(x), y)
            finite = y[np.isfinite(y)]  # an inf or NaN loss must not stretch the view
            run.y_bounds = (float(finite.min()), float(finite.max())) if len(finite) else None
            if run.smooth_curve is not None:
                sx, sy = self._update_smoothing(run).decimated(start, stop, buckets)
                run.smooth_curve.setData(run.history.step_numbers(sx), sy)
            run.drawn = n
            run.cover = want
        if self.follow and (new_data or self._follow_view is None):
            self._fit_view()
        if self._markers_dirty:
            self._layout_markers()
        # Redraw no more often than the budget allows (and never above REDRAW_HZ).
        interval = self.pacer.frame_done(time.perf_counter() - started)
        if abs(interval - self.timer.interval()) > 5:
            self.timer.setInterval(interval)

    def _fit_view(self) -> None:
        """Fit the view to every visible run, changing it only when the data leave it."""
        shown = [r for r in self.runs if r.visible and len(r.history)]
        if not shown:
            return
        last = max(r.history.end_step for r in shown) - 1
        total = max(r.config.steps for r in shown) - 1
        nice = _nice_ceil(max(last, 1) * 1.02)
        x_max = float(min(nice, total) if total > last else nice)  # a run ends at its last step
        bounds = [r.y_bounds for r in shown if r.y_bounds is not None]
        if bounds:
            lo, hi = min(b[0] for b in bounds), max(b[1] for b in bounds)
            if self.log_y:  # whole half-decades
                lo, hi = math.floor(lo * 2) / 2, math.ceil(hi * 2) / 2
                hi = hi if hi > lo else lo + 0.5
            else:
                lo = 0.0 if lo >= 0 else -_nice_ceil(-lo)
                hi = _nice_ceil(hi) if hi > 0 else 1.0
        elif self._follow_view is not None:
            _, lo, hi = self._follow_view
        else:
            lo, hi = (-1.0, 1.0) if self.log_y else (0.0, 1.0)
        view = (x_max, lo, hi)
        if view != self._follow_view:
            self._follow_view = view
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
        """Crosshair at step ``x`` on the current (or last) run; returns the text shown."""
        run = self.current or (self.runs[-1] if self.runs else None)
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
