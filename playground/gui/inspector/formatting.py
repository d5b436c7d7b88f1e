"""How the inspector writes numbers, shapes and its secondary lines."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QLabel


def format_sci(value: float) -> str:
    """Compact scientific notation: ``1.23e-4``, ``-5.00e2``, ``0``, ``nan``, ``inf``."""
    if value != value:
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def compact_tick(value: float) -> str:
    """A short axis label: ``0``, ``0.5``, ``-12``, ``3e-4``, ``-1.25e6`` (no trailing zeros)."""
    if value == 0 or not math.isfinite(value):
        return format_sci(value)
    plain = f"{value:.3g}"
    if 1e-2 <= abs(value) < 1e3 and "e" not in plain:  # 999.5 rounds to "1e+03"
        return plain
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


def matrix_shape(shape: tuple[int, ...]) -> tuple[int, int]:
    """Rows and columns of a parameter as the heat map draws it (a bias is one row)."""
    if len(shape) == 2:
        return shape[0], shape[1]
    if len(shape) == 1:
        return 1, shape[0]
    return 1, 1  # a scalar: the only other shape the statistics preview


def format_shape(shape: tuple[int, ...]) -> str:
    if not shape:
        return QCoreApplication.translate("GradientInspector", "scalar")
    return "×".join(str(n) for n in shape)


def symmetric_level(max_abs: float, preview: np.ndarray) -> float:
    """Half-width of a colour scale centred on 0: ``max|g|``, or a usable stand-in."""
    if math.isfinite(max_abs) and max_abs > 0:
        return max_abs
    finite = np.abs(preview[np.isfinite(preview)])
    m = float(finite.max()) if finite.size else 0.0
    return m if m > 0 else 1.0


def make_small_print(label: QLabel) -> None:
    """A secondary, wrapped line: smaller font, muted colour."""
    label.setWordWrap(True)
    small = QFont(label.font())
    small.setPointSizeF(max(6.0, small.pointSizeF() * 0.85))
    label.setFont(small)
    muted = label.palette()
    muted.setColor(QPalette.ColorRole.WindowText, muted.color(QPalette.ColorRole.PlaceholderText))
    label.setPalette(muted)
