"""``backprop-playground bench``: the playground measured against the loop it teaches.

Every figure is a ratio of runs made side by side in one process (or, for the
start-up, one after another from the same parent), repeated, with the median
reported, so a busy machine slows all sides alike.  Sections:

1. **Throughput** (steps/s) of the seed's default configuration in every style on
   the CPU: (a) a minimal loop written like the seed's scripts, the per-step
   ``print`` replaced by keeping ``loss.item()`` in a list; (b) the headless core,
   :meth:`Trainer.batches` as the window runs it (50 ms batches, gradient
   statistics on); (c) the whole window, offscreen, with the loss plot and the
   gradient inspector updating.  (a) runs with the window's torch thread count
   and, as a reference, with torch's default.  Within a repeat the variants run
   one after another in a rotating order, each for about ``--window`` seconds.
   The losses of (a) and (b) are compared: they must be the same numbers.
2. **Responsiveness**: while (c) trains, a 10 ms timer in the GUI thread records
   how late each tick comes (lag = interval - 10 ms).
3. **Plot scaling**: one live update (a batch of 50 steps appended,
   :meth:`LossPlot.redraw`, then the paint, by ``grab()``) with 10^3 .. 10^7
   steps in the history, and the history's bytes per recorded step.
4. **Cold start**: seconds from spawning ``python`` to the main window's first
   paint (a probe filters the paint events) and to its training worker being ready,
   against ``python -c "import torch"`` and ``python -c pass``.
5. **GPU** (only where CUDA is present): the seed script, which syncs every step
   by printing the loss, against the core, which does not, and the core's
   opt-in fast mode (CUDA graphs) where it applies.  ``--device cuda`` runs this
   section alone and fails with a clear message where there is no CUDA device.
6. **Inspector** (only with ``--only inspector``): one call of the gradient
   inspector's ``show_stats`` on the lesson's sizes, the panel not shown.
7. **Processes**: the bare loop, the same loop as a bare script process, ``train`` and
   the window, for tensors and sequential at the lesson's sizes and a small one, at 1
   and 2 torch threads (``bench/processes.py``).
8. **Data set** (only with ``--dataset NAME``): the set with its lesson defaults, the
   core with and without its test set's evaluation, and the window (``bench/dataset.py``).

One module per section (``throughput``, ``plot``, ``startup``, ``gpu``,
``inspector``); ``loops`` holds (a) and (b), ``machine`` what the bench ran on,
``report`` the table, ``common`` the goals, clocks, medians and the rotation
every section shares.  This file is the command line, and re-exports every part
that tests and scripts use, so ``from playground import bench; bench.X`` works.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

from .common import (
    EXIT_ERROR,
    EXIT_OK,
    GOALS,
    PLOT_SIZES,
    STYLES,
    Clock,
    NoCuda,
    median,
    percentile,
    run_rotated,
)

# Importing this package must stay cheap: the command line builds its parser from
# add_arguments on every start of the app, so numpy, torch and Qt are imported inside
# the functions of every module here, never at their top.
from .dataset import bench_dataset
from .gpu import _bench_gpu_case, bench_gpu, gpu_cases
from .inspector import bench_inspector
from .loops import core_loop, seed_loop
from .machine import machine_info
from .plot import bench_plot, synthetic_losses
from .processes import bench_processes
from .report import table
from .startup import bench_startup
from .throughput import MIN_WINDOW_S, LagProbe, WindowHarness, bench_throughput

__all__ = [
    "EXIT_ERROR", "EXIT_OK", "GOALS", "MIN_WINDOW_S", "ON_REQUEST", "PLOT_SIZES", "SECTIONS", "STYLES",
    "Clock", "LagProbe", "NoCuda", "WindowHarness", "_bench_gpu_case", "add_arguments", "bench_gpu",
    "bench_dataset", "bench_inspector", "bench_plot", "bench_processes", "bench_startup", "bench_throughput", "core_loop", "gpu_cases",
    "machine_info", "main", "median", "percentile", "run", "run_rotated", "seed_loop", "synthetic_losses",
    "table",
]


# -- command line ------------------------------------------------------------------
SECTIONS = ("throughput", "processes", "plot", "startup", "gpu")
#: Sections that run only when --only names them: a diagnosis of one part, not the playground's goals.
ON_REQUEST = ("inspector",)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                   help="cpu (default): sections 1-4, and 5 if CUDA is present; cuda: the GPU section alone")
    p.add_argument("--json", metavar="FILE", help="write every figure, per repeat too, to FILE")
    p.add_argument("--threads", type=int, default=None,
                   help="torch CPU threads of the runs measured, as the configuration's threads field "
                   "(default 1, as the window and train use)")
    p.add_argument("--repeats", type=int, default=None, help="repeats per figure (default 5, --quick 2)")
    p.add_argument("--quick", action="store_true", help="shorter runs and fewer repeats (about a minute)")
    p.add_argument("--window", type=float, default=None, metavar="S",
                   help="seconds per timed run in sections 1 and 5 (default 1.0, --quick 0.4)")
    from ..core.datasets import DATASETS

    p.add_argument("--dataset", choices=DATASETS,
                   help="measure this data set with its lesson defaults: the core with and without its test "
                   "set's evaluation, and the window (runs that section alone unless --only names others)")
    p.add_argument("--data-file", default="", metavar="CSV", help="the CSV file of --dataset file")
    p.add_argument("--target", default="", help="the target column of --data-file (default: the last)")
    p.add_argument("--only", choices=SECTIONS + ON_REQUEST, action="append",
                   help="run only this section (repeatable); 'throughput' includes responsiveness; "
                   "'inspector' (the gradient inspector's show_stats per call) runs only when named")


def run(args: argparse.Namespace) -> int:
    repeats = args.repeats if args.repeats is not None else (2 if args.quick else 5)
    if repeats < 1:
        print("error: --repeats must be at least 1", file=sys.stderr)
        return 2
    from ..core.config import max_threads

    if args.threads is not None and not 1 <= args.threads <= max_threads():
        print(f"error: --threads must be from 1 to {max_threads()}, got {args.threads}", file=sys.stderr)
        return 2
    window_s = args.window if args.window is not None else (0.4 if args.quick else 1.0)
    sections = set(args.only or (() if args.dataset else ("gpu",) if args.device == "cuda" else SECTIONS))
    if args.dataset and args.dataset == "file" and not args.data_file:
        print("error: --dataset file needs --data-file CSV", file=sys.stderr)
        return 2

    def out(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    import torch

    if args.device == "cuda" and not torch.cuda.is_available():
        print(f"bench: no CUDA device on this machine (torch {torch.__version__}, "
              f"CUDA build: {torch.version.cuda or 'no'}); nothing to measure with --device cuda",
              file=sys.stderr)
        return EXIT_ERROR
    result: dict[str, Any] = {"machine": machine_info(),
                              "settings": {"repeats": repeats, "quick": bool(args.quick),
                                           "window_s": window_s, "device": args.device,
                                           "sections": sorted(sections)}}
    t_start = time.perf_counter()
    try:
        if "throughput" in sections:
            out("1-2. throughput and responsiveness")
            result["throughput"], result["responsiveness"] = bench_throughput(repeats, window_s, out,
                                                                              threads=args.threads)
        if "processes" in sections:
            out("7. training as processes: the bare loop, train and the window")
            result["processes"] = bench_processes(repeats, window_s, out,
                                                  threads=None if args.threads is None else (args.threads,))
        if "plot" in sections:
            out("3. plot scaling")
            result["plot"] = bench_plot(max(5, 3 * repeats), out)
        if "startup" in sections:
            out("4. cold start")
            result["startup"] = bench_startup(repeats, out)
        if "gpu" in sections:
            if torch.cuda.is_available():
                out("5. GPU")
                result["gpu"] = bench_gpu(repeats, window_s, out)
            else:
                result["gpu"] = {"skipped": "no CUDA device"}
        if args.dataset:
            out(f"8. data set {args.dataset}")
            result["dataset"] = bench_dataset(args.dataset, repeats, window_s, out, threads=args.threads,
                                              data_file=args.data_file, target=args.target)
        if "inspector" in sections:
            out("6. inspector")
            result["inspector"] = bench_inspector(repeats, out, threads=args.threads)
    except NoCuda as exc:  # pragma: no cover - checked above
        print(f"bench: {exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        result["machine"]["loadavg_end"] = list(os.getloadavg())
    except OSError:
        pass
    result["seconds"] = time.perf_counter() - t_start
    text = table(result)
    print(text)
    result["table"] = text
    if args.json:
        try:
            with open(args.json, "w", encoding="utf-8") as fh:
                json.dump(result, fh, indent=1, default=float)
                fh.write("\n")
        except OSError as exc:
            print(f"error: cannot write --json {args.json}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_ERROR
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="backprop-playground bench", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))
