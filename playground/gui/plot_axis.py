"""The loss plot's axes: tick labels that are the loss itself, never scaled, and coarse ranges.

A log axis is labelled from the exponents alone (:func:`log_tick_text`), so a loss past
1e308 still gets its label; :class:`LossAxis` turns off pyqtgraph's hidden SI multiplier.
While the plot follows a run, :func:`follow_view` fits the view to the data in coarse
steps (x to the next 1-2-5 number of steps, y to whole half-decades on a log axis) rather
than by pyqtgraph's auto-range at every redraw: re-laying out the axes was two thirds of
a paint, and a view that moves only when the data leave it needs that only a few times
per run.
"""

from __future__ import annotations

import math

import pyqtgraph as pg

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def nice_ceil(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``value`` (> 0)."""
    if not value > 0 or not math.isfinite(value):
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 5.0, 10.0):
        nice = step * power
        if nice >= value * (1 - 1e-12):
            return nice if math.isfinite(nice) else value  # near float64's largest, the value itself
    return value


def log_tick_text(exponent: float) -> str:
    """The loss at ``10 ** exponent`` as a tick label, written from the exponent alone.

    One significant digit, as pyqtgraph's log ticks have: "0.01", "1", "1000", "2·10⁵",
    "10⁻¹²".  Raising 10 to the exponent is avoided, so an exponent past 308 gives its
    label, not an overflow.
    """
    if not math.isfinite(exponent):
        return ""
    power = math.floor(exponent + 1e-9)  # a tick at 3 computed as 2.9999999 is 10^3
    mantissa = round(10.0 ** (exponent - power))  # 1..10
    if mantissa >= 10:
        mantissa, power = 1, power + 1
    mantissa = max(mantissa, 1)
    if -3 <= power <= 3:
        return f"{mantissa * 10.0 ** power:.{max(0, -power)}f}"
    ten = "10" + str(power).translate(_SUPERSCRIPT)
    return ten if mantissa == 1 else f"{mantissa}·{ten}"


class LossAxis(pg.AxisItem):
    """An axis whose tick labels are the loss itself, on a log axis too, never scaled.

    pyqtgraph's automatic SI prefix divides an axis's numbers by a power of 1000 when
    they are large and says so in the label; on a log axis it did that to the exponents
    (a range up to 1e35 read "loss (log scale) (x1e+27)" with the tick at 1 labelled
    10⁻²⁷), and it raised 10 to the view's range, which overflows past 1e308.  Here the
    scale is always 1, and log ticks are labelled by :func:`log_tick_text`.
    """

    def updateAutoSIPrefix(self) -> None:  # noqa: N802 (pyqtgraph's name)
        self.autoSIPrefixScale = 1.0
        self.labelUnitPrefix = ""
        self._updateLabel()

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        return [log_tick_text(float(v)) for v in values]


def follow_view(last: int, total: int, bounds: list[tuple[float, float]], log_y: bool,
                previous: tuple[float, float, float] | None) -> tuple[float, float, float]:
    """(x max, y min, y max) of the view that shows runs whose last step drawn is ``last``.

    x goes to the next 1-2-5 number past ``last`` (with 2% room), but not past ``total``,
    the last step of the longest run: a run ends there.  y covers the finite ``bounds``
    (min, max) of every run drawn, in whole half-decades of log10 when ``log_y``, else
    from 0 (or a 1-2-5 number below it) to a 1-2-5 number.  With no finite value, the y
    range of ``previous`` (the view last set) stays, or a default one is taken.
    """
    nice = nice_ceil(max(last, 1) * 1.02)
    x_max = float(min(nice, total) if total > last else nice)  # a run ends at its last step
    if bounds:
        lo, hi = min(b[0] for b in bounds), max(b[1] for b in bounds)
        if log_y:  # whole half-decades
            lo, hi = math.floor(lo * 2) / 2, math.ceil(hi * 2) / 2
            hi = hi if hi > lo else lo + 0.5
        else:
            lo = 0.0 if lo >= 0 else -nice_ceil(-lo)
            hi = nice_ceil(hi) if hi > 0 else 1.0
    elif previous is not None:
        _, lo, hi = previous
    else:
        lo, hi = (-1.0, 1.0) if log_y else (0.0, 1.0)
    return x_max, lo, hi
