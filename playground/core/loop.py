"""The training loop: a generator that hands results back in batches by time.

A :class:`Trainer` owns one run.  :meth:`Trainer.batches` trains on whatever
thread iterates it and yields a :class:`Batch` about every ``batch_seconds``:
step numbers and losses as NumPy arrays, gradient statistics, and whether the
run ended.  Commands (a new learning rate, a new pace, stop) have one way in:
:meth:`Trainer.set_lr`, :meth:`Trainer.set_pace` and :meth:`Trainer.request_stop`,
callable from any thread, put them on the trainer's queue, which the loop reads
between steps.

Losses stay on the device during a batch and come back once per batch, so on a
GPU the loop does not force a host sync every step.  A non-finite loss, gradient
or weight is detected at the end of the batch; the batch is then replayed from a
snapshot one checked step at a time to name the first step and tensor that went
bad.  Errors inside a step end the run with a message, never an exception.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from .batch import Batch, Divergence
from .config import TrainConfig, check_device
from .diagnosis import Diagnosis, diagnose, evidence_from
from .gradstats import StepStats, param_stats
from .models import Runner, TorchRunner, build_runner
from .outcomes import END_REASONS
from .threads import set_threads

#: Most steps kept on the device before a batch is handed back regardless of time.
MAX_BATCH_STEPS = 8192
#: Gradient norms are sampled at every step up to twice this number, then this many
#: times per doubling of the step count (every 2nd step from 128, every 4th from 256,
#: ...), so the norm history is as dense early in a run as late on a log axis, whatever
#: the run's speed or length: 253 samples in the lesson's 500 steps, about 1,000 in a
#: million.  Each costs a few tens of microseconds and stays on the device until the
#: batch ends; the full statistics come every 0.3 s.
NORMS_PER_OCTAVE = 64


#: Test loss and accuracies are evaluated every this many steps (and more sparsely past
#: 640 steps, as the gradient norms): one forward pass on each split, a few percent of a step's
#: cost spread over ten steps.
EVAL_EVERY = 10
#: The Prediction panel's picture is made at most this often (and when a run ends).
PREDICTION_SECONDS = 0.3


def eval_sampled(step: int) -> bool:
    """Whether the loop evaluates the test loss and accuracies at ``step`` (see :data:`EVAL_EVERY`)."""
    every = max(EVAL_EVERY, 1 << max(0, (step // NORMS_PER_OCTAVE).bit_length() - 1))
    return step % every == 0


#: A paced run (one a student watches) also takes its statistics at every step up to twice
#: this number, then this many times per doubling of the step count, so that time travel
#: (core/snapshots.py) has states to go back to all through the run: 159 in the
#: lesson's 500 steps, 510 in a million.  Each costs a few milliseconds, inside a paced step's wait.
SNAPSHOTS_PER_OCTAVE = 32


def snapshot_sampled(step: int) -> bool:
    """Whether a paced run takes its statistics at ``step`` (see :data:`SNAPSHOTS_PER_OCTAVE`)."""
    every = 1 << max(0, (step // SNAPSHOTS_PER_OCTAVE).bit_length() - 1)
    return step % every == 0


def norm_sampled(step: int) -> bool:
    """Whether the loop samples the gradient norms at ``step`` (see :data:`NORMS_PER_OCTAVE`)."""
    every = 1 << max(0, (step // NORMS_PER_OCTAVE).bit_length() - 1)
    return step % every == 0


@dataclass(frozen=True)
class SetLR:
    """Command: use this learning rate from the next step on (the model is kept)."""

    lr: float


@dataclass(frozen=True)
class SetPace:
    """Command: train at most ``steps_per_s`` steps a second from now on (None: full speed)."""

    steps_per_s: float | None


#: At this pace or slower every step gets its gradient statistics, so the inspector
#: follows each step a student watches.
STATS_EVERY_STEP_PACE = 10.0


@dataclass(frozen=True)
class Stop:
    """Command: end the run after the current step."""


def _nonfinite(t: Any) -> str | None:
    """'nan' or 'inf' when ``t`` holds one (NaN reported first), else None."""
    t = torch.as_tensor(t)
    if bool(torch.isnan(t).any()):
        return "nan"
    if bool(torch.isinf(t).any()):
        return "inf"
    return None


def describe_error(exc: BaseException, device: str) -> str:
    """A plain-words message for an exception raised inside a step."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, torch.OutOfMemoryError) or "out of memory" in text.lower():
        return f"out of memory on {device}: make N, D_in or H smaller ({text})"
    if isinstance(exc, MemoryError):
        return f"out of memory on {device}: make N, D_in or H smaller"
    return f"{type(exc).__name__}: {text}"


@dataclass
class _Pending:
    """What the commands taken during one batch asked for."""

    lr_changes: list[tuple[int, float]] = field(default_factory=list)
    stop: bool = False


@dataclass(slots=True)
class _Made:
    """What the steps of one batch produced so far (losses stay on the device until it ends)."""

    losses: list[Any] = field(default_factory=list)
    stats: list[StepStats] = field(default_factory=list)
    norm_steps: list[int] = field(default_factory=list)
    norms: list[Any] = field(default_factory=list)
    eval_steps: list[int] = field(default_factory=list)
    evals: list[Any] = field(default_factory=list)


class Trainer:
    """One training run: data, model, optimizer, progress and the command queue."""

    def __init__(self, config: TrainConfig, runner: Runner | None = None, fast: bool = False,
                 pace: float | None = None) -> None:
        self.config = config
        # Before the model is built: the same count for every run of this configuration.
        set_threads(config.threads)
        self.runner = runner if runner is not None else build_runner(config, check_device(config))
        #: Why the step is not replayed from CUDA graphs (None when it is): see core/fastmode.py.
        self.fast_reason: str | None = "not asked for"
        if fast:
            from .fastmode import make_fast

            self.runner, self.fast_reason = make_fast(self.runner, config)
        self.device = self.runner.device
        #: On the CPU a step's loss is taken as a float at once: reading it costs no sync there,
        #: and a kept tensor per step would cost a fresh allocation each (2-3% at the lesson's
        #: sizes).  On a GPU losses stay on the device until the batch ends.
        self._on_host = self.device == "cpu" and isinstance(self.runner, TorchRunner)
        self.step = 0
        self.lr = config.lr
        self.elapsed = 0.0
        self.ended = False
        self.last_stats: StepStats | None = None
        self._stats_time = -math.inf
        #: The one way commands reach the loop: SetLR, SetPace and Stop, read between steps.
        self._commands: queue.SimpleQueue[SetLR | SetPace | Stop] = queue.SimpleQueue()
        #: A doorbell, not a command path: rung after every command so that a paced wait
        #: between steps ends at once and the loop reads the queue.
        self._wake = threading.Event()
        #: Steps a second (None: as fast as the device goes), and when the next step is due.
        self.pace: float | None = _valid_pace(pace)
        self._due = 0.0
        # Evidence for a diagnosis: at each step whose gradient norms are sampled, the loss and
        # the total gradient norm (about 1,000 entries in a million steps).
        self._ev_steps: list[int] = []
        self._ev_losses: list[float] = []
        self._ev_norms: list[float] = []
        data = getattr(self.runner, "data", None)
        #: Whether steps evaluate a test set or accuracies (never for the lesson's random data alone).
        self._evaluates = data is not None and (data.x_test is not None or data.classification)
        self._pred_time = -math.inf

    # -- commands (thread-safe) ---------------------------------------------
    def set_lr(self, lr: float) -> None:
        """Apply ``lr`` from the next step on; ignored unless finite and > 0."""
        if isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0:
            self._send(SetLR(float(lr)))

    def set_pace(self, steps_per_s: float | None) -> None:
        """Train at most ``steps_per_s`` steps a second from the next step on (None: full speed)."""
        self._send(SetPace(_valid_pace(steps_per_s)))

    def request_stop(self) -> None:
        """End the run after the step in progress (a paced wait ends at once)."""
        self._send(Stop())

    def _send(self, command: SetLR | SetPace | Stop) -> None:
        self._commands.put(command)
        self._wake.set()

    def _take_commands(self, pending: _Pending) -> None:
        """Apply every queued command; a stop is noted in ``pending`` for the loop to act on.

        A command left unread stays queued, so a stop asked for between two calls of
        :meth:`batches` (a paused run) ends the next one before it takes a step.
        """
        while not self._commands.empty():
            cmd = self._commands.get_nowait()
            if isinstance(cmd, SetLR) and cmd.lr != self.lr:
                self.lr = cmd.lr
                self.runner.set_lr(cmd.lr)
                pending.lr_changes.append((self.step, cmd.lr))
            elif isinstance(cmd, SetPace) and cmd.steps_per_s != self.pace:
                self.pace = cmd.steps_per_s
                self._due = time.perf_counter()  # the new pace counts from now
            elif isinstance(cmd, Stop):
                pending.stop = True

    # -- the loop -------------------------------------------------------------
    def batches(
        self,
        max_steps: int | None = None,
        batch_seconds: float = 0.05,
        stats_every: int | None = None,
        stats_seconds: float | None = 0.3,
    ) -> Iterator[Batch]:
        """Train, yielding a :class:`Batch` about every ``batch_seconds``.

        ``max_steps`` limits this call (a single step, say); the run keeps its
        state, so another call continues where this one stopped.  Gradient
        statistics are taken on the last step of this call, at most every
        ``stats_seconds`` (they cost a few milliseconds, so a few per second keeps
        them under 2% of the run), and every ``stats_every`` steps if given.
        """
        total = self.config.steps
        end = total if max_steps is None else min(total, self.step + max(0, max_steps))
        runner = self.runner
        self._due = time.perf_counter()  # a paced run (or one resumed) starts at once
        while not self.ended:
            pending = _Pending()
            self._take_commands(pending)
            if pending.stop or self.step >= end:
                yield self._batch([], [], pending, reason=self._end_reason(end, pending))
                return
            try:
                batch = self._train_batch(runner, end, batch_seconds, stats_every, stats_seconds, pending)
            except Exception as exc:  # noqa: BLE001 - e.g. out of memory taking the snapshot
                batch = self._batch([], [], pending, reason="error", error=describe_error(exc, self.device))
            yield batch
            if batch.reason == "paused":
                return

    def _train_batch(
        self,
        runner: Runner,
        end: int,
        batch_seconds: float,
        stats_every: int | None,
        stats_seconds: float | None,
        pending: _Pending,
    ) -> Batch:
        """Train one batch (see :meth:`_run_steps`) and hand it over, checked for a divergence."""
        start_step = self.step
        snap = runner.snapshot()
        made = _Made()
        t0 = time.perf_counter()
        error: str | None = None
        try:
            self._run_steps(runner, made, end, t0 + batch_seconds, stats_every, stats_seconds, pending)
        except Exception as exc:  # noqa: BLE001 - any failure ends the run with a message
            error = describe_error(exc, self.device)
        losses = made.losses
        loss_arr = runner.losses_to_numpy(losses) if error is None else self._safe_losses(runner, losses)
        # Timed after the losses came back, so a GPU's queued work counts too.
        self.elapsed += time.perf_counter() - t0
        if error is not None:
            found = diagnose(self.config, step=self.step, lr=self.lr, error=error)
            return self._batch(loss_arr, made.stats, pending, reason="error", start=start_step, error=error,
                               diagnosis=found)
        if not np.all(np.isfinite(loss_arr)) or not self._params_finite(runner):
            return self._locate_divergence(runner, snap, start_step, len(losses), pending, made.stats)
        return self._finite_batch(runner, made, loss_arr, start_step, end, pending)

    def _run_steps(self, runner: Runner, made: _Made, end: int, deadline: float, stats_every: int | None,
                   stats_seconds: float | None, pending: _Pending) -> None:
        """Take steps into ``made`` until ``end``, a stop, ``deadline`` or a full batch.

        This loop runs thousands of times a second: per step it looks at the command
        queue, waits for the pace when there is one, and takes the step; nothing more.
        """
        start_step = self.step
        commands = self._commands
        while True:
            s = self.step
            if s != start_step and not commands.empty():
                self._take_commands(pending)
                if pending.stop:
                    return
            if self.pace is not None and not self._wait_for_due(deadline, bool(made.losses), pending):
                return
            now = time.perf_counter()
            final = s + 1 >= end
            want_stats = self._wants_stats(s, now, final, stats_every, stats_seconds)
            self._take_step(runner, s, now, want_stats, made)
            if final or len(made.losses) >= MAX_BATCH_STEPS or now >= deadline:
                return

    def _wants_stats(self, step: int, now: float, final: bool, stats_every: int | None,
                     stats_seconds: float | None) -> bool:
        """Whether ``step`` gets its gradient statistics (see :meth:`batches`)."""
        return (
            final
            or (stats_every is not None and stats_every > 0 and step % stats_every == 0)
            or (stats_seconds is not None and now - self._stats_time >= stats_seconds)
            or (self.pace is not None and (self.pace <= STATS_EVERY_STEP_PACE or snapshot_sampled(step)))
        )

    def _take_step(self, runner: Runner, step: int, now: float, want_stats: bool, made: _Made) -> None:
        """Train step ``step``: forward, backward, a sampled norm, the update, and its statistics."""
        loss = runner.forward_backward()
        if self._on_host:
            loss = loss.item()
        if norm_sampled(step):
            made.norm_steps.append(step)
            norms = runner.grad_norms()
            made.norms.append(norms.numpy() if self._on_host else norms)
        if self._evaluates and eval_sampled(step):
            made.eval_steps.append(step)
            made.evals.append(self._evaluate(runner))
        before = _copy_before_update(runner) if want_stats else None
        runner.update()
        made.losses.append(loss)
        self.step = step + 1
        if self.pace is not None:
            interval = 1.0 / self.pace
            # The next step is due one interval on; a machine slower than the pace
            # falls at most one interval behind, so it never catches up in a burst.
            self._due = max(self._due + interval, time.perf_counter() - interval)
        if before is not None:
            self._stats_time = now
            made.stats.append(self._stats_after_update(runner, step, before))

    def _finite_batch(self, runner: Runner, made: _Made, loss_arr: np.ndarray, start_step: int, end: int,
                      pending: _Pending) -> Batch:
        """The batch of steps that all stayed finite, with its sampled gradient norms kept as evidence."""
        if made.stats:
            self.last_stats = made.stats[-1]
        sampled = (np.asarray(made.norm_steps, dtype=np.int64), runner.norms_to_numpy(made.norms))
        self._keep_evidence(sampled[0], loss_arr[sampled[0] - start_step], sampled[1])
        reason = self._end_reason(end, pending)
        extra: dict[str, Any] = {}
        if made.evals:
            ev = _evals_to_numpy(made.evals)
            extra.update(eval_steps=np.asarray(made.eval_steps, dtype=np.int64), test_losses=ev[:, 0],
                         train_accuracies=ev[:, 1], test_accuracies=ev[:, 2])
        now = time.perf_counter()
        if getattr(runner, "data", None) is not None and (
                reason != "running" or now - self._pred_time >= PREDICTION_SECONDS):
            from .prediction import make_prediction

            self._pred_time = now
            extra["prediction"] = make_prediction(runner, self.step)
        return self._batch(loss_arr, made.stats, pending, reason=reason,
                           start=start_step, norms=sampled, **extra)

    def _evaluate(self, runner: Runner) -> Any:
        """[test loss, training accuracy, test accuracy] of the current weights (NaN where none)."""
        nan = math.nan
        test = runner.evaluate(runner.x_test, runner.y_test) if runner.x_test is not None else None
        train_acc = runner.train_accuracy() if runner.data.classification else None
        if isinstance(test, torch.Tensor) or isinstance(train_acc, torch.Tensor):
            like = test if test is not None else train_acc
            full = torch.full((3,), nan, dtype=like.dtype, device=like.device)  # to float64 on the host
            if test is not None:
                full[0], full[2] = test[0], test[1]
            if train_acc is not None:
                full[1] = train_acc
            return full
        return np.array([nan if test is None else test[0], nan if train_acc is None else train_acc,
                         nan if test is None else test[1]], dtype=np.float64)

    def final_metrics(self) -> dict[str, float | None]:
        """Losses and accuracies of the weights as they are now, on both splits (None where none).

        ``train_loss`` and ``test_loss`` are computed as the exported script computes its
        last lines; for the lesson's random data without a test set only ``train_loss``.
        """
        runner = self.runner
        out: dict[str, float | None] = {"train_loss": None, "test_loss": None, "train_accuracy": None,
                                        "test_accuracy": None}
        if getattr(runner, "data", None) is None:
            return out
        train = _evals_to_numpy([runner.evaluate(runner.x, runner.y)])[0]
        out["train_loss"] = float(train[0])
        classify = runner.data.classification
        if classify:
            out["train_accuracy"] = float(train[1])
        if runner.x_test is not None:
            test = _evals_to_numpy([runner.evaluate(runner.x_test, runner.y_test)])[0]
            out["test_loss"] = float(test[0])
            if classify:
                out["test_accuracy"] = float(test[1])
        return out

    def _end_reason(self, end: int, pending: _Pending) -> str:
        """Why a batch without a divergence or an error ends: stopped, completed, paused or running."""
        if pending.stop:
            return "stopped"
        if self.step >= self.config.steps:
            return "completed"
        return "paused" if self.step >= end else "running"

    def _stats_after_update(self, runner: Runner, step: int, before: tuple[list, list]) -> StepStats:
        """The statistics of ``step``, whose update has just been applied (see _copy_before_update)."""
        params, grads = before
        after = dict(runner.named_params())
        return StepStats(step, self.lr, tuple(
            param_stats(n, b, g, after[n]) for (n, b), g in zip(params, grads, strict=True)))

    def _stats_before_blow_up(self, runner: Runner, snap: Any, start_step: int, found: Divergence,
                              changes: dict[int, float]) -> StepStats | None:
        """The statistics of the last step whose gradients were finite, replayed once more.

        At full speed statistics are taken every 0.3 s, so the inspector would otherwise
        show a step long before the blow-up; this is the step a student wants to see.  A
        weight that went non-finite had finite gradients at that step: that step is shown.
        """
        target = found.step if found.kind == "weight" else found.step - 1
        if target < start_step:
            return None
        runner.restore(snap)
        for s in range(start_step, target + 1):
            if s in changes and s != start_step:
                runner.set_lr(changes[s])
            runner.forward_backward()
            before = _copy_before_update(runner) if s == target else None
            runner.update()
        assert before is not None
        return self._stats_after_update(runner, target, before)

    def _wait_for_due(self, deadline: float, have_steps: bool, pending: _Pending) -> bool:
        """Sleep until the next step is due at the pace; False to end the batch first.

        A batch that already holds steps is handed over before a wait that would pass its
        deadline, so the window shows a step as soon as it is done, not a wait later.
        Commands (stop, a new pace or lr) end the wait at once.
        """
        while self.pace is not None:
            wait = self._due - time.perf_counter()
            if wait <= 0:
                return True
            if have_steps and time.perf_counter() + wait > deadline:
                return False
            self._wake.wait(wait)
            self._wake.clear()
            self._take_commands(pending)
            if pending.stop:
                return False
        return True

    def _keep_evidence(self, steps: np.ndarray, losses: np.ndarray, norms: np.ndarray) -> None:
        if len(steps) == 0:
            return
        with np.errstate(over="ignore", invalid="ignore"):
            total = np.sqrt(np.square(norms.astype(np.float64)).sum(axis=1))
        self._ev_steps.extend(int(s) for s in steps)
        self._ev_losses.extend(float(v) for v in losses)
        self._ev_norms.extend(float(g) for g in total)

    def evidence(self):
        """The sampled (step, loss, gradient norm) record a diagnosis weighs."""
        return evidence_from(self._ev_steps, self._ev_losses, self._ev_norms)

    @staticmethod
    def _safe_losses(runner: Runner, losses: list[Any]) -> np.ndarray:
        try:
            return runner.losses_to_numpy(losses)
        except Exception:  # noqa: BLE001 - the device may be unusable after an error
            return np.full(len(losses), np.nan)

    @staticmethod
    def _params_finite(runner: Runner) -> bool:
        flags = [torch.isfinite(p.detach()).all() for _, p in runner.named_params()]
        return bool(torch.stack(flags).all())

    def _locate_divergence(
        self,
        runner: Runner,
        snap: Any,
        start_step: int,
        count: int,
        pending: _Pending,
        stats: list[StepStats],
    ) -> Batch:
        """Replay the batch step by step from ``snap`` to find the first bad tensor."""
        runner.restore(snap)
        changes = dict(pending.lr_changes)
        self.step = start_step
        losses: list[float] = []
        found: Divergence | None = None
        for s in range(start_step, start_step + count):
            if s in changes and s != start_step:
                runner.set_lr(changes[s])
            loss = runner.forward_backward()
            losses.append(float(loss))
            self.step = s + 1
            if norm_sampled(s):
                norms = runner.norms_to_numpy([runner.grad_norms()])
                self._keep_evidence(np.array([s]), np.array([losses[-1]]), norms)
            bad = _nonfinite(loss)
            if bad:
                found = Divergence(s, "loss", "loss", bad)
                break
            for name, g in runner.named_grads():
                bad = None if g is None else _nonfinite(g)
                if bad:
                    found = Divergence(s, name, "gradient", bad)
                    break
            if found:
                break
            runner.update()
            for name, p in runner.named_params():
                bad = _nonfinite(p.detach())
                if bad:
                    found = Divergence(s, name, "weight", bad)
                    break
            if found:
                break
        if found is None:  # replay disagreed with the first pass (non-deterministic device)
            found = Divergence(self.step - 1, "loss", "loss", "nan")
        why = diagnose(self.config, step=found.step, value=found.value, tensor=found.tensor, kind=found.kind,
                       lr=self.lr, evidence=self.evidence())
        kept = [st for st in stats if st.step <= found.step]
        last_good = self._stats_before_blow_up(runner, snap, start_step, found, changes)
        if last_good is not None and (not kept or kept[-1].step < last_good.step):
            kept.append(last_good)
        if kept:
            self.last_stats = kept[-1]
        return self._batch(
            np.asarray(losses, dtype=np.float64),
            kept,
            pending,
            reason="diverged",
            start=start_step,
            divergence=found,
            diagnosis=why,
        )

    def _batch(
        self,
        losses: Any,
        stats: list[StepStats],
        pending: _Pending,
        *,
        reason: str,
        start: int | None = None,
        divergence: Divergence | None = None,
        error: str | None = None,
        norms: tuple[np.ndarray, np.ndarray] | None = None,
        diagnosis: Diagnosis | None = None,
        **more: Any,
    ) -> Batch:
        """The batch to hand over; one whose ``reason`` ends the run marks the run ended."""
        done = reason in END_REASONS
        if done:
            self.ended = True
        loss_arr = np.asarray(losses, dtype=np.float64)
        extra = {} if norms is None else {"norm_steps": norms[0], "grad_norms": norms[1]}
        first = self.step - len(loss_arr) if start is None else start
        return Batch(
            steps=np.arange(first, first + len(loss_arr), dtype=np.int64),
            losses=loss_arr,
            stats=tuple(stats),
            lr_changes=tuple(pending.lr_changes),
            step=self.step,
            total=self.config.steps,
            elapsed=self.elapsed,
            device=self.device,
            done=done,
            reason=reason,
            divergence=divergence,
            error=error,
            diagnosis=diagnosis,
            **extra,
            **more,
        )


def _evals_to_numpy(evals: list[Any]) -> np.ndarray:
    """Evaluations (tensors on the device, or NumPy arrays) as one float64 array, one sync."""
    if isinstance(evals[0], torch.Tensor):
        return torch.stack(evals).to("cpu", torch.float64).numpy()
    return np.stack(evals).astype(np.float64, copy=False)


def _copy_before_update(runner: Runner) -> tuple[list, list]:
    """The weights and gradients of a step before its update, for its statistics."""
    params = [(n, p.detach().clone()) for n, p in runner.named_params()]
    grads = [None if g is None else g.detach().clone() for _, g in runner.named_grads()]
    return params, grads


def _valid_pace(steps_per_s: float | None) -> float | None:
    """A positive, finite pace, else None (full speed)."""
    if isinstance(steps_per_s, (int, float)) and not isinstance(steps_per_s, bool):
        if math.isfinite(steps_per_s) and steps_per_s > 0:
            return float(steps_per_s)
    return None


def train(config: TrainConfig, **kwargs: Any) -> tuple[np.ndarray, Batch]:
    """Run ``config`` to the end; return all losses and the last batch."""
    trainer = Trainer(config)
    chunks = []
    last: Batch | None = None
    for batch in trainer.batches(**kwargs):
        chunks.append(batch.losses)
        last = batch
    assert last is not None
    return np.concatenate(chunks) if chunks else np.empty(0), last
