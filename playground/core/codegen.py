"""The equivalent script: a configuration written out the way the lesson writes it.

:func:`generate_script` turns a :class:`~playground.core.config.TrainConfig`
into a complete Python script a student can run on its own (it needs torch,
and NumPy for the NumPy style).  The script performs the same statements as the
core's runner for that style (:mod:`playground.core.models`) in the same order,
so it prints the same loss at every step as the app: the draws of ``x``, ``y``
and the weights after ``torch.manual_seed(seed)``, the dtype, the activation,
the bias, the loss reduction, the optimizer and its zeroing, the device moves,
and the two classic mistakes.

Each step prints ``epoch=<step> loss=<value>`` with the loss at full precision
(its ``repr``), computed before that step's update, as the lesson prints it.

On the CPU the last digits also depend on how many threads torch uses: a matrix
product split over another number of threads adds up in another order.  The
count is part of the configuration (``threads``): the window, ``train`` and the
script all pin it, so all three print the same digits.
"""

from __future__ import annotations

import textwrap

from . import codegen_datasets as dsgen
from .config import MAX_STEPS, STYLE_LABELS, TrainConfig
from .specs import ACTIVATION_SPECS, OPTIMIZER_SPECS

INDENT = "    "
#: Comments are wrapped to this width, indentation included.
WIDTH = 88

PRINT_TORCH = 'print(f"epoch={it} loss={loss.item()!r}")  # !r prints every digit of the loss'
PRINT_NUMPY = 'print(f"epoch={it} loss={float(loss)!r}")  # !r prints every digit of the loss'

#: PyTorch's own message for an in-place change of a leaf that requires grad.
LEAF_ERROR = "RuntimeError: a leaf Variable that requires grad is being used in an in-place operation."
FLOAT64_NOTE = (
    "dtype=torch.float64 draws the weights in double precision from the start "
    "(model.double() would draw them in float32 first: other numbers)"
)


class _Script:
    """Lines of code at an indentation level; comments wrapped to the page width."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.level = 0

    def add(self, *lines: str) -> None:
        for line in lines:
            self.lines.append(INDENT * self.level + line if line else "")

    def comment(self, text: str) -> None:
        """``# text``, each paragraph (line of ``text``) wrapped to the width."""
        width = WIDTH - len(INDENT) * self.level - 2
        for paragraph in text.split("\n"):
            self.add(*("# " + line for line in textwrap.wrap(paragraph, width, break_on_hyphens=False)))

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def text(self) -> str:
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        return "\n".join(self.lines) + "\n"


def _dtype_arg(cfg: TrainConfig) -> str:
    """``, dtype=torch.float64`` for double precision; float32 is torch's default."""
    return ", dtype=torch.float64" if cfg.dtype == "float64" else ""


def _device_kind(cfg: TrainConfig) -> str:
    """'cpu' (no device code), 'fixed' (one named device) or 'auto' (chosen when run)."""
    if cfg.style == "numpy" or cfg.device == "cpu":
        return "cpu"
    return "auto" if cfg.device == "auto" else "fixed"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _header(s: _Script, cfg: TrainConfig) -> None:
    # Comments rather than a docstring: an editor that highlights line by line
    # (the app's code view) shows them right.
    bias = "on" if cfg.bias else "off"
    needs = "torch and NumPy" if cfg.style == "numpy" else "torch"
    s.add(
        f'# Backprop Playground, style "{STYLE_LABELS[cfg.style]}": the lesson\'s two-layer network.',
        "#",
        "# The script equivalent to the app's configuration:",
        f"#   style {cfg.style}, optimizer {cfg.optimizer}, lr {cfg.lr!r}, {_steps_words(cfg)}, seed {cfg.seed},",
        f"#   N={cfg.N}, D_in={cfg.D_in}, H={cfg.H}, D_out={cfg.D_out}, {cfg.dtype}, loss {cfg.loss},",
        f"#   activation {cfg.activation}, bias {bias}, device {cfg.device}, mistake {cfg.mistake}.",
        *([dsgen.header_line(cfg)] if dsgen.custom_data(cfg) else []),
        "#",
        f"# It needs only {needs}.  Every step prints the loss before that step's update:",
        "# the same numbers the app shows for this configuration.",
        "",
    )


def _imports_and_data(s: _Script, cfg: TrainConfig) -> None:
    if cfg.steps >= MAX_STEPS:
        s.add("import itertools")
    s.add(*dsgen.imports(cfg))
    if cfg.style == "numpy":
        s.add("import numpy as np")
    s.add("import torch", "")
    if cfg.style != "numpy":
        threads = cfg.threads
        s.comment(
            f"The app trains this with {threads} CPU thread{'s' if threads != 1 else ''}, and so does "
            "this script: a matrix product split over another number of threads adds up in "
            "another order, and the last digits of the loss differ."
        )
        s.add(f"torch.set_num_threads({threads})", "")
    kind = _device_kind(cfg)
    if kind == "auto":
        s.comment('The device ("auto"): a GPU when there is one (CUDA, or MPS on a Mac), else the CPU')
        s.add(
            "if torch.cuda.is_available():",
            INDENT + 'device = "cuda"',
            "elif torch.backends.mps.is_available():",
            INDENT + 'device = "mps"',
            "else:",
            INDENT + 'device = "cpu"',
            "",
        )
    elif kind == "fixed":
        s.comment("The device the network trains on")
        s.add(f'device = "{cfg.device}"', "")
    s.comment("Seed the random generator first: the same seed draws the same numbers every run")
    s.add(f"torch.manual_seed({cfg.seed})", "")
    s.comment("N samples with D_in inputs each, H hidden units, D_out outputs")
    s.add(f"N, D_in, H, D_out = {cfg.N}, {cfg.D_in}, {cfg.H}, {cfg.D_out}", "")
    dt = _dtype_arg(cfg)
    if dsgen.custom_data(cfg):
        if cfg.style == "numpy":
            s.comment("torch draws the random numbers, so this script starts from the same data and "
                      "weights as the torch styles")
        elif kind != "cpu":
            s.comment("The data is made on the CPU and moved later, so the numbers do not depend on the device.")
        dsgen.data_lines(s, cfg, dt)
        return
    if cfg.style == "numpy":
        s.comment(
            "torch draws the random numbers, so this script starts from the same data and "
            "weights as the torch styles; .numpy() turns them into NumPy arrays, and from "
            "here on everything is NumPy.  Random data: the network learns to fit noise."
        )
        s.add(f"x = torch.randn(N, D_in{dt}).numpy()", f"y = torch.randn(N, D_out{dt}).numpy()", "")
        return
    data = "Random training data, x then y (the order of the draws matters): the network learns to fit noise."
    if kind != "cpu":
        data += "  Drawn on the CPU and moved later, so the numbers do not depend on the device."
    s.comment(data)
    s.add(f"x = torch.randn(N, D_in{dt})", f"y = torch.randn(N, D_out{dt})", "")


def _loop_head(s: _Script, cfg: TrainConfig) -> None:
    if cfg.steps >= MAX_STEPS:  # "until paused" in the app: here, until Ctrl+C
        s.add("for it in itertools.count():  # until you stop it (Ctrl+C)")
    else:
        s.add(f"for it in range({cfg.steps}):")
    s.level += 1


# -- NumPy ----------------------------------------------------------------------
def _numpy_body(s: _Script, cfg: TrainConfig) -> None:
    dt = _dtype_arg(cfg)
    s.comment("The weights, drawn after the data")
    if dsgen.scaled_init(cfg):
        s.add(f"w1 = ({dsgen.weight_draw(cfg, 'D_in', 'H', dt)}).numpy()",
              f"w2 = ({dsgen.weight_draw(cfg, 'H', 'D_out', dt)}).numpy()")
    else:
        s.add(f"w1 = torch.randn(D_in, H{dt}).numpy()", f"w2 = torch.randn(H, D_out{dt}).numpy()")
    if cfg.bias:
        s.comment("The biases start at zero (no random draw)")
        s.add("b1 = np.zeros(H, dtype=x.dtype)", "b2 = np.zeros(D_out, dtype=x.dtype)")
    s.blank()
    s.add(f"lr = {cfg.lr!r}")
    _loop_head(s, cfg)
    act = cfg.activation
    h_act = "h" if act == "none" else f"h_{act}"
    s.comment("Forward pass" + (": no activation between the layers, as in the lesson" if act == "none" else ""))
    s.add("h = x.dot(w1)" + (" + b1" if cfg.bias else ""))
    if act != "none":
        comment = "  # ReLU: negative values become 0" if act == "relu" else ""
        s.add(f"{h_act} = {ACTIVATION_SPECS[act].numpy.format('h')}{comment}")
    s.add(f"y_pred = {h_act}.dot(w2)" + (" + b2" if cfg.bias else ""))
    s.blank()
    s.comment(f"Loss: {dsgen.loss_words(cfg)}")
    if cfg.loss == "cross-entropy":
        dsgen.numpy_ce_lines(s, "y_pred", "y", "loss", True)
        s.add(PRINT_NUMPY, "")
        s.comment("Backward pass by hand: the chain rule, from the loss back to w1")
    else:
        s.add("diff = y_pred - y", f"loss = np.square(diff).{cfg.loss}()", PRINT_NUMPY, "")
        s.comment("Backward pass by hand: the chain rule, from the loss back to w1")
    if cfg.loss == "sum":
        s.add("grad_y_pred = 2.0 * diff")
    elif cfg.loss == "mean":
        s.add("grad_y_pred = 2.0 * diff / diff.size  # the mean divides by the number of entries")
    s.add(f"grad_w2 = {h_act}.T.dot(grad_y_pred)")
    if act == "none":
        s.add("grad_h = grad_y_pred.dot(w2.T)")
    else:
        s.add(f"grad_{h_act} = grad_y_pred.dot(w2.T)")
        if act == "relu":
            s.add("grad_h = grad_h_relu * (h > 0)  # ReLU lets the gradient through where h > 0")
        elif act == "tanh":
            s.add("grad_h = grad_h_tanh * (1 - h_tanh * h_tanh)  # tanh' = 1 - tanh^2")
        else:
            s.add("grad_h = grad_h_sigmoid * (h_sigmoid * (1 - h_sigmoid))  # sigmoid' = s * (1 - s)")
    s.add("grad_w1 = x.T.dot(grad_h)")
    if cfg.bias:
        s.add("grad_b1 = grad_h.sum(axis=0)", "grad_b2 = grad_y_pred.sum(axis=0)")
    s.blank()
    s.comment("Update the weights: one step of gradient descent")
    s.add("w1 -= lr * grad_w1", "w2 -= lr * grad_w2")
    if cfg.bias:
        s.add("b1 -= lr * grad_b1", "b2 -= lr * grad_b2")


# -- shared pieces of the torch styles ----------------------------------------------
def _optimizer_lines(s: _Script, cfg: TrainConfig, params: str) -> None:
    # The call the core's make_optimizer makes, from the same spec.
    spec = OPTIMIZER_SPECS[cfg.optimizer]
    s.comment(spec.note)
    s.add("optimizer = " + spec.call(params))


def _optimizer_step(s: _Script, cfg: TrainConfig, grads: str) -> None:
    """Zero the gradients, back-propagate, step: the lesson's optimizer loop."""
    if cfg.mistake == "no-zero-grad":
        s.comment(
            "The mistake shown here: the gradients are never zeroed "
            "(optimizer.zero_grad() is missing).  backward() adds the new gradients to the "
            "old ones in .grad, so every step uses the sum of all the gradients so far."
        )
        s.blank()
    else:
        s.comment("Zero the gradients first: backward() adds to .grad, it does not overwrite it")
        s.add("optimizer.zero_grad()")
    s.comment(f"Backward pass: autograd fills {grads}")
    s.add("loss.backward()", "")
    s.comment("The optimizer updates the weights from their gradients")
    s.add("optimizer.step()")


def _manual_update(s: _Script, cfg: TrainConfig, names: list[str] | None) -> None:
    """``w -= lr * w.grad`` for every weight (``names``, or the model's parameters)."""
    if names is None:
        updates = ["for param in model.parameters():", INDENT + "param -= lr * param.grad"]
        zeros = ["for param in model.parameters():", INDENT + "param.grad.zero_()"]
        missing = "param.grad.zero_() is missing"
        first = "the first parameter"
    else:
        updates = [f"{n} -= lr * {n}.grad" for n in names]
        zeros = [f"{n}.grad.zero_()" for n in names]
        missing = _and(zeros) + " are missing"
        first = names[0]
    if cfg.mistake == "update-outside-no-grad":
        s.comment(
            "The mistake shown here: the update is not inside torch.no_grad().  The "
            "weights are leaves that require grad, and autograd refuses to change them in "
            f"place while it records, so the update of {first} raises"
        )
        s.add("# " + LEAF_ERROR)  # quoted whole, however long
        s.comment("Put the update under `with torch.no_grad():` to fix it.")
        s.add(*updates)
        s.add(*zeros)
        return
    s.comment(
        "Update by hand, inside torch.no_grad(): autograd does not record the change "
        "(and it would refuse to change a leaf that requires grad in place)"
    )
    s.add("with torch.no_grad():")
    s.level += 1
    s.add(*updates)
    if cfg.mistake == "no-zero-grad":
        s.comment(
            f"The mistake shown here: the gradients are never zeroed ({missing}).  "
            "backward() adds the new gradients to the old ones in .grad, so every step "
            "uses the sum of all the gradients so far."
        )
    else:
        s.comment("Zero the gradients: backward() adds to .grad, it does not overwrite it")
        s.add(*zeros)
    s.level -= 1


# -- raw tensors ------------------------------------------------------------------
def _tensors_body(s: _Script, cfg: TrainConfig) -> None:
    dt = _dtype_arg(cfg)
    on_cpu = _device_kind(cfg) == "cpu"
    if on_cpu:
        s.comment(
            "The weights, drawn after the data; requires_grad=True asks autograd to track "
            "every operation on them"
        )
        if dsgen.scaled_init(cfg):
            s.add(f"w1 = ({dsgen.weight_draw(cfg, 'D_in', 'H', dt)}).requires_grad_()",
                  f"w2 = ({dsgen.weight_draw(cfg, 'H', 'D_out', dt)}).requires_grad_()")
        else:
            s.add(
                f"w1 = torch.randn(D_in, H{dt}, requires_grad=True)",
                f"w2 = torch.randn(H, D_out{dt}, requires_grad=True)",
            )
    else:
        s.comment("The weights, drawn after the data (on the CPU too)")
        s.add(f"w1 = {dsgen.weight_draw(cfg, 'D_in', 'H', dt)}", f"w2 = {dsgen.weight_draw(cfg, 'H', 'D_out', dt)}",
              "")
        s.comment(
            "Move everything to the device, then ask autograd to track the weights: "
            "requires_grad_() after .to() keeps w1 and w2 leaves, whose .grad autograd fills"
        )
        if dsgen.has_test_set(cfg):
            s.add("x_test, y_test = x_test.to(device), y_test.to(device)")
        s.add(
            "x, y = x.to(device), y.to(device)",
            "w1 = w1.to(device).requires_grad_()",
            "w2 = w2.to(device).requires_grad_()",
        )
    names = ["w1", "w2"]
    if cfg.bias:
        dev = "" if on_cpu else ", device=device"
        s.comment("The biases start at zero (no random draw)")
        s.add(
            f"b1 = torch.zeros(H{dt}{dev}, requires_grad=True)",
            f"b2 = torch.zeros(D_out{dt}{dev}, requires_grad=True)",
        )
        names += ["b1", "b2"]
    s.blank()
    s.add(f"lr = {cfg.lr!r}")
    manual = cfg.optimizer == "sgd-manual"
    if not manual:
        _optimizer_lines(s, cfg, "[" + ", ".join(names) + "]")
    _loop_head(s, cfg)
    act = cfg.activation
    s.comment("Forward pass" + (": no activation between the layers, as in the lesson" if act == "none" else ""))
    if act == "none" and not cfg.bias:
        s.add("y_pred = x.mm(w1).mm(w2)")
    else:
        s.add("h = x.mm(w1)" + (" + b1" if cfg.bias else ""))
        if act != "none":
            spec = ACTIVATION_SPECS[act]
            s.add(f"h = torch.{spec.function}(h)  # the {spec.label} activation")
        s.add("y_pred = h.mm(w2)" + (" + b2" if cfg.bias else ""))
    s.blank()
    if cfg.loss == "cross-entropy":
        s.comment(f"Loss: {dsgen.loss_words(cfg)}, a single number")
        s.add("loss = torch.nn.functional.cross_entropy(y_pred, y)", PRINT_TORCH, "")
    else:
        s.comment(f"Loss: the {cfg.loss} of the squared errors, a single number")
        s.add(f"loss = (y_pred - y).pow(2).{cfg.loss}()", PRINT_TORCH, "")
    grads = _and([n + ".grad" for n in names])
    if manual:
        s.comment(f"Backward pass: autograd fills {grads}")
        s.add("loss.backward()", "")
        _manual_update(s, cfg, names)
    else:
        _optimizer_step(s, cfg, grads)


# -- nn.Sequential and the nn.Module subclass -------------------------------------------
def _linear(cfg: TrainConfig, n_in: str, n_out: str) -> str:
    # Linear has a bias unless told otherwise, as in the lesson's Sequential model
    bias = "" if cfg.bias else ", bias=False"
    return f"torch.nn.Linear({n_in}, {n_out}{bias}{_dtype_arg(cfg)})"


def _sequential_model(s: _Script, cfg: TrainConfig) -> None:
    s.comment(
        "The model: layers applied one after another.  Each Linear draws its weights"
        + (" and bias" if cfg.bias else "")
        + " when it is built, after x and y"
    )
    if cfg.dtype == "float64":
        s.comment(FLOAT64_NOTE)
    s.add("model = torch.nn.Sequential(", INDENT + _linear(cfg, "D_in", "H") + ",")
    if cfg.activation != "none":
        s.add(INDENT + f"torch.nn.{ACTIVATION_SPECS[cfg.activation].module}(),")
    s.add(INDENT + _linear(cfg, "H", "D_out") + ",", ")")


def _module_model(s: _Script, cfg: TrainConfig) -> None:
    s.add("")  # two blank lines before a class, as PEP 8 asks
    s.comment("The model as a class of its own: layers in __init__, the computation in forward")
    s.add("class TwoLayerNet(torch.nn.Module):")
    s.level += 1
    s.add("def __init__(self, D_in, H, D_out):")
    s.level += 1
    s.add("super().__init__()")
    if cfg.dtype == "float64":
        s.comment(FLOAT64_NOTE)
    s.add(f"self.linear1 = {_linear(cfg, 'D_in', 'H')}", f"self.linear2 = {_linear(cfg, 'H', 'D_out')}", "")
    s.level -= 1
    s.add("def forward(self, X):")
    s.level += 1
    act = cfg.activation
    if act == "none":
        s.add("y_pred = self.linear2(self.linear1(X))")
    else:
        spec = ACTIVATION_SPECS[act]
        s.add(
            f"h = torch.{spec.function}(self.linear1(X))  # the {spec.label} activation",
            "y_pred = self.linear2(h)",
        )
    s.add("return y_pred")
    s.level -= 2
    s.add("", "")
    s.comment("Building the model draws its weights, after x and y")
    s.add("model = TwoLayerNet(D_in, H, D_out)")


def _model_body(s: _Script, cfg: TrainConfig) -> None:
    if cfg.style == "sequential":
        _sequential_model(s, cfg)
    else:
        _module_model(s, cfg)
    if _device_kind(cfg) != "cpu":
        s.blank()
        s.comment("Move the data and the model to the device")
        if dsgen.has_test_set(cfg):
            s.add("x_test, y_test = x_test.to(device), y_test.to(device)")
        s.add("x, y = x.to(device), y.to(device)", "model = model.to(device)")
    s.blank()
    s.add(f"lr = {cfg.lr!r}", "")
    if cfg.loss == "cross-entropy":
        s.comment(f"CrossEntropyLoss(): {dsgen.loss_words(cfg)}")
        s.add("loss_fn = torch.nn.CrossEntropyLoss()")
    else:
        s.comment(f'MSELoss(reduction="{cfg.loss}"): the {cfg.loss} of the squared errors')
        s.add(f'loss_fn = torch.nn.MSELoss(reduction="{cfg.loss}")')
    manual = cfg.optimizer == "sgd-manual"
    if not manual:
        s.blank()
        _optimizer_lines(s, cfg, "model.parameters()")
    _loop_head(s, cfg)
    s.add("y_pred = model(x)  # forward pass: calls model.forward(x)", "")
    s.add("loss = loss_fn(y_pred, y)", PRINT_TORCH, "")
    if manual:
        s.comment("Backward pass: autograd fills the .grad of every parameter")
        s.add("loss.backward()", "")
        _manual_update(s, cfg, None)
    else:
        _optimizer_step(s, cfg, "the .grad of every parameter")


def generate_script(cfg: TrainConfig) -> str:
    """A complete, runnable script that trains ``cfg`` as the app does.

    The script pins the configuration's torch thread count, as every run of the
    app does.  The text depends on ``cfg`` only, not on the machine: the ``auto``
    device is chosen by the script when it runs, the way the app chooses it.
    """
    s = _Script()
    _header(s, cfg)
    _imports_and_data(s, cfg)
    if cfg.style == "numpy":
        _numpy_body(s, cfg)
    elif cfg.style == "tensors":
        _tensors_body(s, cfg)
    else:
        _model_body(s, cfg)
    if cfg.steps < MAX_STEPS:
        dsgen.evaluation(s, cfg)
    return s.text()


def _steps_words(cfg: TrainConfig) -> str:
    return "until stopped" if cfg.steps >= MAX_STEPS else f"{cfg.steps} steps"
