"""Fast mode's bookkeeping, checked on the CPU: the same losses, statistics and divergences as eager.

A GPU records the step into CUDA graphs (:class:`~playground.core.fastmode.CudaGraphs`);
here a stand-in "records" by running the step and "replays" by running it again, so
everything around the recording (warm-up undone, in-place snapshots, a new recording
for a new learning rate, the fallback) is exercised without a GPU.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from playground.core.config import TrainConfig, allowed_optimizers
from playground.core.fastmode import FAST_OPTIMIZERS, GraphedRunner, fast_mode_support, make_fast
from playground.core.loop import Trainer, train
from playground.core.models import build_runner

SMALL = dict(N=12, D_in=30, H=9, D_out=4)


class ReplayByRunning:
    """Stand-in for CudaGraphs: record runs the step once, replay runs it again."""

    capturable = False

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.recordings = 0
        self.replays = 0

    def warm_up(self, step, times):
        for _ in range(times):
            step()

    def record(self, fn):
        if self.fail:
            raise RuntimeError("operation not permitted when stream is capturing")
        out = fn()
        self.recordings += 1

        def replay():
            new = fn()
            if torch.is_tensor(out):
                out.copy_(new)
            self.replays += 1

        return replay, out


def fast_trainer(cfg: TrainConfig, graphs=None) -> tuple[Trainer, ReplayByRunning]:
    graphs = graphs or ReplayByRunning()
    runner, reason = make_fast(build_runner(cfg, "cpu"), cfg, graphs)
    assert reason is None and isinstance(runner, GraphedRunner)
    return Trainer(cfg, runner=runner), graphs


def run(trainer: Trainer, lr_at: dict[int, float] | None = None) -> tuple[np.ndarray, object]:
    """All losses; set_lr at the given steps (as the window does between batches)."""
    chunks, last = [], None
    lr_at = dict(lr_at or {})
    while not trainer.ended:
        nxt = min([s for s in lr_at if s > trainer.step] or [trainer.config.steps])
        for batch in trainer.batches(max_steps=nxt - trainer.step, stats_every=7):
            chunks.append(batch.losses)
            last = batch
        if trainer.step in lr_at:
            trainer.set_lr(lr_at.pop(trainer.step))
    return np.concatenate(chunks), last


CASES = [(style, opt) for style in ("tensors", "sequential", "module") for opt in FAST_OPTIMIZERS
         if opt in allowed_optimizers(style)]


@pytest.mark.parametrize("style, optimizer", CASES)
def test_replayed_steps_give_the_eager_losses_statistics_and_lr_changes(style, optimizer):
    lr = {"sgd-manual": 1e-6, "sgd": 1e-6, "momentum": 1e-7}.get(optimizer, 1e-3)
    cfg = TrainConfig(**SMALL, style=style, optimizer=optimizer, lr=lr, steps=60, bias=True)
    eager, eager_last = run(Trainer(cfg), {20: lr / 2, 41: lr * 3})
    trainer, graphs = fast_trainer(cfg)
    fast, fast_last = run(trainer, {20: lr / 2, 41: lr * 3})
    np.testing.assert_array_equal(fast, eager)
    assert fast_last.reason == eager_last.reason == "completed"
    e, f = eager_last.stats[-1], fast_last.stats[-1]
    assert e.step == f.step and [p.grad_norm for p in e.params] == [p.grad_norm for p in f.params]
    assert graphs.recordings == 2 * 3  # one pair per learning rate: 1e-6, then two changes
    assert graphs.replays >= 2 * 60


def test_the_warm_up_steps_leave_no_trace():
    cfg = TrainConfig(**SMALL, style="module", steps=5)
    runner = GraphedRunner(build_runner(cfg, "cpu"), ReplayByRunning())
    before = [p.detach().clone() for _, p in runner.named_params()]
    runner.forward_backward()  # records: warm-up steps, then everything put back
    for (_, p), b in zip(runner.named_params(), before, strict=True):
        torch.testing.assert_close(p, b, rtol=0, atol=0)
    state = runner.inner.optimizer.state
    assert all(float(s["step"]) == 0 for s in state.values())  # a fresh Adam, as far as any step can tell


@pytest.mark.parametrize("style", ["tensors", "sequential"])
def test_a_divergence_is_located_at_the_same_step_and_tensor(style):
    cfg = TrainConfig(**SMALL, style=style, optimizer="sgd", lr=3.0, steps=200)
    eager_losses, eager_last = train(cfg)
    fast_losses, fast_last = run(fast_trainer(cfg)[0])
    assert eager_last.reason == fast_last.reason == "diverged"
    assert fast_last.divergence == eager_last.divergence
    np.testing.assert_array_equal(fast_losses, eager_losses)


def test_a_failed_recording_falls_back_to_the_eager_step():
    cfg = TrainConfig(**SMALL, style="sequential", steps=30)
    trainer, _ = fast_trainer(cfg, ReplayByRunning(fail=True))
    losses, last = run(trainer)
    np.testing.assert_array_equal(losses, train(cfg)[0])
    assert "recording failed" in trainer.runner.fallback


def test_fast_mode_is_off_by_default_and_refused_where_it_cannot_run():
    cfg = TrainConfig(**SMALL, steps=20, device="cpu")
    assert Trainer(cfg).fast_reason == "not asked for"
    trainer = Trainer(cfg, fast=True)
    assert "CUDA" in trainer.fast_reason and not isinstance(trainer.runner, GraphedRunner)
    np.testing.assert_array_equal(run(trainer)[0], train(cfg)[0])
    assert "CPU" in fast_mode_support(cfg.with_style("numpy"))
    assert "adagrad" in fast_mode_support(cfg.replace(optimizer="adagrad"))
    assert "mistake" in fast_mode_support(cfg.replace(mistake="no-zero-grad"))
