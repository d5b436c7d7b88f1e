"""The inspector's composed texts: column headers and tips, gradient-check grades, heat-map captions.

They are written with the translation context "GradientInspector" (the class whose ``self.tr``
wrote them before they moved here), so the existing translations apply to them unchanged.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from .formatting import format_sci, matrix_shape

if TYPE_CHECKING:  # the gradient check runs in the worker: its types only here
    from ...core.gradcheck import GradCheckReport, ParamCheck

#: The update-to-weight ratio rule of thumb (context, not a verdict).
RATIO_RULE = 1e-3

GRADE_COLOURS = {
    "good": QColor("#2e7d32"),
    "acceptable": QColor("#7a7a00"),
    "suspicious": QColor("#c66900"),
    "wrong": QColor("#c62828"),
    "unresolved": QColor("#666666"),
}


def grade_colour(grade: str) -> QColor:
    return GRADE_COLOURS.get(grade, QColor("#666666"))


def column_headers() -> dict[str, tuple[str, str]]:
    """Per table column key, its header text and its tooltip."""
    return {
        "name": (
            QCoreApplication.translate("GradientInspector", "Parameter"),
            QCoreApplication.translate("GradientInspector", "The parameter tensor's name in the model."),
        ),
        "shape": (
            QCoreApplication.translate("GradientInspector", "Shape"),
            QCoreApplication.translate(
                "GradientInspector", "Rows × columns of the tensor (a bias has one dimension)."
            ),
        ),
        "weight_norm": (
            QCoreApplication.translate("GradientInspector", "‖w‖"),
            QCoreApplication.translate(
                "GradientInspector",
                "Size of the weights: the square root of the sum of their squares (L2 norm).",
            ),
        ),
        "grad_norm": (
            QCoreApplication.translate("GradientInspector", "‖∇‖"),
            QCoreApplication.translate(
                "GradientInspector",
                "Size of the gradient of the loss with respect to this tensor (L2 norm), before "
                "the update. Huge values warn of divergence; values near 0 of vanishing gradients.",
            ),
        ),
        "grad_mean": (
            QCoreApplication.translate("GradientInspector", "mean ∇"),
            QCoreApplication.translate(
                "GradientInspector",
                "Average gradient entry. Far from 0 means most weights are pushed the same way.",
            ),
        ),
        "grad_std": (
            QCoreApplication.translate("GradientInspector", "std ∇"),
            QCoreApplication.translate(
                "GradientInspector", "Spread (standard deviation) of the gradient entries."
            ),
        ),
        "grad_max_abs": (
            QCoreApplication.translate("GradientInspector", "max |∇|"),
            QCoreApplication.translate(
                "GradientInspector",
                "Largest gradient entry in absolute value; the heat map's colour scale is ±this.",
            ),
        ),
        "update_ratio": (
            QCoreApplication.translate("GradientInspector", "‖Δw‖/‖w‖ (≈1e-3)"),
            QCoreApplication.translate(
                "GradientInspector",
                "‖lr·update‖ / ‖w‖: how much this step changed the tensor, relative to its size. "
                "A common rule of thumb is about 1e-3: much smaller and the weights barely move "
                "(learning is slow); much larger and each step rewrites them (training may be "
                "unstable). It is a guide, not a law: Adam, for example, sets its own step size.",
            ),
        ),
        "check": (
            QCoreApplication.translate("GradientInspector", "gradient check"),
            QCoreApplication.translate(
                "GradientInspector",
                "Largest relative error |analytic − numerical| / (|analytic| + |numerical|) over a "
                "few sampled entries: below 1e-7 good, up to 1e-4 acceptable (usual for a large "
                "loss or ReLU kinks), up to 1e-2 suspicious, above 1e-2 wrong.",
            ),
        ),
        "autograd": (
            QCoreApplication.translate("GradientInspector", "hand vs autograd"),
            QCoreApplication.translate(
                "GradientInspector",
                "NumPy style: largest difference between the hand-written gradient and the one "
                "autograd computes for the same network, relative to the gradient's size. "
                "Around 1e-15 means they agree to rounding.",
            ),
        ),
    }


def update_ratio_tooltip(column_tip: str, ratio: float) -> str | None:
    """The update column's tip with where this step's ``ratio`` lies against the rule of thumb.

    None when the ratio says nothing (0, or not finite): the cell keeps the tip it has.
    """
    if not (ratio > 0 and math.isfinite(ratio)):
        return None
    orders = math.log10(ratio / RATIO_RULE)
    if abs(orders) < 0.5:
        where = QCoreApplication.translate("GradientInspector", "about the 1e-3 rule of thumb")
    elif orders > 0:
        where = QCoreApplication.translate(
            "GradientInspector", "{0:.1f} orders of magnitude above the 1e-3 rule of thumb"
        ).format(orders)
    else:
        where = QCoreApplication.translate(
            "GradientInspector", "{0:.1f} orders of magnitude below the 1e-3 rule of thumb"
        ).format(-orders)
    return column_tip + "\n\n" + QCoreApplication.translate("GradientInspector", "This step: ") + where + "."


def grade_word(grade: str) -> str:
    return {
        "good": QCoreApplication.translate("GradientInspector", "good"),
        "acceptable": QCoreApplication.translate("GradientInspector", "acceptable"),
        "suspicious": QCoreApplication.translate("GradientInspector", "suspicious"),
        "wrong": QCoreApplication.translate("GradientInspector", "wrong"),
        "unresolved": QCoreApplication.translate("GradientInspector", "too small to check"),
    }.get(grade, grade)


def check_tooltip(check: ParamCheck) -> str:
    """The sampled entries of one parameter's gradient check, and what its grade means."""
    lines = [
        QCoreApplication.translate(
            "GradientInspector", "Sampled entries (flat index: analytic vs numerical gradient):"
        ),
    ]
    for i, a, n in zip(check.indices, check.analytic, check.numeric, strict=True):
        lines.append(
            QCoreApplication.translate("GradientInspector", "  [{0}]  {1}  vs  {2}").format(
                i, format_sci(a), format_sci(n)
            )
        )
    meaning = {
        "good": QCoreApplication.translate(
            "GradientInspector", "The gradient matches finite differences: it is right."
        ),
        "acceptable": QCoreApplication.translate(
            "GradientInspector",
            "Close: normal when the loss is large (finite differences lose digits to rounding) "
            "or the activation has kinks (ReLU).",
        ),
        "suspicious": QCoreApplication.translate(
            "GradientInspector", "Larger than rounding explains: look for a small mistake."
        ),
        "wrong": QCoreApplication.translate(
            "GradientInspector", "The gradient does not match the loss: the backward pass has a mistake."
        ),
        "unresolved": QCoreApplication.translate(
            "GradientInspector", "The gradient is smaller than finite differences can measure at this loss."
        ),
    }.get(check.grade, "")
    return "\n".join(lines + ["", meaning])


def check_summary(report: GradCheckReport) -> str:
    """One rich-text line: the worst grade, the largest error and ε (and hand vs autograd)."""
    worst = report.grade
    text = QCoreApplication.translate(
        "GradientInspector",
        "Gradient check: <b style='color:{0}'>{1}</b> (largest relative error {2}, ε = {3}).",
    ).format(grade_colour(worst).name(), grade_word(worst), format_sci(report.max_rel_error),
             format_sci(report.eps))
    if report.autograd_max_rel_diff is not None:
        text += " " + QCoreApplication.translate(
            "GradientInspector", "Hand-written vs autograd: largest relative difference {0}."
        ).format(format_sci(report.autograd_max_rel_diff))
    return text


def heatmap_caption_text(shape: tuple[int, ...], preview_shape: tuple[int, ...]) -> str:
    """Which rows and columns of a ``shape`` parameter its ``preview_shape`` heat map shows.

    Empty when the heat map shows every entry; otherwise "1 in k" for rows and columns,
    k being the parameter's rows (columns) over the rows (columns) shown.
    """
    rows, cols = matrix_shape(tuple(shape))
    shown_rows, shown_cols = (tuple(preview_shape) + (1, 1))[:2]
    if (shown_rows, shown_cols) == (rows, cols):
        return ""

    def step(total: int, shown: int) -> str:
        k = total / max(shown, 1)
        return f"{k:.0f}" if abs(k - round(k)) < 0.05 else f"{k:.1f}"

    if shown_rows < rows:
        row_text = QCoreApplication.translate("GradientInspector", "{0} of {1} rows (1 in {2})").format(
            shown_rows, rows, step(rows, shown_rows)
        )
    else:
        row_text = QCoreApplication.translate("GradientInspector", "all {0} rows").format(rows)
    if shown_cols < cols:
        col_text = QCoreApplication.translate("GradientInspector", "{0} of {1} columns (1 in {2})").format(
            shown_cols, cols, step(cols, shown_cols)
        )
    else:
        col_text = QCoreApplication.translate("GradientInspector", "all {0} columns").format(cols)
    return QCoreApplication.translate("GradientInspector", "Heat map: {0}, {1}.").format(row_text, col_text)
