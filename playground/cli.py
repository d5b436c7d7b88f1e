"""Command line: ``backprop-playground`` opens the window; sub-commands work headless.

Sub-commands register themselves in :data:`COMMANDS` (name -> (add_arguments,
run)); ``run`` returns the process exit status.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from . import __version__

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_INVALID = 2
EXIT_DIVERGED = 3

Command = tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int], str]
COMMANDS: dict[str, Command] = {}


# -- configuration options shared by train, export-code and bench -------------
def add_config_arguments(p: argparse.ArgumentParser) -> None:
    """The options that make a :class:`~playground.core.config.TrainConfig`."""
    from .core import config as c

    g = p.add_argument_group("configuration (defaults: the seed lesson's)")
    g.add_argument("--config", metavar="FILE", help="start from a JSON configuration or experiment file")
    g.add_argument("--style", choices=c.STYLES, help="how the network is written (default tensors)")
    g.add_argument("--optimizer", choices=c.OPTIMIZERS, help="default: the style's seed optimizer")
    g.add_argument("--lr", type=str, help="learning rate, e.g. 1e-6 (default: the style's seed lr)")
    g.add_argument("--steps", type=int, help="training steps (default 500)")
    g.add_argument("--N", type=int, dest="N", help="samples (default 64)")
    g.add_argument("--D-in", type=int, dest="D_in", help="input size (default 1000)")
    g.add_argument("--H", type=int, dest="H", help="hidden size (default 100)")
    g.add_argument("--D-out", type=int, dest="D_out", help="output size (default 10)")
    g.add_argument("--seed", type=int, help="torch.manual_seed before the draws (default 0)")
    g.add_argument("--device", choices=c.DEVICES, help="default auto")
    g.add_argument("--dtype", choices=c.DTYPES, help="default float32")
    g.add_argument("--loss", choices=c.ALL_LOSSES,
                   help="MSE reduction (default sum, as the seed), or cross-entropy for classification sets")
    g.add_argument("--activation", choices=c.ACTIVATIONS, help="between the layers (default none)")
    g.add_argument("--bias", action=argparse.BooleanOptionalAction, default=None, help="default: per style")
    g.add_argument("--mistake", choices=c.MISTAKES, help="switch on a classic mistake (default none)")
    g.add_argument("--threads", type=int, default=None,
                   help=f"torch CPU threads, 1 to {c.max_threads()} here (default {c.DEFAULT_THREADS}, as the "
                   "window trains; the exported script pins the same count)")
    from .core import datasets as d

    g.add_argument("--dataset", choices=d.DATASETS,
                   help="the data: random (the lesson's, default), sine, circles, xor, gaussians, spiral, digits, "
                   "or file (--data-file); each set brings its own sizes, activation, loss, optimizer, lr and steps")
    g.add_argument("--noise", type=float, help=f"noise of a generated set, 0 to {d.MAX_NOISE:g}")
    g.add_argument("--test-fraction", type=float, dest="test_fraction",
                   help=f"share of the samples held out for testing, 0 to {d.MAX_TEST_FRACTION:g} "
                   "(default 0.2 for real data, 0 for random)")
    g.add_argument("--data-file", metavar="PATH", dest="data_file",
                   help="train on a CSV file with a header row (numeric features)")
    g.add_argument("--target", help="the CSV's target column (default: the last)")
    g.add_argument("--task", choices=c.TASKS, help="classification or regression (default: guessed from the target)")
    g.add_argument("--allow-large-file", action="store_true", dest="allow_large_file",
                   help="load a --data-file of more than a million rows")


def config_from_args(args: argparse.Namespace) -> Any:
    """Build the configuration; raise ConfigError naming the bad field."""
    from .core.config import ConfigError, TrainConfig, parse_lr

    base: dict[str, Any] = {}
    if getattr(args, "config", None):
        from .core.persistence import load_config_file

        base = load_config_file(args.config).to_dict()
    dataset = getattr(args, "dataset", None)
    if getattr(args, "data_file", None) and getattr(args, "allow_large_file", False):
        from .core.csvdata import confirm_large

        confirm_large(args.data_file)
    if getattr(args, "data_file", None) and dataset is None:
        dataset = "file"
    if dataset is not None and dataset != base.get("dataset", "random"):
        # a new data set takes its own lesson defaults unless given on the command line
        for key in ("N", "H", "steps", "activation", "loss", "noise", "test_fraction", "optimizer", "lr",
                    "bias", "mistake", "D_in", "D_out", "data_file", "target", "task"):
            base.pop(key, None)
    if dataset is not None:
        base["dataset"] = dataset
    style = args.style
    if style is not None and style != base.get("style", style):
        # a new style takes its own seed defaults unless given on the command line
        for key in ("optimizer", "lr", "bias", "mistake"):
            base.pop(key, None)
    for key in ("style", "optimizer", "steps", "N", "D_in", "H", "D_out", "seed", "device",
                "dtype", "loss", "activation", "bias", "mistake", "threads",
                "noise", "test_fraction", "data_file", "target", "task"):
        value = getattr(args, key, None)
        if value is not None:
            base[key] = value
    if args.lr is not None:
        base["lr"] = parse_lr(args.lr)
    try:
        cfg = TrainConfig(**base)
    except TypeError as exc:  # pragma: no cover - argparse types prevent it
        raise ConfigError("config", str(exc)) from None
    for key in ("N", "D_in", "D_out"):  # sizes a data set fixes: a different one asked for is refused
        asked = getattr(args, key, None)
        if asked is not None and asked != getattr(cfg, key):
            raise ConfigError(key, f"the {cfg.dataset} data set fixes {key} = {getattr(cfg, key)}; got {asked}")
    return cfg


# -- train ---------------------------------------------------------------------

def made_or_exit(args: argparse.Namespace, make: Callable[[argparse.Namespace], Any] | None = None,
                 what: str = "configuration") -> Any:
    """``make(args)`` (default: the configuration), or, when a value is bad or a --config file
    cannot be read, the exit status after one line saying why (callers test ``isinstance(…, int)``)."""
    from .core.config import ConfigError

    try:
        return (make or config_from_args)(args)
    except ConfigError as exc:
        print(f"invalid {what}: {exc}", file=sys.stderr)
    except (OSError, ValueError) as exc:  # an unreadable --config file, a bad number
        print(f"error: {exc}", file=sys.stderr)
    return EXIT_INVALID


def _train_arguments(p: argparse.ArgumentParser) -> None:
    add_config_arguments(p)
    p.add_argument("--csv", metavar="PATH",
                   help="write step,loss for every step to PATH ('-': standard output; the summary "
                   "then goes to standard error)")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")


def summary_dict(trainer: Any, last: Any, losses_count: int, final_loss: float | None) -> dict[str, Any]:
    stats = trainer.last_stats
    params = []
    if stats is not None:
        for p in stats.params:
            params.append(
                {
                    "name": p.name,
                    "shape": list(p.shape),
                    "weight_norm": p.weight_norm,
                    "grad_norm": p.grad_norm,
                    "update_ratio": p.update_ratio,
                    "grad_mean": p.grad_mean,
                    "grad_std": p.grad_std,
                    "grad_max_abs": p.grad_max_abs,
                    "step": stats.step,
                }
            )
    div = last.divergence
    return {
        "final_loss": final_loss,
        "steps": losses_count,
        "steps_per_s": last.steps_per_s,
        "elapsed_s": last.elapsed,
        "device": last.device,
        "diverged": div is not None,
        "divergence": None if div is None else {
            "step": div.step, "tensor": div.tensor, "kind": div.kind, "value": div.value,
            "message": div.message,
        },
        "reason": last.reason,
        "error": last.error,
        # Why it diverged or failed (cause, title, explanation, hint), and the hint alone.
        "diagnosis": None if last.diagnosis is None else last.diagnosis.to_dict(),
        "hint": None if last.diagnosis is None else last.diagnosis.hint,
        "params": params,
        "config": trainer.config.to_dict(),
    }


def strict_json(value: Any) -> Any:
    """``value`` with every non-finite float written as the string "inf", "-inf" or "nan".

    JSON has no NaN or Infinity: bare ``NaN`` is refused by strict parsers (jq,
    JavaScript, Python's own with ``parse_constant``), and a diverged run has them.
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, dict):
        return {k: strict_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict_json(v) for v in value]
    return value


#: ``train`` hands its losses over (to the CSV, the progress line) this often.
TRAIN_BATCH_S = 0.25


def run_train(args: argparse.Namespace) -> int:
    from .core.loop import Trainer

    trainer = made_or_exit(args, lambda a: Trainer(config_from_args(a)))
    if isinstance(trainer, int):
        return trainer
    cfg = trainer.config
    csv_out = None
    writer = None
    csv_error: OSError | None = None
    loop_ended = False
    to_stdout = args.csv == "-"
    if to_stdout and args.json:
        print("invalid options: --csv - and --json both write to standard output; choose one", file=sys.stderr)
        return EXIT_INVALID
    if to_stdout:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["step", "loss"])
    elif args.csv:
        from .core.persistence import AtomicTextFile

        try:
            # Written beside the target and put in its place when the run ends: an interrupted
            # run or a full disk leaves the old file, never half a CSV.  A link is followed; a
            # FIFO (it would block) or a device (/dev/full) is refused before training starts.
            csv_out = AtomicTextFile(args.csv, newline="")
        except OSError as exc:
            print(f"error: cannot write --csv {args.csv}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_ERROR
        writer = csv.writer(csv_out.file)
        writer.writerow(["step", "loss"])
    show_progress = not args.json and sys.stderr.isatty()
    last = None
    count = 0
    final_loss = None
    shown = 0.0
    try:
        # Nothing here shows the gradient statistics between steps (the last step's are
        # reported): without them, and in longer batches, the loop does what the bare
        # script does, plus a weight snapshot and a finiteness check every 0.25 s.
        for batch in trainer.batches(batch_seconds=TRAIN_BATCH_S, stats_seconds=None):
            last = batch
            if len(batch.losses):
                count += len(batch.losses)
                final_loss = float(batch.losses[-1])
                if writer is not None:
                    try:
                        writer.writerows((int(s), repr(float(v)))
                                         for s, v in zip(batch.steps, batch.losses, strict=True))
                    except OSError as exc:  # the disk filled up: the losses have nowhere to go
                        csv_error = exc
                        break
            now = time.monotonic()
            if show_progress and now - shown > 0.2:
                shown = now
                print(f"\rstep {batch.step}/{batch.total}  loss {final_loss!s:<24}  "
                      f"{batch.steps_per_s:,.0f} steps/s", end="", file=sys.stderr)
        loop_ended = True
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if csv_out is not None and not loop_ended:  # interrupted: the old file stays as it was
            csv_out.discard()
    if show_progress:
        print(file=sys.stderr)
    if csv_out is not None:
        try:
            if csv_error is None:
                csv_out.commit()
        except OSError as exc:  # the last rows or the rename failed
            csv_error = exc
        finally:
            csv_out.discard()  # after a commit, nothing to do
        if csv_error is not None:
            print(f"error: cannot write --csv {args.csv}: {csv_error.strerror or csv_error}", file=sys.stderr)
            return EXIT_ERROR
    assert last is not None
    summary = summary_dict(trainer, last, count, final_loss)
    summary["threads"] = threads = cfg.threads
    try:  # the final weights on both splits: train_loss, test_loss, train_accuracy, test_accuracy
        summary.update(trainer.final_metrics())
    except Exception as exc:  # noqa: BLE001 - a failed run's weights may not evaluate
        summary.update(train_loss=None, test_loss=None, train_accuracy=None, test_accuracy=None)
        print(f"note: the final weights could not be evaluated ({exc})", file=sys.stderr)
    if args.json:
        print(json.dumps(strict_json(summary), allow_nan=False))
    elif to_stdout:  # the losses went to standard output: the summary goes beside them
        print(f"{count} steps in {last.elapsed:.2f} s: {last.steps_per_s:,.0f} steps/s; "
              f"final loss {final_loss!r}", file=sys.stderr)
    else:
        print(f"style {cfg.style}, optimizer {cfg.optimizer}, lr {cfg.lr:g}, device {last.device}, "
              f"{threads} thread(s)")
        print(f"{count} steps in {last.elapsed:.2f} s: {last.steps_per_s:,.0f} steps/s; final loss {final_loss!r}")
        if summary.get("test_loss") is not None or summary.get("train_accuracy") is not None:
            print("  ".join(f"{k} {summary[k]!r}" for k in ("train_loss", "test_loss", "train_accuracy",
                                                             "test_accuracy") if summary.get(k) is not None))
    why = f"\ncause: {last.diagnosis.text}" if last.diagnosis is not None else ""
    if last.divergence is not None:
        print(f"run {last.divergence.message}{why}", file=sys.stderr)
        return EXIT_DIVERGED
    if last.error is not None:
        print(f"run failed: {last.error}{why}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


COMMANDS["train"] = (_train_arguments, run_train, "train headless and write the losses")


# -- bench (playground/bench.py; imported only when run: it loads torch and Qt) ----------
def _bench_arguments(p: argparse.ArgumentParser) -> None:
    from .bench import add_arguments

    add_arguments(p)


def run_bench(args: argparse.Namespace) -> int:
    from .bench import run

    return run(args)


COMMANDS["bench"] = (_bench_arguments, run_bench, "measure the playground against the plain loop it teaches")


def _open_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="an experiment file saved by the app (*.bpexp.json, or any JSON it saved)")


def run_open(args: argparse.Namespace) -> int:
    """Open the window with an experiment loaded; a bad file is refused before the window."""
    from .core.persistence import ExperimentError, load_experiment

    try:
        load_experiment(args.file)
    except ExperimentError as exc:
        print(f"cannot open {args.file}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    from .gui.app import run_app

    return run_app(experiment=args.file)


COMMANDS["open"] = (_open_arguments, run_open, "open the window with a saved experiment")


# -- export-code -------------------------------------------------------------------
def _export_code_arguments(p: argparse.ArgumentParser) -> None:
    add_config_arguments(p)
    p.add_argument("-o", "--output", metavar="FILE", help="write the script to FILE (default: print it)")


def run_export_code(args: argparse.Namespace) -> int:
    from .core.codegen import generate_script

    cfg = made_or_exit(args)
    if isinstance(cfg, int):
        return cfg
    script = generate_script(cfg)
    if not args.output:
        sys.stdout.write(script)
        return EXIT_OK
    from .core.persistence import atomic_write_text

    try:
        atomic_write_text(args.output, script)
    except OSError as exc:
        print(f"error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


COMMANDS["export-code"] = (
    _export_code_arguments,
    run_export_code,
    "print the plain PyTorch (or NumPy) script equivalent to a configuration",
)


# -- sweep (playground/sweep_cli.py) ----------------------------------------------------
def _sweep_arguments(p: argparse.ArgumentParser) -> None:
    from .sweep_cli import add_arguments

    add_arguments(p)


def run_sweep(args: argparse.Namespace) -> int:
    from .sweep_cli import run

    return run(args)


COMMANDS["sweep"] = (_sweep_arguments, run_sweep,
                     "train a grid of one or two fields' values (lr, H, ...) headless, side by side")


# -- step-through (playground/step_through_cli.py) ------------------------------------------
def _step_through_arguments(p: argparse.ArgumentParser) -> None:
    from .step_through_cli import add_arguments

    add_arguments(p)


def run_step_through(args: argparse.Namespace) -> int:
    from .step_through_cli import run

    return run(args)


COMMANDS["step-through"] = (_step_through_arguments, run_step_through,
                            "print one training step stage by stage: the lesson's NumPy pass beside autograd")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``only``, the options of that sub-command alone (the
    others are listed but not built: building bench's or sweep's imports their modules,
    tens of milliseconds that ``train`` would pay for nothing)."""
    parser = argparse.ArgumentParser(
        prog="backprop-playground",
        usage="%(prog)s [-h] [--version] [--self-test] [FILE | COMMAND ...]",
        description="Watch a two-layer network learn by back-propagation. "
        "Without a sub-command the window opens; with FILE, an experiment saved by the app, "
        "the window opens it (as `open FILE`).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="train briefly in every style offscreen, write a JSON report, exit 0 if all is well")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (add_arguments, _run, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if only is None or name == only:
            add_arguments(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "--self-test":
        from .selftest import main as self_test

        return self_test(argv[1:])
    import os
    import signal

    first = argv[0] if argv else ""
    # `backprop-playground FILE` is how a file manager opens a file (the desktop entry runs
    # `backprop-playground %f`): the same as `open FILE`.  A word that is no command and no
    # path stays argparse's "invalid choice" error, which lists the commands.
    if first and first not in COMMANDS and not first.startswith("-") and (
            first.endswith(".json") or "/" in first or os.sep in first or os.path.exists(first)):
        argv.insert(0, "open")
    try:
        args = build_parser(argv[0] if argv and argv[0] in COMMANDS else None).parse_args(argv)
        if args.command is None:
            from .gui.app import run_app

            return run_app()
        _add, run, _help = COMMANDS[args.command]
        return run(args)
    except KeyboardInterrupt:  # Ctrl+C while Qt or torch load, before the window's own handler
        return 128 + int(signal.SIGINT)  # as a shell reports a program ended by Ctrl+C


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
