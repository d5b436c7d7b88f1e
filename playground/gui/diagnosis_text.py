"""A run's diagnosis in the interface's language.

The wording lives once, in :data:`playground.core.diagnosis.CAUSES` (marked for
Qt Linguist in the ``Diagnosis`` context); this fills the translated texts with
the diagnosis's figures.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QCoreApplication

from ..core.diagnosis import CAUSES, Diagnosis


def _tr(text: str) -> str:
    return QCoreApplication.translate("Diagnosis", text)


def title(d: Diagnosis) -> str:
    return _tr(CAUSES[d.cause].title).format(**d.values)


def explanation(d: Diagnosis) -> str:
    return _tr(CAUSES[d.cause].explanation).format(**d.values)


def hint(d: Diagnosis) -> str:
    return _tr(CAUSES[d.cause].hint).format(**d.values)


def sentence_end() -> str:
    """The full stop after a title, in the interface's language ("." or "。")."""
    return QCoreApplication.translate("Diagnosis", ".")


def html(d: Diagnosis) -> str:
    """Title in bold, then the explanation and what to try (rich text for a QLabel)."""
    return f"<b>{escape(title(d))}{sentence_end()}</b> {escape(explanation(d))}<br><i>{escape(hint(d))}</i>"
