"""Opt-in fast mode: the training step replayed from CUDA graphs.

At the lesson's sizes a GPU step is launch-bound: a few dozen kernels of a few
microseconds each, every one launched from Python.  A CUDA graph records those
launches once and replays them with one call.  The step is recorded as two
graphs, the forward and backward pass and the update, so that the loop can read
the gradients between the two halves (the inspector's statistics) just as it
does eagerly.

Faithful by construction: the graphs record the runner's own
:meth:`forward_backward` and :meth:`update`, the lesson's statements in the
lesson's order, on the same tensors.  Recording needs a few eager warm-up
steps (lazy initialisation must happen outside a graph); every weight,
gradient and optimizer buffer is put back afterwards, in place, so the run
starts exactly where it was.  Optimizers that keep a step count (Adam, AdamW,
RMSprop) run in their *capturable* form, which keeps the count on the device:
their losses agree with the eager run to float rounding, not bit for bit.  A
new learning rate is baked into the recording, so it triggers a new one.

Off unless asked for (``Trainer(cfg, fast=True)``), CUDA only, and only where
:func:`fast_mode_support` says so; elsewhere, and if recording fails, the plain
runner trains and :attr:`GraphedRunner.fallback` says why.  The recording API
is injected (:class:`CudaGraphs` on a GPU), so the bookkeeping is tested on the
CPU with a stand-in that replays by running the step again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from .config import TrainConfig
from .machine import FAST_OPTIMIZERS, fast_mode_support  # noqa: F401 - also this module's API
from .models import Runner, TorchRunner
from .specs import OPTIMIZER_SPECS

#: Optimizers whose step can be recorded (those with a step count support ``capturable``).
_CAPTURABLE = tuple(name for name, spec in OPTIMIZER_SPECS.items() if spec.capturable)
WARMUP_STEPS = 3


class CudaGraphs:
    """Warm up on a side stream, record into CUDA graphs sharing one memory pool, replay."""

    capturable = True  # optimizers must keep their step count on the device

    def __init__(self) -> None:
        self.pool = torch.cuda.graph_pool_handle()

    def warm_up(self, step: Callable[[], None], times: int) -> None:
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(times):
                step()
        torch.cuda.current_stream().wait_stream(side)

    def record(self, fn: Callable[[], Any]) -> tuple[Callable[[], None], Any]:
        """(replay, output of ``fn`` as recorded: replay rewrites it in place)."""
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph, pool=self.pool):
            out = fn()
        return graph.replay, out


class GraphedRunner(Runner):
    """A :class:`TorchRunner` whose two half-steps replay recorded graphs."""

    def __init__(self, runner: TorchRunner, graphs: Any = None) -> None:
        self.inner = runner
        self.device = runner.device
        self.lr = runner.lr
        self._graphs_api = graphs
        self._recorded: tuple[Callable[[], None], Callable[[], None], torch.Tensor] | None = None
        #: Why the eager runner is used instead (None while recording works).
        self.fallback: str | None = None

    # -- recording -----------------------------------------------------------------------
    def _record(self) -> None:
        inner = self.inner
        api = self._graphs_api if self._graphs_api is not None else CudaGraphs()
        self._graphs_api = api
        saved = self.snapshot()
        try:
            if api.capturable and inner.optimizer is not None and inner.cfg.optimizer in _CAPTURABLE:
                for group in inner.optimizer.param_groups:
                    group["capturable"] = True
            api.warm_up(lambda: (inner.forward_backward(), inner.update()), WARMUP_STEPS)
            self.restore(saved)
            replay_fb, loss = api.record(inner.forward_backward)
            replay_update, _ = api.record(inner.update)
        except Exception as exc:  # noqa: BLE001 - fall back to the eager step, never lose the run
            self.fallback = f"recording failed ({type(exc).__name__}: {exc}); training eagerly"
            self._recorded = None
            self.restore(saved)
            return
        self.restore(saved)  # recording ran nothing on a GPU; a stand-in may have: undo either way
        self._recorded = (replay_fb, replay_update, loss)

    # -- the two halves ----------------------------------------------------------------------
    def forward_backward(self) -> torch.Tensor:
        if self._recorded is None and self.fallback is None:
            self._record()
        if self._recorded is None:
            return self.inner.forward_backward()
        replay_fb, _, loss = self._recorded
        replay_fb()
        return loss.clone()  # the recorded loss is rewritten by the next replay

    def update(self) -> None:
        if self._recorded is None:
            self.inner.update()
        else:
            self._recorded[1]()

    # -- the rest of the Runner interface ------------------------------------------------------------
    def named_params(self) -> list[tuple[str, torch.Tensor]]:
        return self.inner.named_params()

    def named_grads(self) -> list[tuple[str, torch.Tensor | None]]:
        return self.inner.named_grads()

    def set_lr(self, lr: float) -> None:
        if lr != self.inner.lr:
            self._recorded = None  # the old rate is baked into the recording
        self.inner.set_lr(lr)
        self.lr = lr

    def losses_to_numpy(self, losses: list[Any]) -> Any:
        return self.inner.losses_to_numpy(losses)

    def snapshot(self) -> Any:
        """Copies of every weight, gradient and optimizer buffer, and the learning rate."""
        params = [p for _, p in self.inner.named_params()]
        opt = self.inner.optimizer
        state = []
        for p in params:
            s = opt.state.get(p, {}) if opt is not None else {}
            state.append({k: v.detach().clone() for k, v in s.items() if torch.is_tensor(v)})
        return ([p.detach().clone() for p in params],
                [None if p.grad is None else p.grad.detach().clone() for p in params],
                state, self.inner.lr)

    def restore(self, snap: Any) -> None:
        """Put ``snap`` back *into the same tensors* (a recording reads them by address).

        An optimizer buffer or gradient the snapshot did not have yet is zeroed:
        a fresh Adam state, SGD momentum buffer or gradient is zeros, and the
        first step treats both alike.
        """
        weights, grads, state, lr = snap
        params = [p for _, p in self.inner.named_params()]
        opt = self.inner.optimizer
        with torch.no_grad():
            for p, w, g, saved in zip(params, weights, grads, state, strict=True):
                p.copy_(w)
                if p.grad is not None:
                    p.grad.copy_(g) if g is not None else p.grad.zero_()
                elif g is not None:
                    p.grad = g.clone()
                if opt is not None:
                    for key, value in opt.state.get(p, {}).items():
                        if torch.is_tensor(value):
                            value.copy_(saved[key]) if key in saved else value.zero_()
        self.set_lr(lr)


def make_fast(runner: Runner, cfg: TrainConfig, graphs: Any = None) -> tuple[Runner, str | None]:
    """(runner to train with, None) in fast mode, or (the runner unchanged, why not)."""
    reason = fast_mode_support(cfg) if graphs is None else None
    if reason is None and not isinstance(runner, TorchRunner):
        reason = "only the torch styles can be recorded"
    if reason is None and runner.optimizer is not None and runner.optimizer.state:
        reason = "the optimizer has taken steps already; fast mode starts with a run"
    if reason is not None:
        return runner, reason
    return GraphedRunner(runner, graphs), None
