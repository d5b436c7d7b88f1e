"""One configuration prints the same loss in the window, in ``train`` and in the exported script.

The three used to differ in the last digits: the window trained with one torch thread, ``train``
with torch's default and the script with whatever the machine had, and a matrix product split over
another number of threads adds up in another order.  The thread count is now a field of the
configuration that every one of them applies.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from playground.core.codegen import generate_script
from playground.core.config import TrainConfig, cpu_count
from playground.gui.controller import FINISHED
from playground.gui.main_window import MainWindow
from playground.gui.settings import Settings

#: The issue's own example: sequential + Adam at the lesson's sizes, seed 7, 200 steps.
CFG = TrainConfig(style="sequential", seed=7, steps=200, device="cpu")


def _strict_json(text: str) -> dict:
    def refuse(name: str) -> None:
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def _fresh_env() -> dict[str, str]:
    """A process as a student starts it: torch's own default thread count, no test pinning."""
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture(scope="module")
def outside_runs(tmp_path_factory):
    """``train --json`` and the exported script, each in a fresh process (both at once)."""
    folder = tmp_path_factory.mktemp("same-digits")
    script = folder / "lesson.py"
    script.write_text(generate_script(CFG), encoding="utf-8")
    args = ["--style", "sequential", "--seed", "7", "--steps", "200", "--device", "cpu"]
    train = subprocess.Popen([sys.executable, "-m", "playground", "train", *args, "--json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_fresh_env())
    exported = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=_fresh_env(), cwd=folder)
    t_out, t_err = train.communicate(timeout=300)
    s_out, s_err = exported.communicate(timeout=300)
    assert train.returncode == 0, t_err
    assert exported.returncode == 0, s_err
    losses = [float(v) for v in re.findall(r"^epoch=\d+ loss=(\S+)$", s_out, re.MULTILINE)]
    assert len(losses) == CFG.steps
    return _strict_json(t_out), losses


def test_train_and_the_exported_script_print_the_same_last_loss(outside_runs):
    summary, script_losses = outside_runs
    assert summary["threads"] == CFG.threads == 1
    assert summary["final_loss"] == script_losses[-1]


def test_the_window_ends_on_the_loss_train_and_the_script_print(outside_runs, qtbot):
    summary, script_losses = outside_runs
    w = MainWindow(Settings(config=CFG))
    qtbot.addWidget(w)
    try:
        w.start_new()
        qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=60_000)
        losses = w.plot.runs[-1].history.losses
        assert len(losses) == CFG.steps
        assert float(losses[-1]) == summary["final_loss"] == script_losses[-1]
    finally:
        w.controller.shutdown(3000)


def test_the_thread_count_is_shown_and_refused_outside_its_range(qtbot):
    w = MainWindow(Settings(config=CFG.replace(threads=2)))
    qtbot.addWidget(w)
    assert w.controls.threads.accessibleName() == "Threads"
    assert w.controls.threads.value() == 2
    assert w.controls.threads.maximum() == 4 * cpu_count()
    assert w.controls.config().threads == 2
    from playground.cli import EXIT_INVALID, main

    for bad in ("0", "-3", str(4 * cpu_count() + 1), "1000000"):
        assert main(["train", "--steps", "1", "--threads", bad]) == EXIT_INVALID
