"""Training runs in its own process: a crash there ends the run, never the window, and no
worker outlives the window (closed, or killed)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from functools import partial

import pytest

from playground.core.config import TrainConfig
from playground.core.worker import WorkerHost, exit_text
from playground.gui.controller import FINISHED, TrainingController

from . import worker_faults

SMALL = dict(N=16, D_in=40, H=12, D_out=4)


def alive(pid: int) -> bool:
    """The process runs (a killed child not yet reaped, a zombie, counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[-1][0] != "Z"
    except FileNotFoundError:
        return False


def visible_text(w) -> str:
    return w.banner.label.text() if w.banner.isVisible() else ""


def test_exit_text_names_the_signal_or_the_code():
    assert exit_text(-int(signal.SIGKILL)) == "killed by SIGKILL (exit code -9)"
    assert exit_text(-int(signal.SIGSEGV)) == "killed by SIGSEGV (exit code -11)"
    assert exit_text(3) == "exit code 3"


def test_a_run_trains_in_a_worker_process_not_in_the_windows(make_window, qtbot):
    """The run's steps happen in the worker process: the window's process takes none."""
    w = make_window(TrainConfig(**SMALL, steps=300))
    w.start_or_resume()
    qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=30_000)
    assert w.controller.worker_pid not in (None, os.getpid())
    assert len(w.runs[-1].history) == 300


def test_killing_the_worker_mid_run_ends_the_run_with_its_exit_code_and_the_next_run_works(make_window, qtbot):
    w = make_window(TrainConfig(**SMALL, steps=300))
    w.start_or_resume()
    qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=30_000)  # a first run, recorded
    w.controls.set_config(TrainConfig(**SMALL, steps=10_000_000))
    w.start_or_resume()
    qtbot.waitUntil(lambda: w._last_batch is not None and w._last_batch.step > 50, timeout=30_000)
    pid = w.controller.worker_pid
    os.kill(pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=10_000)
    last = w._last_batch
    assert last.reason == "error"
    assert last.error == "the training process stopped: killed by SIGKILL (exit code -9)"
    assert "the training process stopped" in visible_text(w)
    assert [r.outcome for r in w.runs] == ["completed", "error"]  # both runs survive
    assert len(w.runs[-1].history) >= 50  # with the steps it took
    w.controls.set_config(TrainConfig(**SMALL, steps=200))
    w.start_or_resume()
    qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=30_000)
    assert w._last_batch.reason == "completed" and w.controller.worker_pid != pid
    assert len(w.runs) == 3


def test_a_crash_inside_a_step_is_reported_as_a_crash(make_window, qtbot):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TrainingController, "worker_setup", partial(worker_faults.crash_step, 40))
        w = make_window(TrainConfig(**SMALL, steps=1000))
    w.start_or_resume()
    qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=30_000)
    assert w._last_batch.error == "the training process stopped: killed by SIGSEGV (exit code -11)"
    assert len(w.runs[-1].history) <= 39


_ORPHAN = textwrap.dedent("""
    import sys, time
    from playground.core.worker import WorkerHost
    host = WorkerHost(lambda host, msg: None)
    host.ready.wait(60)
    print(host.pid, flush=True)
    time.sleep(600)
""")


def test_the_worker_exits_when_the_window_process_is_killed():
    """Not even a SIGKILL of the window's process (no clean-up runs) leaves a worker behind."""
    with subprocess.Popen([sys.executable, "-c", _ORPHAN], stdout=subprocess.PIPE, text=True) as proc:
        try:
            worker = int(proc.stdout.readline())
            assert alive(worker)
            proc.kill()
            proc.wait(10)
            deadline = time.monotonic() + 5
            while alive(worker) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not alive(worker)
        finally:
            proc.kill()


def test_closing_a_host_ends_its_worker_within_a_second():
    messages = []
    host = WorkerHost(lambda h, msg: messages.append(msg))
    assert host.ready.wait(60)
    t0 = time.monotonic()
    host.close()
    assert time.monotonic() - t0 < 1.0
    assert not alive(host.pid)
    assert host.gone.wait(5) and messages[-1] == ("died", 0)


_NO_TORCH = textwrap.dedent("""
    import sys
    if __name__ == "__main__":
        from playground.gui.app import create_app
        app, w = create_app(["test"], exec_app=False)
        print("torch in the window's process after its build:", "torch" in sys.modules, flush=True)
        from PySide6.QtCore import QEventLoop, QTimer
        loop = QEventLoop()
        w.controller.workerReady.connect(loop.quit)
        QTimer.singleShot(120_000, loop.quit)
        if not w.controller.worker_ready:
            loop.exec()
        print("worker ready:", w.controller.worker_ready, flush=True)
        print("start:", w.act_start.text(), flush=True)
        print("devices:", [w.controls.device.itemData(i) for i in range(w.controls.device.count())], flush=True)
        w.start_or_resume()
        while w.controller.state != "finished":
            app.processEvents()
        print("torch in the window's process after a run:", "torch" in sys.modules, flush=True)
        w.close()
""")


def test_the_window_process_never_imports_torch(tmp_path):
    script = tmp_path / "no_torch.py"
    script.write_text(_NO_TORCH)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BACKPROP_PLAYGROUND_CONFIG_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, env=env,
                         cwd=os.path.dirname(os.path.dirname(__file__)))
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.splitlines()
    assert "torch in the window's process after its build: False" in lines
    assert "worker ready: True" in lines
    assert "start: Start" in lines
    assert any(line.startswith("devices: ['auto', 'cpu'") for line in lines)
    assert "torch in the window's process after a run: False" in lines


def test_the_autograd_lab_is_built_when_its_tab_is_first_opened(make_window, qtbot):
    """The lab computes with torch in the window's process: it loads only when a student opens it."""
    w = make_window(TrainConfig(**SMALL, steps=10))
    assert not w.lab_tab.built and w.lab_tab.accessibleName() == "Autograd lab"
    w.show()
    w.tabs.setCurrentWidget(w.lab_tab)
    qtbot.waitUntil(lambda: w.lab_tab.built, timeout=30_000)
    assert w.lab.isVisible() and not w.lab_tab.notice.isVisible()


def test_a_gradient_check_and_the_step_through_are_answered_by_the_worker_while_a_run_trains(make_window, qtbot):
    w = make_window(TrainConfig(**SMALL, steps=10_000_000))
    w.speed.setCurrentIndex(w.speed.findData(0.0))
    w.start_or_resume()
    qtbot.waitUntil(lambda: w._last_batch is not None and w._last_batch.step > 10, timeout=30_000)
    answers = []
    from playground.core.worker import step_through_of

    w.controller.call_in_worker(step_through_of, (TrainConfig(**SMALL),), lambda ok, value: answers.append((ok, value)))
    qtbot.waitUntil(lambda: bool(answers), timeout=30_000)
    assert w.controller.state == "running"  # answered while the run trains
    ok, result = answers[0]
    assert ok and [s.name for s in result.stages][:3] == ["h", "y_pred", "loss"]
    step = w._last_batch.step
    qtbot.waitUntil(lambda: w._last_batch.step > step, timeout=10_000)  # and the run went on
    w.stop()


def test_a_question_that_fails_in_the_worker_comes_back_as_its_message(make_window, qtbot):
    w = make_window(TrainConfig(**SMALL, steps=10))
    answers = []
    w.controller.call_in_worker(worker_faults.fail_with, ("out of memory here",),
                                lambda ok, value: answers.append((ok, value)))
    qtbot.waitUntil(lambda: bool(answers), timeout=30_000)
    ok, value = answers[0]
    assert not ok and type(value) is RuntimeError and str(value) == "out of memory here"
