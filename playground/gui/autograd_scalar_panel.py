"""The Autograd lab's scalar example: section 1a of the lesson, ``out.backward()``, live.

An editable 2x2 ``x``, the chain ``y = x + 2``, ``z = 3 y²``, ``out = mean(z)``, a
Backward button and ``x.grad`` next to the closed form ``1.5 (x + 2)``; ``y.grad`` and
``z.grad`` are ``None``, as PyTorch leaves them, unless the "retain_grad() on y and z"
box makes the example call ``retain_grad()``.  Every number is computed by
:func:`playground.core.autograd_scalar.scalar_example`; its graph is drawn in the
lab's graph view.  A bad cell is named in the panel and tinted, never a dialog.

Texts keep the translation context ``AutogradLab`` they were written under: lupdate
needs the context and text literally in each translate() call.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core import autograd_lab as lab
from ..core.autograd_lab import LabInputError, ScalarResult
from .autograd_widgets import (
    BAD_CELL,
    CELL_RE,
    ERROR_STYLE,
    MatrixTable,
    code_label,
    describe_input_error,
    mono_font,
)
from .graph_view import ComputationGraphView, format_array


class ScalarPanel(QGroupBox):
    """Section 1a: the scalar example on the ``x`` typed into its table, drawn in ``graph_view``."""

    # Emitted after every successful backward (its result); AutogradLab relays it. A plain
    # comment: lupdate would hand a "#:" one to translators as a note on the next text.
    scalarComputed = Signal(object)

    def __init__(self, graph_view: ComputationGraphView, parent: QWidget | None = None) -> None:
        super().__init__(
            QCoreApplication.translate("AutogradLab", "1. Gradients of a scalar: out.backward()"), parent
        )
        self.graph_view = graph_view
        self.scalar_result: ScalarResult | None = None
        self._build()
        self._compute_scalar(backward=False)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        intro = QLabel(
            QCoreApplication.translate(
                "AutogradLab",
                "Type numbers into x and press Backward. autograd records every operation on x "
                "and, going backward from out, computes d out/dx for each element of x.",
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.scalar_code = code_label(lab.scalar_code(), self)
        layout.addWidget(self.scalar_code)

        grid = QGridLayout()
        self.x_table = MatrixTable(2, 2, editable=True, parent=self)
        self.x_table.setAccessibleName("x")  # code, the same in every language
        self.x_table.setToolTip(
            QCoreApplication.translate(
                "AutogradLab",
                "x: the leaf tensor (float64, requires_grad=True). Double-click a cell and type any "
                "number; every value below is recomputed at once.",
            )
        )
        for i, row in enumerate(lab.DEFAULT_SCALAR_X):
            for j, value in enumerate(row):
                self.x_table.item(i, j).setText(format_array(value))
        self.x_table.itemChanged.connect(self._on_x_item_changed)

        self.y_table = MatrixTable(2, 2, parent=self)
        self.y_table.setAccessibleName("y = x + 2")  # code, the same in every language
        self.y_table.setToolTip(
            QCoreApplication.translate(
                "AutogradLab", "y = x + 2, element by element (grad_fn: AddBackward0)."
            )
        )
        self.z_table = MatrixTable(2, 2, parent=self)
        self.z_table.setAccessibleName("z = y * y * 3")  # code, the same in every language
        self.z_table.setToolTip(
            QCoreApplication.translate(
                "AutogradLab", "z = y * y * 3 = 3 y², element by element (grad_fn: MulBackward0)."
            )
        )
        self.out_label = QLabel(self)
        self.out_label.setFont(mono_font())
        self.out_label.setToolTip(
            QCoreApplication.translate(
                "AutogradLab",
                "out = z.mean(): one number, the average of the elements of z. backward() needs a scalar.",
            )
        )
        rows = [
            (QCoreApplication.translate("AutogradLab", "x ="), self.x_table),
            (QCoreApplication.translate("AutogradLab", "y = x + 2"), self.y_table),
            (QCoreApplication.translate("AutogradLab", "z = y * y * 3"), self.z_table),
            (QCoreApplication.translate("AutogradLab", "out = z.mean()"), self.out_label),
        ]
        for r, (text, widget) in enumerate(rows):
            name = QLabel(text, self)
            name.setFont(mono_font())
            grid.addWidget(name, r, 0)
            grid.addWidget(widget, r, 1)
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)

        self.retain_grad_check = QCheckBox(
            QCoreApplication.translate("AutogradLab", "retain_grad() on y and z"), self
        )
        self.retain_grad_check.setAccessibleName(self.retain_grad_check.text())
        self.retain_grad_check.setToolTip(
            QCoreApplication.translate(
                "AutogradLab",
                "y and z are not leaves: backward() uses their gradients on the way to x and then "
                "frees them, so y.grad and z.grad stay None. Ticked, the example calls "
                "y.retain_grad() and z.retain_grad() before out.backward(), and PyTorch keeps them.",
            )
        )
        self.retain_grad_check.toggled.connect(self._on_retain_grad_toggled)
        layout.addWidget(self.retain_grad_check)

        buttons = QHBoxLayout()
        self.scalar_backward_button = QPushButton(
            QCoreApplication.translate("AutogradLab", "Backward: out.backward()"), self
        )
        self.scalar_backward_button.setToolTip(
            QCoreApplication.translate(
                "AutogradLab",
                "Run out.backward(): autograd walks the graph from out back to x and stores "
                "d out/dx in x.grad.",
            )
        )
        self.scalar_backward_button.clicked.connect(self._on_scalar_backward_clicked)
        self.scalar_reset_button = QPushButton(
            QCoreApplication.translate("AutogradLab", "Lesson values"), self
        )
        self.scalar_reset_button.setToolTip(
            QCoreApplication.translate("AutogradLab", "Put the lesson's x = [[1, 2], [3, 4]] back.")
        )
        self.scalar_reset_button.clicked.connect(self._on_scalar_reset_clicked)
        buttons.addWidget(self.scalar_backward_button)
        buttons.addWidget(self.scalar_reset_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        grads = QGridLayout()
        self.grad_table = MatrixTable(2, 2, parent=self)
        self.grad_table.setAccessibleName("x.grad")  # code, the same in every language
        self.grad_table.setToolTip(
            QCoreApplication.translate(
                "AutogradLab", "x.grad as autograd computed it (empty until you press Backward)."
            )
        )
        self.closed_table = MatrixTable(2, 2, parent=self)
        self.closed_table.setAccessibleName("1.5 (x + 2)")  # code, the same in every language
        self.closed_table.setToolTip(
            QCoreApplication.translate(
                "AutogradLab",
                "The same derivative worked out by hand: d out/dx = 6 (x + 2) / n, here n = 4 elements.",
            )
        )
        self.grad_title = QLabel(QCoreApplication.translate("AutogradLab", "x.grad (autograd)"), self)
        self.grad_title.setFont(mono_font())
        self.closed_title = QLabel(self)
        self.closed_title.setFont(mono_font())
        grads.addWidget(self.grad_title, 0, 0)
        grads.addWidget(self.closed_title, 0, 1)
        grads.addWidget(self.grad_table, 1, 0)
        grads.addWidget(self.closed_table, 1, 1)
        grads.setColumnStretch(2, 1)
        layout.addLayout(grads)
        self.intermediate_grads_label = QLabel(self)
        self.intermediate_grads_label.setFont(mono_font())
        self.intermediate_grads_label.setWordWrap(True)
        self.intermediate_grads_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.intermediate_grads_label.setToolTip(
            QCoreApplication.translate(
                "AutogradLab", "y.grad and z.grad exactly as PyTorch has them after this run."
            )
        )
        layout.addWidget(self.intermediate_grads_label)
        self.formula_label = QLabel(self)
        self.formula_label.setWordWrap(True)
        self.formula_label.setToolTip(
            QCoreApplication.translate(
                "AutogradLab", "The chain rule by hand, for comparison with what autograd did automatically."
            )
        )
        self.scalar_status = QLabel(self)
        self.scalar_status.setWordWrap(True)
        self.scalar_error = QLabel(self)
        self.scalar_error.setWordWrap(True)
        self.scalar_error.setStyleSheet(ERROR_STYLE)
        self.scalar_error.hide()
        layout.addWidget(self.formula_label)
        layout.addWidget(self.scalar_status)
        layout.addWidget(self.scalar_error)

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
            self.scalar_error.setText(describe_input_error(err))
            self.scalar_error.show()
            for table in (self.y_table, self.z_table, self.grad_table, self.closed_table):
                table.set_matrix(None)
            self.out_label.setText("")
            self.intermediate_grads_label.setText("")
            self.scalar_status.setText("")
            self.scalar_backward_button.setEnabled(False)
            self.scalar_backward_button.setToolTip(
                QCoreApplication.translate("AutogradLab", "Fix the cell named in red first.")
            )
            return None
        self._mark_bad_cell(None)
        self.scalar_error.hide()
        self.scalar_error.setText("")
        self.scalar_backward_button.setEnabled(True)
        self.scalar_backward_button.setToolTip(
            QCoreApplication.translate(
                "AutogradLab",
                "Run out.backward(): autograd walks the graph from out back to x and stores "
                "d out/dx in x.grad.",
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
            prefix = QCoreApplication.translate("AutogradLab", "{0}.grad = ").format(name)
            value = self.graph_view.grad_text(r.grads[name], name in r.retained)
            # a matrix's later rows start under its first, as print() aligns them
            lines.append(prefix + value.replace("\n", "\n" + " " * len(prefix)))
        self.intermediate_grads_label.setText("\n".join(lines))
        n = r.x.size
        factor = format_array(r.closed_form_factor)
        self.closed_title.setText(
            QCoreApplication.translate("AutogradLab", "{0} (x + 2) (closed form)").format(factor)
        )
        self.formula_label.setText(
            QCoreApplication.translate(
                "AutogradLab",
                "By hand: out = (1/{0}) Σ 3 (xᵢ + 2)², so d out/dxᵢ = 6 (xᵢ + 2) / {0} = {1} (xᵢ + 2).",
            ).format(n, factor)
        )
        if not r.backward_done:
            status = QCoreApplication.translate(
                "AutogradLab", "x.grad is None: autograd has recorded the graph but not run backward yet."
            )
        else:
            status = QCoreApplication.translate(
                "AutogradLab", "autograd and the closed form agree: largest difference {0}."
            ).format(format_array(r.max_abs_difference, 3))
        if r.overflow:
            status += " " + QCoreApplication.translate(
                "AutogradLab", "Some values overflowed float64 to inf: try smaller numbers."
            )
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


__all__ = ["ScalarPanel"]
