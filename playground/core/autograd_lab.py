"""The Autograd lab: the seed lesson's first section, run live on any input.

Two experiments from the lesson, each computed with real autograd:

* :func:`scalar_example`: ``y = x + 2; z = y * y * 3; out = z.mean(); out.backward()``
  with every intermediate value, the gradients PyTorch really keeps (``x.grad``, and
  ``y.grad``, ``z.grad`` only when asked for with ``retain_grad()``), the closed form
  ``d out/dx = 6 (x + 2) / n`` (``1.5 (x + 2)`` for the lesson's 2x2 ``x``) and the
  computation graph that ``backward()`` walked.
* :class:`VjpLab`: ``y = x * 2; while ||y|| < threshold: y = y * 2; y.backward(v)``.
  The lab keeps its ``x`` tensor between presses, as the lesson's interpreter
  session does, so gradients accumulate unless zeroed, and a second ``backward``
  through a graph whose buffers were freed fails with PyTorch's own message.

Every input may be what a user typed (strings) or numbers; bad input raises
:class:`LabInputError`, whose ``field`` names the culprit (``x[0][1]``, ``threshold``,
``v[2]``).  No Qt here: the GUI in ``playground.gui.autograd_lab`` is a view of this.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

#: The lesson's inputs.
DEFAULT_SCALAR_X: tuple[tuple[float, ...], ...] = ((1.0, 2.0), (3.0, 4.0))
DEFAULT_VJP_X: tuple[float, ...] = (1.0, 2.0, 3.0)
DEFAULT_THRESHOLD = 1000.0
DEFAULT_V: tuple[float, ...] = (0.1, 1.0, 0.0001)

#: Most elements an input may have: the lab is for looking at numbers, not big data.
MAX_ELEMENTS = 10_000
#: Most times the ``while`` loop may double ``y``.  A finite nonzero float64 ``x``
#: always reaches any finite threshold (or overflows to inf) within ~2100 doublings;
#: ``x = 0`` or ``threshold = inf`` would otherwise run until overflow or forever.
MAX_DOUBLINGS = 1000


class LabInputError(ValueError):
    """A lab input is unusable; ``field`` names it (``x[0][1]``, ``threshold``, ``v``).

    ``reason`` is a short code (see the ``REASON_*`` constants) so a GUI can word the
    message in the user's language; ``text`` is the offending text, where there is one.
    """

    def __init__(self, field_name: str, reason: str, message: str, text: str | None = None) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.reason = reason
        self.message = message
        self.text = text


REASON_NOT_A_NUMBER = "not-a-number"
REASON_NOT_FINITE = "not-finite"
REASON_EMPTY = "empty"
REASON_SHAPE = "shape"
REASON_TOO_LARGE = "too-large"
REASON_LENGTH = "length-mismatch"
REASON_NO_GRAPH = "no-graph"


# ---------------------------------------------------------------------------
# Parsing what the user typed
# ---------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[,;\s]+")


def _to_float(value: Any, field_name: str, *, allow_inf: bool = False) -> float:
    """One number from a number or a string; ``field_name`` goes into any error."""
    if isinstance(value, (bool, np.bool_)):
        raise LabInputError(field_name, REASON_NOT_A_NUMBER, f"{value!r} is not a number", str(value))
    if isinstance(value, str):
        text = value.strip().replace("\u2212", "-")  # a typographic minus pasted from a page
        if not text:
            raise LabInputError(field_name, REASON_EMPTY, "is empty: enter a number", value)
        try:
            number = float(text)
        except ValueError:
            raise LabInputError(
                field_name, REASON_NOT_A_NUMBER, f"{value!r} is not a number", value
            ) from None
    else:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise LabInputError(
                field_name, REASON_NOT_A_NUMBER, f"{value!r} is not a number", repr(value)
            ) from None
    if math.isnan(number) or (math.isinf(number) and not allow_inf):
        raise LabInputError(
            field_name, REASON_NOT_FINITE, f"must be a finite number, got {number!r}", str(value)
        )
    return number


def parse_matrix(value: Any, field_name: str = "x") -> np.ndarray:
    """A non-empty 2-D float64 array from nested lists/arrays of numbers or strings.

    Errors name the element as ``x[row][column]`` (0-based, as Python indexes the
    nested list the user typed).
    """
    if isinstance(value, (str, bytes)):
        raise LabInputError(field_name, REASON_SHAPE, "must be a table (a list of rows), not text")
    rows: list[Any]
    if isinstance(value, np.ndarray):
        if value.ndim != 2:
            raise LabInputError(
                field_name, REASON_SHAPE, f"must be 2-D (rows and columns), got {value.ndim}-D"
            )
        rows = list(value)
    else:
        try:
            rows = list(value)
        except TypeError:
            raise LabInputError(field_name, REASON_SHAPE, "must be a table (a list of rows)") from None
    if not rows:
        raise LabInputError(field_name, REASON_EMPTY, "has no rows")
    out: list[list[float]] = []
    width: int | None = None
    for i, row in enumerate(rows):
        if isinstance(row, (str, bytes)) or not isinstance(row, Iterable):
            raise LabInputError(
                f"{field_name}[{i}]", REASON_SHAPE, "must be a row of numbers (x must be 2-D)"
            )
        cells = list(row)
        if width is None:
            width = len(cells)
            if width == 0:
                raise LabInputError(f"{field_name}[{i}]", REASON_EMPTY, "has no columns")
        elif len(cells) != width:
            raise LabInputError(
                f"{field_name}[{i}]",
                REASON_SHAPE,
                f"has {len(cells)} columns but row 0 has {width}: every row needs the same length",
            )
        if len(rows) * width > MAX_ELEMENTS:
            raise LabInputError(field_name, REASON_TOO_LARGE, f"has more than {MAX_ELEMENTS} elements")
        out.append([_to_float(c, f"{field_name}[{i}][{j}]") for j, c in enumerate(cells)])
    return np.asarray(out, dtype=np.float64)


def parse_vector(value: Any, field_name: str = "x", *, length: int | None = None) -> np.ndarray:
    """A non-empty 1-D float64 array from ``"1, 2, 3"``, ``"[1 2 3]"`` or a sequence.

    ``length``, when given, is the number of elements required.
    """
    if isinstance(value, str):
        text = value.strip()
        if text.startswith(("[", "(")) and text.endswith(("]", ")")):
            text = text[1:-1]
        items: list[Any] = [t for t in _SEPARATORS.split(text) if t]
        if not items:
            raise LabInputError(field_name, REASON_EMPTY, "is empty: enter numbers separated by commas")
    elif isinstance(value, np.ndarray):
        if value.ndim != 1:
            raise LabInputError(
                field_name, REASON_SHAPE, f"must be 1-D (a list of numbers), got {value.ndim}-D"
            )
        items = list(value)
    else:
        try:
            items = list(value)
        except TypeError:
            raise LabInputError(field_name, REASON_SHAPE, "must be a list of numbers") from None
        if not items:
            raise LabInputError(field_name, REASON_EMPTY, "is empty: enter at least one number")
    if len(items) > MAX_ELEMENTS:
        raise LabInputError(field_name, REASON_TOO_LARGE, f"has more than {MAX_ELEMENTS} elements")
    numbers = []
    for i, item in enumerate(items):
        if not isinstance(item, (str, bytes)) and isinstance(item, (Sequence, np.ndarray)):
            raise LabInputError(f"{field_name}[{i}]", REASON_SHAPE, "must be a number (the input is 1-D)")
        numbers.append(_to_float(item, f"{field_name}[{i}]"))
    if length is not None and len(numbers) != length:
        raise LabInputError(
            field_name,
            REASON_LENGTH,
            f"has {len(numbers)} numbers but x has {length}: v needs one weight per element of y",
        )
    return np.asarray(numbers, dtype=np.float64)


def parse_threshold(value: Any) -> float:
    """The loop's threshold: any number, or ``inf`` (the doubling cap then stops it)."""
    return _to_float(value, "threshold", allow_inf=True)


# ---------------------------------------------------------------------------
# The computation graph
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GraphNode:
    """One node of a computation graph.

    ``kind`` is ``"tensor"`` (a value; ``name`` is the lesson's variable name) or
    ``"op"`` (a ``grad_fn`` such as ``MulBackward0`` or ``AccumulateGrad``).  A tensor
    node's ``value`` and ``grad`` are NumPy copies; ``grad`` is ``None`` until a
    backward pass has reached it, and always for a non-leaf tensor that does not
    ``retains_grad`` (PyTorch frees those gradients; see :func:`kept_grad`).
    """

    id: str
    kind: str
    label: str
    name: str = ""
    detail: str = ""
    value: np.ndarray | None = None
    grad: np.ndarray | None = None
    is_leaf: bool = False
    retains_grad: bool = False

    @property
    def grad_kept(self) -> bool:
        """True when PyTorch stores this tensor's gradient in ``.grad`` after backward."""
        return self.kind == "tensor" and (self.is_leaf or self.retains_grad)


@dataclass(frozen=True)
class GraphEdge:
    """The way ``backward()`` passes a gradient: from ``source`` to ``target``."""

    source: str
    target: str


@dataclass(frozen=True)
class ComputationGraph:
    """Nodes and edges of an autograd graph, root (the output tensor) first.

    Edges point the way the backward pass walks: output tensor -> its ``grad_fn`` ->
    the tensors it was computed from (or straight to their ``grad_fn`` when the tensor
    has no name) -> ... -> ``AccumulateGrad`` -> the leaf whose ``.grad`` it writes.
    """

    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    root: str

    def node(self, node_id: str) -> GraphNode:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def by_label(self, label: str) -> list[GraphNode]:
        return [n for n in self.nodes if n.label == label]

    def layers(self) -> dict[str, int]:
        """Each node's layer for drawing: the longest path from the root.

        The longest (not shortest) path keeps every edge pointing down the layers,
        so a node used twice is drawn below both of its users.
        """
        children: dict[str, list[str]] = {n.id: [] for n in self.nodes}
        indegree = {n.id: 0 for n in self.nodes}
        for e in self.edges:
            children[e.source].append(e.target)
            indegree[e.target] += 1
        layer = {n.id: 0 for n in self.nodes}
        ready = [n.id for n in self.nodes if indegree[n.id] == 0]
        while ready:  # Kahn's topological order: autograd graphs are acyclic
            current = ready.pop(0)
            for child in children[current]:
                layer[child] = max(layer[child], layer[current] + 1)
                indegree[child] -= 1
                if indegree[child] == 0:
                    ready.append(child)
        return layer


def _array(t: torch.Tensor | None) -> np.ndarray | None:
    if t is None:
        return None
    return t.detach().cpu().numpy().copy()


def kept_grad(t: torch.Tensor) -> torch.Tensor | None:
    """``t.grad`` as PyTorch reports it, without its warning for a non-leaf tensor.

    Reading ``.grad`` of a non-leaf tensor that did not call ``retain_grad()`` returns
    ``None`` and raises a ``UserWarning`` ("not a leaf Tensor"); autograd never writes
    it, so ``None`` is the answer and there is nothing to read.
    """
    if t.is_leaf or t.retains_grad:
        return t.grad
    return None


def extract_graph(
    root: torch.Tensor,
    names: Mapping[str, torch.Tensor] | None = None,
    details: Mapping[str, str] | None = None,
) -> ComputationGraph:
    """Walk ``root.grad_fn`` and its ``next_functions`` into a :class:`ComputationGraph`.

    ``names`` maps the lesson's variable names to the tensors of the computation; a
    named tensor becomes a tensor node (with its value, and its ``.grad`` where the
    caller kept it with ``retain_grad()`` or it is a leaf).  Unnamed intermediates are
    skipped: the op that made them links straight to the op that consumed them.
    ``details`` maps a name to a formula shown on the op that produced that tensor.
    Constants (``None`` entries of ``next_functions``, such as the ``2`` in ``x + 2``)
    are not drawn.
    """
    names = dict(names or {})
    details = dict(details or {})
    nodes: list[GraphNode] = []
    edges: list[GraphEdge] = []
    # grad_fn objects stay alive in ``keep`` while we walk, so their ids are stable.
    keep: list[Any] = []
    op_ids: dict[int, str] = {}
    tensor_by_fn: dict[int, tuple[str, torch.Tensor]] = {}
    leaf_names: dict[int, str] = {}
    for name, t in names.items():
        if t.grad_fn is not None:
            keep.append(t.grad_fn)
            tensor_by_fn[id(t.grad_fn)] = (name, t)
        else:
            leaf_names[id(t)] = name

    def tensor_node(name: str, t: torch.Tensor) -> str:
        node_id = f"tensor:{name}"
        if not any(n.id == node_id for n in nodes):
            nodes.append(
                GraphNode(
                    id=node_id,
                    kind="tensor",
                    label=name,
                    name=name,
                    detail=f"{tuple(t.shape)} {str(t.dtype).removeprefix('torch.')}",
                    value=_array(t),
                    grad=_array(kept_grad(t)),
                    is_leaf=t.is_leaf,
                    retains_grad=t.retains_grad,
                )
            )
        return node_id

    def op_node(fn: Any) -> tuple[str, bool]:
        key = id(fn)
        if key in op_ids:
            return op_ids[key], False
        keep.append(fn)
        # ``AccumulateGrad.name()`` is the C++ ``torch::autograd::AccumulateGrad``.
        label = fn.name().rsplit("::", 1)[-1]
        node_id = f"op:{len(op_ids)}:{label}"
        op_ids[key] = node_id
        detail = ""
        if key in tensor_by_fn:
            detail = details.get(tensor_by_fn[key][0], "")
        variable = getattr(fn, "variable", None)  # AccumulateGrad holds its leaf
        if variable is not None:
            leaf = leaf_names.get(id(variable), "leaf")
            detail = f"writes {leaf}.grad"
        nodes.append(GraphNode(id=node_id, kind="op", label=label, detail=detail))
        return node_id, True

    if root.grad_fn is None:
        name = next((n for n, t in names.items() if t is root), "tensor")
        node_id = tensor_node(name, root)
        return ComputationGraph(tuple(nodes), (), node_id)

    root_name = next((n for n, t in names.items() if t is root), "out")
    root_id = tensor_node(root_name, root)
    first_id, _ = op_node(root.grad_fn)
    edges.append(GraphEdge(root_id, first_id))
    stack = [root.grad_fn]
    while stack:
        fn = stack.pop()
        fn_id = op_ids[id(fn)]
        variable = getattr(fn, "variable", None)
        if variable is not None:
            leaf_id = tensor_node(leaf_names.get(id(variable), "leaf"), variable)
            edges.append(GraphEdge(fn_id, leaf_id))
        for next_fn, _input_nr in fn.next_functions:
            if next_fn is None:
                continue
            keep.append(next_fn)
            next_id, is_new = op_node(next_fn)
            if id(next_fn) in tensor_by_fn and id(next_fn) != id(root.grad_fn):
                name, t = tensor_by_fn[id(next_fn)]
                t_id = tensor_node(name, t)
                edge = GraphEdge(fn_id, t_id)
                if edge not in edges:
                    edges.append(edge)
                if is_new:
                    edges.append(GraphEdge(t_id, next_id))
            else:
                edge = GraphEdge(fn_id, next_id)
                if edge not in edges:
                    edges.append(edge)
            if is_new:
                stack.append(next_fn)
    return ComputationGraph(tuple(nodes), tuple(edges), root_id)


# ---------------------------------------------------------------------------
# Section 1a: the scalar example
# ---------------------------------------------------------------------------


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
        y=_array(y),
        y_squared=_array(y_squared),
        z=_array(z),
        out=float(out.detach()),
        grad=_array(xt.grad),
        closed_form=closed_form,
        closed_form_factor=factor,
        grads={name: _array(kept_grad(t)) for name, t in named.items() if name != "x"},
        graph=graph,
        backward_done=backward,
        overflow=overflow,
        retain_grad=retain_grad,
        retained=frozenset(name for name, t in named.items() if t.retains_grad),
    )


# ---------------------------------------------------------------------------
# Section 1b: the vector-Jacobian product
# ---------------------------------------------------------------------------


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
    y_np = _array(y)
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
        return None if self._x is None else _array(self._x.grad)

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
            self._x is None or self._x.shape != x_np.shape or not np.array_equal(_array(self._x), x_np)
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
        grad_before = _array(x.grad)
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
            grad=_array(x.grad),
            contribution=_array(seen[0]) if seen else None,
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


__all__ = [
    "DEFAULT_SCALAR_X",
    "DEFAULT_THRESHOLD",
    "DEFAULT_V",
    "DEFAULT_VJP_X",
    "MAX_DOUBLINGS",
    "MAX_ELEMENTS",
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
