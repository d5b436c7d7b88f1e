"""The session's runs: what each run is, in one Qt-free model that every view reads.

A :class:`Run` holds a run's facts: its name, configuration, loss history (with
the step numbers it was recorded at), learning-rate changes, note, how it ended
(one of :data:`~playground.core.outcomes.OUTCOMES`, or :data:`RUNNING` while it
is being recorded), the step it diverged at, its colour, speed and duration.
An experiment file holds exactly these facts, so :mod:`.persistence` reads and
writes Runs (its ``RecordedRun`` is this class): one record of a run, not two
kept in step.

:class:`Runs` is the ordered collection of a session's runs, with the one being
recorded now (:attr:`Runs.current`).  Every change goes through its methods,
which tell the listeners (:meth:`Runs.subscribe`) with a plain call
``listener(kind, run)``; the loss plot, the Runs table, saving and exports are
views or readers of it, and none of them keeps a fact of a run.  Adding many
runs at once (:meth:`Runs.extend`, opening an experiment) is one event, so a
view does its work once, not once per run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np

from .config import TrainConfig
from .history import LossHistory
from .outcomes import DIVERGED, OUTCOMES, UNKNOWN_OUTCOME

#: The outcome of a run still being recorded: not an end, and saved as "recorded" (its end not known).
RUNNING = "running"

#: How many runs a plot shows at once: the current run and the most recent visible ones
#: (``gui.loss_plot.MAX_RUNS``).  A new run's colour passes over the colours those have.
SHOWN_RUNS = 20

#: The colours runs take in turn (matplotlib's ten).
RUN_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
               "#7f7f7f", "#bcbd22", "#17becf")

# What a listener is told (``listener(kind, run)``):
#: ``run`` was added at the end.
INSERTED = "inserted"
#: Several runs were added at the end in one go (``run`` is None).
EXTENDED = "extended"
#: ``run`` was removed.
REMOVED = "removed"
#: Several runs were removed in one go, or all of them (``run`` is None).
CLEARED = "cleared"
#: A fact of ``run`` changed: its name, visibility, note, lr changes, or how it ended.
CHANGED = "changed"
#: ``run``'s loss history grew (a batch of the run being recorded).
APPENDED = "appended"

Listener = Callable[[str, "Run | None"], None]


def lr_text(lr: float, lr_changes: Sequence[tuple[int, float]] = ()) -> str:
    """A run's learning rate: "1e-06", "1e-06 → 1e-07", or "1e-06 → … → 1e-08" after several changes."""
    if not lr_changes:
        return f"{lr:g}"
    last = lr_changes[-1][1]
    return f"{lr:g} → {last:g}" if len(lr_changes) == 1 else f"{lr:g} → … → {last:g}"


def run_label(cfg: TrainConfig, lr_changes: Sequence[tuple[int, float]] = ()) -> str:
    """A run's automatic name (in the legend and the Runs table): what it trained, and its lr."""
    return f"{cfg.style}, {cfg.optimizer}, lr {lr_text(cfg.lr, lr_changes)}"


def free_colour(turn: int, used: Iterable[str]) -> str:
    """The colour at ``turn`` in :data:`RUN_COLOURS`, or the next one in turn that is not ``used``
    (the first in turn when every one is)."""
    first = turn % len(RUN_COLOURS)
    in_turn = RUN_COLOURS[first:] + RUN_COLOURS[:first]
    taken = set(used)
    return next((c for c in in_turn if c not in taken), in_turn[0])


class Run:
    """One run: what it trained, its losses at their steps, and how it went.

    Built from a file's fields (``steps`` and ``losses``, as :mod:`.persistence`
    reads them), or from a ``history`` that grows while the run is recorded (neither
    given: an empty one).  Change a run that belongs to a :class:`Runs` through the
    Runs, so that its views hear of it.
    """

    __slots__ = ("name", "config", "history", "lr_changes", "note", "outcome", "diverged_step", "colour",
                 "steps_per_s", "elapsed_s", "visible", "auto_name", "run_id")

    def __init__(self, name: str, config: TrainConfig, steps: np.ndarray | Sequence[int] | None = None,
                 losses: np.ndarray | Sequence[float] | None = None,
                 lr_changes: Iterable[tuple[int, float]] = (), note: str = "", outcome: str = UNKNOWN_OUTCOME,
                 diverged_step: int | None = None, colour: str = "", steps_per_s: float = 0.0,
                 elapsed_s: float = 0.0, *, history: LossHistory | None = None, visible: bool = True,
                 auto_name: bool = False) -> None:
        if history is None:
            history = LossHistory() if losses is None else LossHistory.from_arrays(
                np.asarray(losses, dtype=np.float64), None if steps is None else np.asarray(steps))
        self.name = name
        self.config = config
        self.history = history
        #: (step, lr) in the order they happened: the lr from that step on.
        self.lr_changes: tuple[tuple[int, float], ...] = tuple((int(s), float(lr)) for s, lr in lr_changes)
        self.note = note
        #: One of OUTCOMES, or RUNNING while the run is recorded.
        self.outcome = outcome
        self.diverged_step = diverged_step  # the step whose numbers became non-finite (outcome "diverged")
        self.colour = colour  # "#rrggbb"; "" until the run joins a Runs, which gives it one
        self.steps_per_s = steps_per_s  # 0: not known
        self.elapsed_s = elapsed_s  # seconds of training; 0: not known
        self.visible = visible  # shown on the plot (ticked in the Runs table)
        #: The name is made from the configuration and lr changes (follows them), not given by hand.
        self.auto_name = auto_name
        self.run_id = 0  # given by the Runs it joins: 1, 2, 3, ... in the order runs joined

    @property
    def steps(self) -> np.ndarray:
        """The step number of every loss (int64), as a file keeps them."""
        return self.history.steps.astype(np.int64)

    @property
    def losses(self) -> np.ndarray:
        """Every loss (float64, read-only)."""
        return self.history.losses

    def saved(self) -> Run:
        """A copy as an experiment file keeps it, which later changes to this run do not reach.

        A run not ended is saved as "recorded" (its end not known), without speed or
        duration; only a diverged run keeps a diverged step.
        """
        outcome = self.outcome if self.outcome in OUTCOMES else UNKNOWN_OUTCOME
        known = outcome != UNKNOWN_OUTCOME
        return Run(self.name, self.config, None, None, self.lr_changes, self.note, outcome,
                   self.diverged_step if outcome == DIVERGED else None, self.colour,
                   self.steps_per_s if known else 0.0, self.elapsed_s if known else 0.0,
                   history=self.history.copy(), visible=self.visible, auto_name=self.auto_name)

    def __repr__(self) -> str:
        return f"Run({self.run_id}, {self.name!r}, {len(self.history)} steps, {self.outcome})"


class Runs:
    """The session's runs in the order they were made or opened, and the one being recorded."""

    def __init__(self, runs: Iterable[Run] = ()) -> None:
        self._runs: list[Run] = []
        self._current: Run | None = None
        self._listeners: list[Listener] = []
        self._next_id = 1
        for run in runs:
            self._adopt(run)

    # -- reading -----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._runs)

    def __iter__(self) -> Iterator[Run]:
        return iter(self._runs)

    def __getitem__(self, index: int) -> Run:
        return self._runs[index]

    def __contains__(self, run: object) -> bool:
        return any(r is run for r in self._runs)

    def index(self, run: Run) -> int:
        return self._runs.index(run)

    @property
    def current(self) -> Run | None:
        """The run being recorded (None between runs)."""
        return self._current

    def shown(self, limit: int = SHOWN_RUNS) -> list[Run]:
        """The runs a plot shows, in order: the current one and the most recent visible ones, ``limit`` at most.

        The current run is one of them while it is visible, wherever it stands in the order.
        """
        current = self._current
        with_current = current is not None and current.visible and limit > 0
        others = limit - 1 if with_current else limit
        picked: list[Run] = []
        later = None  # how many picked runs come after the current one in the order
        for run in reversed(self._runs):  # newest first: stops after ``limit`` runs, however many there are
            if run is current:
                later = len(picked)
            elif len(picked) >= others:
                break  # the current run not met yet comes before every run picked
            elif run.visible:
                picked.append(run)
        picked.reverse()
        if with_current:
            picked.insert(len(picked) - later if later is not None else 0, current)
        return picked

    def saved(self) -> tuple[Run, ...]:
        """Every run with at least one step, as an experiment file keeps it (see :meth:`Run.saved`)."""
        return tuple(run.saved() for run in self._runs if len(run.history))

    # -- listening ---------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(kind, run)`` after every change; returns the function that stops it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def _emit(self, kind: str, run: Run | None = None) -> None:
        for listener in list(self._listeners):  # a listener may unsubscribe while being told
            listener(kind, run)

    # -- adding --------------------------------------------------------------------------
    def _adopt(self, run: Run) -> Run:
        """Give a run joining this collection its id, a colour if it has none, and the name it follows.

        A run read from a file whose name is empty or the automatic one (with or without
        its lr changes) follows its lr changes as a new run's name does.
        """
        run.run_id = self._next_id
        self._next_id += 1
        if not run.colour:
            run.colour = free_colour(run.run_id - 1, (r.colour for r in self.shown()))
        if not run.auto_name and run.name in ("", run_label(run.config), run_label(run.config, run.lr_changes)):
            run.auto_name = True
        if run.auto_name:
            run.name = run_label(run.config, run.lr_changes)
        if run is not self._current and run.outcome not in OUTCOMES:
            run.outcome = UNKNOWN_OUTCOME  # added as it ended; a run not ended is no longer recorded
        if run.outcome != DIVERGED:
            run.diverged_step = None
        self._runs.append(run)
        return run

    def begin(self, config: TrainConfig, colour: str = "") -> Run:
        """Start recording a new run (the current one from now on), at the end of the order.

        Without ``colour`` it takes the next colour in turn that no shown run has.
        """
        run = Run(run_label(config), config, outcome=RUNNING, colour=colour, auto_name=True)
        self._current = run
        self._adopt(run)
        self._emit(INSERTED, run)
        return run

    def add(self, run: Run) -> Run:
        """Add a finished run (one read from a file) at the end; the current run stays current."""
        self._adopt(run)
        self._emit(INSERTED, run)
        return run

    def extend(self, runs: Iterable[Run]) -> list[Run]:
        """Add finished runs at the end, all in one go: the listeners hear once (:data:`EXTENDED`)."""
        added = [self._adopt(run) for run in runs]
        if added:
            self._emit(EXTENDED)
        return added

    # -- the run being recorded ----------------------------------------------------------
    def append(self, steps: np.ndarray, losses: np.ndarray) -> None:
        """Add a batch of losses to the current run (none: nothing happens)."""
        run = self._current
        if run is None or len(losses) == 0:
            return
        run.history.append(steps, losses)
        self._emit(APPENDED, run)

    def change_lr(self, step: int, lr: float, run: Run | None = None) -> None:
        """The learning rate of ``run`` (the current one by default) became ``lr`` at ``step``.

        An automatic name follows the change; a name given by hand stays.
        """
        run = run or self._current
        if run is None:
            return
        run.lr_changes = (*run.lr_changes, (int(step), float(lr)))
        if run.auto_name:
            run.name = run_label(run.config, run.lr_changes)
        self._emit(CHANGED, run)

    def end(self, outcome: str, steps_per_s: float = 0.0, elapsed_s: float = 0.0,
            diverged_step: int | None = None) -> None:
        """The current run ended (``outcome`` is the loop's end reason); no run is current after it."""
        run = self._current
        if run is None:
            return
        run.outcome = outcome
        run.diverged_step = diverged_step if outcome == DIVERGED else None
        run.steps_per_s = steps_per_s
        run.elapsed_s = elapsed_s
        self._current = None
        self._emit(CHANGED, run)

    def discard_current(self) -> None:
        """Forget the current run (Reset)."""
        if self._current is not None:
            self.remove(self._current)

    # -- removing ------------------------------------------------------------------------
    def remove(self, run: Run) -> None:
        """Forget ``run`` (the current one too: then no run is current)."""
        if run not in self:
            return
        self._runs = [r for r in self._runs if r is not run]
        if run is self._current:
            self._current = None
        self._emit(REMOVED, run)

    def remove_many(self, runs: Iterable[Run]) -> None:
        """Forget several runs at once: the listeners hear once (:data:`CLEARED`)."""
        gone = {id(run) for run in runs}
        kept = [r for r in self._runs if id(r) not in gone]
        if len(kept) == len(self._runs):
            return
        self._runs = kept
        if self._current is not None and id(self._current) in gone:
            self._current = None
        self._emit(CLEARED)

    def clear_finished(self) -> None:
        """Forget every run but the current one."""
        self.remove_many([r for r in self._runs if r is not self._current])

    # -- a run's facts -------------------------------------------------------------------
    def rename(self, run: Run, name: str) -> None:
        """A name given by hand: it stays as given when the lr changes."""
        run.name = name
        run.auto_name = False
        self._emit(CHANGED, run)

    def set_visible(self, run: Run, visible: bool) -> None:
        if run.visible != visible:
            run.visible = visible
            self._emit(CHANGED, run)

    def set_note(self, run: Run, note: str) -> None:
        if run.note != note:
            run.note = note
            self._emit(CHANGED, run)
