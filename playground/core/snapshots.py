"""Time travel: what the gradient inspector showed at each recorded step of a run.

A :class:`SnapshotRecorder` is fed the run's :class:`~playground.core.loop.Batch`es in
order (in the window, or wherever the batches arrive) and keeps, per step that has
gradient statistics, a :class:`Snapshot`: the step, its loss and its
:class:`~playground.core.gradstats.StepStats` (the table's numbers, the histograms,
the heat map's matrix), and, for the whole run, the gradient norms the inspector's norm
history holds (the sampled ones, and those of the steps with statistics: a few kilobytes).  Everything is plain, picklable data.

The recorder keeps within a budget (:data:`DEFAULT_BUDGET_BYTES`): it keeps at most one
snapshot per ``stride`` steps, and when the snapshots outgrow the budget the stride
doubles (every second one goes), so the record stays spread evenly over the whole run.  Never dropped: the first and the last snapshot, the ones on
either side of a learning-rate change, and the last one before a divergence.

:meth:`SnapshotRecorder.state_at` gives the recorded state nearest a step (the
snapshot, and the norm history up to it): what the inspector showed when the run was
there.  A record is saved in an experiment file only when asked (it can be large):
:func:`snapshots_to_dict`, :func:`snapshots_from_dict`.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # gradstats imports torch: the window reads snapshots without loading it
    from .gradstats import Histogram, ParamStats, StepStats

#: The most bytes the snapshots of one run keep (what the issue calls "the whole run stays
#: under ~200 MB"); at the lesson's sizes one snapshot is about 110 kB: some 1,800 of them.
DEFAULT_BUDGET_BYTES = 200 * 2**20
#: The most snapshots kept whatever their size (a scrubber has a few thousand positions).
MAX_SNAPSHOTS = 4096


@dataclass(frozen=True)
class Snapshot:
    """The inspector's data at one step."""

    step: int
    loss: float  # the loss of that step (before its update); NaN when not known
    stats: StepStats

    @property
    def finite(self) -> bool:
        return all(math.isfinite(p.grad_norm) and math.isfinite(p.weight_norm) for p in self.stats.params)


def stats_bytes(stats: StepStats) -> int:
    """About how much memory ``stats`` holds."""
    total = 200
    for p in stats.params:
        total += 300 + p.grad_preview.nbytes + p.grad_hist.counts.nbytes + p.grad_hist.edges.nbytes
        total += p.weight_hist.counts.nbytes + p.weight_hist.edges.nbytes
        weights = getattr(p, "weight_preview", None)
        total += 0 if weights is None else weights.nbytes
    return total


@dataclass(frozen=True)
class TravelState:
    """The recorded state nearest a step: its snapshot and the norm history up to it."""

    snapshot: Snapshot
    norm_steps: np.ndarray
    grad_norms: np.ndarray


class SnapshotRecorder:
    """A run's snapshots, recorded from its batches within a byte budget."""

    def __init__(self, budget_bytes: int = DEFAULT_BUDGET_BYTES, max_snapshots: int = MAX_SNAPSHOTS) -> None:
        self.budget_bytes = max(1, int(budget_bytes))
        self.max_snapshots = max(3, int(max_snapshots))
        self.clear()

    def clear(self) -> None:
        self.snapshots: list[Snapshot] = []
        self._steps: list[int] = []
        self._bytes = 0
        #: At most one snapshot per this many steps (besides the protected ones); doubles when
        #: the budget is reached, so the record thins evenly over the whole run.
        self.stride = 1
        self._norm_steps: list[int] = []
        self._norm_rows: list[np.ndarray] = []
        #: Steps from which a new learning rate was used.
        self.lr_change_steps: list[int] = []
        #: The step whose numbers went non-finite (None: the run has not diverged).
        self.diverged_step: int | None = None
        self.last_step = -1  # the newest step the batches reached

    def __len__(self) -> int:
        return len(self.snapshots)

    @property
    def nbytes(self) -> int:
        return self._bytes

    @property
    def steps(self) -> list[int]:
        return list(self._steps)

    # -- recording --------------------------------------------------------------------------
    def feed(self, batch: Any) -> None:
        """Record a :class:`~playground.core.loop.Batch` (they must come in order)."""
        steps = np.asarray(batch.steps)
        losses = np.asarray(batch.losses, dtype=np.float64)
        for step, _lr in batch.lr_changes:
            self.lr_change_steps.append(int(step))
        # The norm history as the inspector builds it: the sampled norms, and at a step with
        # statistics the statistics' own (float64) norms.
        rows: dict[int, np.ndarray] = {}
        if len(batch.norm_steps):
            for step, row in zip(np.asarray(batch.norm_steps).tolist(), np.asarray(batch.grad_norms), strict=True):
                rows[int(step)] = np.array(row, dtype=np.float64)
        for stats in batch.stats:
            rows[int(stats.step)] = np.array([p.grad_norm for p in stats.params], dtype=np.float64)
        for step in sorted(rows):
            if not self._norm_steps or step > self._norm_steps[-1]:
                self._norm_steps.append(step)
                self._norm_rows.append(rows[step])
        for stats in batch.stats:
            i = int(stats.step) - int(steps[0]) if len(steps) else -1
            loss = float(losses[i]) if 0 <= i < len(losses) else math.nan
            self.add(Snapshot(int(stats.step), loss, stats))
        if len(steps):
            self.last_step = max(self.last_step, int(steps[-1]))
        if batch.divergence is not None:
            self.diverged_step = int(batch.divergence.step)

    def add(self, snap: Snapshot) -> None:
        """Keep ``snap`` (a step already recorded is replaced), then thin to the budget."""
        if self._steps and snap.step <= self._steps[-1]:
            i = bisect.bisect_left(self._steps, snap.step)
            if i < len(self._steps) and self._steps[i] == snap.step:
                self._bytes -= stats_bytes(self.snapshots[i].stats)
                self.snapshots[i] = snap
                self._bytes += stats_bytes(snap.stats)
                return
            self.snapshots.insert(i, snap)
            self._steps.insert(i, snap.step)
        else:
            self.snapshots.append(snap)
            self._steps.append(snap.step)
        self._bytes += stats_bytes(snap.stats)
        self._compact()
        while self._bytes > self.budget_bytes or len(self.snapshots) > self.max_snapshots:
            if self.stride > max(1, self._steps[-1] - self._steps[0]):
                break  # only protected snapshots are left
            self.stride *= 2
            self._compact()

    def protected(self) -> set[int]:
        """Indexes never thinned: first, last, either side of an lr change, the last before a divergence."""
        n = len(self._steps)
        keep = {0, n - 1} if n else set()
        for step in self.lr_change_steps:
            i = bisect.bisect_left(self._steps, step)
            keep.update(j for j in (i - 1, i) if 0 <= j < n)
        if self.diverged_step is not None:
            i = bisect.bisect_right(self._steps, self.diverged_step)
            keep.update(j for j in (i - 1, i - 2) if 0 <= j < n)
        return keep

    def _compact(self) -> None:
        """Keep the first snapshot of every ``stride`` steps, and the protected ones."""
        keep = self.protected()
        seen: set[int] = set()
        kept = []
        for i, snap in enumerate(self.snapshots):
            bucket = snap.step // self.stride
            if i in keep or bucket not in seen:
                kept.append(snap)
                seen.add(bucket)
        if len(kept) != len(self.snapshots):
            self.snapshots = kept
            self._steps = [s.step for s in kept]
            self._bytes = sum(stats_bytes(s.stats) for s in kept)

    # -- travelling ----------------------------------------------------------------------
    def nearest(self, step: int) -> Snapshot | None:
        """The snapshot nearest ``step`` (the earlier one of two as near)."""
        if not self.snapshots:
            return None
        i = bisect.bisect_left(self._steps, step)
        if i == 0:
            return self.snapshots[0]
        if i == len(self._steps):
            return self.snapshots[-1]
        before, after = self.snapshots[i - 1], self.snapshots[i]
        return after if after.step - step < step - before.step else before

    def last_finite(self) -> Snapshot | None:
        """The newest snapshot whose numbers are all finite: after a divergence, the step before it."""
        return next((s for s in reversed(self.snapshots) if s.finite), None)

    def norms_until(self, step: int) -> tuple[np.ndarray, np.ndarray]:
        """The sampled gradient norms of every step up to ``step``: (steps, one row per step)."""
        n = bisect.bisect_right(self._norm_steps, step)
        steps = np.asarray(self._norm_steps[:n], dtype=np.int64)
        width = len(self._norm_rows[0]) if self._norm_rows else 0
        rows = np.array(self._norm_rows[:n], dtype=np.float64).reshape(n, width)
        return steps, rows

    def state_at(self, step: int) -> TravelState | None:
        """What the inspector showed at the recorded step nearest ``step``."""
        snap = self.nearest(step)
        if snap is None:
            return None
        steps, norms = self.norms_until(snap.step)
        return TravelState(snap, steps, norms)


# -- experiment files ----------------------------------------------------------------------
def _hist_dict(h: Histogram) -> dict[str, Any]:
    return {"counts": h.counts.tolist(), "edges": _floats(h.edges)}


def _floats(a: np.ndarray) -> list:
    from .persistence import _losses_for_json

    return _losses_for_json(np.asarray(a, dtype=np.float64).reshape(-1))


def _float_or_text(v: float) -> float | str:
    return v if math.isfinite(v) else repr(v)


def _weight_preview(p: ParamStats) -> dict[str, Any]:
    weights = getattr(p, "weight_preview", None)
    return {} if weights is None else {"weight_preview": _floats(weights), "weight_preview_shape": list(weights.shape)}


def snapshots_to_dict(rec: SnapshotRecorder) -> dict[str, Any]:
    """A record as an experiment file keeps it (JSON: non-finite numbers as "nan", "inf")."""
    return {
        "lr_change_steps": list(rec.lr_change_steps),
        "diverged_step": rec.diverged_step,
        "last_step": rec.last_step,
        "norm_steps": list(rec._norm_steps),
        "grad_norms": [_floats(r) for r in rec._norm_rows],
        "snapshots": [
            {
                "step": s.step,
                "loss": _float_or_text(s.loss),
                "lr": s.stats.lr,
                "params": [
                    {
                        "name": p.name,
                        "shape": list(p.shape),
                        "numbers": [_float_or_text(v) for v in (p.weight_norm, p.grad_norm, p.grad_mean,
                                                                 p.grad_std, p.grad_max_abs, p.update_ratio)],
                        "grad_hist": _hist_dict(p.grad_hist),
                        "weight_hist": _hist_dict(p.weight_hist),
                        "preview_shape": list(p.grad_preview.shape),
                        "grad_preview": _floats(p.grad_preview),
                        **_weight_preview(p),
                    }
                    for p in s.stats.params
                ],
            }
            for s in rec.snapshots
        ],
    }


def snapshots_from_dict(data: Any) -> SnapshotRecorder:
    """Read a record; :class:`~playground.core.persistence.ExperimentError` names what is wrong."""
    from .gradstats import Histogram, ParamStats, StepStats
    from .persistence import ExperimentError, _number_list, _quote

    param_fields = {f.name for f in dataclasses.fields(ParamStats)}

    def need(cond: bool, where: str, value: Any) -> None:
        if not cond:
            raise ExperimentError(f"snapshots.{where} is not valid, got {_quote(value)}")

    def number(v: Any, where: str) -> float:
        return float(_number_list([v], where)[0])

    def hist(h: Any, where: str) -> Histogram:
        need(isinstance(h, dict), where, h)
        counts = _number_list(h.get("counts"), f"snapshots.{where}.counts")
        edges = _number_list(h.get("edges"), f"snapshots.{where}.edges")
        need(len(edges) == len(counts) + 1, where, h)
        return Histogram(counts.astype(np.int64), edges)

    need(isinstance(data, dict), "", data)
    rec = SnapshotRecorder(budget_bytes=2**62, max_snapshots=2**31)
    changes = data.get("lr_change_steps", [])
    need(isinstance(changes, list) and all(type(s) is int for s in changes), "lr_change_steps", changes)
    rec.lr_change_steps = list(changes)
    div = data.get("diverged_step")
    need(div is None or type(div) is int, "diverged_step", div)
    rec.diverged_step = div
    last = data.get("last_step", -1)
    need(type(last) is int, "last_step", last)
    rec.last_step = last
    norm_steps = data.get("norm_steps", [])
    rows = data.get("grad_norms", [])
    need(isinstance(norm_steps, list) and all(type(s) is int for s in norm_steps)
         and norm_steps == sorted(set(norm_steps)), "norm_steps", norm_steps)
    need(isinstance(rows, list) and len(rows) == len(norm_steps), "grad_norms", rows)
    rec._norm_steps = list(norm_steps)
    rec._norm_rows = [_number_list(r, f"snapshots.grad_norms[{i}]") for i, r in enumerate(rows)]
    snaps = data.get("snapshots", [])
    need(isinstance(snaps, list), "snapshots", snaps)
    for i, s in enumerate(snaps):
        where = f"snapshots[{i}]"
        need(isinstance(s, dict) and type(s.get("step")) is int and s["step"] >= 0, where, s)
        params = []
        need(isinstance(s.get("params"), list), f"{where}.params", s.get("params"))
        for j, p in enumerate(s["params"]):
            pw = f"{where}.params[{j}]"
            need(isinstance(p, dict) and isinstance(p.get("name"), str), pw, p)
            shape = p.get("shape")
            need(isinstance(shape, list) and all(type(d) is int and d >= 0 for d in shape), f"{pw}.shape", shape)
            nums = _number_list(p.get("numbers"), f"snapshots.{pw}.numbers")
            need(len(nums) == 6, f"{pw}.numbers", p.get("numbers"))
            pshape = p.get("preview_shape")
            need(isinstance(pshape, list) and len(pshape) == 2 and all(type(d) is int and d >= 0 for d in pshape),
                 f"{pw}.preview_shape", pshape)
            preview = _number_list(p.get("grad_preview"), f"snapshots.{pw}.grad_preview")
            need(len(preview) == pshape[0] * pshape[1], f"{pw}.grad_preview", "its length")
            extra = {}
            if p.get("weight_preview") is not None and "weight_preview" in param_fields:
                wshape = p.get("weight_preview_shape")
                need(isinstance(wshape, list) and all(type(d) is int and d >= 0 for d in wshape),
                     f"{pw}.weight_preview_shape", wshape)
                weights = _number_list(p["weight_preview"], f"snapshots.{pw}.weight_preview")
                need(len(weights) == math.prod(wshape), f"{pw}.weight_preview", "its length")
                extra["weight_preview"] = weights.reshape(wshape)
            params.append(ParamStats(p["name"], tuple(shape), *(float(v) for v in nums),
                                     hist(p.get("grad_hist"), f"{pw}.grad_hist"),
                                     hist(p.get("weight_hist"), f"{pw}.weight_hist"),
                                     preview.reshape(pshape), **extra))
        lr = number(s.get("lr"), f"snapshots.{where}.lr")
        loss = number(s.get("loss", "nan"), f"snapshots.{where}.loss")
        rec.add(Snapshot(s["step"], loss, StepStats(s["step"], lr, tuple(params))))
    return rec
