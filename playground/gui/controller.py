"""The one object that knows where training runs: a worker process, fed by commands.

Training runs in a process of its own (core/worker.py): the window's interpreter only
draws, so neither waits for the other, and a crash inside a step ends the run, not the
window.  Only plain data crosses back: each frozen :class:`~playground.core.loop.Batch`
arrives on the host's reader thread, is queued to the GUI thread, and is re-emitted as
``batchReady``.  :attr:`TrainingController.trainer` is the window's view of the run
(:class:`RunView`: its configuration, step, lr, device), kept up to date from the batches.

States (what the window shows): ``idle`` (no run), ``running``, ``paused`` (a run no
launch trains: the worker keeps its weights), ``finished`` (the run ended; its data stays
until Reset or the next Start).  Pause ends the launch between batches; Resume and Step
start a new launch of the same run, so a paused run can step one step at a time.

Two tables say how the controller moves, and its code consults them:
:data:`COMMANDS`, what each command does in each situation (the state, plus
whether a launch is still winding down), and :data:`STATE_CHANGES`, which state
may follow which.  A command that needs the launch gone waits in a queue and
runs once the launch has ended; :meth:`TrainingController.when_idle` adds to the
same queue.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ..core.batch import Batch
from ..core.config import ConfigError, TrainConfig
from ..core.machine import CPU_ONLY, MachineFacts
from ..core.worker import RunInfo, WorkerHost, exit_text

log = logging.getLogger(__name__)

IDLE, RUNNING, PAUSED, FINISHED = "idle", "running", "paused", "finished"
#: Stop (or a restart) waits this long for the step in progress; a slower step is let go:
#: the run ends now, and the worker process, stuck in that step, is killed (a fresh one
#: trains the next run).  A matrix product cannot be interrupted, and one step at N=65536,
#: H=8192 takes 26 s here.
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


#: Runs, launches and calls are numbered across every controller of this process, so a
#: message about an earlier one (from a worker another window used before) is known.
_ids = itertools.count(1)

#: Idle workers that closed windows handed back, for the next window to take at once.
_spare: list[WorkerHost] = []
#: Every worker this process started and has not closed (all are closed at exit).
_hosts: list[WorkerHost] = []
_SPARE_LIMIT = 1


def _drop_message(host: WorkerHost, msg: tuple) -> None:
    """Where a spare worker's messages go: nowhere (it trains nothing)."""


def _new_host(setup: Callable[[], None] | None, on_message: Callable[[WorkerHost, tuple], None]) -> WorkerHost:
    host = WorkerHost(on_message, setup)
    _hosts[:] = [h for h in _hosts if h.alive] + [host]
    return host


def _take_host(setup: Callable[[], None] | None,
               on_message: Callable[[WorkerHost, tuple], None]) -> tuple[WorkerHost, bool]:
    """A spare worker when one is alive (and no special set-up is asked for), else a new one;
    and whether it was ready before it was taken (its "ready" then went to no one)."""
    while setup is None and _spare:
        host = _spare.pop()
        if host.alive:
            return host, host.adopt(on_message)
    return _new_host(setup, on_message), False


def start_spare_worker() -> None:
    """Start a worker now, for the window about to be built (it loads torch meanwhile)."""
    if not any(h.alive for h in _spare):
        _spare.append(_new_host(None, _drop_message))


def _give_back(host: WorkerHost) -> None:
    """Keep ``host`` as a spare when it can serve another window, else close it."""
    host.adopt(_drop_message)
    if host.alive and host.setup is None and len(_spare) < _SPARE_LIMIT:
        host.send("drop", None)
        _spare.append(host)
    else:
        host.close()


def close_all_workers() -> None:
    """End every worker process this process started (at exit: none is left behind)."""
    _spare.clear()
    for host in list(_hosts):
        host.close()
    _hosts.clear()


class RunView:
    """The window's view of the run the worker trains: what its batches have told so far."""

    def __init__(self, config: TrainConfig, run: int) -> None:
        self.config = config
        self.run = run
        self.step = 0
        self.lr = config.lr
        self.elapsed = 0.0
        self.ended = False
        self.device = ""
        #: The model's parameter names, in order (known once the worker has built it).
        self.param_names: tuple[str, ...] = ()

    def built(self, info: RunInfo) -> None:
        self.device = info.device
        self.param_names = info.param_names

    def update(self, batch: Batch) -> None:
        self.step = batch.step
        self.elapsed = batch.elapsed
        self.device = batch.device
        if batch.lr_changes:
            self.lr = batch.lr_changes[-1][1]
        if batch.done:
            self.ended = True

    def end_batch(self, reason: str, error: str | None = None) -> Batch:
        """The last batch of a run that ends here, not in the worker (nothing new to show)."""
        self.ended = True
        return Batch(steps=np.empty(0, dtype=np.int64), losses=np.empty(0), stats=(), lr_changes=(),
                     step=self.step, total=self.config.steps, elapsed=self.elapsed,
                     device=self.device or self.config.device, done=True, reason=reason, error=error)


class _Mailbox(QObject):
    """Carries the worker's messages from the reader thread to the GUI thread (queued)."""

    arrived = Signal(object, object)  # WorkerHost, message tuple


class TrainingController(QObject):
    batchReady = Signal(object)  # Batch
    runStarted = Signal(object)  # TrainConfig
    runEnded = Signal(object)  # the last Batch (reason: completed/stopped/diverged/error)
    stateChanged = Signal(str)
    failed = Signal(str)  # a run could not start (bad config, out of memory while building)
    workerReady = Signal()  # the worker has loaded torch: a run starts at once

    #: Called first in each new worker process: a picklable module-level function (tests
    #: use it to slow a step down inside the worker).
    worker_setup: Callable[[], None] | None = None

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.trainer: RunView | None = None
        self.state = IDLE
        #: The launch the worker is training (None: none).
        self._launch: int | None = None
        #: Set by the reader thread when the current launch has ended (see :meth:`shutdown`).
        self._launch_done = threading.Event()
        #: Workers killed in a step that outlasted a stop's grace, until they have gone.
        self._killed: set[WorkerHost] = set()
        #: What to do once the launch has ended, in order (empty whenever none runs).
        self._queued: list[Callable[[], Any]] = []
        self._calls: dict[int, Callable[[bool, Any], None]] = {}
        self.batch_seconds = 0.05
        #: Steps a second the runs train at (None: full speed); see :meth:`set_pace`.
        self.pace: float | None = None
        #: New runs replay their step from CUDA graphs (core/fastmode.py) where that applies.
        self.fast = False
        self._mailbox = _Mailbox(self)
        self._mailbox.arrived.connect(self._on_message)
        self._host: WorkerHost | None = None
        self._ensure_host()  # torch loads in the worker while the window is built

    # -- queries ---------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """A launch is training (or winding down)."""
        return self._launch is not None

    @property
    def config(self) -> TrainConfig | None:
        return None if self.trainer is None else self.trainer.config

    @property
    def steps_let_go(self) -> int:
        """Worker processes killed in a step that a stop could not wait for, not yet gone."""
        return len(self._killed)

    @property
    def worker_ready(self) -> bool:
        """The worker has loaded torch (a run starts at once)."""
        return self._host is not None and self._host.ready.is_set()

    @property
    def worker_pid(self) -> int | None:
        return None if self._host is None else self._host.pid

    @property
    def machine(self) -> MachineFacts:
        """The devices the worker found (the CPU alone until it has loaded torch)."""
        facts = None if self._host is None else self._host.facts
        return CPU_ONLY if facts is None else facts.machine

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
        """Call ``callback`` now if no launch runs, else once the launch has finished."""
        self._do("when_idle", callback)

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """End any run and wait for the worker to finish its step; True when it has.

        A step that takes longer than ``timeout_ms`` is not waited for: its worker is
        killed (True as well: nothing is left running).
        """
        self._do("shutdown")
        if self._launch is None:
            return True
        if not self._launch_done.wait(timeout_ms / 1000):
            self._kill_worker()
            return True
        # The worker has ended the run; its last messages are still on their way here.
        self._launch = None
        if self.trainer is not None:
            self.trainer.ended = True
        return True

    def close_worker(self) -> None:
        """Hand the worker back (the window is closing): a spare for another window, or closed."""
        host, self._host = self._host, None
        if host is not None:
            _give_back(host)

    def set_lr(self, lr: float) -> None:
        """New learning rate from the next step on, without resetting the model."""
        if self.trainer is not None and not self.trainer.ended:
            self._send("lr", self.trainer.run, lr)

    def set_pace(self, steps_per_s: float | None) -> None:
        """Train at most ``steps_per_s`` steps a second (None: full speed), the current run
        from its next step on: the worker sleeps between steps, it never slows full speed."""
        self.pace = steps_per_s
        if self.trainer is not None and not self.trainer.ended:
            self._send("pace", self.trainer.run, steps_per_s)

    @Slot(bool)
    def set_fast(self, on: bool) -> None:
        """Use the GPU fast mode for the next runs (a run keeps the mode it started with)."""
        self.fast = bool(on)

    def call_in_worker(self, function: Callable[..., Any], args: tuple,
                       done: Callable[[bool, Any], None]) -> None:
        """Run ``function(trainer_or_None, *args)`` in the worker, with the current run's trainer;
        ``done(ok, value_or_exception)`` follows in the GUI thread.  ``function`` must be a
        module-level function and its result plain data."""
        token = next(_ids)
        self._calls[token] = done
        run = None if self.trainer is None else self.trainer.run
        if not self._send("call", token, function, run, args):
            self._calls.pop(token)
            done(False, RuntimeError(self.tr("the training process is not running")))

    def _situation(self) -> str:
        """Where the controller is, as far as a command cares: one of :data:`SITUATIONS`."""
        run_open = self.trainer is not None and not self.trainer.ended
        if self._launch is not None:
            return TRAINING if run_open else ENDING
        return PAUSED_RUN if run_open else NO_RUN

    def _do(self, command: str, *args: Any) -> Any:
        return getattr(self, _ACTIONS[command, self._situation()])(*args)

    # -- actions: the cells of COMMANDS ----------------------------------------------
    def _ignore(self, *_args: Any) -> None:
        """The command means nothing here (resume a finished run, pause with no launch...)."""

    def _start_run(self, cfg: TrainConfig, paused: bool) -> bool:
        # A device this machine lacks is refused here once the worker has said what it found
        # (before that, the worker's own check ends the run with the same message).
        if self.worker_ready and cfg.device not in ("auto", *(d for d, _ in self.machine.devices)):
            self.failed.emit(str(ConfigError(
                "device", f"{cfg.device} is not available on this machine; use auto or cpu")))
            return False
        self.trainer = RunView(cfg, next(_ids))
        self._send("start", self.trainer.run, cfg, self.pace, self.fast)
        self.runStarted.emit(cfg)
        if paused:
            self._set_state(PAUSED)
        else:
            self._launch_steps(None)
        return True

    def _stop_then_start(self, cfg: TrainConfig, paused: bool) -> bool:
        self._finish_paused_run()
        return self._start_run(cfg, paused)

    def _end_then_start(self, cfg: TrainConfig, paused: bool) -> bool:
        """End the launch's run; the new one starts when the launch is over (replacing the queue)."""
        self._end_current()
        self._queued = [partial(self.start, cfg, paused)]
        self._let_go_later()
        return True

    def _resume_after(self) -> None:
        """Resume once the launch is over (replacing the queue, as a new start does)."""
        self._queued = [self.resume]

    def _launch_run(self) -> None:
        self._launch_steps(None)

    def _launch_one_step(self) -> None:
        self._launch_steps(1)

    def _pause_then_step(self) -> None:
        """Pause, then step once the launch is over (after whatever else was queued)."""
        if not self._queued:
            self._send("pause", self._launch)  # pause first; a queued restart stays queued
        self._queued.append(self.step_once)

    def _quit_worker(self) -> None:
        self._queued = []
        self._send("pause", self._launch)

    def _end_worker_run(self) -> None:
        """Ask the launch's run to stop; a step that outlasts the grace is let go."""
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
    def _ensure_host(self) -> WorkerHost:
        if self._host is None or not self._host.alive:
            self._host, ready = _take_host(type(self).worker_setup, self._mailbox_post)
            if ready:  # its "ready" came before this controller took it: say it now
                QTimer.singleShot(0, self, self.workerReady.emit)
        return self._host

    def _mailbox_post(self, host: WorkerHost, msg: tuple) -> None:
        """On the reader thread: note the end of the launch, and queue the message to the GUI thread."""
        if msg[0] == "idle" and msg[2] == self._launch:
            self._launch_done.set()
        try:
            self._mailbox.arrived.emit(host, msg)
        except RuntimeError:  # the window is gone
            pass

    def _send(self, *msg: Any) -> bool:
        """Send ``msg`` to the worker (False when it has gone: its death is reported separately)."""
        return self._ensure_host().send(*msg)

    def _end_current(self) -> None:
        if self.trainer is not None:
            self._send("stop", self.trainer.run)

    def _let_go_later(self) -> None:
        launch = self._launch
        QTimer.singleShot(STOP_GRACE_MS, self, lambda: self._let_go_if_busy(launch))

    def _let_go_if_busy(self, launch: int | None) -> None:
        """End the run now if its launch is still inside a step (see :data:`STOP_GRACE_MS`)."""
        if launch is None or launch != self._launch:
            return
        self._kill_worker()
        self._run_queued()

    def _kill_worker(self) -> None:
        """Kill the worker stuck in a step: the run ends as stopped, a fresh worker takes the next."""
        host, self._host = self._host, None
        self._launch = None
        if host is not None:
            self._killed.add(host)
            host.kill()
        self._fail_calls()
        trainer = self.trainer
        if trainer is not None and not trainer.ended:
            self._on_yielded(trainer.end_batch("stopped"))
        self.trainer = None

    def _fail_calls(self) -> None:
        calls, self._calls = self._calls, {}
        for done in calls.values():
            done(False, RuntimeError(self.tr("the training process stopped")))

    def _run_queued(self) -> None:
        """Do what waited for the launch, in order; what follows one that starts a launch waits for it."""
        waiting, self._queued = self._queued, []
        for i, callback in enumerate(waiting):
            callback()
            if self._launch is not None:
                self._queued.extend(waiting[i + 1:])
                return

    def _forget(self) -> None:
        if self.trainer is not None:
            self._send("drop", self.trainer.run)
        self.trainer = None
        self._set_state(IDLE)

    def _finish_paused_run(self) -> None:
        """End a run no launch is training (paused, or not yet started): it ends as "stopped"."""
        assert self.trainer is not None
        self._send("stop", self.trainer.run)
        self._on_yielded(self.trainer.end_batch("stopped"))

    def _launch_steps(self, max_steps: int | None) -> None:
        assert self.trainer is not None
        self._launch = next(_ids)
        self._launch_done.clear()
        self._set_state(RUNNING)
        self._send("train", self.trainer.run, self._launch, max_steps, self.batch_seconds)

    @Slot(object, object)
    def _on_message(self, host: WorkerHost, msg: tuple) -> None:
        verb = msg[0]
        if host is not self._host:
            if verb == "died":
                self._killed.discard(host)
            return
        if verb == "died":
            self._on_worker_died(msg[1])
        elif verb == "ready":
            self.workerReady.emit()
        elif verb == "reply":
            done = self._calls.pop(msg[1], None)
            if done is not None:
                done(msg[2], msg[3])
        elif verb == "idle":
            if msg[2] == self._launch:
                self._on_finished()
        elif self.trainer is None or msg[1] != self.trainer.run:
            return  # about a run this window has forgotten
        elif verb == "batch":
            self.trainer.update(msg[2])
            self._on_yielded(msg[2])
        elif verb == "started":
            self.trainer.built(msg[2])
        elif verb == "failed":
            if not self.trainer.ended:
                self._on_yielded(self.trainer.end_batch("error", msg[2]))
            self.failed.emit(msg[2])
        elif verb == "error":
            self._on_errored(msg[2])

    def _on_worker_died(self, code: int | None) -> None:
        """The worker process has gone: the run ends with the reason, a fresh worker is started."""
        self._host = None
        self._fail_calls()
        trainer = self.trainer
        if trainer is not None and not trainer.ended:
            text = self.tr("the training process stopped: {0}").format(exit_text(code))
            log.error("%s", text)
            self._on_yielded(trainer.end_batch("error", text))
        if self._launch is not None:
            self._launch = None
            self._run_queued()
        self._ensure_host()

    def _on_yielded(self, batch: Batch) -> None:
        self.batchReady.emit(batch)
        if batch.done:
            self._set_state(FINISHED)
            self.runEnded.emit(batch)

    def _on_errored(self, text: str) -> None:
        # The core turns step failures into batches; anything here is a bug, reported not raised.
        log.error("training worker failed: %s", text)
        last = text.strip().splitlines()[-1] if text.strip() else text
        self.failed.emit(self.tr("training stopped by an internal error: {0}").format(last))
        if self.trainer is not None:
            self.trainer.ended = True
        self._set_state(FINISHED)

    def _on_finished(self) -> None:
        self._launch = None
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
