"""What the user typed into the Autograd lab, read as numbers, or the reason it cannot be.

Every input may be text (a table cell, a line edit) or numbers; bad input raises
:class:`LabInputError`, whose ``field`` names the culprit (``x[0][1]``, ``threshold``,
``v[2]``) and whose ``reason`` is a code the GUI words in the user's language.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

#: Most elements an input may have: the lab is for looking at numbers, not big data.
MAX_ELEMENTS = 10_000


class LabInputError(ValueError):
    """A lab input is unusable; ``field`` names it (``x[0][1]``, ``threshold``, ``v``).

    ``reason`` is a short code (see the ``REASON_*`` constants) so a GUI can word the
    message in the user's language; ``text`` is the offending text, where there is one.
    """

    def __init__(self, field_name: str, reason: str, message: str, text: str | None = None) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.reason = reason
        self.message = message
        self.text = text


REASON_NOT_A_NUMBER = "not-a-number"
REASON_NOT_FINITE = "not-finite"
REASON_EMPTY = "empty"
REASON_SHAPE = "shape"
REASON_TOO_LARGE = "too-large"
REASON_LENGTH = "length-mismatch"
REASON_NO_GRAPH = "no-graph"

_SEPARATORS = re.compile(r"[,;\s]+")


def _to_float(value: Any, field_name: str, *, allow_inf: bool = False) -> float:
    """One number from a number or a string; ``field_name`` goes into any error."""
    if isinstance(value, (bool, np.bool_)):
        raise LabInputError(field_name, REASON_NOT_A_NUMBER, f"{value!r} is not a number", str(value))
    if isinstance(value, str):
        text = value.strip().replace("\u2212", "-")  # a typographic minus pasted from a page
        if not text:
            raise LabInputError(field_name, REASON_EMPTY, "is empty: enter a number", value)
        try:
            number = float(text)
        except ValueError:
            raise LabInputError(
                field_name, REASON_NOT_A_NUMBER, f"{value!r} is not a number", value
            ) from None
    else:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise LabInputError(
                field_name, REASON_NOT_A_NUMBER, f"{value!r} is not a number", repr(value)
            ) from None
    if math.isnan(number) or (math.isinf(number) and not allow_inf):
        raise LabInputError(
            field_name, REASON_NOT_FINITE, f"must be a finite number, got {number!r}", str(value)
        )
    return number


def parse_matrix(value: Any, field_name: str = "x") -> np.ndarray:
    """A non-empty 2-D float64 array from nested lists/arrays of numbers or strings.

    Errors name the element as ``x[row][column]`` (0-based, as Python indexes the
    nested list the user typed).
    """
    if isinstance(value, (str, bytes)):
        raise LabInputError(field_name, REASON_SHAPE, "must be a table (a list of rows), not text")
    rows: list[Any]
    if isinstance(value, np.ndarray):
        if value.ndim != 2:
            raise LabInputError(
                field_name, REASON_SHAPE, f"must be 2-D (rows and columns), got {value.ndim}-D"
            )
        rows = list(value)
    else:
        try:
            rows = list(value)
        except TypeError:
            raise LabInputError(field_name, REASON_SHAPE, "must be a table (a list of rows)") from None
    if not rows:
        raise LabInputError(field_name, REASON_EMPTY, "has no rows")
    out: list[list[float]] = []
    width: int | None = None
    for i, row in enumerate(rows):
        if isinstance(row, (str, bytes)) or not isinstance(row, Iterable):
            raise LabInputError(
                f"{field_name}[{i}]", REASON_SHAPE, "must be a row of numbers (x must be 2-D)"
            )
        cells = list(row)
        if width is None:
            width = len(cells)
            if width == 0:
                raise LabInputError(f"{field_name}[{i}]", REASON_EMPTY, "has no columns")
        elif len(cells) != width:
            raise LabInputError(
                f"{field_name}[{i}]",
                REASON_SHAPE,
                f"has {len(cells)} columns but row 0 has {width}: every row needs the same length",
            )
        if len(rows) * width > MAX_ELEMENTS:
            raise LabInputError(field_name, REASON_TOO_LARGE, f"has more than {MAX_ELEMENTS} elements")
        out.append([_to_float(c, f"{field_name}[{i}][{j}]") for j, c in enumerate(cells)])
    return np.asarray(out, dtype=np.float64)


def parse_vector(value: Any, field_name: str = "x", *, length: int | None = None) -> np.ndarray:
    """A non-empty 1-D float64 array from ``"1, 2, 3"``, ``"[1 2 3]"`` or a sequence.

    ``length``, when given, is the number of elements required.
    """
    if isinstance(value, str):
        text = value.strip()
        if text.startswith(("[", "(")) and text.endswith(("]", ")")):
            text = text[1:-1]
        items: list[Any] = [t for t in _SEPARATORS.split(text) if t]
        if not items:
            raise LabInputError(field_name, REASON_EMPTY, "is empty: enter numbers separated by commas")
    elif isinstance(value, np.ndarray):
        if value.ndim != 1:
            raise LabInputError(
                field_name, REASON_SHAPE, f"must be 1-D (a list of numbers), got {value.ndim}-D"
            )
        items = list(value)
    else:
        try:
            items = list(value)
        except TypeError:
            raise LabInputError(field_name, REASON_SHAPE, "must be a list of numbers") from None
        if not items:
            raise LabInputError(field_name, REASON_EMPTY, "is empty: enter at least one number")
    if len(items) > MAX_ELEMENTS:
        raise LabInputError(field_name, REASON_TOO_LARGE, f"has more than {MAX_ELEMENTS} elements")
    numbers = []
    for i, item in enumerate(items):
        if not isinstance(item, (str, bytes)) and isinstance(item, (Sequence, np.ndarray)):
            raise LabInputError(f"{field_name}[{i}]", REASON_SHAPE, "must be a number (the input is 1-D)")
        numbers.append(_to_float(item, f"{field_name}[{i}]"))
    if length is not None and len(numbers) != length:
        raise LabInputError(
            field_name,
            REASON_LENGTH,
            f"has {len(numbers)} numbers but x has {length}: v needs one weight per element of y",
        )
    return np.asarray(numbers, dtype=np.float64)


def parse_threshold(value: Any) -> float:
    """The loop's threshold: any number, or ``inf`` (the doubling cap then stops it)."""
    return _to_float(value, "threshold", allow_inf=True)
