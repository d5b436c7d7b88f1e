"""The gradient norm of every parameter over the steps, kept for the norm chart."""

from __future__ import annotations

import math

import numpy as np

#: Initial capacity of the norm-history buffers (doubled when full).
HISTORY_CAPACITY = 256


class NormHistory:
    """Gradient norm per parameter over steps, in buffers that double when full.

    ``log_norms`` holds log10 of each norm (NaN where the norm is 0 or not
    finite), computed once on arrival, so a redraw takes no logarithms.
    """

    def __init__(self) -> None:
        self.reset(())

    def reset(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.steps = np.empty(HISTORY_CAPACITY, dtype=np.float64)
        self.norms = np.empty((len(names), HISTORY_CAPACITY), dtype=np.float64)
        self.log_norms = np.empty((len(names), HISTORY_CAPACITY), dtype=np.float64)
        self.count = 0

    def append(self, step: int, norms: list[float]) -> None:
        if self.count == self.steps.size:
            cap = 2 * self.steps.size
            steps = np.empty(cap, dtype=np.float64)
            steps[: self.count] = self.steps
            self.steps = steps
            self.norms = self._grown(self.norms, cap)
            self.log_norms = self._grown(self.log_norms, cap)
        self.steps[self.count] = step
        self.count += 1
        self.set_last(norms)

    def set_last(self, norms: list[float]) -> None:
        """Replace the newest column (the same step seen again)."""
        i = self.count - 1
        self.norms[:, i] = norms
        col = self.norms[:, i]
        with np.errstate(divide="ignore", invalid="ignore"):
            self.log_norms[:, i] = np.where((col > 0) & np.isfinite(col), np.log10(col), np.nan)

    def _grown(self, buf: np.ndarray, cap: int) -> np.ndarray:
        grown = np.empty((buf.shape[0], cap), dtype=np.float64)
        grown[:, : self.count] = buf[:, : self.count]
        return grown

    @property
    def last_step(self) -> float:
        return float(self.steps[self.count - 1]) if self.count else -math.inf
