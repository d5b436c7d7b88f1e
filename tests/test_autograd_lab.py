"""The Autograd lab's core reproduces the lesson's first section and agrees with torch."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from playground.core import autograd_lab as lab
from playground.core.autograd_lab import (
    MAX_DOUBLINGS,
    LabInputError,
    VjpLab,
    scalar_example,
    vjp_example,
    vjp_forward,
)

SECOND_BACKWARD = "Trying to backward through the graph a second time"

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


def _torch_scalar(x: np.ndarray) -> tuple[torch.Tensor, ...]:
    """The lesson's scalar example, written out here independently of the lab."""
    xt = torch.tensor(x, dtype=torch.double, requires_grad=True)
    y = xt + 2
    z = y * y * 3
    out = z.mean()
    out.backward()
    return xt, y, z, out


def _torch_vjp(x: np.ndarray, threshold: float, v: np.ndarray) -> tuple[int, torch.Tensor, torch.Tensor]:
    xt = torch.tensor(x, dtype=torch.double, requires_grad=True)
    y = xt * 2
    count = 0
    while y.data.norm() < threshold:
        y = y * 2
        count += 1
    y.backward(torch.tensor(v, dtype=torch.float))
    return count, y.detach(), xt.grad


# --- the scalar example ---------------------------------------------------------------


def test_scalar_defaults_give_the_lessons_values():
    r = scalar_example()
    np.testing.assert_array_equal(r.x, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(r.y, [[3, 4], [5, 6]])
    np.testing.assert_array_equal(r.z, [[27, 48], [75, 108]])
    assert r.out == 64.5
    np.testing.assert_allclose(r.grad, [[4.5, 6.0], [7.5, 9.0]], rtol=0, atol=1e-12)
    assert r.closed_form_factor == 1.5
    np.testing.assert_allclose(r.closed_form, [[4.5, 6.0], [7.5, 9.0]], rtol=0, atol=1e-12)
    assert r.max_abs_difference < 1e-12
    assert r.backward_done


def test_scalar_without_backward_leaves_grad_none_like_pytorch():
    r = scalar_example(backward=False)
    assert r.grad is None and r.max_abs_difference is None
    assert all(g is None for g in r.grads.values())
    assert r.out == 64.5
    assert all(n.grad is None for n in r.graph.nodes)


@settings(max_examples=40, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=5),
        elements=finite,
    )
)
def test_scalar_agrees_with_torch_and_closed_form(x):
    r = scalar_example(x.tolist())
    xt, y, z, out = _torch_scalar(x)
    np.testing.assert_array_equal(r.y, y.detach().numpy())
    np.testing.assert_array_equal(r.z, z.detach().numpy())
    assert r.out == out.item()
    np.testing.assert_array_equal(r.grad, xt.grad.numpy())
    # the closed form, computed here by hand: d out/dx = 6 (x + 2) / n
    expected = 6.0 * (x + 2.0) / x.size
    np.testing.assert_allclose(r.closed_form, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(r.grad, expected, rtol=1e-9, atol=1e-9)


def _torch_scalar_retained(x, retain: bool) -> tuple[torch.Tensor, ...]:
    """The scalar example in torch itself, with or without y/z.retain_grad()."""
    xt = torch.tensor(x, dtype=torch.double, requires_grad=True)
    y = xt + 2
    z = y * y * 3
    if retain:
        y.retain_grad()
        z.retain_grad()
    out = z.mean()
    out.backward()
    return xt, y, z, out


def test_torch_leaves_non_leaf_grads_none_and_warns():
    """What the lab must mirror: PyTorch's own answer for y.grad without retain_grad()."""
    _, y, z, out = _torch_scalar_retained([[1.0, 2.0], [3.0, 4.0]], retain=False)
    for t in (y, z, out):
        assert not t.is_leaf and not t.retains_grad
        with pytest.warns(UserWarning, match="not a leaf Tensor"):
            assert t.grad is None


def test_scalar_without_retain_grad_reports_none_for_y_and_z_without_a_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = scalar_example([[0.0, 1.0], [-2.0, 5.0]])
    assert not [w for w in caught if issubclass(w.category, UserWarning)]
    assert not r.retain_grad and r.retained == frozenset()
    assert r.grads == {"y": None, "y * y": None, "z": None, "out": None}
    tensors = {n.name: n for n in r.graph.nodes if n.kind == "tensor"}
    for name in ("y", "y * y", "z", "out"):
        assert tensors[name].grad is None and not tensors[name].grad_kept
    assert tensors["x"].grad_kept and tensors["x"].grad is not None


@pytest.mark.parametrize("x", [[[1.0, 2.0], [3.0, 4.0]], [[0.0, 1.0], [-2.0, 5.0]], [[-3.5, 2.0, 7.0]]])
def test_scalar_with_retain_grad_gives_torchs_y_and_z_grads(x):
    r = scalar_example(x, retain_grad=True)
    xt, y, z, _ = _torch_scalar_retained(x, retain=True)
    assert r.retain_grad and r.retained == frozenset({"y", "z"})
    np.testing.assert_array_equal(r.grads["y"], y.grad.numpy())
    np.testing.assert_array_equal(r.grads["z"], z.grad.numpy())
    # d out/dy = 6 y / n, and d out/dz = 1 / n: what torch computed above
    np.testing.assert_allclose(r.grads["y"], 6.0 * (np.asarray(x) + 2.0) / np.size(x), rtol=1e-12)
    np.testing.assert_allclose(r.grads["z"], np.full(np.shape(x), 1.0 / np.size(x)), rtol=1e-12)
    np.testing.assert_array_equal(r.grad, xt.grad.numpy())  # x.grad is the same either way
    # only y and z were asked for: y * y and out stay None, as in torch
    assert r.grads["y * y"] is None and r.grads["out"] is None
    tensors = {n.name: n for n in r.graph.nodes if n.kind == "tensor"}
    assert tensors["y"].retains_grad and tensors["z"].retains_grad
    np.testing.assert_array_equal(tensors["y"].grad, y.grad.numpy())
    np.testing.assert_array_equal(tensors["z"].grad, z.grad.numpy())
    assert tensors["out"].grad is None and not tensors["out"].grad_kept


def test_scalar_with_retain_grad_but_no_backward_keeps_none():
    r = scalar_example(retain_grad=True, backward=False)
    assert r.grads["y"] is None and r.grads["z"] is None
    tensors = {n.name: n for n in r.graph.nodes if n.kind == "tensor"}
    assert tensors["y"].grad_kept and tensors["y"].grad is None


@pytest.mark.parametrize("retain", [False, True])
def test_scalar_code_runs_to_the_labs_gradients(retain):
    code = lab.scalar_code(retain_grad=retain)
    assert ("y.retain_grad()" in code) == retain and ("z.retain_grad()" in code) == retain
    if retain:  # retain_grad() only works when called before the backward
        assert code.index("z.retain_grad()") < code.index("out.backward()")
    printed: list = []
    namespace = {"torch": torch, "print": printed.append}
    exec(code, namespace)  # noqa: S102 - our own generated snippet, checked against the lab
    r = scalar_example(retain_grad=retain)
    np.testing.assert_array_equal(printed[0].numpy(), r.grad)
    if retain:
        np.testing.assert_array_equal(printed[1].numpy(), r.grads["y"])
        np.testing.assert_array_equal(printed[2].numpy(), r.grads["z"])
    else:
        assert len(printed) == 1


def test_scalar_accepts_typed_strings_and_arrays():
    r = scalar_example([[" 1 ", "2e0"], ["\u22123", "4.5"]])
    np.testing.assert_array_equal(r.x, [[1, 2], [-3, 4.5]])
    r2 = scalar_example(np.array([[1.0, 2.0, 3.0]]))
    np.testing.assert_allclose(r2.grad, 2.0 * (np.array([[1.0, 2.0, 3.0]]) + 2))


def test_scalar_overflow_is_reported_not_hidden():
    r = scalar_example([[1e200, 1.0], [2.0, 3.0]])
    assert r.overflow and math.isinf(r.out)
    assert not scalar_example().overflow


@pytest.mark.parametrize(
    "bad, field",
    [
        ([[1, 2], [3, "abc"]], "x[1][1]"),
        ([["", 2], [3, 4]], "x[0][0]"),
        ([[1, 2], [3, float("nan")]], "x[1][1]"),
        ([[1, "inf"], [3, 4]], "x[0][1]"),
        ([[1, 2], [3]], "x[1]"),
        ([1, 2, 3], "x[0]"),
        ([[1, True], [3, 4]], "x[0][1]"),
        ([[1, None], [3, 4]], "x[0][1]"),
        ("1, 2", "x"),
        ([], "x"),
        ([[]], "x[0]"),
        (np.zeros(3), "x"),
        (np.zeros((101, 100)), "x"),
        (5, "x"),
    ],
)
def test_scalar_refuses_bad_input_naming_the_field(bad, field):
    with pytest.raises(LabInputError) as info:
        scalar_example(bad)
    assert info.value.field == field
    assert str(info.value).startswith(field + ":")


def test_scalar_graph_has_the_lessons_nodes_and_edges():
    g = scalar_example().graph
    labels = [n.label for n in g.nodes]
    assert labels.count("MeanBackward0") == 1
    assert labels.count("MulBackward0") == 2  # y * y, then * 3
    assert labels.count("AddBackward0") == 1
    assert labels.count("AccumulateGrad") == 1
    tensors = {n.name: n for n in g.nodes if n.kind == "tensor"}
    assert set(tensors) == {"x", "y", "y * y", "z", "out"}
    assert tensors["x"].is_leaf and not tensors["y"].is_leaf
    np.testing.assert_allclose(tensors["x"].grad, [[4.5, 6.0], [7.5, 9.0]])
    np.testing.assert_array_equal(tensors["z"].value, [[27, 48], [75, 108]])
    assert g.root == "tensor:out"

    def one(label):
        (node,) = g.by_label(label)
        return node.id

    edges = {(e.source, e.target) for e in g.edges}
    # the path backward() walks: out -> mean -> z -> mul -> y*y -> mul -> y -> add -> acc -> x
    assert ("tensor:out", one("MeanBackward0")) in edges
    assert (one("MeanBackward0"), "tensor:z") in edges
    assert ("tensor:y", one("AddBackward0")) in edges
    assert (one("AddBackward0"), one("AccumulateGrad")) in edges
    assert (one("AccumulateGrad"), "tensor:x") in edges
    assert g.node(one("AccumulateGrad")).detail == "writes x.grad"
    assert len(g.edges) == len(g.nodes) - 1  # a chain: the constants 2 and 3 are not drawn
    layers = g.layers()
    assert layers["tensor:out"] == 0 and layers["tensor:x"] == max(layers.values())
    assert all(layers[e.target] > layers[e.source] for e in g.edges)


def test_graph_of_a_shared_input_has_one_node_per_function():
    a = torch.tensor([1.0, 2.0], dtype=torch.double, requires_grad=True)
    b = a * 3
    c = (b + b.sin()).sum()
    c.backward()
    g = lab.extract_graph(c, {"a": a, "b": b, "c": c})
    labels = sorted(n.label for n in g.nodes if n.kind == "op")
    assert labels == sorted(
        ["SumBackward0", "AddBackward0", "SinBackward0", "MulBackward0", "AccumulateGrad"]
    )
    layers = g.layers()
    # b feeds both the add and the sin: drawn below both
    assert layers["tensor:b"] > layers[g.by_label("SinBackward0")[0].id]
    assert all(layers[e.target] > layers[e.source] for e in g.edges)
    # unnamed sin output: Add links straight to SinBackward0
    assert (g.by_label("AddBackward0")[0].id, g.by_label("SinBackward0")[0].id) in {
        (e.source, e.target) for e in g.edges
    }
    np.testing.assert_allclose(g.node("tensor:a").grad, 3.0 * (1.0 + np.cos(3.0 * np.array([1.0, 2.0]))))


def test_graph_of_a_leaf_is_just_the_leaf():
    a = torch.ones(2, requires_grad=True)
    g = lab.extract_graph(a, {"a": a})
    assert [n.id for n in g.nodes] == ["tensor:a"] and g.edges == ()


# --- the vector-Jacobian product ------------------------------------------------------


def test_vjp_defaults_give_the_lessons_values():
    r = vjp_example()
    assert r.forward.doublings == 8 and r.forward.factor == 512.0
    assert not r.forward.capped
    np.testing.assert_array_equal(r.forward.y, [512.0, 1024.0, 1536.0])
    assert r.v.dtype == np.float32
    np.testing.assert_allclose(r.grad, [51.2, 512.0, 0.0512], rtol=1e-6)
    np.testing.assert_array_equal(r.contribution, r.grad)
    assert r.error is None and r.grad_before is None and not r.accumulated
    assert r.graph_freed and r.backward_count == 1


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.floats(-50, 50, allow_nan=False).filter(lambda f: abs(f) > 1e-3), min_size=1, max_size=6
    ).flatmap(
        lambda xs: st.tuples(
            st.just(xs),
            st.lists(finite, min_size=len(xs), max_size=len(xs)),
            st.floats(-10, 1e7, allow_nan=False),
        )
    )
)
def test_vjp_agrees_with_torch(args):
    x, v, threshold = args
    x, v = np.array(x), np.array(v)
    count, y, grad = _torch_vjp(x, threshold, v)
    r = vjp_example(x, threshold, v)
    assert r.forward.doublings == count
    assert r.forward.factor == 2.0 ** (count + 1)
    np.testing.assert_array_equal(r.forward.y, y.numpy())
    np.testing.assert_array_equal(r.grad, grad.numpy())
    # v^T J for y = 2^(k+1) x is 2^(k+1) v (v rounded to float32 as in the lesson)
    np.testing.assert_allclose(r.grad, r.forward.factor * v.astype(np.float32), rtol=1e-12)


@pytest.mark.parametrize(
    "x, threshold, doublings",
    [([1, 2, 3], 1000, 8), ([1, 2, 3], 7.0, 0), ([1, 2, 3], -1, 0), ([1, 2, 3], 14.0, 1), ([0.001], 1, 9)],
)
def test_doublings_count(x, threshold, doublings):
    f = vjp_forward(x, threshold)
    assert f.doublings == doublings
    np.testing.assert_array_equal(f.y, np.array(x, dtype=np.float64) * 2.0 ** (doublings + 1))
    assert f.norm >= threshold


def test_gradients_accumulate_across_presses_unless_zeroed():
    session = VjpLab()
    first = session.backward()
    second = session.backward()  # a fresh graph from the same x tensor
    assert not first.accumulated and second.accumulated and not second.new_tensor
    np.testing.assert_array_equal(second.grad_before, first.grad)
    np.testing.assert_allclose(second.grad, 2 * first.grad)
    np.testing.assert_array_equal(second.contribution, first.contribution)
    third = session.backward(zero_grad=True)
    assert third.zeroed and not third.accumulated
    np.testing.assert_array_equal(third.grad_before, np.zeros(3))
    np.testing.assert_array_equal(third.grad, first.grad)


def test_changing_x_makes_a_new_tensor_whose_grad_starts_empty():
    session = VjpLab()
    session.backward([1, 2, 3])
    r = session.backward([1, 2, 4])
    assert r.new_tensor and r.grad_before is None
    np.testing.assert_array_equal(r.grad, r.contribution)
    assert session.backward("1, 2, 4").new_tensor is False


def test_changing_threshold_keeps_x_and_adds_a_different_vjp():
    session = VjpLab()
    session.backward(threshold=1000)
    r = session.backward(threshold=2000)
    assert r.forward.doublings == 9 and not r.new_tensor
    np.testing.assert_allclose(
        r.grad, (512 + 1024) * np.array([0.1, 1.0, 0.0001], dtype=np.float32), rtol=1e-7
    )


def test_accumulate_into_prefills_grad():
    r = vjp_example(accumulate_into=[1.0, 1.0, 1.0])
    assert r.accumulated
    np.testing.assert_allclose(r.grad, 1.0 + 512.0 * np.array([0.1, 1.0, 0.0001], dtype=np.float32))


def test_second_backward_on_freed_graph_returns_pytorchs_error():
    r = vjp_example(backward_twice=True)
    assert r.error is not None and r.error.startswith(SECOND_BACKWARD)
    assert "retain_graph=True" in r.error
    # the failed call changed nothing
    np.testing.assert_array_equal(r.grad, r.grad_before)
    assert r.contribution is None and r.backward_count == 1
    # and it is PyTorch's message, word for word
    x = torch.tensor([1.0, 2.0, 3.0], dtype=torch.double, requires_grad=True)
    y = x * 2
    y.backward(torch.ones(3))
    with pytest.raises(RuntimeError) as info:
        y.backward(torch.ones(3))
    assert r.error == str(info.value)


def test_retain_graph_lets_the_second_backward_run_and_accumulate():
    r = vjp_example(backward_twice=True, retain_graph=True)
    assert r.error is None and r.same_graph and r.backward_count == 2 and r.accumulated
    np.testing.assert_allclose(r.grad, 2 * 512.0 * np.array([0.1, 1.0, 0.0001], dtype=np.float32))


def test_retain_graph_only_on_the_first_call_then_a_third_fails():
    session = VjpLab()
    session.backward(retain_graph=True)
    assert not session.graph_freed
    second = session.backward_again(retain_graph=False)
    assert second.error is None and second.graph_freed
    third = session.backward_again()
    assert third.error.startswith(SECOND_BACKWARD)


def test_backward_again_without_a_graph_is_refused():
    with pytest.raises(LabInputError) as info:
        VjpLab().backward_again()
    assert info.value.field == "graph"


def test_reset_forgets_x_and_its_grad():
    session = VjpLab()
    session.backward()
    session.reset()
    assert session.grad is None and not session.has_graph
    assert session.backward().new_tensor


@pytest.mark.parametrize(
    "x, threshold",
    [([0, 0, 0], 1000), ([0.0], 1.0), ([1, 2, 3], float("inf")), ([1, 2, 3], "inf"), ([1e-300], 1e300)],
)
def test_loops_that_would_not_end_terminate(x, threshold):
    r = vjp_example(x, threshold, [1.0] * len(x))
    f = r.forward
    assert f.doublings <= MAX_DOUBLINGS
    assert f.capped or f.norm_overflow
    assert r.grad is not None


def test_zero_x_is_capped_and_says_so():
    f = vjp_forward([0, 0, 0])
    assert f.capped and f.doublings == MAX_DOUBLINGS and f.norm == 0.0
    assert not vjp_forward().capped


def test_infinite_threshold_stops_where_the_norm_overflows():
    f = vjp_forward([1, 2, 3], "inf")
    # ||y||^2 overflows float64 once the elements pass ~1e154: torch then reports inf
    assert f.norm_overflow and not f.capped and not f.overflow
    assert np.isfinite(f.y).all() and f.doublings < MAX_DOUBLINGS


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(x="1, a, 3"), "x[1]"),
        (dict(x=""), "x"),
        (dict(x="[ ]"), "x"),
        (dict(x=[[1, 2]]), "x[0]"),
        (dict(x=np.zeros((2, 2))), "x"),
        (dict(x="1, nan, 3"), "x[1]"),
        (dict(x=["1", "2", "inf"]), "x[2]"),
        (dict(x=object()), "x"),
        (dict(threshold="lots"), "threshold"),
        (dict(threshold="nan"), "threshold"),
        (dict(threshold=""), "threshold"),
        (dict(threshold=None), "threshold"),
        (dict(v="0.1, 1.0"), "v"),
        (dict(v="0.1, 1.0, x"), "v[2]"),
        (dict(v="0.1, 1.0, inf"), "v[2]"),
        (dict(x=",".join(["1"] * (lab.MAX_ELEMENTS + 1))), "x"),
        (dict(accumulate_into=[1, 2]), "accumulate_into"),
    ],
)
def test_vjp_refuses_bad_input_naming_the_field(kwargs, field):
    with pytest.raises(LabInputError) as info:
        vjp_example(**kwargs)
    assert info.value.field == field
    assert str(info.value).startswith(field + ":")


def test_vector_text_forms():
    for text in ("1, 2, 3", "[1, 2, 3]", "(1 2 3)", "1;2;3", " 1,  2 ,3 "):
        np.testing.assert_array_equal(lab.parse_vector(text), [1.0, 2.0, 3.0])
    assert lab.parse_threshold("1e3") == 1000.0 and lab.parse_threshold("-inf") == -math.inf


def test_bad_input_in_a_press_keeps_the_session():
    session = VjpLab()
    first = session.backward()
    with pytest.raises(LabInputError):
        session.backward(v="oops")
    np.testing.assert_array_equal(session.grad, first.grad)
    assert session.backward_again(retain_graph=True).error.startswith(SECOND_BACKWARD)


def test_core_module_imports_no_qt():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(lab))
    imported = {
        (n.module if isinstance(n, ast.ImportFrom) else a.name).split(".")[0]
        for n in ast.walk(tree)
        if isinstance(n, (ast.Import, ast.ImportFrom))
        for a in (n.names if isinstance(n, ast.Import) else [n])
    }
    assert not imported & {"PySide6", "PyQt5", "PyQt6", "pyqtgraph", "superqt", "qtpy"}
