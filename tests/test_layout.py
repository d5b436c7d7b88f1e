"""The window's layout at laptop sizes, and what the inspector shows around a run's start and reset."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QScrollArea, QWidget

from playground.core.config import TrainConfig
from playground.gui.controller import FINISHED, IDLE
from playground.gui.inspector import COL, MIN_CHART_VIEW_PX
from playground.gui.main_window import MainWindow
from playground.gui.settings import Settings

SMALL = dict(N=16, D_in=40, H=12, D_out=4, device="cpu", check_memory=False)
#: The lesson's model (N=64, D_in=1000, H=100, D_out=10) with a learning rate that diverges.
DIVERGING = dict(lr=1.0, steps=300, device="cpu", check_memory=False)


def settle() -> None:
    """Let posted layout requests (and pyqtgraph's resizes that follow them) run."""
    for _ in range(3):
        QApplication.processEvents()


def inside_scroll_area(widget: QWidget, root: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def clipped_texts(root: QWidget) -> list[str]:
    """Visible labels and buttons under ``root`` smaller than their text needs.

    Text inside a scroll area is left out: it scrolls rather than being cut.
    """
    clipped = []
    for label in root.findChildren(QLabel):
        if not label.isVisible() or not label.text() or inside_scroll_area(label, root):
            continue
        if label.wordWrap():
            need = QSize(0, label.heightForWidth(label.width()))
        else:
            need = label.sizeHint()
        if label.width() < need.width() or label.height() < need.height():
            clipped.append(f"label {label.text()[:40]!r}: {label.size().toTuple()} < {need.toTuple()}")
    for button in root.findChildren(QAbstractButton):
        if button.isVisible() and button.text():
            need = button.fontMetrics().horizontalAdvance(button.text())
            if button.width() < need:
                clipped.append(f"button {button.text()!r}: {button.width()} < {need}")
    return clipped


def chart_heights(w: MainWindow) -> dict[str, float]:
    i = w.inspector
    return {name: getattr(i, name).getViewBox().size().height() for name in ("hist_plot", "heat_plot", "norm_plot")}


@pytest.mark.parametrize("bias", [False, True], ids=["two tensors", "four tensors"])
def test_at_1280x650_a_divergence_leaves_every_chart_and_text_legible(make_window, qtbot, bias):
    w = make_window(TrainConfig(**DIVERGING, bias=bias), size=(1280, 650))
    w.start_or_resume()
    qtbot.waitUntil(lambda: w.controller.state == FINISHED and not w.controller.busy, timeout=20_000)
    i = w.inspector
    assert w._last_batch.divergence is not None and i.divergence_box.isVisible()
    assert w.banner.isVisible()
    settle()
    assert w.size() == QSize(1280, 650)  # the window's minimum did not push it taller
    for expanded in (False, True):  # the summary, then every cause
        i.divergence_toggle.setChecked(expanded)
        settle()
        assert i.divergence_details.isVisible() == expanded
        assert w.size() == QSize(1280, 650)
        heights = chart_heights(w)
        assert min(heights.values()) >= MIN_CHART_VIEW_PX, (expanded, heights)
        # Nothing laid out past the panel's bottom edge.
        assert i.chart_stack.geometry().bottom() < i.height()
        assert clipped_texts(i) == [], expanded
        assert clipped_texts(w.banner) == []
    # The hint under the table points at a column that is in view, not scrolled away.
    table, column = i.table, COL["update_ratio"]
    assert not table.isColumnHidden(column)
    assert table.columnViewportPosition(column) + table.columnWidth(column) <= table.viewport().width()
    # The controls panel cannot scroll sideways: it is as wide as its widest row.
    assert w.controls_scroll.viewport().width() >= w.controls.minimumSizeHint().width()


def test_the_default_window_fits_a_1366x768_laptop(qtbot):
    w = MainWindow(Settings(config=TrainConfig(**SMALL)))
    qtbot.addWidget(w)
    assert w.size() == QSize(1280, 700)
    w.show()
    qtbot.waitExposed(w)
    settle()
    hint = w.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 700, hint
    assert w.size() == QSize(1280, 700)


def test_the_controls_show_on_the_training_tab_only(make_window):
    w = make_window(TrainConfig(**SMALL))
    tabs = w.tabs
    assert tabs.currentWidget() is w.training_tab and w.controls_scroll.isVisible()
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        settle()
        page = tabs.currentWidget()
        on_training = page is w.training_tab
        assert w.controls_scroll.isVisible() == on_training, tabs.tabText(index)
        if not on_training:  # the whole width is the page's
            assert page.width() >= tabs.width() - 10, tabs.tabText(index)
    tabs.setCurrentWidget(w.training_tab)
    assert w.controls_scroll.isVisible()


def inspector_is_empty(w: MainWindow) -> bool:
    i = w.inspector
    return (
        i.shown_stats() is None
        and i.table.rowCount() == 0
        and i.chart_stack.currentWidget() is i.chart_placeholder
        and i.histogram_curve.getData()[1] is None
        and i.heatmap_image.image is None
        and i.norm_curves == {}
    )


def test_reset_empties_the_inspector_at_once_and_for_good(make_window, qtbot):
    w = make_window(TrainConfig(**SMALL, steps=10_000_000))
    w.start_or_resume()
    qtbot.waitUntil(lambda: w.inspector.shown_stats() is not None, timeout=10_000)
    assert not inspector_is_empty(w)
    w.reset()  # Ctrl+R
    assert inspector_is_empty(w)
    assert "no gradients yet" in w.inspector.status_label.text().lower()
    # Batches the stopping worker had already sent arrive after the reset: still empty.
    qtbot.waitUntil(lambda: w.controller.state == IDLE and not w.controller.busy, timeout=10_000)
    assert inspector_is_empty(w)


def test_a_new_run_shows_its_own_first_gradients_before_the_pacer_would(make_window, qtbot):
    w = make_window(TrainConfig(**SMALL, style="tensors", steps=10_000_000))
    i = w.inspector
    w.start_or_resume()
    qtbot.waitUntil(lambda: i.shown_stats() is not None, timeout=10_000)
    i.chart_pacer.min_ms = i.chart_pacer.max_ms = 600_000  # no paced chart frame during the test
    w.controls.set_config(TrainConfig(**SMALL, style="sequential", bias=True, steps=10_000_000))
    w.start_new()
    new_names = ["0.weight", "0.bias", "1.weight", "1.bias"]
    qtbot.waitUntil(
        lambda: i.shown_stats() is not None and [p.name for p in i.shown_stats().params] == new_names,
        timeout=10_000,
    )
    assert w.controller.config.style == "sequential"
    # The charts show the new run (its 12 x 40 first weight), not the old run or nothing.
    assert list(i.norm_curves) == new_names
    assert i.heatmap_image.image.shape == (12, 40)
    counts = i.histogram_curve.getData()[1]
    assert counts is not None and int(np.sum(counts)) == 12 * 40
    assert i.chart_stack.currentWidget() is i.charts_page
    w.controller.stop()
