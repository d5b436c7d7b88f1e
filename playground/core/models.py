"""The four ways the lesson trains its two-layer network, one runner per style.

Each runner owns the data and the weights of one run and performs a training
step in two halves, so that the loop can read the gradients in between:

* :meth:`forward_backward` computes the prediction, the loss and the gradients
  (zeroing stale gradients first where the lesson's optimizer loop does), and
  returns the loss;
* :meth:`update` changes the weights (and zeroes the gradients afterwards where
  the lesson's manual loop does).

Together the two halves run exactly the statements of the lesson's script in
the lesson's order, so a run gives the same loss at every step as the script.
Random draws follow the lesson too: after ``torch.manual_seed(seed)``, ``x``,
then ``y``, then the weights.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from .config import TrainConfig
from .datasets import make_data
from .specs import ACTIVATION_SPECS, OPTIMIZER_SPECS

TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64}


def draw_data(cfg: TrainConfig) -> tuple[torch.Tensor, torch.Tensor]:
    """Seed the global generator and draw ``x`` then ``y`` on the CPU, as the lesson does."""
    torch.manual_seed(cfg.seed)
    dtype = TORCH_DTYPES[cfg.dtype]
    x = torch.randn(cfg.N, cfg.D_in, dtype=dtype)
    y = torch.randn(cfg.N, cfg.D_out, dtype=dtype)
    return x, y


def draw_weights(cfg: TrainConfig) -> tuple[torch.Tensor, torch.Tensor]:
    """The raw styles' ``w1`` then ``w2``: the lesson's ``randn``; on a real data set scaled by
    1/sqrt(fan-in), so the first outputs stay near 1 whatever the input size."""
    dtype = TORCH_DTYPES[cfg.dtype]
    w1 = torch.randn(cfg.D_in, cfg.H, dtype=dtype)
    w2 = torch.randn(cfg.H, cfg.D_out, dtype=dtype)
    if cfg.dataset != "random":
        w1 = w1 / math.sqrt(cfg.D_in)
        w2 = w2 / math.sqrt(cfg.H)
    return w1, w2


def make_optimizer(name: str, params: list[torch.Tensor], lr: float) -> torch.optim.Optimizer:
    """The ``torch.optim`` optimizer :data:`~playground.core.specs.OPTIMIZER_SPECS` describes."""
    spec = OPTIMIZER_SPECS.get(name)
    if spec is None:
        raise ValueError(f"no torch.optim optimizer for {name!r}")
    return getattr(torch.optim, spec.torch_class)(params, **spec.kwargs(lr))


TORCH_ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    name: getattr(torch, spec.function) for name, spec in ACTIVATION_SPECS.items()
}
ACTIVATION_MODULES: dict[str, type[torch.nn.Module]] = {
    name: getattr(torch.nn, spec.module) for name, spec in ACTIVATION_SPECS.items()
}


class TwoLayerNet(torch.nn.Module):
    """The lesson's ``nn.Module`` subclass (with an optional activation between layers)."""

    def __init__(
        self,
        D_in: int,
        H: int,
        D_out: int,
        bias: bool = False,
        activation: str = "none",
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        self.linear1 = torch.nn.Linear(D_in, H, bias=bias, dtype=dtype)
        self.linear2 = torch.nn.Linear(H, D_out, bias=bias, dtype=dtype)
        self.act = TORCH_ACTIVATIONS.get(activation)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        h = self.linear1(X)
        if self.act is not None:
            h = self.act(h)
        return self.linear2(h)


class Runner:
    """Common interface of the four styles (see the module docstring)."""

    device: str
    lr: float

    def forward_backward(self) -> Any:
        raise NotImplementedError

    def update(self) -> None:
        raise NotImplementedError

    def set_lr(self, lr: float) -> None:
        self.lr = lr

    def named_params(self) -> list[tuple[str, torch.Tensor]]:
        """Current weights as tensors (NumPy arrays are shared, not copied)."""
        raise NotImplementedError

    def named_grads(self) -> list[tuple[str, torch.Tensor | None]]:
        """Gradients of the last :meth:`forward_backward`, in parameter order."""
        raise NotImplementedError

    def snapshot(self) -> Any:
        raise NotImplementedError

    def restore(self, snap: Any) -> None:
        raise NotImplementedError

    #: The run's data (core/datasets.py), kept for the test set and the Prediction panel.
    data: Any = None

    def predict(self, x: Any) -> Any:
        """The network's output for the (standardised) inputs ``x``, without tracking gradients."""
        raise NotImplementedError

    #: The training outputs of the last :meth:`forward_backward` of a classifier (no copy).
    last_pred: Any = None

    def train_accuracy(self) -> Any:
        """Share of training samples the last :meth:`forward_backward` classified right (before
        that step's update, as its loss); a 0-d tensor on the device, or a float."""
        if isinstance(self.last_pred, np.ndarray):
            return float((self.last_pred.argmax(axis=1) == self.y).mean())
        return (self.last_pred.argmax(1) == self.y).float().mean()

    def evaluate(self, x: Any, y: Any) -> Any:
        """[loss, accuracy] of the current weights on ``x``, ``y`` (accuracy NaN for a regression),
        computed as the exported script computes them; stays on the device."""
        raise NotImplementedError

    def losses_to_numpy(self, losses: list[Any]) -> np.ndarray:
        raise NotImplementedError

    def grad_norms(self) -> Any:
        """The L2 norm of each gradient of the last :meth:`forward_backward`, in parameter
        order: one tensor on the device, so taking it forces no host sync."""
        return torch.stack([torch.linalg.vector_norm(g.detach()) for _, g in self.named_grads()])

    def norms_to_numpy(self, norms: list[Any]) -> np.ndarray:
        """:meth:`grad_norms` results as a (samples, parameters) float64 array (one sync); the
        loop hands NumPy rows on the CPU (see ``Trainer._on_host``)."""
        if not norms:
            return np.empty((0, 0), dtype=np.float64)
        if isinstance(norms[0], np.ndarray):
            return np.stack(norms).astype(np.float64)
        return torch.stack(norms).to("cpu", torch.float64).numpy()


class TorchRunner(Runner):
    """Shared machinery of the three torch styles."""

    def __init__(self, cfg: TrainConfig, device: str) -> None:
        self.cfg = cfg
        self.device = device
        self.lr = cfg.lr
        self.manual = cfg.optimizer == "sgd-manual"
        self.zero_grads = cfg.mistake != "no-zero-grad"
        self.guard_update = cfg.mistake != "update-outside-no-grad"
        self.optimizer: torch.optim.Optimizer | None = None

    def _params(self) -> list[torch.Tensor]:
        return [p for _, p in self.named_params()]

    def _take_data(self, cfg: TrainConfig, device: str) -> tuple[torch.Tensor, torch.Tensor]:
        """Make the data (the lesson's draws for random data) and move the test set to ``device``."""
        self.data = data = make_data(cfg)
        self.ce = cfg.loss == "cross-entropy"
        self.x_test = self.y_test = None
        if data.x_test is not None:
            self.x_test, self.y_test = data.x_test.to(device), data.y_test.to(device)
        return data.x, data.y

    def _loss(self, y_pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        if self.ce:
            return torch.nn.functional.cross_entropy(y_pred, y)
        sq = (y_pred - y).pow(2)
        return sq.mean() if self.cfg.loss == "mean" else sq.sum()

    def evaluate(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            y_pred = self.predict(x)
            loss = self._loss(y_pred, y)
            if self.ce:
                acc = (y_pred.argmax(1) == y).float().mean()
            else:
                acc = torch.full((), math.nan, device=loss.device)
            return torch.stack([loss, acc.to(loss.dtype)])  # float64 only on the host (MPS has none)

    def named_grads(self) -> list[tuple[str, torch.Tensor | None]]:
        return [(n, p.grad) for n, p in self.named_params()]

    def set_lr(self, lr: float) -> None:
        self.lr = lr
        if self.optimizer is not None:
            for group in self.optimizer.param_groups:
                group["lr"] = lr

    def _manual_update(self) -> None:
        """``w -= lr * w.grad`` for every weight, then ``w.grad.zero_()``."""
        params = self._params()
        if self.guard_update:
            with torch.no_grad():
                for p in params:
                    p -= self.lr * p.grad
        else:
            for p in params:  # the mistake: autograd refuses an in-place change of a leaf
                p -= self.lr * p.grad
        if self.zero_grads:
            for p in params:
                p.grad.zero_()

    def snapshot(self) -> Any:
        weights = [p.detach().clone() for p in self._params()]
        opt = copy.deepcopy(self.optimizer.state_dict()) if self.optimizer is not None else None
        grads = [None if p.grad is None else p.grad.detach().clone() for p in self._params()]
        return weights, grads, opt, self.lr

    def restore(self, snap: Any) -> None:
        weights, grads, opt, lr = snap
        with torch.no_grad():
            for p, w, g in zip(self._params(), weights, grads, strict=True):
                p.copy_(w)
                p.grad = None if g is None else g.clone()
        if opt is not None and self.optimizer is not None:
            self.optimizer.load_state_dict(copy.deepcopy(opt))
        self.set_lr(lr)

    def losses_to_numpy(self, losses: list[Any]) -> np.ndarray:
        """The batch's losses as float64: tensors on a device (one sync), floats on the CPU."""
        if not losses:
            return np.empty(0, dtype=np.float64)
        if isinstance(losses[0], float):
            return np.asarray(losses, dtype=np.float64)
        return torch.stack(losses).to("cpu", torch.float64).numpy()


class TensorsRunner(TorchRunner):
    """Raw tensors with ``requires_grad``: ``x.mm(w1).mm(w2)`` and autograd."""

    def __init__(self, cfg: TrainConfig, device: str) -> None:
        super().__init__(cfg, device)
        dtype = TORCH_DTYPES[cfg.dtype]
        x, y = self._take_data(cfg, device)
        w1, w2 = draw_weights(cfg)
        self.x, self.y = x.to(device), y.to(device)
        self.w1 = w1.to(device).requires_grad_()
        self.w2 = w2.to(device).requires_grad_()
        self.b1 = self.b2 = None
        if cfg.bias:
            self.b1 = torch.zeros(cfg.H, dtype=dtype, device=device, requires_grad=True)
            self.b2 = torch.zeros(cfg.D_out, dtype=dtype, device=device, requires_grad=True)
        self.act = TORCH_ACTIVATIONS.get(cfg.activation)
        self.mean = cfg.loss == "mean"
        if not self.manual:
            self.optimizer = make_optimizer(cfg.optimizer, self._params(), cfg.lr)

    def named_params(self) -> list[tuple[str, torch.Tensor]]:
        out = [("w1", self.w1), ("w2", self.w2)]
        if self.b1 is not None and self.b2 is not None:
            out += [("b1", self.b1), ("b2", self.b2)]
        return out

    def predict(self, x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return self._forward(x)

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x.mm(self.w1)
        if self.b1 is not None:
            h = h + self.b1
        if self.act is not None:
            h = self.act(h)
        y_pred = h.mm(self.w2)
        if self.b2 is not None:
            y_pred = y_pred + self.b2
        return y_pred

    def forward_backward(self) -> torch.Tensor:
        y_pred = self._forward(self.x)
        loss = self._loss(y_pred, self.y)
        if self.ce:
            self.last_pred = y_pred.detach()
        if self.optimizer is not None and self.zero_grads:
            self.optimizer.zero_grad()
        loss.backward()
        return loss.detach()

    def update(self) -> None:
        if self.optimizer is None:
            self._manual_update()
        else:
            self.optimizer.step()


class ModelRunner(TorchRunner):
    """``nn.Sequential`` or the ``nn.Module`` subclass, with ``MSELoss``."""

    def __init__(self, cfg: TrainConfig, device: str) -> None:
        super().__init__(cfg, device)
        dtype = TORCH_DTYPES[cfg.dtype]
        x, y = self._take_data(cfg, device)
        if cfg.style == "sequential":
            layers: list[torch.nn.Module] = [torch.nn.Linear(cfg.D_in, cfg.H, bias=cfg.bias, dtype=dtype)]
            if cfg.activation != "none":
                layers.append(ACTIVATION_MODULES[cfg.activation]())
            layers.append(torch.nn.Linear(cfg.H, cfg.D_out, bias=cfg.bias, dtype=dtype))
            model: torch.nn.Module = torch.nn.Sequential(*layers)
        else:
            model = TwoLayerNet(cfg.D_in, cfg.H, cfg.D_out, cfg.bias, cfg.activation, dtype)
        self.model = model.to(device)
        self.x, self.y = x.to(device), y.to(device)
        self.loss_fn = torch.nn.CrossEntropyLoss() if self.ce else torch.nn.MSELoss(reduction=cfg.loss)
        self._named = list(self.model.named_parameters())
        if not self.manual:
            self.optimizer = make_optimizer(cfg.optimizer, list(self.model.parameters()), cfg.lr)

    def named_params(self) -> list[tuple[str, torch.Tensor]]:
        return self._named

    def predict(self, x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return self.model(x)

    def _loss(self, y_pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.loss_fn(y_pred, y)

    def forward_backward(self) -> torch.Tensor:
        y_pred = self.model(self.x)
        loss = self.loss_fn(y_pred, self.y)
        if self.ce:
            self.last_pred = y_pred.detach()
        if self.optimizer is not None and self.zero_grads:
            self.optimizer.zero_grad()
        loss.backward()
        return loss.detach()

    def update(self) -> None:
        if self.optimizer is None:
            self._manual_update()
        else:
            self.optimizer.step()


def _np_activation(name: str) -> tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray, np.ndarray], np.ndarray]]:
    """(f, df) where df(h, f(h)) is the derivative at h, for the NumPy style."""
    if name == "relu":
        return (lambda h: np.maximum(h, 0)), (lambda h, a: (h > 0).astype(h.dtype))
    if name == "tanh":
        return np.tanh, (lambda h, a: 1 - a * a)
    if name == "sigmoid":
        return (lambda h: 1 / (1 + np.exp(-h))), (lambda h, a: a * (1 - a))
    return (lambda h: h), (lambda h, a: np.ones_like(h))


def _np_cross_entropy(y_pred: np.ndarray, y: np.ndarray, grads: bool) -> tuple[Any, np.ndarray | None]:
    """Softmax cross-entropy by hand (a stable log-softmax) and, when ``grads``, its gradient
    by ``y_pred``: softmax minus the one-hot target, over the number of samples."""
    z = y_pred - y_pred.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    rows = np.arange(len(y))
    loss = -log_p[rows, y].mean()
    if not grads:
        return loss, None
    grad = np.exp(log_p)
    grad[rows, y] -= 1
    return loss, grad / len(y)


class NumpyRunner(Runner):
    """The network by hand in NumPy: forward and backward passes written out."""

    device = "cpu"

    def __init__(self, cfg: TrainConfig, device: str = "cpu") -> None:
        self.cfg = cfg
        self.lr = cfg.lr
        self.data = data = make_data(cfg)
        x, y = data.x, data.y
        self.ce = cfg.loss == "cross-entropy"
        self.x_test = None if data.x_test is None else data.x_test.numpy()
        self.y_test = None if data.y_test is None else data.y_test.numpy()
        w1, w2 = draw_weights(cfg)
        self.x, self.y = x.numpy(), y.numpy()
        self.params: dict[str, np.ndarray] = {"w1": w1.numpy(), "w2": w2.numpy()}
        if cfg.bias:
            self.params["b1"] = np.zeros(cfg.H, dtype=self.x.dtype)
            self.params["b2"] = np.zeros(cfg.D_out, dtype=self.x.dtype)
        self.act, self.dact = _np_activation(cfg.activation)
        self.mean = cfg.loss == "mean"
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, params: dict[str, np.ndarray], x: np.ndarray | None = None,
                y: np.ndarray | None = None) -> tuple[float, dict[str, np.ndarray]]:
        """Loss and the intermediate values the backward pass needs (on the training data by default)."""
        x = self.x if x is None else x
        y = self.y if y is None else y
        h = x.dot(params["w1"])
        if "b1" in params:
            h = h + params["b1"]
        h_act = self.act(h)
        y_pred = h_act.dot(params["w2"])
        if "b2" in params:
            y_pred = y_pred + params["b2"]
        if self.ce:
            loss, grad = _np_cross_entropy(y_pred, y, True)
            return float(loss), {"h": h, "h_act": h_act, "grad_y_pred": grad, "y_pred": y_pred}
        diff = y_pred - y
        loss = np.square(diff).mean() if self.mean else np.square(diff).sum()
        return float(loss), {"h": h, "h_act": h_act, "diff": diff, "y_pred": y_pred}

    def backward(self, params: dict[str, np.ndarray], cache: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Gradients of the loss by the chain rule, written out by hand."""
        if self.ce:
            grad_y_pred = cache["grad_y_pred"]
        else:
            diff = cache["diff"]
            grad_y_pred = 2.0 * diff
            if self.mean:
                grad_y_pred = grad_y_pred / diff.size
        grads = {"w2": cache["h_act"].T.dot(grad_y_pred)}
        grad_h_act = grad_y_pred.dot(params["w2"].T)
        grad_h = grad_h_act * self.dact(cache["h"], cache["h_act"])
        grads["w1"] = self.x.T.dot(grad_h)
        if "b1" in params:
            grads["b1"] = grad_h.sum(axis=0)
            grads["b2"] = grad_y_pred.sum(axis=0)
        return {name: grads[name] for name in params}

    def forward_backward(self) -> float:
        # A diverging run overflows on purpose: report it through the loss, not warnings.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            loss, cache = self.forward(self.params)
            self.grads = self.backward(self.params, cache)
        if self.ce:
            self.last_pred = cache["y_pred"]
        return loss

    def update(self) -> None:
        with np.errstate(over="ignore", invalid="ignore"):
            for name, w in self.params.items():
                w -= self.lr * self.grads[name]

    def named_params(self) -> list[tuple[str, torch.Tensor]]:
        return [(n, torch.from_numpy(w)) for n, w in self.params.items()]

    def predict(self, x: Any) -> np.ndarray:
        x = x.numpy() if isinstance(x, torch.Tensor) else x
        with np.errstate(over="ignore", invalid="ignore"):
            h = x.dot(self.params["w1"])
            if "b1" in self.params:
                h = h + self.params["b1"]
            y_pred = self.act(h).dot(self.params["w2"])
            return y_pred + self.params["b2"] if "b2" in self.params else y_pred

    def evaluate(self, x: Any, y: Any) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            y_pred = self.predict(x)
            if self.ce:
                loss = float(_np_cross_entropy(y_pred, y, False)[0])
                acc = float((y_pred.argmax(axis=1) == y).mean())
            else:
                sq = np.square(y_pred - y)
                loss, acc = float(sq.mean() if self.mean else sq.sum()), math.nan
        return np.array([loss, acc], dtype=np.float64)

    def named_grads(self) -> list[tuple[str, torch.Tensor | None]]:
        return [(n, torch.from_numpy(self.grads[n]) if n in self.grads else None) for n in self.params]

    def snapshot(self) -> Any:
        return {n: w.copy() for n, w in self.params.items()}, dict(self.grads), self.lr

    def restore(self, snap: Any) -> None:
        weights, grads, lr = snap
        for n, w in weights.items():
            self.params[n][...] = w
        self.grads = dict(grads)
        self.lr = lr

    def losses_to_numpy(self, losses: list[Any]) -> np.ndarray:
        return np.asarray(losses, dtype=np.float64)

    def grad_norms(self) -> Any:
        with np.errstate(over="ignore", invalid="ignore"):
            return np.array([np.linalg.norm(self.grads[n]) for n in self.params], dtype=np.float64)

    def norms_to_numpy(self, norms: list[Any]) -> np.ndarray:
        if not norms:
            return np.empty((0, 0), dtype=np.float64)
        return np.stack(norms).astype(np.float64, copy=False)


def build_runner(cfg: TrainConfig, device: str | None = None) -> Runner:
    """Draw the data and weights for ``cfg`` and return the style's runner."""
    device = device or cfg.resolved_device()
    if cfg.style == "numpy":
        return NumpyRunner(cfg)
    if cfg.style == "tensors":
        return TensorsRunner(cfg, device)
    return ModelRunner(cfg, device)
