"""Every control and panel a person can name has an accessible name (its label, or a text)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QGraphicsView,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from playground.core.config import TrainConfig

KINDS = (QAbstractButton, QComboBox, QAbstractSpinBox, QLineEdit, QAbstractSlider, QAbstractItemView,
         QPlainTextEdit, QTextEdit, QTabWidget, QGraphicsView)


def _qt_part(w: QWidget) -> bool:
    """Parts Qt makes inside its own widgets (a spin box's line edit, a table's headers, a
    combo box's pop-up list), named through the widget they belong to."""
    if w.objectName().startswith("qt_") or isinstance(w, (QScrollBar, QHeaderView)):
        return True
    parent = w.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox):
            return True
        parent = parent.parentWidget()
    return False


def test_every_control_of_every_tab_has_an_accessible_name(make_window, qtbot):
    w = make_window(TrainConfig(N=16, D_in=40, H=12, D_out=4, steps=10))
    w.show()
    assert w.lab is not None  # the lab, built on first opening, is checked too
    for i in range(w.tabs.count()):
        w.tabs.setCurrentIndex(i)
    for i in range(w.side_tabs.count()):
        w.side_tabs.setCurrentIndex(i)
    unnamed = [f"{type(c).__name__} in {type(c.parentWidget()).__name__}" for c in w.findChildren(QWidget)
               if isinstance(c, KINDS) and not _qt_part(c) and not c.accessibleName()
               and not (isinstance(c, QAbstractButton) and c.text())]
    assert unnamed == []
    assert w.controls.seed.accessibleName() == "Seed"  # a form field is named by its row's label
    assert w.tabs.accessibleName() == "Views" and w.side_tabs.accessibleName() == "Side panels"
