"""The window under abuse: divergence, out of memory, typed nonsense, 300 start/stop cycles, random closes.

Driven as a student would, through the window's own actions and controls (pytest-qt).
pytest is configured to fail on any Qt warning.  The long tests are marked ``slow``
(still run by ``.ci/run``).  Stated bounds: after a warm-up, 270 soak cycles may grow
the resident memory by at most :data:`SOAK_RSS_BOUND` and leave no extra thread;
a close always finishes, worker stopped, within :data:`CLOSE_LIMIT_S`.
"""

from __future__ import annotations

import gc
import os
import random
import subprocess
import sys
import textwrap
import threading
import time
import weakref
from functools import partial

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QAbstractAnimation, QObject, QThreadPool, Signal
from PySide6.QtWidgets import QPushButton

from playground.core.config import TrainConfig
from playground.gui.controller import FINISHED, IDLE, PAUSED, RUNNING, TrainingController
from playground.gui.main_window import MainWindow

from . import worker_faults

SMALL = dict(N=16, D_in=40, H=12, D_out=4)
SOAK_CYCLES = 300
SOAK_WARMUP = 30
SOAK_RSS_BOUND = 32 << 20  # bytes of resident memory the 270 measured cycles may add
CLOSE_LIMIT_S = 1.0
APP_CLOSES = 4  # of the 50 closes, these are of the real app in its own process


@pytest.fixture
def window(make_window):
    """The shared window factory (tests/conftest.py) under this file's name for it."""
    return make_window


def wait_state(qtbot, w: MainWindow, state: str, timeout: int = 10_000) -> None:
    qtbot.waitUntil(lambda: w.controller.state == state and not (state != RUNNING and w.controller.busy),
                    timeout=timeout)


def until(qtbot, condition, timeout_ms: int = 10_000) -> None:
    """qtbot.waitUntil with 1 ms polls (waitUntil polls every 10 ms, which would make the soak drag)."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout_ms} ms")
        qtbot.wait(1)


def visible_text(w: MainWindow) -> str:
    parts = [w.banner.label.text() if w.banner.isVisible() else ""]
    if w.inspector.divergence_box.isVisible():
        parts.append(w.inspector.divergence_label.text())
    return "\n".join(parts)


def resident_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def os_threads() -> int:
    return len(os.listdir("/proc/self/task"))


# -- the binding itself -----------------------------------------------------------
class _Flag(QObject):
    changed = Signal(bool)


def test_event_processing_and_bool_signals_keep_references_to_none_and_bools(qapp):
    """PySide6 6.12.0 dropped a reference to None per processEvents and to True/False per bool
    signal: on Python 3.11 the app aborted ("deallocating None") after a few thousand repaints."""
    flag = _Flag()
    got = []
    flag.changed.connect(got.append)
    before = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    for i in range(3000):
        qapp.processEvents()
        flag.changed.emit(i % 2 == 0)
    after = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    assert len(got) == 3000
    assert all(a - b > -100 for a, b in zip(after, before, strict=True)), (before, after)


# -- typed nonsense -----------------------------------------------------------------
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=12), st.sampled_from(["nan", "inf", "-1", "0", "1e400", "1e-400", "1e-6",
                                                             " 3e-4 ", "1,5", "0x1p-3", "1" * 500])))
@example(text="NaN")
def test_any_typed_learning_rate_is_taken_or_refused_with_a_message(window, qtbot, text):
    w = getattr(test_any_typed_learning_rate_is_taken_or_refused_with_a_message, "_w", None)
    if w is None or not w.isVisible():
        w = window(TrainConfig(**SMALL, steps=20))
        test_any_typed_learning_rate_is_taken_or_refused_with_a_message._w = w
    before = w.controls.lr.value()
    refused: list[str] = []
    w.controls.lr.invalidText.connect(refused.append)
    try:
        w.controls.lr.edit.setText(text)
        w.controls.lr.edit.editingFinished.emit()
    finally:
        w.controls.lr.invalidText.disconnect(refused.append)
    value = w.controls.lr.value()
    if refused:
        assert value == before and "learning rate" in refused[0]
    else:
        assert value > 0 and value == float(text)
        assert w.controls.config().lr == value  # the controls build a valid configuration with it


# -- divergence on purpose -------------------------------------------------------------
@pytest.mark.parametrize("style, optimizer", [("tensors", "sgd-manual"), ("numpy", "sgd-manual"),
                                              ("sequential", "sgd"), ("module", "sgd")])
def test_divergence_names_step_and_tensor_and_the_window_stays_usable(window, qtbot, style, optimizer):
    cfg = TrainConfig(style=style, optimizer=optimizer, lr=1.0, steps=500)
    w = window(cfg)
    w.start_or_resume()
    wait_state(qtbot, w, FINISHED)
    last = w._last_batch
    assert last.reason == "diverged" and last.divergence is not None
    d = last.divergence
    shown = visible_text(w)
    assert f"step {d.step}" in shown
    assert (d.tensor in shown) if d.kind != "loss" else ("loss" in shown)
    assert len(w.plot.runs[-1].history) == d.step + 1
    # usable: a sane run completes, single steps and reset work
    w.controls.set_config(TrainConfig(**SMALL, steps=30).with_style(style))
    w.start_or_resume()
    wait_state(qtbot, w, FINISHED)
    assert w._last_batch.reason == "completed" and len(w.plot.runs) == 2
    w.step_once()
    qtbot.waitUntil(lambda: w.controller.trainer.step == 1 and not w.controller.busy, timeout=5000)
    w.reset()
    wait_state(qtbot, w, IDLE)


def test_restart_with_lr_over_10_offered_after_a_divergence_runs(window, qtbot):
    w = window(TrainConfig(**SMALL, lr=1.0, steps=300))
    w.start_or_resume()
    wait_state(qtbot, w, FINISHED)
    button = next(b for b in w.banner.findChildren(QPushButton) if "Restart with lr = 0.1" in b.text())
    button.click()
    qtbot.waitUntil(lambda: w.controller.config is not None and w.controller.config.lr == 0.1, timeout=5000)
    wait_state(qtbot, w, FINISHED)
    assert w._last_batch.reason in ("completed", "diverged")


# -- out of memory ------------------------------------------------------------------------
# The faults are planted in the worker process (tests/worker_faults.py): training runs there.
@pytest.mark.parametrize("kind", ["device", "host"])
def test_out_of_memory_in_a_step_is_reported_and_the_next_run_works(window, qtbot, kind):
    with pytest.MonkeyPatch.context() as mp:  # not monkeypatch.undo(): see conftest's settings guard
        mp.setattr(TrainingController, "worker_setup", partial(worker_faults.fail_step, 25, kind))
        w = window(TrainConfig(**SMALL, steps=10_000))
    w.start_or_resume()
    wait_state(qtbot, w, FINISHED)
    last = w._last_batch
    assert last.reason == "error" and "out of memory" in last.error and "smaller" in last.error
    assert "out of memory" in visible_text(w)
    assert len(w.plot.runs[-1].history) == 25  # the steps before the failure are kept
    w.controls.set_config(TrainConfig(**SMALL, steps=40))
    w.start_or_resume()
    wait_state(qtbot, w, FINISHED)
    assert w._last_batch.reason == "completed"


def test_out_of_memory_while_building_the_model_is_reported(window, qtbot):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TrainingController, "worker_setup", worker_faults.fail_build)
        w = window(TrainConfig(**SMALL, steps=50))
    w.start_or_resume()
    wait_state(qtbot, w, FINISHED)
    assert w._last_batch.reason == "error" and len(w.plot.runs[-1].history) == 0
    assert "out of memory" in visible_text(w)
    w.start_or_resume()
    wait_state(qtbot, w, FINISHED)
    assert w._last_batch.reason == "completed"


def test_out_of_memory_taking_the_snapshot_ends_the_run_with_a_message(window, qtbot):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TrainingController, "worker_setup", worker_faults.fail_snapshot)
        w = window(TrainConfig(**SMALL, steps=10_000))
    w.start_or_resume()
    wait_state(qtbot, w, FINISHED)
    assert w._last_batch.reason == "error" and "out of memory" in visible_text(w)


# -- closing at random moments --------------------------------------------------------------
MOMENTS = ["at once", "running", "paused", "stepping", "after stop", "finished", "diverging", "lr change"]


def _reach(moment: str, w: MainWindow, qtbot, rng: random.Random) -> None:
    if moment == "at once":
        w.start_or_resume()
    elif moment == "running":
        w.start_or_resume()
        qtbot.wait(rng.randint(0, 120))
    elif moment == "paused":
        w.start_or_resume()
        qtbot.wait(rng.randint(0, 60))
        w.toggle_pause()
    elif moment == "stepping":
        w.step_once()
        w.step_once()
    elif moment == "after stop":
        w.start_or_resume()
        qtbot.wait(rng.randint(0, 60))
        w.stop()
    elif moment == "finished":
        w.controls.steps.setValue(30)
        w.start_or_resume()
        wait_state(qtbot, w, FINISHED)
    elif moment == "diverging":
        w.controls.lr.setValue(1.0)
        w.start_or_resume()
        qtbot.wait(rng.randint(0, 40))
    elif moment == "lr change":
        w.start_or_resume()
        qtbot.wait(rng.randint(0, 60))
        w.controls.lr.setValue(rng.choice([3e-7, 2e-6, 1.0]))
        qtbot.wait(rng.randint(0, 30))


@pytest.mark.parametrize("i", range(50 - APP_CLOSES))
def test_closing_at_a_random_moment_of_a_run_stops_everything_at_once(window, qtbot, i):
    rng = random.Random(1000 + i)
    moment = MOMENTS[i % len(MOMENTS)]
    style = ("tensors", "numpy", "sequential", "module")[(i // len(MOMENTS)) % 4]
    w = window(TrainConfig(steps=10_000_000).with_style(style))  # the seed's sizes
    _reach(moment, w, qtbot, rng)
    t0 = time.monotonic()
    with qtbot.waitSignal(w.closed, timeout=5000):
        w.close()
    elapsed = time.monotonic() - t0
    assert not w.isVisible()
    # the window let its worker go (a spare for the next window, or closed): nothing trains on
    assert w.controller.worker_pid is None and not w.controller.busy, f"training outlived the window ({moment})"
    assert elapsed < CLOSE_LIMIT_S, f"closing took {elapsed:.2f} s ({moment}, {style})"
    qtbot.waitUntil(lambda: not w.controller.busy, timeout=2000)  # its finished signal, delivered


_DRIVER = textwrap.dedent("""
    import random, sys, time
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow
    rng = random.Random(int(sys.argv[1]))
    app = QApplication(sys.argv[:1])

    class Driver(QObject):
        started = False

        def eventFilter(self, obj, ev):
            if not self.started and ev.type() == QEvent.Type.Show and isinstance(obj, QMainWindow):
                self.started = True
                QTimer.singleShot(0, lambda: self.drive(obj))
            return False

        def drive(self, w):
            w.start_or_resume()
            action = rng.choice(["close", "pause", "stop", "step"])

            def close():
                if action == "pause":
                    w.toggle_pause()
                elif action == "stop":
                    w.stop()
                elif action == "step":
                    w.step_once()
                print("CLOSE", time.monotonic(), flush=True)
                print("WORKER", w.controller.worker_pid, flush=True)
                w.close()
                print("CLOSED", time.monotonic(), flush=True)

            QTimer.singleShot(rng.randint(0, 1500), close)

    driver = Driver()
    app.installEventFilter(driver)
    from playground.cli import main
    code = main([])
    print("EXIT", code, flush=True)
    sys.exit(code)
""")


@pytest.mark.slow
def test_the_real_app_closed_during_a_run_exits_0_cleanly(tmp_path):
    """The real entry point (``python -m playground``'s main), 4 processes side by side, each
    closed at a random moment of a run: exit status 0, no thread destroyed while running, no
    traceback, the close itself within CLOSE_LIMIT_S."""
    procs = []
    for seed in range(APP_CLOSES):
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BACKPROP_PLAYGROUND_CONFIG_DIR=str(tmp_path / str(seed)))
        env.pop("BACKPROP_PLAYGROUND_QUIT_AFTER", None)
        procs.append(subprocess.Popen([sys.executable, "-c", _DRIVER, str(seed)], env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
    results = []
    for proc in procs:
        try:
            out, err = proc.communicate(timeout=180)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            pytest.fail(f"the app did not exit: {out[-500:]} {err[-2000:]}")
        results.append((proc.returncode, time.monotonic(), out, err))
    for code, exited, out, err in results:
        marks = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
        assert code == 0, err[-2000:]
        assert marks.get("EXIT") == "0", out
        assert "QThread: Destroyed" not in err and "Traceback" not in err and "Fatal" not in err, err[-2000:]
        closing = float(marks["CLOSED"]) - float(marks["CLOSE"])
        assert closing < CLOSE_LIMIT_S, f"closing took {closing:.2f} s"
        # ... and its training worker did not outlive it
        assert marks["WORKER"] != "None" and not os.path.exists(f"/proc/{marks['WORKER']}"), out
        # the teardown after the close: a hang guard, not a speed test (the processes ran side by side)
        assert exited - float(marks["CLOSE"]) < 60


# -- soak ------------------------------------------------------------------------------------
@pytest.mark.slow
def test_soak_300_cycles_of_start_pause_lr_resume_stop_reset(window, qtbot):
    """300 cycles through the window's actions; afterwards nothing is left over but the last run.

    Bounds: after a 30-cycle warm-up, at most SOAK_RSS_BOUND more resident memory, no more
    OS or Python threads, no more Qt objects in the window, and no Trainer of an earlier
    cycle still alive (a leaked run would hold its data, weights and optimizer).
    """
    w = window(TrainConfig(**SMALL, steps=2_000_000_000))  # a run that never ends by itself
    w.controller.batch_seconds = 0.01  # more hand-overs between the threads per second
    rng = random.Random(7)
    c = w.controller
    lrs = [3e-7, 1e-6, 2e-6, 5e-7]
    trainers: list[weakref.ref] = []
    base: dict[str, int] = {}

    def measure() -> dict[str, int]:
        gc.collect()
        # Qt's style animates hovered and toggled widgets with short-lived QPropertyAnimations
        # (seen on the toolbar and the splitter) that delete themselves when done: not ours.
        objects = [o for o in w.findChildren(QObject) if not isinstance(o, QAbstractAnimation)]
        return {"rss": resident_bytes(), "os_threads": os_threads(), "py_threads": threading.active_count(),
                "qobjects": len(objects)}

    for cycle in range(SOAK_CYCLES):
        if cycle % 10 == 0:
            w.act_clear.trigger()  # the student clears the overlays now and then
        if cycle == SOAK_WARMUP:
            QThreadPool.globalInstance().waitForDone(5000)
            base = measure()
        w.act_start.trigger()
        until(qtbot, lambda: c.state == RUNNING and c.trainer is not None and c.trainer.step > 0)
        trainers.append(weakref.ref(c.trainer))
        w.act_pause.trigger()
        until(qtbot, lambda: c.state == PAUSED and not c.busy)
        frozen = c.trainer.step
        if cycle % 2:
            w.controls.lr.setValue(rng.choice(lrs))  # while paused
        if rng.random() < 0.3:
            w.act_step.trigger()
            until(qtbot, lambda frozen=frozen: c.trainer.step == frozen + 1 and not c.busy)
        w.act_start.trigger()  # resume
        until(qtbot, lambda: c.state == RUNNING)
        if not cycle % 2:
            w.controls.lr.setValue(rng.choice(lrs))  # while running
        if rng.random() < 0.5:
            qtbot.wait(rng.randint(0, 20))
        w.act_stop.trigger()
        until(qtbot, lambda: c.state == FINISHED and not c.busy)
        assert w._last_batch.reason == "stopped", w._last_batch
        w.act_reset.trigger()
        until(qtbot, lambda: c.state == IDLE)
    w.act_clear.trigger()  # the same phase as the baseline: right after a clear
    assert QThreadPool.globalInstance().waitForDone(5000)
    assert QThreadPool.globalInstance().activeThreadCount() == 0
    end = measure()
    assert end["rss"] - base["rss"] <= SOAK_RSS_BOUND, (
        f"resident memory grew by {(end['rss'] - base['rss']) / 2**20:.1f} MiB in {SOAK_CYCLES - SOAK_WARMUP} cycles")
    assert end["os_threads"] <= base["os_threads"], (base, end)
    assert end["py_threads"] <= base["py_threads"], (base, end)
    assert end["qobjects"] <= base["qobjects"], (base, end)
    alive = [i for i, ref in enumerate(trainers) if ref() is not None]
    assert alive == [], f"trainers of cycles {alive} are still alive"
