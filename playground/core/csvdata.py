"""A student's own data: a CSV file with a header row, read and checked in one go.

:func:`load_table` reads the whole file or nothing: every problem raises
:class:`CsvError` with one line naming the problem and where it is (line numbers
count from 1, the header being line 1; columns by name and number).  Feature
columns must be numeric; the target column (the last unless named) may hold
numbers or words.  A target of words, or of few distinct whole numbers, makes a
classification (classes sorted, numerically when they are numbers); any other
numeric target a regression.  ``task`` overrides the guess.

Numbers are parsed with Python's ``float``, as the exported script parses them, so
the app and the script train on the same values.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
from dataclasses import dataclass

import numpy as np

from .persistence import NotRegularFileError, open_regular_file

TASKS = ("auto", "classification", "regression")
#: A numeric target with at most this many distinct whole numbers is a classification.
MAX_CLASSES_GUESSED = 20
#: Most classes a classification target may have.
MAX_CLASSES = 1000
#: Files with more data rows than this are refused unless ``allow_large``.
MAX_ROWS = 1_000_000


class CsvError(ValueError):
    """The file cannot be used; the message names the problem and its line/column."""


@dataclass(frozen=True)
class Table:
    """A checked CSV file: features as float64, the target as class indices or numbers."""

    path: str
    features: tuple[str, ...]
    target: str
    task: str  # "classification" or "regression"
    x: np.ndarray  # (rows, features) float64
    y: np.ndarray  # (rows,) int64 class indices, or float64 values
    #: Class names in index order (classification), as written in the file.
    classes: tuple[str, ...]
    #: Whether the classes are numbers (the script then maps float(text) to the index).
    numeric_classes: bool
    sha256: str
    #: Every column of the header, in the file's order.
    columns: tuple[str, ...] = ()

    @property
    def rows(self) -> int:
        return int(self.x.shape[0])

    @property
    def d_out(self) -> int:
        return len(self.classes) if self.task == "classification" else 1


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open_regular_file(path) as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _read_rows(path: str, allow_large: bool) -> list[tuple[int, list[str]]]:
    """(the line the row starts on, the row) for every row; a quoted value may span lines."""
    try:
        # A regular file only: a FIFO would block, and /dev/zero never ends.
        with io.TextIOWrapper(open_regular_file(path), newline="", encoding="utf-8-sig") as f:
            rows = []
            reader = csv.reader(f)
            start = 1
            for row in reader:
                rows.append((start, row))
                start = reader.line_num + 1
                if len(rows) > MAX_ROWS + 1 and not allow_large:
                    raise CsvError(f"{path}: more than {MAX_ROWS:,} data rows; confirm to load a file this "
                                   "large (--allow-large-file on the command line)")
    except FileNotFoundError:
        raise CsvError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CsvError(f"{path}: is a folder, not a CSV file") from None
    except NotRegularFileError as exc:
        raise CsvError(f"{path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise CsvError(f"{path}: not a UTF-8 text file ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise CsvError(f"{path}: not a readable CSV file ({exc})") from None
    except OSError as exc:
        raise CsvError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    return rows


def load_table(path: str, target: str = "", task: str = "auto", allow_large: bool = False) -> Table:
    """Read and check ``path``; raise :class:`CsvError` naming the first problem."""
    if task not in TASKS:
        raise CsvError(f"task must be one of {', '.join(TASKS)}; got {task!r}")
    rows = _read_rows(path, allow_large)
    # Blank lines (csv gives []) are skipped, as the exported script skips them.
    numbered = [(i, r) for i, r in rows if r]
    if not numbered:
        raise CsvError(f"{path}: the file is empty (it needs a header row and data rows)")
    _, header = numbered[0]
    header = [h.strip() for h in header]
    body = numbered[1:]
    if not body:
        raise CsvError(f"{path}: line 1 is a header but no data rows follow")
    if len(header) < 2:
        raise CsvError(f"{path}: line 1 has {len(header)} column; it needs at least one feature and a target")
    for j, name in enumerate(header, start=1):
        if not name:
            raise CsvError(f"{path}: line 1, column {j} has no name")
        if not name.isprintable():
            raise CsvError(f"{path}: line 1, column {j}: the name {name!r} holds a line break or another "
                           "control character")
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise CsvError(f"{path}: line 1 names the column {dup!r} twice")
    if target:
        if target not in header:
            raise CsvError(f"{path}: no column named {target!r} (the columns are {', '.join(header)})")
        t = header.index(target)
    else:
        t = len(header) - 1
    width = len(header)
    feats = [j for j in range(width) if j != t]
    x = np.empty((len(body), len(feats)), dtype=np.float64)
    raw_target: list[str] = []
    for r, (line, row) in enumerate(body):
        if len(row) != width:
            raise CsvError(f"{path}: line {line} has {len(row)} values, the header has {width} (ragged rows)")
        for k, j in enumerate(feats):
            value = _number(row[j])
            if value is None:
                what = "is empty" if not row[j].strip() else f"{row[j].strip()!r} is not a finite number"
                raise CsvError(f"{path}: line {line}, column {j + 1} ({header[j]}): {what}; "
                               "feature columns must be numeric")
            x[r, k] = value
        cell = row[t].strip()
        if not cell:
            raise CsvError(f"{path}: line {line}, column {t + 1} ({header[t]}): the target is empty")
        raw_target.append(cell)
    numbers = [_number(v) for v in raw_target]
    numeric = all(v is not None for v in numbers)
    distinct = set(numbers) if numeric else set(raw_target)
    if task == "auto":
        whole = numeric and all(float(v).is_integer() for v in numbers)  # type: ignore[arg-type]
        task = "classification" if (not numeric or (whole and len(distinct) <= MAX_CLASSES_GUESSED)) \
            else "regression"
    if task == "regression":
        if not numeric:
            line, bad = next((ln, v) for (ln, _), v, n in zip(body, raw_target, numbers, strict=True) if n is None)
            raise CsvError(f"{path}: line {line}, column {t + 1} ({header[t]}): {bad!r} is not a number; "
                           "a regression needs a numeric target")
        y = np.asarray(numbers, dtype=np.float64)
        classes: tuple[str, ...] = ()
    else:
        if len(distinct) < 2:
            only = raw_target[0]
            raise CsvError(f"{path}: column {t + 1} ({header[t]}): the target has one class only ({only!r}); "
                           "a classification needs at least two")
        if len(distinct) > MAX_CLASSES:
            raise CsvError(f"{path}: column {t + 1} ({header[t]}): {len(distinct)} classes, more than "
                           f"{MAX_CLASSES}; use --task regression for a numeric target")
        if numeric:
            order = sorted(distinct)  # type: ignore[type-var]
            index = {v: i for i, v in enumerate(order)}
            y = np.asarray([index[v] for v in numbers], dtype=np.int64)
            classes = tuple(_class_name(v) for v in order)  # type: ignore[arg-type]
        else:
            order = sorted(distinct)  # type: ignore[type-var]
            index = {v: i for i, v in enumerate(order)}
            y = np.asarray([index[v] for v in raw_target], dtype=np.int64)
            classes = tuple(order)  # type: ignore[arg-type]
    return Table(path=os.path.abspath(path), features=tuple(header[j] for j in feats), target=header[t],
                 task=task, x=x, y=y, classes=classes, numeric_classes=numeric and task == "classification",
                 sha256=file_sha256(path), columns=tuple(header))


def _class_name(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


_CACHE: dict[tuple, Table] = {}
#: Files confirmed to load although they have more than MAX_ROWS rows (absolute paths).
_CONFIRMED: set[str] = set()


def confirm_large(path: str) -> None:
    """Allow ``path`` more than :data:`MAX_ROWS` rows from now on (the user confirmed it)."""
    _CONFIRMED.add(os.path.abspath(path))


def cached_table(path: str, target: str = "", task: str = "auto") -> Table:
    """:func:`load_table`, remembered while the file's size and time stamp stay the same."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise CsvError(f"{path}: no such file") from None
    except OSError as exc:
        raise CsvError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    key = (os.path.abspath(path), st.st_mtime_ns, st.st_size, target, task)
    table = _CACHE.get(key)
    if table is None:
        table = load_table(path, target, task, allow_large=key[0] in _CONFIRMED)
        if len(_CACHE) > 8:
            _CACHE.clear()
        _CACHE[key] = table
    return table
