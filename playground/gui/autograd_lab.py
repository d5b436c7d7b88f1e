"""The Autograd lab tab: the seed lesson's first section, live.

Every number on screen is computed by :mod:`playground.core.autograd_lab` with real
autograd.  The tab assembles three panels, one module each:

* left, :class:`~.autograd_scalar_panel.ScalarPanel` (``out.backward()`` on an editable
  2x2 ``x``, next to the closed form) above :class:`~.autograd_vjp_panel.VjpPanel`
  (``y.backward(v)``, gradients accumulating in a kept ``x``), in one scrolling column;
* right, :class:`~.autograd_graph_pane.GraphPane`: the scalar example's computation
  graph with Zoom in / Zoom out / Fit.

What the panels share (number tables, code labels, the wording of bad input) is in
:mod:`.autograd_widgets`.  Bad input is reported in the panel, naming the cell or
field; never a dialog.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QSplitter, QVBoxLayout, QWidget

from ..core.autograd_lab import LabInputError, ScalarResult, VjpForward, VjpLab, VjpResult
from .autograd_graph_pane import GraphPane
from .autograd_scalar_panel import ScalarPanel
from .autograd_vjp_panel import VjpPanel
from .autograd_widgets import MatrixTable, describe_input_error


class AutogradLab(QWidget):
    """The Autograd lab tab (scalar example, vector-Jacobian product, graph)."""

    #: Emitted after every successful backward of the scalar example (its result).
    scalarComputed = Signal(object)
    #: Emitted after every press of a VJP backward button (a ``VjpResult``).
    vjpComputed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Made without a parent so that the splitter, adopting it last, puts the graph's
        # controls after both panels in the Tab order, as they are on screen.
        self.graph_pane = GraphPane()
        self.scalar_panel = ScalarPanel(self.graph_pane.graph_view, self)
        self.vjp_panel = VjpPanel(self)
        self.scalar_panel.scalarComputed.connect(self.scalarComputed)
        self.vjp_panel.vjpComputed.connect(self.vjpComputed)
        self._build()
        self._expose_controls()

    def _build(self) -> None:
        column = QWidget(self)
        col_layout = QVBoxLayout(column)
        col_layout.addWidget(self.scalar_panel)
        col_layout.addWidget(self.vjp_panel)
        col_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(column)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(scroll)
        splitter.addWidget(self.graph_pane)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def _expose_controls(self) -> None:
        """The panels' controls under the names the tab has always given them (tests, the window)."""
        scalar = self.scalar_panel
        self.scalar_code = scalar.scalar_code
        self.retain_grad_check = scalar.retain_grad_check
        self.x_table = scalar.x_table
        self.y_table = scalar.y_table
        self.z_table = scalar.z_table
        self.out_label = scalar.out_label
        self.scalar_backward_button = scalar.scalar_backward_button
        self.scalar_reset_button = scalar.scalar_reset_button
        self.grad_table = scalar.grad_table
        self.closed_table = scalar.closed_table
        self.grad_title = scalar.grad_title
        self.closed_title = scalar.closed_title
        self.intermediate_grads_label = scalar.intermediate_grads_label
        self.formula_label = scalar.formula_label
        self.scalar_status = scalar.scalar_status
        self.scalar_error = scalar.scalar_error
        vjp = self.vjp_panel
        self.vjp_code = vjp.vjp_code
        self.vjp_x_edit = vjp.vjp_x_edit
        self.threshold_edit = vjp.threshold_edit
        self.v_edit = vjp.v_edit
        self.doublings_label = vjp.doublings_label
        self.zero_grad_check = vjp.zero_grad_check
        self.retain_check = vjp.retain_check
        self.vjp_backward_button = vjp.vjp_backward_button
        self.vjp_again_button = vjp.vjp_again_button
        self.vjp_new_x_button = vjp.vjp_new_x_button
        self.vjp_result_label = vjp.vjp_result_label
        self.vjp_status = vjp.vjp_status
        self.vjp_error = vjp.vjp_error
        self.torch_error_label = vjp.torch_error_label
        self.torch_error_help = vjp.torch_error_help
        graph = self.graph_pane
        self.graph_view = graph.graph_view
        self.zoom_in_button = graph.zoom_in_button
        self.zoom_out_button = graph.zoom_out_button
        self.fit_button = graph.fit_button
        self.zoom_label = graph.zoom_label

    # -- what the panels computed last ---------------------------------------------------
    @property
    def scalar_result(self) -> ScalarResult | None:
        return self.scalar_panel.scalar_result

    @property
    def vjp_forward(self) -> VjpForward | None:
        return self.vjp_panel.vjp_forward

    @property
    def vjp_result(self) -> VjpResult | None:
        return self.vjp_panel.vjp_result

    @property
    def vjp_lab(self) -> VjpLab:
        return self.vjp_panel.vjp_lab

    def describe_error(self, err: LabInputError) -> str:
        """A message for the panel that names the cell or field the user must fix."""
        return describe_input_error(err)


__all__ = ["AutogradLab", "MatrixTable"]
