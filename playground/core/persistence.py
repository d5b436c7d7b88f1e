"""Experiments on disk: human-readable JSON, written atomically, read defensively.

An experiment file holds the configuration, the app version and, optionally, the
recorded runs (their loss histories, and how each ended: its outcome, speed,
duration and colour on the plot).  Those last keys came later in format version 1:
a file without them still reads, as a run whose outcome is not known.  Two more optional
keys came later still: "sweep" (a sweep's grid and its cells' results, core/sweep.py) and
"snapshots" (a run's time-travel record, core/snapshots.py, saved only when asked); a file
without them reads as before.  Nothing here executes or unpickles what a
file contains: it is parsed as JSON and every field is validated, and an error message
quotes at most ~80 characters of a bad value.

Every file the app writes goes through here (:func:`atomic_write_text`,
:func:`atomic_write_with`, :class:`AtomicTextFile`): UTF-8, written beside the target and
renamed into place; a symbolic link is followed and kept, and a FIFO, socket or device is
refused, never replaced or opened.  :func:`read_regular_file` reads the same careful way.
"""

from __future__ import annotations

import codecs
import errno
import json
import math
import os
import re
import reprlib
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

import numpy as np

from .. import __version__
from .config import MAX_STEPS, ConfigError, TrainConfig
from .outcomes import DIVERGED, OUTCOMES, UNKNOWN_OUTCOME  # how a recorded run ended
from .runs import Run

FORMAT = "backprop-playground-experiment"
FORMAT_VERSION = 1
#: Refuse files larger than this before reading them (a loss history of ~10 M steps).
MAX_FILE_BYTES = 512 * 1024 * 1024
#: The longest run name a file may hold: the longest a person can type into the Runs table
#: (a Qt line edit's maximum length), so every name the app saves opens again.
MAX_NAME_CHARS = 32767
#: How much of an offending value an error message quotes: enough to recognise it.
QUOTE_CHARS = 80

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


class ExperimentError(ValueError):
    """A file is not a usable experiment; the message says why."""


class NotRegularFileError(OSError):
    """The path is a FIFO, a socket or a device: never replaced, read or waited on."""


class FileTooLargeError(OSError):
    """The file is larger than what is read from it can be."""


#: A run as an experiment file holds it is a :class:`~playground.core.runs.Run`: the file keeps
#: exactly a run's facts, so reading gives the runs the window shows and saving writes the runs
#: it has, with no second record of a run to keep in step with the first.  The name stays for
#: the code that builds one from a file's fields: ``RecordedRun(name, config, steps, losses, ...)``.
RecordedRun = Run


@dataclass(frozen=True)
class Experiment:
    config: TrainConfig
    runs: tuple[Run, ...] = field(default_factory=tuple)
    app_version: str = __version__
    #: A sweep and its cells' results (core/sweep.py SavedSweep), under the optional key "sweep".
    sweep: Any = None
    #: The current run's time-travel snapshots (core/snapshots.py), under the optional key "snapshots".
    snapshots: Any = None
    #: Set on reading when the configuration's CSV file is not the one saved (its sha256 differs).
    data_warning: str | None = None


# -- quoting what a file holds in a message --------------------------------------------
_SHORT_REPR = reprlib.Repr()
_SHORT_REPR.maxstring = QUOTE_CHARS
_SHORT_REPR.maxother = QUOTE_CHARS
_SHORT_REPR.maxlong = 40
_SHORT_REPR.maxlist = _SHORT_REPR.maxtuple = 4
_SHORT_REPR.maxdict = 3
_SHORT_REPR.maxlevel = 2


def _quote(value: Any) -> str:
    """``value`` as Python writes it, at most about QUOTE_CHARS characters.

    A file may hold a 5 MB string where a number belongs: the message quotes enough of
    it to be recognised and says how long it is, instead of repeating megabytes.
    reprlib looks at no more of a long list or string than it shows.
    """
    text = _SHORT_REPR.repr(value)
    if len(text) > QUOTE_CHARS:
        text = text[: QUOTE_CHARS - 3] + "..."
    if isinstance(value, str) and len(value) > QUOTE_CHARS:
        text += f" ({len(value):,} characters)"
    elif isinstance(value, (list, dict)) and len(value) > _SHORT_REPR.maxlist:
        text += f" ({len(value):,} items)"
    return text


def _elide(text: str, limit: int = 2 * QUOTE_CHARS) -> str:
    """A message from elsewhere (the configuration's checks quote whole values), cut to ``limit``."""
    return text if len(text) <= limit else f"{text[: limit - 3]}... ({len(text):,} characters)"


# -- writing ------------------------------------------------------------------------------
_REPLACEMENT_UTF8 = "\ufffd".encode("utf-8")


def _replace_unpaired_surrogates(exc: UnicodeError) -> tuple[bytes, int]:
    """Write U+FFFD for what UTF-8 cannot hold: the halves of a pair, which a JSON file can
    smuggle into a run name as an escape (\\udc80).  UTF-8 can hold every other character.

    Bytes, not the character: Python's UTF-8 encoder takes only ASCII text from a handler.
    """
    if not isinstance(exc, UnicodeEncodeError) or exc.encoding.replace("-", "").lower() != "utf8":
        raise exc
    return _REPLACEMENT_UTF8 * (exc.end - exc.start), exc.end


#: The error handler every text file the app writes uses with UTF-8.
TEXT_ERRORS = "backprop-playground-replace-surrogates"
codecs.register_error(TEXT_ERRORS, _replace_unpaired_surrogates)


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def writable_target(path: str | os.PathLike[str]) -> Path:
    """The file a save to ``path`` replaces: symbolic links followed, so the link is kept.

    A save never replaces a folder, a FIFO, a socket or a device (saving to /dev/full as
    root used to replace the device node): those raise an OSError saying what is there.
    Only ``stat`` looks at the target; it is never opened, so a FIFO cannot block.
    """
    try:
        target = Path(os.path.realpath(path))  # a dangling link gives the file it would create
        info = os.stat(target)
    except FileNotFoundError:
        return target  # a new file
    except ValueError:  # a NUL in the path: no file can have that name
        raise OSError(errno.EINVAL, "the path holds a NUL character", os.fsdecode(path)) from None
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(path))
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFileError(errno.EINVAL, f"it is {_file_kind(info.st_mode)}, not a regular file: "
                                  "left as it is", str(path))
    return target


def _temp_beside(target: Path, suffix: str) -> tuple[int, str]:
    """A new private file in the target's folder (a rename within a folder is atomic)."""
    return tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)


def _put_in_place(temp: str, target: Path) -> None:
    # mkstemp makes the file private (0600); give it the mode a plain save would.
    os.chmod(temp, _target_mode(target))
    os.replace(temp, target)


def _remove_quietly(temp: str) -> None:
    try:
        os.unlink(temp)
    except OSError:
        pass


class AtomicTextFile:
    """A UTF-8 text file written beside its target and put in its place by :meth:`commit`.

    Until then the target keeps its old content; :meth:`discard` (or an error in
    ``commit``) removes what was written.  For output that is written as it is produced
    (the command line's CSV of every step).
    """

    def __init__(self, path: str | os.PathLike[str], newline: str = "\n") -> None:
        self.target = writable_target(path)
        fd, self._temp = _temp_beside(self.target, ".tmp")
        self.file: IO[str] = os.fdopen(fd, "w", encoding="utf-8", errors=TEXT_ERRORS, newline=newline)
        self._done = False

    def commit(self) -> None:
        """Flush to disk and replace the target; on failure the target is unchanged."""
        if self._done:
            return
        self._done = True
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            _put_in_place(self._temp, self.target)
        except BaseException:
            self._close_and_remove()
            raise

    def discard(self) -> None:
        if not self._done:
            self._done = True
            self._close_and_remove()

    def _close_and_remove(self) -> None:
        try:
            self.file.close()  # a failing flush of the rest must not hide why we are here
        except OSError:
            pass
        _remove_quietly(self._temp)

    def __enter__(self) -> AtomicTextFile:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename.

    A crash part-way leaves the old file (or none), never half a file.  A link is followed
    and kept; a FIFO, socket, device or folder is refused (see :func:`writable_target`).
    """
    with AtomicTextFile(path) as out:
        out.file.write(text)


def atomic_write_with(path: str | os.PathLike[str], write: Callable[[str], None]) -> None:
    """Let ``write`` fill a temporary file beside ``path``, then put it in place.

    For files another library writes by name (a PNG through QImage, an SVG through Qt's
    generator): they get the same care as :func:`atomic_write_text`.  The temporary name
    ends with the target's suffix, from which such writers choose the format.  ``write``
    raises OSError if it could not write; the target is then unchanged.
    """
    target = writable_target(path)
    fd, temp = _temp_beside(target, ".tmp" + target.suffix)
    os.close(fd)
    try:
        write(temp)
        fd = os.open(temp, os.O_RDWR)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        _put_in_place(temp, target)
    except BaseException:
        _remove_quietly(temp)
        raise


def _target_mode(target: Path) -> int:
    """The existing file's mode, else 0666 less the process umask."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


# -- reading ------------------------------------------------------------------------------
def read_regular_file(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``max_bytes`` of them.

    Looks before it opens: a FIFO would block the reader and /dev/zero never ends, so
    anything but a regular file raises :class:`NotRegularFileError` unopened; a larger
    file raises :class:`FileTooLargeError`; a folder IsADirectoryError.  The open file is
    checked again (it may have been swapped since) and read no further than the cap.
    """
    with open_regular_file(path, max_bytes) as fh:
        raw = fh.read(max_bytes + 1)  # the file may have grown since stat
    if len(raw) > max_bytes:
        raise FileTooLargeError(errno.EFBIG, f"it is more than {max_bytes:,} bytes", str(path))
    return raw


def open_regular_file(path: str | os.PathLike[str], max_bytes: int | None = None) -> BinaryIO:
    """The regular file at ``path`` opened for binary reading, checked as
    :func:`read_regular_file` checks it (a FIFO, a device or a folder is refused unopened)."""
    try:
        info = os.stat(path)
    except ValueError:  # a NUL in the path
        raise OSError(errno.EINVAL, "the path holds a NUL character", os.fsdecode(path)) from None
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(path))
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFileError(errno.EINVAL, f"it is {_file_kind(info.st_mode)}, not a regular file",
                                  str(path))
    if max_bytes is not None and info.st_size > max_bytes:
        raise FileTooLargeError(errno.EFBIG, f"it is {info.st_size:,} bytes, more than {max_bytes:,}", str(path))
    # O_NONBLOCK: should a FIFO take the file's place after the stat, opening it returns at once.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    fh = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        fh.close()
        raise NotRegularFileError(errno.EINVAL, "it is not a regular file", str(path))
    return fh


def _losses_for_json(losses: np.ndarray) -> list[float | str]:
    """JSON has no NaN/inf: write those as strings ("nan", "inf", "-inf"), finite numbers as they are."""
    values = np.asarray(losses, dtype=np.float64)
    out: list[float | str] = values.tolist()
    for i in np.flatnonzero(~np.isfinite(values)).tolist():  # few: only a diverged run's last steps
        out[i] = repr(out[i])
    return out


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
                "steps": np.asarray(r.steps, dtype=np.int64).tolist(),
                "losses": _losses_for_json(r.losses),
                "outcome": r.outcome,
                "diverged_step": r.diverged_step,
                "colour": r.colour,
                "steps_per_s": _finite_or_zero(r.steps_per_s),
                "elapsed_s": _finite_or_zero(r.elapsed_s),
            }
            for r in exp.runs
        ]
    if exp.sweep is not None:
        from .sweep import sweep_to_dict

        out["sweep"] = sweep_to_dict(exp.sweep)
    if exp.snapshots is not None:
        from .snapshots import snapshots_to_dict

        out["snapshots"] = snapshots_to_dict(exp.snapshots)
    if exp.config.dataset == "file":  # the student's CSV: its path and a hash, to notice a change
        from .csvdata import file_sha256

        try:
            out["data_file"] = {"path": exp.config.data_file, "sha256": file_sha256(exp.config.data_file)}
        except OSError:
            pass
    return out


def _data_warning(data: dict[str, Any], cfg: TrainConfig) -> str | None:
    """A warning when the CSV file the experiment trained on changed since it was saved."""
    saved = data.get("data_file")
    if cfg.dataset != "file" or not isinstance(saved, dict) or not isinstance(saved.get("sha256"), str):
        return None
    from .csvdata import file_sha256

    try:
        now = file_sha256(cfg.data_file)
    except OSError:
        return None  # the configuration could not have loaded it either
    if now != saved["sha256"]:
        return (f"the data file {cfg.data_file} changed since the experiment was saved "
                "(its contents differ): a new run trains on the new contents")
    return None


def save_experiment(path: str | os.PathLike[str], exp: Experiment, include_history: bool = True) -> None:
    atomic_write_text(path, json.dumps(experiment_to_dict(exp, include_history), indent=1) + "\n")


def _read_json(path: str | os.PathLike[str]) -> Any:
    p = Path(path)
    try:
        raw = read_regular_file(p, MAX_FILE_BYTES)
    except IsADirectoryError:
        raise ExperimentError(f"{p} is a folder, not an experiment file") from None
    except NotRegularFileError as exc:  # a FIFO would block, /dev/zero never ends
        raise ExperimentError(f"{p} is not a regular file ({exc.strerror}), not an experiment file") from None
    except FileTooLargeError:
        raise ExperimentError(f"{p.name} is larger than an experiment can be "
                              f"({MAX_FILE_BYTES // 2**20} MiB at most)") from None
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
        raise ExperimentError(f"{p.name} is not a usable JSON file ({_elide(str(exc))})") from None


def _config(data: Any, where: str) -> TrainConfig:
    try:
        return TrainConfig.from_dict(data)
    except (ConfigError, TypeError) as exc:  # their messages quote whole values: cut them short
        raise ExperimentError(f"{where}: {_elide(str(exc))}") from None


def _finite(v: int | float) -> bool:
    try:
        return math.isfinite(v)
    except OverflowError:  # an int too large for a float
        return False


_NUMBER_TYPES = {int, float}
_NON_FINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def _number_list(values: Any, where: str) -> np.ndarray:
    """A JSON list of numbers (and "nan", "inf", "-inf") as float64.

    A run holds thousands of values and a file hundreds of runs: the usual case (only
    ints and floats) is checked by type once per list and converted by numpy in one go.
    Only a list with something else in it (a diverged run's "inf", or a bad value) is
    looked at value by value, to name the first bad one.
    """
    if not isinstance(values, list):
        raise ExperimentError(f"{where} must be a list of numbers, got {_quote(values)}")
    if set(map(type, values)) <= _NUMBER_TYPES:  # bool is its own type: not let through
        try:
            return np.asarray(values, dtype=np.float64)
        except OverflowError:
            pass  # an int too large for a float: the loop below says which
    out = np.empty(len(values), dtype=np.float64)
    for i, v in enumerate(values):
        kind = type(v)
        if kind is int or kind is float:
            try:
                out[i] = v
            except OverflowError:
                raise ExperimentError(f"{where}[{i}] is too large a number") from None
        elif kind is str and v in _NON_FINITE:
            out[i] = _NON_FINITE[v]
        else:
            raise ExperimentError(f"{where}[{i}] must be a number, got {_quote(v)}")
    return out


def _steps(values: Any, where: str) -> np.ndarray:
    steps = None
    if isinstance(values, list) and set(map(type, values)) <= {int}:  # as the app writes them
        try:
            steps = np.asarray(values, dtype=np.int64)
        except OverflowError:
            pass
    if steps is None:  # floats (2.0 is a whole step too), or something to name
        steps = _number_list(values, where)
        if len(steps) and not (np.all(np.isfinite(steps)) and np.all(steps == np.floor(steps))):
            raise ExperimentError(f"{where} must be whole numbers from 0 to {MAX_STEPS}")
    if len(steps) and not (steps.min() >= 0 and steps.max() <= MAX_STEPS):
        raise ExperimentError(f"{where} must be whole numbers from 0 to {MAX_STEPS}")
    if np.any(np.diff(steps) <= 0):
        raise ExperimentError(f"{where} must increase from one loss to the next")
    return steps.astype(np.int64, copy=False)


def _lr_changes(changes_raw: Any, where: str) -> tuple[tuple[int, float], ...]:
    if not isinstance(changes_raw, list):
        raise ExperimentError(f"{where} must be a list of [step, lr] pairs, got {_quote(changes_raw)}")
    changes: list[tuple[int, float]] = []
    for j, pair in enumerate(changes_raw):
        if (not isinstance(pair, list) or len(pair) != 2
                or not all(type(v) in _NUMBER_TYPES for v in pair)
                or not _finite(pair[0]) or not 0 <= pair[0] <= MAX_STEPS or pair[0] != int(pair[0])
                or not _finite(pair[1]) or pair[1] <= 0):
            raise ExperimentError(f"{where}[{j}] must be [step, lr] with a whole step from 0 and lr > 0, "
                                  f"got {_quote(pair)}")
        changes.append((int(pair[0]), float(pair[1])))
    return tuple(changes)


def _run(data: Any, index: int) -> Run:
    where = f"runs[{index}]"
    if not isinstance(data, dict):
        raise ExperimentError(f"{where} must be an object, got {_quote(data)}")
    cfg = _config(data.get("config"), f"{where}.config")
    steps = _steps(data.get("steps", []), f"{where}.steps")
    losses = _number_list(data.get("losses", []), f"{where}.losses")
    if len(steps) != len(losses):
        raise ExperimentError(f"{where}: {len(steps)} steps but {len(losses)} losses")
    changes = _lr_changes(data.get("lr_changes", []), f"{where}.lr_changes")
    name = data.get("name", f"run {index + 1}")
    note = data.get("note", "")
    if not isinstance(name, str) or not isinstance(note, str):
        raise ExperimentError(f"{where}.name and .note must be text")
    if len(name) > MAX_NAME_CHARS:
        raise ExperimentError(f"{where}.name is {len(name):,} characters long; a run name has at most "
                              f"{MAX_NAME_CHARS:,}: {_quote(name)}")
    outcome = data.get("outcome", UNKNOWN_OUTCOME)
    if not isinstance(outcome, str) or outcome not in OUTCOMES:
        raise ExperimentError(f"{where}.outcome must be one of {', '.join(OUTCOMES)}, got {_quote(outcome)}")
    diverged_step = data.get("diverged_step")
    if diverged_step is not None:
        if type(diverged_step) is not int or not 0 <= diverged_step <= MAX_STEPS:
            raise ExperimentError(f"{where}.diverged_step must be a whole step from 0 to {MAX_STEPS}, or null, "
                                  f"got {_quote(diverged_step)}")
        if outcome != DIVERGED:
            raise ExperimentError(f"{where}.diverged_step is given but the outcome is {outcome!r}, not 'diverged'")
    colour = data.get("colour", "")
    if not isinstance(colour, str) or (colour and not _COLOUR.fullmatch(colour)):
        raise ExperimentError(f"{where}.colour must be a colour written #rrggbb, got {_quote(colour)}")
    speed = _non_negative(data.get("steps_per_s", 0.0), f"{where}.steps_per_s")
    elapsed = _non_negative(data.get("elapsed_s", 0.0), f"{where}.elapsed_s")
    return Run(name, cfg, steps, losses, changes, note, outcome, diverged_step, colour.lower(), speed, elapsed)


def _non_negative(value: Any, where: str) -> float:
    """A finite number >= 0 (a speed or a duration)."""
    if type(value) not in _NUMBER_TYPES or not _finite(value) or value < 0:
        raise ExperimentError(f"{where} must be a number from 0 up, got {_quote(value)}")
    return float(value)


def _format_version(version: Any, source: str) -> None:
    """Versions 1 to FORMAT_VERSION are read; a later one is a newer app's, anything else no app's."""
    if type(version) is int and version > FORMAT_VERSION:
        raise ExperimentError(
            f"{source} has format_version {version}: it was made by a newer version of Backprop Playground "
            f"(this one reads versions 1 to {FORMAT_VERSION})")
    if type(version) is not int or version < 1:
        raise ExperimentError(
            f"{source} has format_version {_quote(version)}: not a version this app knows "
            f"(it reads versions 1 to {FORMAT_VERSION})")


def experiment_from_dict(data: Any, source: str = "file") -> Experiment:
    if not isinstance(data, dict):
        raise ExperimentError(f"{source} holds JSON, but not an experiment (expected an object)")
    if data.get("format") != FORMAT:
        raise ExperimentError(f"{source} is not a Backprop Playground experiment (no \"format\": \"{FORMAT}\")")
    _format_version(data.get("format_version"), source)
    cfg = _config(data.get("config"), "config")
    runs_raw = data.get("runs", [])
    if not isinstance(runs_raw, list):
        raise ExperimentError(f"runs must be a list, got {_quote(runs_raw)}")
    runs = tuple(_run(r, i) for i, r in enumerate(runs_raw))
    app_version = data.get("app_version", "unknown")
    if not isinstance(app_version, str) or len(app_version) > QUOTE_CHARS:
        app_version = "unknown"  # only shown, never trusted: no reason to refuse a file over it
    sweep = snapshots = None
    if data.get("sweep") is not None:  # optional: files without it still read
        from .sweep import sweep_from_dict

        sweep = sweep_from_dict(data["sweep"])
    if data.get("snapshots") is not None:
        from .snapshots import snapshots_from_dict

        snapshots = snapshots_from_dict(data["snapshots"])
    return Experiment(cfg, runs, app_version, sweep, snapshots, _data_warning(data, cfg))


def load_experiment(path: str | os.PathLike[str]) -> Experiment:
    """Read an experiment; :class:`ExperimentError` says what is wrong with a bad file."""
    return experiment_from_dict(_read_json(path), Path(path).name)


def load_config_file(path: str | os.PathLike[str]) -> TrainConfig:
    """A configuration from an experiment file or from a bare JSON configuration object."""
    data = _read_json(path)
    if isinstance(data, dict) and data.get("format") == FORMAT:
        return experiment_from_dict(data, Path(path).name).config
    return _config(data, Path(path).name)
