"""The Step-through tab: one training step of the current configuration, one line at a time.

The lesson's NumPy code for the step is listed on the left with the current line
highlighted; Next / Back (or the arrow keys, Page Up / Page Down) move through the
forward pass, the backward pass and the update.  On the right: what the line does in
words and in symbols, the tensor's shape, its values (a table when small, a heat map
with a colour bar when large, the value under the cursor shown below it) and, for every
gradient, PyTorch autograd's value for the same tensor beside it with the largest
difference.  *Small sizes* switches to N=4, D_in=3, H=5, D_out=2 in one click.

The stages come from :func:`playground.core.step_through.step_through`, computed on
the GUI thread when the tab is shown (a few milliseconds at small sizes, about 0.2 s at
the lesson's); the view follows the window's configuration through :meth:`set_config`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6 import QtWidgets  # noqa: F401  (first, so pyqtgraph binds to PySide6)
from PySide6.QtCore import QCoreApplication, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QColor, QKeySequence, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

import pyqtgraph as pg  # isort: skip

from ..core.config import ConfigError, TrainConfig, estimated_bytes
from ..core.step_through import SMALL_SIZES, Stage, StepThrough, small_config, step_through
from .code_view import monospace_font

#: Largest matrix shown as a table (rows x columns); larger ones as a heat map.
TABLE_MAX_ROWS = 12
TABLE_MAX_COLS = 12
#: Largest run (estimated bytes) the tab steps through on the GUI thread.
MAX_BYTES = 256 << 20
PART_TITLES = {"forward": "Forward pass", "backward": "Backward pass", "update": "Update"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("StepThrough", text)


def as_matrix(a: np.ndarray) -> np.ndarray:
    """A stage's value as rows x columns: a number as 1 x 1, a vector as one row."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 0:
        return a.reshape(1, 1)
    if a.ndim == 1:
        return a.reshape(1, -1)
    return a


def fits_table(shape: tuple[int, ...]) -> bool:
    rows, cols = as_matrix(np.empty(shape)).shape
    return rows <= TABLE_MAX_ROWS and cols <= TABLE_MAX_COLS


def code_listing(result: StepThrough) -> tuple[list[str], list[int]]:
    """The step's code with a comment above each part, and the line of each stage in it."""
    lines: list[str] = []
    where: list[int] = []
    part = ""
    for stage in result.stages:
        if stage.part != part:
            if lines:
                lines.append("")
            part = stage.part
            lines.append("# " + _tr(PART_TITLES[part]))
        where.append(len(lines))
        lines.append(stage.code)
    return lines, where


class ValueTable(QTableWidget):
    """A small matrix, every entry written out."""

    def show_matrix(self, m: np.ndarray) -> None:
        rows, cols = m.shape
        self.setRowCount(rows)
        self.setColumnCount(cols)
        # Numbered from 0, as NumPy and torch index them.
        self.setVerticalHeaderLabels([str(r) for r in range(rows)])
        self.setHorizontalHeaderLabels([str(c) for c in range(cols)])
        for r in range(rows):
            for c in range(cols):
                item = self.item(r, c)
                if item is None:
                    item = QTableWidgetItem()
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    self.setItem(r, c, item)
                item.setText(f"{m[r, c]:.6g}")
                item.setData(Qt.ItemDataRole.UserRole, float(m[r, c]))
        self.resizeColumnsToContents()


class HeatMaps(pg.GraphicsLayoutWidget):
    """One heat map, or two side by side (by hand | autograd), sharing a colour bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plots = [self.addPlot(row=0, col=0), self.addPlot(row=0, col=1)]
        self.images = [pg.ImageItem(axisOrder="row-major"), pg.ImageItem(axisOrder="row-major")]
        for plot, image in zip(self.plots, self.images, strict=True):
            plot.invertY(True)  # row 0 at the top, as a matrix is written
            plot.addItem(image)
            plot.setLabel("left", _tr("row"))
            plot.setLabel("bottom", _tr("column"))
        self.color_bar = pg.ColorBarItem(values=(-1.0, 1.0), colorMap=pg.colormap.get("CET-D1"),
                                         interactive=False, width=12, colorMapMenu=False)
        self.addItem(self.color_bar, row=0, col=2)
        self.matrices: list[np.ndarray | None] = [None, None]
        self.hover_text = ""
        self.hovered = QLabel(self)  # set by the owner: the read-out under the maps
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)

    def show_matrices(self, value: np.ndarray, reference: np.ndarray | None, titles: tuple[str, str]) -> None:
        finite = [m[np.isfinite(m)] for m in (value, reference) if m is not None]
        level = max((float(np.max(np.abs(f))) for f in finite if f.size), default=1.0) or 1.0
        self.matrices = [value, reference]
        for i, m in enumerate(self.matrices):
            plot, image = self.plots[i], self.images[i]
            if m is None:
                plot.hide()
                image.clear()
                continue
            plot.show()
            image.setImage(np.nan_to_num(m, nan=0.0, posinf=level, neginf=-level), autoLevels=False,
                           levels=(-level, level))
            plot.setTitle(titles[i])
        self.color_bar.setImageItem([img for img, m in zip(self.images, self.matrices, strict=True)
                                     if m is not None])
        self.color_bar.setLevels((-level, level))

    def value_at(self, index: int, x: float, y: float) -> tuple[int, int, float] | None:
        """(row, column, value) of map ``index`` at image coordinates (x, y), or None outside."""
        m = self.matrices[index]
        if m is None:
            return None
        col, row = int(math.floor(x)), int(math.floor(y))
        if 0 <= row < m.shape[0] and 0 <= col < m.shape[1]:
            return row, col, float(m[row, col])
        return None

    @Slot(object)
    def _on_mouse_moved(self, pos) -> None:
        for i, plot in enumerate(self.plots):
            if self.matrices[i] is None or not plot.sceneBoundingRect().contains(pos):
                continue
            p = plot.vb.mapSceneToView(pos)
            found = self.value_at(i, p.x(), p.y())
            if found is not None:
                row, col, v = found
                self.hover_text = _tr("[{0}, {1}] = {2}").format(row, col, f"{v:.6g}")
                self.hovered.setText(self.hover_text)
                return


class StepThroughView(QWidget):
    """The Step-through tab (see the module docstring)."""

    def __init__(self, config: TrainConfig | None = None, parent: QWidget | None = None,
                 compute: Callable[[TrainConfig, Callable[[bool, Any], None]], None] | None = None) -> None:
        """``compute(cfg, done)``: work the step out elsewhere (the window asks its training
        worker, so that its own process never loads torch) and call ``done(ok, result or
        exception)``; without it the step is worked out here, at once."""
        super().__init__(parent)
        self.setAccessibleName(self.tr("Step-through"))
        self._config = config or TrainConfig()
        self._compute = compute
        self.result: StepThrough | None = None
        self.index = 0
        self._stale = True
        self._line_of_stage: list[int] = []
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(150)
        self._refresh.timeout.connect(self.recompute)
        self._build_ui()

    # -- construction -------------------------------------------------------
    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.config_label = QLabel()
        self.config_label.setWordWrap(True)
        self.config_label.setAccessibleName(self.tr("Step-through configuration"))
        bar.addWidget(self.config_label, 1)
        self.small_button = QPushButton(self.tr("Small sizes"))
        self.small_button.setCheckable(True)
        self.small_button.setAccessibleName(self.tr("Small sizes"))
        self.small_button.setToolTip(self.tr("Step through N={0}, D_in={1}, H={2}, D_out={3}: every value fits "
                                             "in a table. The window's other settings stay.")
                                     .format(SMALL_SIZES["N"], SMALL_SIZES["D_in"], SMALL_SIZES["H"],
                                             SMALL_SIZES["D_out"]))
        self.small_button.toggled.connect(self._on_small_toggled)
        bar.addWidget(self.small_button)
        self.back_button = QPushButton(self.tr("Back"))
        self.back_button.setAccessibleName(self.tr("Back"))
        self.back_button.setToolTip(self.tr("The previous line (Left arrow or Page Up)"))
        self.back_button.clicked.connect(self.back)
        bar.addWidget(self.back_button)
        self.next_button = QPushButton(self.tr("Next"))
        self.next_button.setAccessibleName(self.tr("Next"))
        self.next_button.setToolTip(self.tr("The next line (Right arrow or Page Down)"))
        self.next_button.clicked.connect(self.next)
        bar.addWidget(self.next_button)
        layout.addLayout(bar)
        for keys, slot in (((QKeySequence(Qt.Key.Key_Right), QKeySequence(Qt.Key.Key_PageDown)), self.next),
                           ((QKeySequence(Qt.Key.Key_Left), QKeySequence(Qt.Key.Key_PageUp)), self.back)):
            action = QAction(self)
            action.setShortcuts(list(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.code = QPlainTextEdit()
        self.code.setReadOnly(True)
        self.code.setFont(monospace_font())
        self.code.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.code.setAccessibleName(self.tr("Step-through code"))
        self.code.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the arrow keys step, not move a cursor
        self.code.viewport().installEventFilter(self)
        code_side = QWidget()
        c_layout = QVBoxLayout(code_side)
        c_layout.setContentsMargins(0, 0, 0, 0)
        c_layout.addWidget(self.code, 1)
        self.style_label = QLabel()
        self.style_label.setWordWrap(True)
        self.style_label.setAccessibleName(self.tr("How the style computes it"))
        c_layout.addWidget(self.style_label)
        splitter.addWidget(code_side)

        right = QWidget()
        r_layout = QVBoxLayout(right)
        r_layout.setContentsMargins(0, 0, 0, 0)
        self.title_label = QLabel()
        self.title_label.setAccessibleName(self.tr("Stage"))
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        r_layout.addWidget(self.title_label)
        self.words_label = QLabel()
        self.words_label.setWordWrap(True)
        self.words_label.setAccessibleName(self.tr("What the line does"))
        r_layout.addWidget(self.words_label)
        self.formula_label = QLabel()
        self.formula_label.setWordWrap(True)
        self.formula_label.setAccessibleName(self.tr("Formula"))
        self.formula_label.setFont(monospace_font())
        r_layout.addWidget(self.formula_label)
        self.shape_label = QLabel()
        self.shape_label.setAccessibleName(self.tr("Shape"))
        r_layout.addWidget(self.shape_label)

        self.values = QStackedWidget()
        self.tables_page = QWidget()
        t_layout = QHBoxLayout(self.tables_page)
        t_layout.setContentsMargins(0, 0, 0, 0)
        self.value_table = ValueTable()
        self.value_table.setAccessibleName(self.tr("Values"))
        self.reference_table = ValueTable()
        self.reference_table.setAccessibleName(self.tr("Autograd's values"))
        self.value_caption = QLabel(self.tr("By hand (NumPy)"))
        self.reference_caption = QLabel()
        for caption, table in ((self.value_caption, self.value_table),
                               (self.reference_caption, self.reference_table)):
            column = QVBoxLayout()
            column.addWidget(caption)
            column.addWidget(table, 1)
            t_layout.addLayout(column, 1)
        self.values.addWidget(self.tables_page)
        self.heat_page = QWidget()
        h_layout = QVBoxLayout(self.heat_page)
        h_layout.setContentsMargins(0, 0, 0, 0)
        self.heat_maps = HeatMaps()
        self.heat_maps.setAccessibleName(self.tr("Values as a heat map"))
        h_layout.addWidget(self.heat_maps, 1)
        self.hover_label = QLabel(self.tr("Point at the heat map to read a value."))
        self.hover_label.setAccessibleName(self.tr("Value under the cursor"))
        self.heat_maps.hovered = self.hover_label
        h_layout.addWidget(self.hover_label)
        self.values.addWidget(self.heat_page)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setAccessibleName(self.tr("Step-through message"))
        self.values.addWidget(self.message)
        r_layout.addWidget(self.values, 1)
        self.difference_label = QLabel()
        self.difference_label.setWordWrap(True)
        self.difference_label.setAccessibleName(self.tr("Largest difference"))
        r_layout.addWidget(self.difference_label)
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.note_label.setAccessibleName(self.tr("Note"))
        r_layout.addWidget(self.note_label)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([420, 680])  # the longest line of code fits
        layout.addWidget(splitter, 1)

    # -- configuration --------------------------------------------------------
    def config(self) -> TrainConfig:
        """The configuration stepped through: the window's, or its small version."""
        return small_config(self._config) if self.small_button.isChecked() else self._config

    @Slot(object)
    def set_config(self, cfg: TrainConfig) -> None:
        """Follow the window's configuration (recomputed when shown)."""
        if cfg == self._config:
            return
        self._config = cfg
        self._invalidate()

    @Slot(bool)
    def _on_small_toggled(self, _on: bool) -> None:
        self._invalidate()

    def _invalidate(self) -> None:
        self._stale = True
        if self.isVisible():
            self._refresh.start()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._stale:
            self._refresh.start(0)

    @Slot()
    def recompute(self) -> None:
        """Compute the stages of :meth:`config` now and show the line the student was on."""
        self._refresh.stop()
        self._stale = False
        try:
            cfg = self.config()
        except ConfigError as exc:
            self._show_message(self.tr("Cannot step through this configuration: {0}").format(exc))
            return
        self.config_label.setText(self.tr("One training step of style {0}, N={1}, D_in={2}, H={3}, D_out={4}, "
                                          "activation {5}, loss {6}, optimizer {7}, lr {8}")
                                  .format(cfg.style, cfg.N, cfg.D_in, cfg.H, cfg.D_out, cfg.activation,
                                          cfg.loss, cfg.optimizer, f"{cfg.lr:g}"))
        if estimated_bytes(cfg) > MAX_BYTES:
            self._show_message(self.tr("These sizes are too large to step through here: press Small sizes."))
            return
        previous = self.result.stages[self.index].name if self.result is not None else None
        if self._compute is not None:
            self._show_message(self.tr("Working out the step…"))
            self._compute(cfg, lambda ok, value: self._computed(cfg, previous, ok, value))
            return
        try:
            result = step_through(cfg)
        except Exception as exc:  # noqa: BLE001 - a data file that went away, a bad size: say it
            result = exc
        self._computed(cfg, previous, not isinstance(result, Exception), result)

    def _computed(self, cfg: TrainConfig, previous: str | None, ok: bool, value: Any) -> None:
        """Show the stages worked out for ``cfg`` (a result for an older configuration is dropped)."""
        if self._stale or cfg != self.config():
            return
        if not ok:
            self._show_message(self.tr("Cannot step through this configuration: {0}").format(value))
            return
        self.result = value
        self.style_label.setText(self._style_text(cfg))
        lines, self._line_of_stage = code_listing(self.result)
        self.code.setPlainText("\n".join(lines))
        names = self.result.names()
        self.show_stage(names.index(previous) if previous in names else 0)

    def _style_text(self, cfg: TrainConfig) -> str:
        """How the chosen style does what the listing writes out by hand."""
        if cfg.style == "numpy":
            return self.tr("The NumPy style runs exactly these lines. Beside each value: PyTorch autograd's "
                           "for the same numbers.")
        if cfg.style == "tensors":
            return self.tr("The raw-tensor style writes the forward pass with x.mm(w1); loss.backward() does "
                           "the whole backward pass, and autograd's values are shown beside each line.")
        return self.tr("The {0} style runs y_pred = model(x) and loss.backward(); nn.Linear keeps its weight "
                       "as (out, in), so w1 here is linear1.weight.T.").format(cfg.style)

    def _show_message(self, text: str) -> None:
        self.result = None
        self.code.clear()
        for label in (self.style_label, self.title_label, self.words_label, self.formula_label, self.shape_label,
                      self.difference_label, self.note_label):
            label.clear()
        self.message.setText(text)
        self.values.setCurrentWidget(self.message)
        self._update_buttons()

    # -- moving ------------------------------------------------------------------
    @Slot()
    def next(self) -> None:
        if self.result is not None and self.index + 1 < len(self.result.stages):
            self.show_stage(self.index + 1)

    @Slot()
    def back(self) -> None:
        if self.result is not None and self.index > 0:
            self.show_stage(self.index - 1)

    def current_stage(self) -> Stage | None:
        return None if self.result is None else self.result.stages[self.index]

    def highlighted_line(self) -> str:
        """The text of the highlighted code line ("" when none)."""
        sels = self.code.extraSelections()
        return sels[0].cursor.block().text() if sels else ""

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        # A click on a line of code jumps to its stage.
        if obj is self.code.viewport() and event.type() == event.Type.MouseButtonRelease:
            line = self.code.cursorForPosition(event.position().toPoint()).blockNumber()
            if line in self._line_of_stage:
                self.show_stage(self._line_of_stage.index(line))
        return super().eventFilter(obj, event)

    def show_stage(self, index: int) -> None:
        assert self.result is not None
        self.index = index
        s = self.result.stages[index]
        self._highlight(self._line_of_stage[index])
        part = _tr(PART_TITLES[s.part])
        self.title_label.setText(self.tr("{0} {1} of {2}: {3}").format(part, index + 1,
                                                                       len(self.result.stages), s.name))
        self.words_label.setText(s.words)
        self.formula_label.setText(s.symbols)
        self.shape_label.setText(self.tr("shape {0}").format(
            "()" if not s.shape else "(" + ", ".join(str(d) for d in s.shape) + ")"))
        value = as_matrix(s.value)
        reference = None if s.reference is None else as_matrix(s.reference)
        who = self.tr("Autograd ({0})") if s.reference_kind == "autograd" else self.tr("PyTorch ({0})")
        ref_title = who.format(s.reference_code) if reference is not None else ""
        if fits_table(s.shape):
            self.value_table.show_matrix(value)
            self.reference_caption.setText(ref_title)
            self.reference_caption.setVisible(reference is not None)
            self.reference_table.setVisible(reference is not None)
            if reference is not None:
                self.reference_table.show_matrix(reference)
            self.values.setCurrentWidget(self.tables_page)
        else:
            self.heat_maps.show_matrices(value, reference, (self.tr("By hand (NumPy)"), ref_title))
            self.values.setCurrentWidget(self.heat_page)
        self.difference_label.setText(self._difference_text(s))
        self.note_label.setText(s.note)
        self.note_label.setVisible(bool(s.note))
        self._update_buttons()

    def _difference_text(self, s: Stage) -> str:
        if s.max_abs_diff is None:
            return ""
        if not math.isfinite(s.max_abs_diff):
            return self.tr("Not every value is finite: the difference cannot be taken.")
        scale = float(np.max(np.abs(s.value))) if s.value.size else 0.0
        rel = s.max_abs_diff / scale if scale > 0 else 0.0
        if s.reference_kind == "autograd":
            text = self.tr("Largest difference from autograd: {0} ({1} of the largest value): float rounding.")
        else:
            text = self.tr("Largest difference from PyTorch: {0} ({1} of the largest value).")
        return text.format(f"{s.max_abs_diff:.3g}", f"{rel:.1e}")

    def _highlight(self, line: int) -> None:
        block = self.code.document().findBlockByNumber(line)
        sel = QTextEdit.ExtraSelection()
        fmt = QTextCharFormat()
        fmt.setBackground(QColor("#fff4c2"))
        fmt.setProperty(QTextFormat.Property.FullWidthSelection, True)
        sel.format = fmt
        cursor = QTextCursor(block)
        sel.cursor = cursor
        self.code.setExtraSelections([sel])
        self.code.setTextCursor(cursor)
        self.code.ensureCursorVisible()

    def _update_buttons(self) -> None:
        n = 0 if self.result is None else len(self.result.stages)
        self.back_button.setEnabled(n > 0 and self.index > 0)
        self.next_button.setEnabled(n > 0 and self.index + 1 < n)
