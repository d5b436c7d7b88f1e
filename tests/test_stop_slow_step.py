"""Stop takes effect within a second even while one training step takes far longer."""

from __future__ import annotations

import os
from functools import partial

import numpy as np
import pytest

from playground.core.config import TrainConfig
from playground.gui.controller import FINISHED, RUNNING, STOP_GRACE_MS, TrainingController
from playground.gui.main_window import MainWindow
from playground.gui.settings import Settings

from . import worker_faults

SMALL = dict(N=16, D_in=40, H=12, D_out=4)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a killed child not yet reaped is a zombie: gone for every purpose here
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split(") ")[-1][0] != "Z"


def test_stop_during_a_slow_step_ends_the_run_at_once_and_a_new_run_starts(qtbot, tmp_path):
    # The third forward pass blocks until released (it never is): a step no stop can cut short.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TrainingController, "worker_setup", partial(worker_faults.block_step, 3, str(tmp_path)))
        w = MainWindow(Settings(config=TrainConfig(**SMALL, steps=100)))
    qtbot.addWidget(w)
    w.controller.batch_seconds = 0.0  # a batch per step, as with steps slower than a batch
    entered = tmp_path / "entered"
    try:
        w.start_new()
        qtbot.waitUntil(entered.exists, timeout=20_000)
        qtbot.waitUntil(lambda: entered.read_text() != "", timeout=2000)
        stuck = int(entered.read_text())
        assert w.controller.state == RUNNING and w.controller.worker_pid == stuck
        w.stop()
        # The step cannot finish: the run ends anyway, after the grace, and its worker is killed.
        qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=STOP_GRACE_MS + 2000)
        assert w.plot.runs[-1].outcome == "stopped"
        qtbot.waitUntil(lambda: len(w.plot.runs[-1].history) == 2, timeout=2000)  # the steps done
        qtbot.waitUntil(lambda: not _alive(stuck), timeout=5000)
        qtbot.waitUntil(lambda: w.controller.steps_let_go == 0, timeout=5000)
        # A new run trains in a fresh worker.
        w.start_new()
        qtbot.waitUntil(lambda: w.controller.state == FINISHED and w.controller.trainer is not None
                        and w.controller.trainer.ended, timeout=30_000)
        assert w.controller.worker_pid != stuck
        assert np.isfinite(w.plot.runs[-1].history.losses).all() and len(w.plot.runs[-1].history) == 100
    finally:
        (tmp_path / "release").write_text("")
        w.controller.shutdown(3000)


def test_a_quick_stop_keeps_every_finished_step(qtbot):
    w = MainWindow(Settings(config=TrainConfig(**SMALL, steps=10**6)))
    qtbot.addWidget(w)
    try:
        w.start_new()
        qtbot.waitUntil(lambda: w.plot.current is not None and len(w.plot.current.history) > 100, timeout=20_000)
        pid = w.controller.worker_pid
        w.stop()
        qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=5000)
        assert w.controller.steps_let_go == 0  # steps this short end within the grace
        assert w.controller.worker_pid == pid  # and the worker stays for the next run
        assert w.controller.trainer is not None and w.controller.trainer.ended
    finally:
        w.controller.shutdown(3000)
