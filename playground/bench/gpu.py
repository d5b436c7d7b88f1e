"""Section 5 (CUDA only): the seed script, which syncs every step by printing the loss, against
the core, which does not, and the core's opt-in fast mode (CUDA graphs) where it applies.

This section is where ``Trainer(fast=True)`` is measured; the tests run its loop on the CPU.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from .common import NoCuda, fmt, median, run_rotated
from .loops import core_loop, seed_loop


def gpu_cases() -> list[tuple[str, Any]]:
    """The GPU section's configurations: the seed's, per torch style, and one large enough to be
    compute-bound."""
    from ..core.config import TrainConfig

    cases = [(style, TrainConfig(device="cuda").with_style(style))
             for style in ("tensors", "sequential", "module")]
    # Wider layers want a smaller lr for the same sum-of-squares loss (about 1 / (N * D_in * H)).
    cases.append(("tensors-large",
                  TrainConfig(device="cuda", N=4096, D_in=1024, H=1024, D_out=128, lr=2e-10)))
    return cases


def _bench_gpu_case(cfg: Any, repeats: int, window_s: float, fast_reason: str | None) -> dict[str, Any]:
    """One configuration of section 5 on ``cfg.device`` (cuda; the tests run it on the CPU)."""
    device = cfg.resolved_device()
    sink = io.StringIO()
    seed_loop(cfg, 5, device=device, sink=sink)  # warm-up: CUDA context, cuBLAS handles
    clock, _ = core_loop(cfg, 50)
    steps = int(min(200_000, max(100, window_s / max(clock.wall / 50, 1e-7))))
    rows: dict[str, list[float]] = {"seed": [], "core": [], "fast": []}
    fast_info: dict[str, Any] = {}

    def seed() -> None:
        sink.seek(0)
        sink.truncate()
        clock, _ = seed_loop(cfg, steps, device=device, sink=sink)
        rows["seed"].append(steps / clock.wall)

    def core() -> None:
        clock, losses = core_loop(cfg, steps)
        rows["core"].append(len(losses) / clock.wall)

    def fast() -> None:
        if fast_reason is None:
            clock, losses = core_loop(cfg, steps, info=fast_info, fast=True)
            rows["fast"].append(len(losses) / clock.wall)

    run_rotated([seed, core, fast], repeats)
    row: dict[str, Any] = {"steps_per_run": steps, **{f"{k}_steps_per_s": median(v) for k, v in rows.items()}}
    row["core_vs_seed"] = median([c / s for s, c in zip(rows["seed"], rows["core"], strict=True)])
    row["fast_mode"] = fast_reason or fast_info.get("fast_reason") or fast_info.get("fallback") or "on"
    if rows["fast"]:
        row["fast_vs_core"] = median([f / c for c, f in zip(rows["core"], rows["fast"], strict=True)])
        row["fast_vs_seed"] = median([f / s for s, f in zip(rows["seed"], rows["fast"], strict=True)])
    row["per_repeat"] = rows
    return row


def bench_gpu(repeats: int, window_s: float, out: Callable[[str], None]) -> dict[str, Any]:
    """Seed script (a sync per step) vs the core (none) vs fast mode, on CUDA."""
    import torch

    if not torch.cuda.is_available():
        raise NoCuda("no CUDA device: torch.cuda.is_available() is False on this machine "
                     f"(torch {torch.__version__}, CUDA build: {torch.version.cuda or 'no'})")
    try:
        from ..core.fastmode import fast_mode_support
    except ImportError:  # fast mode is optional
        def fast_mode_support(cfg: Any) -> str | None:
            return "fast mode is not available in this build"
    result: dict[str, Any] = {"device": torch.cuda.get_device_name(0), "configs": {}}
    for name, cfg in gpu_cases():
        row = _bench_gpu_case(cfg, repeats, window_s, fast_mode_support(cfg))
        result["configs"][name] = row
        out(f"  {name}: seed {row['seed_steps_per_s']:,.0f}, core {row['core_steps_per_s']:,.0f}, "
            f"fast {fmt(row['fast_steps_per_s'], ',.0f')} steps/s")
    result["goal"] = "core steps/s >= the seed script's (which syncs every step by printing the loss)"
    result["met"] = all(r["core_vs_seed"] >= 1.0 for r in result["configs"].values())
    return result

