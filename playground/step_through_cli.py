"""``backprop-playground step-through``: one training step, stage by stage, headless.

Prints the stages of :func:`playground.core.step_through.step_through` in order (the
lesson's line, the formula, the shape, the values and, for every gradient, autograd's
value and the largest difference); ``--json`` prints ``{"inputs": {...}, "stages":
[...]}`` with the inputs the step starts from, so anyone can recompute it.
"""

from __future__ import annotations

import argparse
import json

from .cli import EXIT_OK, add_config_arguments, config_from_args, made_or_exit, strict_json


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_config_arguments(p)
    p.add_argument("--small", action="store_true",
                   help="use the small sizes N=4, D_in=3, H=5, D_out=2 (every value readable)")
    p.add_argument("--json", action="store_true",
                   help='print {"inputs": {"x", "y", "w1", "w2"}, "stages": [...]} as one JSON object')


def run(args: argparse.Namespace) -> int:
    from .core.step_through import format_values, small_config, step_through

    cfg = made_or_exit(args, lambda a: small_config(config_from_args(a)) if a.small else config_from_args(a))
    if isinstance(cfg, int):
        return cfg
    from .core.threads import set_threads

    set_threads(cfg.threads)  # as train does: torch's values then match a run's to the last digit
    result = step_through(cfg)
    if args.json:
        print(json.dumps(strict_json(result.to_dict()), allow_nan=False))
        return EXIT_OK
    print(f"One training step: style {cfg.style}, optimizer {cfg.optimizer}, lr {cfg.lr!r}, "
          f"N={cfg.N}, D_in={cfg.D_in}, H={cfg.H}, D_out={cfg.D_out}, {cfg.dtype}, loss {cfg.loss}, "
          f"activation {cfg.activation}, bias {'on' if cfg.bias else 'off'}")
    print("inputs: " + ", ".join(f"{k} {tuple(v.shape)}" for k, v in result.inputs.items())
          + " (--json prints their values)")
    part = ""
    for i, s in enumerate(result.stages, 1):
        if s.part != part:
            part = s.part
            print(f"\n== {part} ==")
        print(f"\n[{i}] {s.code}")
        print(f"    {s.words}")
        print(f"    {s.symbols}")
        print(f"    shape {s.shape}")
        print("    value:\n" + _indent(format_values(s.value)))
        if s.reference is not None:
            who = "autograd" if s.reference_kind == "autograd" else "torch"
            print(f"    {who} ({s.reference_code}):\n" + _indent(format_values(s.reference)))
            print(f"    largest difference: {s.max_abs_diff:.3g}")
        if s.note:
            print(f"    note: {s.note}")
    print(f"\nlargest difference over the gradients (hand vs autograd): "
          f"{result.largest_gradient_difference():.3g}")
    return EXIT_OK


def _indent(text: str) -> str:
    return "\n".join("      " + line for line in text.splitlines())
