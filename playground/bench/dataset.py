"""Section 8 (``bench --dataset NAME``): a data set's training speed and what its test set costs.

The set trains with its own lesson defaults: (a) the core's loop as the window's worker
runs it, (b) the same without the test set's evaluation (the loss and accuracy on the
held-out split every 10th step), and (c) the real window at full speed.  1 - a/b is what
watching the test loss costs; c/a what the window costs.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from typing import Any

from .common import median, run_rotated, torch_threads


def _core(cfg: Any, steps: int, evaluate: bool) -> float:
    from ..core.loop import Trainer

    trainer = Trainer(cfg.replace(steps=steps))
    if not evaluate:
        trainer._evaluates = False  # noqa: SLF001 - what the evaluation costs is the question
    t0 = time.perf_counter()
    for _batch in trainer.batches():
        pass
    return steps / (time.perf_counter() - t0)


def bench_dataset(name: str, repeats: int, window_s: float, out: Callable[[str], None],
                  threads: int | None = None, data_file: str = "", target: str = "") -> dict[str, Any]:
    from ..core.config import DEFAULT_THREADS, TrainConfig
    from .throughput import WindowHarness

    t = DEFAULT_THREADS if threads is None else threads
    cfg = TrainConfig(device="cpu", threads=t).with_dataset(name, data_file=data_file, target=target)
    with torch_threads(t):
        rate = _core(cfg, 200, True)
    steps = int(max(200, rate * max(window_s, 0.3)))
    rows: dict[str, list[float]] = {"core": [], "core_no_eval": [], "window": []}
    with tempfile.TemporaryDirectory(prefix="bpp-bench-data-") as config_dir:
        harness = WindowHarness(config_dir)
        try:
            def core() -> None:
                with torch_threads(t):
                    rows["core"].append(_core(cfg, steps, True))

            def core_no_eval() -> None:
                with torch_threads(t):
                    rows["core_no_eval"].append(_core(cfg, steps, False))

            def window() -> None:
                rows["window"].append(harness.run(cfg, steps)["steps_per_s"])

            run_rotated([core, core_no_eval, window], repeats)
        finally:
            harness.close()
    result: dict[str, Any] = {"dataset": name, "threads": t, "steps": steps,
                              "config": cfg.to_dict(), "per_repeat": rows}
    result.update({k: median(v) for k, v in rows.items()})
    result["eval_cost"] = 1 - median([a / b for a, b in zip(rows["core"], rows["core_no_eval"], strict=True)])
    result["window_vs_core"] = median([w / c for w, c in zip(rows["window"], rows["core"], strict=True)])
    out(f"  {name}: core {result['core']:,.0f}, without the test set {result['core_no_eval']:,.0f}, "
        f"window {result['window']:,.0f} steps/s")
    return result
