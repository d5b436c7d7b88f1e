"""The Step-through tab: the highlighted line, Next/Back and keys, tables and heat maps, autograd beside."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from playground.core.config import TrainConfig
from playground.core.step_through import SMALL_SIZES, small_config
from playground.gui.step_through import StepThroughView


@pytest.fixture
def view(qtbot):
    v = StepThroughView(small_config(TrainConfig(activation="relu")))
    qtbot.addWidget(v)
    v.resize(1000, 600)
    v.show()
    qtbot.waitExposed(v)
    qtbot.waitUntil(lambda: v.result is not None, timeout=5000)
    return v


def independent_h(view: StepThroughView) -> np.ndarray:
    inputs = view.result.inputs
    return inputs["x"].astype(np.float64) @ inputs["w1"].astype(np.float64)


def test_the_view_has_its_accessible_name(view):
    assert view.accessibleName() == "Step-through"


def test_first_line_is_the_forward_pass_and_is_highlighted(view):
    assert view.current_stage().name == "h"
    assert view.highlighted_line() == "h = x.dot(w1)"
    assert "x · w1" in view.formula_label.text()
    assert "(4, 5)" in view.shape_label.text()


def test_small_values_are_a_table_equal_to_numpy(view):
    assert view.values.currentWidget() is view.tables_page
    want = independent_h(view)
    t = view.value_table
    assert (t.rowCount(), t.columnCount()) == want.shape
    got = np.array([[t.item(r, c).data(Qt.ItemDataRole.UserRole) for c in range(t.columnCount())]
                    for r in range(t.rowCount())])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_next_and_back_walk_the_lessons_order(view, qtbot):
    seen = [view.current_stage().name]
    while view.next_button.isEnabled():
        qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
        seen.append(view.current_stage().name)
    assert seen == ["h", "h_relu", "y_pred", "loss", "grad_y_pred", "grad_w2", "grad_h_relu", "grad_h",
                    "grad_w1", "w1", "w2"]
    assert view.highlighted_line() == "w2 -= lr * grad_w2"
    qtbot.mouseClick(view.back_button, Qt.MouseButton.LeftButton)
    assert view.current_stage().name == "w1"


def test_arrow_keys_step_too(view, qtbot):
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.current_stage().name == "y_pred"
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert view.current_stage().name == "h_relu"


def test_a_gradient_shows_autograd_beside_with_the_largest_difference(view):
    while view.current_stage().name != "grad_w1":
        view.next()
    s = view.current_stage()
    assert view.reference_table.isVisibleTo(view)
    assert "w1.grad" in view.reference_caption.text()
    t = view.reference_table
    got = np.array([[t.item(r, c).data(Qt.ItemDataRole.UserRole) for c in range(t.columnCount())]
                    for r in range(t.rowCount())])
    np.testing.assert_array_equal(got, s.reference.astype(np.float64))
    diff = float(np.max(np.abs(s.value.astype(np.float64) - s.reference.astype(np.float64))))
    assert f"{diff:.3g}" in view.difference_label.text()
    assert "autograd" in view.difference_label.text()


def test_large_values_are_a_heat_map_with_a_colour_bar_and_a_readout(qtbot):
    v = StepThroughView(TrainConfig(N=16, D_in=40, H=30, D_out=4))
    qtbot.addWidget(v)
    v.show()
    qtbot.waitUntil(lambda: v.result is not None, timeout=5000)
    assert v.values.currentWidget() is v.heat_page
    image = v.heat_maps.images[0].image
    assert image.shape == (16, 30)
    np.testing.assert_allclose(image, independent_h(v), rtol=1e-5, atol=1e-5)
    assert v.heat_maps.color_bar.levels()[1] == pytest.approx(np.max(np.abs(image)), rel=1e-6)
    row, col, value = v.heat_maps.value_at(0, 3.5, 2.5)
    assert (row, col) == (2, 3) and value == pytest.approx(float(v.result.stage("h").value[2, 3]))


def test_small_sizes_in_one_click(qtbot):
    v = StepThroughView(TrainConfig())
    qtbot.addWidget(v)
    v.show()
    qtbot.waitUntil(lambda: v.result is not None, timeout=10000)
    assert v.result.inputs["x"].shape == (64, 1000)
    qtbot.mouseClick(v.small_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: v.result.inputs["x"].shape == (SMALL_SIZES["N"], SMALL_SIZES["D_in"]),
                    timeout=5000)
    assert v.values.currentWidget() is v.tables_page


def test_it_follows_the_configuration_and_keeps_the_line(view, qtbot):
    view.next()
    view.next()  # y_pred
    view.set_config(small_config(TrainConfig(activation="tanh", style="module")))
    qtbot.waitUntil(lambda: view.result.config.style == "module", timeout=5000)
    assert view.current_stage().name == "y_pred"
    assert "h_tanh = np.tanh(h)" in view.code.toPlainText()


def test_the_window_has_the_tab_and_feeds_it(make_window, qtbot):
    w = make_window(small_config(TrainConfig()))
    named = [c for c in w.findChildren(QWidget) if c.accessibleName() == "Step-through"]
    assert named == [w.step_through]
    tabs = [w.tabs.tabText(i) for i in range(w.tabs.count())]
    assert "Step-through" in tabs
    w.tabs.setCurrentWidget(w.step_through)
    qtbot.waitUntil(lambda: w.step_through.result is not None, timeout=5000)
    w.controls.set_config(small_config(TrainConfig(activation="sigmoid")))
    qtbot.waitUntil(lambda: w.step_through.result.config.activation == "sigmoid", timeout=5000)
    assert "h_sigmoid" in w.step_through.result.names()
