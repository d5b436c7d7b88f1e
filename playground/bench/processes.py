"""Section 7: training as processes, side by side: the bare loop, ``train`` and the window.

For tensors and sequential, at the lesson's sizes and at a small size where each step
is mostly launch overhead, and at each torch thread count from 1 to the CPUs:

- (a) raw: the lesson's loop in this process (:func:`~playground.bench.loops.seed_loop`);
- script: the same loop as a bare script of its own, a fresh ``python`` process;
- train: ``backprop-playground train`` with the same configuration, a fresh process;
- window: the real main window (offscreen, full speed), training in its worker process.

Loop speeds are steps over each loop's own clock; "whole" compares the whole processes
(interpreter start and imports included) of ``train`` and the bare script.  The window's
ratio is taken against raw at its fastest thread count, as a user would compare.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from .common import median, percentile, run_rotated, torch_threads
from .loops import seed_loop

#: The sizes measured: the lesson's, and one so small that a step is mostly launch overhead.
SIZES = {"lesson": dict(N=64, D_in=1000, H=100, D_out=10), "small": dict(N=8, D_in=16, H=8, D_out=2)}
STYLES = ("tensors", "sequential")

#: The lesson's loop as a script of its own: torch and nothing else.  Prints the loop's seconds.
_SCRIPT = r"""
import json, sys, time
import torch
style, steps, threads, N, D_in, H, D_out = sys.argv[1], *map(int, sys.argv[2:8])
torch.set_num_threads(threads)
torch.manual_seed(0)
x = torch.randn(N, D_in)
y = torch.randn(N, D_out)
losses = []
if style == "tensors":
    lr = 1e-6
    w1 = torch.randn(D_in, H, requires_grad=True)
    w2 = torch.randn(H, D_out, requires_grad=True)
    t0 = time.perf_counter()
    for t in range(steps):
        y_pred = x.mm(w1).mm(w2)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w1 -= lr * w1.grad
            w2 -= lr * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
else:
    model = torch.nn.Sequential(torch.nn.Linear(D_in, H), torch.nn.Linear(H, D_out))
    loss_fn = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    t0 = time.perf_counter()
    for t in range(steps):
        y_pred = model(x)
        loss = loss_fn(y_pred, y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
print(json.dumps({"loop_s": time.perf_counter() - t0, "final_loss": losses[-1]}))
"""


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, dict[str, Any]]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:4]} failed: {proc.stderr[-500:]}")
    return wall, json.loads(proc.stdout.strip().splitlines()[-1])


def _case(style: str, size: str, threads: int, harness: Any, repeats: int, window_s: float,
          out: Callable[[str], None]) -> dict[str, Any]:
    from ..core.config import TrainConfig

    dims = SIZES[size]
    cfg = TrainConfig(device="cpu", threads=threads, **dims).with_style(style)
    with torch_threads(threads):
        seed_loop(cfg, 5)
        n = 10
        while True:
            clock, _ = seed_loop(cfg, n)
            if clock.wall >= 0.25 or n >= 1_000_000:
                break
            n *= 2
    steps = int(min(2_000_000, max(200, n * max(window_s, 0.3) / clock.wall)))
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    sizes = [str(dims[k]) for k in ("N", "D_in", "H", "D_out")]
    rows: dict[str, list[float]] = {k: [] for k in ("raw", "script", "train", "window", "script_whole_s",
                                                    "train_whole_s")}
    lags: list[float] = []
    same = {"train_vs_script": True}

    def raw() -> None:
        with torch_threads(threads):
            clock, _ = seed_loop(cfg, steps)
        rows["raw"].append(steps / clock.wall)

    def script() -> None:
        wall, r = _timed([sys.executable, "-c", _SCRIPT, style, str(steps), str(threads), *sizes], env)
        rows["script"].append(steps / r["loop_s"])
        rows["script_whole_s"].append(wall)
        same["script_loss"] = r["final_loss"]

    def train() -> None:
        cmd = [sys.executable, "-m", "playground", "train", "--style", style, "--threads", str(threads),
               "--steps", str(steps), "--device", "cpu", "--json",
               *(f"--{k.replace('_', '-')}={v}" for k, v in dims.items())]
        wall, r = _timed(cmd, env)
        rows["train"].append(steps / r["elapsed_s"])
        rows["train_whole_s"].append(wall)
        same["train_loss"] = r["final_loss"]

    def window() -> None:
        r = harness.run(cfg, steps)
        rows["window"].append(r["steps_per_s"])
        lags.extend(r["lags_ms"])

    def compare() -> None:
        same["train_vs_script"] = same["train_vs_script"] and same.get("train_loss") == same.get("script_loss")

    run_rotated([raw, script, train, window], repeats, after_repeat=compare)
    result: dict[str, Any] = {"steps": steps, "threads": threads, "same_final_loss": same["train_vs_script"]}
    for key, values in rows.items():
        result[key] = median(values)
    result["train_vs_script"] = median([t / s for t, s in zip(rows["train"], rows["script"], strict=True)])
    result["train_vs_script_whole"] = median([s / t for t, s in zip(rows["train_whole_s"], rows["script_whole_s"],
                                                                    strict=True)])
    result["window_vs_raw"] = median([w / r for w, r in zip(rows["window"], rows["raw"], strict=True)])
    result["lag_p99_ms"] = percentile(lags, 99)
    result["per_repeat"] = rows
    out(f"  {style} {size} x{threads}: raw {result['raw']:,.0f}, script {result['script']:,.0f}, train "
        f"{result['train']:,.0f}, window {result['window']:,.0f} steps/s")
    return result


def bench_processes(repeats: int, window_s: float, out: Callable[[str], None],
                    threads: tuple[int, ...] | None = None, styles: tuple[str, ...] = STYLES,
                    sizes: tuple[str, ...] = tuple(SIZES)) -> dict[str, Any]:
    from ..core.config import max_threads
    from .throughput import WindowHarness

    counts = threads or tuple(range(1, min(2, max_threads()) + 1))
    cases: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bpp-bench-proc-") as config_dir:
        harness = WindowHarness(config_dir)
        try:
            for style in styles:
                for size in sizes:
                    for t in counts:
                        cases[f"{style}/{size}/{t}"] = _case(style, size, t, harness, repeats, window_s, out)
        finally:
            harness.close()
    # Against the bare loop at its fastest thread count, as a user would compare.
    summary: dict[str, Any] = {}
    for style in styles:
        for size in sizes:
            here = [cases[f"{style}/{size}/{t}"] for t in counts]
            best_raw = max(here, key=lambda c: c["raw"])
            best_window = max(here, key=lambda c: c["window"])
            best_script = max(here, key=lambda c: c["script"])
            best_train = max(here, key=lambda c: c["train"])
            summary[f"{style}/{size}"] = {
                "raw_best": best_raw["raw"], "raw_best_threads": best_raw["threads"],
                "window_best": best_window["window"], "window_best_threads": best_window["threads"],
                "window_vs_raw_best": best_window["window"] / best_raw["raw"],
                "train_vs_script_best": best_train["train"] / best_script["script"],
                "lag_p99_ms": max(c["lag_p99_ms"] for c in here),
            }
    return {"threads": list(counts), "cases": cases, "summary": summary}
