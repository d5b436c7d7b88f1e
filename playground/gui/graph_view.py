"""A drawing of an autograd computation graph, made with Qt's graphics view.

Nodes are the tensors of the computation (value and gradient on each) and the
``grad_fn`` operations between them (``MulBackward0``, ``AccumulateGrad``...).  The
layout is layered: a node's layer is its longest distance from the output (see
:meth:`ComputationGraph.layers`), the leaf ``x`` is drawn at the top and the output at
the bottom, so the graph reads in the order of the code, and the arrows point the
way ``backward()`` passes gradients: from the output up to ``x.grad``.

Labels are drawn in the application's font and, by default, never scaled below it:
a drawing taller or wider than the view scrolls rather than shrinking into
unreadable text.  The user zooms with Ctrl + wheel, Ctrl + plus/minus or the lab's
Zoom in / Zoom out / Fit buttons (:meth:`ComputationGraphView.zoom_in` and friends).
"""

from __future__ import annotations

import textwrap

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontInfo,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from ..core.autograd_lab import ComputationGraph, GraphNode

PADDING = 6.0
LAYER_GAP = 26.0
NODE_GAP = 24.0
ARROW = 7.0
#: One press of Zoom in / Zoom out; one wheel notch zooms by WHEEL_STEP.
ZOOM_STEP = 1.25
WHEEL_STEP = 1.15
#: Zoom limits: beyond them the drawing is a dot or one letter fills the view.
MIN_ZOOM = 0.05
MAX_ZOOM = 8.0
#: A gradient note longer than this many characters is wrapped in its node's column.
GRAD_NOTE_WIDTH = 20
TEXT_COLOUR = QColor("#111827")
EDGE_COLOUR = QColor("#b45309")
FILLS = {
    "tensor": (QColor("#dbeafe"), QColor("#2563eb")),
    "leaf": (QColor("#dcfce7"), QColor("#16a34a")),
    "op": (QColor("#ffedd5"), QColor("#c2410c")),
}


def format_number(value: float, digits: int = 6) -> str:
    """A number in at most 9 significant digits: exact when that is enough (164.4375),
    else rounded to ``digits`` (float32 noise such as 51.20000076 shows as 51.2)."""
    for precision in range(digits, 10):
        text = f"{value:.{precision}g}"
        if float(text) == value:
            return text
    return f"{value:.{digits}g}"


def format_array(value: np.ndarray | float | None, digits: int = 6) -> str:
    """Numbers as a student reads them: ``[51.2, 512, 0.0512]``, rows on their own lines."""
    if value is None:
        return "None"
    return np.array2string(
        np.asarray(value),
        separator=", ",
        formatter={"float_kind": lambda v: format_number(float(v), digits)},
        threshold=20,
        edgeitems=3,
        max_line_width=60,
    )


def _side_by_side(left: list[str], right: list[str]) -> list[str]:
    """Two columns of monospace lines: a tensor's value beside its gradient."""
    width = max(len(line) for line in left)
    rows = max(len(left), len(right))
    left = left + [""] * (rows - len(left))
    right = right + [""] * (rows - len(right))
    return [f"{a:<{width}}   {b}".rstrip() for a, b in zip(left, right, strict=True)]


def label_fonts() -> tuple[QFont, QFont]:
    """The node title and body fonts: the application's font (bold) and a monospace
    one of the same size, so that at zoom 1 every label is as large as the UI text."""
    bold = QFont(QApplication.font())
    bold.setBold(True)
    mono = QFont(QApplication.font())
    mono.setFamilies(["monospace"])
    mono.setStyleHint(QFont.StyleHint.Monospace)
    return bold, mono


class GraphNodeItem(QGraphicsPathItem):
    """One node: a rounded box with a bold title and monospace lines below it.

    ``grad_text`` is the tensor's gradient as the node states it (unwrapped), empty
    for an operation.
    """

    def __init__(
        self, node: GraphNode, title: str, lines: list[str], tooltip: str, grad_text: str = ""
    ) -> None:
        super().__init__()
        self.node = node
        self.grad_text = grad_text
        kind = "leaf" if node.kind == "tensor" and node.is_leaf else node.kind
        fill, border = FILLS[kind]
        bold, mono = label_fonts()
        self.title = QGraphicsSimpleTextItem(title, self)
        self.title.setFont(bold)
        self.title.setBrush(QBrush(TEXT_COLOUR))
        self.body = QGraphicsSimpleTextItem("\n".join(lines), self) if lines else None
        width = self.title.boundingRect().width()
        height = self.title.boundingRect().height()
        if self.body is not None:
            self.body.setFont(mono)
            self.body.setBrush(QBrush(TEXT_COLOUR))
            width = max(width, self.body.boundingRect().width())
            self.body.setPos(PADDING, PADDING + height + 2)
            height += 2 + self.body.boundingRect().height()
        self.size = (width + 2 * PADDING, height + 2 * PADDING)
        self.title.setPos((self.size[0] - self.title.boundingRect().width()) / 2, PADDING)
        if self.body is not None and node.kind == "op":  # an op's one line sits under its centred title
            self.body.setX((self.size[0] - self.body.boundingRect().width()) / 2)
        path = QPainterPath()
        radius = 4.0 if node.kind == "tensor" else self.size[1] / 2
        path.addRoundedRect(QRectF(0, 0, *self.size), radius, radius)
        self.setPath(path)
        self.setBrush(QBrush(fill))
        self.setPen(QPen(border, 1.5))
        self.setToolTip(tooltip)
        self.setZValue(1)

    def fonts(self) -> list[QFont]:
        """Every font this node draws text in."""
        return [self.title.font()] + ([self.body.font()] if self.body is not None else [])

    def top_centre(self) -> QPointF:
        return self.pos() + QPointF(self.size[0] / 2, 0)

    def bottom_centre(self) -> QPointF:
        return self.pos() + QPointF(self.size[0] / 2, self.size[1])


#: How the view picks its zoom when the drawing or the view changes size.
ZOOM_READABLE = "readable"  # fit, but never below the UI font size: scroll instead
ZOOM_FIT = "fit"  # the whole drawing in view, however small its text gets
ZOOM_MANUAL = "manual"  # the user zoomed: keep their zoom


class ComputationGraphView(QGraphicsView):
    """Shows a :class:`ComputationGraph`; :meth:`set_graph` redraws it.

    By default the drawing is scaled down to fit the view (never up) but never so far
    that its labels get smaller than the application's font: it scrolls instead.
    :meth:`zoom_in`, :meth:`zoom_out` (also Ctrl + wheel, Ctrl + plus/minus) zoom;
    :meth:`fit` (also a double-click) shows the whole drawing.
    """

    #: The zoom (view scale, 1 = the labels at the UI font size) after every change.
    zoomChanged = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        # wheel zoom keeps the point under the mouse still; buttons zoom about the centre
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setBackgroundBrush(QBrush(QColor("#ffffff")))
        self.node_items: dict[str, GraphNodeItem] = {}
        self.edge_items: list[tuple[QGraphicsPathItem, QGraphicsPolygonItem]] = []
        self.graph: ComputationGraph | None = None
        self.zoom_mode = ZOOM_READABLE
        self.setToolTip(
            self.tr(
                "The computation graph autograd recorded during the forward pass. Blue boxes are "
                "tensors (green: the leaf x you created), orange ones the grad_fn operations. "
                "Arrows show the way backward() passes gradients. Hover over a box for details; "
                "Ctrl + wheel or the Zoom buttons zoom, Fit or a double-click shows the whole drawing."
            )
        )

    # -- drawing -----------------------------------------------------------------
    def set_graph(self, graph: ComputationGraph) -> None:
        """Replace the drawing with ``graph``."""
        scene = self.scene()
        scene.clear()
        self.node_items = {}
        self.edge_items = []
        self.graph = graph
        for node in graph.nodes:
            item = GraphNodeItem(node, *self._describe(node))
            scene.addItem(item)
            self.node_items[node.id] = item
        self._layout(graph)
        for edge in graph.edges:
            self._add_edge(self.node_items[edge.source], self.node_items[edge.target])
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-10, -10, 10, 10))
        self._apply_zoom_mode()

    def grad_text(self, grad: np.ndarray | None, kept: bool) -> str:
        """A tensor's ``.grad`` as PyTorch would print it, and why it is ``None``.

        ``kept`` says PyTorch keeps this tensor's gradient (a leaf, or a tensor that
        called ``retain_grad()``); a non-leaf's gradient is freed during backward.
        """
        if grad is not None:
            return format_array(grad)
        if kept:
            return self.tr("None (no backward yet)")
        return self.tr("None (not a leaf; call retain_grad() to keep it)")

    def _describe(self, node: GraphNode) -> tuple[str, list[str], str, str]:
        """Title, body lines, tooltip and gradient text of a node."""
        if node.kind == "op":
            lines = [node.detail] if node.detail else []
            return node.label, lines, self._op_tooltip(node), ""
        value = format_array(node.value)
        grad = self.grad_text(node.grad, node.grad_kept)
        grad_lines = grad.splitlines()
        if node.grad is None and len(grad) > GRAD_NOTE_WIDTH + 4:  # keep the node narrow
            grad_lines = textwrap.wrap(grad, GRAD_NOTE_WIDTH)
        lines = _side_by_side([self.tr("value")] + value.splitlines(), [self.tr("grad")] + grad_lines)
        if node.is_leaf:
            kind = self.tr("leaf tensor (created by you, requires_grad=True)")
        elif node.retains_grad:
            kind = self.tr("intermediate tensor; retain_grad() keeps its .grad")
        else:
            kind = self.tr("intermediate tensor (not a leaf)")
        tip = self.tr("Tensor {0} {1}\n{2}\nvalue =\n{3}\n{0}.grad =\n{4}").format(
            node.name, node.detail, kind, value, grad
        )
        return node.name, lines, tip, grad

    def _op_tooltip(self, node: GraphNode) -> str:
        label = node.label
        if label == "AccumulateGrad":
            return self.tr(
                "AccumulateGrad: the end of the backward pass for a leaf tensor. It adds the "
                "gradient that arrives into the leaf's .grad (adds, not replaces: that is why "
                "gradients accumulate until you zero them)."
            )
        if label.startswith("Mul"):
            return self.tr(
                "{0}: the backward of a multiplication a * b. It sends grad * b to a and "
                "grad * a to b, using the factors it saved during the forward pass."
            ).format(label)
        if label.startswith("Add"):
            return self.tr(
                "{0}: the backward of an addition. The gradient passes through unchanged "
                "(d(a + b)/da = 1); the constant gets none."
            ).format(label)
        if label.startswith("Mean"):
            return self.tr(
                "{0}: the backward of mean(). Every element gets grad / n, where n is the "
                "number of elements averaged."
            ).format(label)
        return self.tr("{0}: the backward function autograd recorded for this operation.").format(label)

    def _layout(self, graph: ComputationGraph) -> None:
        layers = graph.layers()
        depth = max(layers.values(), default=0)
        rows: list[list[GraphNodeItem]] = [[] for _ in range(depth + 1)]
        for node in graph.nodes:  # nodes come root first, in the order backward() meets them
            rows[depth - layers[node.id]].append(self.node_items[node.id])
        widths = [sum(i.size[0] for i in row) + NODE_GAP * max(len(row) - 1, 0) for row in rows]
        widest = max(widths, default=0.0)
        y = 0.0
        for row, width in zip(rows, widths, strict=True):
            x = (widest - width) / 2
            height = max((i.size[1] for i in row), default=0.0)
            for item in row:
                item.setPos(x, y + (height - item.size[1]) / 2)
                x += item.size[0] + NODE_GAP
            y += height + LAYER_GAP

    def _add_edge(self, source: GraphNodeItem, target: GraphNodeItem) -> None:
        """An arrow from ``source`` (below) to ``target`` (above): the way gradients go."""
        start, end = source.top_centre(), target.bottom_centre()
        if start.y() < end.y():  # never in a layered layout; kept correct all the same
            start, end = source.bottom_centre(), target.top_centre()
        path = QPainterPath(start)
        middle = (start.y() + end.y()) / 2
        path.cubicTo(QPointF(start.x(), middle), QPointF(end.x(), middle), end)
        pen = QPen(EDGE_COLOUR, 1.5)
        line = self.scene().addPath(path, pen)
        # the curve ends vertically at the target: an upright arrowhead fits it
        direction = -1.0 if end.y() < middle else 1.0
        tip = end
        left = QPointF(tip.x() - ARROW * 0.6, tip.y() - direction * ARROW)
        right = QPointF(tip.x() + ARROW * 0.6, tip.y() - direction * ARROW)
        head = self.scene().addPolygon(QPolygonF([tip, left, right]), pen, QBrush(EDGE_COLOUR))
        line.setZValue(0)
        head.setZValue(2)
        self.edge_items.append((line, head))

    # -- fitting and zoom ----------------------------------------------------------
    def zoom(self) -> float:
        """The view's scale: 1 draws the labels at the application's font size."""
        return self.transform().m11()

    def readable_zoom(self) -> float:
        """The smallest zoom at which every label is at least the application font's size."""
        smallest = min(
            (QFontInfo(font).pixelSize() for item in self.node_items.values() for font in item.fonts()),
            default=0,
        )
        if smallest <= 0:
            return 1.0
        return QFontInfo(QApplication.font()).pixelSize() / smallest

    def fit_zoom(self) -> float:
        """The zoom that shows the whole drawing (never above 1: small graphs stay as drawn)."""
        rect = self.sceneRect()
        view = self.viewport().rect()
        if rect.isEmpty() or view.isEmpty():
            return 1.0
        return min(1.0, view.width() / rect.width(), view.height() / rect.height())

    def zoom_in(self) -> None:
        self._zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self._zoom_by(1 / ZOOM_STEP)

    def fit(self) -> None:
        """Show the whole drawing, and keep it whole as the view is resized."""
        self.zoom_mode = ZOOM_FIT
        self._apply_zoom_mode()

    def _zoom_by(self, factor: float) -> None:
        self.zoom_mode = ZOOM_MANUAL
        old = self.zoom()
        new = min(MAX_ZOOM, max(MIN_ZOOM, old * factor))
        if new != old:
            self.scale(new / old, new / old)  # scale() honours the transformation anchor
            self.zoomChanged.emit(self.zoom())

    def _set_zoom(self, zoom: float) -> None:
        zoom = min(MAX_ZOOM, max(MIN_ZOOM, zoom))
        changed = zoom != self.zoom()
        self.setTransform(QTransform.fromScale(zoom, zoom))
        if changed:
            self.zoomChanged.emit(zoom)

    def _apply_zoom_mode(self) -> None:
        if self.zoom_mode == ZOOM_MANUAL:
            return
        rect = self.sceneRect()
        if rect.isEmpty() or self.viewport().rect().isEmpty():
            return
        fit = self.fit_zoom()
        if self.zoom_mode == ZOOM_FIT:
            self._set_zoom(fit)
            self.centerOn(rect.center())
            return
        zoom = max(fit, self.readable_zoom())
        self._set_zoom(zoom)
        # a drawing taller than the view starts at its top, where x and the code begin
        visible_height = self.viewport().height() / zoom
        self.centerOn(QPointF(rect.center().x(), rect.top() + visible_height / 2))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._apply_zoom_mode()

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            notches = event.angleDelta().y() / 120
            if notches:
                self._zoom_by(WHEEL_STEP**notches)
            event.accept()
        else:
            super().wheelEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.matches(QKeySequence.StandardKey.ZoomIn):
            self.zoom_in()
        elif event.matches(QKeySequence.StandardKey.ZoomOut):
            self.zoom_out()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.fit()
        super().mouseDoubleClickEvent(event)


__all__ = [
    "ZOOM_FIT",
    "ZOOM_MANUAL",
    "ZOOM_READABLE",
    "ComputationGraphView",
    "GraphNodeItem",
    "format_array",
    "format_number",
    "label_fonts",
]
