"""An inline message over the plot, with buttons: no modal dialog in the way of training."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class Banner(QFrame):
    """An inline message with optional buttons (no modal dialogs in the way of training)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("banner")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.buttons = QHBoxLayout()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addLayout(self.buttons)
        self.hide()

    def show_message(self, text: str, kind: str = "info", actions: list[tuple[str, object]] | None = None) -> None:
        colours = {"info": "#e8f0fe", "warning": "#fff4e5", "error": "#fdecea"}
        self.setStyleSheet(f"#banner {{ background: {colours.get(kind, colours['info'])}; }}")
        self.label.setText(text)
        while self.buttons.count():
            item = self.buttons.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for label, slot in actions or []:
            b = QPushButton(label, self)
            b.clicked.connect(slot)
            self.buttons.addWidget(b)
        close = QPushButton("×", self)
        close.setFlat(True)
        close.setToolTip(self.tr("Dismiss"))
        close.setFixedWidth(24)
        close.clicked.connect(self.hide)
        self.buttons.addWidget(close)
        self.show()
