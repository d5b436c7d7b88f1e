"""The loss history and the plot stay small and exact at any length (no timings: see ``bench``)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.core.config import TrainConfig
from playground.core.history import ENVELOPE_BLOCK, LossHistory

VALUES = st.one_of(
    st.floats(min_value=1e-30, max_value=1e30, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, float("nan"), float("inf")]),
)


def filled(values: np.ndarray, chunks: list[int]) -> LossHistory:
    h = LossHistory()
    i = 0
    for k in chunks + [len(values)]:
        k = max(1, k)
        h.append(np.arange(i, min(len(values), i + k)), values[i : i + k])
        i += k
        if i >= len(values):
            break
    return h


def check_envelope(raw: np.ndarray, x: np.ndarray, y: np.ndarray, start: int, stop: int) -> None:
    """Each raw value lies within the min..max drawn for its block; every drawn value is a raw one."""
    assert x[0] == start and x[-1] == stop - 1
    assert np.all(np.diff(x) >= 0)
    seg = raw[start:stop]
    starts, first = np.unique(x, return_index=True)
    seg_lo = np.fmin.reduceat(seg, (starts - start).astype(np.intp))
    seg_hi = np.fmax.reduceat(seg, (starts - start).astype(np.intp))
    drawn_lo, drawn_hi = np.fmin.reduceat(y, first), np.fmax.reduceat(y, first)
    assert np.all(np.isnan(seg_lo) | ((seg_lo >= drawn_lo) & (seg_hi <= drawn_hi)))
    finite = y[~np.isnan(y)]
    assert np.all(np.isin(finite, seg))


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 20_000),
    seed=st.integers(0, 2**32 - 1),
    specials=st.lists(st.tuples(st.integers(0, 19_999), VALUES), max_size=6),
    chunks=st.lists(st.integers(1, 3000), max_size=8),
    a=st.floats(0, 1),
    b=st.floats(0, 1),
    buckets=st.integers(1, 900),
)
def test_decimated_keeps_every_peak(n, seed, specials, chunks, a, b, buckets):
    rng = np.random.default_rng(seed)
    raw = rng.lognormal(0, 3, n)
    for i, v in specials:
        raw[i % n] = v
    h = filled(raw, chunks)
    np.testing.assert_array_equal(h.losses, raw)
    start, stop = sorted((int(a * n), int(b * n)))
    stop = max(stop, start + 1)
    stop = min(stop, n)
    if start >= stop:
        return
    x, y = h.decimated(start, stop, buckets)
    if stop - start < 2 * buckets:
        np.testing.assert_array_equal(x, np.arange(start, stop))
        np.testing.assert_array_equal(y, raw[start:stop])
    else:
        assert len(x) <= 4 * buckets + 8
        check_envelope(raw, x, y, start, stop)


def test_long_history_uses_envelope_levels_and_little_memory():
    n = 3_000_000
    raw = np.exp(-np.linspace(0, 20, n)) * (1 + 0.01 * np.sin(np.arange(n)))
    raw[1_234_567] = 1e9  # one spike: it must survive any zoom-out
    h = filled(raw, [100_000] * 40)
    assert h.nbytes() / len(h) <= 16
    for start, stop, buckets in [(0, n, 1000), (0, n, 300), (1_000_000, 1_500_000, 800)]:
        x, y = h.decimated(start, stop, buckets)
        assert len(x) <= 4 * buckets + 8
        assert np.nanmax(y) == 1e9
        check_envelope(raw, x, y, start, stop)
    assert ENVELOPE_BLOCK * 4 <= n


@pytest.mark.parametrize("n", [1_000, 100_000, 1_000_000])
def test_memory_per_recorded_step_is_at_most_16_bytes(n):
    h = filled(np.ones(n), [4096] * (n // 4096 + 1))
    assert h.nbytes() / n <= 16


def test_plot_draws_a_bounded_number_of_points_for_a_long_run(qtbot):
    """A million-step run reaches pyqtgraph as a few thousand points, downsampling and clipping on."""
    from playground.gui.loss_plot import LossPlot

    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(900, 500)
    plot.show()
    qtbot.waitExposed(plot)
    run = plot.begin_run(TrainConfig())
    n = 1_000_000
    losses = 1e4 * 10 ** (-np.linspace(0, 12, n))
    for i in range(0, n, 250_000):
        plot.append(np.arange(i, i + 250_000), losses[i : i + 250_000])
    plot.redraw()
    drawing = plot.drawing(run)
    x, y = drawing.curve.getOriginalDataset()
    assert 1000 <= len(x) <= 8 * 1000 + 8
    assert x[0] == 0 and x[-1] == n - 1
    assert np.isclose(float(np.nanmax(y)), 4.0) and np.isclose(float(np.nanmin(y)), -8.0)
    # pyqtgraph's own downsampling and clipping survive PlotItem.addItem
    assert drawing.curve.opts["autoDownsample"] and drawing.curve.opts["clipToView"]
    # while following, the axes move only when the data leave the view
    vb = plot.plot_item.getViewBox()
    (x0, x1), (y0, y1) = vb.viewRange()
    assert x0 <= 0 and x1 >= n - 1 and y0 <= -8.0 and y1 >= 4.0
    plot.append(np.arange(n, n + 100), losses[-100:])
    plot.redraw()
    assert vb.viewRange() == [[x0, x1], [y0, y1]]
    # zoomed in by hand (as a mouse zoom does: set the range, say so): full resolution in view
    vb.setXRange(500_000, 500_400, padding=0)
    vb.sigRangeChangedManually.emit([True, True])
    plot.redraw()
    assert not plot.follow
    x, y = drawing.curve.getOriginalDataset()
    inside = (x >= 500_000) & (x <= 500_400)
    np.testing.assert_array_equal(x[inside], np.arange(500_000, 500_401))
    np.testing.assert_allclose(y[inside], np.log10(losses[500_000:500_401]).astype(np.float32))
    # "View all" follows the data again
    vb.enableAutoRange()
    plot.redraw()
    assert plot.follow
    x, _ = drawing.curve.getOriginalDataset()
    assert x[0] == 0 and x[-1] == n + 99 and len(x) <= 8 * 1000 + 8
    # smoothing on a long run stays a bounded curve too
    plot.set_smoothing(0.05)
    sx, _ = drawing.smooth_curve.getOriginalDataset()
    assert len(sx) <= 3 * 8 * 1000 + 8


def test_plot_redraws_less_often_when_its_paints_cost_more(qtbot):
    """The redraw timer leaves frame / PAINT_BUDGET between frames, every paint since the last counted."""
    from playground.gui import loss_plot

    plot = loss_plot.LossPlot()
    qtbot.addWidget(plot)
    plot.begin_run(TrainConfig())
    plot.append(np.arange(10), np.linspace(10.0, 1.0, 10))
    plot.redraw()
    paced = min(10 / loss_plot.PAINT_BUDGET, loss_plot.MAX_REDRAW_INTERVAL_MS)  # after 10 ms of paints
    assert plot.timer.interval() < paced - 50  # a cheap frame: (about) the fastest rate
    plot.plot_widget.paint_s += 0.010  # two 5 ms paints since that frame
    plot.append(np.arange(10, 20), np.linspace(1.0, 0.1, 10))
    plot.redraw()
    assert plot.timer.interval() >= paced - 5
    plot.append(np.arange(20, 30), np.linspace(0.1, 0.01, 10))
    plot.redraw()  # no paint since: back to (about) the fastest rate
    assert plot.timer.interval() < paced - 50
