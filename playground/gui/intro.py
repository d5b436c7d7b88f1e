"""The first-run guide: a short, dismissible card over the loss plot.

Shown on the very first start and from Help → "Show the introduction".  It says
what the data is (random inputs and random targets: the network learns to fit
noise, which is the lesson's point), what to press, and what to try next.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

#: Widest the card gets; it shrinks with a small plot, keeping this margin around it.
MAX_WIDTH = 520
MARGIN = 16


class IntroGuide(QFrame):
    """A card laid over ``host`` (the plot), centred near its top, until dismissed."""

    dismissed = Signal()

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.setObjectName("introGuide")
        self.setAccessibleName(self.tr("Introduction"))
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setStyleSheet("#introGuide { background: #fffdf2; border: 1px solid #d9c98a; border-radius: 6px; }")
        title = QLabel(self.tr("<b>Welcome to Backprop Playground</b>"), self)
        self.body = QLabel(self)
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setText(self.tr(
            "<p><b>The data.</b> x holds 64 random inputs and y 64 random targets, as in the lesson: the "
            "network learns to fit noise. That is the point, not a bug: it shows back-propagation driving "
            "the loss down on whatever it is given.</p>"
            "<p><b>Press F5</b> (Start) and watch the loss fall, 100 steps a second; the Speed box above "
            "goes from slow motion to full speed. The inspector on the right shows each layer's "
            "gradients.</p>"
            "<p><b>Then try:</b> raise the learning rate ten times (watch it diverge, and read why); "
            "switch the style to nn.Module and the optimizer to Adam; open <i>More</i> and switch on a "
            "classic mistake, such as forgetting to zero the gradients.</p>"))
        self.body.setAccessibleName(self.tr("Introduction text"))
        self.close_button = QPushButton(self.tr("Got it"), self)
        self.close_button.setAccessibleName(self.tr("Got it"))
        self.close_button.setToolTip(self.tr("Hide this guide (Help → Show the introduction brings it back)"))
        self.close_button.clicked.connect(self.dismiss)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(title)
        layout.addWidget(self.body)
        layout.addLayout(row)
        host.installEventFilter(self)
        self.hide()

    def show_guide(self) -> None:
        self._place()
        self.show()
        self.raise_()

    @Slot()
    def dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize and not self.isHidden():
            self._place()
        return False

    def _place(self) -> None:
        host = self.parentWidget()
        width = max(200, min(MAX_WIDTH, host.width() - 2 * MARGIN))
        height = self.heightForWidth(width) if self.hasHeightForWidth() else self.sizeHint().height()
        height = min(max(height, self.minimumSizeHint().height()), max(120, host.height() - 2 * MARGIN))
        self.setGeometry((host.width() - width) // 2, MARGIN, width, height)
