"""The window feeds its panels: inspector during a run, gradient check, divergence, lab tab."""

from __future__ import annotations

import numpy as np
import pytest

from playground.core.config import TrainConfig
from playground.gui.controller import FINISHED, PAUSED, RUNNING
from playground.gui.main_window import MainWindow
from playground.gui.settings import Settings

SMALL = dict(N=16, D_in=40, H=12, D_out=4)


@pytest.fixture
def window(qtbot):
    w = MainWindow(Settings(config=TrainConfig(**SMALL, steps=10_000_000)))
    qtbot.addWidget(w)
    yield w
    w.controller.shutdown(3000)


def test_inspector_shows_the_runs_parameters_while_training(window, qtbot):
    window.start_or_resume()
    qtbot.waitUntil(lambda: window.inspector.shown_stats() is not None, timeout=10000)
    names = [p.name for p in window.inspector.shown_stats().params]
    assert names == ["w1", "w2"]
    assert window.inspector.table.rowCount() == 2
    window.stop()
    qtbot.waitUntil(lambda: window.controller.state == FINISHED, timeout=2000)


def test_a_completed_run_draws_its_gradient_norms_at_the_sampled_steps(qtbot):
    from playground.core.loop import norm_sampled

    cfg = TrainConfig(**SMALL, steps=2000)
    window = MainWindow(Settings(config=cfg))
    qtbot.addWidget(window)
    window.start_or_resume()
    qtbot.waitUntil(lambda: window.controller.state == FINISHED, timeout=20000)
    x, y = window.inspector.norm_curves["w1"].getData()
    sampled = {s for s in range(cfg.steps) if norm_sampled(s)}
    assert sampled <= set(x.tolist())  # every sample, whatever the speed of the run
    assert len(sampled) > 300 and np.all(np.diff(x) > 0)
    assert np.isfinite(y).all()


def test_gradient_check_pauses_the_run_and_reports(window, qtbot):
    window.start_or_resume()
    qtbot.waitUntil(lambda: window.controller.state == RUNNING, timeout=5000)
    window.inspector.gradientCheckRequested.emit()
    qtbot.waitUntil(lambda: window.controller.state == PAUSED, timeout=5000)
    qtbot.waitUntil(lambda: window.last_gradient_check is not None, timeout=10000)
    report = window.last_gradient_check
    assert report.passed
    assert "good" in window.inspector.check_label.text().lower() or report.grade == "acceptable"


def test_divergence_highlights_the_first_bad_tensor(qtbot):
    w = MainWindow(Settings(config=TrainConfig(**SMALL, steps=500, lr=1.0)))
    qtbot.addWidget(w)
    w.start_or_resume()
    qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=10000)
    d = w._last_batch.divergence
    assert d is not None
    assert w.inspector.highlighted_tensor() == d.tensor
    expected_row = -1 if d.tensor == "loss" else list(w.controller.trainer.param_names).index(d.tensor)
    assert w.inspector.highlighted_row() == expected_row
    assert w.inspector.divergence_box.isVisible() or not w.isVisible()
    with qtbot.waitSignal(w.controller.runStarted, timeout=5000):
        w.inspector.restart_button.click()
    assert w.controller.config.lr == pytest.approx(0.1)
    w.controller.shutdown(3000)


def test_autograd_lab_is_a_tab(window):
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "Autograd lab" in titles


def test_code_tab_follows_the_controls_and_matches_the_training_threads(window):
    from playground.core.codegen import generate_script

    window.controls.style.setCurrentIndex(window.controls.style.findData("module"))
    cfg = window.controls.config()
    assert window.code_view.text() == generate_script(cfg)
    assert f"torch.set_num_threads({cfg.threads})" in window.code_view.text()
    assert "class TwoLayerNet(torch.nn.Module)" in window.code_view.text()
