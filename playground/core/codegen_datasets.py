"""The data part of the exported script for every data set but the lesson's plain random one.

The lines written here are the statements :func:`playground.core.datasets.make_data`
runs, in its order, so the script draws the same data from the same seed, holds out
the same test samples and standardises them with the same mean and std.  The
training data is called ``x`` and ``y`` as in the lesson, the test set ``x_test``
and ``y_test``.
"""

from __future__ import annotations

from typing import Any

from .config import MAX_STEPS, TrainConfig
from .datasets import DATASET_SPECS, GENERATED, digits_path, n_test_for
from .specs import ACTIVATION_SPECS

INDENT = "    "


def has_test_set(cfg: TrainConfig) -> bool:
    return n_test_for(cfg.N, cfg.test_fraction) > 0


def custom_data(cfg: TrainConfig) -> bool:
    """Whether the script needs this module's data lines (anything but the lesson's draws alone)."""
    return cfg.dataset != "random" or has_test_set(cfg)


def scaled_init(cfg: TrainConfig) -> bool:
    """The raw styles scale their randn weights by 1/sqrt(fan-in) on a real data set."""
    return cfg.dataset != "random"


def weight_draw(cfg: TrainConfig, n_in: str, n_out: str, dt: str) -> str:
    """``torch.randn(n_in, n_out)``, scaled as :func:`playground.core.models.draw_weights` does."""
    draw = f"torch.randn({n_in}, {n_out}{dt})"
    return f"{draw} / math.sqrt({n_in})" if scaled_init(cfg) else draw


def imports(cfg: TrainConfig) -> list[str]:
    """Modules the data lines need (before ``import torch``)."""
    out = []
    if cfg.dataset == "file":
        out.append("import csv")
    if cfg.dataset in GENERATED or scaled_init(cfg):
        out.append("import math")
    if has_test_set(cfg) and cfg.steps < MAX_STEPS:
        out.append("import sys")
    if cfg.dataset == "digits" and cfg.style != "numpy":
        out.append("import numpy as np")
    return out


def header_line(cfg: TrainConfig) -> str:
    """One header line naming the data and the split."""
    words = {"random": "the lesson's random numbers", "digits": "the 8x8 handwritten digits",
             "file": f"the CSV file {cfg.data_file}"}.get(cfg.dataset, f"the {cfg.dataset} set, noise {cfg.noise:g}")
    k = n_test_for(cfg.N, cfg.test_fraction)
    test = f", {k} of the {cfg.N} samples held out for testing" if k else ""
    return f"#   data: {words}{test}."


def _generated(s: Any, cfg: TrainConfig, dt: str, float_: str) -> None:
    name = cfg.dataset
    s.add(f"noise = {cfg.noise!r}")
    if name == "sine":
        s.comment("x evenly at random in [-pi, pi], y = sin(x) plus Gaussian noise: a regression")
        s.add(f"x = torch.rand(N, 1{dt}) * (2 * math.pi) - math.pi",
              f"y = torch.sin(x) + noise * torch.randn(N, 1{dt})", "")
        return
    if name == "circles":
        s.comment("Class 0 inside a disc of radius 0.5, class 1 on a ring from 0.7 to 1")
        s.add("y = torch.randint(0, 2, (N,))  # the class of each point, 0 or 1",
              f"r = torch.where(y == 0, torch.rand(N{dt}) * 0.5, 0.7 + torch.rand(N{dt}) * 0.3)",
              f"a = torch.rand(N{dt}) * (2 * math.pi)",
              "x = torch.stack([r * torch.cos(a), r * torch.sin(a)], dim=1)")
    elif name == "xor":
        s.comment("Points in the square [-1, 1]^2, pushed 0.1 away from the axes; the class is "
                  "1 where both coordinates have the same sign (exclusive or)")
        s.add(f"x = torch.rand(N, 2{dt}) * 2 - 1", "x = x + 0.1 * torch.sign(x)",
              "y = (x[:, 0] * x[:, 1] > 0).long()")
    elif name == "gaussians":
        s.comment("Two Gaussian clouds (std 0.5), class 0 around (-1, -1), class 1 around (1, 1)")
        s.add("y = torch.randint(0, 2, (N,))  # the class of each point, 0 or 1",
              f"x = torch.randn(N, 2{dt}) * 0.5 + (2 * y.{float_}() - 1).unsqueeze(1)")
    else:
        s.comment("Two spiral arms, one turn and three quarters each; class 1 is class 0 turned by pi")
        s.add("y = torch.randint(0, 2, (N,))  # the class of each point, 0 or 1",
              f"t = torch.rand(N{dt})",
              f"a = t * (1.75 * 2 * math.pi) + math.pi * y.{float_}()",
              "x = torch.stack([t * torch.sin(a), t * torch.cos(a)], dim=1)")
    s.comment("Gaussian noise on every point")
    s.add(f"x = x + noise * torch.randn(N, 2{dt})", "")


def _digits(s: Any, cfg: TrainConfig, torch_dtype: str) -> None:
    s.comment(
        "The 8x8 handwritten digits (UCI, Alpaydin & Kaynak 1998, CC BY 4.0) as Backprop "
        "Playground bundles them: 1,797 images of 64 pixels (0 to 16) and their digits; "
        "sklearn.datasets.load_digits() gives the same arrays"
    )
    s.add(f"data = np.load(r\"{digits_path()}\")",
          f"x = torch.tensor(data[\"images\"], dtype={torch_dtype})",
          "y = torch.tensor(data[\"labels\"], dtype=torch.int64)", "")


def _csv(s: Any, cfg: TrainConfig, dt: str) -> None:
    from .csvdata import cached_table

    table = cached_table(cfg.data_file, cfg.target, cfg.task)
    header = list(table.features)
    s.comment(f"The CSV file: a header row, then one sample a row (blank lines skipped); sha256 {table.sha256}")
    s.add(f"with open(r\"{table.path}\", newline=\"\", encoding=\"utf-8-sig\") as f:",
          INDENT + "rows = [row for row in csv.reader(f) if row]",
          "header, rows = [h.strip() for h in rows[0]], rows[1:]")
    s.add(f"features = [header.index(name) for name in {header!r}]",
          f"target = header.index({table.target!r})")
    s.add(f"x = torch.tensor([[float(row[j]) for j in features] for row in rows]{dt})")
    if table.task == "classification":
        if table.numeric_classes:
            mapping = "{" + ", ".join(f"{float(c)!r}: {i}" for i, c in enumerate(table.classes)) + "}"
            s.comment("The classes, numbered in sorted order")
            s.add(f"classes = {mapping}", "y = torch.tensor([classes[float(row[target])] for row in rows])", "")
        else:
            mapping = "{" + ", ".join(f"{c!r}: {i}" for i, c in enumerate(table.classes)) + "}"
            s.comment("The classes, numbered in sorted order")
            s.add(f"classes = {mapping}", "y = torch.tensor([classes[row[target].strip()] for row in rows])", "")
    else:
        s.add(f"y = torch.tensor([[float(row[target])] for row in rows]{dt})", "")


def data_lines(s: Any, cfg: TrainConfig, dt: str) -> None:
    """The data, the split and the standardisation (the caller wrote the seed and the sizes)."""
    torch_dtype = "torch.float64" if cfg.dtype == "float64" else "torch.float32"
    float_ = "double" if cfg.dtype == "float64" else "float"
    if cfg.dataset == "random":
        s.comment("Random data, x then y (the order of the draws matters): the network learns to fit noise.")
        s.add(f"x = torch.randn(N, D_in{dt})", f"y = torch.randn(N, D_out{dt})", "")
    elif cfg.dataset in GENERATED:
        _generated(s, cfg, dt, float_)
    elif cfg.dataset == "digits":
        _digits(s, cfg, torch_dtype)
    else:
        _csv(s, cfg, dt)
    k = n_test_for(cfg.N, cfg.test_fraction)
    if k:
        s.comment(f"Hold out a test set: a random {cfg.test_fraction:g} of the samples ({k}), never trained on")
        s.add(f"n_test = {k}", "perm = torch.randperm(N)",
              "x_test, y_test = x[perm[:n_test]], y[perm[:n_test]]",
              "x, y = x[perm[n_test:]], y[perm[n_test:]]", "")
    if cfg.dataset != "random":
        s.comment("Standardise the features with the training split's mean and std (a constant feature keeps "
                  "std 1)" + (", and the test set with the same numbers" if k else ""))
        s.add("mean, std = x.mean(0), x.std(0)", "std[std == 0] = 1.0", "x = (x - mean) / std")
        if k:
            s.add("x_test = (x_test - mean) / std")
        s.add("")
    if cfg.dataset == "file" and cfg.loss != "cross-entropy":
        s.comment("The target too: its numbers may have any scale.  The losses are then in units of its "
                  "std (1: no better than predicting the mean)")
        s.add("y_mean, y_std = y.mean(0), y.std(0)", "y_std[y_std == 0] = 1.0", "y = (y - y_mean) / y_std")
        if k:
            s.add("y_test = (y_test - y_mean) / y_std")
        s.add("")
    if cfg.style == "numpy":
        s.comment("From here on everything is NumPy")
        s.add("x, y = x.numpy(), y.numpy()")
        if k:
            s.add("x_test, y_test = x_test.numpy(), y_test.numpy()")
        s.add("")


def loss_words(cfg: TrainConfig) -> str:
    if cfg.loss == "cross-entropy":
        return "cross-entropy: the mean of -log(softmax probability of the right class)"
    return f"the {cfg.loss} of the squared errors"


def numpy_ce_lines(s: Any, pred: str, target: str, loss: str, grads: bool) -> None:
    """Cross-entropy by hand in NumPy: a stable log-softmax, and its gradient when ``grads``."""
    s.add(f"z = {pred} - {pred}.max(axis=1, keepdims=True)  # shifted: exp cannot overflow",
          "log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))  # log-softmax",
          f"rows = np.arange(len({target}))",
          f"{loss} = -log_p[rows, {target}].mean()")
    if grads:
        s.comment("(its gradient: softmax minus the one-hot target, over the number of samples)")
        s.add("grad_y_pred = np.exp(log_p)", f"grad_y_pred[rows, {target}] -= 1",
              f"grad_y_pred = grad_y_pred / len({target})")


def evaluation(s: Any, cfg: TrainConfig) -> None:
    """After the loop: the final weights' loss (and accuracy) on the held-out test set."""
    if not has_test_set(cfg):
        return
    ce = cfg.loss == "cross-entropy"
    s.level = 0
    s.add("")
    s.comment("After training: the loss" + (" and the accuracy" if ce else "")
              + " of the final weights on the held-out test set, printed to standard error so that "
              "standard output holds the per-step losses alone")
    if cfg.style == "numpy":
        act = cfg.activation
        b = cfg.bias
        s.add("h = x_test.dot(w1)" + (" + b1" if b else ""))
        h = "h"
        if act != "none":
            s.add(f"h = {ACTIVATION_SPECS[act].numpy.format('h')}")
        s.add(f"y_test_pred = {h}.dot(w2)" + (" + b2" if b else ""))
        if ce:
            numpy_ce_lines(s, "y_test_pred", "y_test", "test_loss", False)
            s.add("test_accuracy = (y_test_pred.argmax(axis=1) == y_test).mean()",
                  'print(f"test_loss={float(test_loss)!r} test_accuracy={float(test_accuracy)!r}", file=sys.stderr)')
        else:
            s.add(f"test_loss = np.square(y_test_pred - y_test).{cfg.loss}()",
                  'print(f"test_loss={float(test_loss)!r}", file=sys.stderr)')
        return
    s.add("with torch.no_grad():")
    s.level = 1
    if cfg.style == "tensors":
        tensors_forward(s, cfg, "x_test", "y_test_pred")
        if ce:
            s.add("test_loss = torch.nn.functional.cross_entropy(y_test_pred, y_test)")
        else:
            s.add(f"test_loss = (y_test_pred - y_test).pow(2).{cfg.loss}()")
    else:
        s.add("y_test_pred = model(x_test)", "test_loss = loss_fn(y_test_pred, y_test)")
    if ce:
        s.add("test_accuracy = (y_test_pred.argmax(1) == y_test).float().mean()")
    s.level = 0
    if ce:
        s.add('print(f"test_loss={test_loss.item()!r} test_accuracy={test_accuracy.item()!r}", file=sys.stderr)')
    else:
        s.add('print(f"test_loss={test_loss.item()!r}", file=sys.stderr)')


def tensors_forward(s: Any, cfg: TrainConfig, inp: str, out: str) -> None:
    """The raw-tensor forward pass on ``inp`` into ``out`` (as in the training loop)."""
    from .specs import ACTIVATION_SPECS

    act = cfg.activation
    if act == "none" and not cfg.bias:
        s.add(f"{out} = {inp}.mm(w1).mm(w2)")
        return
    s.add(f"h = {inp}.mm(w1)" + (" + b1" if cfg.bias else ""))
    if act != "none":
        spec = ACTIVATION_SPECS[act]
        s.add(f"h = torch.{spec.function}(h)  # the {spec.label} activation")
    s.add(f"{out} = h.mm(w2)" + (" + b2" if cfg.bias else ""))


def spec_label(cfg: TrainConfig) -> str:
    return DATASET_SPECS[cfg.dataset].task
