"""A run's loss history: growing NumPy buffers, not Python lists.

A run's steps are contiguous from 0, so step numbers need not be stored per
run: every history shares one ``arange`` (:func:`step_axis`).  Per recorded step
a history keeps the loss as float64 (8 bytes, full precision for CSV) and its
log10 as float32 (4 bytes, what a log-scale plot draws), so the plot never
recomputes a logarithm over the whole history.  Buffers grow by 1.5x.
"""

from __future__ import annotations

import numpy as np

_GROWTH = 1.5
_MIN_CAPACITY = 1024
_steps = np.arange(_MIN_CAPACITY, dtype=np.float64)


def step_axis(n: int) -> np.ndarray:
    """A read-only view of ``0 .. n-1`` as float64, shared by every history."""
    global _steps
    if n > len(_steps):
        grown = np.arange(max(n, int(len(_steps) * _GROWTH)), dtype=np.float64)
        grown.flags.writeable = False
        _steps = grown
    return _steps[:n]


def _log10(values: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(values).astype(np.float32)


class LossHistory:
    """Losses of one run, appended batch by batch."""

    def __init__(self, capacity: int = _MIN_CAPACITY) -> None:
        self._loss = np.empty(max(capacity, 1), dtype=np.float64)
        self._log = np.empty(max(capacity, 1), dtype=np.float32)
        self._n = 0
        #: (step, lr) where the learning rate changed during the run.
        self.lr_changes: list[tuple[int, float]] = []

    def __len__(self) -> int:
        return self._n

    def _reserve(self, n: int) -> None:
        if n <= len(self._loss):
            return
        cap = max(n, int(len(self._loss) * _GROWTH) + 1)
        for name in ("_loss", "_log"):
            old = getattr(self, name)
            new = np.empty(cap, dtype=old.dtype)
            new[: self._n] = old[: self._n]
            setattr(self, name, new)

    def append(self, steps: np.ndarray, losses: np.ndarray) -> None:
        """Add a batch; ``steps`` must continue the history (first == len(self))."""
        k = len(losses)
        if k == 0:
            return
        if int(steps[0]) != self._n:
            raise ValueError(f"batch starts at step {int(steps[0])}, history has {self._n} steps")
        self._reserve(self._n + k)
        self._loss[self._n : self._n + k] = losses
        self._log[self._n : self._n + k] = _log10(np.asarray(losses, dtype=np.float64))
        self._n += k

    @classmethod
    def from_arrays(cls, losses: np.ndarray) -> LossHistory:
        h = cls(len(losses))
        h.append(np.arange(len(losses)), np.asarray(losses, dtype=np.float64))
        return h

    @property
    def steps(self) -> np.ndarray:
        return step_axis(self._n)

    @property
    def losses(self) -> np.ndarray:
        """Read-only view of the recorded losses (float64)."""
        v = self._loss[: self._n]
        v.flags.writeable = False
        return v

    @property
    def log10_losses(self) -> np.ndarray:
        v = self._log[: self._n]
        v.flags.writeable = False
        return v

    @property
    def last(self) -> float | None:
        return float(self._loss[self._n - 1]) if self._n else None

    def nbytes(self) -> int:
        """Bytes held by this history's own buffers (the shared step axis excluded)."""
        return self._loss.nbytes + self._log.nbytes


def ema(values: np.ndarray, alpha: float, previous: float | None = None) -> np.ndarray:
    """Exponential moving average; ``alpha`` in (0, 1] weighs the newest value.

    ``previous`` continues an earlier call (incremental smoothing).  Computed in
    blocks of 64 with a closed form, so it is vectorised yet numerically safe.
    Non-finite inputs pass through unchanged, so smoothing never hides a
    divergence; they do not poison later values.
    """
    x = np.asarray(values, dtype=np.float64)
    out = np.array(x, dtype=np.float64, copy=True)
    if alpha >= 1.0 or len(x) == 0:
        return out
    beta = 1.0 - alpha
    finite = np.isfinite(x)
    idx = np.flatnonzero(finite)
    acc = previous if previous is not None and np.isfinite(previous) else None
    xs = x[idx]
    ys = np.empty(len(xs))
    block = 64
    scale = beta ** -np.arange(block, dtype=np.float64)
    down = beta ** np.arange(block, dtype=np.float64)
    for start in range(0, len(xs), block):
        chunk = xs[start : start + block]
        m = len(chunk)
        if acc is None:
            acc = chunk[0]
        # y_j = beta^(j+1) * acc + alpha * sum_{i<=j} beta^(j-i) x_i
        ys[start : start + m] = down[:m] * (beta * acc + alpha * np.cumsum(chunk * scale[:m]))
        acc = ys[start + m - 1]
    out[idx] = ys
    return out
