"""The Network panel: the two-layer network drawn as columns of units joined by weighted edges.

Columns: the inputs ``x`` (D_in units), the hidden layer ``h`` (H units) and the outputs
``y_pred`` (D_out units).  Small layers show every unit; a large one shows an evenly
spread sample and says "k of n shown".  Each edge is one weight: red where it is
positive, blue where negative, and as thick as the weight is large or, while a run
trains (*Width: gradient*), as its gradient is large, on a log scale spanning
:data:`DECADES` decades below the largest, so a layer whose gradients vanish (tanh or
sigmoid with a large learning rate) fades to hairlines.

The data comes from the trainer's :class:`~playground.core.gradstats.StepStats`, plain
NumPy: each parameter's ``weight_preview`` and ``grad_preview``, sampled at the same rows
and columns.  :meth:`NetworkDiagram.show_stats` only keeps the newest statistics; a
timer draws them at most :data:`FRAME_MS` apart and only while the panel is visible, so
the diagram never holds training up.  :func:`diagram_data` turns statistics into what is
drawn and is what the tests check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt, QTimer, Slot
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..core.config import TrainConfig

#: Most units drawn in one column.
MAX_UNITS = 12
#: Edge widths span this many decades of |weight| or |gradient| below the largest.
DECADES = 4.0
MIN_WIDTH, MAX_WIDTH = 0.3, 4.0
#: The diagram is drawn at most this often (ms) while a run trains.
FRAME_MS = 200
#: The sampled grid of the statistics' previews (gradstats.PREVIEW_MAX).
PREVIEW_MAX = 128
#: Room left and right of the outer columns, for their captions (px).
SIDE = 64.0
POSITIVE = QColor(200, 40, 40)
NEGATIVE = QColor(40, 80, 210)


def preview_index(n: int, limit: int = PREVIEW_MAX) -> np.ndarray:
    """The units of an ``n``-long axis a statistics preview keeps (as gradstats samples them)."""
    if n <= limit:
        return np.arange(n)
    return np.linspace(0, n - 1, limit).astype(np.int64)


def sample_positions(count: int, k: int = MAX_UNITS) -> np.ndarray:
    """Evenly spread positions 0..count-1, at most ``k`` of them (all when few)."""
    if count <= k:
        return np.arange(count)
    return np.unique(np.round(np.linspace(0, count - 1, k)).astype(np.int64))


@dataclass(frozen=True)
class Layer:
    """One column: its name, how many units it has and which of them are drawn."""

    name: str
    size: int
    shown: np.ndarray  # unit numbers, ascending

    @property
    def sampled(self) -> bool:
        """Whether only some of the units are drawn."""
        return len(self.shown) < self.size


@dataclass(frozen=True)
class Edges:
    """The weights between two drawn columns (rows: units on the left, columns: on the right)."""

    name: str  # the lesson's name: w1 or w2
    weights: np.ndarray | None
    grads: np.ndarray | None


@dataclass(frozen=True)
class DiagramData:
    layers: tuple[Layer, Layer, Layer]
    edges: tuple[Edges, Edges]
    step: int | None
    #: The whole gradient's norm of w1 and w2 (not only the drawn edges'); () before a run.
    grad_norms: tuple[float, ...] = ()

    def widths(self, by_gradient: bool) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Each edge's pen width, on one log scale for both layers (so vanishing shows)."""
        mats = [e.grads if by_gradient else e.weights for e in self.edges]
        mags = [None if m is None else np.abs(np.nan_to_num(m, nan=0.0, posinf=0.0, neginf=0.0))
                for m in mats]
        top = max((float(m.max()) for m in mags if m is not None and m.size), default=0.0)
        if top <= 0:
            return tuple(None if m is None else np.full(m.shape, MIN_WIDTH) for m in mags)  # type: ignore
        out = []
        for m in mags:
            if m is None:
                out.append(None)
                continue
            with np.errstate(divide="ignore"):
                level = (np.log10(np.maximum(m, 1e-300)) - (math.log10(top) - DECADES)) / DECADES
            out.append(MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * np.clip(level, 0.0, 1.0))
        return out[0], out[1]


def _lesson_way_round(name: str, m: np.ndarray | None) -> np.ndarray | None:
    """nn.Linear keeps a weight as (out, in): turned to the lesson's (in, out)."""
    if m is None:
        return None
    return m.T if name.endswith("weight") else m


def structure(d_in: int, h: int, d_out: int) -> tuple[Layer, Layer, Layer]:
    """The three columns with the units drawn (a sample of the preview's units when large)."""
    layers = []
    for name, n in (("x", d_in), ("h", h), ("y_pred", d_out)):
        grid = preview_index(n)
        layers.append(Layer(name, n, grid[sample_positions(len(grid))]))
    return layers[0], layers[1], layers[2]


def diagram_data(stats, cfg: TrainConfig | None = None) -> DiagramData:
    """What the diagram draws: from a run's StepStats, or the configuration's sizes alone."""
    weights = [] if stats is None else [p for p in stats.params if len(p.shape) == 2]
    if len(weights) >= 2:
        p1, p2 = weights[0], weights[1]
        s1 = p1.shape[::-1] if p1.name.endswith("weight") else p1.shape
        s2 = p2.shape[::-1] if p2.name.endswith("weight") else p2.shape
        layers = structure(s1[0], s1[1], s2[1])
        edges = []
        for label, p, left, right in (("w1", p1, layers[0], layers[1]), ("w2", p2, layers[1], layers[2])):
            # Positions of the drawn units within the preview's sampled grid.
            rows = np.searchsorted(preview_index(left.size), left.shown)
            cols = np.searchsorted(preview_index(right.size), right.shown)
            w = _lesson_way_round(p.name, p.weight_preview)
            g = _lesson_way_round(p.name, p.grad_preview)
            edges.append(Edges(label, None if w is None else w[np.ix_(rows, cols)],
                               None if g is None else g[np.ix_(rows, cols)]))
        return DiagramData(layers, (edges[0], edges[1]), stats.step, (p1.grad_norm, p2.grad_norm))
    cfg = cfg or TrainConfig()
    layers = structure(cfg.D_in, cfg.H, cfg.D_out)
    return DiagramData(layers, (Edges("w1", None, None), Edges("w2", None, None)), None)


def shown_caption(layer: Layer) -> str:
    """"k of n shown" under a sampled column ("" when every unit is drawn)."""
    if not layer.sampled:
        return ""
    return QCoreApplication.translate("NetworkDiagram", "{0} of {1} shown").format(len(layer.shown), layer.size)


class DiagramCanvas(QWidget):
    """Paints a :class:`DiagramData` (units as circles, weights as lines)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: DiagramData | None = None
        self.by_gradient = True
        self.setMinimumSize(240, 200)

    def unit_positions(self) -> list[list[QPointF]]:
        """Where each drawn unit of each column sits in the widget."""
        assert self.data is not None
        w, h = self.width(), self.height()
        top, bottom = 34.0, 26.0
        out = []
        for i, layer in enumerate(self.data.layers):
            x = SIDE + i * (w - 2 * SIDE) / 2
            n = len(layer.shown)
            step = (h - top - bottom) / max(n, 1)
            out.append([QPointF(x, top + step * (j + 0.5)) for j in range(n)])
        return out

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        if self.data is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pos = self.unit_positions()
        widths = self.data.widths(self.by_gradient and all(e.grads is not None for e in self.data.edges))
        for k, edges in enumerate(self.data.edges):
            left, right = pos[k], pos[k + 1]
            if edges.weights is None:
                painter.setPen(QPen(QColor(190, 190, 190), 0.5))
                for a in left:
                    for b in right:
                        painter.drawLine(a, b)
                continue
            width = widths[k]
            for r, a in enumerate(left):
                for c, b in enumerate(right):
                    v = edges.weights[r, c]
                    colour = QColor(POSITIVE if v >= 0 else NEGATIVE)
                    colour.setAlpha(200)
                    painter.setPen(QPen(colour, float(width[r, c]) if width is not None else 1.0))
                    painter.drawLine(a, b)
        painter.setPen(QPen(QColor(60, 60, 60), 1.0))
        painter.setBrush(QColor(245, 245, 245))
        for k, layer in enumerate(self.data.layers):
            for p in pos[k]:
                painter.drawEllipse(p, 6.0, 6.0)
            x = pos[k][0].x() if pos[k] else SIDE
            painter.drawText(QRectF(x - SIDE, 4, 2 * SIDE, 16), Qt.AlignmentFlag.AlignCenter,
                             f"{layer.name} ({layer.size})")
            if layer.sampled:
                painter.drawText(QRectF(x - SIDE, self.height() - 22, 2 * SIDE, 16), Qt.AlignmentFlag.AlignCenter,
                                 shown_caption(layer))
        painter.end()


class NetworkDiagram(QWidget):
    """The Network panel (see the module docstring)."""

    def __init__(self, config: TrainConfig | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Network diagram"))
        self._config = config or TrainConfig()
        self._latest = None
        self._drawn = None
        self.frames = 0  # how many times new statistics were drawn
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName(self.tr("Network status"))
        bar.addWidget(self.status_label, 1)
        self.gradient_box = QCheckBox(self.tr("Width: gradient"))
        self.gradient_box.setAccessibleName(self.tr("Width: gradient"))
        self.gradient_box.setToolTip(self.tr("Draw each edge as thick as its weight's gradient is large (on a "
                                             "log scale over four decades); unticked, as the weight is large. "
                                             "The colour is always the weight's sign: red positive, blue "
                                             "negative."))
        self.gradient_box.setChecked(True)
        self.gradient_box.toggled.connect(self._on_gradient_toggled)
        bar.addWidget(self.gradient_box)
        layout.addLayout(bar)
        self.canvas = DiagramCanvas(self)
        self.canvas.setAccessibleName(self.tr("Network drawing"))
        layout.addWidget(self.canvas, 1)
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self._draw_latest)
        self.timer.start()
        self.clear()

    @property
    def data(self) -> DiagramData | None:
        return self.canvas.data

    @Slot(object)
    def set_config(self, cfg: TrainConfig) -> None:
        """The window's configuration: its sizes are drawn until a run's statistics arrive."""
        self._config = cfg
        if self._latest is None:
            self._show(diagram_data(None, cfg))

    def show_stats(self, stats) -> None:
        """Keep the newest statistics; the timer draws them (cheap: nothing else happens here)."""
        self._latest = stats

    @Slot()
    def clear(self) -> None:
        """A new run (or a reset): the configuration's structure, no weights."""
        self._latest = self._drawn = None
        self._show(diagram_data(None, self._config))

    @Slot()
    def _draw_latest(self) -> None:
        if self._latest is None or self._latest is self._drawn or not self.isVisible():
            return
        self.draw_now()

    def draw_now(self) -> None:
        """Draw the newest statistics at once."""
        if self._latest is None:
            return
        self._drawn = self._latest
        self.frames += 1
        self._show(diagram_data(self._latest, self._config))

    def _show(self, data: DiagramData) -> None:
        self.canvas.data = data
        if data.step is None:
            self.status_label.setText(self.tr("Start a run to see the weights and their gradients."))
        else:
            what = self.tr("gradient") if self.gradient_box.isChecked() else self.tr("weight")
            text = self.tr("Step {0}: colour = sign of the weight, width = size of the {1}.").format(data.step, what)
            if data.grad_norms:
                text += " " + self.tr("‖∂L/∂w1‖ = {0}, ‖∂L/∂w2‖ = {1}").format(
                    *(f"{v:.2e}" for v in data.grad_norms))
            self.status_label.setText(text)
        self.canvas.update()

    @Slot(bool)
    def _on_gradient_toggled(self, on: bool) -> None:
        self.canvas.by_gradient = on
        if self.canvas.data is not None:
            self._show(self.canvas.data)
