"""The session's runs as a table: show or hide each on the plot, rename, delete."""

from __future__ import annotations

import math

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.outcomes import DIVERGED, OUTCOME_LABELS, UNKNOWN_OUTCOME
from .loss_plot import LossPlot, PlotRun, lr_text


def outcome_words(outcome: str) -> str:
    """How a run ended (one of core.outcomes.OUTCOMES), in the interface's language."""
    return QCoreApplication.translate("Outcome", OUTCOME_LABELS[outcome])


# Marked for lupdate, translated in RunHistoryPanel by self.tr (its context, hence the literal).
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
RESULT_COLUMN = len(COLUMNS) - 1


def _fmt_loss(v: float | None) -> str:
    if v is None:
        return "–"
    return f"{v:.4g}" if math.isfinite(v) else str(v)


class RunHistoryPanel(QWidget):
    """A table of the runs on a :class:`LossPlot`, kept in step with it."""

    def __init__(self, plot: LossPlot, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = plot
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
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
        self._rows: list[PlotRun] = []
        self._updating = False
        self.table.itemChanged.connect(self._on_item_changed)
        plot.runsChanged.connect(self.refresh)
        self.refresh()

    def outcome_text(self, run: PlotRun) -> str:
        """How ``run`` ended, in words: "completed", "diverged at step 12", ... ("running" while live)."""
        if run is self.plot.current:
            return self.tr("running")
        if run.outcome == DIVERGED and run.diverged_step is not None:
            return self.tr("diverged at step {0}").format(run.diverged_step)
        if run.outcome in OUTCOME_LABELS:
            return outcome_words(run.outcome)
        states = {"running": self.tr("running"), "paused": self.tr("paused")}  # not ended
        return states.get(run.outcome, run.outcome)

    @Slot()
    def refresh(self) -> None:
        """Rebuild the table from the plot's runs (at most a few dozen rows)."""
        self._updating = True
        runs = list(self.plot.runs)
        self._rows = runs
        self.table.setRowCount(len(runs))
        for row, run in enumerate(runs):
            cfg = run.config
            values = [
                run.name, cfg.style, cfg.optimizer, lr_text(cfg.lr, run.lr_changes), f"{len(run.history):,}",
                _fmt_loss(run.history.last),
                f"{run.steps_per_s:,.0f}" if run.steps_per_s else "–",
                f"{run.elapsed:.1f} s" if run.elapsed else "–",
                self.outcome_text(run),
            ]
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
                if col == 0:
                    flags |= Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsUserCheckable
                    item.setCheckState(Qt.CheckState.Checked if run.visible else Qt.CheckState.Unchecked)
                    item.setForeground(QColor(run.colour))
                elif col == RESULT_COLUMN and run.outcome == UNKNOWN_OUTCOME and run is not self.plot.current:
                    item.setToolTip(self.tr("How this run ended was not saved with it."))
                item.setFlags(flags)
                self.table.setItem(row, col, item)
        self._updating = False

    @Slot(QTableWidgetItem)
    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._updating or item.column() != 0 or item.row() >= len(self._rows):
            return
        run = self._rows[item.row()]
        visible = item.checkState() == Qt.CheckState.Checked
        name = item.text().strip()
        if visible != run.visible:
            self.plot.set_run_visible(run, visible)
        elif name and name != run.name:
            self.plot.rename_run(run, name)

    @Slot()
    def delete_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            run = self._rows[row]
            if run is not self.plot.current:  # the live run is ended with Stop/Reset, not here
                self.plot.remove_run(run)
