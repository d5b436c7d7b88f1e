"""A run's loss history: growing NumPy buffers, not Python lists.

A live run's steps are contiguous from 0, so step numbers need not be stored
per run: every such history shares one ``arange`` (:func:`step_axis`).  A run
read back from a file keeps the step numbers it was saved with (they may start
later than 0), so that saving it again writes them unchanged; its losses are
still indexed from 0, and :meth:`LossHistory.step_numbers` turns those indices
into its steps.  Per recorded step
a history keeps the loss as float64 (8 bytes, full precision for CSV), in a
buffer that grows by 1.25x (so at most 10 bytes per step are reserved).

A plot cannot show more points than it has pixels, so a history also keeps a
min/max *envelope*: the smallest and largest loss of every block of
:data:`ENVELOPE_BLOCK` steps, and of every 4 such blocks, and so on (a pyramid,
about 0.34 bytes per step in all).  :meth:`LossHistory.decimated` picks the
level that gives a few points per pixel for the range on screen, so a redraw
costs the same whether the run has a thousand steps or ten million, and every
peak stays visible (min and max of a block are exact).  Logarithms are taken
only of those few points: log10 is monotonic, so the envelope of the log is the
log of the envelope.
"""

from __future__ import annotations

import math

import numpy as np

_GROWTH = 1.25
_MIN_CAPACITY = 1024
#: Steps per block in the finest envelope level; each coarser level groups FANOUT blocks.
ENVELOPE_BLOCK = 64
ENVELOPE_FANOUT = 4
_steps = np.arange(_MIN_CAPACITY, dtype=np.float64)


def step_axis(n: int) -> np.ndarray:
    """A read-only view of ``0 .. n-1`` as float64, shared by every history."""
    global _steps
    if n > len(_steps):
        grown = np.arange(max(n, int(len(_steps) * 1.5)), dtype=np.float64)
        grown.flags.writeable = False
        _steps = grown
    return _steps[:n]


def log10_f32(values: np.ndarray) -> np.ndarray:
    """log10 as float32 (what a log-scale plot draws); 0 gives -inf, no warnings.

    The logarithm is taken in float64 and only then narrowed: a loss up to float64's
    largest (1.8e308) has a log10 of at most 309, well inside float32, whereas the
    loss itself narrowed to float32 first would be inf from 3.4e38 up.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(np.asarray(values, dtype=np.float64)).astype(np.float32)


def _grow(buf: np.ndarray, used: int, need: int) -> np.ndarray:
    """``buf`` with room for ``need`` entries (the first ``used`` kept)."""
    if need <= len(buf):
        return buf
    new = np.empty(max(need, int(len(buf) * _GROWTH) + 1), dtype=buf.dtype)
    new[:used] = buf[:used]
    return new


class _Level:
    """Min and max of each complete block of ``block`` steps (NaN-ignoring, as np.fmin)."""

    __slots__ = ("block", "mins", "maxs", "n")

    def __init__(self, block: int) -> None:
        self.block = block
        self.mins = np.empty(16, dtype=np.float64)
        self.maxs = np.empty(16, dtype=np.float64)
        self.n = 0

    def extend(self, mins: np.ndarray, maxs: np.ndarray) -> None:
        k = len(mins)
        self.mins = _grow(self.mins, self.n, self.n + k)
        self.maxs = _grow(self.maxs, self.n, self.n + k)
        self.mins[self.n : self.n + k] = mins
        self.maxs[self.n : self.n + k] = maxs
        self.n += k

    def nbytes(self) -> int:
        return self.mins.nbytes + self.maxs.nbytes


class LossHistory:
    """Losses of one run, appended batch by batch."""

    def __init__(self, capacity: int = _MIN_CAPACITY) -> None:
        self._loss = np.empty(max(capacity, 1), dtype=np.float64)
        self._n = 0
        self._levels: list[_Level] = []
        #: The step number of each loss, when they are not 0, 1, 2, ... (a run read from a file).
        self._step_numbers: np.ndarray | None = None

    def __len__(self) -> int:
        return self._n

    def append(self, steps: np.ndarray, losses: np.ndarray) -> None:
        """Add a batch; ``steps`` must continue the history (first == len(self))."""
        k = len(losses)
        if k == 0:
            return
        if self._step_numbers is not None:
            raise ValueError("a history read with its own step numbers is complete: it does not grow")
        if int(steps[0]) != self._n:
            raise ValueError(f"batch starts at step {int(steps[0])}, history has {self._n} steps")
        self._loss = _grow(self._loss, self._n, self._n + k)
        self._loss[self._n : self._n + k] = losses
        self._n += k
        self._extend_envelope()

    def _extend_envelope(self) -> None:
        """Summarise the blocks the last append completed, level by level."""
        src_min = src_max = self._loss
        src_n = self._n
        block = ENVELOPE_BLOCK
        depth = 0
        while True:
            if depth == len(self._levels):
                if src_n < block if depth == 0 else src_n < ENVELOPE_FANOUT:
                    return
                self._levels.append(_Level(ENVELOPE_BLOCK * ENVELOPE_FANOUT**depth))
            level = self._levels[depth]
            group = block if depth == 0 else ENVELOPE_FANOUT
            done, full = level.n, src_n // group
            if full == done:
                return
            lo, hi = done * group, full * group
            level.extend(
                np.fmin.reduce(src_min[lo:hi].reshape(-1, group), axis=1),
                np.fmax.reduce(src_max[lo:hi].reshape(-1, group), axis=1),
            )
            src_min, src_max, src_n = level.mins, level.maxs, level.n
            depth += 1

    def decimated(self, start: int, stop: int, buckets: int) -> tuple[np.ndarray, np.ndarray]:
        """(x, loss) for steps ``start .. stop-1``: the raw values, or about ``2 * buckets`` points.

        A range shorter than ``2 * buckets`` steps comes back as it is (the losses
        as a view, no copy).  A longer one is cut into blocks of ``B = (stop - start) //
        buckets`` steps and comes back as its first and last step with, in
        between, the min and max of each block (two points at the block's first
        step).  A line through them covers exactly the values the raw line
        covers in every block, so no peak and no part of the y range is lost.
        Blocks are merged from the coarsest envelope level that fits (``B`` is
        rounded down to a multiple of its block), so the cost is proportional
        to ``buckets``, not to the length of the range.
        """
        n = self._n
        start, stop = max(0, int(start)), min(n, int(stop))
        if stop <= start:
            return np.empty(0), np.empty(0)
        target = (stop - start) // max(1, int(buckets))
        if target < 2:
            return np.arange(start, stop, dtype=np.float64), self._loss[start:stop]
        level: _Level | None = None
        for lvl in self._levels:
            if lvl.block > target:
                break
            level = lvl
        m = 1 if level is None else target // level.block  # level blocks per drawn block
        B = target if level is None else m * level.block
        loss = self._loss
        xs: list[np.ndarray] = [np.array([start], dtype=np.float64)]
        lo: list[np.ndarray] = [loss[start : start + 1]]
        hi: list[np.ndarray] = [loss[start : start + 1]]

        def add(x: int | np.ndarray, mins: np.ndarray, maxs: np.ndarray) -> None:
            xs.append(np.atleast_1d(np.asarray(x, dtype=np.float64)))
            lo.append(mins)
            hi.append(maxs)

        def raw_blocks(a: int, z: int) -> None:
            """Min/max of loss[a:z] in blocks of B (the last one may be shorter)."""
            cut = a + (z - a) // B * B
            if cut > a:
                add(np.arange(a, cut, B), np.fmin.reduce(loss[a:cut].reshape(-1, B), axis=1),
                    np.fmax.reduce(loss[a:cut].reshape(-1, B), axis=1))
            if cut < z:
                add(cut, np.fmin.reduce(loss[cut:z], keepdims=True), np.fmax.reduce(loss[cut:z], keepdims=True))

        first, last = -(-start // B), stop // B  # the whole blocks inside the range
        head_end = min(first * B, stop)
        if head_end > start:  # the ragged head, shorter than a block
            add(start, np.fmin.reduce(loss[start:head_end], keepdims=True),
                np.fmax.reduce(loss[start:head_end], keepdims=True))
        done = first  # whole blocks the envelope level has summarised
        if level is not None:
            done = max(first, min(last, level.n // m))
            if done > first:
                k = slice(first * m, done * m)
                add(np.arange(first, done) * B, np.fmin.reduce(level.mins[k].reshape(-1, m), axis=1),
                    np.fmax.reduce(level.maxs[k].reshape(-1, m), axis=1))
        raw_blocks(max(head_end, done * B), stop)  # what the level has not summarised (the newest steps)
        add(stop - 1, loss[stop - 1 : stop], loss[stop - 1 : stop])
        x = np.repeat(np.concatenate(xs), 2)
        y = np.empty(len(x))
        y[0::2] = np.concatenate(lo)
        y[1::2] = np.concatenate(hi)
        return x, y

    @classmethod
    def from_arrays(cls, losses: np.ndarray, steps: np.ndarray | None = None) -> LossHistory:
        """A complete history; ``steps`` (strictly increasing whole numbers) default to 0, 1, 2, ..."""
        h = cls(len(losses))
        h.append(np.arange(len(losses)), np.asarray(losses, dtype=np.float64))
        if steps is not None:
            numbers = np.array(steps, dtype=np.float64)
            if numbers.shape != (len(losses),):
                raise ValueError(f"{len(losses)} losses but {numbers.size} steps")
            if len(numbers) and (not np.all(np.isfinite(numbers)) or np.any(np.diff(numbers) <= 0)):
                raise ValueError("steps must be finite and strictly increasing")
            if not np.array_equal(numbers, step_axis(len(numbers))):
                numbers.flags.writeable = False
                h._step_numbers = numbers
        return h

    def copy(self) -> LossHistory:
        """A history with the same losses and step numbers that later appends to this one do not reach."""
        return LossHistory.from_arrays(self.losses, self._step_numbers)

    @property
    def steps(self) -> np.ndarray:
        """The step number of every loss (float64, read-only)."""
        return step_axis(self._n) if self._step_numbers is None else self._step_numbers

    def step_numbers(self, indices: np.ndarray) -> np.ndarray:
        """The step numbers at ``indices`` (as :meth:`decimated` returns them; float64)."""
        if self._step_numbers is None:
            return np.asarray(indices, dtype=np.float64)
        return self._step_numbers[np.asarray(indices, dtype=np.intp)]

    @property
    def first_step(self) -> int:
        """The first step's number (0 for an empty history)."""
        return int(self.steps[0]) if self._n else 0

    @property
    def end_step(self) -> int:
        """One past the last step's number (0 for an empty history)."""
        return int(self.steps[-1]) + 1 if self._n else 0

    def index_range(self, first: float, end: float) -> tuple[int, int]:
        """Indices ``(start, stop)`` of the losses whose step is in ``[first, end)``."""
        if self._step_numbers is None:
            return (min(self._n, max(0, math.ceil(first))), min(self._n, max(0, math.ceil(end))))
        start, stop = np.searchsorted(self._step_numbers, (first, end), side="left")
        return int(start), int(stop)

    def nearest_index(self, step: float) -> int:
        """The index of the loss whose step is nearest to ``step`` (the history must not be empty)."""
        if self._step_numbers is None:
            return int(min(max(round(step), 0), self._n - 1))
        i = int(np.searchsorted(self._step_numbers, step))
        if i == self._n or (i > 0 and step - self._step_numbers[i - 1] <= self._step_numbers[i] - step):
            i -= 1
        return i

    @property
    def losses(self) -> np.ndarray:
        """Read-only view of the recorded losses (float64)."""
        v = self._loss[: self._n]
        v.flags.writeable = False
        return v

    @property
    def log10_losses(self) -> np.ndarray:
        """log10 of every loss as float32 (computed on each call: the plot uses :meth:`decimated`)."""
        v = log10_f32(self._loss[: self._n])
        v.flags.writeable = False
        return v

    @property
    def last(self) -> float | None:
        return float(self._loss[self._n - 1]) if self._n else None

    def nbytes(self) -> int:
        """Bytes held by this history's own buffers (the shared step axis excluded)."""
        return self._loss.nbytes + sum(level.nbytes() for level in self._levels)


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
