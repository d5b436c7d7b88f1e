"""Export parity for every data set: the script prints the core's and ``train``'s losses exactly.

Every data set (the generated ones, the digits, a CSV file for each task, and the
lesson's random data with a test set) in every style: the exported script runs in
a separate process (the harness of tests/test_codegen.py) and must print, bit for
bit, the losses the core and the ``train`` command give at every step on standard
output (nothing else there), and after the loop, on standard error, the test loss and
accuracy that ``train --json`` reports.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from playground import cli
from playground.core.codegen import generate_script
from playground.core.config import STYLES, TrainConfig

from .test_codegen import finish_scripts

STEPS = 12
TEST_LINE = re.compile(r"stderr: test_loss=(\S+)(?: test_accuracy=(\S+))?")

#: tests/test_codegen.py's harness, with each script's standard error kept apart and printed
#: after it as "stderr: " lines (standard output must hold the loss lines alone).
HARNESS = r"""
import contextlib, io, runpy, sys
import torch
torch.set_num_threads(1)
for path in sys.argv[1:]:
    print("=== begin " + path, flush=True)
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            runpy.run_path(path, run_name="__main__")
    except Exception as exc:
        print("!!! " + type(exc).__name__ + ": " + str(exc).splitlines()[0])
    for line in err.getvalue().splitlines():
        print("stderr: " + line)
    print("=== end " + path, flush=True)
"""


def start_scripts(scripts: dict[str, str], folder) -> tuple[subprocess.Popen, dict[str, str]]:
    paths = {}
    for name, text in scripts.items():
        path = folder / f"{name}.py"
        path.write_text(text, encoding="utf-8")
        paths[str(path)] = name
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    proc = subprocess.Popen([sys.executable, "-c", HARNESS, *paths], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=folder, env=env)
    return proc, paths


def write_csv_files(folder) -> dict[str, str]:
    """A classification CSV (word classes) and a regression CSV, made from a fixed formula."""
    rng = np.random.default_rng(7)
    a, b, c = rng.normal(size=(3, 90))
    cls = folder / "classes.csv"
    lines = ["a,b,c,kind"] + [f"{x:.4f},{y:.4f},{z:.3f},{'big' if x + y > 0 else 'small'}"
                              for x, y, z in zip(a, b, c, strict=True)]
    cls.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reg = folder / "values.csv"
    lines = ["price,a,b"] + [f"{2 * x - y + 0.1 * z:.5f},{x:.4f},{y:.4f}" for x, y, z in zip(a, b, c, strict=True)]
    reg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"classes": str(cls), "values": str(reg)}


def configs(files: dict[str, str]) -> dict[str, tuple[TrainConfig, list[str]]]:
    """name -> (configuration, the train options that make it)."""
    out = {}
    for i, style in enumerate(STYLES):
        dtype = "float64" if i == 1 else "float32"
        sets: list[tuple[str, dict, list[str]]] = [
            (name, {"dataset": name}, ["--dataset", name])
            for name in ("sine", "circles", "xor", "gaussians", "spiral", "digits")
        ]
        sets.append(("csv-classes", {"data_file": files["classes"]}, ["--data-file", files["classes"]]))
        sets.append(("csv-values", {"data_file": files["values"], "target": "price"},
                     ["--data-file", files["values"], "--target", "price"]))
        sets.append(("random-test", {"dataset": "random", "test_fraction": 0.25, "N": 16, "D_in": 20, "D_out": 3,
                                     "H": 8},
                     ["--dataset", "random", "--test-fraction", "0.25", "--N", "16", "--D-in", "20",
                      "--D-out", "3", "--H", "8"]))
        for name, kw, opts in sets:
            cfg = TrainConfig(style=style, steps=STEPS, dtype=dtype, device="cpu", **kw)
            out[f"{name}-{style}"] = (cfg, [*opts, "--style", style, "--steps", str(STEPS), "--dtype", dtype,
                                            "--device", "cpu"])
    return out


def _train_cli(options: list[str], csv_path) -> tuple[list[float], dict]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(["train", *options, "--csv", str(csv_path), "--json"])
    assert code == cli.EXIT_OK
    rows = csv_path.read_text(encoding="utf-8").splitlines()[1:]
    return [float(r.split(",")[1]) for r in rows], json.loads(out.getvalue())


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dataset-scripts")
    cases = configs(write_csv_files(folder))
    proc, paths = start_scripts({name: generate_script(cfg) for name, (cfg, _) in cases.items()}, folder)
    try:
        cli_runs = {name: _train_cli(opts, folder / f"{name}.csv") for name, (_, opts) in cases.items()}
    finally:
        scripts = finish_scripts(proc, paths)
    return cases, scripts, cli_runs


NAMES = [f"{n}-{s}" for s in STYLES for n in ("sine", "circles", "xor", "gaussians", "spiral", "digits",
                                               "csv-classes", "csv-values", "random-test")]


@pytest.mark.parametrize("name", NAMES)
def test_script_prints_the_train_commands_losses_exactly(name, runs):
    cases, scripts, cli_runs = runs
    cfg, _ = cases[name]
    run = scripts[name]
    assert run["error"] is None, run["error"]
    losses, summary = cli_runs[name]
    assert summary["config"] == cfg.to_dict()  # the options made the same configuration
    assert run["steps"] == list(range(STEPS))
    assert run["losses"] == losses  # exact float equality at every step
    assert run["losses"][-1] != run["losses"][0]
    # After the loop, on standard error alone: the test set's loss (and accuracy) of the final weights.
    [line] = run["other"]
    m = TEST_LINE.fullmatch(line)
    assert m is not None, line
    assert float(m.group(1)) == summary["test_loss"]
    if cfg.classification:
        assert float(m.group(2)) == summary["test_accuracy"]
        assert 0.0 <= summary["train_accuracy"] <= 1.0
    else:
        assert m.group(2) is None and summary["test_accuracy"] is None


def test_the_matrix_has_every_data_set_in_every_style(runs):
    cases, _scripts, _cli = runs
    from playground.core.datasets import DATASETS

    assert {(c.dataset, c.style) for c, _ in cases.values()} == {(d, s) for d in DATASETS for s in STYLES}
    assert {c.task if c.dataset == "file" else "" for c, _ in cases.values()} >= {"auto"}
    assert {c.loss for c, _ in cases.values() if c.dataset == "file"} == {"cross-entropy", "mean"}
