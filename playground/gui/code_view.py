"""The code panel: the plain script equivalent to the current configuration.

It shows :func:`~playground.core.codegen.generate_script` for the configuration
the window holds, highlighted by superqt's pygments highlighter, read-only, and
offers to copy it or save it as a ``.py`` file.  A student can run the saved
file with torch alone and see the app's losses digit for digit.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QEvent, Signal, Slot
from PySide6.QtGui import QFont, QFontDatabase, QFontMetricsF, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from superqt.utils import CodeSyntaxHighlight

from ..core.codegen import generate_script
from ..core.config import TrainConfig
from ..core.persistence import atomic_write_text

LIGHT_THEME = "default"
DARK_THEME = "monokai"


#: Fallbacks where the platform's fixed font is not monospaced after all.
MONO_FAMILIES = ["DejaVu Sans Mono", "Menlo", "Consolas", "Courier New", "Noto Mono", "monospace"]


def is_monospaced(font: QFont) -> bool:
    """Whether narrow and wide letters take the same room (metadata can say otherwise)."""
    metrics = QFontMetricsF(font)
    return metrics.horizontalAdvance("iiii") == metrics.horizontalAdvance("WWWW")


def monospace_font() -> QFont:
    """The platform's fixed-width font, or a well-known monospaced family."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if not is_monospaced(font):
        font = QFont()
        font.setFamilies(MONO_FAMILIES)
        font.setStyleHint(QFont.StyleHint.Monospace)
    return font


def default_file_name(cfg: TrainConfig) -> str:
    """``two_layer_net_<style>.py``: a name that says which way the network is written."""
    return f"two_layer_net_{cfg.style}.py"


class CodeView(QWidget):
    """Read-only, highlighted view of the equivalent script, with Copy and Save."""

    #: A short note for the status bar ("Copied…", "Saved…").
    statusMessage = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        config: TrainConfig | None = None,
    ) -> None:
        super().__init__(parent)
        self._config: TrainConfig | None = None
        self._text = ""
        self._last_folder = ""

        self.intro = QLabel(
            self.tr(
                "The same training as a plain script: run it with Python and PyTorch alone "
                "and it prints the losses the app shows, digit for digit."
            ),
            self,
        )
        self.intro.setWordWrap(True)

        self.editor = QPlainTextEdit(self)
        self.editor.setAccessibleName(self.tr("Code"))
        self.editor.setReadOnly(True)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setFont(monospace_font())
        # Given the editor (not only its document), the highlighter also paints the
        # editor's background in the theme's colour.
        self._theme_name = self._theme()
        self.highlighter = CodeSyntaxHighlight(self.editor, "python", self._theme_name)

        self.copy_button = QPushButton(self.tr("Copy"), self)
        self.copy_button.setToolTip(self.tr("Put the whole script on the clipboard."))
        self.copy_button.clicked.connect(self._on_copy_clicked)
        self.save_button = QPushButton(self.tr("Save as .py…"), self)
        self.save_button.setToolTip(self.tr("Save the script as a Python file you can run on its own."))
        self.save_button.clicked.connect(self._on_save_clicked)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.editor, 1)
        layout.addLayout(buttons)

        self._set_buttons_enabled()
        if config is not None:
            self.set_config(config)

    # -- public API -------------------------------------------------------------------
    def set_config(self, cfg: TrainConfig) -> None:
        """Show the script for ``cfg``; the view keeps its scroll position."""
        self._config = cfg
        self._refresh()

    def _refresh(self) -> None:
        if self._config is None:
            return
        text = generate_script(self._config)
        if text == self._text:
            return
        self._text = text
        self._set_buttons_enabled()
        # Highlighting the script takes 20-30 ms of the GUI thread (and the GIL a running
        # training needs): done only when the view can be seen, else when it is shown.
        if self.isVisible():
            self._show_text()

    def _show_text(self) -> None:
        if self.editor.toPlainText() == self._text:
            return
        vbar = self.editor.verticalScrollBar()
        hbar = self.editor.horizontalScrollBar()
        v, h = vbar.value(), hbar.value()
        self.editor.setPlainText(self._text)
        vbar.setValue(min(v, vbar.maximum()))
        hbar.setValue(min(h, hbar.maximum()))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._show_text()
        super().showEvent(event)

    def config(self) -> TrainConfig | None:
        return self._config

    def text(self) -> str:
        """The script shown (exactly what Copy and Save give)."""
        return self._text

    def save_to(self, path: str) -> bool:
        """Write the script to ``path`` atomically; on failure say why in a message box."""
        try:
            atomic_write_text(path, self._text)
        except (OSError, ValueError) as exc:  # ValueError: a path Python cannot use (a NUL)
            reason = getattr(exc, "strerror", None) or str(exc)
            QMessageBox.critical(
                self,
                self.tr("Could not save the script"),
                self.tr("Could not save the script to {path}:\n{reason}").format(path=path, reason=reason),
            )
            return False
        self._last_folder = str(Path(path).parent)
        self.statusMessage.emit(self.tr("Script saved to {path}").format(path=path))
        return True

    # -- slots ----------------------------------------------------------------------------
    @Slot()
    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self._text)
        self.statusMessage.emit(self.tr("Script copied to the clipboard"))

    @Slot()
    def _on_save_clicked(self) -> None:
        if not self._text or self._config is None:
            return
        folder = self._last_folder or os.path.expanduser("~")
        suggested = os.path.join(folder, default_file_name(self._config))
        path, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the script"),
            suggested,
            self.tr("Python scripts (*.py);;All files (*)"),
        )
        if not path:
            return  # cancelled
        if not Path(path).suffix:
            path += ".py"
        self.save_to(path)

    # -- helpers -------------------------------------------------------------------------
    def _theme(self) -> str:
        """A light pygments theme on a light palette, a dark one on a dark palette."""
        window = self.palette().color(QPalette.ColorRole.Window)
        return DARK_THEME if window.lightness() < 128 else LIGHT_THEME

    def _set_buttons_enabled(self) -> None:
        has_text = bool(self._text)
        self.copy_button.setEnabled(has_text)
        self.save_button.setEnabled(has_text)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        # Follow a switch between a light and a dark palette.
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "highlighter"):
            theme = self._theme()
            if theme != self._theme_name:
                self._theme_name = theme
                self.highlighter.setTheme(theme)
        super().changeEvent(event)
