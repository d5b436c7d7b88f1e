"""The Autograd lab tab shows what autograd computes for what the user types."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QFontInfo, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLineEdit,
    QStyle,
    QStyleOptionButton,
    QWidget,
)

from playground.core.autograd_lab import scalar_example
from playground.gui.autograd_lab import AutogradLab
from playground.gui.graph_view import GraphNodeItem, format_array

NOT_A_LEAF = "None (not a leaf; call retain_grad() to keep it)"


@pytest.fixture
def lab(qtbot):
    widget = AutogradLab()
    qtbot.addWidget(widget)
    widget.resize(1400, 1000)  # every cell in view: an item view hides editors outside it
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _table_numbers(table) -> np.ndarray:
    return np.array([[float(t) for t in row] for row in table.texts()])


def _type_into_cell(qtbot, table, row: int, column: int, text: str) -> None:
    """Edit a cell as a user does: open its editor, type, press Enter."""
    table.setCurrentCell(row, column)
    table.editItem(table.item(row, column))
    editor = table.indexWidget(table.model().index(row, column))  # the open editor
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    # the delegate commits the editor's text through a queued call: wait for it
    with qtbot.waitSignal(table.itemChanged):
        qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_constructs_without_arguments_and_with_a_parent(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    child = AutogradLab(parent)
    assert child.parent() is parent


def test_lesson_defaults_on_screen(lab):
    assert lab.x_table.texts() == [["1", "2"], ["3", "4"]]
    np.testing.assert_array_equal(_table_numbers(lab.y_table), [[3, 4], [5, 6]])
    np.testing.assert_array_equal(_table_numbers(lab.z_table), [[27, 48], [75, 108]])
    assert lab.out_label.text() == "64.5"
    # before backward, x.grad is None as in PyTorch; the closed form is already there
    assert lab.grad_table.texts() == [["", ""], ["", ""]]
    np.testing.assert_array_equal(_table_numbers(lab.closed_table), [[4.5, 6], [7.5, 9]])
    assert "1.5 (x + 2)" in lab.closed_title.text()
    assert lab.vjp_x_edit.text() == "1, 2, 3"
    assert lab.threshold_edit.text() == "1000"
    assert lab.v_edit.text() == "0.1, 1, 0.0001"


def test_backward_shows_the_lessons_gradient(lab, qtbot):
    with qtbot.waitSignal(lab.scalarComputed):
        qtbot.mouseClick(lab.scalar_backward_button, Qt.MouseButton.LeftButton)
    np.testing.assert_array_equal(_table_numbers(lab.grad_table), [[4.5, 6.0], [7.5, 9.0]])
    assert "largest difference 0" in lab.scalar_status.text()


def test_editing_the_table_then_backward_shows_the_right_gradient(lab, qtbot):
    _type_into_cell(qtbot, lab.x_table, 0, 1, "-7.5")
    _type_into_cell(qtbot, lab.x_table, 1, 0, "10")
    assert lab.x_table.texts() == [["1", "-7.5"], ["10", "4"]]
    x = np.array([[1.0, -7.5], [10.0, 4.0]])
    np.testing.assert_array_equal(_table_numbers(lab.y_table), x + 2)
    assert lab.grad_table.texts() == [["", ""], ["", ""]]  # an edit resets x.grad to None
    qtbot.mouseClick(lab.scalar_backward_button, Qt.MouseButton.LeftButton)
    np.testing.assert_allclose(_table_numbers(lab.grad_table), 1.5 * (x + 2))
    np.testing.assert_allclose(_table_numbers(lab.closed_table), 1.5 * (x + 2))
    assert float(lab.out_label.text()) == pytest.approx(float(np.mean(3 * (x + 2) ** 2)))


def test_bad_cell_is_named_in_the_panel(lab, qtbot):
    _type_into_cell(qtbot, lab.x_table, 1, 0, "abc")
    message = lab.scalar_error.text()
    assert not lab.scalar_error.isHidden()
    assert "x[1][0]" in message and "row 2, column 1" in message and "'abc'" in message
    assert not lab.scalar_backward_button.isEnabled()
    assert lab.x_table.item(1, 0).background().color().name() == "#fee2e2"
    assert lab.y_table.texts() == [["", ""], ["", ""]]  # no stale values beside a bad input
    _type_into_cell(qtbot, lab.x_table, 1, 0, "3")
    assert lab.scalar_error.isHidden() and lab.scalar_backward_button.isEnabled()
    assert lab.x_table.item(1, 0).background().style() == Qt.BrushStyle.NoBrush


def test_empty_cell_is_named(lab):
    lab.x_table.item(0, 0).setText("")
    assert "x[0][0] (row 1, column 1)" in lab.scalar_error.text()


def test_graph_scene_has_a_node_item_per_graph_node(lab, qtbot):
    qtbot.mouseClick(lab.scalar_backward_button, Qt.MouseButton.LeftButton)
    graph = lab.scalar_result.graph
    items = [i for i in lab.graph_view.scene().items() if isinstance(i, GraphNodeItem)]
    assert len(items) == len(graph.nodes) == 10
    assert {i.node.id for i in items} == {n.id for n in graph.nodes}
    titles = sorted(i.title.text() for i in items)
    assert titles == sorted(
        ["x", "y", "y * y", "z", "out", "AccumulateGrad", "AddBackward0", "MulBackward0", "MulBackward0"]
        + ["MeanBackward0"]
    )
    assert len(lab.graph_view.edge_items) == len(graph.edges)
    x_item = lab.graph_view.node_items["tensor:x"]
    assert "[[4.5, 6]," in x_item.body.text()  # the gradient is written on the node
    # the leaf x is drawn above the output: the graph reads in the code's order
    assert x_item.y() < lab.graph_view.node_items["tensor:out"].y()


def test_graph_follows_edits_and_shows_none_before_backward(lab, qtbot):
    qtbot.mouseClick(lab.scalar_backward_button, Qt.MouseButton.LeftButton)
    lab.x_table.item(0, 0).setText("0")
    body = lab.graph_view.node_items["tensor:x"].body.text()
    assert "None" in body and "[[0, 2]," in body
    qtbot.mouseClick(lab.scalar_backward_button, Qt.MouseButton.LeftButton)
    expected = scalar_example([[0, 2], [3, 4]]).grad
    np.testing.assert_allclose(_table_numbers(lab.grad_table), expected)
    assert "[[3, 6]," in lab.graph_view.node_items["tensor:x"].body.text()


def test_lesson_values_button_restores_x(lab, qtbot):
    lab.x_table.item(0, 0).setText("9")
    qtbot.mouseClick(lab.scalar_reset_button, Qt.MouseButton.LeftButton)
    assert lab.x_table.texts() == [["1", "2"], ["3", "4"]]
    assert lab.out_label.text() == "64.5"


# --- vector-Jacobian product ------------------------------------------------------------


def _press(qtbot, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_vjp_defaults_show_doublings_and_gradient(lab, qtbot):
    assert "doubled y 8 times" in lab.doublings_label.text()
    assert "[512, 1024, 1536]" in lab.doublings_label.text()
    with qtbot.waitSignal(lab.vjpComputed) as blocker:
        _press(qtbot, lab.vjp_backward_button)
    np.testing.assert_allclose(blocker.args[0].grad, [51.2, 512.0, 0.0512], rtol=1e-6)
    assert "x.grad now:    [51.2, 512, 0.0512]" in lab.vjp_result_label.text()


def test_vjp_gradients_accumulate_unless_zeroed(lab, qtbot):
    _press(qtbot, lab.vjp_backward_button)
    _press(qtbot, lab.vjp_backward_button)
    assert "x.grad now:    [102.4, 1024, 0.1024]" in lab.vjp_result_label.text()
    assert "added to the one already there" in lab.vjp_status.text()
    lab.zero_grad_check.setChecked(True)
    _press(qtbot, lab.vjp_backward_button)
    assert "x.grad now:    [51.2, 512, 0.0512]" in lab.vjp_result_label.text()
    assert "zeroed first" in lab.vjp_status.text()


def test_vjp_second_backward_shows_pytorchs_error_then_retain_graph_works(lab, qtbot):
    assert not lab.vjp_again_button.isEnabled()
    _press(qtbot, lab.vjp_backward_button)
    assert lab.vjp_again_button.isEnabled()
    _press(qtbot, lab.vjp_again_button)
    assert not lab.torch_error_label.isHidden()
    assert lab.torch_error_label.text().startswith(
        "RuntimeError: Trying to backward through the graph a second time"
    )
    assert "retain_graph" in lab.torch_error_help.text()
    assert "x.grad now:    [51.2, 512, 0.0512]" in lab.vjp_result_label.text()  # unchanged

    lab.retain_check.setChecked(True)
    _press(qtbot, lab.vjp_backward_button)  # a fresh graph, kept this time
    _press(qtbot, lab.vjp_again_button)
    assert lab.torch_error_label.isHidden()
    assert lab.vjp_result.error is None and lab.vjp_result.backward_count == 2
    # three successful backward passes so far, none zeroed
    np.testing.assert_allclose(lab.vjp_result.grad, 3 * 512 * np.float32([0.1, 1.0, 0.0001]))
    assert "retain_graph=True kept the graph" in lab.vjp_status.text()


def test_vjp_bad_input_is_named_and_blocks_backward(lab, qtbot):
    lab.v_edit.setText("0.1, 1")
    assert "v:" in lab.vjp_error.text() and not lab.vjp_error.isHidden()
    assert lab.v_edit.styleSheet() and not lab.vjp_x_edit.styleSheet()
    assert not lab.vjp_backward_button.isEnabled()
    lab.v_edit.setText("0.1, 1, 0.0001")
    lab.vjp_x_edit.setText("1, two, 3")
    assert "x[1]: 'two' is not a number" in lab.vjp_error.text()
    assert lab.vjp_x_edit.styleSheet()
    lab.vjp_x_edit.setText("1, 2, 3")
    lab.threshold_edit.setText("nan")
    assert lab.vjp_error.text().startswith("threshold:")
    lab.threshold_edit.setText("1000")
    assert lab.vjp_error.isHidden() and lab.vjp_backward_button.isEnabled()


def test_vjp_zero_x_and_infinite_threshold_terminate_with_a_note(lab, qtbot):
    lab.vjp_x_edit.setText("0, 0, 0")
    assert "Stopped after 1000 doublings" in lab.doublings_label.text()
    lab.vjp_x_edit.setText("1, 2, 3")
    lab.threshold_edit.setText("inf")
    assert "overflowed" in lab.doublings_label.text()
    _press(qtbot, lab.vjp_backward_button)
    assert lab.vjp_result is not None and lab.vjp_result.error is None


def test_vjp_new_x_forgets_the_gradient(lab, qtbot):
    _press(qtbot, lab.vjp_backward_button)
    _press(qtbot, lab.vjp_new_x_button)
    assert not lab.vjp_again_button.isEnabled()
    _press(qtbot, lab.vjp_backward_button)
    assert lab.vjp_result.new_tensor and lab.vjp_result.grad_before is None


def test_vjp_code_follows_the_inputs(lab):
    lab.threshold_edit.setText("50")
    assert "while y.data.norm() < 50:" in lab.vjp_code.text()
    assert "doubled y 3 times" in lab.doublings_label.text()


def test_every_control_has_a_tooltip(lab):
    controls = [
        lab.x_table,
        lab.scalar_backward_button,
        lab.scalar_reset_button,
        lab.vjp_x_edit,
        lab.threshold_edit,
        lab.v_edit,
        lab.zero_grad_check,
        lab.retain_check,
        lab.vjp_backward_button,
        lab.vjp_again_button,
        lab.vjp_new_x_button,
        lab.retain_grad_check,
        lab.zoom_in_button,
        lab.zoom_out_button,
        lab.fit_button,
        lab.graph_view,
    ]
    assert all(c.toolTip() for c in controls)


# --- legibility and zoom of the graph ---------------------------------------------------


def _named(widget: QWidget, cls, name: str):
    """The one child of type ``cls`` whose accessible name is ``name``, as a screen reader finds it."""
    (found,) = [w for w in widget.findChildren(cls) if w.accessibleName() == name]
    return found


def _smallest_label_device_px(view) -> float:
    """The smallest font, in device pixels, any node's text is drawn with in ``view``."""
    ratio = view.devicePixelRatioF()
    sizes = []
    for item in view.node_items.values():
        scale = item.deviceTransform(view.viewportTransform()).m22()
        sizes += [QFontInfo(font).pixelSize() * scale * ratio for font in item.fonts()]
    return min(sizes)


def test_graph_labels_are_at_least_the_ui_font_at_the_default_tab_size(qtbot):
    from playground.gui.main_window import MainWindow
    from playground.gui.settings import Settings

    window = MainWindow(Settings())  # no saved geometry: the default window size
    qtbot.addWidget(window)
    try:
        window.show()
        window.tabs.setCurrentWidget(window.lab_tab)
        qtbot.waitExposed(window)
        view = window.lab.graph_view
        qtbot.waitUntil(lambda: view.isVisible() and view.viewport().height() > 0)
        assert view.node_items  # the graph is drawn
        ui_px = QFontInfo(QApplication.font()).pixelSize() * view.devicePixelRatioF()
        assert _smallest_label_device_px(view) >= ui_px
        # the drawing is taller than the view there: it scrolls rather than shrinking
        assert view.verticalScrollBar().maximum() > 0
    finally:
        window.controller.shutdown(3000)


def test_zoom_buttons_change_the_view_scale(lab, qtbot):
    view = lab.graph_view
    start = view.zoom()
    with qtbot.waitSignal(view.zoomChanged):
        qtbot.mouseClick(_named(lab, QAbstractButton, "Zoom in"), Qt.MouseButton.LeftButton)
    zoomed_in = view.zoom()
    assert zoomed_in > start and view.transform().m22() == zoomed_in
    assert lab.zoom_label.text() == f"Zoom {round(zoomed_in * 100)} %"
    qtbot.mouseClick(_named(lab, QAbstractButton, "Zoom out"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(_named(lab, QAbstractButton, "Zoom out"), Qt.MouseButton.LeftButton)
    assert view.zoom() < start
    lab.resize(900, 500)  # a view too small for the whole graph at the UI font size
    qtbot.waitUntil(lambda: view.viewport().height() < 450)
    qtbot.mouseClick(_named(lab, QAbstractButton, "Fit"), Qt.MouseButton.LeftButton)
    # Fit shows the whole drawing, however small
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.adjusted(-1, -1, 1, 1).contains(view.sceneRect())
    assert view.zoom() < 1.0


def test_ctrl_wheel_zooms_and_the_zoom_survives_an_edit(lab, qtbot):
    view = lab.graph_view
    start = view.zoom()
    centre = QPointF(view.viewport().rect().center())
    wheel = QWheelEvent(
        centre,
        QPointF(view.viewport().mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.zoom() > start
    zoomed = view.zoom()
    lab.x_table.item(0, 0).setText("5")  # a new graph is drawn: the user's zoom stays
    assert lab.graph_view.node_items["tensor:x"].node.value[0, 0] == 5
    assert view.zoom() == zoomed


# --- y.grad and z.grad: None unless retain_grad() ----------------------------------------


def _torch_grads(x, retain: bool):
    """y.grad and z.grad as torch itself leaves them (warnings silenced: None is the answer)."""
    xt = torch.tensor(x, dtype=torch.double, requires_grad=True)
    y = xt + 2
    z = y * y * 3
    if retain:
        y.retain_grad()
        z.retain_grad()
    z.mean().backward()
    if not retain:
        with pytest.warns(UserWarning, match="not a leaf"):
            return y.grad, z.grad
    return y.grad, z.grad


def test_y_and_z_grads_show_none_as_pytorch_leaves_them(lab, qtbot):
    qtbot.mouseClick(lab.scalar_backward_button, Qt.MouseButton.LeftButton)
    assert _torch_grads([[1.0, 2.0], [3.0, 4.0]], retain=False) == (None, None)
    assert lab.intermediate_grads_label.text().splitlines() == [
        f"y.grad = {NOT_A_LEAF}",
        f"z.grad = {NOT_A_LEAF}",
    ]
    for node_id in ("tensor:y", "tensor:z", "tensor:y * y", "tensor:out"):
        item = lab.graph_view.node_items[node_id]
        assert item.node.grad is None and item.grad_text == NOT_A_LEAF
        assert NOT_A_LEAF in item.toolTip()
    assert lab.graph_view.node_items["tensor:x"].grad_text.startswith("[[4.5, 6],")
    assert "retain_grad()" not in lab.scalar_code.text()


def _click_check_box(qtbot, box) -> None:
    """Click a check box's indicator, as a user does (the widget may span a wide row)."""
    option = QStyleOptionButton()
    box.initStyleOption(option)
    indicator = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    with qtbot.waitSignal(box.toggled):
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=indicator.center())


def test_retain_grad_box_shows_torchs_real_y_and_z_grads(lab, qtbot):
    box = _named(lab, QAbstractButton, "retain_grad() on y and z")
    assert box.text() == "retain_grad() on y and z" and not box.isChecked()
    _type_into_cell(qtbot, lab.x_table, 1, 0, "-0.5")
    x = [[1.0, 2.0], [-0.5, 4.0]]
    _click_check_box(qtbot, box)
    assert box.isChecked()
    # ticked before backward: retain_grad() was called, but nothing has flowed back yet
    assert lab.graph_view.node_items["tensor:y"].grad_text == "None (no backward yet)"
    qtbot.mouseClick(lab.scalar_backward_button, Qt.MouseButton.LeftButton)
    y_grad, z_grad = _torch_grads(x, retain=True)
    np.testing.assert_array_equal(lab.scalar_result.grads["y"], y_grad.numpy())
    np.testing.assert_array_equal(lab.scalar_result.grads["z"], z_grad.numpy())
    for name, grad in (("y", y_grad), ("z", z_grad)):
        item = lab.graph_view.node_items[f"tensor:{name}"]
        np.testing.assert_array_equal(item.node.grad, grad.numpy())
        assert item.grad_text == format_array(grad.numpy())
    label = lab.intermediate_grads_label.text()
    assert f"y.grad = {format_array(y_grad.numpy()).splitlines()[0]}" in label
    assert f"z.grad = {format_array(z_grad.numpy()).splitlines()[0]}" in label
    # only y and z were retained: out is still PyTorch's None
    assert lab.graph_view.node_items["tensor:out"].grad_text == NOT_A_LEAF
    code = lab.scalar_code.text().splitlines()
    assert code.index("y.retain_grad()") < code.index("out.backward()")
    assert code.index("z.retain_grad()") < code.index("out.backward()")
    # unticking runs the example again without retain_grad(): None again, code without the calls
    _click_check_box(qtbot, box)
    assert not box.isChecked()
    assert lab.scalar_result.backward_done and lab.scalar_result.grads["y"] is None
    assert lab.graph_view.node_items["tensor:y"].grad_text == NOT_A_LEAF
    assert "retain_grad()" not in lab.scalar_code.text()
