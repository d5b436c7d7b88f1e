"""The Network panel: the units and weights it draws come from the run's statistics, sampled right."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch
from PySide6.QtWidgets import QWidget

from playground.core import gradstats
from playground.core.config import TrainConfig
from playground.core.gradstats import StepStats, param_stats
from playground.gui.controller import FINISHED
from playground.gui.network_diagram import (
    MAX_UNITS,
    MAX_WIDTH,
    MIN_WIDTH,
    NetworkDiagram,
    diagram_data,
    preview_index,
    shown_caption,
)


def stats_of(named: list[tuple[str, torch.Tensor, torch.Tensor]], step: int = 7) -> StepStats:
    return StepStats(step, 1e-6, tuple(param_stats(n, w, g, w - 1e-6 * g) for n, w, g in named))


def test_small_networks_show_every_unit_and_every_weight():
    torch.manual_seed(0)
    w1, w2 = torch.randn(3, 5), torch.randn(5, 2)
    g1, g2 = torch.randn(3, 5), torch.randn(5, 2)
    data = diagram_data(stats_of([("w1", w1, g1), ("w2", w2, g2)]))
    assert [(layer.name, layer.size) for layer in data.layers] == [("x", 3), ("h", 5), ("y_pred", 2)]
    assert all(not layer.sampled and shown_caption(layer) == "" for layer in data.layers)
    np.testing.assert_array_equal(data.edges[0].weights, w1.numpy())
    np.testing.assert_array_equal(data.edges[1].weights, w2.numpy())
    np.testing.assert_array_equal(data.edges[0].grads, g1.numpy())
    assert data.step == 7


def test_large_layers_are_sampled_and_the_edges_are_the_sampled_units_weights():
    torch.manual_seed(1)
    w1, w2 = torch.randn(1000, 300), torch.randn(300, 10)
    g1, g2 = torch.randn(1000, 300), torch.randn(300, 10)
    data = diagram_data(stats_of([("w1", w1, g1), ("w2", w2, g2)]))
    x, h, y = data.layers
    assert len(x.shown) == MAX_UNITS and len(h.shown) == MAX_UNITS and len(y.shown) == 10
    assert shown_caption(x) == f"{MAX_UNITS} of 1000 shown"
    assert x.shown[0] == 0 and x.shown[-1] == 999 and np.all(np.diff(x.shown) > 0)
    # Each drawn edge is the weight between the two units it joins.
    np.testing.assert_array_equal(data.edges[0].weights, w1.numpy()[np.ix_(x.shown, h.shown)])
    np.testing.assert_array_equal(data.edges[0].grads, g1.numpy()[np.ix_(x.shown, h.shown)])
    np.testing.assert_array_equal(data.edges[1].weights, w2.numpy()[np.ix_(h.shown, y.shown)])


def test_nn_linear_weights_are_turned_the_lessons_way_round():
    torch.manual_seed(2)
    lin1, lin2 = torch.randn(200, 40), torch.randn(3, 200)  # (out, in), as nn.Linear keeps them
    b1, b2 = torch.randn(200), torch.randn(3)
    stats = stats_of([("0.weight", lin1, lin1), ("0.bias", b1, b1), ("2.weight", lin2, lin2),
                      ("2.bias", b2, b2)])
    data = diagram_data(stats)
    x, h, y = data.layers
    assert (x.size, h.size, y.size) == (40, 200, 3)
    np.testing.assert_array_equal(data.edges[0].weights, lin1.numpy().T[np.ix_(x.shown, h.shown)])
    np.testing.assert_array_equal(data.edges[1].weights, lin2.numpy().T[np.ix_(h.shown, y.shown)])


def test_vanishing_gradients_draw_hairlines_on_one_scale_for_both_layers():
    torch.manual_seed(3)
    w1, w2 = torch.randn(4, 6), torch.randn(6, 2)
    data = diagram_data(stats_of([("w1", w1, torch.full((4, 6), 1e-7)), ("w2", w2, torch.full((6, 2), 1.0))]))
    by_grad = data.widths(by_gradient=True)
    assert np.all(by_grad[1] == MAX_WIDTH)
    assert np.all(by_grad[0] == MIN_WIDTH)  # seven decades below: thinner than the scale goes
    by_weight = data.widths(by_gradient=False)
    a1, a2 = np.abs(w1.numpy()).max(), np.abs(w2.numpy()).max()
    layer = 0 if a1 >= a2 else 1
    assert by_weight[layer].max() == pytest.approx(MAX_WIDTH)


def test_before_a_run_the_configurations_structure_is_drawn_without_weights():
    data = diagram_data(None, TrainConfig(N=8, D_in=30, H=7, D_out=4))
    assert [layer.size for layer in data.layers] == [30, 7, 4]
    assert data.edges[0].weights is None and data.step is None


def test_the_sample_grid_is_the_statistics_own():
    for n in (5, 128, 129, 1000, 12345):
        np.testing.assert_array_equal(preview_index(n), gradstats.preview_index(n))
    w = torch.randn(500, 300)
    rows, cols = gradstats.preview_index(500), gradstats.preview_index(300)
    np.testing.assert_array_equal(gradstats.preview(w), w.numpy()[np.ix_(rows, cols)].astype(np.float64))


def test_statistics_with_weights_cross_a_process_boundary_small():
    w = torch.randn(1000, 100)
    stats = stats_of([("w1", w, w), ("w2", torch.randn(100, 10), torch.randn(100, 10))])
    p = stats.params[0]
    assert p.weight_preview.shape == (gradstats.PREVIEW_MAX, 100)
    assert p.weight_preview.nbytes <= gradstats.PREVIEW_MAX ** 2 * 4  # bounded whatever the sizes
    back = pickle.loads(pickle.dumps(stats))
    np.testing.assert_array_equal(back.params[0].weight_preview, p.weight_preview)


def test_the_panel_draws_the_newest_statistics_on_its_timer_only_when_visible(qtbot):
    panel = NetworkDiagram(TrainConfig(N=4, D_in=3, H=5, D_out=2))
    qtbot.addWidget(panel)
    assert panel.accessibleName() == "Network diagram"
    first = stats_of([("w1", torch.randn(3, 5), torch.randn(3, 5)), ("w2", torch.randn(5, 2), torch.randn(5, 2))], 1)
    panel.show_stats(first)
    assert panel.data.step is None  # nothing drawn in show_stats itself
    qtbot.wait(450)
    assert panel.frames == 0  # hidden: not drawn
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.waitUntil(lambda: panel.frames == 1, timeout=2000)
    assert panel.data.step == 1
    second = stats_of([("w1", torch.randn(3, 5), torch.randn(3, 5)), ("w2", torch.randn(5, 2), torch.randn(5, 2))], 9)
    panel.show_stats(first)
    panel.show_stats(second)  # two arrive between frames: only the newest is drawn
    qtbot.waitUntil(lambda: panel.frames == 2, timeout=2000)
    np.testing.assert_array_equal(panel.data.edges[0].weights, second.params[0].weight_preview)
    panel.clear()
    assert panel.data.step is None and panel.data.edges[0].weights is None


def test_the_window_shows_the_panel_and_feeds_it_during_a_run(make_window, qtbot):
    w = make_window(TrainConfig(N=16, D_in=40, H=12, D_out=4, steps=3000))
    named = [c for c in w.findChildren(QWidget) if c.accessibleName() == "Network diagram"]
    assert named == [w.network]
    w.side_tabs.setCurrentWidget(w.network)
    w.start_or_resume()
    qtbot.waitUntil(lambda: w.network.data.step is not None, timeout=10_000)
    assert [layer.size for layer in w.network.data.layers] == [40, 12, 4]
    qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=20_000)
    w.network.draw_now()
    last = w.inspector.shown_stats()
    np.testing.assert_array_equal(w.network.data.edges[1].weights, last.by_name()["w2"].weight_preview)
