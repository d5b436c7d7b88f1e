"""The exported script trains exactly as the app does: same loss, bit for bit, every step.

Every generated script is written to a file and run, unchanged, in a separate
Python process (one process runs them all one after another with ``runpy``, each
in a fresh namespace, to pay torch's import once).  Its printed losses must equal
the core's (:func:`playground.core.loop.train`) and the ``train`` command's CSV
at every step, compared as floats parsed from the printed ``repr``.
"""

from __future__ import annotations

import ast
import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from playground import cli
from playground.core.codegen import generate_script
from playground.core.config import ACTIVATIONS, DTYPES, LOSSES, STYLES, TrainConfig, allowed_optimizers
from playground.core.loop import train

SMALL = dict(N=8, D_in=12, H=6, D_out=3, steps=15)


def _lr(style: str, optimizer: str, loss: str) -> float:
    """A learning rate that makes the small network learn visibly in 15 steps, not diverge."""
    raw = style in ("numpy", "tensors")  # randn weights: large outputs, large gradients
    if optimizer in ("sgd-manual", "sgd"):
        return (1e-3 if raw else 3e-3) if loss == "sum" else (1e-2 if raw else 3e-2)
    if optimizer == "momentum":
        return (1e-4 if raw else 1e-3) if loss == "sum" else 1e-2
    return 1e-2  # adam, adamw, rmsprop, adagrad scale their own steps


def _small(style: str, optimizer: str | None = None, **kw) -> TrainConfig:
    optimizer = optimizer or allowed_optimizers(style)[0]
    lr = _lr(style, optimizer, kw.get("loss", "sum"))
    return TrainConfig(style=style, optimizer=optimizer, lr=lr, **SMALL, **kw)


def _matrix() -> dict[str, TrainConfig]:
    cfgs: list[TrainConfig] = []
    # Every style (with hand-written gradient descent, which all four share) with
    # every activation, and every pair of values of activation, dtype, loss and bias
    # (eight configurations per style cover all the pairs).
    for style in STYLES:
        for a, act in enumerate(ACTIVATIONS):
            for j in (0, 1):
                cfgs.append(_small(style, activation=act, dtype=DTYPES[j], loss=LOSSES[(a // 2 + j) % 2],
                                   bias=bool((a + j) % 2), device="cpu"))
    # Every torch.optim optimizer in every torch style; the other fields rotate,
    # and the "auto" device (the script picks it when it runs) is used throughout.
    combos = itertools.cycle(itertools.product(ACTIVATIONS[::-1], DTYPES, LOSSES, (True, False)))
    for style in ("tensors", "sequential", "module"):
        for opt in allowed_optimizers(style)[1:]:
            act, dtype, loss, bias = next(combos)
            cfgs.append(_small(style, opt, activation=act, dtype=dtype, loss=loss, bias=bias, device="auto"))
    # The mistake of forgetting to zero the gradients, by hand and with optimizers.
    for style in ("tensors", "sequential", "module"):
        for opt, bias in (("sgd-manual", True), ("momentum", False), ("adam", True)):
            cfgs.append(_small(style, opt, bias=bias, mistake="no-zero-grad", activation="relu"))
    # The seed lesson's own configuration (64 x 1000 -> 100 -> 10, 500 steps).
    cfgs.append(TrainConfig())
    return {_name(c): c for c in cfgs}


def _name(cfg: TrainConfig) -> str:
    size = "seed" if cfg.D_in == 1000 else "small"
    bias = "bias" if cfg.bias else "nobias"
    return (f"{cfg.style}-{cfg.optimizer}-{cfg.activation}-{cfg.dtype}-{cfg.loss}-{bias}-"
            f"{cfg.mistake}-{cfg.device}-{size}")


MATRIX = _matrix()
LEAF_MESSAGE = "a leaf Variable that requires grad is being used in an in-place operation"
OUTSIDE = {
    style: _small(style, "sgd-manual", mistake="update-outside-no-grad")
    for style in ("tensors", "sequential", "module")
}
#: Lesson-sized nn.Linear layers, whose products torch splits over the CPU threads:
#: the script exported with threads=2 must match the core trained with 2 threads
#: (the harness itself runs with 1, and the script must set 2 itself).
PINNED = TrainConfig(style="module", steps=12, device="cpu", threads=2)


def _train_restoring_threads(cfg: TrainConfig):
    """Train ``cfg`` (which applies its own thread count), then give the tests their one thread back."""
    before = torch.get_num_threads()
    try:
        return train(cfg)
    finally:
        torch.set_num_threads(before)

#: Runs each script file given on the command line in a fresh namespace, between
#: marker lines; an exception ends that script only and is printed as one line.
HARNESS = r"""
import runpy, sys
import torch
torch.set_num_threads(1)  # the same single thread as the tests' own torch (conftest)
for path in sys.argv[1:]:
    print("=== begin " + path, flush=True)
    try:
        runpy.run_path(path, run_name="__main__")
    except Exception as exc:
        print("!!! " + type(exc).__name__ + ": " + str(exc).splitlines()[0])
    loaded = sorted(m for m in sys.modules if m == "playground" or m.startswith("playground."))
    print("=== end " + path + (" imported " + ",".join(loaded) if loaded else ""), flush=True)
"""

LOSS_LINE = re.compile(r"epoch=(\d+) loss=(\S+)")


def start_scripts(scripts: dict[str, str], folder: Path) -> tuple[subprocess.Popen, dict[str, str]]:
    """Write every script to a file and start running them all in one process."""
    paths = {}
    for name, text in scripts.items():
        path = folder / f"{name}.py"
        path.write_text(text, encoding="utf-8")
        paths[str(path)] = name
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")  # no threads spinning on a busy machine
    proc = subprocess.Popen(
        [sys.executable, "-c", HARNESS, *paths],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=folder, env=env,
    )
    return proc, paths


def finish_scripts(proc: subprocess.Popen, paths: dict[str, str]) -> dict[str, dict]:
    """Per script: the steps and losses printed, the error line, any other output."""
    try:
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    results: dict[str, dict] = {}
    current = None
    for line in out.splitlines():
        if line.startswith("=== begin "):
            current = {"steps": [], "losses": [], "error": None, "other": [], "imported": ""}
            results[paths[line[len("=== begin "):]]] = current
        elif line.startswith("=== end "):
            current["imported"] = line.partition(" imported ")[2]
            current = None
        elif current is not None and (m := LOSS_LINE.fullmatch(line)):
            current["steps"].append(int(m.group(1)))
            current["losses"].append(float(m.group(2)))
        elif current is not None and line.startswith("!!! "):
            current["error"] = line[4:]
        elif current is not None:
            current["other"].append(line)
    assert set(results) == set(paths.values()), err
    return results


def _cli_options(cfg: TrainConfig) -> list[str]:
    args = []
    for key, opt in (("style", "--style"), ("optimizer", "--optimizer"), ("steps", "--steps"),
                     ("N", "--N"), ("D_in", "--D-in"), ("H", "--H"), ("D_out", "--D-out"),
                     ("seed", "--seed"), ("device", "--device"), ("dtype", "--dtype"),
                     ("loss", "--loss"), ("activation", "--activation"), ("mistake", "--mistake")):
        args += [opt, str(getattr(cfg, key))]
    args += ["--threads", str(cfg.threads)]
    return args + ["--lr", repr(cfg.lr), "--bias" if cfg.bias else "--no-bias"]


def _cli_csv_losses(cfg: TrainConfig, csv_path: Path) -> list[float]:
    code = cli.main(["train", *_cli_options(cfg), "--csv", str(csv_path)])
    assert code == cli.EXIT_OK
    rows = csv_path.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "step,loss"
    steps, losses = zip(*(r.split(",") for r in rows[1:]), strict=True)
    assert [int(s) for s in steps] == list(range(cfg.steps))
    return [float(v) for v in losses]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The scripts' output, the core's losses and the CLI's, for every configuration.

    The scripts run in their own process while this one trains the core and the
    CLI, so the two halves share the machine's cores.
    """
    folder = tmp_path_factory.mktemp("scripts")
    scripts = {name: generate_script(cfg) for name, cfg in MATRIX.items()}
    scripts.update({f"outside-{style}": generate_script(cfg) for style, cfg in OUTSIDE.items()})
    scripts["pinned"] = generate_script(PINNED)
    proc, paths = start_scripts(scripts, folder)
    try:
        core = {name: train(cfg) for name, cfg in MATRIX.items()}
        core.update({f"outside-{style}": train(cfg) for style, cfg in OUTSIDE.items()})
        core.update({f"correct-{style}": train(cfg.replace(mistake="none", steps=1))
                     for style, cfg in OUTSIDE.items()})
        core["pinned"] = _train_restoring_threads(PINNED)
        csv = {name: _cli_csv_losses(cfg, folder / f"{name}.csv") for name, cfg in MATRIX.items()}
    finally:
        scripts_out = finish_scripts(proc, paths)
    return scripts_out, core, csv


@pytest.mark.parametrize("name", list(MATRIX))
def test_script_prints_the_core_and_cli_losses_exactly(name, runs):
    scripts, core, csv = runs
    cfg = MATRIX[name]
    run = scripts[name]
    assert run["error"] is None, run["error"]
    assert run["other"] == []  # nothing but the loss lines
    assert run["steps"] == list(range(cfg.steps))

    losses, last = core[name]
    assert last.reason == "completed"
    assert run["losses"] == losses.tolist()  # exact float equality at every step
    assert run["losses"] == csv[name]
    assert run["losses"][-1] != run["losses"][0]  # the run really trains


def test_matrix_covers_every_option():
    cfgs = list(MATRIX.values())
    assert {c.style for c in cfgs} == set(STYLES)
    assert {(c.style, c.optimizer) for c in cfgs} == {
        (s, o) for s in STYLES for o in allowed_optimizers(s)
    }
    assert {c.activation for c in cfgs} == set(ACTIVATIONS)
    assert {c.dtype for c in cfgs} == set(DTYPES)
    assert {c.loss for c in cfgs} == set(LOSSES)
    assert {c.bias for c in cfgs} == {True, False}
    assert {c.device for c in cfgs} >= {"cpu", "auto"}
    assert {(c.style, c.mistake) for c in cfgs if c.mistake != "none"} == {
        (s, "no-zero-grad") for s in ("tensors", "sequential", "module")
    }


@pytest.mark.parametrize("style", list(OUTSIDE))
def test_update_outside_no_grad_script_raises_torchs_leaf_error(style, runs):
    scripts, core, _csv = runs
    run = scripts[f"outside-{style}"]
    assert run["error"] == f"RuntimeError: {LEAF_MESSAGE}."
    # It got as far as the loss of step 0, the loss the correct script prints first.
    correct, _ = core[f"correct-{style}"]
    assert run["losses"] == correct.tolist() and len(correct) == 1
    # The app fails at the same place with the same message.
    losses, last = core[f"outside-{style}"]
    assert last.reason == "error" and LEAF_MESSAGE in last.error and len(losses) == 0


def test_script_sets_the_configurations_thread_count(runs):
    scripts, core, _csv = runs
    assert "torch.set_num_threads(2)" in _code_lines(generate_script(PINNED))
    assert scripts["pinned"]["error"] is None
    losses, _last = core["pinned"]
    assert scripts["pinned"]["losses"] == losses.tolist()
    # The default configuration pins one thread, as the window and train use.
    assert "torch.set_num_threads(1)" in _code_lines(generate_script(PINNED.replace(threads=1)))
    # NumPy does its own threading: the numpy style needs no torch threads.
    assert "set_num_threads" not in generate_script(TrainConfig(style="numpy", threads=2))


def _code_lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if not ln.lstrip().startswith("#")]


@pytest.mark.parametrize(
    ("style", "optimizer", "zeroing"),
    [
        ("tensors", "sgd-manual", "w1.grad.zero_()"),
        ("sequential", "sgd-manual", "param.grad.zero_()"),
        ("module", "adam", "optimizer.zero_grad()"),
    ],
)
def test_no_zero_grad_script_omits_the_zeroing_and_says_so(style, optimizer, zeroing):
    fixed = generate_script(_small(style, optimizer))
    assert zeroing in _code_lines(fixed)
    wrong = generate_script(_small(style, optimizer, mistake="no-zero-grad"))
    assert not any("zero_" in ln for ln in _code_lines(wrong))
    assert "The mistake shown here: the gradients are never zeroed" in wrong
    assert zeroing in wrong.split("The mistake shown here:")[1]  # named in the comment


def test_scripts_import_nothing_but_torch_and_numpy(runs):
    for name, cfg in MATRIX.items():
        tree = ast.parse(generate_script(cfg))
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                imported.add((node.module or "").split(".")[0])
        assert imported == ({"torch", "numpy"} if cfg.style == "numpy" else {"torch"}), name
        assert runs[0][name]["imported"] == "", name  # not even indirectly


def test_script_starts_with_the_seed_then_draws_x_y_and_the_weights():
    text = generate_script(TrainConfig(device="cpu", seed=1234))
    order = [text.index(s) for s in ("torch.manual_seed(1234)", "x = torch.randn(N, D_in)",
                                     "y = torch.randn(N, D_out)", "w1 = torch.randn(D_in, H",
                                     "w2 = torch.randn(H, D_out")]
    assert order == sorted(order)
    assert "N, D_in, H, D_out = 64, 1000, 100, 10" in text
    assert "with torch.no_grad():" in text


@pytest.mark.parametrize("style", ["tensors", "sequential", "module"])
@pytest.mark.parametrize("device", ["cuda", "mps", "auto"])
def test_gpu_scripts_draw_on_the_cpu_then_move(style, device):
    text = generate_script(TrainConfig(style=style, device=device, bias=True))
    compile(text, "<script>", "exec")
    draw = text.index("x = torch.randn(N, D_in)")
    move = text.index("x, y = x.to(device), y.to(device)")
    assert draw < move
    assert "device=" not in text[:move].split("torch.manual_seed")[1]  # no draw on the device
    if device != "auto":
        assert f'device = "{device}"' in text
    if style == "tensors":
        assert "w1 = w1.to(device).requires_grad_()" in text
        assert "b1 = torch.zeros(H, device=device, requires_grad=True)" in text
    else:
        assert "model = model.to(device)" in text


def test_cpu_scripts_have_no_device_code():
    for style in STYLES:
        text = generate_script(TrainConfig(device="cpu").with_style(style))
        assert not any("device" in ln for ln in _code_lines(text)), style


# -- the export-code command ---------------------------------------------------------
def test_export_code_prints_the_script(capsys):
    cfg = _small("module", "rmsprop", activation="tanh", dtype="float64", loss="mean", bias=True)
    assert cli.main(["export-code", *_cli_options(cfg)]) == cli.EXIT_OK
    assert capsys.readouterr().out == generate_script(cfg)


def test_export_code_threads_option(capsys):
    assert cli.main(["export-code", "--style", "module", "--threads", "3"]) == cli.EXIT_OK
    assert capsys.readouterr().out == generate_script(TrainConfig(style="module", threads=3))
    assert cli.main(["export-code", "--threads", "0"]) == cli.EXIT_INVALID
    assert "invalid configuration: threads:" in capsys.readouterr().err


def test_export_code_writes_the_file(tmp_path, capsys):
    cfg = TrainConfig(style="sequential", seed=3)
    (tmp_path / "cfg.json").write_text(cfg.to_json(), encoding="utf-8")
    out = tmp_path / "train.py"
    out.write_text("old", encoding="utf-8")
    code = cli.main(["export-code", "--config", str(tmp_path / "cfg.json"), "-o", str(out)])
    assert code == cli.EXIT_OK
    assert out.read_text(encoding="utf-8") == generate_script(cfg)
    assert capsys.readouterr().out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cfg.json", "train.py"]  # no temp file left


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["--style", "numpy", "--optimizer", "adam"], "optimizer"),
        (["--lr", "-1"], "lr"),
        (["--N", "0"], "N"),
        (["--style", "sequential", "--mistake", "update-outside-no-grad"], "mistake"),
    ],
)
def test_export_code_rejects_an_invalid_configuration(argv, field, tmp_path, capsys):
    out = tmp_path / "never.py"
    assert cli.main(["export-code", *argv, "-o", str(out)]) == cli.EXIT_INVALID
    err = capsys.readouterr().err
    assert f"invalid configuration: {field}:" in err
    assert not out.exists()


def test_export_code_reports_an_unwritable_path(tmp_path, capsys):
    target = tmp_path / "missing-folder" / "train.py"
    assert cli.main(["export-code", "-o", str(target)]) == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert str(target) in err and "Traceback" not in err
