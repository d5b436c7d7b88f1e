"""The gradient check: passes on every style, catches a wrong hand-written backward."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from playground.core.config import TrainConfig
from playground.core.gradcheck import (
    GradCheckReport,
    float64_twin,
    grade,
    gradient_check,
    torch_reference_loss,
    worst_grade,
)
from playground.core.models import NumpyRunner, build_runner

SMALL = dict(N=8, D_in=20, H=10, D_out=3, device="cpu", check_memory=False)


def trained_runner(steps: int = 3, **kw):
    """A runner of a small config after a few training steps (weights no longer fresh)."""
    runner = build_runner(TrainConfig(**{**SMALL, **kw}))
    for _ in range(steps):
        runner.forward_backward()
        runner.update()
    return runner


def state_of(runner):
    """Copies of the runner's weights and gradients, for before/after comparisons."""
    weights = {n: p.detach().clone() for n, p in runner.named_params()}
    grads = {n: None if g is None else g.detach().clone() for n, g in runner.named_grads()}
    return weights, grads


CASES = [
    (style, activation, loss)
    for style in ("numpy", "tensors", "sequential", "module")
    for activation, loss in (("none", "sum"), ("relu", "mean"), ("tanh", "sum"), ("sigmoid", "mean"))
]


@pytest.mark.parametrize(("style", "activation", "loss"), CASES)
def test_check_grades_good_for_every_style(style, activation, loss):
    runner = trained_runner(style=style, activation=activation, loss=loss)
    report = gradient_check(runner)
    assert isinstance(report, GradCheckReport)
    assert report.style == style
    assert [p.name for p in report.params] == [n for n, _ in runner.named_params()]
    for p in report.params:
        assert p.grade == "good", (p.name, p.rel_error, p.analytic, p.numeric)
        assert len(p.indices) == min(6, math.prod(p.shape))
        assert p.rel_error < 1e-7
    assert report.grade == "good" and report.passed
    # The float64 loss is the configured loss at the current weights.
    twin = float64_twin(runner)
    assert report.loss == pytest.approx(float(twin.forward_backward()), rel=1e-12)


@pytest.mark.parametrize("bias", [False, True])
def test_check_honours_bias(bias):
    runner = trained_runner(style="tensors", bias=bias, activation="tanh")
    names = [p.name for p in gradient_check(runner).params]
    assert names == (["w1", "w2", "b1", "b2"] if bias else ["w1", "w2"])
    assert gradient_check(runner).grade == "good"


class DropsFactorTwo(NumpyRunner):
    """A hand-written backward that forgets the 2 of d(diff^2)/d(diff)."""

    def backward(self, params, cache):
        grads = super().backward(params, cache)
        return {n: g / 2 for n, g in grads.items()}


class WrongTranspose(NumpyRunner):
    """Back-propagates through w2 instead of w2.T (shapes agree only when H == D_out)."""

    def backward(self, params, cache):
        grads = super().backward(params, cache)
        grad_y_pred = 2.0 * cache["diff"]
        grad_h = grad_y_pred.dot(params["w2"]) * self.dact(cache["h"], cache["h_act"])
        grads["w1"] = self.x.T.dot(grad_h)
        return grads


def buggy_runner(cls, **kw):
    cfg = TrainConfig(**{**SMALL, "style": "numpy", **kw})
    runner = cls(cfg)
    for _ in range(2):
        runner.forward_backward()
        runner.update()
    return runner


def test_check_fails_a_backward_that_drops_a_factor_of_two():
    report = gradient_check(buggy_runner(DropsFactorTwo))
    for p in report.params:
        assert p.grade == "wrong"
        assert p.rel_error == pytest.approx(1 / 3, rel=1e-4)  # |a - 2a| / (a + 2a)
        assert p.autograd_rel_diff == pytest.approx(0.5, rel=1e-6)
    assert report.grade == "wrong" and not report.passed


def test_check_fails_a_backward_that_transposes_wrongly():
    report = gradient_check(buggy_runner(WrongTranspose, H=3, D_out=3))
    checks = report.by_name()
    assert checks["w1"].grade == "wrong"
    assert checks["w1"].autograd_rel_diff > 1e-2
    assert checks["w2"].grade == "good"  # the bug is upstream of w2's gradient
    assert report.grade == "wrong"


def test_check_uses_the_subclass_backward_not_the_base_class():
    good = gradient_check(buggy_runner(NumpyRunner))
    bad = gradient_check(buggy_runner(DropsFactorTwo))
    assert good.grade == "good"
    assert bad.grade == "wrong"


@pytest.mark.parametrize("style", ["numpy", "tensors", "sequential", "module"])
def test_check_leaves_the_runner_untouched(style):
    runner = trained_runner(style=style, bias=True, activation="relu")
    runner.forward_backward()  # live gradients present, as between two halves of a step
    weights, grads = state_of(runner)
    opt_state = None
    if getattr(runner, "optimizer", None) is not None:
        opt_state = {k: v.clone() for k, v in runner.optimizer.state_dict()["state"][0].items()}
    gradient_check(runner)
    after_w, after_g = state_of(runner)
    for n in weights:
        assert torch.equal(weights[n], after_w[n]), n
        assert torch.equal(grads[n], after_g[n]), n
        assert after_w[n].dtype == weights[n].dtype
    if opt_state is not None:
        now = runner.optimizer.state_dict()["state"][0]
        for k, v in opt_state.items():
            assert torch.equal(v, now[k])
    # Training goes on as if nothing happened: the next loss equals an unchecked twin's.
    twin = trained_runner(style=style, bias=True, activation="relu")
    twin.forward_backward()
    runner.update()
    twin.update()
    assert float(runner.forward_backward()) == float(twin.forward_backward())


def test_check_does_not_touch_the_global_torch_generator():
    runner = trained_runner(style="sequential")
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    gradient_check(runner)
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize(("activation", "loss", "bias"), [("none", "sum", False), ("sigmoid", "mean", True), ("relu", "sum", True)])
def test_numpy_backward_matches_autograd(activation, loss, bias):
    runner = trained_runner(style="numpy", activation=activation, loss=loss, bias=bias)
    report = gradient_check(runner)
    assert report.autograd_max_rel_diff is not None
    assert report.autograd_max_rel_diff < 1e-12
    assert all(p.autograd_rel_diff is not None and p.autograd_rel_diff < 1e-12 for p in report.params)


def test_torch_styles_report_no_autograd_comparison():
    report = gradient_check(trained_runner(style="tensors"))
    assert report.autograd_max_rel_diff is None
    assert all(p.autograd_rel_diff is None for p in report.params)


def test_reference_loss_matches_the_numpy_forward():
    runner = trained_runner(style="numpy", activation="tanh", loss="mean", bias=True)
    twin = float64_twin(runner)
    params = {n: torch.from_numpy(w) for n, w in twin.params.items()}
    ref = torch_reference_loss(params, torch.from_numpy(twin.x), torch.from_numpy(twin.y), "tanh", "mean")
    assert float(ref) == pytest.approx(twin.forward(twin.params)[0], rel=1e-13)


def test_check_works_on_float64_runs_and_before_the_first_step():
    runner = build_runner(TrainConfig(**SMALL, style="module", dtype="float64"))
    assert all(g is None for _, g in runner.named_grads())
    assert gradient_check(runner).grade == "good"
    assert all(g is None for _, g in runner.named_grads())


def test_check_is_reproducible_per_seed():
    runner = trained_runner(style="tensors")
    a, b = gradient_check(runner, seed=1), gradient_check(runner, seed=1)
    assert a == b
    c = gradient_check(runner, seed=2)
    assert [p.indices for p in c.params] != [p.indices for p in a.params]


def test_samples_include_the_largest_gradient_entry():
    runner = trained_runner(style="numpy", activation="relu")
    runner.forward_backward()
    report = gradient_check(runner, samples_per_param=3)
    for p in report.params:
        g = np.abs(runner.grads[p.name]).reshape(-1)
        assert p.indices[0] == int(np.argmax(g))
        assert len(p.indices) == 3


def test_a_diverged_runner_is_refused_with_a_message():
    runner = trained_runner(style="numpy")
    runner.params["w1"][0, 0] = np.inf
    with pytest.raises(ValueError, match="not finite|inf|nan"):
        gradient_check(runner)


@pytest.mark.parametrize(
    ("err", "expected"),
    [(0.0, "good"), (9e-8, "good"), (1e-7, "acceptable"), (5e-5, "acceptable"), (1e-3, "suspicious"),
     (1e-2, "suspicious"), (0.02, "wrong"), (math.inf, "wrong"), (math.nan, "wrong")],
)
def test_grades(err, expected):
    assert grade(err) == expected


def test_worst_grade_orders_wrong_last():
    assert worst_grade(["good", "acceptable"]) == "acceptable"
    assert worst_grade(["good", "unresolved", "suspicious"]) == "unresolved"
    assert worst_grade(["unresolved", "wrong"]) == "wrong"
