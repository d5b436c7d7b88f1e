"""The learning-rate control: wide enough to aim, typed values, quarter-decade keys, the lesson's lr."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from playground.core.config import TrainConfig, lr_advice, recommended_lr
from playground.core.machine import MachineFacts
from playground.gui.controls import LR_RANGE, ControlPanel


@pytest.fixture
def panel(qtbot):
    p = ControlPanel(TrainConfig())
    qtbot.addWidget(p)
    p.show()
    qtbot.waitExposed(p)
    return p


def _select(box, data):
    box.setCurrentIndex(box.findData(data))


def test_the_slider_gives_each_decade_at_least_40_pixels(panel):
    decades = math.log10(LR_RANGE[1]) - math.log10(LR_RANGE[0])
    assert panel.lr.slider.minimumWidth() >= 40 * decades
    assert panel.lr.slider.width() >= 40 * decades


def test_arrow_keys_step_a_quarter_decade_and_page_keys_a_decade(panel, qtbot):
    panel.lr.setValue(1e-6)
    panel.lr.slider.setFocus()
    qtbot.keyClick(panel.lr.slider, Qt.Key.Key_Right)
    assert panel.lr.value() == pytest.approx(1e-6 * 10**0.25, rel=0.03)
    qtbot.keyClick(panel.lr.slider, Qt.Key.Key_Left)
    assert panel.lr.value() == pytest.approx(1e-6)
    qtbot.keyClick(panel.lr.slider, Qt.Key.Key_PageUp)
    assert panel.lr.value() == pytest.approx(1e-5)


def test_a_typed_value_such_as_3e_6_is_taken_exactly(panel, qtbot):
    panel.lr.edit.setText("3e-6")
    panel.lr.edit.editingFinished.emit()
    assert panel.config().lr == 3e-6


def test_the_lesson_lr_button_restores_what_the_style_trains_with(panel, qtbot):
    button = next(b for b in panel.findChildren(QPushButton) if b.accessibleName() == "Lesson lr")
    _select(panel.style, "module")  # the lesson's Adam at 1e-4
    panel.lr.edit.setText("1e-6")
    panel.lr.edit.editingFinished.emit()
    assert panel.lr_advice.isVisible() and "far below" in panel.lr_advice.text()
    button.click()
    assert panel.config().lr == 1e-4
    assert not panel.lr_advice.isVisible()


def test_switching_style_keeps_a_typed_lr_but_offers_the_new_styles(panel):
    panel.lr.edit.setText("2e-6")
    panel.lr.edit.editingFinished.emit()
    _select(panel.style, "module")
    assert panel.config().lr == 2e-6  # the student's value is kept...
    assert panel.lr_advice.isVisible()  # ...and the module lesson's 1e-4 is offered
    assert "0.0001" in panel.lr_advice.text() or "1e-04" in panel.lr_advice.text()


def test_a_far_too_large_lr_is_warned_about(panel):
    panel.lr.edit.setText("1e-4")  # a hundred times the raw-tensor lesson's
    panel.lr.edit.editingFinished.emit()
    assert "diverge" in panel.lr_advice.text() and panel.lr_advice.isVisible()


@pytest.mark.parametrize(("cfg", "expected"), [
    (TrainConfig(), 1e-6),
    (TrainConfig(style="module"), 1e-4),
    (TrainConfig(style="sequential", optimizer="sgd"), 1e-4),
    (TrainConfig(N=4096), 1.6e-8),  # the summed loss adds 64 times more terms
    (TrainConfig(style="module", loss="mean", optimizer="sgd"), 0.064),
])
def test_recommended_lr_follows_style_optimizer_and_loss(cfg, expected):
    assert recommended_lr(cfg) == pytest.approx(expected)


def test_the_recommended_lr_trains_and_the_warned_ones_do_not():
    """What the advice says, checked by training: the recommended lr falls, far below barely moves."""
    from playground.core.loop import train

    for cfg in (TrainConfig(style="module", steps=150), TrainConfig(style="tensors", optimizer="adam", steps=150)):
        good = cfg.replace(lr=recommended_lr(cfg))
        low = cfg.replace(lr=recommended_lr(cfg) / 100)
        assert lr_advice(good) is None and lr_advice(low)[0] == "low"
        losses, last = train(good)
        assert last.reason == "completed" and losses[-1] < 1e-2 * losses[0]
        losses, _ = train(low)
        assert losses[-1] > 0.5 * losses[0]


def test_the_device_list_says_why_there_is_no_gpu(qtbot):
    from playground.core.config import missing_gpu_reason

    reason = missing_gpu_reason()
    p = ControlPanel(TrainConfig(), gpu_note=reason)
    qtbot.addWidget(p)
    p.show()
    import torch

    if torch.cuda.is_available():
        assert reason is None and not p.device_note.isVisible()
    else:
        assert "CPU only" in reason and p.device_note.isVisible() and "CPU only" in p.device_note.text()
    for note, words in (("no CUDA device found: CPU only", "No CUDA device found"),
                        ("this PyTorch (2.x) is a CPU-only build: CPU only", "CPU-only build")):
        other = ControlPanel(TrainConfig(), gpu_note=note)
        qtbot.addWidget(other)
        assert words in other.device_note.text()


CUDA_MACHINE = MachineFacts("2.x", (("cpu", "CPU"), ("cuda", "CUDA: a test GPU")), None)
CPU_MACHINE = MachineFacts("2.x", (("cpu", "CPU"),), "no CUDA device found: CPU only")


def test_the_gpu_fast_mode_is_greyed_with_its_reason_where_it_cannot_apply(panel):
    box = panel.fast_mode
    assert box.accessibleName() == "GPU fast mode (CUDA graphs)"
    _select(panel.style, "numpy")
    assert not box.isEnabled() and "NumPy" in box.toolTip()
    seen = []
    panel.fastModeChanged.connect(seen.append)
    panel.set_machine(CUDA_MACHINE)  # as the worker tells on a CUDA machine
    _select(panel.style, "module")
    assert box.isEnabled()
    box.setChecked(True)
    assert panel.fast_mode_active() and seen[-1] is True
    panel.set_machine(CPU_MACHINE)
    _select(panel.style, "tensors")
    assert not box.isEnabled() and "CUDA" in box.toolTip()
    assert not panel.fast_mode_active() and seen[-1] is False


def test_validity_is_state_not_the_visibility_of_a_label(qtbot):
    from playground.gui.main_window import MainWindow
    from playground.gui.settings import Settings

    w = MainWindow(Settings(config=TrainConfig(N=8, D_in=10, H=4, D_out=2)))
    qtbot.addWidget(w)
    w.show()
    assert w.controls.valid
    w.controls.lr.edit.setText("abc")  # not a number: refused, and the controls say so
    w.controls.lr.edit.editingFinished.emit()
    assert not w.controls.valid
    w._update_actions()
    assert not w.act_start.isEnabled()
    # On another tab the controls (and their message) are hidden: Start stays off all the same.
    w.tabs.setCurrentWidget(w.code_view)
    w._update_actions()
    assert not w.act_start.isEnabled()


def test_one_signal_carries_every_change_the_learning_rate_included(panel, qtbot):
    assert not hasattr(panel, "lrChanged")
    with qtbot.waitSignal(panel.configChanged) as blocker:
        panel.lr.setValue(3e-6)
    assert blocker.args[0].lr == 3e-6


def test_every_size_box_and_slider_is_named_for_screen_readers(panel):
    for name, w in panel.sizes.items():
        assert w.spin.accessibleName() == name
        assert w.slider.accessibleName() == f"{name} slider"


def test_the_devices_come_from_the_worker_and_a_configured_gpu_is_chosen_once_found(qtbot):
    p = ControlPanel(TrainConfig(device="cuda"), gpu_note=None)  # before the worker has told
    qtbot.addWidget(p)
    assert [p.device.itemData(i) for i in range(p.device.count())] == ["auto", "cpu"]
    assert p.device.currentData() == "auto"
    p.set_machine(CUDA_MACHINE)
    assert [p.device.itemData(i) for i in range(p.device.count())] == ["auto", "cpu", "cuda"]
    assert p.device.currentData() == "cuda" and p.config().device == "cuda"
    p.set_machine(CPU_MACHINE)
    assert p.device.currentData() == "auto"
    assert p.device_note.text() == "No CUDA device found: CPU only."
