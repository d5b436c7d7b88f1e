"""Experiments on disk: human-readable JSON, written atomically, read defensively.

An experiment file holds the configuration, the app version and, optionally, the
recorded runs (their loss histories, and how each ended: its outcome, speed,
duration and colour on the plot).  Those last keys came later in format version 1:
a file without them still reads, as a run whose outcome is not known.  Nothing here executes or unpickles what a
file contains: it is parsed as JSON and every field is validated.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from .config import MAX_STEPS, ConfigError, TrainConfig

FORMAT = "backprop-playground-experiment"
FORMAT_VERSION = 1
#: Refuse files larger than this before reading them (a loss history of ~10 M steps).
MAX_FILE_BYTES = 512 * 1024 * 1024

#: How a recorded run ended: the training loop's end reasons, and "recorded" for a run
#: whose end is not known (a file from before outcomes were saved, or a run saved mid-way).
OUTCOMES = ("completed", "stopped", "diverged", "error", "recorded")
UNKNOWN_OUTCOME = "recorded"
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


class ExperimentError(ValueError):
    """A file is not a usable experiment; the message says why."""


@dataclass(frozen=True)
class RecordedRun:
    """One run's loss history as saved in an experiment."""

    name: str
    config: TrainConfig
    steps: np.ndarray
    losses: np.ndarray
    lr_changes: tuple[tuple[int, float], ...] = ()
    note: str = ""
    outcome: str = UNKNOWN_OUTCOME  # one of OUTCOMES
    diverged_step: int | None = None  # the step whose numbers became non-finite (outcome "diverged")
    colour: str = ""  # "#rrggbb" on the plot; "" for none chosen yet
    steps_per_s: float = 0.0  # 0: not known
    elapsed_s: float = 0.0  # seconds of training; 0: not known


@dataclass(frozen=True)
class Experiment:
    config: TrainConfig
    runs: tuple[RecordedRun, ...] = field(default_factory=tuple)
    app_version: str = __version__


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    A crash part-way leaves the old file (or none), never half a file.
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file private (0600); give it the mode a plain save would.
        os.chmod(tmp, _target_mode(target))
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _target_mode(target: Path) -> int:
    """The existing file's mode, else 0666 less the process umask."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _float_or_str(v: float) -> float | str:
    """JSON has no NaN/inf: write those as strings, finite numbers as they are."""
    return v if math.isfinite(v) else repr(v)


def _finite_or_zero(v: float) -> float:
    """A speed or duration for the file: 0 (not known) for anything that is not a finite number >= 0."""
    v = float(v)
    return v if math.isfinite(v) and v >= 0 else 0.0


def experiment_to_dict(exp: Experiment, include_history: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": exp.app_version,
        "config": exp.config.to_dict(),
    }
    if include_history:
        out["runs"] = [
            {
                "name": r.name,
                "config": r.config.to_dict(),
                "note": r.note,
                "lr_changes": [[int(s), float(lr)] for s, lr in r.lr_changes],
                "steps": [int(s) for s in r.steps],
                "losses": [_float_or_str(float(v)) for v in r.losses],
                "outcome": r.outcome,
                "diverged_step": r.diverged_step,
                "colour": r.colour,
                "steps_per_s": _finite_or_zero(r.steps_per_s),
                "elapsed_s": _finite_or_zero(r.elapsed_s),
            }
            for r in exp.runs
        ]
    return out


def save_experiment(path: str | os.PathLike[str], exp: Experiment, include_history: bool = True) -> None:
    atomic_write_text(path, json.dumps(experiment_to_dict(exp, include_history), indent=1) + "\n")


def _read_json(path: str | os.PathLike[str]) -> Any:
    p = Path(path)
    try:
        info = p.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(str(p))
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block, /dev/zero never ends
            raise ExperimentError(f"{p} is not a regular file, not an experiment file")
        if info.st_size > MAX_FILE_BYTES:
            raise ExperimentError(f"{p.name} is {info.st_size / 2**20:.0f} MiB, larger than an experiment can be")
        with p.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)  # the file may have grown since stat
        if len(raw) > MAX_FILE_BYTES:
            raise ExperimentError(f"{p.name} is larger than an experiment can be")
    except ExperimentError:
        raise
    except IsADirectoryError:
        raise ExperimentError(f"{p} is a folder, not an experiment file") from None
    except OSError as exc:
        raise ExperimentError(f"cannot read {p}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ExperimentError(f"{p.name} is not a text file (not UTF-8): not an experiment") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExperimentError(
            f"{p.name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "the file may be truncated or not an experiment"
        ) from None
    except RecursionError:
        raise ExperimentError(f"{p.name} is nested too deeply to be an experiment") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise ExperimentError(f"{p.name} is not a usable JSON file ({exc})") from None


def _config(data: Any, where: str) -> TrainConfig:
    try:
        return TrainConfig.from_dict(data)
    except ConfigError as exc:
        raise ExperimentError(f"{where}: {exc}") from None
    except TypeError as exc:
        raise ExperimentError(f"{where}: {exc}") from None


def _finite(v: int | float) -> bool:
    try:
        return math.isfinite(v)
    except OverflowError:  # an int too large for a float
        return False


def _number_list(values: Any, where: str) -> np.ndarray:
    if not isinstance(values, list):
        raise ExperimentError(f"{where} must be a list of numbers")
    out = np.empty(len(values), dtype=np.float64)
    for i, v in enumerate(values):
        if isinstance(v, bool):
            raise ExperimentError(f"{where}[{i}] must be a number, got {v!r}")
        if isinstance(v, (int, float)):
            try:
                out[i] = v
            except OverflowError:
                raise ExperimentError(f"{where}[{i}] is too large a number") from None
        elif isinstance(v, str) and v in ("nan", "inf", "-inf"):
            out[i] = float(v)
        else:
            raise ExperimentError(f"{where}[{i}] must be a number, got {v!r}")
    return out


def _run(data: Any, index: int) -> RecordedRun:
    where = f"runs[{index}]"
    if not isinstance(data, dict):
        raise ExperimentError(f"{where} must be an object")
    cfg = _config(data.get("config"), f"{where}.config")
    steps = _number_list(data.get("steps", []), f"{where}.steps")
    losses = _number_list(data.get("losses", []), f"{where}.losses")
    if len(steps) != len(losses):
        raise ExperimentError(f"{where}: {len(steps)} steps but {len(losses)} losses")
    if len(steps) and (not np.all(np.isfinite(steps)) or np.any(steps < 0) or np.any(steps > MAX_STEPS)
                       or np.any(steps != np.floor(steps))):
        raise ExperimentError(f"{where}.steps must be whole numbers from 0 to {MAX_STEPS}")
    if np.any(np.diff(steps) <= 0):
        raise ExperimentError(f"{where}.steps must increase from one loss to the next")
    changes_raw = data.get("lr_changes", [])
    changes: list[tuple[int, float]] = []
    if not isinstance(changes_raw, list):
        raise ExperimentError(f"{where}.lr_changes must be a list of [step, lr] pairs")
    for j, pair in enumerate(changes_raw):
        if (not isinstance(pair, list) or len(pair) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pair)
                or not _finite(pair[0]) or not 0 <= pair[0] <= MAX_STEPS or pair[0] != int(pair[0])
                or not _finite(pair[1]) or pair[1] <= 0):
            raise ExperimentError(f"{where}.lr_changes[{j}] must be [step, lr] with a whole step from 0 and lr > 0")
        changes.append((int(pair[0]), float(pair[1])))
    name = data.get("name", f"run {index + 1}")
    note = data.get("note", "")
    if not isinstance(name, str) or not isinstance(note, str):
        raise ExperimentError(f"{where}.name and .note must be text")
    outcome = data.get("outcome", UNKNOWN_OUTCOME)
    if not isinstance(outcome, str) or outcome not in OUTCOMES:
        raise ExperimentError(f"{where}.outcome must be one of {', '.join(OUTCOMES)}")
    diverged_step = data.get("diverged_step")
    if diverged_step is not None:
        if (isinstance(diverged_step, bool) or not isinstance(diverged_step, int)
                or not 0 <= diverged_step <= MAX_STEPS):
            raise ExperimentError(f"{where}.diverged_step must be a whole step from 0 to {MAX_STEPS}, or null")
        if outcome != "diverged":
            raise ExperimentError(f"{where}.diverged_step is given but the outcome is {outcome!r}, not 'diverged'")
    colour = data.get("colour", "")
    if not isinstance(colour, str) or (colour and not _COLOUR.fullmatch(colour)):
        raise ExperimentError(f"{where}.colour must be a colour written #rrggbb")
    speed = _non_negative(data.get("steps_per_s", 0.0), f"{where}.steps_per_s")
    elapsed = _non_negative(data.get("elapsed_s", 0.0), f"{where}.elapsed_s")
    return RecordedRun(name, cfg, steps.astype(np.int64), losses, tuple(changes), note,
                       outcome, diverged_step, colour.lower(), speed, elapsed)


def _non_negative(value: Any, where: str) -> float:
    """A finite number >= 0 (a speed or a duration)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not _finite(value) or value < 0:
        raise ExperimentError(f"{where} must be a number from 0 up")
    return float(value)


def experiment_from_dict(data: Any, source: str = "file") -> Experiment:
    if not isinstance(data, dict):
        raise ExperimentError(f"{source} holds JSON, but not an experiment (expected an object)")
    if data.get("format") != FORMAT:
        raise ExperimentError(f"{source} is not a Backprop Playground experiment (no \"format\": \"{FORMAT}\")")
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version > FORMAT_VERSION:
        raise ExperimentError(
            f"{source} has format_version {version!r}; this app reads version {FORMAT_VERSION} or older"
        )
    cfg = _config(data.get("config"), "config")
    runs_raw = data.get("runs", [])
    if not isinstance(runs_raw, list):
        raise ExperimentError("runs must be a list")
    runs = tuple(_run(r, i) for i, r in enumerate(runs_raw))
    app_version = data.get("app_version", "unknown")
    return Experiment(cfg, runs, str(app_version))


def load_experiment(path: str | os.PathLike[str]) -> Experiment:
    """Read an experiment; :class:`ExperimentError` says what is wrong with a bad file."""
    return experiment_from_dict(_read_json(path), Path(path).name)


def load_config_file(path: str | os.PathLike[str]) -> TrainConfig:
    """A configuration from an experiment file or from a bare JSON configuration object."""
    data = _read_json(path)
    if isinstance(data, dict) and data.get("format") == FORMAT:
        return experiment_from_dict(data, Path(path).name).config
    return _config(data, Path(path).name)
