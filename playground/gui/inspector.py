"""The gradient inspector: per-parameter gradient statistics, live.

The panel shows what the training loop's :class:`~playground.core.gradstats.StepStats`
say about every parameter tensor: a table (norms, gradient mean / std / max,
update-to-weight ratio), and for the selected parameter a histogram of its
gradient (or of its values), a heat map of its gradient matrix and, for all
parameters, the gradient norm over the steps on a log scale.  It also explains a
divergence in plain words and shows the result of a gradient check.

API for the window that hosts it
--------------------------------
Feeding (GUI thread only; everything passed in is plain data):

* :meth:`GradientInspector.show_stats` ``(stats: StepStats)``: call with each
  ``StepStats`` of every :class:`~playground.core.loop.Batch` in order (the loop
  takes them a few times a second).  Cheap: table items and plot items are
  reused, the norm history grows in NumPy buffers.  A step number lower than the
  last one seen, or a different set of parameters, starts a fresh history.
* :meth:`GradientInspector.show_batch` ``(stats, norm_steps, grad_norms)``: a whole
  :class:`~playground.core.loop.Batch`'s statistics and the gradient norms the loop
  samples between them (every step early on, then 64 per doubling of the steps), in step
  order.
* :meth:`GradientInspector.clear` ``()``: a new run starts (or the run is reset); forgets
  everything and shows "start a run to see gradients" until the next statistics, whose
  charts are drawn at once, not when the pacing would allow.
* :meth:`GradientInspector.set_live` ``(bool)``: True while a run trains, so the
  charts redraw only as often as :data:`CHART_BUDGET` allows.
* :meth:`GradientInspector.show_divergence` ``(divergence, lr, diagnosis)``:
  with ``batch.divergence``, the learning rate in use and ``batch.diagnosis``.  Marks
  the parameter's row (nothing in the table when the loss itself went first),
  explains the usual causes and offers "Restart with lr / 10".
* :meth:`GradientInspector.show_gradient_check` ``(report: GradCheckReport)``
  from :func:`playground.core.gradcheck.gradient_check`, or
  :meth:`GradientInspector.show_gradient_check_error` ``(message)`` when the
  check raised (it refuses a diverged run with a ``ValueError``).
* :meth:`GradientInspector.set_gradient_check_enabled` ``(bool)``: e.g. off while
  no runner exists.

Signals:

* ``restartRequested(float)``: the user asked to restart with this learning rate
  (the diverged run's lr / 10).
* ``gradientCheckRequested()``: the user pressed "Gradient check"; run
  ``gradient_check(runner)`` while the runner is not stepping (between batches or
  paused) and hand the report to :meth:`show_gradient_check`.
* ``frozenChanged(bool)``: the "Freeze" toggle changed.  While frozen the panel
  keeps incoming statistics (and the history) but shows nothing new; on
  unfreeze it shows the newest.

Typical wiring::

    inspector.restartRequested.connect(window.restart_with_lr)
    inspector.gradientCheckRequested.connect(window._on_inspector_gradient_check)
    # per batch:  for s in batch.stats: inspector.show_stats(s)
    #             if batch.divergence: inspector.show_divergence(batch.divergence, lr, batch.diagnosis)
    # new run:    inspector.clear()

Items the window and tests may read: ``table``, ``histogram_curve``,
``heatmap_image``, ``heatmap_caption`` (which rows and columns a sampled heat map
shows), ``color_bar``, ``norm_curves`` (name -> curve), ``chart_stack`` (showing
``chart_placeholder`` or ``charts_page``), ``freeze_button``, ``values_button``,
``check_button``, ``restart_button``, ``divergence_box`` (a one-line summary),
``divergence_toggle`` and ``divergence_details`` (the full explanation); constants
``COLUMNS``, ``VALUE_ROLE`` (the raw float of a number cell) and ``MIN_CHART_VIEW_PX``.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

import pyqtgraph as pg  # isort: skip  (after PySide6, so pyqtgraph binds to it)

from ..core.diagnosis import Diagnosis
from ..core.gradcheck import GradCheckReport, ParamCheck
from ..core.gradstats import ParamStats, StepStats
from . import diagnosis_text
from .pacing import Pacer, TimedLayoutWidget

#: Table columns, in order.
#: The update ratio comes right after the norms it compares, before the gradient's spread:
#: the hint under the table points at it, so it must be in view in a narrow panel too.
COLUMNS = (
    "name",
    "shape",
    "weight_norm",
    "grad_norm",
    "update_ratio",
    "grad_mean",
    "grad_std",
    "grad_max_abs",
    "check",
    "autograd",
)
COL = {key: i for i, key in enumerate(COLUMNS)}
NUMBER_COLUMNS = ("weight_norm", "grad_norm", "update_ratio", "grad_mean", "grad_std", "grad_max_abs")
#: Item data role holding the raw float behind a number cell's text.
VALUE_ROLE = Qt.ItemDataRole.UserRole
#: The longest text :func:`format_sci` writes for a float32 (and for float64 short of
#: 1e±100), and the cell's margins.
WIDEST_NUMBER = "-8.88e-88"
NUMBER_PADDING_PX = 12
#: The update-to-weight ratio rule of thumb (context, not a verdict).
RATIO_RULE = 1e-3
#: Initial capacity of the norm-history buffers (doubled when full).
HISTORY_CAPACITY = 256
#: While a run is live the charts (histogram, heat map, norm history) take at most this
#: share of the GUI thread (see :mod:`playground.gui.pacing`): a frame of the three costs
#: about 40 ms on 2 cores, mostly pyqtgraph re-laying out axes whose ranges move, so they
#: redraw every second or so while the table keeps every update.
CHART_BUDGET = 0.03
MIN_CHART_INTERVAL_MS = 300
MAX_CHART_INTERVAL_MS = 2000
#: The least height of a chart's plotting area (its view box, without axes) that stays
#: readable; the panel keeps the charts at least this tall and squeezes other parts first.
MIN_CHART_VIEW_PX = 80
#: The widest tick text :func:`compact_tick` writes, to size the colour bar's axis.
WIDEST_TICK = "-8.88e-88"
#: Rows the table keeps in view when the panel is short (more scroll); it grows to show
#: up to MAX_TABLE_ROWS (the largest model: two weights, two biases) when there is room.
MIN_TABLE_ROWS = 2
MAX_TABLE_ROWS = 4
DIVERGED_BRUSH = QBrush(QColor(255, 120, 120, 110))
#: The update column after a single step (F10): what that step changed.
STEP_BRUSH = QBrush(QColor(255, 214, 64, 120))
#: Distinct colours that read on a light or a dark background.
NORM_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]

GRADE_COLOURS = {
    "good": QColor("#2e7d32"),
    "acceptable": QColor("#7a7a00"),
    "suspicious": QColor("#c66900"),
    "wrong": QColor("#c62828"),
    "unresolved": QColor("#666666"),
}


def format_sci(value: float) -> str:
    """Compact scientific notation: ``1.23e-4``, ``-5.00e2``, ``0``, ``nan``, ``inf``."""
    if value != value:
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def compact_tick(value: float) -> str:
    """A short axis label: ``0``, ``0.5``, ``-12``, ``3e-4``, ``-1.25e6`` (no trailing zeros)."""
    if value == 0 or not math.isfinite(value):
        return format_sci(value)
    plain = f"{value:.3g}"
    if 1e-2 <= abs(value) < 1e3 and "e" not in plain:  # 999.5 rounds to "1e+03"
        return plain
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


def matrix_shape(shape: tuple[int, ...]) -> tuple[int, int]:
    """Rows and columns of a parameter as the heat map draws it (a bias is one row)."""
    if len(shape) == 2:
        return shape[0], shape[1]
    if len(shape) == 1:
        return 1, shape[0]
    return 1, 1  # a scalar: the only other shape the statistics preview


def format_shape(shape: tuple[int, ...]) -> str:
    if not shape:
        return QCoreApplication.translate("GradientInspector", "scalar")
    return "×".join(str(n) for n in shape)


def symmetric_level(max_abs: float, preview: np.ndarray) -> float:
    """Half-width of a colour scale centred on 0: ``max|g|``, or a usable stand-in."""
    if math.isfinite(max_abs) and max_abs > 0:
        return max_abs
    finite = np.abs(preview[np.isfinite(preview)])
    m = float(finite.max()) if finite.size else 0.0
    return m if m > 0 else 1.0


class _NormHistory:
    """Gradient norm per parameter over steps, in buffers that double when full.

    ``log_norms`` holds log10 of each norm (NaN where the norm is 0 or not
    finite), computed once on arrival, so a redraw takes no logarithms.
    """

    def __init__(self) -> None:
        self.reset(())

    def reset(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.steps = np.empty(HISTORY_CAPACITY, dtype=np.float64)
        self.norms = np.empty((len(names), HISTORY_CAPACITY), dtype=np.float64)
        self.log_norms = np.empty((len(names), HISTORY_CAPACITY), dtype=np.float64)
        self.count = 0

    def append(self, step: int, norms: list[float]) -> None:
        if self.count == self.steps.size:
            cap = 2 * self.steps.size
            steps = np.empty(cap, dtype=np.float64)
            steps[: self.count] = self.steps
            self.steps = steps
            self.norms = self._grown(self.norms, cap)
            self.log_norms = self._grown(self.log_norms, cap)
        self.steps[self.count] = step
        self.count += 1
        self.set_last(norms)

    def set_last(self, norms: list[float]) -> None:
        """Replace the newest column (the same step seen again)."""
        i = self.count - 1
        self.norms[:, i] = norms
        col = self.norms[:, i]
        with np.errstate(divide="ignore", invalid="ignore"):
            self.log_norms[:, i] = np.where((col > 0) & np.isfinite(col), np.log10(col), np.nan)

    def _grown(self, buf: np.ndarray, cap: int) -> np.ndarray:
        grown = np.empty((buf.shape[0], cap), dtype=np.float64)
        grown[:, : self.count] = buf[:, : self.count]
        return grown

    @property
    def last_step(self) -> float:
        return float(self.steps[self.count - 1]) if self.count else -math.inf


def _make_small_print(label: QLabel) -> None:
    """A secondary, wrapped line: smaller font, muted colour."""
    label.setWordWrap(True)
    small = QFont(label.font())
    small.setPointSizeF(max(6.0, small.pointSizeF() * 0.85))
    label.setFont(small)
    muted = label.palette()
    muted.setColor(QPalette.ColorRole.WindowText, muted.color(QPalette.ColorRole.PlaceholderText))
    label.setPalette(muted)


def _compact_tick_strings(values: list[float], _scale: float, spacing: float) -> list[str]:
    # A tick meant to be 0 can arrive as 1e-20 after float arithmetic: snap it.
    return [compact_tick(0.0 if abs(v) < 1e-9 * spacing else v) for v in values]


def _compact_axis(axis: pg.AxisItem) -> None:
    """Tick numbers as :func:`compact_tick` writes them, with no SI factor in the label.

    (Set on the instance: the colour bar makes its own axis.)
    """
    axis.enableAutoSIPrefix(False)
    axis.tickStrings = _compact_tick_strings


class _DecadeAxis(pg.AxisItem):
    """A log axis labelled at whole decades only.

    pyqtgraph labels 2·10ⁿ … 9·10ⁿ as well when fewer than three decades are in view, and
    on a short chart those labels pile on top of each other.
    """

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802, N803 - pyqtgraph API
        ticks = [(spacing, values) for spacing, values in stdTicks if spacing >= 1.0 and len(values)]
        if ticks:
            return ticks
        return [(1.0, [float(v) for v in range(math.ceil(minVal), math.floor(maxVal) + 1)])]


class _ChartStack(QStackedWidget):
    """The charts (or their placeholder) ask for no more than their minimum.

    A graphics view's size hint is large, so a short panel would squeeze the table below
    its rows first; with this hint the table keeps its rows while the charts stay legible,
    and the charts still take all the height left over (the stack has the layout's stretch).
    Height-for-width is off for the same reason: the wrapped caption would make the stack
    report the view's large hint as the height it needs.
    """

    def sizeHint(self):  # noqa: N802 - Qt API
        return self.minimumSizeHint()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return False


class _FittedScrollArea(QScrollArea):
    """A scroll area that asks for its wrapped text's whole height at its current width.

    QScrollArea's own hint is the text's hint at the text's preferred width, which at a
    narrower width cuts lines off even when the panel has room for them.
    """

    def sizeHint(self):  # noqa: N802 - Qt API
        hint = super().sizeHint()
        inner = self.widget()
        if inner is not None and inner.hasHeightForWidth():
            hint.setHeight(inner.heightForWidth(self.viewport().width()) + 2 * self.frameWidth())
        return hint

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # the wrapped text's height changed with the width


class _FittedTable(QTableWidget):
    """A table as tall as its rows (up to MAX_TABLE_ROWS), shrinking to MIN_TABLE_ROWS if need be.

    A table's default size hint ignores its rows; this one lets the panel give the charts
    every pixel the table does not need.  Room for a horizontal scroll bar is always kept,
    as a narrow panel shows one.
    """

    def _height_for_rows(self, rows: int) -> int:
        header = self.horizontalHeader().sizeHint().height()
        scroll_bar = self.horizontalScrollBar().sizeHint().height()
        return header + rows * self.verticalHeader().defaultSectionSize() + scroll_bar + 2 * self.frameWidth()

    def sizeHint(self):  # noqa: N802 - Qt API
        hint = super().sizeHint()
        rows = min(max(self.rowCount(), MIN_TABLE_ROWS), MAX_TABLE_ROWS)
        hint.setHeight(self._height_for_rows(rows))
        return hint

    def minimumSizeHint(self):  # noqa: N802 - Qt API
        hint = super().minimumSizeHint()
        hint.setHeight(self._height_for_rows(MIN_TABLE_ROWS))
        return hint


class GradientInspector(QWidget):
    """Per-parameter gradient statistics, a histogram, a heat map and norm history."""

    restartRequested = Signal(float)
    gradientCheckRequested = Signal()
    frozenChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names: tuple[str, ...] = ()
        self._shapes: tuple[tuple[int, ...], ...] = ()
        self._shown: StepStats | None = None  # what the panel displays
        self._latest: StepStats | None = None  # newest received (differs while frozen)
        self._selected = ""
        self._history = _NormHistory()
        self._divergence: Any = None
        self._check: GradCheckReport | None = None
        self._lr_after_restart = math.nan
        self._titled: tuple[str, bool] | None = None
        self._resize_pending = False
        self._live = False
        self._chart_timer = QTimer(self)
        self._chart_timer.setSingleShot(True)
        self._chart_timer.timeout.connect(self._draw_charts)
        self._build_ui()
        self._retranslate_headers()
        self._fit_columns()  # before any run too: Qt's 100 px a column would hide ‖Δw‖/‖w‖
        self._update_status()

    # -- construction -------------------------------------------------------
    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)  # every pixel counts in a short window (1366 x 768 laptops)

        bar = QHBoxLayout()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setToolTip(self.tr("The training step whose gradients are shown."))
        self.status_label.setAccessibleName(self.tr("Inspector status"))
        bar.addWidget(self.status_label, 1)
        # What one step (F10) changed: filled by show_step_change, hidden otherwise.
        self.step_change = QLabel()
        self.step_change.setObjectName("stepChange")
        self.step_change.setAccessibleName(self.tr("Step change"))
        self.step_change.setWordWrap(True)
        self.step_change.setStyleSheet("#stepChange { background: #fff4c2; padding: 2px 4px; }")
        self.step_change.hide()
        self._step_highlight = False
        self.freeze_button = QToolButton()
        self.freeze_button.setText(self.tr("Freeze"))
        self.freeze_button.setAccessibleName(self.tr("Freeze"))
        self.freeze_button.setCheckable(True)
        self.freeze_button.setToolTip(
            self.tr(
                "Stop updating this panel so you can read the numbers. Training goes on; "
                "the newest statistics appear when you unfreeze."
            )
        )
        self.freeze_button.toggled.connect(self._on_freeze_toggled)
        bar.addWidget(self.freeze_button)
        self.check_button = QPushButton(self.tr("Gradient check"))
        self.check_button.setAccessibleName(self.tr("Gradient check"))
        self.check_button.setToolTip(
            self.tr(
                "Compare the gradient this style computes (autograd, or the hand-written backward "
                "pass for NumPy) with finite differences: nudge a few weights by ±ε and watch the "
                "loss. A relative error below 1e-7 means the gradient is right."
            )
        )
        self.check_button.clicked.connect(self._on_check_button_clicked)
        bar.addWidget(self.check_button)
        layout.addLayout(bar)
        layout.addWidget(self.step_change)

        layout.addWidget(self._build_divergence_box())
        layout.addWidget(self.divergence_details)

        self.table = _FittedTable(0, len(COLUMNS))
        self.table.setAccessibleName(self.tr("Gradient statistics"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setColumnHidden(COL["check"], True)
        self.table.setColumnHidden(COL["autograd"], True)
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        layout.addWidget(self.table)
        self.hint_label = QLabel(
            self.tr(
                "‖Δw‖/‖w‖: a common rule of thumb is about 1e-3 per step. Much smaller often "
                "means slow learning; much larger, unstable steps."
            )
        )
        self.hint_label.setAccessibleName(self.tr("Update ratio hint"))
        _make_small_print(self.hint_label)
        layout.addWidget(self.hint_label)
        self.check_label = QLabel()
        self.check_label.setAccessibleName(self.tr("Gradient check result"))
        self.check_label.setWordWrap(True)
        self.check_label.setTextFormat(Qt.TextFormat.RichText)
        self.check_label.hide()
        layout.addWidget(self.check_label)

        # Until a run's first statistics arrive the charts would be bare axes with made-up
        # ranges; a placeholder says what is missing instead.
        self.chart_stack = _ChartStack()
        self.chart_placeholder = QLabel(self.tr("Start a run to see gradients."))
        self.chart_placeholder.setAccessibleName(self.tr("Start a run to see gradients."))
        self.chart_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart_placeholder.setWordWrap(True)
        self.chart_placeholder.setFrameShape(QFrame.Shape.StyledPanel)
        self.chart_stack.addWidget(self.chart_placeholder)
        self.charts_page = self._build_charts()
        self.chart_stack.addWidget(self.charts_page)
        self.chart_stack.setCurrentWidget(self.chart_placeholder)
        layout.addWidget(self.chart_stack, 1)

    def _build_divergence_box(self) -> QFrame:
        """The divergence explanation: a one-line summary with "Why?" to read all of it.

        Collapsed it costs one or two lines, so a short window keeps its charts legible;
        expanded, the full text (``divergence_details``, below the box in the panel's layout)
        scrolls if the panel is short.  The details are not inside the box: a box holding
        wrapped text gets a fixed height-for-width from the layout and could not shrink.
        (superqt's QCollapsible puts its title in a button, which cannot wrap a long line.)
        """
        self.divergence_box = QFrame()
        self.divergence_box.setAccessibleName(self.tr("Divergence"))
        self.divergence_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.divergence_box.setObjectName("divergenceBox")
        self.divergence_box.setStyleSheet(
            "#divergenceBox { background: rgba(255, 120, 120, 40); border: 1px solid rgba(200, 40, 40, 120); }"
        )
        row = QHBoxLayout(self.divergence_box)
        row.setContentsMargins(6, 4, 6, 4)
        self.divergence_toggle = QToolButton()
        self.divergence_toggle.setText(self.tr("Why?"))
        self.divergence_toggle.setAccessibleName(self.tr("Why?"))
        self.divergence_toggle.setToolTip(self.tr("Show or hide the usual causes of a divergence."))
        self.divergence_toggle.setCheckable(True)
        self.divergence_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.divergence_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.divergence_toggle.setAutoRaise(True)
        self.divergence_toggle.toggled.connect(self._on_divergence_toggle_toggled)
        row.addWidget(self.divergence_toggle, 0, Qt.AlignmentFlag.AlignTop)
        self.divergence_summary = QLabel()
        self.divergence_summary.setAccessibleName(self.tr("Divergence summary"))
        self.divergence_summary.setWordWrap(True)
        self.divergence_summary.setTextFormat(Qt.TextFormat.RichText)
        row.addWidget(self.divergence_summary, 1)
        self.restart_button = QPushButton()
        self.restart_button.setToolTip(
            self.tr("Start the run again from the same seed with a learning rate ten times smaller.")
        )
        self.restart_button.clicked.connect(self._on_restart_button_clicked)
        row.addWidget(self.restart_button, 0, Qt.AlignmentFlag.AlignTop)
        self.divergence_box.hide()

        self.divergence_label = QLabel()
        self.divergence_label.setAccessibleName(self.tr("Divergence explanation"))
        self.divergence_label.setWordWrap(True)
        self.divergence_label.setTextFormat(Qt.TextFormat.RichText)
        self.divergence_label.setContentsMargins(6, 4, 6, 4)
        self.divergence_details = _FittedScrollArea()
        self.divergence_details.setAccessibleName(self.tr("Divergence explanation"))
        self.divergence_details.setObjectName("divergenceDetails")
        self.divergence_details.setStyleSheet(
            "#divergenceDetails { background: rgba(255, 120, 120, 40); border: 1px solid rgba(200, 40, 40, 120); }"
        )
        self.divergence_details.setWidget(self.divergence_label)
        self.divergence_details.setWidgetResizable(True)
        self.divergence_details.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.divergence_details.viewport().setAutoFillBackground(False)
        self.divergence_label.setAutoFillBackground(False)
        # Three lines and a scroll bar at the least: a short window keeps its charts.
        self.divergence_details.setMinimumHeight(3 * self.fontMetrics().lineSpacing())
        self.divergence_details.hide()
        return self.divergence_box

    def _build_charts(self) -> QWidget:
        """The histogram / values toggle, the heat map's sampling caption and the three charts."""
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(2)
        toggles = QHBoxLayout()
        self.gradient_button = QToolButton()
        self.gradient_button.setText(self.tr("Gradient"))
        self.gradient_button.setAccessibleName(self.tr("Gradient"))
        self.gradient_button.setToolTip(self.tr("Histogram of the selected parameter's gradient."))
        self.values_button = QToolButton()
        self.values_button.setText(self.tr("Values"))
        self.values_button.setAccessibleName(self.tr("Values"))
        self.values_button.setToolTip(
            self.tr("Histogram of the selected parameter's values (the weights themselves).")
        )
        self._hist_group = QButtonGroup(self)
        for button in (self.gradient_button, self.values_button):
            button.setCheckable(True)
            self._hist_group.addButton(button)
            toggles.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        self.gradient_button.setChecked(True)
        self.values_button.toggled.connect(self._on_values_button_toggled)
        self.heatmap_caption = QLabel()
        self.heatmap_caption.setAccessibleName(self.tr("Heat map sampling"))
        self.heatmap_caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        _make_small_print(self.heatmap_caption)
        self.heatmap_caption.hide()
        toggles.addWidget(self.heatmap_caption, 1)
        toggles.addStretch(0)
        page_layout.addLayout(toggles)

        self.plots = TimedLayoutWidget()
        self.plots.setAccessibleName(self.tr("Gradient charts"))
        self.plots.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.plots.setToolTip(
            self.tr(
                "Left: how the selected parameter's gradient (or values) is distributed. "
                "Right: its gradient as a matrix (rows and columns sampled when large); "
                "red is positive, blue negative, white zero. "
                "Bottom: every parameter's gradient norm over the steps, on a log scale."
            )
        )
        self.plots.ci.layout.setContentsMargins(2, 2, 2, 2)
        self.plots.ci.layout.setVerticalSpacing(0)
        self.hist_plot = self.plots.addPlot(row=0, col=0)
        self.hist_plot.setLabel("left", self.tr("count"))
        self.hist_plot.setMouseEnabled(x=False, y=False)
        # pyqtgraph would scale the ticks and add "(x0.001)" to the label: counts are whole
        # numbers, and a long rotated label no longer fits a short chart.
        for axis in (self.hist_plot.getAxis("left"), self.hist_plot.getAxis("bottom")):
            _compact_axis(axis)
        self.histogram_curve = pg.PlotDataItem(
            stepMode="center",
            fillLevel=0,
            brush=(80, 140, 220, 150),
            pen=pg.mkPen((80, 140, 220), width=1),
        )
        self.hist_plot.addItem(self.histogram_curve)

        self.heat_plot = self.plots.addPlot(row=0, col=1)
        self.heat_plot.invertY(True)  # row 0 at the top, as a matrix is written
        self.heat_plot.setAspectLocked(False)
        self.heat_plot.setLabel("left", self.tr("row"))
        self.heat_plot.setLabel("bottom", self.tr("column"))  # until a parameter names it
        self.heatmap_image = pg.ImageItem(axisOrder="row-major")
        self.heat_plot.addItem(self.heatmap_image)
        self.color_bar = pg.ColorBarItem(
            values=(-1.0, 1.0),
            colorMap=pg.colormap.get("CET-D1"),
            interactive=False,
            width=12,
            colorMapMenu=False,
        )
        self.color_bar.setImageItem(self.heatmap_image, insert_in=self.heat_plot)
        # pyqtgraph's own tick text (0.00025, or a hidden x1e-4 factor) is cut off at the
        # bar's default 45 px; short strings and an axis as wide as the widest one fit.
        bar_axis = self.color_bar.axis
        _compact_axis(bar_axis)
        tick_font = bar_axis.style.get("tickFont") or self.plots.font()
        bar_axis.setWidth(QFontMetrics(tick_font).horizontalAdvance(WIDEST_TICK) + 12)

        self.norm_plot = self.plots.addPlot(row=1, col=0, colspan=2, axisItems={"left": _DecadeAxis("left")})
        # Curves get log10 values computed once per step; only the axis is in log mode.
        self.norm_plot.getAxis("left").setLogMode(True)
        self.norm_plot.getAxis("left").enableAutoSIPrefix(False)  # else a bogus "(x1e+15)"
        self.norm_plot.getAxis("bottom").enableAutoSIPrefix(False)  # steps are counted, not scaled
        # A run's first point alone would get a zero-width range: pyqtgraph then spreads it
        # over -400..400 "steps" and crowds the log axis with labels.  At least one step and
        # one decade keep the axes readable.
        self.norm_plot.getViewBox().setLimits(xMin=0.0, minXRange=1.0, minYRange=1.0)
        self.norm_plot.setLabel("left", self.tr("‖gradient‖"))
        self.norm_plot.setLabel("bottom", self.tr("step"))
        self.norm_plot.setClipToView(True)
        self.norm_plot.setDownsampling(auto=True, mode="peak")
        self.norm_legend = self.norm_plot.addLegend(offset=(5, 5))
        self.norm_curves: dict[str, pg.PlotDataItem] = {}
        self.chart_pacer = Pacer(self.plots, CHART_BUDGET, MIN_CHART_INTERVAL_MS, MAX_CHART_INTERVAL_MS)
        self.plots.setMinimumHeight(self._charts_minimum_height())
        page_layout.addWidget(self.plots, 1)
        return page

    def _charts_minimum_height(self) -> int:
        """Room for two rows of charts whose plotting areas are MIN_CHART_VIEW_PX tall.

        Under each plotting area a bottom axis takes a line of tick numbers and a line of
        label (pyqtgraph sizes its axes only once shown, so they are estimated from the font).
        """
        line = QFontMetrics(self.plots.font()).height()
        per_row = MIN_CHART_VIEW_PX + 2 * line + 12
        _left, top, _right, bottom = self.plots.ci.layout.getContentsMargins()
        return int(2 * per_row + top + bottom + 2 * self.plots.frameWidth())

    def _retranslate_headers(self) -> None:
        headers = {
            "name": (self.tr("Parameter"), self.tr("The parameter tensor's name in the model.")),
            "shape": (self.tr("Shape"), self.tr("Rows × columns of the tensor (a bias has one dimension).")),
            "weight_norm": (
                self.tr("‖w‖"),
                self.tr("Size of the weights: the square root of the sum of their squares (L2 norm)."),
            ),
            "grad_norm": (
                self.tr("‖∇‖"),
                self.tr(
                    "Size of the gradient of the loss with respect to this tensor (L2 norm), before "
                    "the update. Huge values warn of divergence; values near 0 of vanishing gradients."
                ),
            ),
            "grad_mean": (
                self.tr("mean ∇"),
                self.tr("Average gradient entry. Far from 0 means most weights are pushed the same way."),
            ),
            "grad_std": (self.tr("std ∇"), self.tr("Spread (standard deviation) of the gradient entries.")),
            "grad_max_abs": (
                self.tr("max |∇|"),
                self.tr("Largest gradient entry in absolute value; the heat map's colour scale is ±this."),
            ),
            "update_ratio": (
                self.tr("‖Δw‖/‖w‖ (≈1e-3)"),
                self.tr(
                    "‖lr·update‖ / ‖w‖: how much this step changed the tensor, relative to its size. "
                    "A common rule of thumb is about 1e-3: much smaller and the weights barely move "
                    "(learning is slow); much larger and each step rewrites them (training may be "
                    "unstable). It is a guide, not a law: Adam, for example, sets its own step size."
                ),
            ),
            "check": (
                self.tr("gradient check"),
                self.tr(
                    "Largest relative error |analytic − numerical| / (|analytic| + |numerical|) over a "
                    "few sampled entries: below 1e-7 good, up to 1e-4 acceptable (usual for a large "
                    "loss or ReLU kinks), up to 1e-2 suspicious, above 1e-2 wrong."
                ),
            ),
            "autograd": (
                self.tr("hand vs autograd"),
                self.tr(
                    "NumPy style: largest difference between the hand-written gradient and the one "
                    "autograd computes for the same network, relative to the gradient's size. "
                    "Around 1e-15 means they agree to rounding."
                ),
            ),
        }
        for key, (text, tip) in headers.items():
            item = QTableWidgetItem(text)
            item.setToolTip(tip)
            self.table.setHorizontalHeaderItem(COL[key], item)
        self._column_tips = {key: tip for key, (_, tip) in headers.items()}

    # -- public API ---------------------------------------------------------
    def show_stats(self, stats: StepStats) -> None:
        """Record ``stats`` and display it (unless frozen)."""
        names = tuple(p.name for p in stats.params)
        if names != self._history.names or stats.step < self._history.last_step:
            self._history.reset(names)  # another run, or another model
            self._reset_norm_curves(names)
        norms = [p.grad_norm for p in stats.params]
        if stats.step == self._history.last_step:
            self._history.set_last(norms)  # the same step again
        else:
            self._history.append(stats.step, norms)
        self._latest = stats
        if not self.is_frozen():
            self._display(stats)

    def show_grad_norms(self, steps: np.ndarray, norms: np.ndarray) -> None:
        """Add gradient norms sampled between statistics to the norm history.

        ``steps`` and ``norms`` as in :class:`~playground.core.loop.Batch` (``norm_steps``,
        ``grad_norms``: a row per step, a column per parameter).  Taken only once statistics
        have named the parameters, and only for steps after the newest one recorded.
        """
        h = self._history
        if not h.names or norms.ndim != 2 or norms.shape[1] != len(h.names):
            return
        added = False
        for step, row in zip(steps.tolist(), norms, strict=True):
            if step > h.last_step:
                h.append(step, row)
                added = True
        if added and not self.is_frozen():
            self._request_charts()

    def show_batch(self, stats: tuple[StepStats, ...], norm_steps: np.ndarray, grad_norms: np.ndarray) -> None:
        """A batch's statistics and sampled gradient norms, merged in step order."""
        done = 0
        for s in stats:
            before = int(np.searchsorted(norm_steps, s.step))  # samples before this step
            self.show_grad_norms(norm_steps[done:before], grad_norms[done:before])
            self.show_stats(s)  # its own norms stand for a sample at the same step
            done = before
        self.show_grad_norms(norm_steps[done:], grad_norms[done:])

    def clear(self) -> None:
        """Forget the run: empty table and plots, no divergence, no check result, no freeze."""
        self._shown = self._latest = None
        self._chart_timer.stop()
        # A freeze held the forgotten run's numbers; kept, it would hide the next run's
        # gradients behind "no gradients yet" while that run trains.
        self.set_frozen(False)
        self._divergence = None
        self._history.reset(())
        self._reset_norm_curves(())
        self._set_rows((), ())
        self.histogram_curve.clear()
        self.heatmap_image.clear()
        self.color_bar.setLevels((-1.0, 1.0))
        self._titled = None
        self.heatmap_caption.clear()
        self.heatmap_caption.hide()
        self.chart_stack.setCurrentWidget(self.chart_placeholder)
        self.divergence_box.hide()
        self.divergence_details.hide()
        self.clear_step_change()
        self._forget_check()
        self._update_status()

    def _forget_check(self) -> None:
        self._check = None
        self.check_label.hide()
        self.table.setColumnHidden(COL["check"], True)
        self.table.setColumnHidden(COL["autograd"], True)

    def show_divergence(self, divergence: Any, lr: float, diagnosis: Diagnosis | None = None) -> None:
        """Explain a :class:`~playground.core.loop.Divergence` by its diagnosed cause, and offer
        a restart at the learning rate the diagnosis gives (lr / 10 without one); no restart
        button when a smaller lr is not the cure (a classic mistake is)."""
        self._divergence = divergence
        restart = float(lr) / 10.0 if diagnosis is None else diagnosis.restart_lr
        self._lr_after_restart = math.nan if restart is None else float(restart)
        self._apply_divergence_highlight()
        text = self._divergence_text(divergence, diagnosis)
        self.divergence_label.setText(text)
        self.divergence_summary.setText(_first_line(text))
        self.restart_button.setVisible(restart is not None)
        if restart is not None:
            self.restart_button.setText(self.tr("Restart with lr = {0:g}").format(self._lr_after_restart))
        self.divergence_box.show()
        self.divergence_details.setVisible(self.divergence_toggle.isChecked())
        self._update_status()

    def show_step_change(self, stats: StepStats, loss: float, previous_loss: float | None) -> None:
        """What a single step (F10) changed: its loss against the step before, and how far it
        moved each parameter (the update column is highlighted until the run goes on)."""
        if previous_loss is None:
            loss_text = self.tr("loss {0}").format(format_sci(loss))
        else:
            loss_text = self.tr("loss {0} → {1} (Δ {2})").format(
                format_sci(previous_loss), format_sci(loss), format_sci(loss - previous_loss))
        moves = ", ".join(
            self.tr("{0} moved by {1} ({2} of ‖{0}‖)").format(
                p.name, format_sci(p.update_ratio * p.weight_norm), format_sci(p.update_ratio))
            for p in stats.params)
        self.step_change.setText(self.tr("Step {0}: {1}. Update: {2}.").format(stats.step, loss_text, moves))
        self.step_change.show()
        self._set_step_highlight(True)

    def clear_step_change(self) -> None:
        self.step_change.hide()
        self._set_step_highlight(False)

    def _set_step_highlight(self, on: bool) -> None:
        self._step_highlight = on
        column = COL["update_ratio"]
        for row in range(self.table.rowCount()):
            item = self.table.item(row, column)
            if item is not None:
                item.setBackground(STEP_BRUSH if on else QBrush())

    def highlighted_tensor(self) -> str | None:
        """The tensor named by the divergence shown (``"loss"`` or a parameter), else None."""
        return None if self._divergence is None else self._divergence.tensor

    def highlighted_row(self) -> int:
        """Table row marked as the first to go non-finite; -1 if none (or the loss went first)."""
        tensor = self.highlighted_tensor()
        return self._names.index(tensor) if tensor in self._names else -1

    def show_gradient_check(self, report: GradCheckReport) -> None:
        """Show the relative error and grade of every parameter (and hand vs autograd)."""
        self._check = report
        names = tuple(p.name for p in report.params)
        if names != self._names:  # no statistics yet (or another run's): rows from the report
            self._set_rows(names, tuple(p.shape for p in report.params))
        by_name = report.by_name()
        for row, name in enumerate(self._names):
            check = by_name.get(name)
            self._set_check_cells(row, check)
        has_autograd = report.autograd_max_rel_diff is not None
        self.table.setColumnHidden(COL["check"], False)
        self.table.setColumnHidden(COL["autograd"], not has_autograd)
        self.table.resizeColumnToContents(COL["check"])
        if has_autograd:
            self.table.resizeColumnToContents(COL["autograd"])
        self.check_label.setText(self._check_summary(report))
        self.check_label.show()

    def show_gradient_check_error(self, message: str) -> None:
        """Say why the gradient check could not run."""
        self.check_label.setText(self.tr("Gradient check not possible: {0}").format(_escape(message)))
        self.check_label.show()

    def set_gradient_check_enabled(self, enabled: bool) -> None:
        self.check_button.setEnabled(enabled)

    def set_frozen(self, frozen: bool) -> None:
        self.freeze_button.setChecked(frozen)

    def is_frozen(self) -> bool:
        return self.freeze_button.isChecked()

    def selected_parameter(self) -> str:
        return self._selected

    def select_parameter(self, name: str) -> None:
        if name in self._names:
            self.table.selectRow(self._names.index(name))

    def shown_stats(self) -> StepStats | None:
        """The statistics on display (older than the newest while frozen)."""
        return self._shown

    # -- display ------------------------------------------------------------
    def _display(self, stats: StepStats) -> None:
        self._shown = stats
        names = tuple(p.name for p in stats.params)
        shapes = tuple(p.shape for p in stats.params)
        if names != self._names or shapes != self._shapes:
            self._set_rows(names, shapes)
            self._forget_check()  # it was about another model
        for row, p in enumerate(stats.params):
            self._set_number_cells(row, p)
        if self._resize_pending:
            self._resize_pending = False
            self._fit_columns()
        self._request_charts()
        self._update_status()

    def _fit_columns(self) -> None:
        self.table.resizeColumnsToContents()
        # Fitted to the first numbers only, a column would cut later, longer ones to "…".
        widest = self.table.fontMetrics().horizontalAdvance(WIDEST_NUMBER) + NUMBER_PADDING_PX
        for key in NUMBER_COLUMNS:
            if self.table.columnWidth(COL[key]) < widest:
                self.table.setColumnWidth(COL[key], widest)

    def set_live(self, live: bool) -> None:
        """While ``live`` (a run is training) the charts keep to :data:`CHART_BUDGET`.

        The table and the status line still show every update; the charts show the
        newest statistics at most every few hundred milliseconds.  Otherwise every
        update draws at once, and a pending chart frame is drawn now.
        """
        self._live = live
        if not live and self._chart_timer.isActive():
            self._draw_charts()

    def _request_charts(self) -> None:
        # A run's first statistics replace the placeholder at once: waiting for the pacer
        # (up to MAX_CHART_INTERVAL_MS after the previous run's last frame) would leave the
        # panel blank, or showing the previous run, for the first seconds of a new one.
        if not self._live or self.chart_stack.currentWidget() is self.chart_placeholder:
            self._draw_charts()
        elif not self._chart_timer.isActive():  # else the pending frame shows the newest
            wait_ms = self.chart_pacer.wait_ms()
            if wait_ms <= 0:
                self._draw_charts()
            else:
                self._chart_timer.start(int(wait_ms) + 1)

    @Slot()
    def _draw_charts(self) -> None:
        self._chart_timer.stop()
        if self._shown is not None:
            self.chart_stack.setCurrentWidget(self.charts_page)
        started = time.perf_counter()
        self._draw_selected()
        self._draw_norms()
        self.chart_pacer.frame_done(time.perf_counter() - started)

    def _set_rows(self, names: tuple[str, ...], shapes: tuple[tuple[int, ...], ...]) -> None:
        """Create the table's items once per set of parameters; later updates only set text."""
        self._names, self._shapes = names, shapes
        table = self.table
        table.blockSignals(True)
        try:
            table.clearContents()
            table.setRowCount(len(names))
            for row, (name, shape) in enumerate(zip(names, shapes, strict=True)):
                for key in COLUMNS:
                    item = QTableWidgetItem()
                    item.setToolTip(self._column_tips[key])
                    if key in NUMBER_COLUMNS or key in ("check", "autograd"):
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    table.setItem(row, COL[key], item)
                table.item(row, COL["name"]).setText(name)
                table.item(row, COL["shape"]).setText(format_shape(shape))
            if names:
                if self._selected not in names:
                    self._selected = names[0]
                table.selectRow(names.index(self._selected))
            else:
                self._selected = ""
        finally:
            table.blockSignals(False)
        self._apply_divergence_highlight()
        self._resize_pending = bool(names)  # once the first numbers are in
        self.table.updateGeometry()  # its height follows the number of rows

    def _set_number_cells(self, row: int, p: ParamStats) -> None:
        table = self.table
        for key in NUMBER_COLUMNS:
            value = float(getattr(p, key))
            item = table.item(row, COL[key])
            item.setData(VALUE_ROLE, value)
            item.setText(format_sci(value))
        ratio = p.update_ratio
        item = table.item(row, COL["update_ratio"])
        if ratio > 0 and math.isfinite(ratio):
            orders = math.log10(ratio / RATIO_RULE)
            if abs(orders) < 0.5:
                where = self.tr("about the 1e-3 rule of thumb")
            elif orders > 0:
                where = self.tr("{0:.1f} orders of magnitude above the 1e-3 rule of thumb").format(orders)
            else:
                where = self.tr("{0:.1f} orders of magnitude below the 1e-3 rule of thumb").format(-orders)
            item.setToolTip(self._column_tips["update_ratio"] + "\n\n" + self.tr("This step: ") + where + ".")
        item.setBackground(STEP_BRUSH if self._step_highlight else QBrush())

    def _set_check_cells(self, row: int, check: ParamCheck | None) -> None:
        item = self.table.item(row, COL["check"])
        auto = self.table.item(row, COL["autograd"])
        if check is None:
            item.setText("")
            auto.setText("")
            return
        rel = check.rel_error
        text = self._grade_word(check.grade) if math.isnan(rel) else f"{format_sci(rel)} {self._grade_word(check.grade)}"
        item.setText(text)
        item.setData(VALUE_ROLE, rel)
        item.setForeground(QBrush(GRADE_COLOURS.get(check.grade, QColor("#666666"))))
        item.setToolTip(self._check_tooltip(check))
        if check.autograd_rel_diff is None:
            auto.setText("")
        else:
            auto.setText(format_sci(check.autograd_rel_diff))
            auto.setData(VALUE_ROLE, check.autograd_rel_diff)
            auto.setToolTip(self._column_tips["autograd"])

    def _draw_selected(self) -> None:
        stats = self._shown
        if stats is None:
            return
        p = next((q for q in stats.params if q.name == self._selected), None)
        if p is None:
            return
        values = self.values_button.isChecked()
        hist = p.weight_hist if values else p.grad_hist
        self.histogram_curve.setData(x=hist.edges, y=hist.counts)
        if (p.name, values) != self._titled:  # labels only when they change: setHtml is slow
            self._titled = (p.name, values)
            # The axis label names the parameter: a title above each chart would cost a
            # text line of height the charts need in a short window.
            what = self.tr("values of {0}") if values else self.tr("gradient of {0}")
            self.hist_plot.setLabel("bottom", what.format(p.name))
            self.heat_plot.setLabel("bottom", self.tr("gradient of {0}").format(p.name))
        preview = p.grad_preview
        caption = self.heatmap_caption_text(p.shape, preview.shape)
        if caption != self.heatmap_caption.text():
            self.heatmap_caption.setText(caption)
            self.heatmap_caption.setVisible(bool(caption))
        if not np.isfinite(preview).all():
            preview = np.nan_to_num(preview, nan=0.0)
        level = symmetric_level(p.grad_max_abs, preview)
        self.heatmap_image.setImage(preview, autoLevels=False, levels=(-level, level))
        self.color_bar.setLevels((-level, level))

    def _reset_norm_curves(self, names: tuple[str, ...]) -> None:
        if tuple(self.norm_curves) == names:
            for curve in self.norm_curves.values():
                curve.setData(x=np.empty(0), y=np.empty(0))
            return
        for curve in self.norm_curves.values():
            self.norm_plot.removeItem(curve)
        self.norm_curves = {}
        # The names side by side: stacked, four of them fill a short chart's height.
        self.norm_legend.setColumnCount(max(1, min(len(names), MAX_TABLE_ROWS)))
        for i, name in enumerate(names):
            curve = pg.PlotDataItem(
                pen=pg.mkPen(NORM_COLOURS[i % len(NORM_COLOURS)], width=1.5), name=name
            )
            self.norm_plot.addItem(curve)
            self.norm_curves[name] = curve
        self._style_norm_curves()

    def _style_norm_curves(self) -> None:
        for i, (name, curve) in enumerate(self.norm_curves.items()):
            width = 2.5 if name == self._selected else 1.2
            curve.setPen(pg.mkPen(NORM_COLOURS[i % len(NORM_COLOURS)], width=width))

    def _draw_norms(self) -> None:
        h = self._history
        n = h.count
        steps = h.steps[:n]
        for i, curve in enumerate(self.norm_curves.values()):
            curve.setData(x=steps, y=h.log_norms[i, :n])

    def _apply_divergence_highlight(self) -> None:
        target = self.highlighted_row()
        for row in range(self.table.rowCount()):
            brush = DIVERGED_BRUSH if row == target else QBrush()
            for col in range(self.table.columnCount()):
                item = self.table.item(row, col)
                if item is not None:
                    item.setBackground(brush)

    def _update_status(self) -> None:
        stats = self._shown
        if stats is None:
            text = self.tr("No gradients yet: start training.")
        else:
            text = self.tr("Step {0}, lr {1}").format(stats.step, format_sci(stats.lr))
            if self.is_frozen() and self._latest is not None and self._latest is not stats:
                text += self.tr(" (frozen; newest: step {0})").format(self._latest.step)
            elif self.is_frozen():
                text += self.tr(" (frozen)")
        self.status_label.setText(text)

    # -- texts --------------------------------------------------------------
    def heatmap_caption_text(self, shape: tuple[int, ...], preview_shape: tuple[int, ...]) -> str:
        """Which rows and columns of a ``shape`` parameter its ``preview_shape`` heat map shows.

        Empty when the heat map shows every entry; otherwise "1 in k" for rows and columns,
        k being the parameter's rows (columns) over the rows (columns) shown.
        """
        rows, cols = matrix_shape(tuple(shape))
        shown_rows, shown_cols = (tuple(preview_shape) + (1, 1))[:2]
        if (shown_rows, shown_cols) == (rows, cols):
            return ""

        def step(total: int, shown: int) -> str:
            k = total / max(shown, 1)
            return f"{k:.0f}" if abs(k - round(k)) < 0.05 else f"{k:.1f}"

        if shown_rows < rows:
            row_text = self.tr("{0} of {1} rows (1 in {2})").format(shown_rows, rows, step(rows, shown_rows))
        else:
            row_text = self.tr("all {0} rows").format(rows)
        if shown_cols < cols:
            col_text = self.tr("{0} of {1} columns (1 in {2})").format(shown_cols, cols, step(cols, shown_cols))
        else:
            col_text = self.tr("all {0} columns").format(cols)
        return self.tr("Heat map: {0}, {1}.").format(row_text, col_text)

    def _grade_word(self, grade: str) -> str:
        return {
            "good": self.tr("good"),
            "acceptable": self.tr("acceptable"),
            "suspicious": self.tr("suspicious"),
            "wrong": self.tr("wrong"),
            "unresolved": self.tr("too small to check"),
        }.get(grade, grade)

    def _check_tooltip(self, check: ParamCheck) -> str:
        lines = [
            self.tr("Sampled entries (flat index: analytic vs numerical gradient):"),
        ]
        for i, a, n in zip(check.indices, check.analytic, check.numeric, strict=True):
            lines.append(self.tr("  [{0}]  {1}  vs  {2}").format(i, format_sci(a), format_sci(n)))
        meaning = {
            "good": self.tr("The gradient matches finite differences: it is right."),
            "acceptable": self.tr(
                "Close: normal when the loss is large (finite differences lose digits to rounding) "
                "or the activation has kinks (ReLU)."
            ),
            "suspicious": self.tr("Larger than rounding explains: look for a small mistake."),
            "wrong": self.tr("The gradient does not match the loss: the backward pass has a mistake."),
            "unresolved": self.tr(
                "The gradient is smaller than finite differences can measure at this loss."
            ),
        }.get(check.grade, "")
        return "\n".join(lines + ["", meaning])

    def _check_summary(self, report: GradCheckReport) -> str:
        worst = report.grade
        colour = GRADE_COLOURS.get(worst, QColor("#666666")).name()
        text = self.tr("Gradient check: <b style='color:{0}'>{1}</b> (largest relative error {2}, ε = {3}).").format(
            colour, self._grade_word(worst), format_sci(report.max_rel_error), format_sci(report.eps)
        )
        if report.autograd_max_rel_diff is not None:
            text += " " + self.tr("Hand-written vs autograd: largest relative difference {0}.").format(
                format_sci(report.autograd_max_rel_diff)
            )
        return text

    def _divergence_text(self, d: Any, diagnosis: Diagnosis | None) -> str:
        """A headline naming the step and the tensor, then the diagnosed cause and what to try."""
        value = _escape(str(d.value))
        tensor = _escape(str(d.tensor))
        if d.kind == "loss":
            what = self.tr("the loss became {0}").format(value)
        elif d.kind == "gradient":
            what = self.tr("the gradient of {0} became {1}").format(tensor, value)
        else:
            what = self.tr("{0} became {1} in the update").format(tensor, value)
        head = self.tr("<b>Training diverged at step {0}: {1}.</b>").format(d.step, what)
        if diagnosis is None:
            return f"{head}<p>{self.tr('Try again with a learning rate ten times smaller.')}</p>"
        return f"{head}<p>{diagnosis_text.html(diagnosis)}</p>"

    # -- slots --------------------------------------------------------------
    @Slot(bool)
    def _on_freeze_toggled(self, frozen: bool) -> None:
        if frozen and self._chart_timer.isActive():
            self._draw_charts()  # the charts match the frozen table
        if not frozen and self._latest is not None and self._latest is not self._shown:
            self._display(self._latest)
        else:
            self._update_status()
        self.frozenChanged.emit(frozen)

    @Slot(bool)
    def _on_divergence_toggle_toggled(self, expanded: bool) -> None:
        self.divergence_details.setVisible(expanded and self._divergence is not None)
        self.divergence_toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)

    @Slot()
    def _on_check_button_clicked(self) -> None:
        self.gradientCheckRequested.emit()

    @Slot()
    def _on_restart_button_clicked(self) -> None:
        self.restartRequested.emit(self._lr_after_restart)

    @Slot()
    def _on_table_selection_changed(self) -> None:
        indexes = self.table.selectionModel().selectedIndexes()
        if not indexes:
            return
        row = indexes[0].row()
        if 0 <= row < len(self._names):
            self._selected = self._names[row]
            self._draw_selected()
            self._style_norm_curves()

    @Slot(bool)
    def _on_values_button_toggled(self, _checked: bool) -> None:
        self._draw_selected()


def _first_line(rich_text: str) -> str:
    """The first paragraph of a rich text, as plain text (the divergence summary line)."""
    doc = QTextDocument()
    doc.setHtml(rich_text)
    return f"<b>{_escape(doc.firstBlock().text().strip())}</b>"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
