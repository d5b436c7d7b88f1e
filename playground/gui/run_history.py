"""The session's runs as a table: show or hide each on the plot, rename, delete.

The table lists every run of the window's :class:`~playground.core.runs.Runs`
(the plot draws only the most recent ones).  :class:`RunsTableModel` adapts the
Runs to Qt's item views: it follows the Runs' events row by row (a run added,
removed or changed), or all at once when many runs come or go together, and
computes a cell's text only when the view asks for it, so a session of thousands
of runs costs the table what its visible rows cost.  A tick, a new name or a
deletion made in the table changes the Run; the plot follows through the same
events.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Slot,
)
from PySide6.QtGui import QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.outcomes import DIVERGED, OUTCOME_LABELS, UNKNOWN_OUTCOME
from ..core.runs import APPENDED, CHANGED, INSERTED, REMOVED, Run, Runs, lr_text
from .loss_plot import MAX_RUNS, LossPlot

#: Rows the table looks at to size its columns to their contents: enough to size them, and
#: a bounded cost with thousands of runs (Qt's default, 1000, asks each cell of 1000 rows).
SIZE_ROWS = 200


def outcome_words(outcome: str) -> str:
    """How a run ended (one of core.outcomes.OUTCOMES), in the interface's language."""
    return QCoreApplication.translate("Outcome", OUTCOME_LABELS[outcome])


# The table's texts are filed under the RunHistoryPanel context (where they always were), written
# out in each QCoreApplication.translate call so that lupdate finds them.
# Marked for lupdate, translated in the RunHistoryPanel context (hence the literal).
COLUMNS = [
    QT_TRANSLATE_NOOP("RunHistoryPanel", "name"),
    QT_TRANSLATE_NOOP("RunHistoryPanel", "style"),
    QT_TRANSLATE_NOOP("RunHistoryPanel", "optimizer"),
    QT_TRANSLATE_NOOP("RunHistoryPanel", "lr"),
    QT_TRANSLATE_NOOP("RunHistoryPanel", "steps"),
    QT_TRANSLATE_NOOP("RunHistoryPanel", "final loss"),
    QT_TRANSLATE_NOOP("RunHistoryPanel", "steps/s"),
    QT_TRANSLATE_NOOP("RunHistoryPanel", "duration"),
    QT_TRANSLATE_NOOP("RunHistoryPanel", "result"),
]
NAME_COLUMN = 0
STEPS_COLUMN = 4
LOSS_COLUMN = 5
RESULT_COLUMN = len(COLUMNS) - 1


def _fmt_loss(v: float | None) -> str:
    if v is None:
        return "–"
    return f"{v:.4g}" if math.isfinite(v) else str(v)


def _checked(value: Any) -> bool:
    """Whether a check state handed to setData (an enum or its number) is "checked"."""
    return value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value)


class RunsTableModel(QAbstractTableModel):
    """Every run of a :class:`Runs`, one row each, in the Runs' order."""

    def __init__(self, runs: Runs, plot: LossPlot | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runs = runs
        self.plot = plot  # says which runs are drawn
        self._rows: list[Run] = list(runs)  # the order the view knows, until the model says otherwise
        self._row_of: dict[Run, int] | None = None  # made when first needed after the rows change
        runs.subscribe(self._on_runs_changed)

    def run_at(self, row: int) -> Run:
        return self._rows[row]

    def _row(self, run: Run) -> int | None:
        if self._row_of is None:
            self._row_of = {r: i for i, r in enumerate(self._rows)}
        return self._row_of.get(run)

    # -- following the Runs ----------------------------------------------------------
    def _on_runs_changed(self, kind: str, run: Run | None) -> None:
        row = self._row(run) if run is not None else None
        if kind == APPENDED:  # a batch: its steps and last loss
            if row is not None:
                self.dataChanged.emit(self.index(row, STEPS_COLUMN), self.index(row, LOSS_COLUMN))
            return
        if kind == INSERTED and run is not None and len(self._rows) + 1 == len(self.runs) and self.runs[-1] is run:
            end = len(self._rows)
            self.beginInsertRows(QModelIndex(), end, end)
            self._rows.append(run)
            self._row_of = None
            self.endInsertRows()
        elif kind == REMOVED and row is not None and len(self._rows) - 1 == len(self.runs):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self._row_of = None
            self.endRemoveRows()
        elif kind == CHANGED and row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        else:  # many runs at once (opened, cleared), or anything unforeseen: read them all again
            self.beginResetModel()
            self._rows = list(self.runs)
            self._row_of = None
            self.endResetModel()
            return
        # Which runs the plot draws may have changed with it: the names say so (font, tooltip).
        if self._rows:
            self.dataChanged.emit(self.index(0, NAME_COLUMN), self.index(len(self._rows) - 1, NAME_COLUMN),
                                  [Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ToolTipRole])

    # -- what Qt asks --------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return QCoreApplication.translate("RunHistoryPanel", COLUMNS[section]) if 0 <= section < len(COLUMNS) \
                else None
        return str(section + 1)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        if index.column() == NAME_COLUMN:
            flags |= Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        run, col = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.text(run, col)
        if col == NAME_COLUMN:
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if run.visible else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(run.colour)
            if role in (Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ToolTipRole) and self._ticked_not_drawn(run):
                if role == Qt.ItemDataRole.ToolTipRole:
                    return QCoreApplication.translate(
                        "RunHistoryPanel", "Ticked, but not drawn: the plot shows the current run and the {0} most "
                        "recent ticked runs. Untick later runs to draw this one.").format(MAX_RUNS)
                font = QFont()
                font.setItalic(True)
                return font
        if (col == RESULT_COLUMN and role == Qt.ItemDataRole.ToolTipRole and run.outcome == UNKNOWN_OUTCOME
                and run is not self.runs.current):
            return QCoreApplication.translate("RunHistoryPanel", "How this run ended was not saved with it.")
        return None

    def _ticked_not_drawn(self, run: Run) -> bool:
        return self.plot is not None and run.visible and not self.plot.is_drawn(run)

    def text(self, run: Run, column: int) -> str:
        """What the table shows of ``run`` in ``column``."""
        cfg = run.config
        if column == NAME_COLUMN:
            return run.name
        if column == 1:
            return cfg.style
        if column == 2:
            return cfg.optimizer
        if column == 3:
            return lr_text(cfg.lr, run.lr_changes)
        if column == STEPS_COLUMN:
            return f"{len(run.history):,}"
        if column == LOSS_COLUMN:
            return _fmt_loss(run.history.last)
        if column == 6:
            return f"{run.steps_per_s:,.0f}" if run.steps_per_s else "–"
        if column == 7:
            return f"{run.elapsed_s:.1f} s" if run.elapsed_s else "–"
        return self.outcome_text(run)

    def outcome_text(self, run: Run) -> str:
        """How ``run`` ended, in words: "completed", "diverged at step 12", ... ("running" while live)."""
        if run is self.runs.current:
            return QCoreApplication.translate("RunHistoryPanel", "running")
        if run.outcome == DIVERGED and run.diverged_step is not None:
            return QCoreApplication.translate("RunHistoryPanel", "diverged at step {0}").format(run.diverged_step)
        if run.outcome in OUTCOME_LABELS:
            return outcome_words(run.outcome)
        states = {"running": QCoreApplication.translate("RunHistoryPanel", "running"),  # not ended
                  "paused": QCoreApplication.translate("RunHistoryPanel", "paused")}
        return states.get(run.outcome, run.outcome)

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,  # noqa: N802 - Qt API
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        """A tick shows or hides the run, a new name renames it: the Runs change, and say so."""
        if not index.isValid() or index.column() != NAME_COLUMN or index.row() >= len(self._rows):
            return False
        run = self._rows[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole:
            self.runs.set_visible(run, _checked(value))
            return True
        if role == Qt.ItemDataRole.EditRole:
            name = str(value).strip()
            if name and name != run.name:
                self.runs.rename(run, name)
            return bool(name)
        return False


class RunHistoryPanel(QWidget):
    """A table of every run in the store, with a button to delete the selected ones.

    ``plot`` is asked only which runs it draws (a ticked run it leaves out is marked).
    """

    def __init__(self, runs: Runs, plot: LossPlot, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = plot
        self.runs = runs
        self.model = RunsTableModel(runs, plot, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        # The name of the tab it fills, as the window writes it.
        self.table.setAccessibleName(QCoreApplication.translate("MainWindow", "Runs"))
        # Columns fitted to their contents when rows come, go or are renamed, and the table is
        # seen (else when it is shown next), not by the header's ResizeToContents mode: that
        # measured SIZE_ROWS rows of every column again at each change of any cell, so 20 times
        # a second while a run trains, on the GUI thread the training shares.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setResizeContentsPrecision(SIZE_ROWS)
        header.setStretchLastSection(True)
        self._columns_fitted = False
        self.model.modelReset.connect(self._on_rows_changed)
        self.model.rowsInserted.connect(self._on_rows_changed)
        self.model.rowsRemoved.connect(self._on_rows_changed)
        self.model.dataChanged.connect(self._on_cells_changed)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.setToolTip(self.tr("Tick a run to show it on the plot; double-click its name to rename it."))
        self.delete_button = QPushButton(self.tr("Delete selected"), self)
        self.delete_button.setToolTip(self.tr("Remove the selected runs from the plot and this list"))
        self.delete_button.clicked.connect(self.delete_selected)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def outcome_text(self, run: Run) -> str:
        """How ``run`` ended, in words: "completed", "diverged at step 12", ... ("running" while live)."""
        return self.model.outcome_text(run)

    def fit_columns(self) -> None:
        """Size the columns to what they show (the first SIZE_ROWS rows and those in view)."""
        self._columns_fitted = True
        self.table.resizeColumnsToContents()

    @Slot()
    def _on_rows_changed(self) -> None:
        self._columns_fitted = False
        if self.isVisible():
            self.fit_columns()

    @Slot(QModelIndex, QModelIndex, list)
    def _on_cells_changed(self, top_left: QModelIndex, _bottom_right: QModelIndex, roles: list) -> None:
        # A run's texts (a name, a result) may be wider now; a batch's numbers and a name's font are not.
        if top_left.column() == NAME_COLUMN and (not roles or Qt.ItemDataRole.DisplayRole in roles):
            self._on_rows_changed()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._columns_fitted:
            self.fit_columns()

    @Slot()
    def delete_selected(self) -> None:
        """Forget the selected runs, all in one go; the live run is ended with Stop or Reset, not here."""
        rows = {index.row() for index in self.table.selectionModel().selectedIndexes()}
        chosen = [self.model.run_at(row) for row in sorted(rows)]
        self.runs.remove_many(run for run in chosen if run is not self.runs.current)
