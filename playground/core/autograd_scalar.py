"""Section 1a of the lesson, the gradient of a scalar, run on any 2-D ``x``.

``y = x + 2; z = y * y * 3; out = z.mean(); out.backward()`` with every intermediate
value, the gradients PyTorch really keeps (``x.grad``, and ``y.grad``, ``z.grad`` only
when asked for with ``retain_grad()``), the closed form ``d out/dx = 6 (x + 2) / n``
(``1.5 (x + 2)`` for the lesson's 2x2 ``x``) and the computation graph that
``backward()`` walked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from .autograd_graph import ComputationGraph, extract_graph, kept_grad, numpy_copy
from .autograd_inputs import parse_matrix

#: The lesson's ``x``.
DEFAULT_SCALAR_X: tuple[tuple[float, ...], ...] = ((1.0, 2.0), (3.0, 4.0))


@dataclass(frozen=True)
class ScalarResult:
    """Everything ``y = x + 2; z = y * y * 3; out = z.mean(); out.backward()`` computed.

    ``grad`` is ``x.grad`` from autograd (``None`` when ``backward`` was not run, as
    in PyTorch before ``out.backward()``); ``closed_form`` is ``6 (x + 2) / n`` computed
    by hand, ``closed_form_factor`` its ``6 / n`` (1.5 for the lesson's 2x2 ``x``).
    ``grads`` holds ``.grad`` of ``y``, ``y * y``, ``z`` and ``out`` as PyTorch leaves
    it: ``None`` for every one of these non-leaf tensors unless ``retain_grad`` made
    the example call ``y.retain_grad()`` and ``z.retain_grad()``, whose names are then
    in ``retained``.
    """

    x: np.ndarray
    y: np.ndarray
    y_squared: np.ndarray
    z: np.ndarray
    out: float
    grad: np.ndarray | None
    closed_form: np.ndarray
    closed_form_factor: float
    grads: Mapping[str, np.ndarray | None]
    graph: ComputationGraph
    backward_done: bool
    overflow: bool = False
    retain_grad: bool = False
    retained: frozenset[str] = frozenset()

    @property
    def max_abs_difference(self) -> float | None:
        """Largest |autograd - closed form| (``None`` before backward)."""
        if self.grad is None:
            return None
        return float(np.max(np.abs(self.grad - self.closed_form)))


#: The tensors whose gradients the ``retain_grad`` option keeps, as the lesson names them.
RETAINED_NAMES: tuple[str, ...] = ("y", "z")


def scalar_code(*, retain_grad: bool = False) -> str:
    """The lesson's scalar example as a script, with the ``retain_grad()`` calls when asked.

    It is the code :func:`scalar_example` runs: pasted into Python it prints the
    same ``x.grad`` (and ``y.grad``, ``z.grad`` when ``retain_grad``).
    """
    lines = [
        "x = torch.tensor([[1, 2], [3, 4]], dtype=torch.double, requires_grad=True)",
        "y = x + 2",
        "z = y * y * 3",
    ]
    if retain_grad:
        lines += [f"{name}.retain_grad()" for name in RETAINED_NAMES]
    lines += ["out = z.mean()", "out.backward()", "print(x.grad)"]
    if retain_grad:
        lines += [f"print({name}.grad)" for name in RETAINED_NAMES]
    return "\n".join(lines)


def scalar_example(
    x: Any = DEFAULT_SCALAR_X, *, backward: bool = True, retain_grad: bool = False
) -> ScalarResult:
    """Run the lesson's scalar example on a 2-D ``x`` (float64) and return every value.

    ``retain_grad`` calls ``y.retain_grad()`` and ``z.retain_grad()`` before the
    backward, as a student would to see those gradients; without it PyTorch frees
    them and they are ``None``, as they are here.
    """
    x_np = parse_matrix(x, "x")
    xt = torch.tensor(x_np, dtype=torch.double, requires_grad=True)
    y = xt + 2
    y_squared = y * y  # the lesson writes ``z = y * y * 3``: this is its first product
    z = y_squared * 3
    out = z.mean()
    named = {"x": xt, "y": y, "y * y": y_squared, "z": z, "out": out}
    if retain_grad:
        for name in RETAINED_NAMES:
            named[name].retain_grad()
    if backward:
        out.backward()
    graph = extract_graph(
        out,
        named,
        details={"y": "y = x + 2", "y * y": "y * y", "z": "z = (y * y) * 3", "out": "out = z.mean()"},
    )
    n = x_np.size
    factor = 6.0 / n
    with np.errstate(over="ignore", invalid="ignore"):
        closed_form = factor * (x_np + 2.0)
    values = [y, y_squared, z, out]
    overflow = not all(bool(torch.isfinite(t.detach()).all()) for t in values)
    return ScalarResult(
        x=x_np,
        y=numpy_copy(y),
        y_squared=numpy_copy(y_squared),
        z=numpy_copy(z),
        out=float(out.detach()),
        grad=numpy_copy(xt.grad),
        closed_form=closed_form,
        closed_form_factor=factor,
        grads={name: numpy_copy(kept_grad(t)) for name, t in named.items() if name != "x"},
        graph=graph,
        backward_done=backward,
        overflow=overflow,
        retain_grad=retain_grad,
        retained=frozenset(name for name, t in named.items() if t.retains_grad),
    )
