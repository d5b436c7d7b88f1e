"""Training in a process of its own: the worker's loop, and the host that talks to it.

The window's interpreter and the training loop's are separate, so neither waits for
the other's GIL, and a step that crashes the process (a segfault in a kernel, an
out-of-memory kill, a CUDA error) takes only the worker with it.

Messages are tuples of plain data (frozen dataclasses, NumPy arrays) over one
:func:`multiprocessing.Pipe`:

to the worker
    ``("start", run, config, pace, fast)``: build a :class:`~playground.core.loop.Trainer`;
    ``("train", run, launch, max_steps, batch_seconds)``: iterate its batches;
    ``("lr", run, lr)``, ``("pace", run, steps_per_s)``, ``("stop", run)``: the trainer's
    commands, applied at once by the worker's reader thread (the loop reads them
    between steps); ``("pause", launch)``: end that launch after its current batch;
    ``("drop", run)``: forget the run; ``("call", token, function, args)``: run
    ``function(trainer_or_None, *args)`` and reply with its result.

from the worker
    ``("ready", facts)``: torch is loaded (:class:`WorkerFacts`: the devices it found);
    ``("started", run, info)`` or ``("failed", run, message)``;
    ``("batch", run, batch)``; ``("idle", run, launch)``: the launch ended (paused, or
    the steps asked for are done, or the run ended); ``("error", run, text)``: a bug
    in the loop (its steps' failures arrive as batches); ``("reply", token, ok, value)``.

The worker exits when its pipe closes, so it never outlives the window (even one that
was killed).  The host runs a reader thread that hands every message to a callback;
the window's controller turns those into Qt signals.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .machine import MachineFacts

#: Every OS starts the worker the same way: a fresh interpreter (fork would copy a Qt app).
CONTEXT = multiprocessing.get_context("spawn")

#: How long :meth:`WorkerHost.close` waits for the worker to end on its own before killing it.
CLOSE_GRACE_S = 0.5


@dataclass(frozen=True)
class RunInfo:
    """What the worker tells of a run it built."""

    device: str
    param_names: tuple[str, ...]


@dataclass(frozen=True)
class WorkerFacts:
    """What the worker tells once torch has loaded: its process id and the machine's devices."""

    pid: int
    machine: MachineFacts


# -- the worker process ------------------------------------------------------------
def worker_main(conn: Any, setup: Callable[[], None] | None = None) -> None:
    """The worker process's entry point: serve ``conn`` until it closes."""
    delay = os.environ.get("BACKPROP_PLAYGROUND_TEST_LOAD_DELAY")
    if delay:  # test hook (tests/test_startup.py): torch "loads" this much longer
        import time

        time.sleep(float(delay))
    if setup is not None:
        setup()
    _Worker(conn).serve()


class _Worker:
    """Three threads: the main one trains (and builds runs), the reader takes the window's
    messages, and the calls thread answers the window's questions (a gradient check, a
    step-through) while a run trains.  Building a run and answering a call share a lock,
    as both may draw from torch's global random generator."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self._send_lock = threading.Lock()
        self.jobs: queue.SimpleQueue[tuple] = queue.SimpleQueue()
        self.calls: queue.SimpleQueue[tuple] = queue.SimpleQueue()
        self.build_lock = threading.Lock()
        self.lock = threading.Lock()
        self.trainers: dict[int, Any] = {}
        #: Commands for runs not built yet (they arrived while the run's start waited in the
        #: queue): applied, in order, once it is built.
        self.early: dict[int, list[tuple]] = {}
        self.paused: set[int] = set()

    def serve(self) -> None:
        from . import loop  # noqa: F401 - loaded before "ready", so a run starts at once
        from .machine import read_facts

        threading.Thread(target=self._read, name="commands", daemon=True).start()
        threading.Thread(target=self._serve, args=(self.calls,), name="calls", daemon=True).start()
        self.send(("ready", WorkerFacts(os.getpid(), read_facts())))
        self._serve(self.jobs)

    def send(self, msg: tuple) -> None:
        with self._send_lock:
            self._conn.send(msg)

    def _serve(self, jobs: queue.SimpleQueue[tuple]) -> None:
        while True:
            job = jobs.get()
            handler = getattr(self, "_do_" + job[0])
            try:
                handler(*job[1:])
            except Exception:  # noqa: BLE001 - a bug here must not kill the worker silently
                self.send(("error", job[1] if len(job) > 1 else None, traceback.format_exc(limit=8)))

    def _read(self) -> None:
        """The reader thread: a trainer's commands at once, the rest to the main loop."""
        while True:
            try:
                msg = self._conn.recv()
            except (EOFError, OSError):
                os._exit(0)  # the window is gone: so is its worker
            verb = msg[0]
            if verb == "pause":
                with self.lock:
                    self.paused.add(msg[1])
            elif verb in ("lr", "pace", "stop"):
                with self.lock:
                    trainer = self.trainers.get(msg[1])
                    if trainer is None:
                        self.early.setdefault(msg[1], []).append(msg)
                if trainer is not None:
                    _command(trainer, msg)
            elif verb == "quit":
                os._exit(0)
            elif verb == "call":
                self.calls.put(msg)
            else:
                self.jobs.put(msg)

    def _do_start(self, run: int, config: Any, pace: float | None, fast: bool) -> None:
        from .config import ConfigError
        from .loop import Trainer

        try:
            with self.build_lock:
                trainer = Trainer(config, pace=pace, fast=fast)
        except ConfigError as exc:
            self.send(("failed", run, str(exc)))
            return
        except Exception as exc:  # noqa: BLE001 - out of memory, a data file gone since: said, not raised
            self.send(("failed", run, f"could not build the model: {exc or type(exc).__name__}"))
            return
        with self.lock:
            self.trainers = {run: trainer}  # one run at a time: an older one is forgotten
            for msg in self.early.pop(run, []):
                _command(trainer, msg)
            self.early.clear()
        names = tuple(name for name, _ in trainer.runner.named_params())
        self.send(("started", run, RunInfo(trainer.device, names)))

    def _do_train(self, run: int, launch: int, max_steps: int | None, batch_seconds: float) -> None:
        trainer = self.trainers.get(run)
        try:
            if trainer is None:
                return
            send = self.send
            paused = self.paused
            for batch in trainer.batches(max_steps=max_steps, batch_seconds=batch_seconds):
                send(("batch", run, batch))
                if launch in paused:
                    break
        finally:
            with self.lock:
                self.paused.discard(launch)
            self.send(("idle", run, launch))

    def _do_drop(self, run: int | None) -> None:
        """Forget ``run`` (None: every run, as a worker handed to another window does)."""
        with self.lock:
            if run is None:
                self.trainers.clear()
            else:
                self.trainers.pop(run, None)

    def _do_call(self, token: int, function: Callable[..., Any], run: int | None, args: tuple) -> None:
        with self.lock:
            trainer = self.trainers.get(run) if run is not None else None
        try:
            with self.build_lock:
                value = function(trainer, *args)
        except Exception as exc:  # noqa: BLE001 - the caller gets the failure as a value
            # as a plain RuntimeError: unpickling torch's own error classes would load torch there
            self.send(("reply", token, False, RuntimeError(str(exc) or type(exc).__name__)))
            return
        self.send(("reply", token, True, value))


def _command(trainer: Any, msg: tuple) -> None:
    """Hand ``("lr" | "pace" | "stop", run, ...)`` to the trainer (its commands are thread-safe)."""
    if msg[0] == "lr":
        trainer.set_lr(msg[2])
    elif msg[0] == "pace":
        trainer.set_pace(msg[2])
    else:
        trainer.request_stop()


# -- the host, in the window's process ---------------------------------------------
def exit_text(code: int | None) -> str:
    """How a process ended, in words (a negative code is the signal that killed it)."""
    if code is None:
        return "still running"
    if code < 0:
        import signal

        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"killed by {name} (exit code {code})"
    return f"exit code {code}"


class WorkerHost:
    """One worker process and the reader thread that delivers its messages.

    ``on_message(host, msg)`` is called on the reader thread for every message, and
    ``on_message(host, ("died", exit_code))`` once when the process has gone (crashed,
    killed, or closed).  ``setup`` runs first in the worker process (a picklable,
    module-level function).
    """

    def __init__(self, on_message: Callable[[WorkerHost, tuple], None],
                 setup: Callable[[], None] | None = None) -> None:
        self.on_message = on_message
        self.setup = setup
        self._conn, child = CONTEXT.Pipe()
        self.process = CONTEXT.Process(target=worker_main, args=(child, setup), daemon=True,
                                       name="backprop-playground-training")
        self.process.start()
        child.close()
        self.ready = threading.Event()
        self.gone = threading.Event()
        self.facts: WorkerFacts | None = None
        self._send_lock = threading.Lock()
        #: Guards on_message against a change while a message is handed over (see adopt).
        self._handler_lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, name="worker-reader", daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int | None:
        return self.process.pid

    @property
    def alive(self) -> bool:
        return not self.gone.is_set()

    def send(self, *msg: Any) -> bool:
        """Send ``msg``; False when the worker has gone."""
        if self.gone.is_set():
            return False
        try:
            with self._send_lock:
                self._conn.send(msg)
        except (OSError, ValueError, BrokenPipeError):
            return False
        return True

    def _read(self) -> None:
        while True:
            try:
                msg = self._conn.recv()
            except (EOFError, OSError):
                break
            except Exception:  # noqa: BLE001 - a message that cannot be read: the worker is unusable
                traceback.print_exc()
                self.kill()
                break
            with self._handler_lock:
                if msg[0] == "ready":
                    self.facts = msg[1]
                    self.ready.set()
                handler = self.on_message
            try:
                handler(self, msg)
            except RuntimeError:  # its receiver is gone (a closed window's)
                pass
        self.process.join(5)
        self.gone.set()
        with self._handler_lock:
            handler = self.on_message
        try:
            handler(self, ("died", self.process.exitcode))
        except RuntimeError:
            pass

    def adopt(self, on_message: Callable[[WorkerHost, tuple], None]) -> bool:
        """Send the messages from now on to ``on_message``; True when "ready" came before."""
        with self._handler_lock:
            self.on_message = on_message
            return self.ready.is_set()

    def kill(self) -> None:
        """End the worker now (its step cannot be interrupted any other way)."""
        if self.process.is_alive():
            self.process.kill()

    def close(self, grace_s: float = CLOSE_GRACE_S) -> None:
        """Ask the worker to quit; kill it if it has not within ``grace_s``."""
        self.send("quit")
        self.process.join(grace_s)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(2)
        try:
            self._conn.close()
        except OSError:
            pass


# -- work the window asks of the worker (module-level, so that it pickles by name) -------
def gradient_check_of(trainer: Any, config: Any) -> Any:
    """Check the gradients of the run's current weights (a fresh model of ``config`` when
    there is no run), as :func:`~playground.core.gradcheck.gradient_check` does."""
    from .gradcheck import gradient_check
    from .models import build_runner

    runner = trainer.runner if trainer is not None else build_runner(config)
    return gradient_check(runner, eps=1e-5)


def step_through_of(trainer: Any, config: Any) -> Any:
    """The first step of ``config``, stage by stage (core/step_through.py), for the Step-through tab."""
    from .step_through import step_through

    return step_through(config)
