"""The parameter table: one row per parameter tensor, its norms, gradient spread and check result."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QSizePolicy, QTableWidget, QTableWidgetItem

from ...core.gradstats import ParamStats
from . import texts
from .formatting import format_sci, format_shape

if TYPE_CHECKING:  # the gradient check runs in the worker: its types only here
    from ...core.gradcheck import ParamCheck

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
#: Rows the table keeps in view when the panel is short (more scroll); it grows to show
#: up to MAX_TABLE_ROWS (the largest model: two weights, two biases) when there is room.
MIN_TABLE_ROWS = 2
MAX_TABLE_ROWS = 4
DIVERGED_BRUSH = QBrush(QColor(255, 120, 120, 110))
#: The update column after a single step (F10): what that step changed.
STEP_BRUSH = QBrush(QColor(255, 214, 64, 120))


class ParameterTable(QTableWidget):
    """A row per parameter tensor, as tall as its rows (up to MAX_TABLE_ROWS).

    It shrinks to MIN_TABLE_ROWS if need be: a table's default size hint ignores its rows;
    this one lets the panel give the charts every pixel the table does not need.  Room for
    a horizontal scroll bar is always kept, as a narrow panel shows one.

    The rows' names and shapes are :attr:`names` and :attr:`shapes`; the items are made
    once per set of parameters (:meth:`set_rows`), later updates only set their text.
    """

    def __init__(self) -> None:
        super().__init__(0, len(COLUMNS))
        self.names: tuple[str, ...] = ()
        self.shapes: tuple[tuple[int, ...], ...] = ()
        #: True after a single step (F10): the update column shows what that step changed.
        self.step_highlight = False
        self.setAccessibleName(QCoreApplication.translate("GradientInspector", "Gradient statistics"))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.setAlternatingRowColors(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(False)
        self.setColumnHidden(COL["check"], True)
        self.setColumnHidden(COL["autograd"], True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.retranslate_headers()

    # -- size ---------------------------------------------------------------
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

    def fit_columns(self) -> None:
        self.resizeColumnsToContents()
        # Fitted to the first numbers only, a column would cut later, longer ones to "…".
        widest = self.fontMetrics().horizontalAdvance(WIDEST_NUMBER) + NUMBER_PADDING_PX
        for key in NUMBER_COLUMNS:
            if self.columnWidth(COL[key]) < widest:
                self.setColumnWidth(COL[key], widest)

    # -- contents -----------------------------------------------------------
    def retranslate_headers(self) -> None:
        headers = texts.column_headers()
        for key, (text, tip) in headers.items():
            item = QTableWidgetItem(text)
            item.setToolTip(tip)
            self.setHorizontalHeaderItem(COL[key], item)
        self.column_tips = {key: tip for key, (_, tip) in headers.items()}

    def set_rows(self, names: tuple[str, ...], shapes: tuple[tuple[int, ...], ...], selected: str) -> str:
        """Make the rows' items and select ``selected``, or the first row if it is not among them.

        Returns the name selected ("" without rows).  No selection signal is emitted.
        """
        self.names, self.shapes = names, shapes
        self.blockSignals(True)
        try:
            self.clearContents()
            self.setRowCount(len(names))
            for row, (name, shape) in enumerate(zip(names, shapes, strict=True)):
                for key in COLUMNS:
                    item = QTableWidgetItem()
                    item.setToolTip(self.column_tips[key])
                    if key in NUMBER_COLUMNS or key in ("check", "autograd"):
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    self.setItem(row, COL[key], item)
                self.item(row, COL["name"]).setText(name)
                self.item(row, COL["shape"]).setText(format_shape(shape))
            if names:
                if selected not in names:
                    selected = names[0]
                self.selectRow(names.index(selected))
            else:
                selected = ""
        finally:
            self.blockSignals(False)
        return selected

    def set_number_cells(self, row: int, p: ParamStats) -> None:
        for key in NUMBER_COLUMNS:
            value = float(getattr(p, key))
            item = self.item(row, COL[key])
            item.setData(VALUE_ROLE, value)
            item.setText(format_sci(value))
        item = self.item(row, COL["update_ratio"])
        tip = texts.update_ratio_tooltip(self.column_tips["update_ratio"], p.update_ratio)
        if tip is not None:
            item.setToolTip(tip)
        item.setBackground(STEP_BRUSH if self.step_highlight else QBrush())

    def set_check_cells(self, row: int, check: ParamCheck | None) -> None:
        item = self.item(row, COL["check"])
        auto = self.item(row, COL["autograd"])
        if check is None:
            item.setText("")
            auto.setText("")
            return
        rel = check.rel_error
        grade = texts.grade_word(check.grade)
        item.setText(grade if math.isnan(rel) else f"{format_sci(rel)} {grade}")
        item.setData(VALUE_ROLE, rel)
        item.setForeground(QBrush(texts.grade_colour(check.grade)))
        item.setToolTip(texts.check_tooltip(check))
        if check.autograd_rel_diff is None:
            auto.setText("")
        else:
            auto.setText(format_sci(check.autograd_rel_diff))
            auto.setData(VALUE_ROLE, check.autograd_rel_diff)
            auto.setToolTip(self.column_tips["autograd"])

    def show_check_columns(self, shown: bool, autograd: bool = False) -> None:
        """Show the gradient-check column (and the hand-vs-autograd one), fitted to their text."""
        self.setColumnHidden(COL["check"], not shown)
        self.setColumnHidden(COL["autograd"], not (shown and autograd))
        if shown:
            self.resizeColumnToContents(COL["check"])
            if autograd:
                self.resizeColumnToContents(COL["autograd"])

    # -- highlights ---------------------------------------------------------
    def mark_diverged_row(self, target: int) -> None:
        """Colour row ``target`` as the first to go non-finite; -1 clears the mark."""
        for row in range(self.rowCount()):
            brush = DIVERGED_BRUSH if row == target else QBrush()
            for col in range(self.columnCount()):
                item = self.item(row, col)
                if item is not None:
                    item.setBackground(brush)

    def set_step_highlight(self, on: bool) -> None:
        self.step_highlight = on
        column = COL["update_ratio"]
        for row in range(self.rowCount()):
            item = self.item(row, column)
            if item is not None:
                item.setBackground(STEP_BRUSH if on else QBrush())
