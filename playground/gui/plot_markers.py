"""The loss plot's learning-rate markers: a dotted line per lr change, labels that never overlap.

A run with thousands of lr changes gets at most :data:`MAX_MARKER_LINES` lines: past
that many in view, neighbouring changes share a line whose tooltip lists them
(:func:`marker_groups`).  :func:`place_marker_lines` reuses a run's lines as the view
moves; :func:`stagger_labels` gives each label a level where it overlaps no other, or
shortens it to :data:`MARKER_LABEL_ELIDED` (its full text stays in the tooltip).

Texts keep the translation context ``LossPlot`` they were written under: lupdate needs
the context and text literally in each translate() call.  The constants' comments are
plain ``#`` ones, because lupdate hands ``#:`` comments to translators as a note on
the next text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontMetricsF

# Where the learning-rate labels sit along their marker line (fractions of the view's height,
# from the bottom).  A label too close to one already at a level takes the next level down.
MARKER_LABEL_LEVELS = (0.92, 0.82, 0.72, 0.62)
# Least space between two labels at one level, in pixels.
MARKER_LABEL_GAP_PX = 6.0
# A label with no free level shows this; its full text is in the tooltip of label and line.
MARKER_LABEL_ELIDED = "…"
# The most lr-change marker lines one run gets.  Past this many changes in view, neighbouring
# changes share a line (its label says how many, its tooltip lists them): each line is several
# graphics items to lay out and paint, and a run can change its lr thousands of times.
MAX_MARKER_LINES = 50
# The changes a shared marker line's tooltip lists; the rest are counted.
MARKER_TOOLTIP_CHANGES = 20

# (step, label, tooltip) of one marker line.
MarkerGroup = tuple[float, str, str]


def marker_text(lr: float) -> str:
    """The full label of an lr-change marker."""
    return f"lr → {lr:g}"


def change_steps(changes: Sequence[tuple[int, float]], known: np.ndarray | None) -> np.ndarray | None:
    """The steps of ``changes`` as numbers, to find those in view: ``known`` while it still fits.

    Made only when there are more changes than lines (fewer are drawn one line each, in
    view or not), and again when their count changes.
    """
    if len(changes) <= MAX_MARKER_LINES or (known is not None and len(known) == len(changes)):
        return known
    return np.fromiter((step for step, _ in changes), dtype=np.float64, count=len(changes))


def marker_groups(changes: Sequence[tuple[int, float]], steps: np.ndarray | None,
                  x0: float, x1: float) -> list[MarkerGroup]:
    """(step, label, tooltip) of each marker line a run gets in the view from ``x0`` to ``x1``.

    Up to :data:`MAX_MARKER_LINES` changes, one line each, in view or not.  More:
    the changes in view, and past that many, neighbouring changes share a line at the
    first one's step, its tooltip listing them.  ``steps`` are the changes' steps
    (:func:`change_steps`), needed only in the second case.
    """
    if len(changes) <= MAX_MARKER_LINES:
        return [(float(step), text, text) for step, lr in changes for text in (marker_text(lr),)]
    assert steps is not None and len(steps) == len(changes)
    inside = np.flatnonzero((steps >= x0) & (steps <= x1))
    if len(inside) == 0:  # zoomed in between changes: no line to draw
        return []
    out = []
    for group in np.array_split(inside, min(len(inside), MAX_MARKER_LINES)):
        if len(group) == 1:
            step, lr = changes[int(group[0])]
            out.append((float(step), marker_text(lr), marker_text(lr)))
            continue
        listed = [changes[int(i)] for i in group[:MARKER_TOOLTIP_CHANGES]]
        lines = [QCoreApplication.translate("LossPlot", "{0} learning-rate changes, steps {1} to {2}:").format(
            len(group), int(steps[group].min()), int(steps[group].max()))]
        lines += [f"{step}: {marker_text(lr)}" for step, lr in listed]
        if len(group) > len(listed):
            lines.append(QCoreApplication.translate("LossPlot", "… and {0} more").format(len(group) - len(listed)))
        out.append((float(steps[group].min()), QCoreApplication.translate("LossPlot", "{0} lr changes").format(
            len(group)), "\n".join(lines)))
    return out


def place_marker_lines(plot_item: pg.PlotItem, lines: list[pg.InfiniteLine], groups: list[MarkerGroup],
                       colour: str) -> None:
    """Put one of ``lines`` (a run's, in ``colour``) at each group's step, reusing the lines it has.

    Lines are added to or removed from ``plot_item`` and ``lines`` as the number of groups
    changes; a line's tooltip (and its label's) is its group's.  Labels are set by
    :func:`stagger_labels`.
    """
    for i, (step, _, tip) in enumerate(groups):
        if i < len(lines):
            line = lines[i]
            if line.value() != step:
                line.setValue(step)
        else:
            line = pg.InfiniteLine(pos=step, angle=90, movable=False,
                                   pen=pg.mkPen(colour, width=1, style=pg.QtCore.Qt.PenStyle.DotLine),
                                   label="", labelOpts={"position": MARKER_LABEL_LEVELS[0], "color": colour})
            plot_item.addItem(line, ignoreBounds=True)
            lines.append(line)
        if line.toolTip() != tip:
            line.setToolTip(tip)
            line.label.setToolTip(tip)
    for line in lines[len(groups):]:
        plot_item.removeItem(line)
    del lines[len(groups):]


def stagger_labels(placed: list[tuple[float, pg.InfiniteLine, str]], x0: float, px_per_step: float) -> None:
    """Give each placed line's label (step, line, full text) a level where it overlaps no other,
    or shorten it when none is free.

    Labels are centred on their line.  Going left to right, a label takes the highest
    level whose last label ends (with a gap) before this one starts, at the view's
    scale (``px_per_step``, the view starting at step ``x0``); with every level taken it
    shows :data:`MARKER_LABEL_ELIDED`, at the level that frees first.
    """
    if not placed:
        return
    placed = sorted(placed, key=lambda item: item[0])
    metrics = QFontMetricsF(placed[0][1].label.textItem.font())
    ends = [-math.inf] * len(MARKER_LABEL_LEVELS)  # right edge (px) of the last label at each level
    for x, line, full in placed:
        label = line.label
        centre = (x - x0) * px_per_step
        half = metrics.horizontalAdvance(full) / 2 + MARKER_LABEL_GAP_PX / 2
        free = [i for i, end in enumerate(ends) if end <= centre - half]
        if free:
            level, text = free[0], full
        else:
            level = min(range(len(ends)), key=ends.__getitem__)
            text = MARKER_LABEL_ELIDED
            half = metrics.horizontalAdvance(text) / 2 + MARKER_LABEL_GAP_PX / 2
        ends[level] = max(ends[level], centre + half)
        if label.format != text:
            label.setFormat(text)
        if label.orthoPos != MARKER_LABEL_LEVELS[level]:
            label.setPosition(MARKER_LABEL_LEVELS[level])
