"""One training step, one line at a time: the lesson's hand-written pass beside autograd.

:func:`step_through` takes a :class:`~playground.core.config.TrainConfig`, builds the
style's runner exactly as a run does (same data, same weights: the app's own
:func:`~playground.core.models.build_runner`) and walks through the first training
step the way the lesson's NumPy script writes it:

* forward: ``h``, the activation (``h_relu``, ``h_tanh`` or ``h_sigmoid``, when there
  is one), ``y_pred``, ``loss``;
* backward: ``grad_y_pred``, ``grad_w2`` (and ``grad_b2``), ``grad_h_relu`` (when there
  is an activation), ``grad_h``, ``grad_w1`` (and ``grad_b1``);
* the update: ``w1``, ``w2`` (and ``b1``, ``b2``) after the step.

Every stage's :attr:`Stage.value` is computed by hand in NumPy, in the run's dtype;
beside it, :attr:`Stage.reference` is what PyTorch computed for the same tensor in the
chosen style: autograd's gradient for the backward stages (intermediate tensors keep
theirs with ``retain_grad``), the style's forward values, and the weights after the
style's own update (the lesson's ``w -= lr * grad``, or ``optimizer.step()``).  The
NumPy style has no autograd of its own: its reference is the raw-tensor computation on
the same numbers.

Weights are written the lesson's way round, ``w1`` of shape ``(D_in, H)``; an
``nn.Linear`` keeps its weight as ``(H, D_in)``, so the nn styles' ``w1`` is
``linear1.weight.T``.  Everything runs on the CPU and leaves torch's global random
generator as it was.  Results are plain NumPy and strings (picklable).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .config import TrainConfig
from .specs import ACTIVATION_SPECS

#: The "small" configuration a student can read entry by entry.
SMALL_SIZES = {"N": 4, "D_in": 3, "H": 5, "D_out": 2}

PARTS = ("forward", "backward", "update")

#: Adam's, RMSprop's and Adagrad's eps as torch.optim uses them by default.
ADAM_EPS = 1e-8
RMSPROP_ALPHA = 0.99
RMSPROP_EPS = 1e-8
ADAGRAD_EPS = 1e-10
ADAMW_DECAY = 0.01


def small_config(cfg: TrainConfig | None = None) -> TrainConfig:
    """``cfg`` (default: the lesson's) with the small sizes N=4, D_in=3, H=5, D_out=2.

    The learning rate is kept: a step-through shows one step, and every value in it
    is readable at these sizes whatever the rate.
    """
    cfg = cfg or TrainConfig()
    changes: dict[str, Any] = dict(SMALL_SIZES)
    if getattr(cfg, "test_fraction", None):
        changes["test_fraction"] = 0.0  # four samples: all of them train
    return cfg.replace(**changes)


@dataclass(frozen=True)
class Stage:
    """One line of the step: its value by hand and what torch computed for it."""

    #: The lesson's variable name: "h", "grad_w1", "w1" (after the update) ...
    name: str
    #: "forward", "backward" or "update".
    part: str
    #: The line of the lesson's NumPy script that computes it.
    code: str
    #: What the line does, in words.
    words: str
    #: The formula in symbols (the chain rule as the lesson writes it).
    symbols: str
    #: The value computed by hand in NumPy.
    value: np.ndarray
    #: The same tensor from torch in the configured style (None when torch has none).
    reference: np.ndarray | None
    #: What :attr:`reference` is, as code: "w1.grad", "h.grad", "model[0].weight.grad.T" ...
    reference_code: str
    #: "autograd" for gradients, "torch" for forward values and updates, "" for none.
    reference_kind: str
    #: Largest |value - reference| (None without a reference; nan when either is not finite).
    max_abs_diff: float | None
    #: A remark on this stage (an optimizer's first step, a mistake that raises ...).
    note: str = ""

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.value.shape)

    @property
    def is_gradient(self) -> bool:
        return self.part == "backward"

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: arrays as nested lists (a scalar as a number)."""
        out: dict[str, Any] = {
            "name": self.name,
            "part": self.part,
            "code": self.code,
            "words": self.words,
            "formula": self.symbols,
            "shape": list(self.shape),
            "value": _plain(self.value),
        }
        if self.reference is not None:
            key = "autograd" if self.reference_kind == "autograd" else "torch"
            out[key] = _plain(self.reference)
            out[f"{key}_code"] = self.reference_code
            out["max_abs_diff"] = self.max_abs_diff
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class StepThrough:
    """The inputs of one training step and its stages in order."""

    config: TrainConfig
    #: x, y, w1, w2 (and b1, b2) exactly as the step starts, the lesson's way round.
    inputs: dict[str, np.ndarray]
    stages: tuple[Stage, ...]

    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    def stage(self, name: str) -> Stage:
        for s in self.stages:
            if s.name == name:
                return s
        raise KeyError(name)

    def code_lines(self) -> list[str]:
        """The step as the lesson's NumPy script writes it: one line per stage."""
        return [s.code for s in self.stages]

    def largest_gradient_difference(self) -> float:
        """The largest |hand - autograd| over every gradient (nan when one is not finite)."""
        diffs = [s.max_abs_diff for s in self.stages if s.is_gradient and s.max_abs_diff is not None]
        return max(diffs, default=0.0) if all(math.isfinite(d) for d in diffs) else math.nan

    def to_dict(self) -> dict[str, Any]:
        return {
            "config": self.config.to_dict(),
            "dtype": self.config.dtype,
            "lr": self.config.lr,
            "inputs": {k: _plain(v) for k, v in self.inputs.items()},
            "stages": [s.to_dict() for s in self.stages],
        }


def _plain(a: np.ndarray) -> Any:
    """A NumPy array as nested lists of Python floats (0-d: a float; class numbers stay whole)."""
    a = np.asarray(a)
    if a.dtype.kind in "iub":
        return a.tolist()
    return a.astype(np.float64).tolist()


def _max_abs_diff(a: np.ndarray, b: np.ndarray | None) -> float | None:
    if b is None:
        return None
    a64, b64 = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a64.shape != b64.shape:
        raise ValueError(f"shapes differ: {a64.shape} and {b64.shape}")
    if not (np.isfinite(a64).all() and np.isfinite(b64).all()):
        return math.nan
    return float(np.max(np.abs(a64 - b64))) if a64.size else 0.0


# -- the hand-written pass ---------------------------------------------------------------
_ACT_CODE = {  # the code as the exported NumPy script writes it, words, symbols
    name: (f"h_{name} = {ACTIVATION_SPECS[name].numpy.format('h')}", words, symbols)
    for name, words, symbols in (
        ("relu", "ReLU: the negative entries of h become 0", "h_relu = max(h, 0)"),
        ("tanh", "tanh squashes every entry of h into (-1, 1)", "h_tanh = tanh(h)"),
        ("sigmoid", "the sigmoid squashes every entry of h into (0, 1)", "h_sigmoid = σ(h) = 1 / (1 + e^(-h))"),
    )
}
_ACT_GRAD = {
    "relu": ("grad_h = grad_h_relu * (h > 0)",
             "ReLU lets the gradient through where h > 0 and stops it elsewhere",
             "∂L/∂h = ∂L/∂h_relu ⊙ [h > 0]"),
    "tanh": ("grad_h = grad_h_tanh * (1 - h_tanh * h_tanh)",
             "tanh's slope is 1 - tanh²: the gradient shrinks where tanh is near ±1",
             "∂L/∂h = ∂L/∂h_tanh ⊙ (1 - h_tanh²)"),
    "sigmoid": ("grad_h = grad_h_sigmoid * (h_sigmoid * (1 - h_sigmoid))",
                "the sigmoid's slope is σ(1 - σ), at most 1/4: the gradient shrinks",
                "∂L/∂h = ∂L/∂h_sigmoid ⊙ σ(h)(1 - σ(h))"),
}


def _np_act(name: str, h: np.ndarray) -> np.ndarray:
    if name == "relu":
        return np.maximum(h, 0)
    if name == "tanh":
        return np.tanh(h)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-h))
    return h


def _np_act_grad(name: str, grad_act: np.ndarray, h: np.ndarray, h_act: np.ndarray) -> np.ndarray:
    if name == "relu":
        return grad_act * (h > 0)
    if name == "tanh":
        return grad_act * (1 - h_act * h_act)
    if name == "sigmoid":
        return grad_act * (h_act * (1 - h_act))
    return grad_act


def _update_line(cfg: TrainConfig, w: str) -> tuple[str, str, str, str]:
    """(code, words, symbols, note) of the first update of ``w`` with ``cfg.optimizer``."""
    g = f"grad_{w}"
    opt = cfg.optimizer
    if opt in ("sgd-manual", "sgd"):
        return (f"{w} -= lr * {g}", "one step of gradient descent: against the gradient, lr times its size",
                f"{w} ← {w} - lr · ∂L/∂{w}", "")
    if opt == "momentum":
        return (f"{w} -= lr * {g}", "SGD with momentum: on the first step the velocity is the gradient itself",
                f"{w} ← {w} - lr · v,  v = ∂L/∂{w} on the first step",
                "The first step of momentum is plain gradient descent; later steps add 0.9 of the last one.")
    if opt == "adam":
        return (f"{w} -= lr * {g} / (np.abs({g}) + 1e-8)",
                "Adam's first step: each weight moves by about lr, in the direction against its gradient",
                f"{w} ← {w} - lr · m̂ / (√v̂ + ε),  m̂ = g, v̂ = g² on the first step",
                "Adam's running averages are bias-corrected, so its first step is lr · sign(g).")
    if opt == "adamw":
        return (f"{w} = {w} * (1 - lr * 0.01) - lr * {g} / (np.abs({g}) + 1e-8)",
                "AdamW's first step: weight decay shrinks the weights, then Adam's step of about lr",
                f"{w} ← {w}(1 - lr·λ) - lr · m̂ / (√v̂ + ε),  λ = 0.01",
                "AdamW decays the weights directly, then steps like Adam.")
    if opt == "rmsprop":
        return (f"{w} -= lr * {g} / (np.sqrt(0.01 * {g} ** 2) + 1e-8)",
                "RMSprop's first step: the gradient divided by the root of its running mean square",
                f"{w} ← {w} - lr · g / (√v + ε),  v = (1 - 0.99) g² on the first step",
                "RMSprop's average starts at 0, so its first step is about 10 · lr.")
    return (f"{w} -= lr * {g} / (np.sqrt({g} ** 2) + 1e-10)",
            "Adagrad's first step: the gradient divided by the root of its sum of squares so far",
            f"{w} ← {w} - lr · g / (√Σg² + ε)",
            "Adagrad's sum starts at 0, so its first step is lr · sign(g).")


def _np_update(cfg: TrainConfig, w: np.ndarray, g: np.ndarray) -> np.ndarray:
    lr = cfg.lr
    opt = cfg.optimizer
    if opt in ("sgd-manual", "sgd", "momentum"):
        return w - lr * g
    if opt == "adam":
        return w - lr * g / (np.abs(g) + ADAM_EPS)
    if opt == "adamw":
        return w * (1 - lr * ADAMW_DECAY) - lr * g / (np.abs(g) + ADAM_EPS)
    if opt == "rmsprop":
        return w - lr * g / (np.sqrt((1 - RMSPROP_ALPHA) * g * g) + RMSPROP_EPS)
    return w - lr * g / (np.sqrt(g * g) + ADAGRAD_EPS)


def hand_pass(cfg: TrainConfig, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every stage's value, by hand in NumPy, from ``inputs`` (x, y, w1, w2, b1, b2)."""
    x, y, w1, w2 = inputs["x"], inputs["y"], inputs["w1"], inputs["w2"]
    bias = "b1" in inputs
    act = cfg.activation
    a = f"h_{act}"
    out: dict[str, np.ndarray] = {}
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        h = x.dot(w1)
        if bias:
            h = h + inputs["b1"]
        out["h"] = h
        h_act = _np_act(act, h)
        if act != "none":
            out[a] = h_act
        y_pred = h_act.dot(w2)
        if bias:
            y_pred = y_pred + inputs["b2"]
        out["y_pred"] = y_pred
        if cfg.loss == "cross-entropy":  # y holds class numbers; y_pred are the scores (logits)
            z = y_pred - y_pred.max(axis=1, keepdims=True)
            log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))  # log-softmax: no log(0)
            p = np.exp(log_p)
            rows = np.arange(len(y))
            out["loss"] = np.asarray(-log_p[rows, y].mean())
            grad_y_pred = p.copy()
            grad_y_pred[rows, y] -= 1
            grad_y_pred = grad_y_pred / len(y)
        else:
            diff = y_pred - y
            out["loss"] = np.asarray(np.square(diff).mean() if cfg.loss == "mean" else np.square(diff).sum())
            grad_y_pred = 2.0 * diff
            if cfg.loss == "mean":
                grad_y_pred = grad_y_pred / diff.size
        out["grad_y_pred"] = grad_y_pred
        out["grad_w2"] = h_act.T.dot(grad_y_pred)
        if bias:
            out["grad_b2"] = grad_y_pred.sum(axis=0)
        grad_act = grad_y_pred.dot(w2.T)
        if act != "none":
            out[f"grad_{a}"] = grad_act
        grad_h = _np_act_grad(act, grad_act, h, h_act)
        out["grad_h"] = grad_h
        out["grad_w1"] = x.T.dot(grad_h)
        if bias:
            out["grad_b1"] = grad_h.sum(axis=0)
        for w in ("w1", "w2", "b1", "b2"):
            if w in inputs:
                out[f"new_{w}"] = _np_update(cfg, inputs[w], out[f"grad_{w}"]).astype(inputs[w].dtype)
    return out


# -- what torch computes in the style -------------------------------------------------------
def _np(t: Any) -> np.ndarray:
    return t.detach().to("cpu").numpy().copy()


def _torch_pass(cfg: TrainConfig) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, str], str]:
    """(inputs, torch's values by stage name, the code of each value, the update's note).

    The runner is the one a run builds; its first step is taken here with every
    intermediate tensor's gradient kept, then its own update.
    """
    import torch

    from .models import ModelRunner, NumpyRunner, TensorsRunner, build_runner

    runner = build_runner(cfg, "cpu")
    act = cfg.activation
    a = f"h_{act}"
    ref: dict[str, np.ndarray] = {}
    codes: dict[str, str] = {}
    if isinstance(runner, NumpyRunner):
        inputs = {"x": runner.x.copy(), "y": runner.y.copy()}
        inputs.update({n: w.copy() for n, w in runner.params.items()})
        leaves = {n: torch.tensor(v, requires_grad=n not in ("x", "y")) for n, v in inputs.items()}
        x, y = leaves["x"], leaves["y"]
        params = {n: leaves[n] for n in runner.params}
        names = dict.fromkeys(params, "")
    elif isinstance(runner, TensorsRunner):
        x, y = runner.x, runner.y
        params = dict(runner.named_params())
        inputs = {"x": _np(x), "y": _np(y)}
        inputs.update({n: _np(p) for n, p in params.items()})
        names = dict.fromkeys(params, "")
    else:
        assert isinstance(runner, ModelRunner)
        x, y = runner.x, runner.y
        model = runner.model
        lin1, lin2 = (model[0], model[-1]) if cfg.style == "sequential" else (model.linear1, model.linear2)
        p1, p2 = ("model[0]", f"model[{len(model) - 1}]") if cfg.style == "sequential" else (
            "model.linear1", "model.linear2")
        params = {"w1": lin1.weight, "w2": lin2.weight}
        names = {"w1": f"{p1}.weight", "w2": f"{p2}.weight"}
        if cfg.bias:
            params.update(b1=lin1.bias, b2=lin2.bias)
            names.update(b1=f"{p1}.bias", b2=f"{p2}.bias")
        inputs = {"x": _np(x), "y": _np(y)}
        inputs.update({n: _np(p.T if n.startswith("w") else p) for n, p in params.items()})

    kept: dict[str, Any] = {}
    if isinstance(runner, ModelRunner):
        def after_linear1(_mod: Any, _args: Any, output: Any) -> None:
            output.retain_grad()
            kept["h"] = output

        def before_linear2(_mod: Any, args: Any) -> None:
            if args[0] is not kept.get("h"):
                args[0].retain_grad()
            kept["h_act"] = args[0]

        hooks = [lin1.register_forward_hook(after_linear1), lin2.register_forward_pre_hook(before_linear2)]
        try:
            y_pred = runner.model(x)
        finally:
            for hk in hooks:
                hk.remove()
        y_pred.retain_grad()
        loss = runner.loss_fn(y_pred, y)
        h, h_act = kept["h"], kept["h_act"]
        codes.update(h=f"{p1}(x)", y_pred="model(x)", loss="loss_fn(y_pred, y)")
        if act != "none":
            codes[a] = f"input of {p2}"
    else:
        from .models import TORCH_ACTIVATIONS

        h = x.mm(params["w1"])
        if "b1" in params:
            h = h + params["b1"]
        h.retain_grad()
        fn = TORCH_ACTIVATIONS.get(act)
        h_act = fn(h) if fn is not None else h
        if fn is not None:
            h_act.retain_grad()
        y_pred = h_act.mm(params["w2"])
        if "b2" in params:
            y_pred = y_pred + params["b2"]
        y_pred.retain_grad()
        if cfg.loss == "cross-entropy":
            loss = torch.nn.functional.cross_entropy(y_pred, y)
        else:
            sq = (y_pred - y).pow(2)
            loss = sq.mean() if cfg.loss == "mean" else sq.sum()
        codes.update(h="x.mm(w1)" + (" + b1" if "b1" in params else ""),
                     y_pred=f"{'h' if act == 'none' else a}.mm(w2)" + (" + b2" if "b2" in params else ""),
                     loss="F.cross_entropy(y_pred, y)" if cfg.loss == "cross-entropy"
                     else f"(y_pred - y).pow(2).{cfg.loss}()")
        if act != "none":
            codes[a] = f"torch.{act}(h)"
    loss.backward()
    ref["h"], ref["y_pred"], ref["loss"] = _np(h), _np(y_pred), _np(loss)
    ref["grad_y_pred"], ref["grad_h"] = _np(y_pred.grad), _np(h.grad)
    codes.update(grad_y_pred="y_pred.grad", grad_h="h.grad")
    if act != "none":
        ref[a], ref[f"grad_{a}"] = _np(h_act), _np(h_act.grad)
        codes[f"grad_{a}"] = f"{a}.grad" if not isinstance(runner, ModelRunner) else f"grad of {codes[a]}"
    for n, p in params.items():
        orient = (lambda t: t.T) if names[n] and n.startswith("w") else (lambda t: t)
        ref[f"grad_{n}"] = _np(orient(p.grad))
        codes[f"grad_{n}"] = f"{names[n] or n}.grad" + (".T" if names[n] and n.startswith("w") else "")
    note = ""
    try:
        if isinstance(runner, NumpyRunner):
            # The style's own update, from the hand-written gradients.
            runner.forward_backward()
            runner.update()
            after = {n: w.copy() for n, w in runner.params.items()}
            upd_code = "NumpyRunner's update"
        else:
            runner.update()
            after = {n: _np(p.T if names[n] and n.startswith("w") else p) for n, p in params.items()}
            upd_code = "optimizer.step()" if runner.optimizer is not None else "w -= lr * w.grad"
        for n, w in after.items():
            ref[f"new_{n}"] = w
            codes[f"new_{n}"] = upd_code if not names[n] else f"{names[n]} after {upd_code}"
    except RuntimeError as exc:  # the update-outside-no-grad mistake: autograd refuses
        note = f"In this configuration the update raises: {str(exc).splitlines()[0]}"
    return inputs, ref, codes, note


def _stage_texts(cfg: TrainConfig) -> list[tuple[str, str, str, str, str]]:
    """(name, part, code, words, symbols) of every stage in order."""
    act = cfg.activation
    bias = cfg.bias
    a = f"h_{act}"
    hin = "h" if act == "none" else a
    mean = cfg.loss == "mean"
    ce = cfg.loss == "cross-entropy"
    out = [("h", "forward", "h = x.dot(w1)" + (" + b1" if bias else ""),
            "each hidden unit adds up the inputs, weighted by w1" + (", plus its bias" if bias else ""),
            "h = x · w1" + (" + b1" if bias else ""))]
    if act != "none":
        code, words, sym = _ACT_CODE[act]
        out.append((a, "forward", code, words, sym))
    out += [
        ("y_pred", "forward", f"y_pred = {hin}.dot(w2)" + (" + b2" if bias else ""),
         "each output adds up the hidden values, weighted by w2" + (", plus its bias" if bias else ""),
         f"y_pred = {hin} · w2" + (" + b2" if bias else "")),
    ]
    if ce:
        out += [
            ("loss", "forward", "loss = -log_softmax(y_pred)[np.arange(N), y].mean()",
             "cross-entropy: softmax turns each row of scores into probabilities; the loss is the mean "
             "of -log(probability of the right class)",
             "L = -(1/N) Σₙ log softmax(y_pred)[n, yₙ]"),
            ("grad_y_pred", "backward", "grad_y_pred = (softmax(y_pred) - one_hot(y)) / N",
             "how the loss changes with each score: the probability, minus 1 at the right class, over N",
             "∂L/∂y_pred = (softmax(y_pred) - onehot(y)) / N"),
        ]
    else:
        out += [
            ("loss", "forward", f"loss = np.square(y_pred - y).{cfg.loss}()",
             f"the {'mean' if mean else 'sum'} of the squared errors: one number",
             "L = " + ("mean" if mean else "Σ") + " (y_pred - y)²"),
            ("grad_y_pred", "backward",
             "grad_y_pred = 2.0 * (y_pred - y)" + (" / (y_pred - y).size" if mean else ""),
             "how the loss changes with each prediction: the derivative of the square",
             "∂L/∂y_pred = 2 (y_pred - y)" + (" / (N · D_out)" if mean else "")),
        ]
    out += [
        ("grad_w2", "backward", f"grad_w2 = {hin}.T.dot(grad_y_pred)",
         "chain rule through y_pred = h·w2: each weight's gradient is its input times the output's gradient",
         f"∂L/∂w2 = {hin}ᵀ · ∂L/∂y_pred"),
    ]
    if bias:
        out.append(("grad_b2", "backward", "grad_b2 = grad_y_pred.sum(axis=0)",
                    "a bias is added to every sample's output: its gradient is the sum over the samples",
                    "∂L/∂b2 = Σ_samples ∂L/∂y_pred"))
    if act == "none":
        out.append(("grad_h", "backward", "grad_h = grad_y_pred.dot(w2.T)",
                    "chain rule back through w2: each hidden unit collects the output gradients it fed",
                    "∂L/∂h = ∂L/∂y_pred · w2ᵀ"))
    else:
        out.append((f"grad_{a}", "backward", f"grad_{a} = grad_y_pred.dot(w2.T)",
                    "chain rule back through w2: each hidden unit collects the output gradients it fed",
                    f"∂L/∂{a} = ∂L/∂y_pred · w2ᵀ"))
        code, words, sym = _ACT_GRAD[act]
        out.append(("grad_h", "backward", code, words, sym))
    out.append(("grad_w1", "backward", "grad_w1 = x.T.dot(grad_h)",
                "chain rule through h = x·w1: each weight's gradient is its input times the hidden gradient",
                "∂L/∂w1 = xᵀ · ∂L/∂h"))
    if bias:
        out.append(("grad_b1", "backward", "grad_b1 = grad_h.sum(axis=0)",
                    "a bias is added to every sample's hidden value: its gradient is the sum over the samples",
                    "∂L/∂b1 = Σ_samples ∂L/∂h"))
    for w in ("w1", "w2") + (("b1", "b2") if bias else ()):
        code, words, sym, _note = _update_line(cfg, w)
        out.append((w, "update", code, words, sym))
    return out


def step_through(cfg: TrainConfig) -> StepThrough:
    """The first training step of ``cfg``, stage by stage (see the module docstring).

    Runs on the CPU; torch's global random state is the same afterwards.
    """
    import torch

    with torch.random.fork_rng(devices=[]):
        inputs, ref, codes, update_note = _torch_pass(cfg)
    hand = hand_pass(cfg, inputs)
    stages = []
    for name, part, code, words, symbols in _stage_texts(cfg):
        key = f"new_{name}" if part == "update" else name
        value = hand[key]
        reference = ref.get(key)
        if reference is not None and reference.shape != value.shape:  # pragma: no cover - a bug
            raise ValueError(f"{name}: torch's shape {reference.shape} is not {value.shape}")
        note = ""
        if part == "update":
            note = update_note or _update_line(cfg, name)[3]
        kind = "" if reference is None else ("autograd" if part == "backward" else "torch")
        stages.append(Stage(name, part, code, words, symbols, value, reference, codes.get(key, ""), kind,
                            _max_abs_diff(value, reference), note))
    return StepThrough(cfg, inputs, tuple(stages))


def format_values(a: np.ndarray, max_entries: int = 60) -> str:
    """Values as text: every entry when few, else a summary and corners."""
    a = np.asarray(a)
    if a.ndim == 0:
        return repr(float(a))
    with np.printoptions(precision=6, suppress=False, threshold=max_entries, edgeitems=3, linewidth=100):
        return np.array2string(a)
