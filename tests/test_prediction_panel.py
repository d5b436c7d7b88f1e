"""The Prediction panel draws what the trained network predicts, checked against the network itself."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt

from playground.core.config import TrainConfig
from playground.core.csvdata import load_table
from playground.core.loop import Trainer
from playground.gui.prediction import PredictionPanel


def trained(**kw):
    trainer = Trainer(TrainConfig(**kw))
    batches = list(trainer.batches())
    return trainer, batches[-1]


@pytest.fixture
def panel(qtbot):
    w = PredictionPanel()
    qtbot.addWidget(w)
    w.resize(400, 400)
    return w


def _softmax1(out: np.ndarray) -> np.ndarray:
    e = np.exp(out - out.max(axis=1, keepdims=True))
    return e[:, 1] / e.sum(axis=1)


def test_decision_boundary_image_is_the_networks_probability_with_train_and_test_points(panel):
    trainer, last = trained(dataset="circles", steps=60)
    p = last.prediction
    panel.show_prediction(p)
    assert panel.accessibleName() == "Prediction"
    assert panel.kind == "grid" and panel.pages.currentWidget() is panel.grid_page
    # The image is the grid (x along the image's first axis, as pyqtgraph draws it).
    np.testing.assert_array_equal(panel.boundary.image, p.grid.T)
    # The image covers the grid's extent in the data's own coordinates.
    rect = panel.boundary.mapRectToParent(panel.boundary.boundingRect())
    x0, x1, y0, y1 = p.extent
    assert rect.left() == pytest.approx(x0) and rect.right() == pytest.approx(x1)
    assert rect.top() == pytest.approx(y0) and rect.bottom() == pytest.approx(y1)
    # Its corners are the network's probability of class 1 there, computed here from the weights.
    data = trainer.runner.data
    corners = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]])
    x = (torch.tensor(corners, dtype=torch.float32) - data.mean) / data.std
    expected = _softmax1(trainer.runner.predict(x).double().numpy())
    got = np.array([p.grid[0, 0], p.grid[0, -1], p.grid[-1, 0], p.grid[-1, -1]])
    np.testing.assert_allclose(got, expected, atol=1e-5)
    # Training points filled, test points hollow, at the data's coordinates.
    train_pos = np.column_stack(panel.train_points.getData())
    np.testing.assert_allclose(train_pos, data.raw_x.numpy(), rtol=1e-6)
    test_pos = np.column_stack(panel.test_points.getData())
    np.testing.assert_allclose(test_pos, data.raw_x_test.numpy(), rtol=1e-6)
    assert all(b.style() == Qt.BrushStyle.NoBrush for b in panel.test_points.data["brush"])
    assert all(b.style() != Qt.BrushStyle.NoBrush for b in panel.train_points.data["brush"])


def test_fitted_curve_is_the_networks_output_over_the_data(panel):
    trainer, last = trained(dataset="sine", steps=80)
    p = last.prediction
    panel.show_prediction(p)
    assert panel.kind == "curve"
    cx, cy = panel.curve.getData()
    data = trainer.runner.data
    raw = torch.cat([data.raw_x, data.raw_x_test])
    assert cx[0] == pytest.approx(float(raw.min())) and cx[-1] == pytest.approx(float(raw.max()))
    x = (torch.tensor(cx[:, None], dtype=torch.float32) - data.mean) / data.std
    np.testing.assert_allclose(cy, trainer.runner.predict(x)[:, 0].double().numpy(), rtol=1e-5, atol=1e-6)
    assert len(panel.curve_train.getData()[0]) == len(data.x)
    assert len(panel.curve_test.getData()[0]) == len(data.x_test)


def test_digits_show_predicted_labels_marking_the_wrong_ones_and_the_confusion_matrix(panel):
    trainer, last = trained(dataset="digits", steps=15)  # short: some answers still wrong
    p = last.prediction
    panel.show_prediction(p)
    assert panel.kind == "digits"
    data = trainer.runner.data
    predicted = trainer.runner.predict(data.x_test).argmax(1).numpy()
    truth = data.y_test.numpy()
    expected = np.zeros((10, 10), dtype=np.int64)
    for t, g in zip(truth, predicted, strict=True):
        expected[t, g] += 1
    np.testing.assert_array_equal(panel.confusion(), expected)
    shown = panel.digit_label_texts()
    assert len(shown) == len(p.images) == 36
    for (text, marked), t, g in zip(shown, truth[:36], predicted[:36], strict=True):
        assert text.startswith(str(g))
        assert marked == (t != g)
    assert any(marked for _, marked in shown) and not all(marked for _, marked in shown)
    # The images are the test set's own pixels.
    np.testing.assert_array_equal(p.images.reshape(36, 64), data.raw_x_test[:36].numpy().astype(np.uint8))


def test_random_data_shows_the_note_and_the_train_test_gap(panel):
    trainer = Trainer(TrainConfig(test_fraction=0.25, steps=40))
    batches = [b for b in trainer.batches() if len(b.losses)]
    for b in batches:
        panel.show_batch(b)
    assert panel.kind == "none"
    assert "nothing to predict" in panel.none_note.text()
    text = panel.gap_label.text()
    # the last loss, and the last test loss evaluated (a batch may end between two evaluations)
    last_test = np.concatenate([b.test_losses for b in batches])[-1]
    assert f"{float(batches[-1].losses[-1]):.4g}" in text and f"{float(last_test):.4g}" in text


def test_drawn_points_become_a_csv_the_app_trains_on(panel, tmp_path):
    _trainer, last = trained(dataset="gaussians", steps=5)
    panel.show_prediction(last.prediction)
    seen = []
    panel.drawnPointsChanged.connect(seen.append)
    rng = np.random.default_rng(0)
    for i in range(12):
        cls = i % 2
        x, y = rng.normal(size=2) * 0.3 + (1 if cls else -1)
        panel.add_drawn_point(x, y, cls)
    assert len(seen) == 12 and seen[-1].shape == (12, 3)
    assert panel.train_drawn_button.isEnabled()
    path = tmp_path / "drawn.csv"
    path.write_text(panel.drawn_csv(), encoding="utf-8")
    table = load_table(str(path))
    assert table.task == "classification" and table.features == ("x", "y") and table.rows == 12
    np.testing.assert_array_equal(table.x, panel.drawn[:, :2])
    panel.clear_drawn()
    assert len(panel.drawn) == 0 and not panel.train_drawn_button.isEnabled()


# The offscreen platform says so when a click raises and focuses the window: not our warning.
@pytest.mark.qt_log_ignore("This plugin does not support")
def test_a_click_on_the_boundary_draws_a_point_of_the_buttons_class(panel, qtbot):
    _trainer, last = trained(dataset="circles", steps=5)
    panel.show()
    panel.show_prediction(last.prediction)
    qtbot.waitExposed(panel)
    view = panel.grid_plot
    centre = view.getPlotItem().vb.sceneBoundingRect().center()
    pos = view.mapFromScene(centre)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.RightButton, pos=pos)
    qtbot.waitUntil(lambda: len(panel.drawn) == 1, timeout=2000)
    assert panel.drawn[0, 2] == 1
    x0, x1, y0, y1 = last.prediction.extent
    assert x0 < panel.drawn[0, 0] < x1 and y0 < panel.drawn[0, 1] < y1


def test_the_accuracies_of_the_last_evaluation_are_shown(panel):
    trainer = Trainer(TrainConfig(dataset="gaussians", steps=60))
    batches = list(trainer.batches())
    for b in batches:
        panel.show_batch(b)
    last = max((b for b in batches if len(b.eval_steps)), key=lambda b: b.eval_steps[-1])
    text = panel.metrics.text()
    assert f"step {int(last.eval_steps[-1])}" in text
    assert f"test accuracy {float(last.test_accuracies[-1]):.1%}" in text
    assert f"training accuracy {float(last.train_accuracies[-1]):.1%}" in text
    # and the accuracies against step: training solid, test dashed
    steps = np.concatenate([b.eval_steps for b in batches])
    x, y = panel.train_accuracy_curve.getData()
    np.testing.assert_array_equal(x, steps)
    np.testing.assert_array_equal(y, np.concatenate([b.train_accuracies for b in batches]))
    x, y = panel.test_accuracy_curve.getData()
    np.testing.assert_array_equal(y, np.concatenate([b.test_accuracies for b in batches]))
    assert panel.test_accuracy_curve.opts["pen"].style() == Qt.PenStyle.DashLine
    assert not panel.accuracy_plot.isHidden()
    panel.clear()
    cleared = panel.train_accuracy_curve.getData()[0]
    assert panel.accuracy_plot.isHidden() and (cleared is None or len(cleared) == 0)


def test_a_regression_on_several_features_plots_prediction_against_target(panel, tmp_path):
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=(2, 80))
    path = tmp_path / "values.csv"
    path.write_text("a,b,v\n" + "".join(f"{x:.4f},{y:.4f},{3 * x - y:.4f}\n" for x, y in zip(a, b, strict=True)),
                    encoding="utf-8")
    trainer, last = trained(data_file=str(path), steps=100)
    panel.show_prediction(last.prediction)
    assert panel.kind == "fit"
    data = trainer.runner.data
    xs, ys = panel.fit_test.getData()
    # In the target's own units: the file's values, and the network's output scaled back.
    file_targets = np.round(3 * a - b, 4)
    assert all(np.isclose(file_targets, v, atol=1e-3).any() for v in xs)
    m, sd = float(data.y_mean[0]), float(data.y_std[0])
    np.testing.assert_allclose(xs, data.y_test[:, 0].numpy() * sd + m, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ys, trainer.runner.predict(data.x_test)[:, 0].numpy() * sd + m, rtol=1e-5, atol=1e-5)
    assert len(panel.fit_train.getData()[0]) == len(data.x)
