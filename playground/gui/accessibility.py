"""Accessible names from what a person sees: a form's row label names its field.

Screen readers (and the tests) find a control by its accessible name; a field in a
``QFormLayout`` shows its name in the label beside it, so that label's words are its name.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget


def name_fields_by_labels(form: QFormLayout) -> None:
    """Give each field of ``form`` that has no accessible name its row label's text
    ("&Seed" -> "Seed", "x =" -> "x")."""
    for row in range(form.rowCount()):
        label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        if label is None or field is None:
            continue
        text, widget = label.widget(), field.widget()
        if isinstance(text, QLabel) and isinstance(widget, QWidget) and not widget.accessibleName():
            name = text.text().replace("&", "").rstrip(" =:")
            if name:
                widget.setAccessibleName(name)


def name_form_fields(widget: QWidget) -> None:
    """:func:`name_fields_by_labels` for every form layout inside ``widget``."""
    for form in widget.findChildren(QFormLayout):
        name_fields_by_labels(form)
