"""Exports of the runs: every run's losses as CSV, the plot as PNG or SVG.

Files are written through core/persistence.py's safe writers: into a temporary file
beside the target, then put in its place, so a link is followed and kept, a FIFO or
a device is refused, never replaced, and a failure leaves the old file as it was.
"""

from __future__ import annotations

import csv
import errno
import io
import os

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from ..core.persistence import atomic_write_text, atomic_write_with
from ..core.runs import Runs
from .loss_plot import LossPlot

APP_TITLE = "Backprop Playground"


# Texts here keep the main window's translation context ("MainWindow"), as they were its own;
# lupdate needs the context and text literally in each translate() call.


def runs_csv(runs: Runs) -> str:
    """Every run as CSV (drawn on the plot or not): run,name,step,loss (full precision)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["run", "name", "step", "loss"])
    for run in runs:
        for step, loss in zip(run.history.steps, run.history.losses, strict=True):
            w.writerow([run.run_id, run.name, int(step), repr(float(loss))])
    return buf.getvalue()


def export_csv(parent: QWidget, runs: Runs, path: str) -> bool:
    """Write :func:`runs_csv` to ``path``; a failure is said in a message box."""
    try:
        atomic_write_text(path, runs_csv(runs))
    except OSError as exc:
        error_box(parent, QCoreApplication.translate("MainWindow", "Could not export"), QCoreApplication.translate("MainWindow", "{0}: {1}").format(path, exc.strerror or exc))
        return False
    return True


def export_plot(parent: QWidget, plot: LossPlot, path: str) -> bool:
    """The plot as SVG (a name ending .svg) or PNG; a failure is said in a message box."""
    import pyqtgraph.exporters as exporters

    plot.redraw()

    def render(temp: str) -> None:
        if path.lower().endswith(".svg"):
            export_svg(plot, temp)
            written = True
        else:  # QImage.save reports failure only by its return value
            written = bool(exporters.ImageExporter(plot.plot_item).export(temp))
        if not written or os.path.getsize(temp) == 0:
            raise OSError(errno.EIO, "", path)

    try:
        atomic_write_with(path, render)
    except (OSError, RuntimeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror is not None else str(exc)
        text = (QCoreApplication.translate("MainWindow", "{0}: {1}").format(path, reason) if reason
                else QCoreApplication.translate("MainWindow", "{0}: the file could not be written").format(path))
        error_box(parent, QCoreApplication.translate("MainWindow", "Could not export"), text)
        return False
    return True


def export_svg(plot: LossPlot, path: str) -> None:
    """Render the plot through Qt's SVG generator.

    pyqtgraph's SVGExporter cannot parse the path syntax of current Qt releases
    (pyqtgraph issue #3485), so the widget is painted directly.
    """
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    widget = plot.plot_widget
    gen = QSvgGenerator()
    gen.setFileName(path)
    gen.setSize(widget.size())
    gen.setViewBox(widget.rect())
    gen.setTitle(APP_TITLE)
    painter = QPainter(gen)
    try:
        widget.render(painter)
    finally:
        painter.end()


def error_box(parent: QWidget, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)
