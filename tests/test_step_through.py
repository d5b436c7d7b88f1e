"""The step-through: its stages equal a NumPy pass written here from the inputs it prints."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from playground.cli import main
from playground.core.config import ACTIVATIONS, STYLES, TrainConfig
from playground.core.models import build_runner
from playground.core.step_through import SMALL_SIZES, small_config, step_through


def run_json(capsys, *args: str) -> dict:
    assert main(["step-through", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def reference_stages(doc: dict) -> dict[str, np.ndarray]:
    """The lesson's NumPy pass, in float64, from the printed inputs and configuration."""
    cfg = doc["config"]
    inp = {k: np.array(v, dtype=np.float64) for k, v in doc["inputs"].items()}
    x, y, w1, w2 = inp["x"], inp["y"], inp["w1"], inp["w2"]
    act, lr = cfg["activation"], cfg["lr"]
    out: dict[str, np.ndarray] = {}
    h = x @ w1 + (inp["b1"] if "b1" in inp else 0.0)
    out["h"] = h
    if act == "relu":
        a = np.where(h > 0, h, 0.0)
    elif act == "tanh":
        a = np.tanh(h)
    elif act == "sigmoid":
        a = 1.0 / (1.0 + np.exp(-h))
    else:
        a = h
    if act != "none":
        out[f"h_{act}"] = a
    y_pred = a @ w2 + (inp["b2"] if "b2" in inp else 0.0)
    out["y_pred"] = y_pred
    if cfg["loss"] == "cross-entropy":
        labels = y.astype(int)
        rows = np.arange(len(labels))
        e = np.exp(y_pred - y_pred.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        out["loss"] = np.array(-np.mean(np.log(p[rows, labels])))
        onehot = np.zeros_like(p)
        onehot[rows, labels] = 1.0
        g = (p - onehot) / len(labels)
    elif cfg["loss"] == "mean":
        out["loss"] = np.array(np.mean((y_pred - y) ** 2))
        g = 2.0 * (y_pred - y) / y.size
    else:
        out["loss"] = np.array(np.sum((y_pred - y) ** 2))
        g = 2.0 * (y_pred - y)
    out["grad_y_pred"] = g
    out["grad_w2"] = a.T @ g
    gb2 = g.sum(axis=0)
    ga = g @ w2.T
    if act != "none":
        out[f"grad_h_{act}"] = ga
    slope = {"relu": (h > 0).astype(float), "tanh": 1.0 - np.tanh(h) ** 2,
             "sigmoid": a * (1.0 - a), "none": np.ones_like(h)}[act]
    gh = ga * slope
    out["grad_h"] = gh
    out["grad_w1"] = x.T @ gh
    grads = {"w1": out["grad_w1"], "w2": out["grad_w2"]}
    if "b1" in inp:
        out["grad_b1"] = grads["b1"] = gh.sum(axis=0)
        out["grad_b2"] = grads["b2"] = gb2
    for name, gr in grads.items():
        if cfg["optimizer"] in ("sgd-manual", "sgd", "momentum"):
            out[name] = inp[name] - lr * gr
        elif cfg["optimizer"] == "adam":  # first step: m = (1-b1) g, v = (1-b2) g², bias-corrected
            m_hat = (1 - 0.9) * gr / (1 - 0.9)
            v_hat = (1 - 0.999) * gr * gr / (1 - 0.999)
            out[name] = inp[name] - lr * m_hat / (np.sqrt(v_hat) + 1e-8)
    return out


def assert_close(name: str, got, want: np.ndarray) -> None:
    got = np.asarray(got, dtype=np.float64)
    assert got.shape == want.shape, name
    scale = max(1.0, float(np.max(np.abs(want)))) if want.size else 1.0
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=2e-5 * scale, err_msg=name)


def expected_names(style_doc: dict) -> list[str]:
    cfg = style_doc["config"]
    act, bias = cfg["activation"], cfg["bias"]
    a = [f"h_{act}"] if act != "none" else []
    names = ["h", *a, "y_pred", "loss", "grad_y_pred", "grad_w2"]
    names += ["grad_b2"] if bias else []
    names += [f"grad_h_{act}"] if act != "none" else []
    names += ["grad_h", "grad_w1"] + (["grad_b1"] if bias else [])
    return names + ["w1", "w2"] + (["b1", "b2"] if bias else [])


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("bias", [False, True])
def test_every_stage_equals_an_independent_numpy_pass(capsys, style, activation, bias):
    flag = "--bias" if bias else "--no-bias"
    doc = run_json(capsys, "--small", "--style", style, "--activation", activation, flag)
    assert [s["name"] for s in doc["stages"]] == expected_names(doc)
    assert set(doc["inputs"]) == {"x", "y", "w1", "w2"} | ({"b1", "b2"} if bias else set())
    ref = reference_stages(doc)
    for stage in doc["stages"]:
        assert_close(stage["name"], stage["value"], ref[stage["name"]])
        assert stage["shape"] == list(ref[stage["name"]].shape)
        assert stage["code"]
        if stage["part"] == "backward":  # autograd's value for the same tensor, and the difference
            assert_close("autograd " + stage["name"], stage["autograd"], ref[stage["name"]])
            diff = np.max(np.abs(np.array(stage["value"]) - np.array(stage["autograd"])))
            assert stage["max_abs_diff"] == pytest.approx(diff, rel=1e-6, abs=1e-12)


@pytest.mark.parametrize("style", STYLES)
def test_the_lessons_own_sizes_work_too(capsys, style):
    doc = run_json(capsys, "--style", style)
    assert np.array(doc["inputs"]["x"]).shape == (64, 1000)
    ref = reference_stages(doc)
    for stage in doc["stages"]:
        assert_close(stage["name"], stage["value"], ref[stage["name"]])


def test_adam_first_update_is_the_algorithms_first_step(capsys):
    doc = run_json(capsys, "--small", "--style", "sequential", "--optimizer", "adam", "--lr", "0.01")
    ref = reference_stages(doc)
    for name in ("w1", "w2", "b1", "b2"):
        stage = next(s for s in doc["stages"] if s["name"] == name)
        assert_close(name, stage["value"], ref[name])
        assert_close("optimizer.step " + name, stage["torch"], ref[name])


def test_inputs_are_the_lessons_draws_after_the_seed(capsys):
    doc = run_json(capsys, "--small", "--style", "tensors", "--seed", "7")
    torch.manual_seed(7)
    n, d_in, h, d_out = (SMALL_SIZES[k] for k in ("N", "D_in", "H", "D_out"))
    draws = {"x": torch.randn(n, d_in), "y": torch.randn(n, d_out), "w1": torch.randn(d_in, h),
             "w2": torch.randn(h, d_out)}
    for name, t in draws.items():  # float32 written as JSON numbers comes back bit for bit
        np.testing.assert_array_equal(np.array(doc["inputs"][name], dtype=np.float32), t.numpy(), err_msg=name)


@pytest.mark.parametrize("style", STYLES)
def test_the_loss_is_the_loss_of_a_runs_first_step(style):
    cfg = small_config(TrainConfig(style=style, activation="tanh"))
    st = step_through(cfg)
    runner = build_runner(cfg, "cpu")
    first = float(runner.forward_backward())
    # The style's own computation gives the run's loss to the last digit: NumPy's by hand, or torch's.
    own = st.stage("loss").value if style == "numpy" else st.stage("loss").reference
    assert float(own) == first
    assert float(st.stage("loss").value) == pytest.approx(first, rel=1e-5)


def test_nn_weights_are_written_the_lessons_way_round():
    cfg = small_config(TrainConfig(style="module"))
    st = step_through(cfg)
    runner = build_runner(cfg, "cpu")
    np.testing.assert_array_equal(st.inputs["w1"], runner.model.linear1.weight.detach().numpy().T)
    assert st.stage("grad_w1").shape == (SMALL_SIZES["D_in"], SMALL_SIZES["H"])
    assert st.stage("grad_w1").reference_code == "model.linear1.weight.grad.T"


def test_torchs_random_state_is_left_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    step_through(small_config())
    assert torch.equal(torch.rand(3), expected)


def test_json_round_trip_keeps_every_stage(capsys):
    doc = run_json(capsys, "--small", "--activation", "relu", "--loss", "mean")
    again = json.loads(json.dumps(doc))
    assert again == doc
    st = step_through(small_config(TrainConfig(activation="relu", loss="mean")))
    assert [s["name"] for s in doc["stages"]] == st.names()
    for stage, s in zip(doc["stages"], st.stages, strict=True):
        np.testing.assert_array_equal(np.array(stage["value"]), s.value.astype(np.float64))
        assert stage["code"] == s.code


def test_classification_stages_use_cross_entropy(capsys, tmp_path):
    path = tmp_path / "circles.json"
    path.write_text(json.dumps({"dataset": "circles", "style": "module"}))
    doc = run_json(capsys, "--small", "--config", str(path))
    assert doc["config"]["loss"] == "cross-entropy"
    assert all(isinstance(v, int) for v in doc["inputs"]["y"])
    ref = reference_stages(doc)
    for stage in doc["stages"]:
        assert_close(stage["name"], stage["value"], ref[stage["name"]])


def test_the_update_outside_no_grad_mistake_is_noted():
    st = step_through(small_config(TrainConfig(style="tensors", mistake="update-outside-no-grad")))
    assert "raises" in st.stage("w1").note
    assert st.stage("w1").reference is None
    assert math.isfinite(st.largest_gradient_difference())


def test_text_output_lists_the_stages_in_order(capsys):
    assert main(["step-through", "--small", "--activation", "relu"]) == 0
    out = capsys.readouterr().out
    lines = ["h = x.dot(w1)", "h_relu = np.maximum(h, 0)", "y_pred = h_relu.dot(w2)", "grad_y_pred = 2.0",
             "grad_w2 = h_relu.T.dot(grad_y_pred)", "grad_h_relu = grad_y_pred.dot(w2.T)",
             "grad_h = grad_h_relu * (h > 0)", "grad_w1 = x.T.dot(grad_h)", "w1 -= lr * grad_w1"]
    positions = [out.index(line) for line in lines]
    assert positions == sorted(positions)
    assert "autograd (w1.grad)" in out


@pytest.mark.parametrize("args, field", [(["--N", "0"], "N"), (["--lr", "abc"], "lr"), (["--H", "-3"], "H")])
def test_bad_values_exit_2_naming_the_field(capsys, args, field):
    assert main(["step-through", *args]) == 2
    assert f"{field}:" in capsys.readouterr().err


def test_an_unknown_activation_exits_2():
    with pytest.raises(SystemExit) as exc:
        main(["step-through", "--activation", "softplus"])
    assert exc.value.code == 2


@pytest.mark.parametrize("style", ["tensors", "module"])
def test_the_steps_loss_is_trains_first_loss_at_the_lessons_sizes(capsys, style):
    assert main(["train", "--style", style, "--steps", "1", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)["final_loss"]
    doc = run_json(capsys, "--style", style)
    loss = next(s for s in doc["stages"] if s["name"] == "loss")
    assert loss["torch"] == first
    assert loss["value"] == pytest.approx(first, rel=1e-5)
