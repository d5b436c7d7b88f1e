"""The window with a data set: the Prediction tab, the dashed test loss, File > Open data…."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from playground.core.config import TrainConfig
from playground.core.loop import Trainer
from playground.gui.controller import FINISHED


def wait_finished(qtbot, w, timeout=20000):
    qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=timeout)


def test_a_circles_run_shows_its_boundary_and_test_loss(make_window, qtbot):
    cfg = TrainConfig(dataset="circles", steps=200)
    w = make_window(cfg)
    w.start_or_resume()
    wait_finished(qtbot, w)
    views = w.data_views
    assert w.side_tabs.currentWidget() is views.prediction
    assert views.prediction.accessibleName() == "Prediction"
    assert views.prediction.kind == "grid"
    # The last picture is the one the core makes for the finished run, value for value.
    trainer = Trainer(cfg)
    list(trainer.batches())
    from playground.core.prediction import make_prediction

    expected = make_prediction(trainer.runner, cfg.steps)
    np.testing.assert_array_equal(views.prediction.prediction.grid, expected.grid)
    # The test loss: dashed, every 10th step, the core's numbers (log10 on the log axis).
    curve = w.plot.test_curve
    assert curve is not None and curve.opts["pen"].style() == Qt.PenStyle.DashLine
    x, y = curve.getData()
    assert x.tolist() == list(range(0, 200, 10))
    assert np.all(np.diff(y[:5]) < 0)  # it falls at first


def test_open_data_trains_on_the_file_and_refuses_a_bad_one(make_window, qtbot, tmp_path, monkeypatch):
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]) or QMessageBox.StandardButton.Ok)
    w = make_window()
    assert "Open data…" in [a.text() for a in w.file_menu.actions()]
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,t\n1,2,0\n1,x,1\n", encoding="utf-8")
    assert not w.data_views.open_data(str(bad))
    assert len(warned) == 1 and "line 3, column 2 (b)" in warned[0]
    assert w.controls.config() == TrainConfig()  # nothing half-loaded
    good = tmp_path / "good.csv"
    rng = np.random.default_rng(1)
    pts = rng.normal(size=(60, 2))
    good.write_text("x,y,c\n" + "".join(f"{a:.4f},{b:.4f},{int(a > b)}\n" for a, b in pts), encoding="utf-8")
    assert w.data_views.open_data(str(good))
    assert w.controls.config().dataset == "file"
    w.start_or_resume()
    wait_finished(qtbot, w)
    assert w.data_views.prediction.kind == "grid"


def test_random_data_keeps_the_gradients_tab_and_draws_no_test_loss(make_window, qtbot):
    w = make_window(TrainConfig(N=16, D_in=40, H=12, D_out=4, steps=50))
    w.start_or_resume()
    wait_finished(qtbot, w)
    assert w.side_tabs.currentWidget() is w.inspector
    assert w.plot.test_curve is None
    assert w.data_views.prediction.kind == "none"


def test_a_large_file_is_loaded_after_a_confirmation(make_window, tmp_path, monkeypatch):
    from playground.core import csvdata

    monkeypatch.setattr(csvdata, "MAX_ROWS", 20)
    monkeypatch.setattr(csvdata, "_CONFIRMED", set())
    asked = []
    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
    monkeypatch.setattr(QMessageBox, "question", lambda *a: asked.append(a[2]) or next(answers))
    w = make_window()
    path = tmp_path / "big.csv"
    path.write_text("a,t\n" + "".join(f"{i},{i % 2}\n" for i in range(30)), encoding="utf-8")
    assert not w.data_views.open_data(str(path))  # declined: nothing loaded
    assert w.controls.config().dataset == "random"
    assert w.data_views.open_data(str(path))
    assert len(asked) == 2 and "more than 20 data rows" in asked[0]
    assert w.controls.config().N == 30


def test_points_drawn_on_the_panel_are_trained_on(make_window, qtbot, tmp_path):
    w = make_window(TrainConfig(dataset="circles", steps=30))
    w.start_or_resume()
    wait_finished(qtbot, w)
    panel = w.data_views.prediction
    rng = np.random.default_rng(2)
    for i in range(20):
        cls = i % 2
        x, y = rng.normal(size=2) * 0.2 + (0.6 if cls else -0.6)
        panel.add_drawn_point(x, y, cls)
    assert panel.train_drawn_button.isEnabled()
    assert w.data_views.train_on_drawn(str(tmp_path))
    cfg = w.controls.config()
    assert cfg.dataset == "file" and cfg.N == 20 and cfg.D_in == 2 and cfg.data_file.startswith(str(tmp_path))
    w.start_new()
    wait_finished(qtbot, w)
    assert w.data_views.prediction.kind == "grid"
    # The picture's training and test points are the points drawn (float32 in the run).
    p = w.data_views.prediction.prediction
    shown = np.concatenate([p.points, p.test_points])
    np.testing.assert_allclose(shown[np.lexsort(shown.T[::-1])],
                               panel.drawn[np.lexsort(panel.drawn[:, :2].T[::-1]), :2], rtol=1e-6)
