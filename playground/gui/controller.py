"""The one object that knows about threads: runs the core's loop in a worker.

Training runs in a superqt ``GeneratorWorker`` (a QRunnable on the global
QThreadPool) iterating :meth:`Trainer.batches`.  Only plain data crosses back:
each frozen :class:`~playground.core.loop.Batch` arrives through the worker's
``yielded`` signal, queued to the GUI thread, and is re-emitted as
``batchReady``.

States (what the window shows): ``idle`` (no run), ``running``, ``paused`` (a
run with no worker: the trainer keeps its weights), ``finished`` (the run ended;
its data stays until Reset or the next Start).  Pause ends the worker between
batches; Resume and Step start a new worker on the same trainer, so a paused run
can step one step at a time.

Two tables say how the controller moves, and its code consults them:
:data:`COMMANDS`, what each command does in each situation (the state, plus
whether a worker is still winding down), and :data:`STATE_CHANGES`, which state
may follow which.  A command that needs the worker gone waits in a queue and
runs once the worker has ended; :meth:`TrainingController.when_idle` adds to the
same queue.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal, Slot
from superqt.utils import GeneratorWorker, create_worker

from ..core.config import ConfigError, TrainConfig
from ..core.loop import Batch, Trainer

log = logging.getLogger(__name__)

IDLE, RUNNING, PAUSED, FINISHED = "idle", "running", "paused", "finished"
#: Stop (or a restart) waits this long for the step in progress; a slower step is let go:
#: the run ends now, and the step finishes in the background with nothing to show for it.
#: A matrix product cannot be interrupted, and one step at N=65536, H=8192 takes 26 s here.
STOP_GRACE_MS = 800

#: Which state may follow which (every change of state is checked against this).
STATE_CHANGES: dict[str, frozenset[str]] = {
    # start a run; start one paused
    IDLE: frozenset({RUNNING, PAUSED}),
    # the worker ended with the run open (pause, or the steps asked for are done);
    # the run ended (its last batch, an internal error, or a stop that let a slow step go)
    RUNNING: frozenset({PAUSED, FINISHED}),
    # resume or step; stop (or a new start) ends the run; a reset queued behind a pause forgets it
    PAUSED: frozenset({RUNNING, FINISHED, IDLE}),
    # start a run; start one paused; reset
    FINISHED: frozenset({RUNNING, PAUSED, IDLE}),
}

# The situations a command can meet: the columns of COMMANDS (see TrainingController._situation).
TRAINING = "training"  # a worker trains a run that can go on (state running)
ENDING = "ending"  # a worker is still running, but its run has ended (its last batch is made)
PAUSED_RUN = "paused run"  # no worker, and a run that can go on (state paused)
NO_RUN = "no run"  # no worker, and no run to go on (state idle or finished)
SITUATIONS = (TRAINING, ENDING, PAUSED_RUN, NO_RUN)

#: What each public command does in each situation: the controller method that does it.
#: Where a worker runs, what must wait for it to end (the "then ..." half of an action, a
#: "..._after") goes on the queue of things to do once it has ended; a stop or a pause
#: empties that queue, so what waited is cancelled.
COMMANDS: dict[str, tuple[str, str, str, str]] = {
    # command      TRAINING              ENDING                PAUSED_RUN            NO_RUN
    "start":      ("_end_then_start",   "_end_then_start",    "_stop_then_start",   "_start_run"),
    "resume":     ("_resume_after",     "_ignore",            "_launch_run",        "_ignore"),
    "step_once":  ("_pause_then_step",  "_pause_then_step",   "_launch_one_step",   "_ignore"),
    "pause":      ("_quit_worker",      "_quit_worker",       "_ignore",            "_ignore"),
    "stop":       ("_end_worker_run",   "_end_worker_run",    "_stop_paused_run",   "_drop_queue"),
    "reset":      ("_end_then_forget",  "_end_then_forget",   "_stop_then_forget",  "_drop_then_forget"),
    "when_idle":  ("_call_after",       "_call_after",        "_call_now",          "_call_now"),
    "shutdown":   ("_end_worker_now",   "_end_worker_now",    "_drop_queue",        "_drop_queue"),
}


class _WorkerRelay(QObject):
    """Hands one worker's signals to the controller, until the controller lets the worker go."""

    def __init__(self, controller: TrainingController) -> None:
        super().__init__(controller)
        self.controller = controller
        self.let_go = False
        self.finished = False

    @Slot(object)
    def on_yielded(self, batch: Batch) -> None:
        if not self.let_go:
            self.controller._on_yielded(batch)

    @Slot(object)
    def on_errored(self, exc: Any) -> None:
        if not self.let_go:
            self.controller._on_errored(exc)

    @Slot()
    def on_finished(self) -> None:
        self.finished = True
        if self.let_go:
            self.controller._let_go.discard(self)
        else:
            self.controller._on_finished()
        self.deleteLater()


class TrainingController(QObject):
    batchReady = Signal(object)  # Batch
    runStarted = Signal(object)  # TrainConfig
    runEnded = Signal(object)  # the last Batch (reason: completed/stopped/diverged/error)
    stateChanged = Signal(str)
    failed = Signal(str)  # a run could not start (bad config, out of memory while building)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.trainer: Trainer | None = None
        self.state = IDLE
        self._worker: GeneratorWorker | None = None
        self._relay: _WorkerRelay | None = None
        #: Workers let go by a stop while a slow step was in progress (they end on their own).
        self._let_go: set[_WorkerRelay] = set()
        #: What to do once the worker has ended, in order (empty whenever no worker runs).
        self._queued: list[Callable[[], Any]] = []
        self.batch_seconds = 0.05
        #: Steps a second the runs train at (None: full speed); see :meth:`set_pace`.
        self.pace: float | None = None
        #: New runs replay their step from CUDA graphs (core/fastmode.py) where that applies.
        self.fast = False

    # -- queries ---------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """A worker is running (or winding down)."""
        return self._worker is not None

    @property
    def config(self) -> TrainConfig | None:
        return None if self.trainer is None else self.trainer.config

    @property
    def steps_let_go(self) -> int:
        """Workers still finishing a step after their run was stopped."""
        return len(self._let_go)

    # -- commands: each does what COMMANDS says for the present situation --------------
    def start(self, cfg: TrainConfig, paused: bool = False) -> bool:
        """Start a new run of ``cfg`` (ending any current one first); False when it cannot be built.

        With ``paused`` the run is built but takes no step until resumed or stepped.
        """
        return self._do("start", cfg, paused)

    def resume(self) -> None:
        self._do("resume")

    def step_once(self) -> None:
        """Run exactly one training step of the current (paused) run."""
        self._do("step_once")

    def pause(self) -> None:
        self._do("pause")

    def stop(self) -> None:
        """End the run; its curve stays."""
        self._do("stop")

    def reset(self) -> None:
        """Forget the current run entirely."""
        self._do("reset")

    def when_idle(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` now if no worker runs, else once the worker has finished."""
        self._do("when_idle", callback)

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Stop any worker and wait for it; True when no worker is left."""
        self._do("shutdown")
        return QThreadPool.globalInstance().waitForDone(timeout_ms)

    def set_lr(self, lr: float) -> None:
        """New learning rate from the next step on, without resetting the model."""
        if self.trainer is not None and not self.trainer.ended:
            self.trainer.set_lr(lr)

    def set_pace(self, steps_per_s: float | None) -> None:
        """Train at most ``steps_per_s`` steps a second (None: full speed), the current run
        from its next step on: the worker sleeps between steps, it never slows full speed."""
        self.pace = steps_per_s
        if self.trainer is not None and not self.trainer.ended:
            self.trainer.set_pace(steps_per_s)

    @Slot(bool)
    def set_fast(self, on: bool) -> None:
        """Use the GPU fast mode for the next runs (a run keeps the mode it started with)."""
        self.fast = bool(on)

    def _situation(self) -> str:
        """Where the controller is, as far as a command cares: one of :data:`SITUATIONS`."""
        run_open = self.trainer is not None and not self.trainer.ended
        if self._worker is not None:
            return TRAINING if run_open else ENDING
        return PAUSED_RUN if run_open else NO_RUN

    def _do(self, command: str, *args: Any) -> Any:
        return getattr(self, _ACTIONS[command, self._situation()])(*args)

    # -- actions: the cells of COMMANDS ----------------------------------------------
    def _ignore(self, *_args: Any) -> None:
        """The command means nothing here (resume a finished run, pause with no worker...)."""

    def _start_run(self, cfg: TrainConfig, paused: bool) -> bool:
        try:
            self.trainer = Trainer(cfg, pace=self.pace, fast=self.fast)
        except ConfigError as exc:
            self.failed.emit(str(exc))
            return False
        except (MemoryError, RuntimeError) as exc:
            self.failed.emit(self.tr("could not build the model: {0}").format(exc))
            return False
        self.runStarted.emit(cfg)
        if paused:
            self._set_state(PAUSED)
        else:
            self._launch(None)
        return True

    def _stop_then_start(self, cfg: TrainConfig, paused: bool) -> bool:
        self._finish_paused_run()
        return self._start_run(cfg, paused)

    def _end_then_start(self, cfg: TrainConfig, paused: bool) -> bool:
        """End the worker's run; the new one starts when the worker is gone (replacing the queue)."""
        self._end_current()
        self._queued = [partial(self.start, cfg, paused)]
        self._let_go_later()
        return True

    def _resume_after(self) -> None:
        """Resume once the worker is gone (replacing the queue, as a new start does)."""
        self._queued = [self.resume]

    def _launch_run(self) -> None:
        self._launch(None)

    def _launch_one_step(self) -> None:
        self._launch(1)

    def _pause_then_step(self) -> None:
        """Pause, then step once the worker is gone (after whatever else was queued)."""
        assert self._worker is not None
        if not self._queued:
            self._worker.quit()  # pause first; a queued restart stays queued
        self._queued.append(self.step_once)

    def _quit_worker(self) -> None:
        assert self._worker is not None
        self._queued = []
        self._worker.quit()

    def _end_worker_run(self) -> None:
        """Ask the worker's run to stop; a step that outlasts the grace is let go."""
        self._queued = []
        self._end_current()
        self._let_go_later()

    def _end_worker_now(self) -> None:
        self._queued = []
        self._end_current()

    def _stop_paused_run(self) -> None:
        self._queued = []
        self._finish_paused_run()

    def _drop_queue(self) -> None:
        self._queued = []

    def _end_then_forget(self) -> None:
        self._end_worker_run()
        self._queued = [self._forget]

    def _stop_then_forget(self) -> None:
        self._stop_paused_run()
        self._forget()

    def _drop_then_forget(self) -> None:
        self._drop_queue()
        self._forget()

    def _call_after(self, callback: Callable[[], None]) -> None:
        self._queued.append(callback)

    def _call_now(self, callback: Callable[[], None]) -> None:
        callback()

    # -- internals -------------------------------------------------------------
    def _end_current(self) -> None:
        if self.trainer is not None:
            self.trainer.request_stop()

    def _let_go_later(self) -> None:
        relay = self._relay
        QTimer.singleShot(STOP_GRACE_MS, self, lambda: self._let_go_if_busy(relay))

    def _let_go_if_busy(self, relay: _WorkerRelay | None) -> None:
        """End the run now if its worker is still inside a step (see :data:`STOP_GRACE_MS`)."""
        if relay is None or relay is not self._relay or relay.finished or self._worker is None:
            return
        trainer = self.trainer
        relay.let_go = True
        self._let_go.add(relay)
        self._worker = self._relay = None
        if trainer is not None:
            # The stopping trainer belongs to its worker's thread until that ends: only its
            # plain counters are read here, and the window forgets it.
            self._on_yielded(Batch(
                steps=np.empty(0, dtype=np.int64), losses=np.empty(0), stats=(), lr_changes=(),
                step=trainer.step, total=trainer.config.steps, elapsed=trainer.elapsed,
                device=trainer.device, done=True, reason="stopped"))
        self.trainer = None
        self._run_queued()

    def _run_queued(self) -> None:
        """Do what waited for the worker, in order; what follows one that starts a worker waits for it."""
        waiting, self._queued = self._queued, []
        for i, callback in enumerate(waiting):
            callback()
            if self._worker is not None:
                self._queued.extend(waiting[i + 1:])
                return

    def _forget(self) -> None:
        self.trainer = None
        self._set_state(IDLE)

    def _finish_paused_run(self) -> None:
        """End a run no worker is training (paused, or not yet started): it ends as "stopped"."""
        assert self.trainer is not None
        self.trainer.request_stop()
        for batch in self.trainer.batches(max_steps=0):  # yields the final, empty batch
            self._on_yielded(batch)

    def _launch(self, max_steps: int | None) -> None:
        assert self.trainer is not None
        relay = _WorkerRelay(self)
        worker = create_worker(
            self.trainer.batches,
            max_steps=max_steps,
            batch_seconds=self.batch_seconds,
            _start_thread=False,
            _worker_class=GeneratorWorker,
            _connect={"yielded": relay.on_yielded, "errored": relay.on_errored,
                      "finished": relay.on_finished},
        )
        self._worker = worker
        self._relay = relay
        self._set_state(RUNNING)
        worker.start()

    @Slot(object)
    def _on_yielded(self, batch: Batch) -> None:
        self.batchReady.emit(batch)
        if batch.done:
            self._set_state(FINISHED)
            self.runEnded.emit(batch)

    @Slot(object)
    def _on_errored(self, exc: Any) -> None:
        # The core turns step failures into batches; anything here is a bug, reported not raised.
        log.error("training worker failed: %r", exc)
        self.failed.emit(self.tr("training stopped by an internal error: {0}").format(exc))
        if self.trainer is not None:
            self.trainer.ended = True
        self._set_state(FINISHED)

    @Slot()
    def _on_finished(self) -> None:
        self._worker = self._relay = None
        if self.trainer is not None and not self.trainer.ended and self.state == RUNNING:
            self._set_state(PAUSED)
        self._run_queued()

    def _set_state(self, state: str) -> None:
        if state != self.state:
            assert state in STATE_CHANGES[self.state], f"no way from {self.state} to {state}"
            self.state = state
            self.stateChanged.emit(state)


def _action_table() -> dict[tuple[str, str], str]:
    """:data:`COMMANDS` by (command, situation); a misspelt action fails here, at import."""
    table = {}
    for command, row in COMMANDS.items():
        for situation, action in zip(SITUATIONS, row, strict=True):
            if not callable(getattr(TrainingController, action, None)):
                raise AttributeError(f"COMMANDS[{command!r}] names {action}: TrainingController lacks it")
            table[command, situation] = action
    return table


_ACTIONS = _action_table()
