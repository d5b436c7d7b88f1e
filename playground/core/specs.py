"""What each optimizer and activation is, written once.

The runners (:mod:`playground.core.models`) build the torch objects from these
tables and the script writer (:mod:`playground.core.codegen`) writes the same
calls out as code, so the app and its exported script cannot drift apart.
Adding an optimizer is one entry in :data:`OPTIMIZER_SPECS` (plus its learning
rates in :data:`playground.core.config.LESSON_LR`, which are measured, not
derived); adding an activation is one entry in :data:`ACTIVATION_SPECS`.

Names only, no torch: the script writer and the configuration import this
without loading torch.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OptimizerSpec:
    """A ``torch.optim`` optimizer as the playground builds it: default arguments but ``extra``."""

    #: The class in ``torch.optim``.
    torch_class: str
    #: What it does, for the comment above it in the exported script.
    note: str
    #: Keyword arguments besides ``lr``, in the order the script writes them.
    extra: tuple[tuple[str, float], ...] = ()
    #: It keeps a step count (Adam's bias correction, say): a CUDA graph can record its
    #: step only in its ``capturable`` form, which keeps the count on the device.
    counts_steps: bool = False
    #: torch offers that ``capturable`` form.
    capturable: bool = False

    def kwargs(self, lr: float) -> dict[str, float]:
        """The keyword arguments of the constructor, ``lr`` first."""
        return {"lr": lr, **dict(self.extra)}

    def call(self, params: str) -> str:
        """The constructor call as code, for parameters written ``params``."""
        extra = "".join(f", {name}={value!r}" for name, value in self.extra)
        return f"torch.optim.{self.torch_class}({params}, lr=lr{extra})"

    @property
    def recordable(self) -> bool:
        """Its step can be recorded in a CUDA graph (fast mode)."""
        return not self.counts_steps or self.capturable


#: Every optimizer but the lesson's hand-written "sgd-manual", in the order the app lists them.
OPTIMIZER_SPECS: dict[str, OptimizerSpec] = {
    "sgd": OptimizerSpec("SGD", "SGD: plain gradient descent, w -= lr * w.grad for every weight"),
    "momentum": OptimizerSpec(
        "SGD",
        "SGD with momentum 0.9: every step keeps 90% of the previous step's direction",
        extra=(("momentum", 0.9),),
    ),
    "adam": OptimizerSpec(
        "Adam",
        "Adam: a step size of its own for every weight, from running averages of the gradient "
        "and of its square",
        counts_steps=True,
        capturable=True,
    ),
    "adamw": OptimizerSpec(
        "AdamW",
        "AdamW: Adam plus weight decay (0.01 by default) applied to the weights directly",
        counts_steps=True,
        capturable=True,
    ),
    "rmsprop": OptimizerSpec(
        "RMSprop",
        "RMSprop: divides each gradient by a running average of its recent size",
        counts_steps=True,
        capturable=True,
    ),
    "adagrad": OptimizerSpec(
        "Adagrad",
        "Adagrad: divides each gradient by the root of the sum of all its past squares",
        counts_steps=True,
    ),
}


@dataclass(frozen=True)
class ActivationSpec:
    """An activation between the two layers, as a function and as a layer."""

    #: The function in ``torch`` (``torch.relu``): the tensors style and the nn.Module subclass.
    function: str
    #: The layer class in ``torch.nn`` (``torch.nn.ReLU``): nn.Sequential.
    module: str
    #: Its name in the script's comments.
    label: str
    #: The same in NumPy, with ``{0}`` for its input: the NumPy style's scripts and step-through
    #: (None: the NumPy style does not offer it).
    numpy: str | None = None


#: Every activation but "none", in the order the app lists them.
ACTIVATION_SPECS: dict[str, ActivationSpec] = {
    "relu": ActivationSpec("relu", "ReLU", "ReLU", "np.maximum({0}, 0)"),
    "tanh": ActivationSpec("tanh", "Tanh", "tanh", "np.tanh({0})"),
    "sigmoid": ActivationSpec("sigmoid", "Sigmoid", "sigmoid", "1 / (1 + np.exp(-{0}))"),
}
