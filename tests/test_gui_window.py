"""The main window driven as a student would, offscreen (pytest-qt)."""

from __future__ import annotations

import csv
import json
import time

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from playground.cli import main as cli_main
from playground.core.config import TrainConfig
from playground.core.loop import train
from playground.gui.controller import FINISHED, IDLE, PAUSED, RUNNING
from playground.gui.main_window import MainWindow
from playground.gui.settings import config_dir, load_settings

SMALL = dict(N=16, D_in=40, H=12, D_out=4)


def wait_state(qtbot, w, state, timeout=10000):
    qtbot.waitUntil(lambda: w.controller.state == state, timeout=timeout)


def current_losses(w) -> np.ndarray:
    run = w.plot.current or w.plot.runs[-1]
    return np.array(run.history.losses)


def test_run_reaches_the_plot_and_equals_the_cli_csv(make_window, qtbot, tmp_path):
    cfg = TrainConfig(**SMALL, steps=300, seed=3)
    w = make_window(cfg)
    w.start_or_resume()
    wait_state(qtbot, w, FINISHED)
    w.plot.redraw()
    x, y = w.plot.drawing(w.runs[-1]).curve.getData()
    assert len(x) == 300 and x[0] == 0 and x[-1] == 299
    path = tmp_path / "losses.csv"
    assert cli_main(["train", "--N", "16", "--D-in", "40", "--H", "12", "--D-out", "4",
                     "--steps", "300", "--seed", "3", "--csv", str(path)]) == 0
    with path.open() as fh:
        rows = list(csv.DictReader(fh))
    expected = np.array([float(r["loss"]) for r in rows])
    np.testing.assert_array_equal(current_losses(w), expected)
    # the curve draws log10 of exactly those losses
    np.testing.assert_allclose(y, np.log10(expected).astype(np.float32))


def test_pause_resume_and_stop(make_window, qtbot):
    w = make_window(TrainConfig(**SMALL, steps=10_000_000))
    w.start_or_resume()
    qtbot.waitUntil(lambda: w._last_batch is not None and w._last_batch.step > 20, timeout=10000)
    w.toggle_pause()
    wait_state(qtbot, w, PAUSED)
    frozen = w.controller.trainer.step
    with pytest.raises(qtbot.TimeoutError):  # paused: no step is taken, however long one waits
        qtbot.waitUntil(lambda: w.controller.trainer.step != frozen, timeout=300)
    assert w.controller.trainer.step == frozen
    assert len(w.plot.current.history) == frozen
    w.toggle_pause()
    wait_state(qtbot, w, RUNNING)
    qtbot.waitUntil(lambda: w.controller.trainer.step > frozen + 10, timeout=10000)
    w.stop()
    wait_state(qtbot, w, FINISHED, timeout=1000)
    assert w._last_batch.reason == "stopped"
    # the stopped run's losses are the start of the same run without interruptions
    done = len(w.plot.runs[-1].history)
    full, _ = train(TrainConfig(**SMALL, steps=done))
    np.testing.assert_array_equal(current_losses(w), full)


def test_single_steps_from_idle_match_a_full_run(make_window, qtbot):
    w = make_window(TrainConfig(**SMALL, steps=50))
    for n in (1, 2, 3):
        w.step_once()
        qtbot.waitUntil(lambda n=n: w.controller.trainer is not None and w.controller.trainer.step == n
                        and not w.controller.busy, timeout=5000)
    assert w.controller.state == PAUSED
    full, _ = train(TrainConfig(**SMALL, steps=50))
    np.testing.assert_array_equal(current_losses(w), full[:3])


def test_live_lr_change_keeps_the_model_and_marks_the_plot(make_window, qtbot):
    cfg = TrainConfig(**SMALL, steps=400)
    w = make_window(cfg)
    for _ in range(40):
        w.step_once()
        qtbot.waitUntil(lambda: not w.controller.busy, timeout=5000)
    assert w.controller.trainer.step == 40
    w.controls.lr.setValue(3e-6)  # as if the student dragged the slider while paused
    w.start_or_resume()
    wait_state(qtbot, w, FINISHED)
    losses = current_losses(w)
    baseline, _ = train(cfg)
    np.testing.assert_array_equal(losses[:41], baseline[:41])  # step 40's loss is computed before its update
    assert not np.array_equal(losses[42:], baseline[42:])
    w.plot.redraw()
    assert [m.value() for m in w.plot.drawing(w.runs[-1]).markers] == [40]


def test_lr_change_while_running_applies_without_restart(make_window, qtbot):
    w = make_window(TrainConfig(**SMALL, steps=10_000_000))
    w.start_or_resume()
    qtbot.waitUntil(lambda: w._last_batch is not None and w._last_batch.step > 10, timeout=10000)
    w.controls.lr.setValue(5e-6)
    qtbot.waitUntil(lambda: len(w.plot.drawing(w.runs.current).markers) == 1, timeout=5000)
    assert w.controller.trainer.lr == 5e-6
    assert not w.banner.isVisible()  # no restart question for the learning rate
    assert len(w.plot.runs) == 1
    w.stop()
    wait_state(qtbot, w, FINISHED)


def test_size_change_during_a_run_asks_to_restart(make_window, qtbot):
    w = make_window(TrainConfig(**SMALL, steps=10_000_000))
    w.start_or_resume()
    wait_state(qtbot, w, RUNNING)
    w.controls.sizes["H"].setValue(20)
    assert w.banner.isVisible()
    assert w.controller.state == RUNNING  # nothing restarts until the student says so
    buttons = {b.text(): b for b in w.banner.findChildren(QPushButton)}
    buttons["Restart"].click()
    qtbot.waitUntil(lambda: w.controller.config is not None and w.controller.config.H == 20, timeout=5000)
    assert len(w.plot.runs) == 2
    w.stop()
    wait_state(qtbot, w, FINISHED)


def test_overlay_keeps_previous_runs_and_clear_removes_them(make_window, qtbot):
    w = make_window(TrainConfig(**SMALL, steps=30))
    w.start_or_resume()
    wait_state(qtbot, w, FINISHED)
    w.controls.style.setCurrentIndex(w.controls.style.findData("module"))
    w.start_or_resume()
    qtbot.waitUntil(lambda: w.controller.state == FINISHED and len(w.plot.runs) == 2, timeout=10000)
    first, second = w.plot.runs
    assert len(first.history) == 30 and len(second.history) == 30
    assert first.name == "tensors, sgd-manual, lr 1e-06" and second.name == "module, adam, lr 0.0001"
    legend_names = [label.text for _, label in w.plot.legend.items]
    assert first.name in legend_names and second.name in legend_names
    w.plot.clear_runs()
    assert list(w.runs) == [] and w.plot.drawn_runs() == []


def test_shortcut_keys_do_what_the_buttons_do(make_window, qtbot):
    w = make_window(TrainConfig(**SMALL, steps=10_000_000))
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=2000)
    qtbot.keyClick(w, Qt.Key.Key_F5)
    wait_state(qtbot, w, RUNNING)
    qtbot.keyClick(w, Qt.Key.Key_F6)
    wait_state(qtbot, w, PAUSED)
    step = w.controller.trainer.step
    qtbot.keyClick(w, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: w.controller.trainer.step == step + 1 and not w.controller.busy, timeout=5000)
    qtbot.keyClick(w, Qt.Key.Key_F5)
    wait_state(qtbot, w, RUNNING)
    qtbot.keyClick(w, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    wait_state(qtbot, w, FINISHED, timeout=1000)
    qtbot.keyClick(w, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    wait_state(qtbot, w, IDLE)
    with qtbot.waitSignal(w.closed, timeout=3000):
        qtbot.keyClick(w, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)


def test_close_during_a_run_stops_the_worker(make_window, qtbot):
    w = make_window(TrainConfig(**SMALL, steps=10_000_000))
    w.start_or_resume()
    qtbot.waitUntil(lambda: w._last_batch is not None, timeout=10000)
    w.close()
    assert not w.controller.busy or w.controller.trainer.ended


def test_divergence_is_explained_and_restart_lowers_the_lr(make_window, qtbot):
    w = make_window(TrainConfig(**SMALL, steps=500, lr=1.0))
    w.start_or_resume()
    wait_state(qtbot, w, FINISHED)
    assert w._last_batch.reason == "diverged"
    assert "diverged at step" in w.banner.label.text()
    w.inspector.restart_button.click()
    qtbot.waitUntil(lambda: w.controller.config is not None and w.controller.config.lr == 0.1, timeout=5000)
    wait_state(qtbot, w, FINISHED)
    assert len(w.plot.runs) == 2


def test_style_change_loads_seed_defaults_unless_user_changed_them(make_window):
    w = make_window(TrainConfig(**SMALL))
    c = w.controls
    c.style.setCurrentIndex(c.style.findData("sequential"))
    cfg = c.config()
    assert (cfg.optimizer, cfg.lr, cfg.bias) == ("adam", 1e-4, True)
    c.lr.setValue(3e-3)
    c.style.setCurrentIndex(c.style.findData("module"))
    assert c.config().lr == 3e-3 and c.config().bias is False
    c.style.setCurrentIndex(c.style.findData("numpy"))
    cfg = c.config()
    assert cfg.optimizer == "sgd-manual"
    adam = c.optimizer.findData("adam")
    assert not c.optimizer.model().item(adam).isEnabled()
    assert "NumPy" in c.optimizer.model().item(adam).toolTip()


def test_too_big_sizes_are_refused_with_the_field_named(make_window, monkeypatch):
    import playground.core.config as config_mod

    monkeypatch.setattr(config_mod, "memory_budget", lambda device: 1 << 20)
    w = make_window(TrainConfig(**SMALL))
    w.controls.sizes["D_in"].setValue(8000)
    assert w.controls.message.isVisible()
    assert "size" in w.controls.message.text() and "GiB" in w.controls.message.text()
    assert not w.act_start.isEnabled()


def test_settings_survive_a_restart_and_a_corrupt_file_is_ignored(qtbot):
    w = MainWindow(load_settings())
    qtbot.addWidget(w)
    w.controls.sizes["H"].setValue(33)
    w.resize(900, 600)
    w.close()
    saved = json.loads((config_dir() / "settings.json").read_text())
    assert saved["config"]["H"] == 33
    w2 = MainWindow(load_settings())
    qtbot.addWidget(w2)
    assert w2.controls.config().H == 33
    w2.close()
    (config_dir() / "settings.json").write_bytes(b"{\x00garbage")
    s = load_settings()
    assert s.config == TrainConfig() and s.warnings
    w3 = MainWindow(s)
    qtbot.addWidget(w3)
    assert "could not be read" in w3.statusBar().currentMessage()
    w3.close()


def test_crosshair_reads_out_step_and_loss(make_window, qtbot):
    w = make_window(TrainConfig(**SMALL, steps=40))
    w.start_or_resume()
    wait_state(qtbot, w, FINISHED)
    text = w.plot.show_readout(10.2)
    loss = w.plot.runs[-1].history.losses[10]
    assert text == f"step 10\nloss {loss:.6g}"


def test_linear_toggle_and_smoothing_keep_the_raw_curve(make_window, qtbot):
    w = make_window(TrainConfig(**SMALL, steps=100))
    w.start_or_resume()
    wait_state(qtbot, w, FINISHED)
    w.act_log.trigger()  # to linear
    w.plot.redraw()
    run = w.runs[-1]
    drawing = w.plot.drawing(run)
    _, y = drawing.curve.getData()
    np.testing.assert_array_equal(y, run.history.losses)
    w.act_smooth.trigger()
    _, raw = drawing.curve.getData()
    _, smooth = drawing.smooth_curve.getData()
    assert drawing.curve.isVisible() and len(raw) == len(smooth) == 100
    assert not np.array_equal(raw, smooth)
    names = [label.text for _, label in w.plot.legend.items]
    assert any("smoothed" in n for n in names)


def test_step_during_a_run_with_changed_sizes_restarts_then_steps_once(make_window, qtbot):
    w = make_window(TrainConfig(**SMALL, steps=10_000_000))
    w.start_or_resume()
    qtbot.waitUntil(lambda: w._last_batch is not None and w._last_batch.step > 5, timeout=10000)
    w.controls.sizes["H"].setValue(20)  # asks to restart; the student presses Step instead
    w.step_once()
    qtbot.waitUntil(lambda: w.controller.config.H == 20 and w.controller.trainer.step == 1
                    and not w.controller.busy, timeout=10000)
    assert w.controller.state == PAUSED
    assert len(w.plot.runs) == 2 and len(w.plot.current.history) == 1


def test_status_bar_updates_a_few_times_a_second_and_ends_on_the_last_step(make_window, qtbot, monkeypatch):
    from playground.gui import main_window

    w = make_window(TrainConfig(**SMALL, steps=10_000_000))
    w.controller.batch_seconds = 0.01  # 100 batches a second
    shown, received = [], []
    monkeypatch.setattr(w, "_show_status", lambda batch: (shown.append(batch), MainWindow._show_status(w, batch)))
    w.controller.batchReady.connect(received.append)
    started = time.monotonic()
    w.start_or_resume()
    qtbot.waitUntil(lambda: len(received) >= 60, timeout=20_000)
    w.toggle_pause()
    elapsed = time.monotonic() - started
    wait_state(qtbot, w, PAUSED)
    running = [b for b in shown if b is not None and not b.done and b.reason == "running"]
    assert len(running) <= elapsed / main_window.STATUS_INTERVAL_S + 2  # not one per batch ...
    assert len(received) > 2 * len(running)  # ... of the many that came
    # After the pause the bar shows the newest step, not the last throttled one.
    assert w.status_labels["step"].text().startswith(f"{w.controller.trainer.step:,} /")


def test_the_window_state_saved_on_close_is_applied_at_the_next_start(make_window, qtbot):
    w = make_window(TrainConfig(**SMALL))
    w.toolbar.hide()  # a state a person can change: the toolbar shown or not
    w.close()
    saved = load_settings()
    assert saved.window_state
    again = MainWindow(saved)
    qtbot.addWidget(again)
    again.show()
    assert again.toolbar.isHidden()


def test_a_style_switch_during_a_run_does_not_push_its_lr_into_the_running_run(make_window, qtbot):
    w = make_window(TrainConfig(**SMALL, steps=10_000_000))
    w.start_or_resume()
    qtbot.waitUntil(lambda: w._last_batch is not None and w._last_batch.step > 5, timeout=10000)
    w.controls.style.setCurrentIndex(w.controls.style.findData("module"))  # brings lr 1e-4
    assert w.controls.config().lr == 1e-4 and w.banner.isVisible()  # asks to restart ...
    step = w.controller.trainer.step
    qtbot.waitUntil(lambda: w.controller.trainer.step > step + 20, timeout=10000)
    assert w.controller.trainer.lr == 1e-6  # ... and the running run keeps its own lr
    assert not w.runs.current.lr_changes
    w.stop()
