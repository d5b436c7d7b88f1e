"""The Autograd lab's right side: the scalar example's computation graph, with zoom controls.

The graph is drawn no smaller than the UI font (it scrolls instead); Zoom in, Zoom out
and Fit change that, and a label says the zoom.  Texts keep the translation context
``AutogradLab`` they were written under: lupdate needs it literally in each call.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from .graph_view import ComputationGraphView


class GraphPane(QGroupBox):
    """The computation graph of the scalar example, a caption saying how to read it, and zoom buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            QCoreApplication.translate("AutogradLab", "Computation graph of the scalar example"), parent
        )
        layout = QVBoxLayout(self)
        caption = QLabel(
            QCoreApplication.translate(
                "AutogradLab",
                "What autograd recorded while computing out, drawn from x (top) to out (bottom). "
                "Orange boxes are grad_fn operations, blue boxes tensors with their value and "
                "gradient. Arrows show the way backward() walks: from out through each grad_fn "
                "to AccumulateGrad, which writes x.grad.",
            ),
            self,
        )
        caption.setWordWrap(True)
        self.graph_view = ComputationGraphView(self)
        self.graph_view.setMinimumSize(260, 300)
        self.graph_view.setAccessibleName(QCoreApplication.translate("AutogradLab", "Computation graph"))
        layout.addWidget(caption)
        layout.addLayout(self._build_zoom_bar())
        layout.addWidget(self.graph_view, 1)

    def _build_zoom_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.zoom_in_button = QToolButton(self)
        self.zoom_in_button.setText(QCoreApplication.translate("AutogradLab", "Zoom in"))
        self.zoom_in_button.setToolTip(
            QCoreApplication.translate("AutogradLab", "Draw the graph larger (Ctrl + wheel up, Ctrl + +).")
        )
        self.zoom_in_button.clicked.connect(self.graph_view.zoom_in)
        self.zoom_out_button = QToolButton(self)
        self.zoom_out_button.setText(QCoreApplication.translate("AutogradLab", "Zoom out"))
        self.zoom_out_button.setToolTip(
            QCoreApplication.translate("AutogradLab", "Draw the graph smaller (Ctrl + wheel down, Ctrl + -).")
        )
        self.zoom_out_button.clicked.connect(self.graph_view.zoom_out)
        self.fit_button = QToolButton(self)
        self.fit_button.setText(QCoreApplication.translate("AutogradLab", "Fit"))
        self.fit_button.setToolTip(
            QCoreApplication.translate(
                "AutogradLab",
                "Show the whole graph in the view, even if its text gets small (or double-click it).",
            )
        )
        self.fit_button.clicked.connect(self.graph_view.fit)
        self.zoom_label = QLabel(self)
        self.zoom_label.setToolTip(
            QCoreApplication.translate(
                "AutogradLab", "How large the graph is drawn: 100 % is the size of this text."
            )
        )
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
        text = QCoreApplication.translate("AutogradLab", "Zoom {0} %").format(round(zoom * 100))
        self.zoom_label.setText(text)
        self.zoom_label.setAccessibleName(text)


__all__ = ["GraphPane"]
