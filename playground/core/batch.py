"""What the training loop hands over: plain data, free of torch.

A :class:`Batch` crosses from the worker process to the window (pickled), and the
window reads it without importing torch, so this module imports only NumPy and the
other plain-data modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .diagnosis import Diagnosis
from .gradstats import StepStats


@dataclass(frozen=True)
class Divergence:
    """Where a run first produced a non-finite number."""

    step: int
    tensor: str  # "loss", or a parameter name
    kind: str  # "loss", "gradient" or "weight"
    value: str  # "nan" or "inf"

    @property
    def message(self) -> str:
        if self.kind == "loss":
            what = f"the loss became {self.value}"
        elif self.kind == "gradient":
            what = f"the gradient of {self.tensor} became {self.value}"
        else:
            what = f"{self.tensor} became {self.value} in the update"
        return f"diverged at step {self.step}: {what}"


@dataclass(frozen=True)
class Batch:
    """What one stretch of training produced; plain data only."""

    steps: np.ndarray  # int64 step numbers, from 0
    losses: np.ndarray  # float64, loss computed before that step's update
    stats: tuple[StepStats, ...]
    lr_changes: tuple[tuple[int, float], ...]  # (first step using it, lr)
    step: int  # steps done after this batch
    total: int
    elapsed: float  # seconds spent training in this run so far
    device: str
    done: bool = False  # the run ended: ``reason`` is one of outcomes.END_REASONS
    reason: str = "running"  # running | paused | completed | stopped | diverged | error
    divergence: Divergence | None = None
    error: str | None = None
    #: Why it diverged or failed, when a cause fits (see core/diagnosis.py).
    diagnosis: Diagnosis | None = None
    #: Steps at which the gradient norms were sampled (see :func:`norm_sampled`), and the
    #: norms: one row per sampled step, one column per parameter (as in ``stats``).
    norm_steps: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    grad_norms: np.ndarray = field(default_factory=lambda: np.empty((0, 0), dtype=np.float64))
    #: Steps at which the held-out test set was evaluated (see :func:`eval_sampled`; only for
    #: runs with a test set or classes), before that step's update, and the test loss, the
    #: training accuracy and the test accuracy there (NaN where there is none).
    eval_steps: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    test_losses: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.float64))
    train_accuracies: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.float64))
    test_accuracies: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.float64))
    #: What the network predicts now (core/prediction.py), at most every 0.3 s; None between.
    prediction: Any = None

    @property
    def steps_per_s(self) -> float:
        return self.step / self.elapsed if self.elapsed > 0 else 0.0
