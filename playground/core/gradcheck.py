"""Gradient check: does a style's analytic gradient match finite differences?

:func:`gradient_check` takes any runner from :mod:`playground.core.models` and
checks the gradient of its configured loss (sum or mean, activation, bias) at
the runner's *current* weights:

1. It builds a float64 twin of the runner on the CPU: a shallow copy of the
   runner object whose data and weights are float64 copies (a deep copy of the
   model for the ``nn`` styles).  The live runner's weights, gradients and
   optimizer state are never touched.
2. The twin computes the style's own analytic gradient through the runner's own
   methods: ``forward_backward`` (autograd) for the torch styles, and
   ``forward`` + the hand-written ``backward`` for NumPy, so that a subclass
   with a wrong ``backward`` is what gets checked.
3. For a few sampled entries of every parameter it computes the central
   difference ``(L(w + eps) - L(w - eps)) / (2 eps)`` with the twin's own loss.
4. Relative error per parameter: the largest over the samples of
   ``|a - n| / max(|a| + |n|, tiny)``, graded with :func:`grade`.

The samples of a parameter are its largest-gradient entry and random others
among the entries that matter: those whose analytic gradient is at least
:data:`SIGNIFICANT` times the parameter's largest and above the resolution of
finite differences at this loss (:func:`fd_resolution`).  Rounding noise in a
central difference is about ``u |L| / eps`` in absolute terms, so on a tiny
entry the relative error measures that noise, not the gradient; a bug that
changes the gradient shows on the large entries too.  If no entry passes (an
all-zero gradient, say), samples are drawn from all entries and the numerical
side decides.  A parameter whose sampled analytic and numerical gradients are
all below the resolution is graded ``"unresolved"`` rather than passed or
failed.  Sampling uses ``numpy.random.default_rng(seed)``, never the global
torch generator.

With float64 and the default ``eps = 1e-6`` small and mean-loss networks grade
"good"; a summed loss in the millions (the lesson's sizes) loses about
``log10(|L|)`` digits to rounding and typically grades "acceptable"
(1e-7 to 1e-6); a larger ``eps`` such as 1e-4 gives "good" there.

For the NumPy style the hand-written gradient of every parameter is also
compared, in full, with autograd's gradient of an independent torch float64
formulation of the same network (:func:`torch_reference_loss`); the report
gives the largest relative difference (``max |hand - autograd|`` over the
larger of the two tensors' ``max |.|``).

Run the check while the runner is not stepping (between batches, or with the
worker paused): it reads the weights without a lock.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np
import torch

from .models import TORCH_ACTIVATIONS, ModelRunner, NumpyRunner, Runner, TensorsRunner

#: Grades, best first.  "unresolved": the gradient is below finite-difference resolution.
GRADES = ("good", "acceptable", "suspicious", "wrong", "unresolved")
#: Relative error below which a float64 check is "good"; above WRONG it is "wrong".
GOOD = 1e-7
ACCEPTABLE = 1e-4
WRONG = 1e-2
#: Denominator floor of the relative error (both gradients exactly zero gives 0).
TINY = 1e-300
#: Multiple of the estimated rounding noise of a central difference below which an
#: entry's gradient is too small to check.
RESOLUTION_FACTOR = 1e3
#: Entries sampled: those with |gradient| at least this fraction of the largest.
SIGNIFICANT = 1e-2


def grade(rel_error: float) -> str:
    """Grade a relative error: < 1e-7 good, < 1e-4 acceptable, <= 1e-2 suspicious, else wrong.

    Between 1e-7 and 1e-4 is usual where the loss has kinks (ReLU) or is large;
    between 1e-4 and 1e-2 deserves a look; above 1e-2 the gradient is wrong.
    NaN grades as wrong.
    """
    if not rel_error < math.inf or math.isnan(rel_error):
        return "wrong"
    if rel_error < GOOD:
        return "good"
    if rel_error < ACCEPTABLE:
        return "acceptable"
    if rel_error <= WRONG:
        return "suspicious"
    return "wrong"


def worst_grade(grades: list[str] | tuple[str, ...]) -> str:
    """The worst of ``grades`` ("wrong" beats "unresolved", which beats the rest)."""
    order = {"good": 0, "acceptable": 1, "suspicious": 2, "unresolved": 3, "wrong": 4}
    return max(grades, key=order.__getitem__, default="good")


def fd_resolution(loss: float, eps: float) -> float:
    """Smallest gradient a central difference with step ``eps`` resolves at this loss.

    Rounding in the two loss evaluations is about ``u * |loss|`` each (u: float64
    unit roundoff); divided by ``2 eps`` it is the noise floor of the estimate.
    """
    return RESOLUTION_FACTOR * np.finfo(np.float64).eps * max(abs(loss), TINY) / eps


@dataclass(frozen=True)
class ParamCheck:
    """The check of one parameter tensor."""

    name: str
    shape: tuple[int, ...]
    #: max over samples of |a - n| / max(|a| + |n|, tiny); NaN when unresolved.
    rel_error: float
    grade: str
    #: Flat indices checked, with the analytic and numerical gradient at each.
    indices: tuple[int, ...]
    analytic: tuple[float, ...]
    numeric: tuple[float, ...]
    #: NumPy style only: max |hand - autograd| / max(max|hand|, max|autograd|).
    autograd_rel_diff: float | None = None

    @property
    def worst_index(self) -> int | None:
        """Flat index of the sample with the largest relative error."""
        if not self.indices:
            return None
        errs = [_rel(a, n) for a, n in zip(self.analytic, self.numeric, strict=True)]
        return self.indices[int(np.argmax(errs))]


@dataclass(frozen=True)
class GradCheckReport:
    """Result of :func:`gradient_check`: one :class:`ParamCheck` per parameter."""

    style: str
    loss: float  # the configured loss at the checked weights, in float64
    eps: float
    params: tuple[ParamCheck, ...]
    #: NumPy style only: the largest hand-written vs autograd relative difference.
    autograd_max_rel_diff: float | None = None

    @property
    def max_rel_error(self) -> float:
        errs = [p.rel_error for p in self.params if not math.isnan(p.rel_error)]
        return max(errs, default=0.0)

    @property
    def grade(self) -> str:
        """The worst grade over the parameters."""
        return worst_grade([p.grade for p in self.params])

    @property
    def passed(self) -> bool:
        """True when no parameter is suspicious, wrong or unresolved."""
        return self.grade in ("good", "acceptable")

    def by_name(self) -> dict[str, ParamCheck]:
        return {p.name: p for p in self.params}


def _rel(a: float, n: float) -> float:
    return abs(a - n) / max(abs(a) + abs(n), TINY)


def _f64(t: torch.Tensor | np.ndarray) -> torch.Tensor:
    return torch.as_tensor(t).detach().to("cpu", torch.float64).clone()


def _f64_target(y: torch.Tensor | np.ndarray) -> torch.Tensor | np.ndarray:
    """Targets as float64, but class indices (a classification's) kept as they are."""
    if isinstance(y, np.ndarray):
        return y.astype(np.float64, copy=True) if y.dtype.kind == "f" else y.copy()
    return _f64(y) if y.is_floating_point() else y.detach().to("cpu").clone()


def float64_twin(runner: Runner) -> Runner:
    """A CPU float64 copy of ``runner`` that shares nothing mutable with it.

    The copy keeps the runner's class, so its own ``forward_backward`` /
    ``forward`` / ``backward`` are used; it has no optimizer and no gradients.
    """
    twin = copy.copy(runner)
    twin.device = "cpu"
    if isinstance(runner, NumpyRunner):
        twin.x = runner.x.astype(np.float64, copy=True)
        twin.y = _f64_target(runner.y)
        twin.params = {n: np.array(w, dtype=np.float64, copy=True) for n, w in runner.params.items()}
        twin.grads = {}
        return twin
    if isinstance(runner, TensorsRunner):
        twin.x, twin.y = _f64(runner.x), _f64_target(runner.y)
        for name in ("w1", "w2", "b1", "b2"):
            p = getattr(runner, name)
            setattr(twin, name, None if p is None else _f64(p).requires_grad_())
    elif isinstance(runner, ModelRunner):
        twin.x, twin.y = _f64(runner.x), _f64_target(runner.y)
        model = copy.deepcopy(runner.model).to("cpu", torch.float64)
        for p in model.parameters():
            p.grad = None
        twin.model = model
        twin._named = list(model.named_parameters())
    else:
        raise TypeError(f"no gradient check for {type(runner).__name__}")
    twin.optimizer = None
    return twin


def _loss_at(twin: Runner) -> float:
    """The twin's configured loss at its current weights (its own forward pass)."""
    if isinstance(twin, NumpyRunner):
        with np.errstate(over="ignore", invalid="ignore"):
            return float(twin.forward(twin.params)[0])
    with torch.enable_grad():
        for _, p in twin.named_params():
            p.grad = None
        return float(twin.forward_backward())


def _analytic(twin: Runner) -> tuple[float, dict[str, np.ndarray]]:
    """Loss and the style's own gradient of every parameter, as float64 arrays."""
    if isinstance(twin, NumpyRunner):
        with np.errstate(over="ignore", invalid="ignore"):
            loss, cache = twin.forward(twin.params)
            grads = twin.backward(twin.params, cache)
        return float(loss), {n: np.asarray(grads[n], dtype=np.float64).copy() for n in twin.params}
    loss = _loss_at(twin)
    out = {}
    for name, g in twin.named_grads():
        p = dict(twin.named_params())[name]
        out[name] = np.zeros(tuple(p.shape)) if g is None else g.detach().numpy().copy()
    return loss, out


def torch_reference_loss(
    params: dict[str, torch.Tensor],
    x: torch.Tensor,
    y: torch.Tensor,
    activation: str,
    loss: str,
) -> torch.Tensor:
    """The two-layer network's loss written once more in torch, for autograd.

    ``params`` holds w1 (D_in x H), w2 (H x D_out) and optionally b1, b2.
    """
    h = x.mm(params["w1"])
    if "b1" in params:
        h = h + params["b1"]
    act = TORCH_ACTIVATIONS.get(activation)
    if act is not None:
        h = act(h)
    y_pred = h.mm(params["w2"])
    if "b2" in params:
        y_pred = y_pred + params["b2"]
    if loss == "cross-entropy":  # a classification data set: y holds class indices
        return torch.nn.functional.cross_entropy(y_pred, y)
    sq = (y_pred - y).pow(2)
    return sq.mean() if loss == "mean" else sq.sum()


def _autograd_grads(twin: NumpyRunner) -> dict[str, np.ndarray]:
    params = {n: torch.from_numpy(w.copy()).requires_grad_() for n, w in twin.params.items()}
    x, y = torch.from_numpy(twin.x), torch.from_numpy(twin.y)
    with torch.enable_grad():
        value = torch_reference_loss(params, x, y, twin.cfg.activation, twin.cfg.loss)
        grads = torch.autograd.grad(value, list(params.values()))
    return {n: g.numpy() for n, g in zip(params, grads, strict=True)}


def _max_rel_diff(a: np.ndarray, b: np.ndarray) -> float:
    if a.shape != b.shape:
        return math.inf
    scale = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)), TINY)
    return float(np.max(np.abs(a - b), initial=0.0)) / scale


def _sample_indices(
    analytic: np.ndarray, numeric_floor: float, count: int, rng: np.random.Generator
) -> np.ndarray:
    """The largest-gradient entry and up to ``count - 1`` random significant entries.

    Significant: ``|a| >= max(numeric_floor, SIGNIFICANT * max|a|)``, or not finite.
    If no entry is, entries are drawn from all of them (the numerical side then
    decides whether the parameter is resolvable).
    """
    flat = np.abs(analytic.reshape(-1))
    if flat.size == 0 or count <= 0:
        return np.empty(0, dtype=np.int64)
    finite = flat[np.isfinite(flat)]
    cut = max(numeric_floor, SIGNIFICANT * float(finite.max()) if finite.size else 0.0)
    with np.errstate(invalid="ignore"):
        candidates = np.flatnonzero(~(flat < cut))  # NaN/inf entries are candidates
    if candidates.size == 0:
        candidates = np.arange(flat.size)
    top = int(np.nanargmax(flat)) if np.isfinite(flat).any() else int(candidates[0])
    rest = candidates[candidates != top]
    extra = rng.choice(rest, size=min(count - 1, rest.size), replace=False) if rest.size else rest
    return np.concatenate([[top], np.sort(extra)]).astype(np.int64)


def _check_param(
    twin: Runner,
    name: str,
    p: torch.Tensor,
    a_full: np.ndarray,
    floor: float,
    eps: float,
    samples: int,
    rng: np.random.Generator,
    reference: dict[str, np.ndarray] | None,
) -> ParamCheck:
    shape = tuple(p.shape)
    diff = None if reference is None else _max_rel_diff(a_full, reference[name])
    if a_full.shape != shape:  # a hand-written backward returned the wrong shape
        return ParamCheck(name, shape, math.inf, "wrong", (), (), (), diff)
    idx = _sample_indices(a_full, floor, samples, rng)
    flat_p = p.detach().view(-1)  # numpy style: a view of the twin's own array
    flat_a = a_full.reshape(-1)
    a_vals, n_vals = [], []
    for i in idx.tolist():
        orig = float(flat_p[i])
        with torch.no_grad():
            flat_p[i] = orig + eps
            plus = _loss_at(twin)
            flat_p[i] = orig - eps
            minus = _loss_at(twin)
            flat_p[i] = orig
        a_vals.append(float(flat_a[i]))
        n_vals.append((plus - minus) / (2 * eps))
    errs = [
        _rel(a, n) if math.isfinite(a + n) else math.inf
        for a, n in zip(a_vals, n_vals, strict=True)
        if not max(abs(a), abs(n)) < floor  # resolvable (NaN/inf included)
    ]
    if errs:
        rel = max(errs)
        verdict = grade(rel)
    elif idx.size:
        rel, verdict = math.nan, "unresolved"
    else:
        rel, verdict = 0.0, "good"  # an empty tensor has nothing to get wrong
    return ParamCheck(
        name=name,
        shape=shape,
        rel_error=rel,
        grade=verdict,
        indices=tuple(idx.tolist()),
        analytic=tuple(a_vals),
        numeric=tuple(n_vals),
        autograd_rel_diff=diff,
    )


def gradient_check(
    runner: Runner, samples_per_param: int = 6, eps: float = 1e-6, seed: int = 0
) -> GradCheckReport:
    """Check the runner's gradient at its current weights (see the module docstring).

    Raises :class:`ValueError` when the loss is not finite at those weights (a
    diverged run) and :class:`TypeError` for a runner of an unknown kind.
    """
    if not (eps > 0 and math.isfinite(eps)):
        raise ValueError(f"eps must be a finite number > 0, got {eps!r}")
    rng = np.random.default_rng(seed)
    twin = float64_twin(runner)
    loss, analytic = _analytic(twin)
    if not math.isfinite(loss):
        raise ValueError(
            f"the loss is {loss} at the current weights, so gradients cannot be checked; "
            "restart the run (with a smaller learning rate) first"
        )
    floor = fd_resolution(loss, eps)
    reference = _autograd_grads(twin) if isinstance(twin, NumpyRunner) else None
    checks = [
        _check_param(twin, name, p, analytic[name], floor, eps, samples_per_param, rng, reference)
        for name, p in twin.named_params()
    ]
    max_diff = None
    if reference is not None:
        max_diff = max((c.autograd_rel_diff or 0.0 for c in checks), default=0.0)
    style = getattr(getattr(runner, "cfg", None), "style", type(runner).__name__)
    return GradCheckReport(style=style, loss=loss, eps=eps, params=tuple(checks), autograd_max_rel_diff=max_diff)
