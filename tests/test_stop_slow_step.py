"""Stop takes effect within a second even while one training step takes far longer."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from playground.core import models
from playground.core.config import TrainConfig
from playground.gui.controller import FINISHED, RUNNING, STOP_GRACE_MS
from playground.gui.main_window import MainWindow
from playground.gui.settings import Settings

SMALL = dict(N=16, D_in=40, H=12, D_out=4)


@pytest.fixture
def slow_third_step(monkeypatch):
    """The third forward pass blocks until the test releases it: a step no stop can cut short."""
    release = threading.Event()
    entered = threading.Event()
    original = models.TensorsRunner.forward_backward
    calls = [0]

    def forward_backward(self):
        calls[0] += 1
        if calls[0] == 3:
            entered.set()
            release.wait(30)
        return original(self)

    monkeypatch.setattr(models.TensorsRunner, "forward_backward", forward_backward)
    yield entered, release
    release.set()


def test_stop_during_a_slow_step_ends_the_run_at_once_and_a_new_run_starts(qtbot, slow_third_step):
    entered, release = slow_third_step
    w = MainWindow(Settings(config=TrainConfig(**SMALL, steps=100)))
    qtbot.addWidget(w)
    w.controller.batch_seconds = 0.0  # a batch per step, as with steps slower than a batch
    try:
        w.start_new()
        qtbot.waitUntil(entered.is_set, timeout=10_000)
        assert w.controller.state == RUNNING
        w.stop()
        # The step cannot finish (it waits for release): the run ends anyway, after the grace.
        qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=STOP_GRACE_MS + 2000)
        assert not release.is_set()
        assert w.controller.steps_let_go == 1
        assert w.plot.runs[-1].outcome == "stopped"
        qtbot.waitUntil(lambda: len(w.plot.runs[-1].history) == 2, timeout=2000)  # the steps done
        # A new run does not wait for the old step either.
        w.start_new()
        qtbot.waitUntil(lambda: w.controller.state == FINISHED and w.controller.trainer is not None,
                        timeout=10_000)
        assert np.isfinite(w.plot.runs[-1].history.losses).all() and len(w.plot.runs[-1].history) == 100
    finally:
        release.set()
        qtbot.waitUntil(lambda: w.controller.steps_let_go == 0, timeout=10_000)
        w.controller.shutdown(3000)


def test_a_quick_stop_keeps_every_finished_step(qtbot):
    w = MainWindow(Settings(config=TrainConfig(**SMALL, steps=10**6)))
    qtbot.addWidget(w)
    try:
        w.start_new()
        qtbot.waitUntil(lambda: w.plot.current is not None and len(w.plot.current.history) > 100, timeout=10_000)
        w.stop()
        qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=5000)
        assert w.controller.steps_let_go == 0  # steps this short end within the grace
        assert w.controller.trainer is not None and w.controller.trainer.ended
    finally:
        w.controller.shutdown(3000)
