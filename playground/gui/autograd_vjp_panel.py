"""The Autograd lab's vector-Jacobian product: section 1b of the lesson, ``y.backward(v)``, live.

``y = x * 2`` doubled while ``||y|| < threshold``, then ``y.backward(v)``.  The panel's
:class:`~playground.core.autograd_vjp.VjpLab` keeps ``x`` between presses, so gradients
accumulate unless zeroed, and a second backward on the same graph shows PyTorch's own
error unless ``retain_graph`` kept the graph.  Typing previews the forward loop; a bad
field is named in the panel and tinted, never a dialog.

Texts keep the translation context ``AutogradLab`` they were written under: lupdate
needs the context and text literally in each translate() call.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core import autograd_lab as lab
from ..core.autograd_lab import LabInputError, VjpForward, VjpLab, VjpResult
from .accessibility import name_fields_by_labels
from .autograd_widgets import BAD_FIELD_STYLE, ERROR_STYLE, code_label, describe_input_error, mono_font
from .graph_view import format_array


class VjpPanel(QGroupBox):
    """Section 1b: the doubling loop and ``y.backward(v)`` on the ``x``, threshold and ``v`` typed."""

    # Emitted after every press of a backward button (a ``VjpResult``); AutogradLab relays it.
    # A plain comment: lupdate would hand a "#:" one to translators as a note on the next text.
    vjpComputed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            QCoreApplication.translate("AutogradLab", "2. Gradients of a vector: y.backward(v)"), parent
        )
        self.vjp_forward: VjpForward | None = None
        self.vjp_result: VjpResult | None = None
        self.vjp_lab = VjpLab()
        self._build()
        self._on_vjp_inputs_changed("")
        self.vjp_result_label.setText(
            QCoreApplication.translate("AutogradLab", "x.grad: None (press Backward)")
        )

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        intro = QLabel(
            QCoreApplication.translate(
                "AutogradLab",
                "backward() without arguments needs a scalar. When y is a vector you pass weights v, "
                "and autograd computes the vector-Jacobian product vᵀJ: the gradient of the "
                "weighted sum Σ vᵢ yᵢ with respect to x.",
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.vjp_code = code_label("", self)
        layout.addWidget(self.vjp_code)

        form = QFormLayout()
        self.vjp_x_edit = QLineEdit(", ".join(format_array(v) for v in lab.DEFAULT_VJP_X), self)
        self.vjp_x_edit.setToolTip(
            QCoreApplication.translate(
                "AutogradLab",
                "x: the leaf tensor (float64, requires_grad=True), numbers separated by commas. "
                "The lab keeps this tensor between presses; typing a different x makes a new one.",
            )
        )
        self.threshold_edit = QLineEdit(format_array(lab.DEFAULT_THRESHOLD), self)
        self.threshold_edit.setToolTip(
            QCoreApplication.translate(
                "AutogradLab",
                "The loop doubles y while its length ||y|| is below this number. 'inf' is allowed: "
                "the lab stops the loop after {0} doublings if it would never end.",
            ).format(lab.MAX_DOUBLINGS)
        )
        self.v_edit = QLineEdit(", ".join(format_array(v) for v in lab.DEFAULT_V), self)
        self.v_edit.setToolTip(
            QCoreApplication.translate(
                "AutogradLab",
                "v: one weight per element of y (float32, as in the lesson). backward(v) computes "
                "vᵀJ, the gradient of Σ vᵢ yᵢ.",
            )
        )
        for edit in (self.vjp_x_edit, self.threshold_edit, self.v_edit):
            edit.setFont(mono_font())
            edit.textChanged.connect(self._on_vjp_inputs_changed)
        form.addRow(QCoreApplication.translate("AutogradLab", "x ="), self.vjp_x_edit)
        form.addRow(QCoreApplication.translate("AutogradLab", "threshold ="), self.threshold_edit)
        form.addRow(QCoreApplication.translate("AutogradLab", "v ="), self.v_edit)
        name_fields_by_labels(form)
        layout.addLayout(form)

        self.doublings_label = QLabel(self)
        self.doublings_label.setWordWrap(True)
        self.doublings_label.setToolTip(
            QCoreApplication.translate(
                "AutogradLab", "How many times the while loop ran y = y * 2, and the y it stopped at."
            )
        )
        layout.addWidget(self.doublings_label)

        self.zero_grad_check = QCheckBox(
            QCoreApplication.translate("AutogradLab", "Zero x.grad before backward (x.grad.zero_())"), self
        )
        self.zero_grad_check.setToolTip(
            QCoreApplication.translate(
                "AutogradLab",
                "Ticked: x.grad is set to zero before each backward, so x.grad shows only the new "
                "gradient. Unticked: the new gradient is added to what x.grad already holds.",
            )
        )
        accumulate_note = QLabel(
            QCoreApplication.translate(
                "AutogradLab",
                "backward() adds to x.grad, it does not replace it: press Backward twice without "
                "zeroing and x.grad doubles. That is why a training loop zeroes the gradients "
                "(optimizer.zero_grad() or w.grad.zero_()) before every backward.",
            ),
            self,
        )
        accumulate_note.setWordWrap(True)
        self.retain_check = QCheckBox(QCoreApplication.translate("AutogradLab", "retain_graph=True"), self)
        self.retain_check.setToolTip(
            QCoreApplication.translate(
                "AutogradLab",
                "backward(v, retain_graph=True) keeps the values the graph saved during the forward "
                "pass, so backward can run through the same graph again. Without it they are freed.",
            )
        )
        layout.addWidget(self.zero_grad_check)
        layout.addWidget(accumulate_note)
        layout.addWidget(self.retain_check)

        buttons = QHBoxLayout()
        self.vjp_backward_button = QPushButton(
            QCoreApplication.translate("AutogradLab", "Backward: y.backward(v)"), self
        )
        self.vjp_backward_button.setToolTip(
            QCoreApplication.translate(
                "AutogradLab",
                "Run the forward loop again from the kept x (a fresh graph), then y.backward(v). "
                "Press it twice to see gradients accumulate.",
            )
        )
        self.vjp_backward_button.clicked.connect(self._on_vjp_backward_clicked)
        self.vjp_again_button = QPushButton(
            QCoreApplication.translate("AutogradLab", "Backward again on the same graph"), self
        )
        self.vjp_again_button.setToolTip(
            QCoreApplication.translate(
                "AutogradLab",
                "Call y.backward(v) once more on the graph of the last press, without a new forward "
                "pass. PyTorch refuses unless the previous backward used retain_graph=True.",
            )
        )
        self.vjp_again_button.clicked.connect(self._on_vjp_again_clicked)
        self.vjp_again_button.setEnabled(False)
        self.vjp_new_x_button = QPushButton(QCoreApplication.translate("AutogradLab", "New x tensor"), self)
        self.vjp_new_x_button.setToolTip(
            QCoreApplication.translate(
                "AutogradLab",
                "Forget the kept x and its gradient: the next backward starts from x.grad = None.",
            )
        )
        self.vjp_new_x_button.clicked.connect(self._on_vjp_new_x_clicked)
        buttons.addWidget(self.vjp_backward_button)
        buttons.addWidget(self.vjp_again_button)
        buttons.addWidget(self.vjp_new_x_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.vjp_result_label = QLabel(self)
        self.vjp_result_label.setFont(mono_font())
        self.vjp_result_label.setWordWrap(True)
        self.vjp_result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.vjp_result_label.setToolTip(
            QCoreApplication.translate(
                "AutogradLab", "What the last backward added to x.grad, and x.grad before and after it."
            )
        )
        self.vjp_status = QLabel(self)
        self.vjp_status.setWordWrap(True)
        self.torch_error_label = QLabel(self)
        self.torch_error_label.setFont(mono_font())
        self.torch_error_label.setWordWrap(True)
        self.torch_error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.torch_error_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.torch_error_label.setStyleSheet("QLabel { color: #b91c1c; padding: 4px; }")
        self.torch_error_label.setToolTip(
            QCoreApplication.translate("AutogradLab", "PyTorch's own error message, word for word.")
        )
        self.torch_error_label.hide()
        self.torch_error_help = QLabel(self)
        self.torch_error_help.setWordWrap(True)
        self.torch_error_help.hide()
        self.vjp_error = QLabel(self)
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

    def _mark_bad_field(self, err: LabInputError | None) -> None:
        fields = {"x": self.vjp_x_edit, "threshold": self.threshold_edit, "v": self.v_edit}
        bad = None if err is None else err.field.split("[", 1)[0]
        for name, edit in fields.items():
            edit.setStyleSheet(BAD_FIELD_STYLE if name == bad else "")

    def _show_input_error(self, err: LabInputError) -> None:
        self._mark_bad_field(err)
        self.vjp_error.setText(describe_input_error(err))
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
        text = QCoreApplication.translate(
            "AutogradLab",
            "The loop doubled y {0} times after y = x * 2, so y = 2^{1} · x = {2} · x\n"
            "y = {3}   (||y|| = {4})",
        ).format(
            f.doublings, f.doublings + 1, format_array(f.factor), format_array(f.y), format_array(f.norm)
        )
        if f.capped:
            text += "\n" + QCoreApplication.translate(
                "AutogradLab",
                "Stopped after {0} doublings: ||y|| never reached the threshold (with x = 0 it never "
                "would). The lesson's loop would run forever here.",
            ).format(lab.MAX_DOUBLINGS)
        elif f.norm_overflow:
            text += "\n" + QCoreApplication.translate(
                "AutogradLab",
                "||y|| overflowed float64 (the sum of squares passed 1.8e308), PyTorch computed it "
                "as inf and the loop stopped.",
            )
        if f.overflow:
            text += "\n" + QCoreApplication.translate("AutogradLab", "Some elements of y overflowed to inf.")
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
            QCoreApplication.translate("AutogradLab", "x.grad before: {0}").format(
                format_array(r.grad_before)
            ),
        ]
        if r.error is None:
            lines.append(
                QCoreApplication.translate("AutogradLab", "this backward added vᵀJ = {0} · v = {1}").format(
                    format_array(r.forward.factor), format_array(r.contribution)
                )
            )
        lines.append(
            QCoreApplication.translate("AutogradLab", "x.grad now:    {0}").format(format_array(r.grad))
        )
        self.vjp_result_label.setText("\n".join(lines))

        notes = []
        if r.new_tensor:
            notes.append(
                QCoreApplication.translate("AutogradLab", "A new x tensor: its x.grad started as None.")
            )
        if r.zeroed:
            notes.append(
                QCoreApplication.translate(
                    "AutogradLab", "x.grad was zeroed first, so it holds only this backward's gradient."
                )
            )
        elif r.accumulated:
            notes.append(
                QCoreApplication.translate(
                    "AutogradLab", "x.grad was not zeroed: this gradient was added to the one already there."
                )
            )
        if r.error is None:
            if r.graph_freed:
                notes.append(
                    QCoreApplication.translate(
                        "AutogradLab",
                        "The graph's saved values are now freed (backward {0} on this graph, no "
                        "retain_graph): another backward on it would fail.",
                    ).format(r.backward_count)
                )
            else:
                notes.append(
                    QCoreApplication.translate(
                        "AutogradLab",
                        "retain_graph=True kept the graph (backward {0} on this graph): it can run "
                        "backward again, and each run adds to x.grad.",
                    ).format(r.backward_count)
                )
        self.vjp_status.setText(" ".join(notes))
        if r.error is not None:
            self.torch_error_label.setText("RuntimeError: " + r.error)
            self.torch_error_label.show()
            self.torch_error_help.setText(
                QCoreApplication.translate(
                    "AutogradLab",
                    "The first backward freed the values the graph saved during the forward pass, so "
                    "this second backward through the same graph fails and x.grad is unchanged. "
                    "Tick retain_graph=True before the first backward to keep them: the second "
                    "backward then works and adds vᵀJ to x.grad once more. A fresh forward pass "
                    "(the Backward button) builds a new graph instead.",
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
        self._backward(lambda **options: self.vjp_lab.backward(
            self.vjp_x_edit.text(), self.threshold_edit.text(), self.v_edit.text(), **options))

    @Slot()
    def _on_vjp_again_clicked(self) -> None:
        self._backward(lambda **options: self.vjp_lab.backward_again(self.v_edit.text(), **options))

    def _backward(self, call) -> None:
        """Run a backward pass with the ticked options; show its result, or what was wrong with the input."""
        try:
            result = call(zero_grad=self.zero_grad_check.isChecked(), retain_graph=self.retain_check.isChecked())
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
        self.vjp_result_label.setText(
            QCoreApplication.translate("AutogradLab", "x.grad: None (a new x tensor; press Backward)")
        )
        self.vjp_status.setText("")
        self.torch_error_label.hide()
        self.torch_error_help.hide()


__all__ = ["VjpPanel"]
