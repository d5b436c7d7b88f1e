"""The Sweep tab: one configuration over a grid of one or two fields, as small multiples.

The student picks one or two fields (the learning rate as a log range from, to,
count; the others as comma lists) and presses *Run*.  The cells train in worker
processes (:class:`~playground.core.sweep.Sweep`); a background thread only carries
their events to this tab, which draws each cell's loss as a small plot in a grid
(shared axes, log-scaled loss), a heat map of the final or best loss with diverged
cells marked, and progress per cell and overall.  *Stop* ends the cells training;
finished ones stay.  Clicking a cell emits :attr:`SweepTab.cellOpened` with its
:class:`~playground.core.sweep.CellResult`: the window opens it as a run on the
Training tab.  :meth:`SweepTab.saved` and :meth:`SweepTab.load` put a sweep in an
experiment file and back.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..core.config import ConfigError, TrainConfig
from ..core.history import log10_f32
from ..core.sweep import (
    NOT_RUN,
    CellProgress,
    CellResult,
    GridTooLarge,
    SavedSweep,
    Sweep,
    SweepSpec,
    make_spec,
    parse_values,
    sweep_fields,
)

#: Redraws of the cells' curves a second while a sweep runs.
REDRAW_HZ = 5
#: Columns of the grid of small plots for a sweep of one field.
COLUMNS_ONE_FIELD = 4
#: The most cells the tab draws (each is a plot of its own); larger grids: the sweep command.
MAX_GUI_CELLS = 256
NONE_FIELD = ""


class AxisEditor(QWidget):
    """One swept field: which field, and its values (lr: from, to, count; the others: a comma list)."""

    def __init__(self, number: int, optional: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.field = QComboBox(self)
        self.field.setAccessibleName(self.tr("Field {0}").format(number))
        if optional:
            self.field.addItem(self.tr("(none)"), NONE_FIELD)
        for name in sweep_fields():
            self.field.addItem(name, name)
        layout.addWidget(self.field)
        self.lr_from = QLineEdit("1e-7", self)
        self.lr_from.setAccessibleName(self.tr("From"))
        self.lr_to = QLineEdit("1e-4", self)
        self.lr_to.setAccessibleName(self.tr("To"))
        self.lr_count = QSpinBox(self)
        self.lr_count.setRange(1, 64)
        self.lr_count.setValue(4)
        self.lr_count.setAccessibleName(self.tr("Count"))
        self.lr_labels = [QLabel(self.tr("from"), self), QLabel(self.tr("to"), self), QLabel(self.tr("count"), self)]
        for label, box in zip(self.lr_labels, (self.lr_from, self.lr_to, self.lr_count), strict=True):
            label.setBuddy(box)
            layout.addWidget(label)
            layout.addWidget(box)
        self.values = QLineEdit(self)
        self.values.setAccessibleName(self.tr("Values"))
        self.values.setPlaceholderText(self.tr("comma list, e.g. 10, 100"))
        layout.addWidget(self.values, 1)
        self.field.currentIndexChanged.connect(self._on_field_changed)
        self._on_field_changed()

    def set_field(self, name: str) -> None:
        self.field.setCurrentIndex(max(0, self.field.findData(name)))

    def set_values(self, text: str) -> None:
        self.values.setText(text)

    def set_lr_range(self, start: str, stop: str, count: int) -> None:
        self.lr_from.setText(start)
        self.lr_to.setText(stop)
        self.lr_count.setValue(count)

    def axis(self) -> tuple[str, tuple[Any, ...]] | None:
        """(field, values), None for no field; ConfigError names a bad value."""
        name = self.field.currentData()
        if not name:
            return None
        if name == "lr":
            text = f"{self.lr_from.text().strip()}:{self.lr_to.text().strip()}:{self.lr_count.value()}"
            return name, parse_values(name, text)
        return name, parse_values(name, self.values.text())

    @Slot()
    def _on_field_changed(self) -> None:
        name = self.field.currentData()
        is_lr = name == "lr"
        for w in (self.lr_from, self.lr_to, self.lr_count, *self.lr_labels):
            w.setVisible(is_lr)
        self.values.setVisible(bool(name) and not is_lr)
        defaults = {"H": "10, 100, 1000", "N": "16, 64, 256", "optimizer": "sgd, momentum, adam",
                    "activation": "none, relu, tanh"}
        if name in defaults and not self.values.text():
            self.values.setText(defaults[name])


class CellView(QFrame):
    """One cell: what it varies, its progress, and its loss curve; a click opens it."""

    clicked = Signal(int)

    def __init__(self, index: int, label: str, total: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.label = label
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(self.tr("Cell {0}").format(label))
        self.setToolTip(self.tr("Click to open this cell as a run on the Training tab"))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(1)
        self.title = QLabel(label, self)
        layout.addWidget(self.title)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(self.tr("Progress of {0}").format(label))
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.progress.setMaximumHeight(8)
        self.progress.setTextVisible(False)
        layout.addWidget(self.progress)
        self.plot = pg.PlotWidget(self)
        self.plot.setBackground("w")
        self.plot.setMinimumSize(150, 100)
        item = self.plot.getPlotItem()
        item.getAxis("left").setLogMode(True)
        item.hideButtons()
        item.setMenuEnabled(False)
        item.getViewBox().setMouseEnabled(x=False, y=False)
        self.curve = item.plot(pen=pg.mkPen("#1f77b4", width=1.5))
        self.status = QLabel(self.tr("waiting"), self)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.status)
        self.plot.scene().sigMouseClicked.connect(self._on_plot_clicked)
        self.steps: list[np.ndarray] = []
        self.losses: list[np.ndarray] = []
        self.dirty = False
        self.result: CellResult | None = None

    def add(self, progress: CellProgress) -> None:
        self.steps.append(progress.steps)
        self.losses.append(progress.losses)
        self.progress.setValue(progress.step)
        self.status.setText(self.tr("step {0} / {1}").format(progress.step, progress.total))
        self.dirty = True

    def finish(self, result: CellResult) -> None:
        self.result = result
        self.steps, self.losses = [result.steps], [result.losses]
        if result.reason == "completed":
            self.progress.setValue(self.progress.maximum())
            text = self.tr("final {0:.3g}").format(result.final_loss)
        elif result.reason == "diverged":
            text = self.tr("diverged at step {0}").format(result.diverged_step)
            self.setStyleSheet("CellView { border: 2px solid #d62728; }")
        elif result.reason == "stopped":
            text = self.tr("stopped at step {0}").format(len(result.losses))
        elif result.reason == NOT_RUN:
            text = self.tr("not run")
        else:
            text = self.tr("failed: {0}").format(result.error or "")
        self.status.setText(text)
        self.dirty = True
        self.redraw()

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        if not self.losses:
            return np.empty(0, np.int64), np.empty(0)
        return np.concatenate(self.steps), np.concatenate(self.losses)

    def redraw(self) -> None:
        if not self.dirty:
            return
        self.dirty = False
        steps, losses = self.data()
        logs = log10_f32(losses)
        keep = np.isfinite(logs)
        self.curve.setData(steps[keep].astype(np.float64), logs[keep].astype(np.float64))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.index)
        super().mousePressEvent(event)

    def _on_plot_clicked(self, _event: Any) -> None:
        self.clicked.emit(self.index)


class SweepTab(QWidget):
    """Choose a grid, run it in worker processes, compare its cells."""

    #: A cell's :class:`CellResult` to open as a run on the Training tab.
    cellOpened = Signal(object)
    #: A sweep started (True) or ended (False).
    runningChanged = Signal(bool)
    _event = Signal(object, object)  # the sweep it belongs to, the event
    _ended = Signal(object)  # the sweep that ended

    def __init__(self, base_config: Callable[[], TrainConfig], parent: QWidget | None = None,
                 workers: int | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Sweep"))
        self.base_config = base_config
        self.workers = workers
        self.spec: SweepSpec | None = None
        self.sweep: Sweep | None = None
        self.results: dict[int, CellResult] = {}
        self.cells: list[CellView] = []
        self._thread: threading.Thread | None = None
        self._build_ui()
        self._event.connect(self._on_event)
        self._ended.connect(self._on_ended)
        self.timer = QTimer(self)
        self.timer.setInterval(int(1000 / REDRAW_HZ))
        self.timer.timeout.connect(self._redraw)

    # -- layout ----------------------------------------------------------------
    def _build_ui(self) -> None:
        form = QFormLayout()
        self.axis1 = AxisEditor(1, optional=False, parent=self)
        self.axis1.set_field("lr")
        self.axis2 = AxisEditor(2, optional=True, parent=self)
        form.addRow(self.tr("Sweep"), self.axis1)
        form.addRow(self.tr("and"), self.axis2)
        self.measure = QComboBox(self)
        self.measure.addItem(self.tr("final loss"), "final")
        self.measure.addItem(self.tr("best loss"), "best")
        self.measure.setAccessibleName(self.tr("Heat map shows"))
        self.measure.currentIndexChanged.connect(self._draw_heatmap)
        form.addRow(self.tr("Heat map shows"), self.measure)
        buttons = QHBoxLayout()
        self.run_button = QPushButton(self.tr("Run"), self)
        self.run_button.setAccessibleName(self.tr("Run sweep"))
        self.run_button.setToolTip(self.tr("Train every cell with the Training tab's settings and these values"))
        self.run_button.clicked.connect(self.run)
        self.stop_button = QPushButton(self.tr("Stop"), self)
        self.stop_button.setAccessibleName(self.tr("Stop sweep"))
        self.stop_button.setToolTip(self.tr("Stop the cells training now; finished cells stay"))
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(self.tr("Sweep progress"))
        self.progress.setFormat(self.tr("%p% of all steps"))
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Sweep message"))
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.progress, 1)

        self.grid_host = QWidget(self)
        self.grid = QGridLayout(self.grid_host)
        self.grid.setSpacing(4)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_host)
        scroll.setAccessibleName(self.tr("Sweep cells"))
        self.heat = pg.PlotWidget(self)
        self.heat.setBackground("w")
        self.heat.setAccessibleName(self.tr("Sweep heat map"))
        self.heat.setMinimumWidth(220)
        self.heat_item = self.heat.getPlotItem()
        self.heat_item.setMenuEnabled(False)
        self.heat_item.getViewBox().invertY(True)
        self.heat_image = pg.ImageItem(axisOrder="row-major")
        self.heat_item.addItem(self.heat_image)
        self.heat_bar = pg.ColorBarItem(colorMap=pg.colormap.get("viridis"), interactive=False,
                                        label=self.tr("log10 loss"))
        self.heat_bar.setImageItem(self.heat_image, insert_in=self.heat_item)
        self.heat_marks: list[pg.TextItem] = []
        self.heat.scene().sigMouseClicked.connect(self._on_heat_clicked)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(scroll)
        splitter.addWidget(self.heat)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

    # -- running ---------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None

    def make_spec(self, confirmed: bool = False) -> SweepSpec:
        axes = [a for a in (self.axis1.axis(), self.axis2.axis()) if a is not None]
        return make_spec(self.base_config(), axes, confirmed=confirmed)

    @Slot()
    def run(self) -> bool:
        """Validate the grid and start training it; a bad grid is said in the message line."""
        if self.running:
            return False
        try:
            try:
                spec = self.make_spec()
            except GridTooLarge as exc:
                answer = QMessageBox.question(
                    self, self.tr("A large sweep"),
                    self.tr("The grid has {0} cells. Train them all?").format(exc.cells))
                if answer != QMessageBox.StandardButton.Yes:
                    return False
                spec = self.make_spec(confirmed=True)
        except ConfigError as exc:
            self.message.setText(self.tr("Cannot run the sweep: {0}").format(exc))
            return False
        if len(spec.cells) > MAX_GUI_CELLS:
            self.message.setText(self.tr("Cannot run the sweep: the grid has {0} cells; the window draws at most "
                                         "{1} (the sweep command runs larger grids)").format(
                                             len(spec.cells), MAX_GUI_CELLS))
            return False
        self.start(spec)
        return True

    def start(self, spec: SweepSpec) -> None:
        """Train ``spec``'s cells in the background (worker processes; a thread carries their events)."""
        self._show_grid(spec)
        self.sweep = sweep = Sweep(spec, self.workers)
        self.message.setText(self.tr("Training {0} cells, {1} at a time…").format(
            len(spec.cells), max(1, sweep.workers)))
        self._set_running(True)
        self._thread = threading.Thread(target=self._carry, args=(sweep,), name="sweep-events", daemon=True)
        self._thread.start()
        self.timer.start()

    def _carry(self, sweep: Sweep) -> None:
        """In the background thread: hand every event to the GUI thread (a queued signal)."""
        try:
            for event in sweep.events():
                self._event.emit(sweep, event)
        except Exception as exc:  # noqa: BLE001 - told in the message line, never raised in a thread
            self._event.emit(sweep, exc)
        finally:
            self._ended.emit(sweep)

    @Slot()
    def stop(self) -> None:
        if self.sweep is not None:
            self.sweep.request_stop()
            self.message.setText(self.tr("Stopping: finished cells stay."))

    def shutdown(self, timeout_s: float = 5.0) -> bool:
        """Stop a running sweep and wait for its processes; True when it ended in time."""
        thread = self._thread
        if thread is None:
            return True
        self.stop()
        thread.join(timeout_s)
        return not thread.is_alive()

    @Slot(object, object)
    def _on_event(self, sweep: Sweep, event: Any) -> None:
        if sweep is not self.sweep:
            return  # a sweep given up for another grid (an experiment opened meanwhile)
        if isinstance(event, CellProgress):
            self.cells[event.index].add(event)
            self._update_progress()
        elif isinstance(event, CellResult):
            self.results[event.index] = event
            self.cells[event.index].finish(event)
            self._update_progress()
            self._draw_heatmap()
        elif isinstance(event, Exception):
            self.message.setText(self.tr("The sweep failed: {0}").format(event))

    @Slot(object)
    def _on_ended(self, sweep: Sweep) -> None:
        if sweep is not self.sweep:
            return
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()
        self.timer.stop()
        self._redraw()
        self._set_running(False)
        done = sum(1 for r in self.results.values() if r.reason != NOT_RUN)
        self.message.setText(self.tr("{0} of {1} cells trained. Click a cell to open it as a run.").format(
            done, len(self.cells)))

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.axis1.setEnabled(not running)
        self.axis2.setEnabled(not running)
        self.runningChanged.emit(running)

    def _update_progress(self) -> None:
        total = sum(c.progress.maximum() for c in self.cells) or 1
        done = sum(c.progress.maximum() if c.result is not None else c.progress.value() for c in self.cells)
        self.progress.setValue(round(100 * done / total))

    @Slot()
    def _redraw(self) -> None:
        for cell in self.cells:
            cell.redraw()
        self._share_range()

    def shared_range(self) -> tuple[tuple[float, float], tuple[float, float]] | None:
        """The small plots' common view: all steps, and log10 loss from the lowest finite loss of any
        cell to a decade above the highest starting loss (a blow-up leaves the top, not the scale)."""
        lows, tops, last = [], [], 0
        for cell in self.cells:
            steps, losses = cell.data()
            logs = log10_f32(losses)
            finite = logs[np.isfinite(logs)]
            if len(finite):
                lows.append(float(finite.min()))
                tops.append(float(finite[: max(1, len(finite) // 20)].max()))
            last = max(last, cell.progress.maximum())
        if not lows:
            return None
        lo, hi = min(lows), max(tops) + 1.0
        return (0.0, float(max(1, last - 1))), (lo, max(hi, lo + 1.0))

    def _share_range(self) -> None:
        view = self.shared_range()
        if view is None or not self.cells:
            return
        (x0, x1), (y0, y1) = view
        item = self.cells[0].plot.getPlotItem()  # the others are linked to it
        item.setXRange(x0, x1, padding=0.02)
        item.setYRange(y0, y1, padding=0.02)

    # -- the grid --------------------------------------------------------------
    def _show_grid(self, spec: SweepSpec, results: tuple[CellResult, ...] = ()) -> None:
        for cell in self.cells:
            self.grid.removeWidget(cell)
            cell.deleteLater()
        self.cells = []
        self.results = {}
        self.spec = spec
        cols = spec.shape[1] if len(spec.shape) == 2 else min(COLUMNS_ONE_FIELD, spec.shape[0])
        first: pg.PlotItem | None = None
        for cell in spec.cells:
            view = CellView(cell.index, cell.label(), cell.config.steps, self.grid_host)
            view.clicked.connect(self.open_cell)
            self.grid.addWidget(view, cell.index // cols, cell.index % cols)
            item = view.plot.getPlotItem()
            if first is None:
                first = item
            else:  # small multiples: one scale for all
                item.setXLink(first)
                item.setYLink(first)
            self.cells.append(view)
        self.progress.setValue(0)
        for r in results:
            self.results[r.index] = r
            self.cells[r.index].finish(r)
        self._share_range()
        self._draw_heatmap()

    def measure_values(self) -> np.ndarray:
        """log10 of each cell's final (or best) loss in the grid's shape; NaN: none (diverged, not run)."""
        if self.spec is None:
            return np.empty((0, 0))
        values = np.full(len(self.spec.cells), np.nan)
        best = self.measure.currentData() == "best"
        for i, r in self.results.items():
            v = r.best_loss if best else r.final_loss
            if v is not None and math.isfinite(v) and v > 0 and not (r.diverged and not best):
                values[i] = math.log10(v)
        shape = self.spec.shape if len(self.spec.shape) == 2 else (1, self.spec.shape[0])
        return values.reshape(shape)

    @Slot()
    def _draw_heatmap(self) -> None:
        if self.spec is None:
            return
        grid = self.measure_values()
        finite = grid[np.isfinite(grid)]
        for mark in self.heat_marks:
            self.heat_item.removeItem(mark)
        self.heat_marks = []
        if len(finite):
            lo, hi = float(finite.min()), float(finite.max())
            if lo == hi:
                lo, hi = lo - 0.5, hi + 0.5
            self.heat_image.setImage(grid, autoLevels=False, levels=(lo, hi))
            self.heat_bar.setLevels((lo, hi))
        else:
            self.heat_image.clear()
        cols = grid.shape[1]
        for i, r in self.results.items():
            if r.diverged:
                mark = pg.TextItem("✕", color="#d62728", anchor=(0.5, 0.5))
                mark.setPos(i % cols + 0.5, i // cols + 0.5)
                self.heat_item.addItem(mark)
                self.heat_marks.append(mark)
        axes = self.spec.axes
        x_axis = axes[1] if len(axes) == 2 else axes[0]
        self.heat_item.getAxis("bottom").setTicks([[(j + 0.5, _text(v)) for j, v in enumerate(x_axis.values)]])
        self.heat_item.setLabel("bottom", x_axis.field)
        if len(axes) == 2:
            self.heat_item.getAxis("left").setTicks([[(j + 0.5, _text(v)) for j, v in enumerate(axes[0].values)]])
            self.heat_item.setLabel("left", axes[0].field)
        else:
            self.heat_item.getAxis("left").setTicks([[]])
            self.heat_item.setLabel("left", "")

    def heat_cell_at(self, x: float, y: float) -> int | None:
        """The cell whose square of the heat map holds the view point (x, y); None outside the grid."""
        if self.spec is None:
            return None
        rows, cols = self.measure_values().shape
        col, row = math.floor(x), math.floor(y)
        return row * cols + col if 0 <= row < rows and 0 <= col < cols else None

    def _on_heat_clicked(self, event: Any) -> None:
        point = self.heat_item.getViewBox().mapSceneToView(event.scenePos())
        index = self.heat_cell_at(point.x(), point.y())
        if index is not None:
            self.open_cell(index)

    @Slot(int)
    def open_cell(self, index: int) -> None:
        """Open a cell as a run (one that has recorded steps)."""
        result = self.results.get(index)
        if result is None and 0 <= index < len(self.cells):
            return  # still training or not yet reached
        if result is not None and len(result.losses):
            self.cellOpened.emit(result)

    # -- experiment files ------------------------------------------------------
    def saved(self) -> SavedSweep | None:
        """The sweep shown, as an experiment file keeps it (None: no sweep yet)."""
        if self.spec is None:
            return None
        results = tuple(self.results[i] for i in sorted(self.results))
        return SavedSweep(self.spec, results, self.measure.currentData())

    def load(self, saved: SavedSweep) -> None:
        """Show a saved sweep (a running one is stopped first)."""
        self.shutdown()  # a sweep still ending after this keeps its thread; its events are ignored
        self._thread = None
        self.sweep = None
        self.timer.stop()
        self._set_running(False)
        self.measure.setCurrentIndex(max(0, self.measure.findData(saved.measure)))
        axes = saved.spec.axes
        self.axis1.set_field(axes[0].field)
        self.axis2.set_field(axes[1].field if len(axes) == 2 else NONE_FIELD)
        for editor, axis in zip((self.axis1, self.axis2), axes, strict=False):
            if axis.field == "lr":
                editor.set_lr_range(f"{axis.values[0]:g}", f"{axis.values[-1]:g}", len(axis.values))
            else:
                editor.set_values(", ".join(_text(v) for v in axis.values))
        self._show_grid(saved.spec, saved.results)
        self.message.setText(self.tr("{0} of {1} cells trained. Click a cell to open it as a run.").format(
            len([r for r in saved.results if r.reason != NOT_RUN]), len(saved.spec.cells)))


def _text(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
