"""The Autograd lab: the seed lesson's first section, run live on any input.

Two experiments from the lesson, each computed with real autograd, one module each:

* :mod:`.autograd_scalar`: :func:`scalar_example`, ``y = x + 2; z = y * y * 3;
  out = z.mean(); out.backward()`` with every intermediate value, the gradients PyTorch
  really keeps and the closed form ``d out/dx = 6 (x + 2) / n``.
* :mod:`.autograd_vjp`: :class:`VjpLab`, ``y = x * 2; while ||y|| < threshold:
  y = y * 2; y.backward(v)``, keeping its ``x`` between presses as the lesson's
  interpreter session does.

Beside them, :mod:`.autograd_inputs` reads what the user typed (bad input raises
:class:`LabInputError`, naming the field) and :mod:`.autograd_graph` reads the
computation graph ``backward()`` walked.  This module gathers their names, so
``from playground.core.autograd_lab import ...`` and ``autograd_lab.X`` reach all of
them.  No Qt here: the GUI in ``playground.gui.autograd_lab`` is a view of this.
"""

from __future__ import annotations

from .autograd_graph import ComputationGraph, GraphEdge, GraphNode, extract_graph, kept_grad
from .autograd_inputs import (
    MAX_ELEMENTS,
    REASON_EMPTY,
    REASON_LENGTH,
    REASON_NO_GRAPH,
    REASON_NOT_A_NUMBER,
    REASON_NOT_FINITE,
    REASON_SHAPE,
    REASON_TOO_LARGE,
    LabInputError,
    parse_matrix,
    parse_threshold,
    parse_vector,
)
from .autograd_scalar import DEFAULT_SCALAR_X, RETAINED_NAMES, ScalarResult, scalar_code, scalar_example
from .autograd_vjp import (
    DEFAULT_THRESHOLD,
    DEFAULT_V,
    DEFAULT_VJP_X,
    MAX_DOUBLINGS,
    VjpForward,
    VjpLab,
    VjpResult,
    vjp_example,
    vjp_forward,
)

__all__ = [
    "DEFAULT_SCALAR_X",
    "DEFAULT_THRESHOLD",
    "DEFAULT_V",
    "DEFAULT_VJP_X",
    "MAX_DOUBLINGS",
    "MAX_ELEMENTS",
    "REASON_EMPTY",
    "REASON_LENGTH",
    "REASON_NOT_A_NUMBER",
    "REASON_NOT_FINITE",
    "REASON_NO_GRAPH",
    "REASON_SHAPE",
    "REASON_TOO_LARGE",
    "RETAINED_NAMES",
    "ComputationGraph",
    "GraphEdge",
    "GraphNode",
    "LabInputError",
    "ScalarResult",
    "VjpForward",
    "VjpLab",
    "VjpResult",
    "extract_graph",
    "kept_grad",
    "parse_matrix",
    "parse_threshold",
    "parse_vector",
    "scalar_code",
    "scalar_example",
    "vjp_example",
    "vjp_forward",
]
