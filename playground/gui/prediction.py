"""The Prediction panel: what the network predicts, drawn from the trainer's plain arrays.

Each batch may carry a :class:`~playground.core.prediction.Prediction` (at most every
0.3 s); :meth:`PredictionPanel.show_prediction` draws it on one of four pages:

* ``grid``: the decision boundary as an image (an ``ImageItem`` over the grid the
  trainer evaluated: the probability of class 1, orange for 0 through white to
  blue for 1), training points filled, test points hollow;
* ``curve``: the data points (training filled, test hollow) and the fitted curve;
* ``digits``: test images with the predicted digit over each (red where wrong) and
  the confusion matrix; ``confusion`` alone for other classifiers;
* ``fit``: a regression on several features: prediction against target, with the
  diagonal where they are equal;
* ``none``: the lesson's random data: a note, and the train/test gap in numbers.

On the ``grid`` page a student may draw points (left click: class 0, right click:
class 1); :attr:`PredictionPanel.drawnPointsChanged` carries them and
:meth:`PredictionPanel.drawn_csv` writes them as a CSV the app can train on.

The panel holds no torch: it only draws arrays it is given.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.prediction import Prediction

CLASS_COLOURS = ("#f59322", "#0877bd", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                 "#bcbd22", "#17becf")
#: Gap between two digit images in the mosaic, in pixels of the 8x8 images.
DIGIT_GAP = 1
DIGITS_PER_ROW = 6


def _boundary_lut() -> np.ndarray:
    cmap = pg.ColorMap([0.0, 0.5, 1.0], [QColor("#f5a04d"), QColor("#ffffff"), QColor("#4d9fd4")])
    return cmap.getLookupTable(0.0, 1.0, 256)


def _classes_lut(k: int) -> np.ndarray:
    colours = [QColor(CLASS_COLOURS[i % len(CLASS_COLOURS)]).lighter(150) for i in range(k)]
    return np.array([[c.red(), c.green(), c.blue(), 255] for c in colours], dtype=np.ubyte)


def digit_mosaic(images: np.ndarray, per_row: int = DIGITS_PER_ROW, gap: int = DIGIT_GAP) -> np.ndarray:
    """The 8x8 images side by side, ``per_row`` a row, ``gap`` pixels apart (gaps -1: drawn dark)."""
    k = len(images)
    rows = max(1, math.ceil(k / per_row))
    cell = 8 + gap
    out = np.full((rows * cell - gap, per_row * cell - gap), -1.0)
    for i, img in enumerate(images):
        r, c = divmod(i, per_row)
        out[r * cell:r * cell + 8, c * cell:c * cell + 8] = img
    return out


class PredictionPanel(QWidget):
    """Pages for each kind of prediction; see the module docstring."""

    #: The points drawn by hand so far: an (n, 3) array of x, y, class.
    drawnPointsChanged = Signal(object)
    #: The student asked to train on the drawn points.
    trainDrawnRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Prediction"))
        self.prediction: Prediction | None = None
        self.kind = "none"
        self.drawn = np.empty((0, 3))
        self._last_test: float | None = None
        #: The (training, test) points the scatter plots show now.
        self._points_shown: tuple[np.ndarray, np.ndarray] | None = None
        #: The digit images and the confusion counts shown now (redrawn only when they change).
        self._images_shown: np.ndarray | None = None
        self._confusion_shown: np.ndarray | None = None
        self.pages = QStackedWidget(self)
        self._build_grid_page()
        self._build_curve_page()
        self._build_digits_page()
        self._build_none_page()
        #: The latest test loss and accuracies (classification: the accuracy panel of the loss plot).
        self.metrics = QLabel(self)
        self.metrics.setAccessibleName(self.tr("Accuracy"))
        self.metrics.setWordWrap(True)
        #: Accuracy against step (classification): training solid, test dashed.
        self.accuracy_plot = self._plot(self.tr("Accuracy plot"))
        self.accuracy_plot.setFixedHeight(110)
        self.accuracy_plot.setLabel("left", self.tr("accuracy"))
        self.accuracy_plot.setYRange(0.0, 1.0)
        self.accuracy_plot.getPlotItem().getViewBox().setMouseEnabled(x=False, y=False)
        self.train_accuracy_curve = pg.PlotDataItem(pen=pg.mkPen("#0877bd", width=1.8))
        self.test_accuracy_curve = pg.PlotDataItem(pen=pg.mkPen("#0877bd", width=1.8, style=Qt.PenStyle.DashLine))
        self.accuracy_plot.addItem(self.train_accuracy_curve)
        self.accuracy_plot.addItem(self.test_accuracy_curve)
        self._acc: list[np.ndarray] = []  # (steps, train, test) chunks of this run
        self.accuracy_plot.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.metrics)
        layout.addWidget(self.accuracy_plot)
        layout.addWidget(self.pages)
        self.show_none()

    # -- pages -------------------------------------------------------------------
    def _plot(self, name: str) -> pg.PlotWidget:
        w = pg.PlotWidget(self)
        w.setBackground("w")
        w.setAccessibleName(name)
        w.getPlotItem().showGrid(x=False, y=False)
        return w

    def _build_grid_page(self) -> None:
        page = QWidget(self)
        self.grid_plot = self._plot(self.tr("Decision boundary"))
        self.grid_plot.setAspectLocked(True)
        self.boundary = pg.ImageItem()
        self.grid_plot.addItem(self.boundary)
        self.train_points = pg.ScatterPlotItem(size=7, pen=pg.mkPen("#222222", width=0.6))
        self.test_points = pg.ScatterPlotItem(size=8, brush=pg.mkBrush(None))
        self.drawn_points = pg.ScatterPlotItem(size=10, symbol="s", pen=pg.mkPen("#000000", width=1.2))
        for item in (self.train_points, self.test_points, self.drawn_points):
            self.grid_plot.addItem(item)
        self.grid_plot.scene().sigMouseClicked.connect(self._on_grid_clicked)
        self.grid_note = QLabel(self.tr("Filled: training points; hollow: test points. Colour: the "
                                        "network's probability of each class. Click to draw points "
                                        "(left: orange, right: blue)."), page)
        self.grid_note.setWordWrap(True)
        self.train_drawn_button = QPushButton(self.tr("Train on the drawn points"), page)
        self.train_drawn_button.setAccessibleName(self.tr("Train on the drawn points"))
        self.train_drawn_button.setEnabled(False)
        self.train_drawn_button.clicked.connect(self.trainDrawnRequested)
        self.clear_drawn_button = QPushButton(self.tr("Clear drawn points"), page)
        self.clear_drawn_button.setAccessibleName(self.tr("Clear drawn points"))
        self.clear_drawn_button.clicked.connect(self.clear_drawn)
        buttons = QHBoxLayout()
        buttons.addWidget(self.train_drawn_button)
        buttons.addWidget(self.clear_drawn_button)
        buttons.addStretch(1)
        lay = QVBoxLayout(page)
        lay.addWidget(self.grid_plot, 1)
        lay.addWidget(self.grid_note)
        lay.addLayout(buttons)
        self.grid_page = page
        self.pages.addWidget(page)

    def _build_curve_page(self) -> None:
        self.curve_plot = self._plot(self.tr("Fitted curve"))
        self.curve_train = pg.ScatterPlotItem(size=5, brush=pg.mkBrush("#0877bd"), pen=None)
        self.curve_test = pg.ScatterPlotItem(size=6, brush=pg.mkBrush(None), pen=pg.mkPen("#f59322", width=1.2))
        self.curve = pg.PlotDataItem(pen=pg.mkPen("#d62728", width=2.5))
        for item in (self.curve_train, self.curve_test, self.curve):
            self.curve_plot.addItem(item)
        self.pages.addWidget(self.curve_plot)
        self.fit_plot = self._plot(self.tr("Prediction against target"))
        self.fit_plot.setLabel("bottom", self.tr("target"))
        self.fit_plot.setLabel("left", self.tr("prediction"))
        self.fit_train = pg.ScatterPlotItem(size=5, brush=pg.mkBrush("#0877bd"), pen=None)
        self.fit_test = pg.ScatterPlotItem(size=6, brush=pg.mkBrush(None), pen=pg.mkPen("#f59322", width=1.2))
        self.fit_line = pg.PlotDataItem(pen=pg.mkPen("#888888", width=1, style=Qt.PenStyle.DashLine))
        for item in (self.fit_line, self.fit_train, self.fit_test):
            self.fit_plot.addItem(item)
        self.pages.addWidget(self.fit_plot)

    def _build_digits_page(self) -> None:
        page = QWidget(self)
        self.digits_plot = self._plot(self.tr("Test images"))
        self.digits_plot.setAspectLocked(True)
        self.digits_plot.getPlotItem().invertY(True)
        self.digits_plot.getPlotItem().hideAxis("left")
        self.digits_plot.getPlotItem().hideAxis("bottom")
        self.mosaic = pg.ImageItem()
        self.mosaic.setLookupTable(np.array([[40, 40, 40, 255]] + [[255 - 15 * v] * 3 + [255] for v in range(17)],
                                            dtype=np.ubyte))
        self.digits_plot.addItem(self.mosaic)
        self.digit_labels: list[pg.TextItem] = []
        self.digits_summary = QLabel(page)
        self.digits_summary.setWordWrap(True)
        self.confusion_table = QTableWidget(page)
        self.confusion_table.setAccessibleName(self.tr("Confusion matrix"))
        self.confusion_table.setToolTip(self.tr("Rows: the true class; columns: the predicted class. "
                                                "The diagonal counts the right answers."))
        self.confusion_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.confusion_table.verticalHeader().setDefaultSectionSize(18)
        self.confusion_table.horizontalHeader().setDefaultSectionSize(30)
        lay = QVBoxLayout(page)
        lay.addWidget(self.digits_plot, 3)
        lay.addWidget(self.digits_summary)
        lay.addWidget(QLabel(self.tr("Confusion matrix (rows: true, columns: predicted)"), page))
        lay.addWidget(self.confusion_table, 2)
        self.digits_page = page
        self.pages.addWidget(page)

    def _build_none_page(self) -> None:
        page = QWidget(self)
        self.none_note = QLabel(page)
        self.none_note.setWordWrap(True)
        self.none_note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.none_note.setAccessibleName(self.tr("Prediction note"))
        self.gap_label = QLabel(page)
        self.gap_label.setAccessibleName(self.tr("Train and test loss"))
        self.gap_label.setWordWrap(True)
        lay = QVBoxLayout(page)
        lay.addWidget(self.none_note)
        lay.addWidget(self.gap_label)
        lay.addStretch(1)
        self.none_page = page
        self.pages.addWidget(page)

    # -- showing -----------------------------------------------------------------
    def clear(self) -> None:
        """Forget the last run's picture (a new run starts)."""
        self.prediction = None
        self._last_test = None
        self._points_shown = self._images_shown = self._confusion_shown = None
        self.metrics.setText("")
        self._acc = []
        self.train_accuracy_curve.setData([], [])
        self.test_accuracy_curve.setData([], [])
        self.accuracy_plot.hide()
        self.show_none()

    def show_none(self, train_loss: float | None = None, test_loss: float | None = None) -> None:
        self.kind = "none"
        self.none_note.setText(self.tr(
            "Random targets have nothing to predict: the network can only memorise them. With a test "
            "set (Test fraction above 0) the gap between the training loss and the test loss is the "
            "picture: the training loss falls, the test loss does not. Choose a data set to see what "
            "a network learns."))
        if train_loss is None:
            self.gap_label.setText("")
        elif test_loss is None:
            self.gap_label.setText(self.tr("Training loss {0:.4g}; no test set.").format(train_loss))
        else:
            self.gap_label.setText(self.tr("Training loss {0:.4g}, test loss {1:.4g}: the gap is {2:.4g}.")
                                   .format(train_loss, test_loss, test_loss - train_loss))
        self.pages.setCurrentWidget(self.none_page)

    def show_batch(self, batch) -> None:
        """Draw a batch's prediction, or update the train/test gap on the ``none`` page."""
        if batch.prediction is not None:
            self.show_prediction(batch.prediction)
        if len(batch.test_losses) and math.isfinite(float(batch.test_losses[-1])):
            self._last_test = float(batch.test_losses[-1])  # batches between evaluations carry none
        if len(batch.eval_steps):
            self._add_accuracies(batch)
            self.metrics.setText(self.metrics_text(int(batch.eval_steps[-1]), float(batch.test_losses[-1]),
                                                   float(batch.train_accuracies[-1]),
                                                   float(batch.test_accuracies[-1])))
        if self.kind == "none" and len(batch.losses):
            self.show_none(float(batch.losses[-1]), self._last_test)

    def _add_accuracies(self, batch) -> None:
        if not np.isfinite(batch.train_accuracies).any():
            return  # a regression, or the random data
        self._acc.append(np.column_stack([batch.eval_steps, batch.train_accuracies, batch.test_accuracies]))
        acc = np.concatenate(self._acc)
        self.train_accuracy_curve.setData(acc[:, 0], acc[:, 1])
        test = np.isfinite(acc[:, 2])
        self.test_accuracy_curve.setData(acc[test, 0], acc[test, 2])
        self.accuracy_plot.show()

    def metrics_text(self, step: int, test_loss: float, train_acc: float, test_acc: float) -> str:
        """One line: the test loss and the accuracies at ``step`` (NaN ones left out)."""
        parts = [self.tr("step {0}").format(step)]
        if math.isfinite(test_loss):
            parts.append(self.tr("test loss {0:.4g}").format(test_loss))
        if math.isfinite(train_acc):
            parts.append(self.tr("training accuracy {0:.1%}").format(train_acc))
        if math.isfinite(test_acc):
            parts.append(self.tr("test accuracy {0:.1%}").format(test_acc))
        return ", ".join(parts)

    def show_prediction(self, p: Prediction) -> None:
        self.prediction = p
        if p.kind == "grid":
            self._show_grid(p)
        elif p.kind == "curve":
            self._show_curve(p)
        elif p.kind in ("digits", "confusion"):
            self._show_digits(p)
        elif p.kind == "fit":
            self._show_fit(p)
        else:
            self.show_none()

    def _show_grid(self, p: Prediction) -> None:
        self.kind = "grid"
        x0, x1, y0, y1 = p.extent
        k = max(2, len(p.classes))
        if k == 2:
            self.boundary.setLookupTable(_boundary_lut())
            self.boundary.setImage(p.grid.T, levels=(0.0, 1.0), autoLevels=False)
        else:
            self.boundary.setLookupTable(_classes_lut(k))
            self.boundary.setImage(p.grid.T, levels=(0, k - 1), autoLevels=False)
        self.boundary.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        shown = self._points_shown
        if shown is None or not (np.array_equal(shown[0], p.points) and np.array_equal(shown[1], p.test_points)):
            # The points stay the same during a run: set (and style) them once, not every 0.3 s.
            self._points_shown = (p.points, p.test_points)
            brushes = [pg.mkBrush(c) for c in CLASS_COLOURS]
            pens = [pg.mkPen(c, width=1.8) for c in CLASS_COLOURS]
            hollow = pg.mkBrush(None)
            self.train_points.setData(pos=p.points, brush=[brushes[int(c) % 10] for c in p.labels])
            self.test_points.setData(pos=p.test_points, pen=[pens[int(c) % 10] for c in p.test_labels],
                                     brush=[hollow] * len(p.test_labels))
        self.pages.setCurrentWidget(self.grid_page)

    def _show_curve(self, p: Prediction) -> None:
        self.kind = "curve"
        self.curve_train.setData(x=p.points[:, 0], y=p.labels)
        self.curve_test.setData(x=p.test_points[:, 0] if len(p.test_points) else [], y=p.test_labels)
        self.curve.setData(p.curve_x, p.curve_y)
        self.pages.setCurrentWidget(self.curve_plot)

    def _show_fit(self, p: Prediction) -> None:
        self.kind = "fit"
        self.fit_train.setData(pos=p.points)
        self.fit_test.setData(pos=p.test_points if len(p.test_points) else np.empty((0, 2)))
        both = np.concatenate([p.points, p.test_points]) if len(p.test_points) else p.points
        finite = both[np.isfinite(both).all(axis=1)]
        if len(finite):
            lo, hi = float(finite.min()), float(finite.max())
            self.fit_line.setData([lo, hi], [lo, hi])
        self.pages.setCurrentWidget(self.fit_plot)

    def _show_digits(self, p: Prediction) -> None:
        self.kind = p.kind
        self.digits_plot.setVisible(p.kind == "digits")
        shown = len(p.images) if p.kind == "digits" else 0
        # The labels are made once and then only retexted: the picture comes every 0.3 s.
        while len(self.digit_labels) > shown:
            self.digits_plot.removeItem(self.digit_labels.pop())
        cell = 8 + DIGIT_GAP
        while len(self.digit_labels) < shown:
            r, c = divmod(len(self.digit_labels), DIGITS_PER_ROW)
            label = pg.TextItem("", anchor=(0, 0))
            label.setPos(c * cell, r * cell)
            self.digits_plot.addItem(label)
            self.digit_labels.append(label)
        if p.kind == "digits":
            if self._images_shown is None or not np.array_equal(p.images, self._images_shown):
                self._images_shown = p.images
                mosaic = digit_mosaic(p.images.astype(np.float64))
                self.mosaic.setImage((mosaic + 1).T, levels=(0, 17), autoLevels=False)
            for label, true, guess in zip(self.digit_labels, p.image_labels, p.image_predicted, strict=True):
                wrong = int(true) != int(guess)
                text = f"{int(guess)}" + (f" ({int(true)})" if wrong else "")
                if label.textItem.toPlainText() != text or label.color.name() != ("#d62728" if wrong else "#1a7f37"):
                    label.setText(text, color="#d62728" if wrong else "#1a7f37")
            wrong = int(np.sum(p.image_labels != p.image_predicted))
            self.digits_summary.setText(self.tr("Each image: the network's digit (in red with the true one "
                                                "when wrong). {0} of these {1} wrong.")
                                        .format(wrong, len(p.image_labels)))
        else:
            self.digits_summary.setText("")
        self._fill_confusion(p)
        self.pages.setCurrentWidget(self.digits_page)

    def _fill_confusion(self, p: Prediction) -> None:
        m = p.confusion
        k = m.shape[0]
        t = self.confusion_table
        if self._confusion_shown is not None and np.array_equal(m, self._confusion_shown):
            return  # the same counts: nothing to redo
        self._confusion_shown = m
        if t.rowCount() != k or t.columnCount() != k:
            t.setRowCount(k)
            t.setColumnCount(k)
            names = list(p.classes) if len(p.classes) == k else [str(i) for i in range(k)]
            t.setHorizontalHeaderLabels(names)
            t.setVerticalHeaderLabels(names)
        peak = max(1, int(m.max()) if m.size else 1)
        white = QColor(255, 255, 255)
        for i in range(k):
            for j in range(k):
                item = t.item(i, j)
                if item is None:
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    t.setItem(i, j, item)
                item.setText(str(int(m[i, j])))
                shade = int(230 - 150 * m[i, j] / peak)
                item.setBackground(white if not m[i, j] else
                                   QColor(shade, 235, shade) if i == j else QColor(250, shade, shade))

    def confusion(self) -> np.ndarray:
        """The counts the confusion table shows (rows: true class, columns: predicted)."""
        t = self.confusion_table
        return np.array([[int(t.item(i, j).text()) for j in range(t.columnCount())]
                         for i in range(t.rowCount())], dtype=np.int64)

    def digit_label_texts(self) -> list[tuple[str, bool]]:
        """Each shown image's label text and whether it is marked wrong (red)."""
        return [(item.textItem.toPlainText(), item.color.name() == "#d62728") for item in self.digit_labels]

    # -- drawing points -------------------------------------------------------------
    def _on_grid_clicked(self, event) -> None:
        if self.pages.currentWidget() is not self.grid_page:
            return
        vb = self.grid_plot.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        point = vb.mapSceneToView(event.scenePos())
        cls = 1 if event.button() == Qt.MouseButton.RightButton else 0
        self.add_drawn_point(point.x(), point.y(), cls)
        event.accept()

    def add_drawn_point(self, x: float, y: float, cls: int) -> None:
        """Add a point drawn by hand (class 0 or 1)."""
        self.drawn = np.vstack([self.drawn, [[x, y, cls]]])
        self._show_drawn()

    def clear_drawn(self) -> None:
        self.drawn = np.empty((0, 3))
        self._show_drawn()

    def _show_drawn(self) -> None:
        d = self.drawn
        self.drawn_points.setData(pos=d[:, :2], brush=[pg.mkBrush(CLASS_COLOURS[int(c)]) for c in d[:, 2]])
        classes = set(d[:, 2].astype(int).tolist())
        self.train_drawn_button.setEnabled(len(d) >= 10 and classes == {0, 1})
        self.train_drawn_button.setToolTip("" if self.train_drawn_button.isEnabled() else self.tr(
            "Draw at least 10 points of both classes (left click: orange, right click: blue)."))
        self.drawnPointsChanged.emit(d.copy())

    def drawn_csv(self) -> str:
        """The drawn points as a CSV file's text: x, y, class."""
        rows = [f"{float(x)!r},{float(y)!r},{int(c)}" for x, y, c in self.drawn]
        return "x,y,class\n" + "\n".join(rows) + "\n"
