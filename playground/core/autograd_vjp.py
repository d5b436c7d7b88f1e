"""Section 1b of the lesson, the vector-Jacobian product, with an interpreter's state.

``y = x * 2; while ||y|| < threshold: y = y * 2; y.backward(v)``.  :class:`VjpLab`
keeps its ``x`` tensor between presses, as the lesson's interpreter session does, so
gradients accumulate unless zeroed, and a second ``backward`` through a graph whose
buffers were freed fails with PyTorch's own message.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from .autograd_graph import numpy_copy
from .autograd_inputs import REASON_NO_GRAPH, LabInputError, parse_threshold, parse_vector

#: The lesson's inputs.
DEFAULT_VJP_X: tuple[float, ...] = (1.0, 2.0, 3.0)
DEFAULT_THRESHOLD = 1000.0
DEFAULT_V: tuple[float, ...] = (0.1, 1.0, 0.0001)
#: Most times the ``while`` loop may double ``y``.  A finite nonzero float64 ``x``
#: always reaches any finite threshold (or overflows to inf) within ~2100 doublings;
#: ``x = 0`` or ``threshold = inf`` would otherwise run until overflow or forever.
MAX_DOUBLINGS = 1000


@dataclass(frozen=True)
class VjpForward:
    """The forward loop: ``y = x * 2; while ||y|| < threshold: y = y * 2``.

    ``doublings`` counts the loop's ``y = y * 2`` (8 for the lesson); with the first
    ``x * 2`` that makes ``y = factor * x``, ``factor = 2 ** (doublings + 1)`` (512).
    ``capped`` says the loop was stopped at :data:`MAX_DOUBLINGS` before ``||y||``
    reached the threshold (``x = 0``, a tiny ``x`` or a huge threshold).  ``norm`` is
    ``||y||`` as PyTorch computes it: the sum of squares overflows float64 once the
    elements pass ~1e154, the norm becomes ``inf`` and the loop stops there
    (``norm_overflow``), which is how an infinite threshold ends.
    """

    x: np.ndarray
    threshold: float
    doublings: int
    factor: float
    y: np.ndarray
    norm: float
    capped: bool
    overflow: bool

    @property
    def norm_overflow(self) -> bool:
        return not math.isfinite(self.norm)


def _forward(xt: torch.Tensor, threshold: float) -> tuple[torch.Tensor, int, bool]:
    y = xt * 2
    doublings = 0
    # ``y.data.norm()`` in the lesson; ``detach()`` is today's spelling of ``.data``.
    while float(torch.linalg.vector_norm(y.detach())) < threshold:
        if doublings >= MAX_DOUBLINGS:
            return y, doublings, True
        y = y * 2
        doublings += 1
    return y, doublings, False


def _forward_summary(
    x_np: np.ndarray, threshold: float, y: torch.Tensor, doublings: int, capped: bool
) -> VjpForward:
    y_np = numpy_copy(y)
    return VjpForward(
        x=x_np.copy(),
        threshold=threshold,
        doublings=doublings,
        factor=2.0 ** (doublings + 1),
        y=y_np,
        norm=float(torch.linalg.vector_norm(y.detach())),
        capped=capped,
        overflow=not bool(np.isfinite(y_np).all()),
    )


def vjp_forward(x: Any = DEFAULT_VJP_X, threshold: Any = DEFAULT_THRESHOLD) -> VjpForward:
    """Only the forward loop (no backward, no state): for a live preview while typing."""
    x_np = parse_vector(x, "x")
    limit = parse_threshold(threshold)
    y, doublings, capped = _forward(torch.tensor(x_np, dtype=torch.double), limit)
    return _forward_summary(x_np, limit, y, doublings, capped)


@dataclass(frozen=True)
class VjpResult:
    """One press of the lab's Backward button.

    ``contribution`` is what this ``backward(v)`` passed to ``x`` (``v^T J``, caught
    with a tensor hook before it was added to ``x.grad``); ``grad_before`` and ``grad``
    are ``x.grad`` before and after (``None`` while ``x.grad`` is ``None``).  ``error``
    is PyTorch's own message when the backward failed (``x.grad`` then unchanged).
    """

    forward: VjpForward
    v: np.ndarray
    grad_before: np.ndarray | None
    grad: np.ndarray | None
    contribution: np.ndarray | None
    zeroed: bool
    new_tensor: bool
    same_graph: bool
    retain_graph: bool
    graph_freed: bool
    backward_count: int
    error: str | None = None

    @property
    def accumulated(self) -> bool:
        """True when this backward added onto an earlier gradient instead of a fresh one."""
        return self.error is None and self.grad_before is not None and not self.zeroed


class VjpLab:
    """The lesson's second example with state, as in an interpreter session.

    The lab keeps its leaf ``x`` (float64, ``requires_grad=True``) between presses.
    :meth:`backward` builds a fresh graph from it and calls ``y.backward(v)``;
    :meth:`backward_again` calls it again on the previous graph.  Each backward adds
    to ``x.grad`` unless ``zero_grad`` asks for ``x.grad.zero_()`` first.  Typing a
    different ``x`` makes a new tensor, whose ``.grad`` starts as ``None``.
    """

    def __init__(self) -> None:
        self._x: torch.Tensor | None = None
        self._y: torch.Tensor | None = None
        self._forward: VjpForward | None = None
        self._freed = False
        self._count = 0

    @property
    def x_tensor(self) -> torch.Tensor | None:
        return self._x

    @property
    def grad(self) -> np.ndarray | None:
        return None if self._x is None else numpy_copy(self._x.grad)

    @property
    def has_graph(self) -> bool:
        return self._y is not None

    @property
    def graph_freed(self) -> bool:
        """True once a backward without ``retain_graph`` has freed the graph's buffers."""
        return self._freed

    def reset(self) -> None:
        """Forget ``x``, its gradient and the graph."""
        self._x = None
        self._y = None
        self._forward = None
        self._freed = False
        self._count = 0

    def backward(
        self,
        x: Any = DEFAULT_VJP_X,
        threshold: Any = DEFAULT_THRESHOLD,
        v: Any = DEFAULT_V,
        *,
        zero_grad: bool = False,
        retain_graph: bool = False,
    ) -> VjpResult:
        """Build a fresh graph from ``x`` (kept if unchanged) and run ``y.backward(v)``."""
        x_np = parse_vector(x, "x")
        limit = parse_threshold(threshold)
        v_np = parse_vector(v, "v", length=x_np.size)
        new_tensor = (
            self._x is None or self._x.shape != x_np.shape or not np.array_equal(numpy_copy(self._x), x_np)
        )
        if new_tensor:
            self._x = torch.tensor(x_np, dtype=torch.double, requires_grad=True)
        assert self._x is not None
        y, doublings, capped = _forward(self._x, limit)
        self._y = y
        self._forward = _forward_summary(x_np, limit, y, doublings, capped)
        self._freed = False
        self._count = 0
        return self._run_backward(v_np, zero_grad, retain_graph, new_tensor=new_tensor, same_graph=False)

    def backward_again(
        self, v: Any = DEFAULT_V, *, zero_grad: bool = False, retain_graph: bool = False
    ) -> VjpResult:
        """Call ``y.backward(v)`` once more on the previous graph (no new forward)."""
        if self._y is None or self._x is None:
            raise LabInputError("graph", REASON_NO_GRAPH, "there is no graph yet: run backward once first")
        v_np = parse_vector(v, "v", length=self._x.numel())
        return self._run_backward(v_np, zero_grad, retain_graph, new_tensor=False, same_graph=True)

    def _run_backward(
        self, v_np: np.ndarray, zero_grad: bool, retain_graph: bool, *, new_tensor: bool, same_graph: bool
    ) -> VjpResult:
        x, y, fwd = self._x, self._y, self._forward
        assert x is not None and y is not None and fwd is not None
        zeroed = False
        if zero_grad and x.grad is not None:
            x.grad.zero_()
            zeroed = True
        grad_before = numpy_copy(x.grad)
        # float32 weights on a float64 output, as in the lesson: torch casts them.
        vt = torch.tensor(v_np, dtype=torch.float32)
        seen: list[torch.Tensor] = []
        handle = x.register_hook(lambda g: seen.append(g.detach().clone()))
        error = None
        try:
            y.backward(vt, retain_graph=retain_graph)
        except RuntimeError as exc:  # the lesson's point: PyTorch's own words
            error = str(exc)
        finally:
            handle.remove()
        if error is None:
            self._count += 1
            self._freed = not retain_graph
        return VjpResult(
            forward=fwd,
            v=vt.numpy().copy(),
            grad_before=grad_before,
            grad=numpy_copy(x.grad),
            contribution=numpy_copy(seen[0]) if seen else None,
            zeroed=zeroed,
            new_tensor=new_tensor,
            same_graph=same_graph,
            retain_graph=retain_graph,
            graph_freed=self._freed,
            backward_count=self._count,
            error=error,
        )


def vjp_example(
    x: Any = DEFAULT_VJP_X,
    threshold: Any = DEFAULT_THRESHOLD,
    v: Any = DEFAULT_V,
    *,
    accumulate_into: Any = None,
    retain_graph: bool = False,
    backward_twice: bool = False,
) -> VjpResult:
    """One-shot form of :class:`VjpLab` for scripts and tests.

    ``accumulate_into`` pre-fills ``x.grad`` (as an earlier backward without zeroing
    would have).  ``backward_twice`` calls ``y.backward(v, retain_graph=retain_graph)``
    a second time on the same graph and returns that second result: its ``error`` is
    PyTorch's message unless ``retain_graph`` kept the graph.
    """
    lab = VjpLab()
    x_np = parse_vector(x, "x")
    if accumulate_into is not None:
        start = parse_vector(accumulate_into, "accumulate_into", length=x_np.size)
        lab._x = torch.tensor(x_np, dtype=torch.double, requires_grad=True)
        lab._x.grad = torch.tensor(start, dtype=torch.double)
    result = lab.backward(x_np, threshold, v, retain_graph=retain_graph)
    if backward_twice:
        result = lab.backward_again(v, retain_graph=retain_graph)
    return result
