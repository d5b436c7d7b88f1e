"""The inspector's charts: the selected parameter's histogram and heat map (with its colour bar),
and every parameter's gradient norm over the steps."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

import pyqtgraph as pg  # isort: skip  (after PySide6, so pyqtgraph binds to it)

from ...core.gradstats import ParamStats
from ..pacing import Pacer, TimedLayoutWidget
from .formatting import compact_tick, make_small_print, symmetric_level
from .norm_history import NormHistory
from .table import MAX_TABLE_ROWS
from .texts import heatmap_caption_text

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
#: Distinct colours that read on a light or a dark background.
NORM_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]


def _compact_tick_strings(values: list[float], _scale: float, spacing: float) -> list[str]:
    # A tick meant to be 0 can arrive as 1e-20 after float arithmetic: snap it.
    return [compact_tick(0.0 if abs(v) < 1e-9 * spacing else v) for v in values]


def _compact_axis(axis: pg.AxisItem) -> None:
    """Tick numbers as :func:`compact_tick` writes them, with no SI factor in the label.

    (Set on the instance: the colour bar makes its own axis.)
    """
    axis.enableAutoSIPrefix(False)
    axis.tickStrings = _compact_tick_strings


class DecadeAxis(pg.AxisItem):
    """A log axis labelled at whole decades only.

    pyqtgraph labels 2·10ⁿ … 9·10ⁿ as well when fewer than three decades are in view, and
    on a short chart those labels pile on top of each other.
    """

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802, N803 - pyqtgraph API
        ticks = [(spacing, values) for spacing, values in stdTicks if spacing >= 1.0 and len(values)]
        if ticks:
            return ticks
        return [(1.0, [float(v) for v in range(math.ceil(minVal), math.floor(maxVal) + 1)])]


class ChartStack(QStackedWidget):
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


class GradientCharts(QWidget):
    """The histogram / values toggle, the heat map's sampling caption and the three charts.

    It draws what it is handed (a parameter's statistics, a norm history); which parameter
    and when is the panel's to decide.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._titled: tuple[str, bool] | None = None  # the parameter the axis labels name
        page_layout = QVBoxLayout(self)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(2)
        page_layout.addLayout(self._build_toggles())
        self._build_plots()
        page_layout.addWidget(self.plots, 1)

    def _build_toggles(self) -> QHBoxLayout:
        toggles = QHBoxLayout()
        self.gradient_button = QToolButton()
        self.gradient_button.setText(QCoreApplication.translate("GradientInspector", "Gradient"))
        self.gradient_button.setAccessibleName(QCoreApplication.translate("GradientInspector", "Gradient"))
        self.gradient_button.setToolTip(
            QCoreApplication.translate("GradientInspector", "Histogram of the selected parameter's gradient.")
        )
        self.values_button = QToolButton()
        self.values_button.setText(QCoreApplication.translate("GradientInspector", "Values"))
        self.values_button.setAccessibleName(QCoreApplication.translate("GradientInspector", "Values"))
        self.values_button.setToolTip(
            QCoreApplication.translate(
                "GradientInspector", "Histogram of the selected parameter's values (the weights themselves)."
            )
        )
        self._hist_group = QButtonGroup(self)
        for button in (self.gradient_button, self.values_button):
            button.setCheckable(True)
            self._hist_group.addButton(button)
            toggles.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        self.gradient_button.setChecked(True)
        self.heatmap_caption = QLabel()
        self.heatmap_caption.setAccessibleName(
            QCoreApplication.translate("GradientInspector", "Heat map sampling")
        )
        self.heatmap_caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        make_small_print(self.heatmap_caption)
        self.heatmap_caption.hide()
        toggles.addWidget(self.heatmap_caption, 1)
        toggles.addStretch(0)
        return toggles

    def _build_plots(self) -> None:
        self.plots = TimedLayoutWidget()
        self.plots.setAccessibleName(QCoreApplication.translate("GradientInspector", "Gradient charts"))
        self.plots.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.plots.setToolTip(
            QCoreApplication.translate(
                "GradientInspector",
                "Left: how the selected parameter's gradient (or values) is distributed. "
                "Right: its gradient as a matrix (rows and columns sampled when large); "
                "red is positive, blue negative, white zero. "
                "Bottom: every parameter's gradient norm over the steps, on a log scale.",
            )
        )
        self.plots.ci.layout.setContentsMargins(2, 2, 2, 2)
        self.plots.ci.layout.setVerticalSpacing(0)
        self.hist_plot = self.plots.addPlot(row=0, col=0)
        self.hist_plot.setLabel("left", QCoreApplication.translate("GradientInspector", "count"))
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
        self.heat_plot.setLabel("left", QCoreApplication.translate("GradientInspector", "row"))
        # "column" until a parameter names the axis.
        self.heat_plot.setLabel("bottom", QCoreApplication.translate("GradientInspector", "column"))
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

        self.norm_plot = self.plots.addPlot(row=1, col=0, colspan=2, axisItems={"left": DecadeAxis("left")})
        # Curves get log10 values computed once per step; only the axis is in log mode.
        self.norm_plot.getAxis("left").setLogMode(True)
        self.norm_plot.getAxis("left").enableAutoSIPrefix(False)  # else a bogus "(x1e+15)"
        self.norm_plot.getAxis("bottom").enableAutoSIPrefix(False)  # steps are counted, not scaled
        # A run's first point alone would get a zero-width range: pyqtgraph then spreads it
        # over -400..400 "steps" and crowds the log axis with labels.  At least one step and
        # one decade keep the axes readable.
        self.norm_plot.getViewBox().setLimits(xMin=0.0, minXRange=1.0, minYRange=1.0)
        self.norm_plot.setLabel("left", QCoreApplication.translate("GradientInspector", "‖gradient‖"))
        self.norm_plot.setLabel("bottom", QCoreApplication.translate("GradientInspector", "step"))
        self.norm_plot.setClipToView(True)
        self.norm_plot.setDownsampling(auto=True, mode="peak")
        self.norm_legend = self.norm_plot.addLegend(offset=(5, 5))
        self.norm_curves: dict[str, pg.PlotDataItem] = {}
        self.chart_pacer = Pacer(self.plots, CHART_BUDGET, MIN_CHART_INTERVAL_MS, MAX_CHART_INTERVAL_MS)
        self.plots.setMinimumHeight(self._minimum_height())

    def _minimum_height(self) -> int:
        """Room for two rows of charts whose plotting areas are MIN_CHART_VIEW_PX tall.

        Under each plotting area a bottom axis takes a line of tick numbers and a line of
        label (pyqtgraph sizes its axes only once shown, so they are estimated from the font).
        """
        line = QFontMetrics(self.plots.font()).height()
        per_row = MIN_CHART_VIEW_PX + 2 * line + 12
        _left, top, _right, bottom = self.plots.ci.layout.getContentsMargins()
        return int(2 * per_row + top + bottom + 2 * self.plots.frameWidth())

    # -- drawing ------------------------------------------------------------
    def draw_parameter(self, p: ParamStats) -> None:
        """The histogram (of the gradient, or of the values) and the heat map of ``p``."""
        values = self.values_button.isChecked()
        hist = p.weight_hist if values else p.grad_hist
        self.histogram_curve.setData(x=hist.edges, y=hist.counts)
        if (p.name, values) != self._titled:  # labels only when they change: setHtml is slow
            self._titled = (p.name, values)
            # The axis label names the parameter: a title above each chart would cost a
            # text line of height the charts need in a short window.
            if values:
                what = QCoreApplication.translate("GradientInspector", "values of {0}")
            else:
                what = QCoreApplication.translate("GradientInspector", "gradient of {0}")
            self.hist_plot.setLabel("bottom", what.format(p.name))
            self.heat_plot.setLabel(
                "bottom", QCoreApplication.translate("GradientInspector", "gradient of {0}").format(p.name)
            )
        preview = p.grad_preview
        caption = heatmap_caption_text(p.shape, preview.shape)
        if caption != self.heatmap_caption.text():
            self.heatmap_caption.setText(caption)
            self.heatmap_caption.setVisible(bool(caption))
        if not np.isfinite(preview).all():
            preview = np.nan_to_num(preview, nan=0.0)
        level = symmetric_level(p.grad_max_abs, preview)
        self.heatmap_image.setImage(preview, autoLevels=False, levels=(-level, level))
        self.color_bar.setLevels((-level, level))

    def reset_norm_curves(self, names: tuple[str, ...], selected: str) -> None:
        """A curve per parameter, empty (the same curves emptied when the names are the same)."""
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
            curve = pg.PlotDataItem(pen=pg.mkPen(NORM_COLOURS[i % len(NORM_COLOURS)], width=1.5), name=name)
            self.norm_plot.addItem(curve)
            self.norm_curves[name] = curve
        self.style_norm_curves(selected)

    def style_norm_curves(self, selected: str) -> None:
        """The ``selected`` parameter's curve drawn thicker than the others."""
        for i, (name, curve) in enumerate(self.norm_curves.items()):
            width = 2.5 if name == selected else 1.2
            curve.setPen(pg.mkPen(NORM_COLOURS[i % len(NORM_COLOURS)], width=width))

    def draw_norms(self, history: NormHistory) -> None:
        n = history.count
        steps = history.steps[:n]
        for i, curve in enumerate(self.norm_curves.values()):
            curve.setData(x=steps, y=history.log_norms[i, :n])

    def clear(self) -> None:
        """No curves, an empty histogram and heat map, the colour bar back at ±1."""
        self.reset_norm_curves((), "")
        self.histogram_curve.clear()
        self.heatmap_image.clear()
        self.color_bar.setLevels((-1.0, 1.0))
        self._titled = None
        self.heatmap_caption.clear()
        self.heatmap_caption.hide()
