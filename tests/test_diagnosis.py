"""A divergence (or a failed step) is blamed on a cause that fits the evidence; each cause provoked for real."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from playground.cli import EXIT_DIVERGED, EXIT_ERROR
from playground.cli import main as cli_main
from playground.core.config import TrainConfig
from playground.core.diagnosis import CAUSES, accumulation_seen, diagnose
from playground.core.loop import Trainer, train
from playground.core.models import build_runner
from playground.gui.controller import FINISHED
from playground.gui.main_window import MainWindow
from playground.gui.settings import Settings


def _run(cfg: TrainConfig):
    trainer = Trainer(cfg)
    batches = list(trainer.batches())
    return trainer, batches[-1]


def _strict(text: str) -> dict:
    def refuse(name: str):
        raise ValueError(f"bare {name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_forgetting_zero_grad_is_blamed_on_accumulating_gradients_not_the_lr():
    _, last = _run(TrainConfig(mistake="no-zero-grad"))
    assert last.reason == "diverged"
    d = last.diagnosis
    assert d.cause == "accumulating-gradients"
    assert "zero_grad" in d.title and "zero_grad" in d.hint
    assert "too high" not in d.text
    assert d.restart_lr is None  # a smaller lr is not the cure


def test_accumulation_is_seen_in_the_gradient_norms_alone():
    """The evidence, without being told the mistake: healthy runs keep |g|^2/loss low, accumulating ones do not."""
    for cfg in (TrainConfig(style="sequential", optimizer="sgd", lr=1e-6, mistake="no-zero-grad"),
                TrainConfig(style="module", mistake="no-zero-grad"),
                TrainConfig(mistake="no-zero-grad")):
        trainer, _ = _run(cfg)
        assert accumulation_seen(trainer.evidence()), cfg
    for cfg in (TrainConfig(), TrainConfig(lr=2e-6), TrainConfig(style="sequential", optimizer="sgd", lr=1e-4),
                TrainConfig(style="sequential", optimizer="momentum", lr=1e-5), TrainConfig(style="module")):
        trainer, last = _run(cfg)
        assert last.reason == "completed"
        assert not accumulation_seen(trainer.evidence()), cfg
    # The same evidence, diagnosed with the mistake not switched on, still names accumulation.
    trainer, last = _run(TrainConfig(mistake="no-zero-grad"))
    d = diagnose(TrainConfig(), step=last.divergence.step, evidence=trainer.evidence())
    assert d.cause == "accumulating-gradients"


def test_a_large_lr_is_blamed_on_the_lr_and_a_tenth_of_it_trains():
    cfg = TrainConfig(lr=1e-5)
    _, last = _run(cfg)
    assert last.diagnosis.cause == "lr-too-high"
    assert last.diagnosis.restart_lr == pytest.approx(1e-6)
    _, retry = _run(cfg.replace(lr=last.diagnosis.restart_lr))
    assert retry.reason == "completed"


def test_a_summed_loss_at_a_large_n_is_named_and_its_suggested_lr_trains():
    cfg = TrainConfig(N=4096, steps=60)  # the lesson's lr, 64 times the samples
    _, last = _run(cfg)
    d = last.diagnosis
    assert d.cause == "sum-loss-large-n"
    assert d.values["times"] == "64" and "mean" in d.hint
    _, retry = _run(cfg.replace(lr=d.restart_lr))
    assert retry.reason == "completed"
    # With Adam the step does not grow with the gradient: a sum at large N is no cause there.
    d = diagnose(TrainConfig(N=4096, style="module", lr=1e-1), step=5)
    assert d.cause == "lr-too-high"


def test_the_update_outside_no_grad_error_is_explained():
    _, last = _run(TrainConfig(mistake="update-outside-no-grad"))
    assert last.reason == "error"
    assert last.diagnosis.cause == "update-outside-no-grad"
    assert "torch.no_grad()" in last.diagnosis.hint
    # An error with no known cause gets no made-up one.
    assert diagnose(TrainConfig(), step=3, error="RuntimeError: something else") is None


def test_a_forward_pass_that_overflows_before_any_update_is_not_blamed_on_the_lr():
    cfg = TrainConfig(N=8, D_in=20, H=6, D_out=3, device="cpu")
    runner = build_runner(cfg, "cpu")
    with torch.no_grad():
        runner.x.mul_(1e30)  # inputs far beyond float32's range once multiplied out
    trainer = Trainer(cfg, runner=runner)
    last = list(trainer.batches())[-1]
    assert last.divergence.step == 0
    d = last.diagnosis
    assert d.cause == "overflow"
    assert "float32" in d.title and "float64" in d.hint and "learning rate is not to blame" in d.explanation


def test_every_cause_fills_its_texts_from_its_own_figures():
    """Each cause provoked above has all the figures its three texts name (no KeyError, no '{')."""
    provoked = {
        "accumulating-gradients": _run(TrainConfig(mistake="no-zero-grad", steps=120))[1].diagnosis,
        "lr-too-high": _run(TrainConfig(lr=1e-5))[1].diagnosis,
        "sum-loss-large-n": _run(TrainConfig(N=4096, steps=20))[1].diagnosis,
        "update-outside-no-grad": _run(TrainConfig(mistake="update-outside-no-grad"))[1].diagnosis,
        "overflow": diagnose(TrainConfig(), step=0),
    }
    assert set(provoked) == set(CAUSES)
    for cause, d in provoked.items():
        assert d.cause == cause
        for text in (d.title, d.explanation, d.hint):
            assert text and "{" not in text


def test_train_json_and_stderr_name_the_no_zero_grad_cause(capsys):
    code = cli_main(["train", "--mistake", "no-zero-grad", "--json"])
    out, err = capsys.readouterr()
    assert code == EXIT_DIVERGED
    summary = _strict(out)  # a diverged run's loss is "inf", never a bare Infinity
    assert summary["final_loss"] == "inf"
    assert summary["diagnosis"]["cause"] == "accumulating-gradients"
    assert "zero_grad" in summary["hint"]
    assert "diverged at step" in err and "Gradients accumulating" in err
    code = cli_main(["train", "--mistake", "update-outside-no-grad", "--json"])
    out, err = capsys.readouterr()
    assert code == EXIT_ERROR
    assert _strict(out)["diagnosis"]["cause"] == "update-outside-no-grad"
    assert "torch.no_grad()" in err


def test_the_window_names_accumulating_gradients_and_switches_the_mistake_off(qtbot):
    w = MainWindow(Settings(config=TrainConfig(mistake="no-zero-grad")))
    qtbot.addWidget(w)
    w.show()
    try:
        w.start_new()
        qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=60_000)
        text = w.banner.label.text()
        assert "zero_grad" in text and "too high" not in text
        buttons = [w.banner.buttons.itemAt(i).widget() for i in range(w.banner.buttons.count())]
        remedy = next(b for b in buttons if "mistake" in b.text())
        remedy.click()
        assert w.controls.config().mistake == "none"
        # The new run starts once the old worker has wound down: wait for it, then for its end.
        qtbot.waitUntil(lambda: w.plot.runs[-1].config.mistake == "none", timeout=10_000)
        qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=60_000)
        losses = np.asarray(w.plot.runs[-1].history.losses)
        assert w.plot.runs[-1].config.mistake == "none" and np.isfinite(losses).all()
    finally:
        w.controller.shutdown(3000)


def test_the_window_offers_the_diagnosed_lr_for_a_large_n(qtbot):
    w = MainWindow(Settings(config=TrainConfig(N=4096, steps=30)))
    qtbot.addWidget(w)
    try:
        w.start_new()
        qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=60_000)
        assert "mean loss" in w.banner.label.text()
        labels = [w.banner.buttons.itemAt(i).widget().text() for i in range(w.banner.buttons.count())]
        assert any("1.6e-08" in t for t in labels), labels
    finally:
        w.controller.shutdown(3000)


def test_core_train_keeps_its_diagnosis_on_the_last_batch():
    losses, last = train(TrainConfig(lr=1e-5))
    assert not np.isfinite(losses[-1]) and last.diagnosis is not None


def test_after_a_divergence_the_statistics_are_of_the_last_step_before_the_blow_up():
    """At full speed statistics come every 0.3 s; the inspector must not be left at step 0."""
    _, last = train(TrainConfig(mistake="no-zero-grad"))
    assert last.divergence.kind == "loss" and last.divergence.step == 97
    shown = last.stats[-1]
    assert shown.step == last.divergence.step - 1
    assert all(np.isfinite(p.grad_norm) for p in shown.params)
    # A weight that overflows in its update: its own step, whose gradients were finite, is shown.
    _, last = train(TrainConfig(N=16, D_in=40, H=12, D_out=4, lr=1e36, steps=5, bias=True))
    assert last.divergence.kind == "weight"
    assert last.stats[-1].step == last.divergence.step
