"""The Autograd lab tab: the seed lesson's first section, live.

Left, two experiments from the lesson, every number on screen computed by
:mod:`playground.core.autograd_lab` with real autograd:

* the scalar example: an editable 2x2 ``x``, the chain ``y = x + 2``, ``z = 3 y²``,
  ``out = mean(z)``, a Backward button and ``x.grad`` next to the closed form
  ``1.5 (x + 2)``; ``y.grad`` and ``z.grad`` are ``None``, as PyTorch leaves them,
  unless the "retain_grad() on y and z" box makes the example call ``retain_grad()``;
* the vector-Jacobian product: ``y = x * 2`` doubled while ``||y|| < threshold``, then
  ``y.backward(v)``; the lab keeps ``x`` between presses, so gradients accumulate unless
  zeroed, and a second backward on the same graph shows PyTorch's own error unless
  ``retain_graph`` kept the graph.

Right, the scalar example's computation graph (:class:`ComputationGraphView`), drawn
no smaller than the UI font (it scrolls instead) with Zoom in / Zoom out / Fit buttons.
Bad input is reported in the panel, naming the cell or field; never a dialog.
"""

from __future__ import annotations

import re

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core import autograd_lab as lab
from ..core.autograd_lab import LabInputError, ScalarResult, VjpForward, VjpLab, VjpResult
from .graph_view import ComputationGraphView, format_array

ERROR_STYLE = "color: #b91c1c;"
BAD_FIELD_STYLE = "QLineEdit { background: #fee2e2; }"
BAD_CELL = QColor("#fee2e2")
CELL_RE = re.compile(r"^x\[(\d+)\]\[(\d+)\]$")


def _mono() -> QFont:
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


class AutogradLab(QWidget):
    """The Autograd lab tab (scalar example, vector-Jacobian product, graph)."""

    #: Emitted after every successful backward of the scalar example (its result).
    scalarComputed = Signal(object)
    #: Emitted after every press of a VJP backward button (a ``VjpResult``).
    vjpComputed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scalar_result: ScalarResult | None = None
        self.vjp_forward: VjpForward | None = None
        self.vjp_result: VjpResult | None = None
        self.vjp_lab = VjpLab()
        self._build()
        self._compute_scalar(backward=False)
        self._on_vjp_inputs_changed("")
        self.vjp_result_label.setText(self.tr("x.grad: None (press Backward)"))

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        column = QWidget(self)
        col_layout = QVBoxLayout(column)
        col_layout.addWidget(self._build_scalar())
        col_layout.addWidget(self._build_vjp())
        col_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(column)

        graph_box = QGroupBox(self.tr("Computation graph of the scalar example"), self)
        graph_layout = QVBoxLayout(graph_box)
        caption = QLabel(
            self.tr(
                "What autograd recorded while computing out, drawn from x (top) to out (bottom). "
                "Orange boxes are grad_fn operations, blue boxes tensors with their value and "
                "gradient. Arrows show the way backward() walks: from out through each grad_fn "
                "to AccumulateGrad, which writes x.grad."
            ),
            graph_box,
        )
        caption.setWordWrap(True)
        self.graph_view = ComputationGraphView(graph_box)
        self.graph_view.setMinimumSize(260, 300)
        self.graph_view.setAccessibleName(self.tr("Computation graph"))
        graph_layout.addWidget(caption)
        graph_layout.addLayout(self._build_zoom_bar(graph_box))
        graph_layout.addWidget(self.graph_view, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(scroll)
        splitter.addWidget(graph_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def _build_zoom_bar(self, parent: QWidget) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.zoom_in_button = QToolButton(parent)
        self.zoom_in_button.setText(self.tr("Zoom in"))
        self.zoom_in_button.setToolTip(self.tr("Draw the graph larger (Ctrl + wheel up, Ctrl + +)."))
        self.zoom_in_button.clicked.connect(self.graph_view.zoom_in)
        self.zoom_out_button = QToolButton(parent)
        self.zoom_out_button.setText(self.tr("Zoom out"))
        self.zoom_out_button.setToolTip(self.tr("Draw the graph smaller (Ctrl + wheel down, Ctrl + -)."))
        self.zoom_out_button.clicked.connect(self.graph_view.zoom_out)
        self.fit_button = QToolButton(parent)
        self.fit_button.setText(self.tr("Fit"))
        self.fit_button.setToolTip(
            self.tr("Show the whole graph in the view, even if its text gets small (or double-click it).")
        )
        self.fit_button.clicked.connect(self.graph_view.fit)
        self.zoom_label = QLabel(parent)
        self.zoom_label.setToolTip(self.tr("How large the graph is drawn: 100 % is the size of this text."))
        self.graph_view.zoomChanged.connect(self._on_graph_view_zoom_changed)
        for button in (self.zoom_in_button, self.zoom_out_button, self.fit_button):
            button.setAccessibleName(button.text())
            bar.addWidget(button)
        bar.addWidget(self.zoom_label)
        bar.addStretch(1)
        self._on_graph_view_zoom_changed(self.graph_view.zoom())
        return bar

    @Slot(float)
    def _on_graph_view_zoom_changed(self, zoom: float) -> None:
        text = self.tr("Zoom {0} %").format(round(zoom * 100))
        self.zoom_label.setText(text)
        self.zoom_label.setAccessibleName(text)

    def _code_label(self, text: str, parent: QWidget) -> QLabel:
        label = QLabel(text, parent)
        label.setFont(_mono())
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setFrameShape(QFrame.Shape.StyledPanel)
        label.setStyleSheet("QLabel { padding: 4px; }")
        # never squeezed: a clipped line of code would mislead more than a scroll bar
        label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        return label

    def _build_scalar(self) -> QGroupBox:
        box = QGroupBox(self.tr("1. Gradients of a scalar: out.backward()"), self)
        layout = QVBoxLayout(box)
        intro = QLabel(
            self.tr(
                "Type numbers into x and press Backward. autograd records every operation on x "
                "and, going backward from out, computes d out/dx for each element of x."
            ),
            box,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.scalar_code = self._code_label(lab.scalar_code(), box)
        layout.addWidget(self.scalar_code)

        grid = QGridLayout()
        self.x_table = MatrixTable(2, 2, editable=True, parent=box)
        self.x_table.setToolTip(
            self.tr(
                "x: the leaf tensor (float64, requires_grad=True). Double-click a cell and type any "
                "number; every value below is recomputed at once."
            )
        )
        for i, row in enumerate(lab.DEFAULT_SCALAR_X):
            for j, value in enumerate(row):
                self.x_table.item(i, j).setText(format_array(value))
        self.x_table.itemChanged.connect(self._on_x_item_changed)

        self.y_table = MatrixTable(2, 2, parent=box)
        self.y_table.setToolTip(self.tr("y = x + 2, element by element (grad_fn: AddBackward0)."))
        self.z_table = MatrixTable(2, 2, parent=box)
        self.z_table.setToolTip(self.tr("z = y * y * 3 = 3 y², element by element (grad_fn: MulBackward0)."))
        self.out_label = QLabel(box)
        self.out_label.setFont(_mono())
        self.out_label.setToolTip(
            self.tr(
                "out = z.mean(): one number, the average of the elements of z. backward() needs a scalar."
            )
        )
        rows = [
            (self.tr("x ="), self.x_table),
            (self.tr("y = x + 2"), self.y_table),
            (self.tr("z = y * y * 3"), self.z_table),
            (self.tr("out = z.mean()"), self.out_label),
        ]
        for r, (text, widget) in enumerate(rows):
            name = QLabel(text, box)
            name.setFont(_mono())
            grid.addWidget(name, r, 0)
            grid.addWidget(widget, r, 1)
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)

        self.retain_grad_check = QCheckBox(self.tr("retain_grad() on y and z"), box)
        self.retain_grad_check.setAccessibleName(self.retain_grad_check.text())
        self.retain_grad_check.setToolTip(
            self.tr(
                "y and z are not leaves: backward() uses their gradients on the way to x and then "
                "frees them, so y.grad and z.grad stay None. Ticked, the example calls "
                "y.retain_grad() and z.retain_grad() before out.backward(), and PyTorch keeps them."
            )
        )
        self.retain_grad_check.toggled.connect(self._on_retain_grad_toggled)
        layout.addWidget(self.retain_grad_check)

        buttons = QHBoxLayout()
        self.scalar_backward_button = QPushButton(self.tr("Backward: out.backward()"), box)
        self.scalar_backward_button.setToolTip(
            self.tr(
                "Run out.backward(): autograd walks the graph from out back to x and stores "
                "d out/dx in x.grad."
            )
        )
        self.scalar_backward_button.clicked.connect(self._on_scalar_backward_clicked)
        self.scalar_reset_button = QPushButton(self.tr("Lesson values"), box)
        self.scalar_reset_button.setToolTip(self.tr("Put the lesson's x = [[1, 2], [3, 4]] back."))
        self.scalar_reset_button.clicked.connect(self._on_scalar_reset_clicked)
        buttons.addWidget(self.scalar_backward_button)
        buttons.addWidget(self.scalar_reset_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        grads = QGridLayout()
        self.grad_table = MatrixTable(2, 2, parent=box)
        self.grad_table.setToolTip(
            self.tr("x.grad as autograd computed it (empty until you press Backward).")
        )
        self.closed_table = MatrixTable(2, 2, parent=box)
        self.closed_table.setToolTip(
            self.tr("The same derivative worked out by hand: d out/dx = 6 (x + 2) / n, here n = 4 elements.")
        )
        self.grad_title = QLabel(self.tr("x.grad (autograd)"), box)
        self.grad_title.setFont(_mono())
        self.closed_title = QLabel(box)
        self.closed_title.setFont(_mono())
        grads.addWidget(self.grad_title, 0, 0)
        grads.addWidget(self.closed_title, 0, 1)
        grads.addWidget(self.grad_table, 1, 0)
        grads.addWidget(self.closed_table, 1, 1)
        grads.setColumnStretch(2, 1)
        layout.addLayout(grads)
        self.intermediate_grads_label = QLabel(box)
        self.intermediate_grads_label.setFont(_mono())
        self.intermediate_grads_label.setWordWrap(True)
        self.intermediate_grads_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.intermediate_grads_label.setToolTip(
            self.tr("y.grad and z.grad exactly as PyTorch has them after this run.")
        )
        layout.addWidget(self.intermediate_grads_label)
        self.formula_label = QLabel(box)
        self.formula_label.setWordWrap(True)
        self.formula_label.setToolTip(
            self.tr("The chain rule by hand, for comparison with what autograd did automatically.")
        )
        self.scalar_status = QLabel(box)
        self.scalar_status.setWordWrap(True)
        self.scalar_error = QLabel(box)
        self.scalar_error.setWordWrap(True)
        self.scalar_error.setStyleSheet(ERROR_STYLE)
        self.scalar_error.hide()
        layout.addWidget(self.formula_label)
        layout.addWidget(self.scalar_status)
        layout.addWidget(self.scalar_error)
        return box

    def _build_vjp(self) -> QGroupBox:
        box = QGroupBox(self.tr("2. Gradients of a vector: y.backward(v)"), self)
        layout = QVBoxLayout(box)
        intro = QLabel(
            self.tr(
                "backward() without arguments needs a scalar. When y is a vector you pass weights v, "
                "and autograd computes the vector-Jacobian product vᵀJ: the gradient of the "
                "weighted sum Σ vᵢ yᵢ with respect to x."
            ),
            box,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.vjp_code = self._code_label("", box)
        layout.addWidget(self.vjp_code)

        form = QFormLayout()
        self.vjp_x_edit = QLineEdit(", ".join(format_array(v) for v in lab.DEFAULT_VJP_X), box)
        self.vjp_x_edit.setToolTip(
            self.tr(
                "x: the leaf tensor (float64, requires_grad=True), numbers separated by commas. "
                "The lab keeps this tensor between presses; typing a different x makes a new one."
            )
        )
        self.threshold_edit = QLineEdit(format_array(lab.DEFAULT_THRESHOLD), box)
        self.threshold_edit.setToolTip(
            self.tr(
                "The loop doubles y while its length ||y|| is below this number. 'inf' is allowed: "
                "the lab stops the loop after {0} doublings if it would never end."
            ).format(lab.MAX_DOUBLINGS)
        )
        self.v_edit = QLineEdit(", ".join(format_array(v) for v in lab.DEFAULT_V), box)
        self.v_edit.setToolTip(
            self.tr(
                "v: one weight per element of y (float32, as in the lesson). backward(v) computes "
                "vᵀJ, the gradient of Σ vᵢ yᵢ."
            )
        )
        for edit in (self.vjp_x_edit, self.threshold_edit, self.v_edit):
            edit.setFont(_mono())
            edit.textChanged.connect(self._on_vjp_inputs_changed)
        form.addRow(self.tr("x ="), self.vjp_x_edit)
        form.addRow(self.tr("threshold ="), self.threshold_edit)
        form.addRow(self.tr("v ="), self.v_edit)
        layout.addLayout(form)

        self.doublings_label = QLabel(box)
        self.doublings_label.setWordWrap(True)
        self.doublings_label.setToolTip(
            self.tr("How many times the while loop ran y = y * 2, and the y it stopped at.")
        )
        layout.addWidget(self.doublings_label)

        self.zero_grad_check = QCheckBox(self.tr("Zero x.grad before backward (x.grad.zero_())"), box)
        self.zero_grad_check.setToolTip(
            self.tr(
                "Ticked: x.grad is set to zero before each backward, so x.grad shows only the new "
                "gradient. Unticked: the new gradient is added to what x.grad already holds."
            )
        )
        accumulate_note = QLabel(
            self.tr(
                "backward() adds to x.grad, it does not replace it: press Backward twice without "
                "zeroing and x.grad doubles. That is why a training loop zeroes the gradients "
                "(optimizer.zero_grad() or w.grad.zero_()) before every backward."
            ),
            box,
        )
        accumulate_note.setWordWrap(True)
        self.retain_check = QCheckBox(self.tr("retain_graph=True"), box)
        self.retain_check.setToolTip(
            self.tr(
                "backward(v, retain_graph=True) keeps the values the graph saved during the forward "
                "pass, so backward can run through the same graph again. Without it they are freed."
            )
        )
        layout.addWidget(self.zero_grad_check)
        layout.addWidget(accumulate_note)
        layout.addWidget(self.retain_check)

        buttons = QHBoxLayout()
        self.vjp_backward_button = QPushButton(self.tr("Backward: y.backward(v)"), box)
        self.vjp_backward_button.setToolTip(
            self.tr(
                "Run the forward loop again from the kept x (a fresh graph), then y.backward(v). "
                "Press it twice to see gradients accumulate."
            )
        )
        self.vjp_backward_button.clicked.connect(self._on_vjp_backward_clicked)
        self.vjp_again_button = QPushButton(self.tr("Backward again on the same graph"), box)
        self.vjp_again_button.setToolTip(
            self.tr(
                "Call y.backward(v) once more on the graph of the last press, without a new forward "
                "pass. PyTorch refuses unless the previous backward used retain_graph=True."
            )
        )
        self.vjp_again_button.clicked.connect(self._on_vjp_again_clicked)
        self.vjp_again_button.setEnabled(False)
        self.vjp_new_x_button = QPushButton(self.tr("New x tensor"), box)
        self.vjp_new_x_button.setToolTip(
            self.tr("Forget the kept x and its gradient: the next backward starts from x.grad = None.")
        )
        self.vjp_new_x_button.clicked.connect(self._on_vjp_new_x_clicked)
        buttons.addWidget(self.vjp_backward_button)
        buttons.addWidget(self.vjp_again_button)
        buttons.addWidget(self.vjp_new_x_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.vjp_result_label = QLabel(box)
        self.vjp_result_label.setFont(_mono())
        self.vjp_result_label.setWordWrap(True)
        self.vjp_result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.vjp_result_label.setToolTip(
            self.tr("What the last backward added to x.grad, and x.grad before and after it.")
        )
        self.vjp_status = QLabel(box)
        self.vjp_status.setWordWrap(True)
        self.torch_error_label = QLabel(box)
        self.torch_error_label.setFont(_mono())
        self.torch_error_label.setWordWrap(True)
        self.torch_error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.torch_error_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.torch_error_label.setStyleSheet("QLabel { color: #b91c1c; padding: 4px; }")
        self.torch_error_label.setToolTip(self.tr("PyTorch's own error message, word for word."))
        self.torch_error_label.hide()
        self.torch_error_help = QLabel(box)
        self.torch_error_help.setWordWrap(True)
        self.torch_error_help.hide()
        self.vjp_error = QLabel(box)
        self.vjp_error.setWordWrap(True)
        self.vjp_error.setStyleSheet(ERROR_STYLE)
        self.vjp_error.hide()
        for widget in (
            self.vjp_result_label,
            self.vjp_status,
            self.torch_error_label,
            self.torch_error_help,
            self.vjp_error,
        ):
            layout.addWidget(widget)
        return box

    # ------------------------------------------------------------------ messages
    def describe_error(self, err: LabInputError) -> str:
        """A message for the panel that names the cell or field the user must fix."""
        where = err.field
        cell = CELL_RE.match(err.field)
        if cell:
            where = self.tr("{0} (row {1}, column {2})").format(
                err.field, int(cell.group(1)) + 1, int(cell.group(2)) + 1
            )
        if err.reason == lab.REASON_NOT_A_NUMBER:
            return self.tr("{0}: '{1}' is not a number.").format(where, err.text)
        if err.reason == lab.REASON_EMPTY and err.text is not None:
            return self.tr("{0}: is empty; type a number.").format(where)
        if err.reason == lab.REASON_NOT_FINITE:
            if err.field == "threshold":
                return self.tr("threshold: nan is not a usable threshold; type a number or inf.")
            return self.tr("{0}: must be a finite number (not inf or nan).").format(where)
        return self.tr("{0}: {1}").format(where, err.message)

    # ------------------------------------------------------------------ scalar example
    def _scalar_input(self) -> list[list[str]]:
        return self.x_table.texts()

    def _mark_bad_cell(self, err: LabInputError | None) -> None:
        bad = None
        if err is not None:
            cell = CELL_RE.match(err.field)
            if cell:
                bad = (int(cell.group(1)), int(cell.group(2)))
        self.x_table.blockSignals(True)
        try:
            for i in range(self.x_table.rowCount()):
                for j in range(self.x_table.columnCount()):
                    item = self.x_table.item(i, j)
                    item.setBackground(QBrush(BAD_CELL) if (i, j) == bad else QBrush())
        finally:
            self.x_table.blockSignals(False)

    def _compute_scalar(self, backward: bool) -> ScalarResult | None:
        try:
            result = lab.scalar_example(
                self._scalar_input(), backward=backward, retain_grad=self.retain_grad_check.isChecked()
            )
        except LabInputError as err:
            self.scalar_result = None
            self._mark_bad_cell(err)
            self.scalar_error.setText(self.describe_error(err))
            self.scalar_error.show()
            for table in (self.y_table, self.z_table, self.grad_table, self.closed_table):
                table.set_matrix(None)
            self.out_label.setText("")
            self.intermediate_grads_label.setText("")
            self.scalar_status.setText("")
            self.scalar_backward_button.setEnabled(False)
            self.scalar_backward_button.setToolTip(self.tr("Fix the cell named in red first."))
            return None
        self._mark_bad_cell(None)
        self.scalar_error.hide()
        self.scalar_error.setText("")
        self.scalar_backward_button.setEnabled(True)
        self.scalar_backward_button.setToolTip(
            self.tr(
                "Run out.backward(): autograd walks the graph from out back to x and stores "
                "d out/dx in x.grad."
            )
        )
        self._show_scalar(result)
        return result

    def _show_scalar(self, r: ScalarResult) -> None:
        self.scalar_result = r
        self.y_table.set_matrix(r.y)
        self.z_table.set_matrix(r.z)
        self.out_label.setText(format_array(r.out))
        self.grad_table.set_matrix(r.grad)
        self.closed_table.set_matrix(r.closed_form)
        lines = []
        for name in lab.RETAINED_NAMES:
            prefix = self.tr("{0}.grad = ").format(name)
            value = self.graph_view.grad_text(r.grads[name], name in r.retained)
            # a matrix's later rows start under its first, as print() aligns them
            lines.append(prefix + value.replace("\n", "\n" + " " * len(prefix)))
        self.intermediate_grads_label.setText("\n".join(lines))
        n = r.x.size
        factor = format_array(r.closed_form_factor)
        self.closed_title.setText(self.tr("{0} (x + 2) (closed form)").format(factor))
        self.formula_label.setText(
            self.tr(
                "By hand: out = (1/{0}) Σ 3 (xᵢ + 2)², so d out/dxᵢ = 6 (xᵢ + 2) / {0} = {1} (xᵢ + 2)."
            ).format(n, factor)
        )
        if not r.backward_done:
            status = self.tr("x.grad is None: autograd has recorded the graph but not run backward yet.")
        else:
            status = self.tr("autograd and the closed form agree: largest difference {0}.").format(
                format_array(r.max_abs_difference, 3)
            )
        if r.overflow:
            status += " " + self.tr("Some values overflowed float64 to inf: try smaller numbers.")
        self.scalar_status.setText(status)
        self.graph_view.set_graph(r.graph)

    @Slot(QTableWidgetItem)
    def _on_x_item_changed(self, _item: QTableWidgetItem) -> None:
        """Any edit of x: recompute the forward pass; x.grad goes back to None."""
        self._compute_scalar(backward=False)

    @Slot()
    def _on_scalar_backward_clicked(self) -> None:
        result = self._compute_scalar(backward=True)
        if result is not None:
            self.scalarComputed.emit(result)

    @Slot(bool)
    def _on_retain_grad_toggled(self, checked: bool) -> None:
        """Run the example again as the new code reads, in the same state (backward or not)."""
        self.scalar_code.setText(lab.scalar_code(retain_grad=checked))
        backward = self.scalar_result is not None and self.scalar_result.backward_done
        self._compute_scalar(backward=backward)

    @Slot()
    def _on_scalar_reset_clicked(self) -> None:
        self.x_table.blockSignals(True)
        try:
            for i, row in enumerate(lab.DEFAULT_SCALAR_X):
                for j, value in enumerate(row):
                    self.x_table.item(i, j).setText(format_array(value))
        finally:
            self.x_table.blockSignals(False)
        self._compute_scalar(backward=False)

    # ------------------------------------------------------------------ VJP example
    def _mark_bad_field(self, err: LabInputError | None) -> None:
        fields = {"x": self.vjp_x_edit, "threshold": self.threshold_edit, "v": self.v_edit}
        bad = None if err is None else err.field.split("[", 1)[0]
        for name, edit in fields.items():
            edit.setStyleSheet(BAD_FIELD_STYLE if name == bad else "")

    def _show_input_error(self, err: LabInputError) -> None:
        self._mark_bad_field(err)
        self.vjp_error.setText(self.describe_error(err))
        self.vjp_error.show()

    def _clear_input_error(self) -> None:
        self._mark_bad_field(None)
        self.vjp_error.hide()
        self.vjp_error.setText("")

    def _update_code(self) -> None:
        x = self.vjp_x_edit.text().strip() or "…"
        v = self.v_edit.text().strip() or "…"
        threshold = self.threshold_edit.text().strip() or "…"
        self.vjp_code.setText(
            f"x = torch.tensor([{x}], dtype=torch.double, requires_grad=True)\n"
            "y = x * 2\n"
            f"while y.data.norm() < {threshold}:\n"
            "    y = y * 2\n"
            f"v = torch.tensor([{v}], dtype=torch.float)\n"
            "y.backward(v)\n"
            "print(x.grad)"
        )

    def _show_forward(self, f: VjpForward) -> None:
        text = self.tr(
            "The loop doubled y {0} times after y = x * 2, so y = 2^{1} · x = {2} · x\n"
            "y = {3}   (||y|| = {4})"
        ).format(
            f.doublings, f.doublings + 1, format_array(f.factor), format_array(f.y), format_array(f.norm)
        )
        if f.capped:
            text += "\n" + self.tr(
                "Stopped after {0} doublings: ||y|| never reached the threshold (with x = 0 it never "
                "would). The lesson's loop would run forever here."
            ).format(lab.MAX_DOUBLINGS)
        elif f.norm_overflow:
            text += "\n" + self.tr(
                "||y|| overflowed float64 (the sum of squares passed 1.8e308), PyTorch computed it "
                "as inf and the loop stopped."
            )
        if f.overflow:
            text += "\n" + self.tr("Some elements of y overflowed to inf.")
        self.doublings_label.setText(text)

    @Slot(str)
    def _on_vjp_inputs_changed(self, _text: str) -> None:
        """Typing: preview the forward loop (no backward, the kept x is not touched)."""
        self._update_code()
        try:
            forward = lab.vjp_forward(self.vjp_x_edit.text(), self.threshold_edit.text())
            lab.parse_vector(self.v_edit.text(), "v", length=forward.x.size)
        except LabInputError as err:
            self._show_input_error(err)
            self.vjp_backward_button.setEnabled(False)
            return
        self._clear_input_error()
        self.vjp_backward_button.setEnabled(True)
        self.vjp_forward = forward
        self._show_forward(forward)

    def _show_vjp(self, r: VjpResult) -> None:
        self.vjp_result = r
        self._show_forward(r.forward)
        lines = [
            self.tr("x.grad before: {0}").format(format_array(r.grad_before)),
        ]
        if r.error is None:
            lines.append(
                self.tr("this backward added vᵀJ = {0} · v = {1}").format(
                    format_array(r.forward.factor), format_array(r.contribution)
                )
            )
        lines.append(self.tr("x.grad now:    {0}").format(format_array(r.grad)))
        self.vjp_result_label.setText("\n".join(lines))

        notes = []
        if r.new_tensor:
            notes.append(self.tr("A new x tensor: its x.grad started as None."))
        if r.zeroed:
            notes.append(self.tr("x.grad was zeroed first, so it holds only this backward's gradient."))
        elif r.accumulated:
            notes.append(self.tr("x.grad was not zeroed: this gradient was added to the one already there."))
        if r.error is None:
            if r.graph_freed:
                notes.append(
                    self.tr(
                        "The graph's saved values are now freed (backward {0} on this graph, no "
                        "retain_graph): another backward on it would fail."
                    ).format(r.backward_count)
                )
            else:
                notes.append(
                    self.tr(
                        "retain_graph=True kept the graph (backward {0} on this graph): it can run "
                        "backward again, and each run adds to x.grad."
                    ).format(r.backward_count)
                )
        self.vjp_status.setText(" ".join(notes))
        if r.error is not None:
            self.torch_error_label.setText("RuntimeError: " + r.error)
            self.torch_error_label.show()
            self.torch_error_help.setText(
                self.tr(
                    "The first backward freed the values the graph saved during the forward pass, so "
                    "this second backward through the same graph fails and x.grad is unchanged. "
                    "Tick retain_graph=True before the first backward to keep them: the second "
                    "backward then works and adds vᵀJ to x.grad once more. A fresh forward pass "
                    "(the Backward button) builds a new graph instead."
                )
            )
            self.torch_error_help.show()
        else:
            self.torch_error_label.hide()
            self.torch_error_help.hide()
        self.vjp_again_button.setEnabled(self.vjp_lab.has_graph)
        self.vjpComputed.emit(r)

    @Slot()
    def _on_vjp_backward_clicked(self) -> None:
        try:
            result = self.vjp_lab.backward(
                self.vjp_x_edit.text(),
                self.threshold_edit.text(),
                self.v_edit.text(),
                zero_grad=self.zero_grad_check.isChecked(),
                retain_graph=self.retain_check.isChecked(),
            )
        except LabInputError as err:
            self._show_input_error(err)
            return
        self._clear_input_error()
        self._show_vjp(result)

    @Slot()
    def _on_vjp_again_clicked(self) -> None:
        try:
            result = self.vjp_lab.backward_again(
                self.v_edit.text(),
                zero_grad=self.zero_grad_check.isChecked(),
                retain_graph=self.retain_check.isChecked(),
            )
        except LabInputError as err:
            self._show_input_error(err)
            return
        self._clear_input_error()
        self._show_vjp(result)

    @Slot()
    def _on_vjp_new_x_clicked(self) -> None:
        self.vjp_lab.reset()
        self.vjp_result = None
        self.vjp_again_button.setEnabled(False)
        self.vjp_result_label.setText(self.tr("x.grad: None (a new x tensor; press Backward)"))
        self.vjp_status.setText("")
        self.torch_error_label.hide()
        self.torch_error_help.hide()


__all__ = ["AutogradLab", "MatrixTable"]
