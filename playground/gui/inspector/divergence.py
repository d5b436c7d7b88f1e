"""The divergence panel: a one-line summary of why training diverged, the full explanation on
demand, and a restart at the learning rate the diagnosis offers."""

from __future__ import annotations

import html
import math
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QToolButton

from ...core.diagnosis import Diagnosis
from .. import diagnosis_text

#: The summary box and the explanation below it look like one pink panel.
_DIVERGED_STYLE = "background: rgba(255, 120, 120, 40); border: 1px solid rgba(200, 40, 40, 120);"


class FittedScrollArea(QScrollArea):
    """A scroll area that asks for its wrapped text's whole height at its current width.

    QScrollArea's own hint is the text's hint at the text's preferred width, which at a
    narrower width cuts lines off even when the panel has room for them.
    """

    def sizeHint(self):  # noqa: N802 - Qt API
        hint = super().sizeHint()
        inner = self.widget()
        if inner is not None and inner.hasHeightForWidth():
            hint.setHeight(inner.heightForWidth(self.viewport().width()) + 2 * self.frameWidth())
        return hint

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # the wrapped text's height changed with the width


class DivergenceBox(QFrame):
    """The divergence explanation: a one-line summary with "Why?" to read all of it.

    Collapsed it costs one or two lines, so a short window keeps its charts legible;
    expanded, the full text (:attr:`details`, which the panel lays out below the box)
    scrolls if the panel is short.  The details are not inside the box: a box holding
    wrapped text gets a fixed height-for-width from the layout and could not shrink.
    (superqt's QCollapsible puts its title in a button, which cannot wrap a long line.)
    """

    #: The user asked to restart with this learning rate.
    restartRequested = Signal(float)

    def __init__(self) -> None:
        super().__init__()
        self.divergence: Any = None  # the Divergence explained, None when there is none
        self.restart_lr = math.nan
        self.setAccessibleName(QCoreApplication.translate("GradientInspector", "Divergence"))
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("divergenceBox")
        self.setStyleSheet(
            f"#divergenceBox {{ {_DIVERGED_STYLE} }}"
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 4, 6, 4)
        self.toggle = QToolButton()
        self.toggle.setText(QCoreApplication.translate("GradientInspector", "Why?"))
        self.toggle.setAccessibleName(QCoreApplication.translate("GradientInspector", "Why?"))
        self.toggle.setToolTip(
            QCoreApplication.translate("GradientInspector", "Show or hide the usual causes of a divergence.")
        )
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setAutoRaise(True)
        self.toggle.toggled.connect(self._on_toggle_toggled)
        row.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignTop)
        self.summary = QLabel()
        self.summary.setAccessibleName(QCoreApplication.translate("GradientInspector", "Divergence summary"))
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        row.addWidget(self.summary, 1)
        self.restart_button = QPushButton()
        self.restart_button.setAccessibleName(QCoreApplication.translate("GradientInspector", "Restart"))
        self.restart_button.setToolTip(
            QCoreApplication.translate(
                "GradientInspector",
                "Start the run again from the same seed with a learning rate ten times smaller.",
            )
        )
        self.restart_button.clicked.connect(self._on_restart_button_clicked)
        row.addWidget(self.restart_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

        self.label = QLabel()
        explanation = QCoreApplication.translate("GradientInspector", "Divergence explanation")
        self.label.setAccessibleName(explanation)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setContentsMargins(6, 4, 6, 4)
        self.details = FittedScrollArea()
        self.details.setAccessibleName(explanation)
        self.details.setObjectName("divergenceDetails")
        self.details.setStyleSheet(
            f"#divergenceDetails {{ {_DIVERGED_STYLE} }}"
        )
        self.details.setWidget(self.label)
        self.details.setWidgetResizable(True)
        self.details.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.details.viewport().setAutoFillBackground(False)
        self.label.setAutoFillBackground(False)
        self.details.hide()

    def show_divergence(self, divergence: Any, lr: float, diagnosis: Diagnosis | None) -> None:
        """Explain ``divergence`` by its diagnosed cause and offer a restart at the learning rate
        the diagnosis gives (lr / 10 without one); no restart button when a smaller lr is not the
        cure (a classic mistake is)."""
        self.divergence = divergence
        restart = float(lr) / 10.0 if diagnosis is None else diagnosis.restart_lr
        self.restart_lr = math.nan if restart is None else float(restart)
        text = divergence_text(divergence, diagnosis)
        self.label.setText(text)
        self.summary.setText(first_line(text))
        self.restart_button.setVisible(restart is not None)
        if restart is not None:
            restart_text = QCoreApplication.translate("GradientInspector", "Restart with lr = {0:g}")
            self.restart_button.setText(restart_text.format(self.restart_lr))
        self.show()
        self.details.setVisible(self.toggle.isChecked())

    def clear(self) -> None:
        self.divergence = None
        self.hide()
        self.details.hide()

    @Slot(bool)
    def _on_toggle_toggled(self, expanded: bool) -> None:
        self.details.setVisible(expanded and self.divergence is not None)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)

    @Slot()
    def _on_restart_button_clicked(self) -> None:
        self.restartRequested.emit(self.restart_lr)


def divergence_text(d: Any, diagnosis: Diagnosis | None) -> str:
    """A headline naming the step and the tensor, then the diagnosed cause and what to try."""
    value = html.escape(str(d.value), quote=False)
    tensor = html.escape(str(d.tensor), quote=False)
    if d.kind == "loss":
        what = QCoreApplication.translate("GradientInspector", "the loss became {0}").format(value)
    elif d.kind == "gradient":
        what = QCoreApplication.translate("GradientInspector", "the gradient of {0} became {1}")
        what = what.format(tensor, value)
    else:
        what = QCoreApplication.translate("GradientInspector", "{0} became {1} in the update")
        what = what.format(tensor, value)
    head = QCoreApplication.translate("GradientInspector", "<b>Training diverged at step {0}: {1}.</b>")
    head = head.format(d.step, what)
    if diagnosis is None:
        advice = QCoreApplication.translate(
            "GradientInspector", "Try again with a learning rate ten times smaller."
        )
        return f"{head}<p>{advice}</p>"
    return f"{head}<p>{diagnosis_text.html(diagnosis)}</p>"


def first_line(rich_text: str) -> str:
    """The first paragraph of a rich text, as plain text (the divergence summary line)."""
    doc = QTextDocument()
    doc.setHtml(rich_text)
    return f"<b>{html.escape(doc.firstBlock().text().strip(), quote=False)}</b>"
