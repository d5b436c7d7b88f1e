"""A tab page that builds its content the first time it is shown.

The window opens without torch (training loads it in its own process); a tab whose
content computes with torch in this process, the autograd lab, is built only when a
student opens it, behind a one-line notice while torch loads.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class LazyTab(QWidget):
    """Holds ``factory(self)``'s widget, made on the first show (or the first :meth:`content`)."""

    def __init__(self, factory: Callable[[QWidget], QWidget], name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._factory = factory
        self._content: QWidget | None = None
        self.setAccessibleName(name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.notice = QLabel(self.tr("Loading PyTorch…"), self)
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.notice)

    @property
    def built(self) -> bool:
        return self._content is not None

    def content(self) -> QWidget:
        """The content widget, built now if it was not yet."""
        if self._content is None:
            self._content = self._factory(self)
            self.notice.hide()
            self.layout().addWidget(self._content)
            self._content.show()  # a child added to a shown widget stays hidden until asked
        return self._content

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._content is None:
            # After the notice has painted: the build holds the GUI thread while torch loads.
            QTimer.singleShot(20, self, self.content)
