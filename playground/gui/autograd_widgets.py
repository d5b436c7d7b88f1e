"""What the Autograd lab's panels share: number tables, code labels, the input-error wording.

Texts here keep the translation context of the class they were written in,
``AutogradLab``: lupdate needs the context and text literally in each translate() call.
"""

from __future__ import annotations

import re

import numpy as np
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ..core import autograd_lab as lab
from ..core.autograd_lab import LabInputError
from .graph_view import format_array

ERROR_STYLE = "color: #b91c1c;"
BAD_FIELD_STYLE = "QLineEdit { background: #fee2e2; }"
BAD_CELL = QColor("#fee2e2")
CELL_RE = re.compile(r"^x\[(\d+)\]\[(\d+)\]$")


def mono_font() -> QFont:
    """The font code and numbers are shown in."""
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.Monospace)
    return font


class MatrixTable(QTableWidget):
    """A small table of numbers sized to its contents; read-only unless ``editable``."""

    def __init__(
        self, rows: int, columns: int, editable: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(rows, columns, parent)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setHorizontalHeaderLabels([str(j) for j in range(columns)])
        self.setVerticalHeaderLabels([str(i) for i in range(rows)])
        if not editable:
            self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
            self.setStyleSheet("QTableWidget { background: palette(window); }")
        for i in range(rows):
            for j in range(columns):
                item = QTableWidgetItem("")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(i, j, item)
        height = (
            self.horizontalHeader().sizeHint().height() + rows * self.verticalHeader().defaultSectionSize()
        )
        self.setFixedHeight(height + 2 * self.frameWidth())
        self.setMinimumWidth(160)
        self.setMaximumWidth(340)

    def set_matrix(self, values: np.ndarray | None) -> None:
        """Show ``values`` (``None`` empties every cell)."""
        for i in range(self.rowCount()):
            for j in range(self.columnCount()):
                text = "" if values is None else format_array(values[i, j])
                self.item(i, j).setText(text)

    def texts(self) -> list[list[str]]:
        return [[self.item(i, j).text() for j in range(self.columnCount())] for i in range(self.rowCount())]


def code_label(text: str, parent: QWidget) -> QLabel:
    """A label showing code in a monospace font, selectable, never squeezed."""
    label = QLabel(text, parent)
    label.setFont(mono_font())
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setFrameShape(QFrame.Shape.StyledPanel)
    label.setStyleSheet("QLabel { padding: 4px; }")
    # never squeezed: a clipped line of code would mislead more than a scroll bar
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    return label


def describe_input_error(err: LabInputError) -> str:
    """A message for the panel that names the cell or field the user must fix."""
    where = err.field
    cell = CELL_RE.match(err.field)
    if cell:
        where = QCoreApplication.translate("AutogradLab", "{0} (row {1}, column {2})").format(
            err.field, int(cell.group(1)) + 1, int(cell.group(2)) + 1
        )
    if err.reason == lab.REASON_NOT_A_NUMBER:
        return QCoreApplication.translate("AutogradLab", "{0}: '{1}' is not a number.").format(
            where, err.text
        )
    if err.reason == lab.REASON_EMPTY and err.text is not None:
        return QCoreApplication.translate("AutogradLab", "{0}: is empty; type a number.").format(where)
    if err.reason == lab.REASON_NOT_FINITE:
        if err.field == "threshold":
            return QCoreApplication.translate(
                "AutogradLab", "threshold: nan is not a usable threshold; type a number or inf."
            )
        return QCoreApplication.translate(
            "AutogradLab", "{0}: must be a finite number (not inf or nan)."
        ).format(where)
    return QCoreApplication.translate("AutogradLab", "{0}: {1}").format(where, err.message)
