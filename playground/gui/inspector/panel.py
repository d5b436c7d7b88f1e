"""The gradient inspector panel: assembles the table, the charts and the divergence box, and
decides what they show and when (freeze, chart pacing, the selected parameter)."""

from __future__ import annotations

import html
import time
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

from ...core.diagnosis import Diagnosis
from ...core.gradstats import StepStats
from . import texts
from .charts import ChartStack, GradientCharts
from .divergence import DivergenceBox
from .formatting import format_sci, make_small_print
from .norm_history import NormHistory
from .table import ParameterTable

if TYPE_CHECKING:  # the gradient check runs in the worker: its types only here
    from ...core.gradcheck import GradCheckReport


class GradientInspector(QWidget):
    """Per-parameter gradient statistics, a histogram, a heat map and norm history."""

    restartRequested = Signal(float)
    gradientCheckRequested = Signal()
    frozenChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shown: StepStats | None = None  # what the panel displays
        self._latest: StepStats | None = None  # newest received (differs while frozen)
        self._selected = ""
        self._history = NormHistory()
        self._resize_pending = False
        self._live = False
        self._chart_timer = QTimer(self)
        self._chart_timer.setSingleShot(True)
        self._chart_timer.timeout.connect(self._draw_charts)
        self._build_ui()
        self.table.fit_columns()  # before any run too: Qt's 100 px a column would hide ‖Δw‖/‖w‖
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

        self.divergence_box = DivergenceBox()
        self.divergence_box.restartRequested.connect(self.restartRequested)
        self.divergence_toggle = self.divergence_box.toggle
        self.divergence_summary = self.divergence_box.summary
        self.restart_button = self.divergence_box.restart_button
        self.divergence_label = self.divergence_box.label
        self.divergence_details = self.divergence_box.details
        # Three lines and a scroll bar at the least: a short window keeps its charts.
        self.divergence_details.setMinimumHeight(3 * self.fontMetrics().lineSpacing())
        layout.addWidget(self.divergence_box)
        layout.addWidget(self.divergence_details)

        self.table = ParameterTable()
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        layout.addWidget(self.table)
        self.hint_label = QLabel(
            self.tr(
                "‖Δw‖/‖w‖: a common rule of thumb is about 1e-3 per step. Much smaller often "
                "means slow learning; much larger, unstable steps."
            )
        )
        self.hint_label.setAccessibleName(self.tr("Update ratio hint"))
        make_small_print(self.hint_label)
        layout.addWidget(self.hint_label)
        self.check_label = QLabel()
        self.check_label.setAccessibleName(self.tr("Gradient check result"))
        self.check_label.setWordWrap(True)
        self.check_label.setTextFormat(Qt.TextFormat.RichText)
        self.check_label.hide()
        layout.addWidget(self.check_label)

        # Until a run's first statistics arrive the charts would be bare axes with made-up
        # ranges; a placeholder says what is missing instead.
        self.chart_stack = ChartStack()
        self.chart_placeholder = QLabel(self.tr("Start a run to see gradients."))
        self.chart_placeholder.setAccessibleName(self.tr("Start a run to see gradients."))
        self.chart_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart_placeholder.setWordWrap(True)
        self.chart_placeholder.setFrameShape(QFrame.Shape.StyledPanel)
        self.chart_stack.addWidget(self.chart_placeholder)
        self.charts_page = GradientCharts()
        self.charts_page.values_button.toggled.connect(self._on_values_button_toggled)
        self.chart_stack.addWidget(self.charts_page)
        self.chart_stack.setCurrentWidget(self.chart_placeholder)
        layout.addWidget(self.chart_stack, 1)
        # The charts' parts under the names the window, the tests and the docs read.
        charts = self.charts_page
        self.gradient_button, self.values_button = charts.gradient_button, charts.values_button
        self.heatmap_caption = charts.heatmap_caption
        self.plots, self.chart_pacer = charts.plots, charts.chart_pacer
        self.hist_plot, self.histogram_curve = charts.hist_plot, charts.histogram_curve
        self.heat_plot, self.heatmap_image = charts.heat_plot, charts.heatmap_image
        self.color_bar = charts.color_bar
        self.norm_plot, self.norm_legend = charts.norm_plot, charts.norm_legend

    @property
    def norm_curves(self) -> dict:
        """Parameter name -> its curve in the norm chart (the charts replace the dict per model)."""
        return self.charts_page.norm_curves

    # -- public API ---------------------------------------------------------
    def show_stats(self, stats: StepStats) -> None:
        """Record ``stats`` and display it (unless frozen)."""
        names = tuple(p.name for p in stats.params)
        if names != self._history.names or stats.step < self._history.last_step:
            self._history.reset(names)  # another run, or another model
            self.charts_page.reset_norm_curves(names, self._selected)
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

    def show_batch(
        self, stats: tuple[StepStats, ...], norm_steps: np.ndarray, grad_norms: np.ndarray
    ) -> None:
        """A batch's statistics and sampled gradient norms, merged in step order."""
        done = 0
        for s in stats:
            before = int(np.searchsorted(norm_steps, s.step))  # samples before this step
            self.show_grad_norms(norm_steps[done:before], grad_norms[done:before])
            self.show_stats(s)  # its own norms stand for a sample at the same step
            done = before
        self.show_grad_norms(norm_steps[done:], grad_norms[done:])

    def show_state(self, stats: StepStats, norm_steps: np.ndarray, grad_norms: np.ndarray) -> None:
        """Show a recorded state (time travel): ``stats`` and the norm history up to it, drawn at once.

        The norm history is rebuilt from ``norm_steps``/``grad_norms`` alone; the divergence
        summary and a gradient check's result stay.
        """
        names = tuple(p.name for p in stats.params)
        self._history.reset(names)
        self.charts_page.reset_norm_curves(names, self._selected)
        self._latest = None
        self.set_frozen(False)
        self.show_batch((stats,), norm_steps, grad_norms)
        self._draw_charts()

    def clear(self) -> None:
        """Forget the run: empty table and plots, no divergence, no check result, no freeze."""
        self._shown = self._latest = None
        self._chart_timer.stop()
        # A freeze held the forgotten run's numbers; kept, it would hide the next run's
        # gradients behind "no gradients yet" while that run trains.
        self.set_frozen(False)
        self._history.reset(())
        self._set_rows((), ())
        self.charts_page.clear()
        self.chart_stack.setCurrentWidget(self.chart_placeholder)
        self.divergence_box.clear()
        self.clear_step_change()
        self._forget_check()
        self._update_status()

    def _forget_check(self) -> None:
        self.check_label.hide()
        self.table.show_check_columns(False)

    def show_divergence(self, divergence: Any, lr: float, diagnosis: Diagnosis | None = None) -> None:
        """Explain a :class:`~playground.core.loop.Divergence` by its diagnosed cause, and offer
        a restart at the learning rate the diagnosis gives (lr / 10 without one); no restart
        button when a smaller lr is not the cure (a classic mistake is)."""
        self.divergence_box.show_divergence(divergence, lr, diagnosis)
        self._apply_divergence_highlight()
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
        self.table.set_step_highlight(True)

    def clear_step_change(self) -> None:
        self.step_change.hide()
        self.table.set_step_highlight(False)

    def highlighted_tensor(self) -> str | None:
        """The tensor named by the divergence shown (``"loss"`` or a parameter), else None."""
        divergence = self.divergence_box.divergence
        return None if divergence is None else divergence.tensor

    def highlighted_row(self) -> int:
        """Table row marked as the first to go non-finite; -1 if none (or the loss went first)."""
        tensor = self.highlighted_tensor()
        names = self.table.names
        return names.index(tensor) if tensor in names else -1

    def show_gradient_check(self, report: GradCheckReport) -> None:
        """Show the relative error and grade of every parameter (and hand vs autograd)."""
        names = tuple(p.name for p in report.params)
        if names != self.table.names:  # no statistics yet (or another run's): rows from the report
            self._set_rows(names, tuple(p.shape for p in report.params))
        by_name = report.by_name()
        for row, name in enumerate(self.table.names):
            self.table.set_check_cells(row, by_name.get(name))
        self.table.show_check_columns(True, autograd=report.autograd_max_rel_diff is not None)
        self.check_label.setText(texts.check_summary(report))
        self.check_label.show()

    def show_gradient_check_error(self, message: str) -> None:
        """Say why the gradient check could not run."""
        self.check_label.setText(
            self.tr("Gradient check not possible: {0}").format(html.escape(message, quote=False))
        )
        self.check_label.show()

    def set_frozen(self, frozen: bool) -> None:
        self.freeze_button.setChecked(frozen)

    def is_frozen(self) -> bool:
        return self.freeze_button.isChecked()

    def selected_parameter(self) -> str:
        return self._selected

    def select_parameter(self, name: str) -> None:
        if name in self.table.names:
            self.table.selectRow(self.table.names.index(name))

    def shown_stats(self) -> StepStats | None:
        """The statistics on display (older than the newest while frozen)."""
        return self._shown

    def heatmap_caption_text(self, shape: tuple[int, ...], preview_shape: tuple[int, ...]) -> str:
        """Which rows and columns of a ``shape`` parameter its ``preview_shape`` heat map shows."""
        return texts.heatmap_caption_text(shape, preview_shape)

    def set_live(self, live: bool) -> None:
        """While ``live`` (a run is training) the charts keep to :data:`CHART_BUDGET`.

        The table and the status line still show every update; the charts show the
        newest statistics at most every few hundred milliseconds.  Otherwise every
        update draws at once, and a pending chart frame is drawn now.
        """
        self._live = live
        if not live and self._chart_timer.isActive():
            self._draw_charts()

    # -- display ------------------------------------------------------------
    def _display(self, stats: StepStats) -> None:
        self._shown = stats
        names = tuple(p.name for p in stats.params)
        shapes = tuple(p.shape for p in stats.params)
        if names != self.table.names or shapes != self.table.shapes:
            self._set_rows(names, shapes)
            self._forget_check()  # it was about another model
        for row, p in enumerate(stats.params):
            self.table.set_number_cells(row, p)
        if self._resize_pending:
            self._resize_pending = False
            self.table.fit_columns()
        self._request_charts()
        self._update_status()

    def _set_rows(self, names: tuple[str, ...], shapes: tuple[tuple[int, ...], ...]) -> None:
        """Create the table's items once per set of parameters; later updates only set text."""
        self._selected = self.table.set_rows(names, shapes, self._selected)
        self._apply_divergence_highlight()
        self._resize_pending = bool(names)  # once the first numbers are in
        self.table.updateGeometry()  # its height follows the number of rows

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
        self.charts_page.draw_norms(self._history)
        self.chart_pacer.frame_done(time.perf_counter() - started)

    def _draw_selected(self) -> None:
        stats = self._shown
        if stats is None:
            return
        p = next((q for q in stats.params if q.name == self._selected), None)
        if p is not None:
            self.charts_page.draw_parameter(p)

    def _apply_divergence_highlight(self) -> None:
        self.table.mark_diverged_row(self.highlighted_row())

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

    @Slot()
    def _on_check_button_clicked(self) -> None:
        self.gradientCheckRequested.emit()

    @Slot()
    def _on_table_selection_changed(self) -> None:
        indexes = self.table.selectionModel().selectedIndexes()
        if not indexes:
            return
        row = indexes[0].row()
        if 0 <= row < len(self.table.names):
            self._selected = self.table.names[row]
            self._draw_selected()
            self.charts_page.style_norm_curves(self._selected)

    @Slot(bool)
    def _on_values_button_toggled(self, _checked: bool) -> None:
        self._draw_selected()
