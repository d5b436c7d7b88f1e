"""Gradient statistics per parameter: the numbers the gradient inspector shows.

Computed from one step's gradients before that step's update (and before any
zeroing), with the weights before and after the update for the update ratio.
Everything returned is plain NumPy or Python data, safe to hand to another thread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch

HIST_BINS = 40
PREVIEW_MAX = 128


@dataclass(frozen=True)
class Histogram:
    counts: np.ndarray  # int64, len == len(edges) - 1
    edges: np.ndarray  # float64


@dataclass(frozen=True)
class ParamStats:
    """One parameter tensor at one step."""

    name: str
    shape: tuple[int, ...]
    weight_norm: float
    grad_norm: float
    grad_mean: float
    grad_std: float
    grad_max_abs: float
    #: ||w_after - w_before|| / ||w_before||: the relative size of this step's update.
    update_ratio: float
    grad_hist: Histogram
    weight_hist: Histogram
    #: The gradient as an at most PREVIEW_MAX x PREVIEW_MAX matrix (rows/cols sampled).
    grad_preview: np.ndarray
    #: The weights before the update (float32), sampled at the same rows and columns as
    #: ``grad_preview`` (the network diagram draws them); None where made without them.
    weight_preview: np.ndarray | None = None


@dataclass(frozen=True)
class StepStats:
    step: int
    lr: float
    params: tuple[ParamStats, ...]

    def by_name(self) -> dict[str, ParamStats]:
        return {p.name: p for p in self.params}


def histogram(t: torch.Tensor, bins: int = HIST_BINS) -> Histogram:
    """Counts of the finite entries of ``t`` in ``bins`` equal bins spanning their range."""
    import torch  # here, not at the top: the window reads this module without torch

    flat = t.detach().reshape(-1)
    lo, hi = (float(v) for v in torch.aminmax(flat)) if flat.numel() else (0.0, 0.0)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        flat = flat[torch.isfinite(flat)]
        if flat.numel() == 0:
            return Histogram(np.zeros(bins, dtype=np.int64), np.linspace(-1.0, 1.0, bins + 1))
        lo, hi = (float(v) for v in torch.aminmax(flat))
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    # Bin index by arithmetic and bincount: several times faster than histc here.
    idx = ((flat.to(torch.float64) - lo) * (bins / (hi - lo))).long().clamp_(0, bins - 1)
    counts = torch.bincount(idx, minlength=bins)
    return Histogram(counts.cpu().numpy().astype(np.int64), np.linspace(lo, hi, bins + 1))


def preview_index(n: int, limit: int = PREVIEW_MAX) -> np.ndarray:
    """The rows (or columns) of an ``n``-long axis that :func:`preview` keeps."""
    if n <= limit:
        return np.arange(n)
    return np.linspace(0, n - 1, limit).astype(np.int64)


def preview(t: torch.Tensor, limit: int = PREVIEW_MAX) -> np.ndarray:
    """A small float64 matrix of ``t``: rows and columns sampled evenly when large."""
    import torch  # here, not at the top: the window reads this module without torch

    m = t.detach()
    if m.dim() == 1:
        m = m.unsqueeze(0)
    elif m.dim() == 0:
        m = m.reshape(1, 1)
    rows, cols = m.shape
    if rows > limit:
        m = m[torch.as_tensor(preview_index(rows, limit), device=m.device)]
    if cols > limit:
        m = m[:, torch.as_tensor(preview_index(cols, limit), device=m.device)]
    return m.to("cpu", torch.float64).numpy().copy()


def param_stats(name: str, before: torch.Tensor, grad: torch.Tensor | None, after: torch.Tensor) -> ParamStats:
    """Statistics of one parameter from its weight before/after an update and its gradient."""
    import torch  # here, not at the top: the window reads this module without torch

    w = before.detach()
    g = torch.zeros_like(w) if grad is None else grad.detach()
    w_norm = torch.linalg.vector_norm(w, dtype=torch.float64)
    zero = torch.zeros((), dtype=torch.float64, device=w.device)
    scalars = torch.stack(
        [
            w_norm,
            torch.linalg.vector_norm(g, dtype=torch.float64),
            g.mean(dtype=torch.float64),
            g.to(torch.float64).std() if g.numel() > 1 else zero,
            g.abs().max().to(torch.float64),
            torch.linalg.vector_norm(after.detach() - w, dtype=torch.float64) / w_norm,
        ]
    ).cpu().tolist()
    return ParamStats(
        name=name,
        shape=tuple(before.shape),
        weight_norm=scalars[0],
        grad_norm=scalars[1],
        grad_mean=scalars[2],
        grad_std=scalars[3],
        grad_max_abs=scalars[4],
        update_ratio=scalars[5],
        grad_hist=histogram(g),
        weight_hist=histogram(w),
        grad_preview=preview(g),
        weight_preview=preview(w).astype(np.float32),  # for drawing: half the bytes to pickle
    )
