"""Watching it learn: a pace a student can follow, changed at once, and full speed untouched."""

from __future__ import annotations

import time

import numpy as np
import pytest

from playground.core.config import TrainConfig
from playground.core.loop import Trainer, train
from playground.gui.controller import FINISHED, RUNNING
from playground.gui.settings import load_settings
from playground.gui.speed import DEFAULT_SPEED, FULL_SPEED, SPEEDS

SMALL = dict(N=16, D_in=40, H=12, D_out=4)


def test_a_paced_run_takes_at_least_its_steps_over_the_pace_and_computes_the_same_losses():
    cfg = TrainConfig(**SMALL, steps=26)
    trainer = Trainer(cfg, pace=50.0)
    started = time.perf_counter()
    batches = list(trainer.batches())
    took = time.perf_counter() - started
    assert took >= 25 / 50.0 * 0.95  # 25 intervals between 26 steps; a sleep never ends early
    paced = np.concatenate([b.losses for b in batches])
    full, _ = train(cfg)
    assert paced.tolist() == full.tolist()  # pacing waits between steps, it changes no number


def test_slow_motion_hands_over_every_step_with_its_statistics():
    trainer = Trainer(TrainConfig(**SMALL, steps=4), pace=8.0)
    batches = [b for b in trainer.batches() if len(b.losses)]
    assert [len(b.losses) for b in batches] == [1, 1, 1, 1]
    assert [b.stats[-1].step for b in batches] == [0, 1, 2, 3]


def test_a_new_pace_takes_effect_during_the_run():
    trainer = Trainer(TrainConfig(**SMALL, steps=200), pace=2.0)  # 100 s at this pace
    gen = trainer.batches()
    first = next(gen)
    assert first.step == 1
    trainer.set_pace(None)  # full speed: the remaining 199 steps take milliseconds
    started = time.perf_counter()
    last = list(gen)[-1]
    assert last.reason == "completed" and last.step == 200
    assert time.perf_counter() - started < 30  # not the 99 s the old pace would take


def test_stop_ends_a_long_wait_at_once():
    trainer = Trainer(TrainConfig(**SMALL, steps=10), pace=0.05)  # a step every 20 s
    gen = trainer.batches()
    next(gen)
    trainer.request_stop()
    started = time.perf_counter()
    last = list(gen)[-1]
    assert last.reason == "stopped" and last.step == 1
    assert time.perf_counter() - started < 10  # far less than the 20 s wait


def test_full_speed_has_no_pace():
    assert Trainer(TrainConfig(**SMALL), pace=None).pace is None
    for bad in (0, -1, float("nan"), float("inf")):
        assert Trainer(TrainConfig(**SMALL), pace=bad).pace is None


@pytest.fixture
def window(make_window):
    """The shared window factory (tests/conftest.py) under this file's name for it."""
    return make_window


@pytest.mark.paced
def test_the_lesson_default_run_is_still_drawing_3_s_after_f5(window, qtbot):
    w = window()
    assert w.speed.accessibleName() == "Speed"
    assert w.speed.currentData() == DEFAULT_SPEED == 100.0
    w.start_or_resume()
    qtbot.wait(3000)
    assert w.controller.state == RUNNING
    shown = len(w.plot.current.history)
    assert 0 < shown < 500  # drawn as it goes, and not over
    w.controller.stop()
    qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=5000)


@pytest.mark.paced
def test_the_speed_control_reaches_full_speed_during_a_run_and_is_remembered(window, qtbot):
    w = window(TrainConfig(**SMALL, steps=3000))  # 30 s at the default pace
    assert set(w.speed.itemData(i) for i in range(w.speed.count())) == set(SPEEDS)
    assert w.speed.itemData(0) == 2.0 and w.speed.itemData(w.speed.count() - 1) == FULL_SPEED
    w.start_or_resume()
    qtbot.waitUntil(lambda: w.plot.current is not None and len(w.plot.current.history) > 0, timeout=5000)
    w.speed.setCurrentIndex(w.speed.findData(FULL_SPEED))
    qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=20_000)
    assert len(w.plot.runs[-1].history) == 3000
    w.close()
    assert load_settings().speed == FULL_SPEED


@pytest.mark.paced
def test_slow_motion_shows_each_step_in_the_inspector(window, qtbot):
    w = window(TrainConfig(**SMALL, steps=6))
    w.speed.setCurrentIndex(w.speed.findData(10.0))
    w.start_or_resume()
    seen = []
    w.controller.batchReady.connect(lambda b: seen.extend(s.step for s in b.stats))
    qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=10_000)
    assert seen == sorted(set(seen)) and set(range(1, 6)) <= set(seen)
    assert w.inspector.shown_stats().step == 5


def test_until_paused_trains_past_any_step_count_and_the_x_axis_follows(window, qtbot):
    from playground.core.config import MAX_STEPS
    from playground.gui.controller import PAUSED

    w = window(TrainConfig(**SMALL, steps=50))
    box = w.controls.until_paused
    assert box.accessibleName() == "until paused (∞)"
    box.setChecked(True)
    assert w.controls.config().steps == MAX_STEPS and not w.controls.steps.isEnabled()
    w.start_or_resume()
    qtbot.waitUntil(lambda: w.plot.current is not None and len(w.plot.current.history) > 3000, timeout=30_000)
    w.toggle_pause()
    qtbot.waitUntil(lambda: w.controller.state == PAUSED, timeout=5000)
    w._show_status(w._last_batch)
    assert w.status_labels["step"].text().endswith("/ ∞")
    w.plot.redraw()
    (_x0, x1), _ = w.plot.plot_item.getViewBox().viewRange()
    assert x1 >= len(w.plot.current.history) - 1  # the axis grew with the run
    box.setChecked(False)
    assert w.controls.config().steps == 50


def test_the_script_of_an_endless_run_loops_until_stopped():
    from playground.core.codegen import generate_script
    from playground.core.config import MAX_STEPS

    text = generate_script(TrainConfig(style="tensors", steps=MAX_STEPS))
    assert "for it in itertools.count():" in text and "import itertools" in text
    compile(text, "endless.py", "exec")


def test_a_single_step_shows_its_loss_change_and_update_sizes_highlighted(window, qtbot):
    from playground.gui.controller import PAUSED
    from playground.gui.inspector import COL, STEP_BRUSH

    w = window(TrainConfig(**SMALL, steps=100))
    w.step_once()
    qtbot.waitUntil(lambda: w.controller.state == PAUSED and w.inspector.step_change.isVisible(), timeout=5000)
    w.step_once()
    qtbot.waitUntil(lambda: "Step 1:" in w.inspector.step_change.text(), timeout=5000)
    text = w.inspector.step_change.text()
    losses = w.plot.current.history.losses
    assert "Δ" in text and "w1 moved by" in text and "w2 moved by" in text
    from playground.gui.inspector import format_sci

    assert format_sci(losses[1] - losses[0]) in text  # the real change between the two steps
    column = COL["update_ratio"]
    assert all(w.inspector.table.item(r, column).background() == STEP_BRUSH
               for r in range(w.inspector.table.rowCount()))
    w.start_or_resume()  # the run goes on: the step's note and highlight go
    qtbot.waitUntil(lambda: not w.inspector.step_change.isVisible(), timeout=5000)
    assert w.inspector.table.item(0, column).background() != STEP_BRUSH
    w.controller.stop()
