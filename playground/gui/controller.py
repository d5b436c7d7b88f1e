"""The one object that knows about threads: runs the core's loop in a worker.

Training runs in a superqt ``GeneratorWorker`` (a QRunnable on the global
QThreadPool) iterating :meth:`Trainer.batches`.  Only plain data crosses back:
each frozen :class:`~playground.core.loop.Batch` arrives through the worker's
``yielded`` signal, queued to the GUI thread, and is re-emitted as
``batchReady``.

States: ``idle`` (no run), ``running``, ``paused`` (a run with no worker: the
trainer keeps its weights), ``finished`` (the run ended; its data stays until
Reset or the next Start).  Pause ends the worker between batches; Resume and
Step start a new worker on the same trainer, so a paused run can step one step
at a time.  Commands that arrive while a worker winds down wait for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
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
        self._after_worker: Callable[[], None] | None = None
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

    # -- commands --------------------------------------------------------------
    def start(self, cfg: TrainConfig, paused: bool = False) -> bool:
        """Start a new run of ``cfg`` (ending any current one first).

        With ``paused`` the run is built but takes no step until resumed or stepped.
        """
        if self._worker is not None:
            self._end_current()
            self._after_worker = lambda: self.start(cfg, paused)
            self._let_go_later()
            return True
        if self.trainer is not None and not self.trainer.ended:
            self._finish_paused_run()
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

    def resume(self) -> None:
        if self.trainer is None or self.trainer.ended:
            return
        if self._worker is not None:
            self._after_worker = self.resume
            return
        self._launch(None)

    def step_once(self) -> None:
        """Run exactly one training step of the current (paused) run."""
        if self._worker is not None:
            if self._after_worker is None:
                self._worker.quit()  # pause first; a queued restart stays queued
            self.when_idle(self.step_once)
            return
        if self.trainer is None or self.trainer.ended:
            return
        self._launch(1)

    def pause(self) -> None:
        if self._worker is not None:
            self._after_worker = None
            self._worker.quit()

    def stop(self) -> None:
        """End the run; its curve stays."""
        self._after_worker = None
        if self._worker is not None:
            self._end_current()
            self._let_go_later()
        elif self.trainer is not None and not self.trainer.ended:
            self._finish_paused_run()

    def reset(self) -> None:
        """Forget the current run entirely."""
        self.stop()
        if self._worker is not None:
            self._after_worker = self._forget
        else:
            self._forget()

    def when_idle(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` now if no worker runs, else once the worker has finished."""
        if self._worker is None:
            callback()
        else:
            previous = self._after_worker

            def both() -> None:
                if previous is not None:
                    previous()
                if self._worker is None:
                    callback()
                else:  # ``previous`` started a worker: wait for that one too
                    self.when_idle(callback)

            self._after_worker = both

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

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Stop any worker and wait for it; True when no worker is left."""
        self._after_worker = None
        if self._worker is not None:
            self._end_current()
        return QThreadPool.globalInstance().waitForDone(timeout_ms)

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
        follow = self._after_worker
        self._after_worker = None
        if follow is not None:
            follow()

    @property
    def steps_let_go(self) -> int:
        """Workers still finishing a step after their run was stopped."""
        return len(self._let_go)

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
            _connect={"yielded": relay.on_yielded, "errored": relay.on_errored, "finished": relay.on_finished},
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
        follow = self._after_worker
        self._after_worker = None
        if follow is not None:
            follow()

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state)
