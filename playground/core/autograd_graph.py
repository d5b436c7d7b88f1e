"""The computation graph ``backward()`` walks, read out of autograd for drawing.

:func:`extract_graph` follows a tensor's ``grad_fn`` and its ``next_functions`` into a
frozen :class:`ComputationGraph` of NumPy copies (no tensors kept), which the GUI's
graph view draws.  :func:`kept_grad` reads ``.grad`` as PyTorch reports it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch


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


def numpy_copy(t: torch.Tensor | None) -> np.ndarray | None:
    """A detached CPU copy of ``t`` (``None`` stays ``None``): results outlive the tensors."""
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
                    value=numpy_copy(t),
                    grad=numpy_copy(kept_grad(t)),
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
