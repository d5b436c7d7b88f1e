"""The step-time estimate and the window's warning before sizes that cannot run well here."""

from __future__ import annotations

import math

import pytest
import torch

from playground.core import probe
from playground.core.config import ConfigError, TrainConfig
from playground.gui.controller import FINISHED, IDLE, PAUSED, RUNNING
from playground.gui.main_window import MainWindow
from playground.gui.settings import Settings

SMALL = dict(N=16, D_in=40, H=12, D_out=4)
#: Made-up speeds (seconds a multiply-add, a pass, a fresh element, a parameter's bookkeeping):
#: the arithmetic of the estimate is tested apart from this machine's.
FIXED_RATES = probe.Rates(2e-11, 1e-10, 2.5e-9, 1e-8)


@pytest.fixture
def fixed_rates(monkeypatch):
    """Every probe answers FIXED_RATES; the list counts how often it ran."""
    calls = []

    def measure(*key):
        calls.append(key)
        return FIXED_RATES

    monkeypatch.setattr(probe, "_RATES", {})
    monkeypatch.setattr(probe, "_measure_rates", measure)
    return calls


# -- the estimate -------------------------------------------------------------------------
def test_four_times_the_samples_take_about_four_times_as_long(fixed_rates):
    small = probe.step_seconds_estimate(TrainConfig(N=16384, H=2048, check_memory=False))
    large = probe.step_seconds_estimate(TrainConfig(N=65536, H=2048, check_memory=False))
    # Everything but the parameters' share grows with N.
    assert 3.5 < large / small <= 4.0


def test_the_probe_runs_once_per_device_dtype_and_threads(fixed_rates):
    for n in (64, 4096, 65536):
        probe.step_seconds_estimate(TrainConfig(N=n, check_memory=False))
    probe.step_seconds_estimate(TrainConfig(style="module"))  # the same torch speeds
    assert len(fixed_rates) == 1
    probe.step_seconds_estimate(TrainConfig(dtype="float64"))
    probe.step_seconds_estimate(TrainConfig(style="numpy"))  # NumPy's own matrix product
    assert fixed_rates == [("torch", "cpu", "float32", 1), ("torch", "cpu", "float64", 1),
                           ("numpy", "cpu", "float32", 1)]


def test_the_brief_s_example_counts_its_matrix_products(fixed_rates):
    """N=65536, H=8192 (D_in=1000, D_out=10): x@w1 and the gradient of w1, 2 N D_in H, and
    three products with D_out; the step is far beyond the warning's second."""
    cfg = TrainConfig(N=65536, H=8192, check_memory=False)
    work = probe.step_work(cfg)
    assert work.multiply_adds == 2 * 65536 * 1000 * 8192 + 3 * 65536 * 8192 * 10
    assert probe.step_seconds_estimate(cfg) > 10 * probe.SLOW_STEP_S
    assert probe.step_seconds_estimate(TrainConfig()) < probe.SLOW_STEP_S / 100  # the lesson


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_a_device_this_machine_lacks_is_not_probed(fixed_rates):
    with pytest.raises(ConfigError, match="not available"):
        probe.step_seconds_estimate(TrainConfig(device="cuda"))
    assert fixed_rates == []


@pytest.mark.parametrize("style", ["tensors", "numpy"])
def test_the_real_probe_measures_every_speed_and_restores_the_threads(monkeypatch, style):
    monkeypatch.setattr(probe, "_RATES", {})
    before = torch.get_num_threads()
    rates = probe.machine_rates(TrainConfig(style=style, threads=before + 1))
    assert torch.get_num_threads() == before
    assert all(math.isfinite(r) and r >= 0 for r in rates)
    assert rates.multiply_add > 0 and rates.element_pass > 0 and rates.fresh_element > 0


def test_times_are_said_as_a_person_would():
    assert [probe.seconds_text(s) for s in (0.42, 3.14, 26.3, 1290)] == ["0.42", "3.1", "26", "1,300"]
    assert [probe.duration_text(s) for s in (45, 600, 26 * 500, 26 * 100_000)] == [
        "45 s", "10 min", "3.6 h", "722 h"]


def test_sizes_that_cannot_be_slow_are_not_probed(fixed_rates):
    """The lesson's sizes (and far larger) skip the probe: the window's process keeps off torch."""
    for cfg in (TrainConfig(), TrainConfig(style="sequential"), TrainConfig(N=256, H=200)):
        assert probe.slow_step_seconds(cfg) is None
    assert fixed_rates == []
    assert probe.slow_step_seconds(TrainConfig(N=65536, H=8192, check_memory=False)) > probe.SLOW_STEP_S
    assert len(fixed_rates) == 1


# -- the window -----------------------------------------------------------------------------
@pytest.fixture
def window(qtbot, monkeypatch):
    """A window whose estimate says 26 s a step for any sizes (nothing heavy really runs)."""
    monkeypatch.setattr(probe, "step_seconds_estimate", lambda cfg: 26.0)
    # ... and whose machine might be slow enough for that (else small sizes skip the estimate)
    monkeypatch.setattr(probe, "SLOWEST_MULTIPLY_ADDS_PER_S", 1.0)
    w = MainWindow(Settings(config=TrainConfig(**SMALL, steps=500)))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.controller.shutdown(3000)


def banner_button(w: MainWindow, text: str):
    buttons = [w.banner.buttons.itemAt(i).widget() for i in range(w.banner.buttons.count())]
    return next(b for b in buttons if b is not None and b.text() == text)


def test_slow_sizes_ask_before_starting(window):
    window.start_or_resume()
    assert window.controller.state == IDLE and window.controller.trainer is None
    assert window.banner.isVisible()
    assert window.banner.label.text() == (
        "These sizes take about 26 s a step on this CPU (500 steps: about 3.6 h). Start anyway?")


def test_start_anyway_starts_and_does_not_ask_again(window, qtbot):
    window.start_or_resume()
    banner_button(window, "Start anyway").click()
    assert window.controller.state == RUNNING
    assert not window.banner.isVisible()
    window.stop()
    qtbot.waitUntil(lambda: window.controller.state == FINISHED, timeout=5000)
    window.start_or_resume()  # the same configuration: accepted once, not asked again
    assert window.controller.state == RUNNING
    window.stop()
    qtbot.waitUntil(lambda: window.controller.state == FINISHED, timeout=5000)
    window.controls.steps.setValue(400)  # another configuration: asked again
    window.start_or_resume()
    assert window.controller.state == FINISHED and window.banner.isVisible()


def test_cancel_leaves_the_window_idle(window):
    window.start_or_resume()
    banner_button(window, "Cancel").click()
    assert window.controller.state == IDLE and window.controller.trainer is None
    assert not window.banner.isVisible()


def test_a_single_step_asks_too_and_start_anyway_takes_it(window, qtbot):
    window.step_once()  # F10
    assert window.controller.state == IDLE and window.banner.isVisible()
    banner_button(window, "Start anyway").click()
    qtbot.waitUntil(lambda: window.controller.trainer is not None and window.controller.trainer.step == 1
                    and not window.controller.busy, timeout=5000)
    assert window.controller.state == PAUSED


def test_fast_sizes_start_at_once(window, monkeypatch):
    monkeypatch.setattr(probe, "step_seconds_estimate", lambda cfg: probe.SLOW_STEP_S / 2)
    window.start_or_resume()
    assert window.controller.state == RUNNING and not window.banner.isVisible()
    window.stop()


def test_a_run_until_paused_is_warned_about_without_a_made_up_total(window):
    window.controls.until_paused.setChecked(True)
    window.start_or_resume()
    assert window.controller.state == IDLE
    assert window.banner.label.text() == "These sizes take about 26 s a step on this CPU. Start anyway?"


def test_a_probe_that_fails_never_keeps_a_run_from_starting(window, monkeypatch):
    def broken(cfg):
        raise RuntimeError("no timer here")

    monkeypatch.setattr(probe, "step_seconds_estimate", broken)
    assert probe.slow_step_seconds(TrainConfig(**SMALL)) is None
    window.start_or_resume()
    assert window.controller.state == RUNNING
    window.stop()
