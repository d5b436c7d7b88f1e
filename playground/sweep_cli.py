"""``backprop-playground sweep``: a grid of configurations trained headless (see core/sweep.py).

The usual configuration options give the base; a swept field takes a comma list
(``--lr 1e-7,1e-6,1e-5 --H 10,100``) or, for the learning rate, a log range
``--lr 1e-7:1e-3:5``.  Exit 0 when every cell ran (a diverged cell is a result), 1
when interrupted or a cell failed, 2 for a bad grid or configuration.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from typing import Any

from .cli import (
    EXIT_ERROR,
    EXIT_INVALID,
    EXIT_OK,
    add_config_arguments,
    config_from_args,
    made_or_exit,
    strict_json,
)

#: Command-line option of each sweepable field.
_OPTION = {"H": "--H", "N": "--N"}


def _option(field: str) -> str:
    return _OPTION.get(field, "--" + field.replace("_", "-"))


def add_arguments(p: argparse.ArgumentParser) -> None:
    from .core.sweep import CONFIRM_CELLS, sweep_fields

    # The swept fields' options replace the single-value ones of the configuration group.
    p.conflict_handler = "resolve"
    add_config_arguments(p)
    g = p.add_argument_group("the grid (one or two of these; a single value fixes the field)")
    for name in sweep_fields():
        what = ("comma list, or a log range from:to:count, e.g. 1e-7:1e-3:5" if name == "lr"
                else "comma list, e.g. 10,100" if name in ("H", "N", "batch_size", "batch") else "comma list")
        g.add_argument(_option(name), dest=name, metavar="VALUES", help=f"values of {name} ({what})")
    p.add_argument("--json", action="store_true", help='print {"cells": [...]}: each cell\'s values, final '
                   "and best loss, whether it diverged")
    p.add_argument("--csv", metavar="PATH", help="write cell,<swept fields>,step,loss for every cell's every step to PATH ('-': standard "
                   "output; the summary then goes to standard error)")
    p.add_argument("--yes", action="store_true", help=f"run a grid of more than {CONFIRM_CELLS} cells")
    p.add_argument("--workers", type=int, default=None,
                   help="cells trained at once in worker processes (default: as many as the CPUs hold at "
                   "the cells' thread count; 0: one after the other in this process)")


def _spec(args: argparse.Namespace) -> Any:
    from .core.sweep import make_spec, parse_values, sweep_fields

    axes = []
    fixed = argparse.Namespace(**vars(args))
    for name in sweep_fields():
        text = getattr(args, name, None)
        if text is None:
            continue
        axes.append((name, parse_values(name, text)))
        setattr(fixed, name, None)
    base = config_from_args(fixed)
    return make_spec(base, axes, confirmed=args.yes)


def cell_dict(result: Any) -> dict[str, Any]:
    """One cell as ``--json`` prints it."""
    out: dict[str, Any] = dict(result.values)
    out.update({
        "final_loss": result.final_loss,
        "best_loss": result.best_loss,
        "diverged": result.diverged,
        "diverged_step": result.diverged_step,
        "reason": result.reason,
        "steps": len(result.losses),
        "elapsed_s": result.elapsed,
        "error": result.error,
        "config": result.config.to_dict(),
    })
    return out


def run(args: argparse.Namespace) -> int:
    from .core.sweep import CellResult, Sweep

    spec = made_or_exit(args, _spec, "sweep")
    if isinstance(spec, int):
        return spec
    if args.workers is not None and args.workers < 0:
        print("invalid sweep: workers: must be 0 or more", file=sys.stderr)
        return EXIT_INVALID
    csv_out = None
    to_stdout = args.csv == "-"
    if to_stdout and args.json:
        print("invalid options: --csv - and --json both write to standard output; choose one", file=sys.stderr)
        return EXIT_INVALID
    if args.csv and not to_stdout:
        from .core.persistence import AtomicTextFile

        try:
            # As train --csv: written beside the target and put in place when the sweep ends.
            csv_out = AtomicTextFile(args.csv, newline="")
        except OSError as exc:
            print(f"error: cannot write --csv {args.csv}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_ERROR
    sweep = Sweep(spec, args.workers)
    show = not args.json and sys.stderr.isatty()
    done = 0
    shown = 0.0
    try:
        for event in sweep.events():
            if isinstance(event, CellResult):
                done += 1
            now = time.monotonic()
            if show and (now - shown > 0.2 or done == len(spec.cells)):
                shown = now
                print(f"\r{done}/{len(spec.cells)} cells done", end="", file=sys.stderr)
    except KeyboardInterrupt:
        sweep.request_stop()
        print("\ninterrupted", file=sys.stderr)
        if csv_out is not None:
            csv_out.discard()
        return EXIT_ERROR
    if show:
        print(file=sys.stderr)
    results = sweep.ordered_results()
    if to_stdout:
        _write_csv(csv.writer(sys.stdout, lineterminator="\n"), spec, results)
    if csv_out is not None:
        try:
            _write_csv(csv.writer(csv_out.file), spec, results)
            csv_out.commit()
        except OSError as exc:
            print(f"error: cannot write --csv {args.csv}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_ERROR
        finally:
            csv_out.discard()
    if args.json:
        print(json.dumps(strict_json({"cells": [cell_dict(r) for r in results]}), allow_nan=False))
    else:
        out = sys.stderr if to_stdout else sys.stdout
        for r in results:
            where = ", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in r.values)
            end = f"diverged at step {r.diverged_step}" if r.diverged else r.reason
            print(f"{where}: final loss {r.final_loss!r} ({end})", file=out)
    failed = [r for r in results if r.reason == "error"]
    for r in failed:
        print(f"cell {r.index} failed: {r.error}", file=sys.stderr)
    return EXIT_ERROR if failed else EXIT_OK


def _write_csv(writer: Any, spec: Any, results: list) -> None:
    """cell,<swept fields>,step,loss: every step of every cell, losses at full precision (as train's)."""
    writer.writerow(["cell", *spec.fields, "step", "loss"])
    for r in results:
        keys = [repr(v) if isinstance(v, float) else v for _k, v in r.values]
        writer.writerows([r.index, *keys, int(s), repr(float(v))] for s, v in zip(r.steps, r.losses, strict=True))
