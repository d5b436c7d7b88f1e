"""The training loop: every allowed combination trains; divergence and errors end runs cleanly."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from playground.core import config as C
from playground.core.config import TrainConfig
from playground.core.loop import Trainer, train

TINY = dict(N=8, D_in=12, H=6, D_out=3, steps=25)
# learning rates that make each optimizer reduce the loss on the tiny problem
LR = {"sgd-manual": 1e-3, "sgd": 1e-3, "momentum": 1e-4, "adam": 1e-2, "adamw": 1e-2, "rmsprop": 1e-3, "adagrad": 1e-1}


@pytest.mark.parametrize("style, optimizer", [
    (s, o) for s in C.STYLES for o in C.OPTIMIZERS if o in C.allowed_optimizers(s)
])
def test_every_allowed_pair_trains_and_the_loss_falls(style, optimizer):
    losses, last = train(TrainConfig(**TINY, style=style, optimizer=optimizer, lr=LR[optimizer], loss="mean"))
    assert last.reason == "completed" and len(losses) == 25
    assert np.all(np.isfinite(losses)) and losses[-1] < losses[0]


@pytest.mark.parametrize("style, activation, dtype, loss, bias", [
    (s, a, d, r, b) for s, a, d, r, b in itertools.product(C.STYLES, C.ACTIVATIONS, C.DTYPES, C.LOSSES, (False, True))
    if (a, d, r) in {("none", "float32", "sum"), ("relu", "float64", "mean"), ("tanh", "float32", "mean"),
                     ("sigmoid", "float64", "sum")}
])
def test_options_train_in_every_style(style, activation, dtype, loss, bias):
    lr = 1e-3 if loss == "mean" or style in ("sequential", "module") else 1e-4
    losses, last = train(TrainConfig(**TINY, style=style, activation=activation, dtype=dtype, loss=loss,
                                     bias=bias, lr=lr))
    assert last.reason == "completed" and np.all(np.isfinite(losses))


def test_numpy_and_tensors_agree_with_every_option_in_float64():
    for activation, loss, bias in itertools.product(C.ACTIVATIONS, C.LOSSES, (False, True)):
        kw = dict(TINY, activation=activation, loss=loss, bias=bias, dtype="float64", lr=1e-3)
        a, _ = train(TrainConfig(style="tensors", **kw))
        b, _ = train(TrainConfig(style="numpy", **kw))
        np.testing.assert_allclose(b, a, rtol=1e-10, err_msg=f"{activation} {loss} {bias}")


def test_sequential_and_module_build_the_same_model_given_the_same_bias():
    a, _ = train(TrainConfig(**TINY, style="sequential", bias=False))
    b, _ = train(TrainConfig(**TINY, style="module", bias=False))
    np.testing.assert_array_equal(a, b)


def test_batches_hand_back_numpy_arrays_and_stats():
    trainer = Trainer(TrainConfig(**TINY))
    batches = list(trainer.batches(stats_every=5))
    steps = np.concatenate([b.steps for b in batches])
    np.testing.assert_array_equal(steps, np.arange(25))
    assert all(isinstance(b.losses, np.ndarray) and b.losses.dtype == np.float64 for b in batches)
    stats = [s for b in batches for s in b.stats]
    assert {s.step for s in stats} >= {0, 5, 10, 15, 20, 24}
    p = stats[-1].by_name()["w1"]
    assert p.shape == (12, 6) and p.grad_hist.counts.sum() == 72


def test_gradient_stats_are_taken_before_the_update_and_zeroing():
    cfg = TrainConfig(**TINY)
    trainer = Trainer(cfg)
    first = next(trainer.batches(max_steps=1))
    st = first.stats[0].by_name()
    # recompute the step-0 gradient independently
    from playground.core.models import build_runner

    r = build_runner(cfg)
    w1_before = r.w1.detach().clone()
    r.forward_backward()
    g = r.w1.grad.detach().clone()
    r.update()
    assert st["w1"].grad_norm == pytest.approx(float(g.norm()), rel=1e-6)
    assert st["w1"].weight_norm == pytest.approx(float(w1_before.norm()), rel=1e-6)
    ratio = float((r.w1.detach() - w1_before).norm() / w1_before.norm())
    assert st["w1"].update_ratio == pytest.approx(ratio, rel=1e-5)
    assert float(r.w1.grad.abs().sum()) == 0.0  # the manual loop zeroed it after the update


@pytest.mark.parametrize("style", C.STYLES)
def test_gradient_norms_are_sampled_densely_early_and_equal_the_statistics_norms(style):
    from playground.core.loop import NORMS_PER_OCTAVE

    steps = 8 * NORMS_PER_OCTAVE
    cfg = TrainConfig(**{**TINY, "steps": steps}, style=style, lr=1e-3, optimizer="sgd-manual"
                      if style in ("numpy", "tensors") else "adam")
    batches = list(Trainer(cfg).batches(batch_seconds=0.0, stats_every=1))
    norm_steps = np.concatenate([b.norm_steps for b in batches])
    norms = np.concatenate([b.grad_norms for b in batches if len(b.norm_steps)])
    # Every step of the first two octaves, then NORMS_PER_OCTAVE per doubling, evenly spaced.
    np.testing.assert_array_equal(norm_steps[: 2 * NORMS_PER_OCTAVE], np.arange(2 * NORMS_PER_OCTAVE))
    for lo in (2 * NORMS_PER_OCTAVE, 4 * NORMS_PER_OCTAVE):
        octave = norm_steps[(norm_steps >= lo) & (norm_steps < 2 * lo)]
        assert len(octave) == NORMS_PER_OCTAVE and len(set(np.diff(octave).tolist())) == 1
    stats = {s.step: s for b in batches for s in b.stats}  # every step: stats_every=1
    for step, row in zip(norm_steps.tolist(), norms, strict=True):
        want = [p.grad_norm for p in stats[step].params]  # taken before the update, as the samples are
        np.testing.assert_allclose(row, want, rtol=1e-5)


def test_lr_change_applies_at_the_next_step_without_reset():
    cfg = TrainConfig(**(TINY | {"steps": 20}))
    base, _ = train(cfg)
    trainer = Trainer(cfg)
    gen = trainer.batches(max_steps=8)
    chunks = [b.losses for b in gen]
    trainer.set_lr(5e-6)
    rest = list(trainer.batches())
    chunks += [b.losses for b in rest]
    losses = np.concatenate(chunks)
    np.testing.assert_array_equal(losses[:9], base[:9])
    assert not np.array_equal(losses[9:], base[9:])
    assert rest[0].lr_changes == ((8, 5e-6),)
    # the same while one call of batches() is between two batches
    trainer2 = Trainer(cfg)
    g2 = trainer2.batches(batch_seconds=0.0)
    next(g2)
    trainer2.set_lr(5e-6)
    assert next(g2).lr_changes == ((1, 5e-6),)


def test_stop_ends_the_run_between_steps():
    trainer = Trainer(TrainConfig(**(TINY | {"steps": 10_000})))
    gen = trainer.batches(batch_seconds=0.0)
    next(gen)
    trainer.request_stop()
    last = next(gen)
    assert last.done and last.reason == "stopped" and trainer.ended
    assert list(gen) == []


@pytest.mark.parametrize("style", C.STYLES)
def test_divergence_names_the_step_and_the_tensor(style):
    lr = 1.0 if style in ("numpy", "tensors") else 1e6
    opt = None if style in ("numpy", "tensors") else "sgd"
    losses, last = train(TrainConfig(style=style, optimizer=opt, lr=lr, steps=200))
    d = last.divergence
    assert last.reason == "diverged" and d is not None
    assert d.step == len(losses) - 1 or d.kind != "loss"
    assert np.all(np.isfinite(losses[:d.step]))
    if d.kind == "loss":
        assert not np.isfinite(losses[d.step])
    assert d.message.startswith(f"diverged at step {d.step}:")
    assert d.tensor == "loss" or d.tensor in {n for n, _ in Trainer(TrainConfig(style=style)).runner.named_params()}


def test_divergence_located_after_a_mid_batch_lr_change():
    cfg = TrainConfig(N=8, D_in=12, H=6, D_out=3, steps=100, lr=1e-4)
    trainer = Trainer(cfg)
    gen = trainer.batches(batch_seconds=10.0)  # one long batch
    trainer.set_lr(5.0)
    batches = list(gen)
    d = batches[-1].divergence
    assert d is not None and batches[-1].lr_changes == ((0, 5.0),)
    # replaying reproduces the same first bad step as checking every step
    ref = Trainer(cfg)
    ref.set_lr(5.0)
    ref_batches = list(ref.batches(batch_seconds=0.0))
    assert ref_batches[-1].divergence == d


def test_update_outside_no_grad_reports_pytorchs_error():
    losses, last = train(TrainConfig(**TINY, mistake="update-outside-no-grad"))
    assert last.reason == "error" and "leaf Variable that requires grad" in last.error


def test_no_zero_grad_accumulates_and_changes_the_curve():
    good, _ = train(TrainConfig(**TINY))
    bad, _ = train(TrainConfig(**TINY, mistake="no-zero-grad"))
    np.testing.assert_array_equal(good[:2], bad[:2])
    assert not np.array_equal(good[2:], bad[2:])


def test_out_of_memory_in_a_step_ends_the_run_with_a_message(monkeypatch):
    trainer = Trainer(TrainConfig(**TINY))

    def boom():
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(trainer.runner, "forward_backward", boom)
    last = list(trainer.batches())[-1]
    assert last.reason == "error" and last.error.startswith("out of memory on cpu")


def test_unavailable_device_is_a_config_error():
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(C.ConfigError, match="device: cuda is not available"):
        Trainer(TrainConfig(**TINY, device="cuda"))
