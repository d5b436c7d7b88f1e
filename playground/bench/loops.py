"""The two loops section 1 and 5 compare: (a) the lesson's script, (b) the core as the window runs it.

Their ratio means something only if they do the same work: ``tests/test_bench.py``
checks that both produce the same losses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .common import Clock, sync

# numpy and torch are imported inside the functions: see common.py.
if TYPE_CHECKING:
    import numpy as np


# -- (a) the seed's loops ----------------------------------------------------------
def seed_loop(cfg: Any, steps: int, device: str = "cpu", sink: Any = None) -> tuple[Clock, list[float]]:
    """Train ``cfg`` for ``steps`` as the lesson's script does; return (clock, losses).

    The data and weights are drawn in the lesson's order after
    ``torch.manual_seed``; only the loop is timed.  With ``sink`` the loss is
    printed there every step, as the lesson does (on a GPU that is a sync per
    step); without it, ``loss.item()`` is kept in a list, which costs less.
    Supports the seed's configurations (no activation, sum loss, the style's
    own optimizer); anything else raises ValueError.
    """
    import numpy as np
    import torch

    style = cfg.style
    if (cfg.activation, cfg.loss, cfg.mistake, cfg.dtype) != ("none", "sum", "none", "float32") or (
        cfg.optimizer, cfg.bias
    ) != {"numpy": ("sgd-manual", False), "tensors": ("sgd-manual", False),
          "sequential": ("adam", True), "module": ("adam", False)}[style]:
        raise ValueError("seed_loop runs only the seed lesson's configurations")
    N, D_in, H, D_out, lr = cfg.N, cfg.D_in, cfg.H, cfg.D_out, cfg.lr
    losses: list[float] = []
    keep = losses.append
    torch.manual_seed(cfg.seed)
    if style == "numpy":
        x = torch.randn(N, D_in).numpy()
        y = torch.randn(N, D_out).numpy()
        w1 = torch.randn(D_in, H).numpy()
        w2 = torch.randn(H, D_out).numpy()
        clock = Clock()
        for t in range(steps):
            h = x.dot(w1)
            y_pred = h.dot(w2)
            loss = np.square(y_pred - y).sum()
            if sink is not None:
                print(t, loss, file=sink)
            keep(float(loss))
            grad_y_pred = 2.0 * (y_pred - y)
            grad_w2 = h.T.dot(grad_y_pred)
            grad_h = grad_y_pred.dot(w2.T)
            grad_w1 = x.T.dot(grad_h)
            w1 -= lr * grad_w1
            w2 -= lr * grad_w2
        return clock.stop(), losses
    x = torch.randn(N, D_in)
    y = torch.randn(N, D_out)
    if style == "tensors":
        w1 = torch.randn(D_in, H)
        w2 = torch.randn(H, D_out)
        x, y = x.to(device), y.to(device)
        w1 = w1.to(device).requires_grad_()
        w2 = w2.to(device).requires_grad_()
        sync(device)
        clock = Clock()
        for t in range(steps):
            y_pred = x.mm(w1).mm(w2)
            loss = (y_pred - y).pow(2).sum()
            if sink is not None:
                print(t, loss.item(), file=sink)
            else:
                keep(loss.item())
            loss.backward()
            with torch.no_grad():
                w1 -= lr * w1.grad
                w2 -= lr * w2.grad
                w1.grad.zero_()
                w2.grad.zero_()
        sync(device)
        return clock.stop(), losses
    if style == "sequential":
        model = torch.nn.Sequential(torch.nn.Linear(D_in, H), torch.nn.Linear(H, D_out))
    else:

        class TwoLayerNet(torch.nn.Module):
            def __init__(self, D_in: int, H: int, D_out: int) -> None:
                super().__init__()
                self.linear1 = torch.nn.Linear(D_in, H, bias=False)
                self.linear2 = torch.nn.Linear(H, D_out, bias=False)

            def forward(self, X: torch.Tensor) -> torch.Tensor:
                return self.linear2(self.linear1(X))

        model = TwoLayerNet(D_in, H, D_out)
    model = model.to(device)
    x, y = x.to(device), y.to(device)
    loss_fn = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    sync(device)
    clock = Clock()
    for t in range(steps):
        y_pred = model(x)
        loss = loss_fn(y_pred, y)
        if sink is not None:
            print(t, loss.item(), file=sink)
        else:
            keep(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    sync(device)
    return clock.stop(), losses


# -- (b) the core as the window runs it -------------------------------------------------
def core_loop(cfg: Any, steps: int, info: dict[str, Any] | None = None,
              **trainer_options: Any) -> tuple[Clock, np.ndarray]:
    """Train with :meth:`Trainer.batches` as the window's worker does; (clock, losses).

    ``info``, if given, receives whether fast mode ran (``fast_reason``, ``fallback``).
    """
    import numpy as np

    from ..core.loop import Trainer

    trainer = Trainer(cfg.replace(steps=steps), **trainer_options)
    chunks = []
    sync(trainer.device)
    clock = Clock()
    for batch in trainer.batches(batch_seconds=0.05):
        chunks.append(batch.losses)
        if batch.error:
            raise RuntimeError(f"the core's run failed: {batch.error}")
    sync(trainer.device)
    if info is not None:
        info["fast_reason"] = trainer.fast_reason
        info["fallback"] = getattr(trainer.runner, "fallback", None)
    return clock.stop(), np.concatenate(chunks)

