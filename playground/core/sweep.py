"""Sweeps: one configuration trained over a grid of one or two fields' values.

A :class:`SweepSpec` is a base :class:`~playground.core.config.TrainConfig` and one or
two :class:`Axis` (a field and its values: the learning rate, the hidden size, the
optimizer, ...).  Its cells are the base with each combination of values applied;
every cell is validated when the grid is made, so a bad value is refused before
anything trains, with a :class:`~playground.core.config.ConfigError` naming the field.

:class:`Sweep` trains the cells with the core's :class:`~playground.core.loop.Trainer`
exactly as ``backprop-playground train`` does (``Trainer(cfg)`` and its batches with
the default arguments; the trainer applies the cell's thread count), so a cell's
losses equal ``train`` with that cell's configuration, bit for bit.  Cells train in
worker processes started with the "spawn" method, as many at once as the CPUs allow
at the cells' thread count, each process pinned to that count; or, with
``workers=0``, one after the other in the calling process.  :meth:`Sweep.events`
yields plain, picklable events: a :class:`CellProgress` per batch of a cell (its new
losses), a :class:`CellResult` when a cell ends.  :meth:`Sweep.request_stop` (any
thread) stops the cells that are training; cells already finished keep their results,
cells not started end as :data:`NOT_RUN`.

A sweep's results are saved in an experiment file (:func:`sweep_to_dict`,
:func:`sweep_from_dict`).  Nothing here imports Qt, nor torch at module level (the
worker processes import it when they train).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import multiprocessing
import os
import queue
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .config import ConfigError, TrainConfig, cpu_count

#: Fields a sweep may vary, in the order offered; data-set and batch fields join when the
#: configuration has them (:func:`sweep_fields`).
BASE_FIELDS = ("lr", "H", "N", "optimizer", "activation")
OPTIONAL_FIELDS = ("dataset", "batch_size", "batch")
#: Whole-number fields (the rest but lr are words).
INT_FIELDS = ("H", "N", "D_in", "D_out", "batch_size", "batch")
#: A grid larger than this is run only when confirmed (``--yes``, or the window's question).
CONFIRM_CELLS = 64
#: The largest grid run at all.
MAX_CELLS = 1024
#: The most values a learning-rate range may have.
MAX_RANGE_COUNT = 256
#: A cell that never started (the sweep was stopped first).
NOT_RUN = "not-run"


def sweep_fields() -> tuple[str, ...]:
    """The fields a sweep may vary in this version of the configuration."""
    known = {f.name for f in dataclasses.fields(TrainConfig)}
    return BASE_FIELDS + tuple(f for f in OPTIONAL_FIELDS if f in known)


def _values_text(values: Sequence[Any]) -> str:
    return ", ".join(_value_text(v) for v in values)


def _value_text(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


class GridTooLarge(ConfigError):
    """The grid has more than :data:`CONFIRM_CELLS` cells and was not confirmed."""

    def __init__(self, cells: int) -> None:
        super().__init__("sweep", f"the grid has {cells} cells, more than {CONFIRM_CELLS}: confirm to run it "
                         "(--yes on the command line)")
        self.cells = cells


def log_range(start: float, stop: float, count: int, name: str = "lr") -> tuple[float, ...]:
    """``count`` values from ``start`` to ``stop`` evenly spaced on a log scale (6 significant digits)."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ConfigError(name, f"a range needs a count of at least 1, got {count!r}")
    if count > MAX_RANGE_COUNT:
        raise ConfigError(name, f"a range has at most {MAX_RANGE_COUNT} values, got {count}")
    for v in (start, stop):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v <= 0:
            raise ConfigError(name, f"a log range needs finite values greater than 0, got {v!r}")
    if count == 1:
        return (float(start),)
    ratio = math.log(stop / start)
    return tuple(float(f"{start * math.exp(ratio * i / (count - 1)):.6g}") for i in range(count))


def parse_values(name: str, text: str) -> tuple[Any, ...]:
    """The values of field ``name`` written as on the command line.

    ``lr``: a comma list (``1e-7,1e-6,1e-5``) or a log range ``from:to:count``
    (``1e-7:1e-3:5``); whole-number fields: a comma list; the others: a comma list of
    words.  Raises :class:`ConfigError` naming the field.
    """
    if name not in sweep_fields():
        raise ConfigError("sweep", f"{name!r} cannot be swept; choose from {', '.join(sweep_fields())}")
    text = str(text).strip()
    if name == "lr" and ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise ConfigError(name, f"a range is written from:to:count, e.g. 1e-7:1e-3:5; got {text!r}")
        try:
            start, stop = float(parts[0]), float(parts[1])
            count = int(parts[2])
        except ValueError:
            raise ConfigError(name, f"a range is written from:to:count, e.g. 1e-7:1e-3:5; got {text!r}") from None
        return log_range(start, stop, count, name)
    items = [item.strip() for item in text.split(",")]
    if not text or not all(items):
        raise ConfigError(name, f"needs a comma-separated list of values, got {text!r}")
    out: list[Any] = []
    for item in items:
        if name == "lr":
            try:
                out.append(float(item))
            except ValueError:
                raise ConfigError(name, f"{item!r} is not a number") from None
        elif name in INT_FIELDS:
            try:
                out.append(int(item))
            except ValueError:
                raise ConfigError(name, f"{item!r} is not a whole number") from None
        else:
            out.append(item)
    return tuple(out)


@dataclass(frozen=True)
class Axis:
    """One swept field and its values, in the order the grid shows them."""

    field: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Cell:
    """One point of the grid: its index (row-major), the swept values and the whole configuration."""

    index: int
    values: tuple[tuple[str, Any], ...]
    config: TrainConfig

    def label(self) -> str:
        return ", ".join(f"{k} {_value_text(v)}" for k, v in self.values)


@dataclass(frozen=True)
class SweepSpec:
    """A base configuration and one or two axes; ``cells`` are validated on construction."""

    base: TrainConfig
    axes: tuple[Axis, ...]
    cells: tuple[Cell, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cells", _cells(self.base, self.axes))

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(a.values) for a in self.axes)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(a.field for a in self.axes)


def make_spec(base: TrainConfig, axes: Mapping[str, Sequence[Any]] | Sequence[tuple[str, Sequence[Any]]],
              confirmed: bool = False) -> SweepSpec:
    """A validated grid: one or two fields, none empty, every cell a valid configuration.

    More than :data:`CONFIRM_CELLS` cells raise :class:`GridTooLarge` unless ``confirmed``.
    """
    pairs = list(axes.items()) if isinstance(axes, Mapping) else list(axes)
    if not pairs:
        raise ConfigError("sweep", f"choose one or two fields to sweep ({', '.join(sweep_fields())})")
    if len(pairs) > 2:
        raise ConfigError("sweep", f"a sweep varies one or two fields, got {len(pairs)}: "
                          f"{', '.join(str(n) for n, _ in pairs)}")
    made: list[Axis] = []
    for name, values in pairs:
        if name not in sweep_fields():
            raise ConfigError("sweep", f"{name!r} cannot be swept; choose from {', '.join(sweep_fields())}")
        if any(a.field == name for a in made):
            raise ConfigError(name, "is swept twice")
        values = tuple(values)
        if not values:
            raise ConfigError(name, "has no values: the grid would be empty")
        if len(set(values)) != len(values):
            raise ConfigError(name, f"lists a value twice: {_values_text(values)}")
        made.append(Axis(name, values))
    cells = math.prod(len(a.values) for a in made)
    if cells > MAX_CELLS:
        raise ConfigError("sweep", f"the grid has {cells} cells; a sweep has at most {MAX_CELLS}")
    if cells > CONFIRM_CELLS and not confirmed:
        raise GridTooLarge(cells)
    return SweepSpec(base, tuple(made))


def _cells(base: TrainConfig, axes: tuple[Axis, ...]) -> tuple[Cell, ...]:
    out = []
    for index, combo in enumerate(itertools.product(*(a.values for a in axes))):
        values = tuple((a.field, v) for a, v in zip(axes, combo, strict=True))
        try:
            cfg = _cell_config(base, dict(values))
        except ConfigError as exc:
            reason = str(exc).removeprefix(f"{exc.field}: ")
            where = ", ".join(f"{k}={_value_text(v)}" for k, v in values)
            raise ConfigError(exc.field, f"{reason} (in the cell {where})") from None
        out.append(Cell(index, values, cfg))
    return tuple(out)


#: What a cell of another data set keeps of the base: the run's length and how it computes.
KEPT_ACROSS_DATASETS = ("steps", "seed", "device", "dtype", "threads")


def _cell_config(base: TrainConfig, values: dict[str, Any]) -> TrainConfig:
    """``base`` with a cell's values.  Another data set brings its own lesson defaults (sizes, loss,
    optimizer, lr...), as choosing it in the window does; the other swept values apply on top."""
    dataset = values.pop("dataset", None)
    if dataset is not None and dataset != getattr(base, "dataset", None) and hasattr(base, "with_dataset"):
        kept = {k: getattr(base, k) for k in KEPT_ACROSS_DATASETS}
        base = base.with_dataset(dataset).replace(**kept)
    elif dataset is not None:
        values["dataset"] = dataset
    return base.replace(**values)


# -- what a sweep reports ----------------------------------------------------------------
@dataclass(frozen=True)
class CellProgress:
    """A batch of one cell: its new steps and losses, and how far the cell is."""

    index: int
    steps: np.ndarray
    losses: np.ndarray
    step: int
    total: int


@dataclass(frozen=True)
class CellResult:
    """How a cell ended: every loss it recorded, and why it ended."""

    index: int
    values: tuple[tuple[str, Any], ...]
    config: TrainConfig
    steps: np.ndarray
    losses: np.ndarray
    reason: str  # completed | stopped | diverged | error | not-run
    diverged_step: int | None = None
    error: str | None = None
    elapsed: float = 0.0

    @property
    def diverged(self) -> bool:
        return self.reason == "diverged"

    @property
    def final_loss(self) -> float | None:
        return float(self.losses[-1]) if len(self.losses) else None

    @property
    def best_loss(self) -> float | None:
        finite = self.losses[np.isfinite(self.losses)]
        return float(finite.min()) if len(finite) else None

    @property
    def steps_per_s(self) -> float:
        return len(self.losses) / self.elapsed if self.elapsed > 0 else 0.0


def train_cell(cell: Cell, emit: Callable[[CellProgress], None], should_stop: Callable[[], bool]) -> CellResult:
    """Train one cell as ``train`` does; ``emit`` each batch; end early when ``should_stop()``."""
    from .loop import Trainer

    if should_stop():
        return _not_run(cell)
    try:
        trainer = Trainer(cell.config)
    except (ConfigError, ValueError, RuntimeError, MemoryError) as exc:
        return CellResult(cell.index, cell.values, cell.config, np.empty(0, np.int64), np.empty(0), "error",
                          error=str(exc))
    steps: list[np.ndarray] = []
    losses: list[np.ndarray] = []
    last = None
    asked = False
    for batch in trainer.batches():
        last = batch
        if len(batch.losses):
            steps.append(batch.steps)
            losses.append(batch.losses)
            emit(CellProgress(cell.index, batch.steps, batch.losses, batch.step, batch.total))
        if not asked and should_stop():
            asked = True
            trainer.request_stop()
    assert last is not None
    return CellResult(
        cell.index, cell.values, cell.config,
        np.concatenate(steps) if steps else np.empty(0, np.int64),
        np.concatenate(losses) if losses else np.empty(0),
        last.reason,
        last.divergence.step if last.divergence is not None else None,
        last.error,
        last.elapsed,
    )


def _not_run(cell: Cell) -> CellResult:
    return CellResult(cell.index, cell.values, cell.config, np.empty(0, np.int64), np.empty(0), NOT_RUN)


# -- worker processes ---------------------------------------------------------------------
_events: Any = None
_stop: Any = None


def _start_worker(events: Any, stop: Any, threads: int) -> None:
    """In a fresh worker process, before torch loads: its channel back, and its thread count."""
    global _events, _stop
    _events, _stop = events, stop
    # A worker ends without waiting for its unsent events: a sweep given up early stops reading them.
    events.cancel_join_thread()
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)


def _cell_in_worker(cell: Cell) -> None:
    """Train ``cell`` in a worker process; every event (the result too) goes through the queue."""
    result = train_cell(cell, _events.put, _stop.is_set)
    _events.put(result)


def default_workers(spec: SweepSpec) -> int:
    """How many cells train at once: as many as the CPUs hold at the cells' thread count."""
    threads = max(c.config.threads for c in spec.cells)
    return max(1, min(len(spec.cells), cpu_count() // threads))


class Sweep:
    """Trains a :class:`SweepSpec`'s cells; :meth:`events` yields what happens, in order per cell."""

    def __init__(self, spec: SweepSpec, workers: int | None = None) -> None:
        self.spec = spec
        self.workers = default_workers(spec) if workers is None else max(0, int(workers))
        self._stop = threading.Event()
        self._mp_stop: Any = None
        self.results: dict[int, CellResult] = {}

    def request_stop(self) -> None:
        """Stop the cells training now (after their current step); no other cell starts."""
        self._stop.set()
        if self._mp_stop is not None:
            self._mp_stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self) -> list[CellResult]:
        """Train every cell; return the results in cell order."""
        for _ in self.events():
            pass
        return self.ordered_results()

    def ordered_results(self) -> list[CellResult]:
        return [self.results[c.index] for c in self.spec.cells if c.index in self.results]

    def events(self) -> Iterator[CellProgress | CellResult]:
        """Train, yielding each cell's progress and result (every cell gets one result)."""
        source = self._in_process() if self.workers == 0 else self._in_workers()
        for event in source:
            if isinstance(event, CellResult):
                self.results[event.index] = event
            yield event

    def _in_process(self) -> Iterator[CellProgress | CellResult]:
        for cell in self.spec.cells:
            made: list[CellProgress] = []
            # The progress of a cell trained here comes after it ends (a generator cannot
            # yield from inside the trainer's loop without a second thread).
            result = train_cell(cell, made.append, self._stop.is_set)
            yield from made
            yield result

    def _in_workers(self) -> Iterator[CellProgress | CellResult]:
        ctx = multiprocessing.get_context("spawn")
        events = ctx.Queue()
        self._mp_stop = ctx.Event()
        if self._stop.is_set():
            self._mp_stop.set()
        threads = max(c.config.threads for c in self.spec.cells)
        pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx, initializer=_start_worker,
                                   initargs=(events, self._mp_stop, threads))
        futures: dict[Future, Cell] = {}
        ended: set[int] = set()
        try:
            for cell in self.spec.cells:
                futures[pool.submit(_cell_in_worker, cell)] = cell
            while len(ended) < len(futures):
                if self._stop.is_set():
                    for fut, cell in futures.items():
                        if cell.index not in ended and fut.cancel():
                            ended.add(cell.index)
                            yield _not_run(cell)
                try:
                    event = events.get(timeout=0.05)
                except queue.Empty:
                    for fut, cell in futures.items():
                        if cell.index in ended or not fut.done() or fut.cancelled():
                            continue
                        exc = fut.exception()
                        if exc is not None:  # the process died or the cell raised: no result will come
                            ended.add(cell.index)
                            yield CellResult(cell.index, cell.values, cell.config, np.empty(0, np.int64),
                                             np.empty(0), "error", error=f"{type(exc).__name__}: {exc}")
                    continue
                if isinstance(event, CellResult):
                    if event.index in ended:
                        continue
                    ended.add(event.index)
                yield event
        finally:
            self.request_stop()
            pool.shutdown(wait=True, cancel_futures=True)
            events.close()
            events.join_thread()


# -- experiment files ----------------------------------------------------------------------
@dataclass(frozen=True)
class SavedSweep:
    """A sweep as an experiment file keeps it: the grid and each cell's result so far."""

    spec: SweepSpec
    results: tuple[CellResult, ...]
    measure: str = "final"  # what the heat map shows: "final" or "best" loss


def sweep_to_dict(saved: SavedSweep) -> dict[str, Any]:
    from .persistence import _losses_for_json

    return {
        "base": saved.spec.base.to_dict(),
        "axes": [{"field": a.field, "values": list(a.values)} for a in saved.spec.axes],
        "measure": saved.measure,
        "cells": [
            {
                "index": r.index,
                "steps": np.asarray(r.steps, dtype=np.int64).tolist(),
                "losses": _losses_for_json(r.losses),
                "reason": r.reason,
                "diverged_step": r.diverged_step,
                "error": r.error,
                "elapsed_s": float(r.elapsed) if math.isfinite(r.elapsed) and r.elapsed >= 0 else 0.0,
            }
            for r in saved.results
        ],
    }


REASONS = ("completed", "stopped", "diverged", "error", NOT_RUN)


def sweep_from_dict(data: Any) -> SavedSweep:
    """Read a saved sweep; :class:`~playground.core.persistence.ExperimentError` names what is wrong."""
    from .persistence import ExperimentError, _config, _number_list, _quote, _steps

    if not isinstance(data, dict):
        raise ExperimentError(f"sweep must be an object, got {_quote(data)}")
    base = _config(data.get("base"), "sweep.base")
    axes_raw = data.get("axes")
    if not isinstance(axes_raw, list):
        raise ExperimentError(f"sweep.axes must be a list, got {_quote(axes_raw)}")
    pairs = []
    for i, a in enumerate(axes_raw):
        if not isinstance(a, dict) or not isinstance(a.get("field"), str) or not isinstance(a.get("values"), list):
            raise ExperimentError(f"sweep.axes[{i}] must be {{\"field\": ..., \"values\": [...]}}, got {_quote(a)}")
        pairs.append((a["field"], a["values"]))
    try:
        spec = make_spec(base, pairs, confirmed=True)
    except ConfigError as exc:
        raise ExperimentError(f"sweep: {exc}") from None
    measure = data.get("measure", "final")
    if measure not in ("final", "best"):
        raise ExperimentError(f"sweep.measure must be 'final' or 'best', got {_quote(measure)}")
    cells_raw = data.get("cells", [])
    if not isinstance(cells_raw, list):
        raise ExperimentError(f"sweep.cells must be a list, got {_quote(cells_raw)}")
    results = []
    seen: set[int] = set()
    for i, c in enumerate(cells_raw):
        where = f"sweep.cells[{i}]"
        if not isinstance(c, dict):
            raise ExperimentError(f"{where} must be an object, got {_quote(c)}")
        index = c.get("index")
        if type(index) is not int or not 0 <= index < len(spec.cells) or index in seen:
            raise ExperimentError(f"{where}.index must be a cell of the grid (0 to {len(spec.cells) - 1}), "
                                  f"once; got {_quote(index)}")
        seen.add(index)
        steps = _steps(c.get("steps", []), f"{where}.steps")
        losses = _number_list(c.get("losses", []), f"{where}.losses")
        if len(steps) != len(losses):
            raise ExperimentError(f"{where}: {len(steps)} steps but {len(losses)} losses")
        reason = c.get("reason")
        if reason not in REASONS:
            raise ExperimentError(f"{where}.reason must be one of {', '.join(REASONS)}, got {_quote(reason)}")
        diverged_step = c.get("diverged_step")
        if diverged_step is not None and (type(diverged_step) is not int or diverged_step < 0):
            raise ExperimentError(f"{where}.diverged_step must be a whole step or null, got {_quote(diverged_step)}")
        error = c.get("error")
        if error is not None and not isinstance(error, str):
            raise ExperimentError(f"{where}.error must be text or null")
        elapsed = c.get("elapsed_s", 0.0)
        if type(elapsed) not in (int, float) or not math.isfinite(elapsed) or elapsed < 0:
            raise ExperimentError(f"{where}.elapsed_s must be a number from 0 up, got {_quote(elapsed)}")
        cell = spec.cells[index]
        results.append(CellResult(index, cell.values, cell.config, steps, losses, reason, diverged_step, error,
                                  float(elapsed)))
    return SavedSweep(spec, tuple(results), measure)


__all__ = [
    "CONFIRM_CELLS",
    "MAX_CELLS",
    "NOT_RUN",
    "Axis",
    "Cell",
    "CellProgress",
    "CellResult",
    "GridTooLarge",
    "SavedSweep",
    "Sweep",
    "SweepSpec",
    "log_range",
    "make_spec",
    "parse_values",
    "sweep_fields",
    "sweep_from_dict",
    "sweep_to_dict",
]
