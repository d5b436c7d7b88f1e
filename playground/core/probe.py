"""How long one training step of a configuration will take here, before it runs.

A student who types N=65536, H=8192 should hear that each step takes half a
minute *before* the window sits there silently.  The estimate counts the work
of one step as the window's loop does it and prices it with this machine's
speeds, measured once per process (per style kind, device, dtype and thread
count) by a probe of a few milliseconds:

* multiply-adds of the five matrix products (two forward, three backward), at
  the speed of a 256-cube product on the run's device, dtype and threads;
* their large operands once more: a product with a short side (D_out=10, say)
  spends its time moving its big operand, not multiplying (measured here: 0.6 to
  2.5 ns an element, where a 256-cube multiplies at 0.02 ns a multiply-add);
* element-wise passes (activation, bias, loss, the optimizer's update), at the
  speed of an element-wise product over more memory than the caches hold;
* first touches of freshly allocated large tensors: every step allocates its
  activations and gradients anew, and memory blocks above 32 MiB come fresh from
  the kernel, page by page (2.5 us a page on this virtual machine: as much as
  the arithmetic on N x H for a short side);
* the loop's own work per parameter at every slow step (the snapshot kept for
  a divergence replay and the inspector's statistics and histograms), timed on
  a parameter of 8 K elements.

It is meant to be right within a factor of about three where a step takes a
second or more; at the lesson's sizes a step is mostly interpreter time, which
the count leaves out and the warning never needs.
"""

from __future__ import annotations

import logging
import math
import mmap
import time
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .config import ConfigError, TrainConfig, check_device

log = logging.getLogger(__name__)

#: Seconds a step above which the window asks before it starts a run.
SLOW_STEP_S = 1.0
#: Slower than any machine the app meets: multiply-adds and element passes a second of one
#: slow core (this 2-core machine does 2.5e10 and 1e9 on one).  A step that would take under
#: SLOW_STEP_S even at these speeds cannot be slow, and needs no probe (nor torch: the
#: window's process asks for a probe only when the sizes are large).
SLOWEST_MULTIPLY_ADDS_PER_S = 1e9
SLOWEST_ELEMENT_PASSES_PER_S = 5e7
#: Side of the probe's square product per device kind: 16.7 million multiply-adds on a CPU,
#: under a millisecond on one core; on a GPU a small product would time the launch.
PROBE_SIDE = {"cpu": 256, "gpu": 2048}
#: Fresh pages the probe touches (4 MiB): their first touch is timed, then the same memory,
#: already mapped, serves the element-wise probe, two halves larger than a core's L2 cache.
PROBE_PAGES = 1024
PAGE_BYTES = 4096
#: Elements of the element-wise probe on a GPU (its allocator has no first touch to time).
GPU_STREAM_ELEMENTS = 1 << 26
#: Parameter sizes the loop's bookkeeping is timed on: the difference is its cost per element.
#: Its largest blocks (float64 and int64 copies) stay under glibc's first mmap threshold,
#: 128 KiB, so that fresh pages, counted apart, do not creep into this measurement.
LOOP_PROBE_ELEMENTS = (1 << 7, 1 << 13)
#: Element passes the bookkeeping makes at the least (four copies, norms, two histograms).
LOOP_MIN_PASSES = 40
#: Timed calls of one probe operation at most, and the seconds after which it stops repeating.
PROBE_MAX_REPEATS = 12
PROBE_BUDGET_S = 0.004
#: An element-wise pass over a tensor larger than the last-level cache, as a slow
#: configuration's are, runs this many times slower than the probe's in-cache pass
#: (measured here: 0.1 ns an element over 4 MiB, 0.25 to 0.38 ns over 256 MiB).
MEMORY_SLOWDOWN = 3.0
#: glibc returns freed blocks up to this size to its own heap and reuses them; larger ones
#: are mapped fresh from the kernel at every allocation (its largest mmap threshold).
FRESH_BYTES = 32 << 20
#: A product's large operand costs about as much as this many element-wise passes over it
#: (0.6 to 2.5 ns an element measured here for each of the five products' shapes).
THIN_PRODUCT_PASSES = 4
#: Element-wise passes over the parameters in a step: the gradient accumulated into ``.grad``
#: and the update (Adam reads and writes two buffers besides the weight and gradient).
OPTIMIZER_PASSES = {"sgd-manual": 6, "sgd": 5, "momentum": 8, "adam": 14, "adamw": 16,
                    "rmsprop": 11, "adagrad": 9}
#: Fresh parameter-sized tensors a step allocates: the gradient, the update's temporaries.
OPTIMIZER_FRESH = {"sgd-manual": 2, "sgd": 2, "momentum": 2, "adam": 4, "adamw": 4,
                   "rmsprop": 3, "adagrad": 3}
#: ... and the loop's bookkeeping, in elements of the parameter's dtype: four copies (the
#: snapshot, the statistics' before and gradient) and the statistics' temporaries (float64
#: and int64 copies for two histograms and three norms): about 130 bytes a float32 element,
#: and 120 ns a parameter of 100 million measured here beyond its cost at 1 million.
LOOP_FRESH = 40
#: The loop takes the inspector's statistics at most this often (``Trainer.batches``' default),
#: so a step faster than this pays for them only at some steps.
STATS_SECONDS = 0.3


class Rates(NamedTuple):
    """This machine's speeds for one (style kind, device, dtype, threads), in seconds each."""

    multiply_add: float
    element_pass: float
    fresh_element: float
    loop_per_param: float


class StepWork(NamedTuple):
    """What one training step does, in the units :class:`Rates` prices (element passes at
    in-cache speed, fresh elements in the run's dtype)."""

    multiply_adds: float
    element_passes: float
    fresh_elements: float
    #: Parameters the loop's bookkeeping goes through, weighted by where they live.
    loop_params: float
    #: Fresh elements the loop's bookkeeping allocates at a step that takes statistics.
    loop_fresh_elements: float


_RATES: dict[tuple[str, str, str, int], Rates] = {}


def _products(cfg: TrainConfig) -> list[tuple[int, int, int]]:
    """The (rows, inner, columns) of the matrix products of one step.

    Forward: ``x @ w1`` and ``h @ w2``.  Backward: the gradients of w2 (``h.T @ g_y``) and of
    h (``g_y @ w2.T``), and of w1 (``x.T @ g_h``); x needs no gradient, so the backward pass
    costs about as much as the forward one.
    """
    n, d_in, h, d_out = cfg.N, cfg.D_in, cfg.H, cfg.D_out
    return [(n, d_in, h), (n, h, d_out), (h, n, d_out), (n, d_out, h), (d_in, n, h)]


def step_work(cfg: TrainConfig) -> StepWork:
    """The work of one training step of ``cfg`` as the window's loop runs it."""
    n, d_in, h, d_out = cfg.N, cfg.D_in, cfg.H, cfg.D_out
    itemsize = 8 if cfg.dtype == "float64" else 4
    macs = passes = 0.0
    for rows, inner, cols in _products(cfg):
        macs += rows * inner * cols
        passes += THIN_PRODUCT_PASSES * rows * inner * cols / min(rows, inner, cols)

    def fresh(elements: int, count: float) -> float:
        return elements * count if elements * itemsize > FRESH_BYTES else 0.0

    act, bias, numpy_style = cfg.activation != "none", cfg.bias, cfg.style == "numpy"
    # Element-wise work on the hidden activations (N x H), the largest operand: an activation
    # reads and writes them forward and backward, a bias adds a pass each way, and the NumPy
    # style multiplies the gradient by the activation's derivative even when there is none.
    passes += n * h * ((5 if act else 0) + (3 if bias else 0) + (4 if numpy_style else 0))
    passes += n * d_out * 10  # prediction minus target, square, sum, and their gradients
    fresh_hidden = (4 if numpy_style else 2) + (2 if act else 0) + (1 if bias else 0)
    step_fresh = fresh(n * h, fresh_hidden) + fresh(n * d_out, 6)
    loop_fresh = loop_params = 0.0
    weights = [d_in * h, h * d_out] + ([h, d_out] if bias else [])
    for size in weights:
        passes += size * OPTIMIZER_PASSES.get(cfg.optimizer, 14)
        step_fresh += fresh(size, OPTIMIZER_FRESH.get(cfg.optimizer, 4))
        # Its float64 copies are the largest blocks it allocates: twice a float32 parameter.
        loop_fresh += fresh(size * 8 // itemsize, LOOP_FRESH * itemsize / 8)
        # The bookkeeping is timed in the cache; a parameter larger than that streams from memory.
        loop_params += size * (MEMORY_SLOWDOWN if size * itemsize > PROBE_PAGES * PAGE_BYTES else 1.0)
    return StepWork(float(macs), float(passes), float(step_fresh), loop_params, float(loop_fresh))


def step_seconds_estimate(cfg: TrainConfig) -> float:
    """About how many seconds one training step of ``cfg`` takes on this machine."""
    work = step_work(cfg)
    rates = machine_rates(cfg)
    step = (work.multiply_adds * rates.multiply_add
            + work.element_passes * rates.element_pass * MEMORY_SLOWDOWN
            + work.fresh_elements * rates.fresh_element)
    loop = work.loop_params * rates.loop_per_param + work.loop_fresh_elements * rates.fresh_element
    # A step that with its statistics takes longer than the interval between them takes them
    # every time; a faster one only at every few steps.
    return step + (loop if step + loop >= STATS_SECONDS else loop * step / STATS_SECONDS)


def machine_rates(cfg: TrainConfig) -> Rates:
    """The measured speeds for ``cfg``'s style kind, device, dtype and threads (probed once)."""
    kind = "numpy" if cfg.style == "numpy" else "torch"
    device = check_device(cfg)  # ConfigError for a device this machine lacks: nothing to probe
    key = (kind, device, cfg.dtype, cfg.threads)
    if key not in _RATES:
        _RATES[key] = _measure_rates(kind, device, cfg.dtype, cfg.threads)
    return _RATES[key]


def _best_time(run: Callable[[], object], sync: Callable[[], object]) -> float:
    """The shortest of several timed calls of ``run``, after one untimed warm-up.

    Calls are repeated while they are cheap: on a busy machine a call now and then waits for
    a core, and the more calls, the likelier one of them ran undisturbed; a call that takes
    longer than the budget is timed once.
    """
    run()
    sync()
    best = math.inf
    started = time.perf_counter()
    for _ in range(PROBE_MAX_REPEATS):
        t0 = time.perf_counter()
        run()
        sync()
        best = min(best, time.perf_counter() - t0)
        if time.perf_counter() - started > PROBE_BUDGET_S:
            break
    return max(best, 1e-12)


def _fresh_memory(dtype: str, pages: int = PROBE_PAGES) -> tuple[float, np.ndarray]:
    """(seconds to touch one fresh element of ``dtype``, the touched memory as an array).

    The kernel maps and zeroes a page at its first touch.  The pages are touched once each
    in runs of a sixteenth of them, and the fastest run counts: another process taking the
    core slows some runs several times over.
    """
    block = mmap.mmap(-1, pages * PAGE_BYTES)
    touched = np.frombuffer(block, dtype=np.uint8)
    run_pages = max(1, pages // 16)
    best = math.inf
    for start in range(0, pages * PAGE_BYTES, run_pages * PAGE_BYTES):
        t0 = time.perf_counter()
        touched[start:start + run_pages * PAGE_BYTES:PAGE_BYTES] = 1
        best = min(best, time.perf_counter() - t0)
    itemsize = np.dtype(dtype).itemsize
    # The array keeps the mapping alive; it is unmapped once the last view of it goes.
    return best / run_pages * itemsize / PAGE_BYTES, touched.view(dtype)


def _measure_rates(kind: str, device: str, dtype: str, threads: int) -> Rates:
    """Time the probe's operations as a run of this kind does them."""
    import torch

    sync = _synchronizer(device)
    gpu = device != "cpu"
    # A GPU's caching allocator reuses its blocks: no fresh pages there.
    fresh, memory = _fresh_memory(dtype) if not gpu else (0.0, np.empty(0, dtype))
    # A CPU's speed depends on the threads the run will use.  The count is only changed when
    # it differs: the run before set it to its own, most often the same.
    previous = torch.get_num_threads()
    if threads != previous:
        torch.set_num_threads(threads)
    try:
        multiply_add, element = _time_arithmetic(kind, device, dtype, memory, sync)
        del memory  # unmaps the probe's pages
        small, large = LOOP_PROBE_ELEMENTS
        loop = [_best_time(_bookkeeping(size, dtype, device), sync) for size in (small, large)]
    finally:
        if torch.get_num_threads() != previous:
            torch.set_num_threads(previous)
    if not gpu:
        # Once more a few milliseconds later: a burst of another process's work can slow
        # every page of the first try (seen here at four times the usual cost).
        fresh = min(fresh, _fresh_memory(dtype, PROBE_PAGES // 4)[0])
    # Noise can make the small parameter's time look as long as the large one's; the
    # bookkeeping still reads and writes every element some LOOP_MIN_PASSES times.
    loop_per_param = max((loop[1] - loop[0]) / (large - small), LOOP_MIN_PASSES * element)
    return Rates(multiply_add, element, fresh, loop_per_param)


def _synchronizer(device: str) -> Callable[[], object]:
    """What waits for the device's queued work (a GPU runs asynchronously)."""
    import torch

    if device == "cuda":
        return torch.cuda.synchronize
    if device == "mps":
        return torch.mps.synchronize
    return lambda: None  # the CPU computes synchronously


def _time_arithmetic(kind: str, device: str, dtype: str, memory: np.ndarray,
                     sync: Callable[[], object]) -> tuple[float, float]:
    """(seconds a multiply-add, seconds an element-wise element) of a square product and of an
    element-wise product over ``memory`` (on a GPU, over fresh device memory)."""
    import torch

    from .models import TORCH_DTYPES

    side = PROBE_SIDE["cpu" if device == "cpu" else "gpu"]
    half = len(memory) // 2
    if kind == "numpy":
        # NumPy's BLAS keeps its own thread count, which the run does not change either.
        a, b, c = np.ones((side, side), dtype), np.ones((side, side), dtype), np.empty((side, side), dtype)
        u, v = memory[:half], memory[half:2 * half]
        product = _best_time(lambda: np.matmul(a, b, out=c), sync)
        # Its BLAS splits even this small product over two threads, and while another process
        # holds the other core every call waits for its second thread (16 ms, seen here), a
        # wait a slow configuration's large products hardly notice.  A product slower than
        # torch's on the run's threads is such a wait, not the arithmetic.
        ta, tb, tc = torch.from_numpy(a), torch.from_numpy(b), torch.from_numpy(c)
        product = min(product, _best_time(lambda: torch.mm(ta, tb, out=tc), sync))
        element = _best_time(lambda: np.multiply(u, 0.5, out=v), sync)
        return product / side**3, element / half
    torch_dtype = TORCH_DTYPES[dtype]
    a = torch.ones((side, side), dtype=torch_dtype, device=device)
    b, c = torch.ones_like(a), torch.empty_like(a)
    if device == "cpu":
        stream = half
        x, y = torch.from_numpy(memory[:half]), torch.from_numpy(memory[half:2 * half])
    else:
        stream = GPU_STREAM_ELEMENTS
        x = torch.ones(stream, dtype=torch_dtype, device=device)
        y = torch.empty_like(x)
    product = _best_time(lambda: torch.mm(a, b, out=c), sync)
    element = _best_time(lambda: torch.mul(x, 0.5, out=y), sync)
    return product / side**3, element / stream


def _bookkeeping(size: int, dtype: str, device: str) -> Callable[[], None]:
    """The loop's work on one parameter at a step that takes statistics (see ``Trainer``)."""
    import torch

    from .gradstats import param_stats
    from .models import TORCH_DTYPES

    w = torch.ones((size // 128, 128), dtype=TORCH_DTYPES[dtype], device=device)
    g = torch.full_like(w, 0.5)

    def run() -> None:
        kept = [w.clone(), g.clone(), w.clone(), g.clone()]  # snapshot, statistics' before
        param_stats("w", kept[0], kept[1], w)
        torch.linalg.vector_norm(g)

    return run


def seconds_text(seconds: float) -> str:
    """A step time as the warning says it: two figures at most (0.42, 3.1, 26, 1,300)."""
    if seconds < 10:
        return f"{seconds:.2g}"
    return f"{float(f'{seconds:.2g}'):,.0f}"


def duration_text(seconds: float) -> str:
    """A whole run's time, rounded as a person would say it: 40 s, 12 min, 3.6 h."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    hours = seconds / 3600
    return f"{hours:.1f} h" if hours < 10 else f"{hours:,.0f} h"


def slow_step_seconds(cfg: TrainConfig) -> float | None:
    """The estimated seconds a step of ``cfg`` when over :data:`SLOW_STEP_S`, else None.

    None too when the estimate cannot be had (a device this machine lacks: the run's
    start says so; any other failure is logged): a probe must never keep a run from
    starting.
    """
    work = step_work(cfg)
    worst = (work.multiply_adds / SLOWEST_MULTIPLY_ADDS_PER_S
             + (work.element_passes + work.fresh_elements + work.loop_params + work.loop_fresh_elements)
             / SLOWEST_ELEMENT_PASSES_PER_S)
    if worst <= SLOW_STEP_S:
        return None
    try:
        seconds = step_seconds_estimate(cfg)
    except ConfigError:
        return None
    except Exception:  # noqa: BLE001 - see above
        log.exception("could not estimate the step time")
        return None
    return seconds if seconds > SLOW_STEP_S else None
