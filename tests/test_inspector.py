"""The gradient inspector shows what the runner's gradients really are."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import torch
from PySide6.QtGui import QFontMetrics

from playground.core.config import TrainConfig
from playground.core.gradcheck import GradCheckReport, ParamCheck, gradient_check
from playground.core.loop import Trainer
from playground.core.models import NumpyRunner, build_runner
from playground.gui import inspector as inspector_module
from playground.gui.inspector import (
    COL,
    COLUMNS,
    DIVERGED_BRUSH,
    NUMBER_COLUMNS,
    VALUE_ROLE,
    WIDEST_TICK,
    GradientInspector,
    compact_tick,
    format_sci,
    norm_history,
)

SMALL = dict(N=8, D_in=20, H=10, D_out=3, device="cpu", check_memory=False)
STEPS = 4


@pytest.fixture
def inspector(qtbot):
    widget = GradientInspector()
    qtbot.addWidget(widget)
    return widget


def loop_stats(cfg: TrainConfig):
    """Every step's StepStats as the training loop produces them, and the last batch."""
    stats, last = [], None
    for batch in Trainer(cfg).batches(stats_every=1):
        stats.extend(batch.stats)
        last = batch
    return stats, last


def expected_per_step(cfg: TrainConfig):
    """Per step and parameter, the numbers computed here from a runner of our own.

    The runner is stepped in lockstep with the loop's: gradients are read after
    forward_backward and before update, as the loop does.
    """
    runner = build_runner(cfg)
    out = []
    for _ in range(cfg.steps):
        runner.forward_backward()
        before = {n: p.detach().to(torch.float64).clone() for n, p in runner.named_params()}
        grads = {n: g.detach().to(torch.float64).clone() for n, g in runner.named_grads()}
        runner.update()
        step = {}
        for name, p in runner.named_params():
            w, g = before[name].numpy(), grads[name].numpy()
            after = p.detach().to(torch.float64).numpy()
            step[name] = {
                "shape": tuple(w.shape),
                "numel": w.size,
                "weight_norm": float(np.linalg.norm(w)),
                "grad_norm": float(np.linalg.norm(g)),
                "grad_mean": float(g.mean()),
                "grad_std": float(g.std(ddof=1)),
                "grad_max_abs": float(np.abs(g).max()),
                "update_ratio": ratio(after, w),
                "w_min": float(w.min()),
                "w_max": float(w.max()),
            }
        out.append(step)
    return out


def ratio(after: np.ndarray, before: np.ndarray) -> float:
    """||after - before|| / ||before||; inf for a tensor that starts at zero (a bias)."""
    norm = float(np.linalg.norm(before))
    change = float(np.linalg.norm(after - before))
    return change / norm if norm else (math.inf if change else math.nan)


def cell(widget: GradientInspector, row: int, key: str):
    return widget.table.item(row, COL[key])


STYLE_CONFIGS = [
    TrainConfig(**SMALL, style="numpy", steps=STEPS, lr=1e-3),
    TrainConfig(**SMALL, style="tensors", steps=STEPS, lr=1e-3, bias=True, activation="relu"),
    TrainConfig(**SMALL, style="sequential", steps=STEPS, activation="tanh", loss="mean"),
    TrainConfig(**SMALL, style="module", steps=STEPS, optimizer="momentum", lr=1e-3),
]


@pytest.mark.parametrize("cfg", STYLE_CONFIGS, ids=lambda c: c.style)
def test_table_equals_norms_computed_from_the_runner(inspector, cfg):
    stats, _ = loop_stats(cfg)
    assert [s.step for s in stats] == list(range(STEPS))
    expected = expected_per_step(cfg)
    for s, want in zip(stats, expected, strict=True):
        inspector.show_stats(s)
        names = [inspector.table.item(r, COL["name"]).text() for r in range(inspector.table.rowCount())]
        assert names == list(want)
        for row, (name, exp) in enumerate(want.items()):
            assert cell(inspector, row, "shape").text() == "×".join(map(str, exp["shape"]))
            for key in NUMBER_COLUMNS:
                value = cell(inspector, row, key).data(VALUE_ROLE)
                if math.isinf(exp[key]):
                    assert value == exp[key], (s.step, name, key)
                else:
                    assert value == pytest.approx(exp[key], rel=1e-6, abs=1e-12), (s.step, name, key)
                assert cell(inspector, row, key).text() == format_sci(value)


@pytest.mark.parametrize("cfg", STYLE_CONFIGS, ids=lambda c: c.style)
def test_histogram_counts_every_entry_and_heat_map_is_symmetric(inspector, cfg):
    stats, _ = loop_stats(cfg)
    expected = expected_per_step(cfg)
    inspector.show_stats(stats[-1])
    want = expected[-1]
    for row, (name, exp) in enumerate(want.items()):
        inspector.table.selectRow(row)
        assert inspector.selected_parameter() == name
        inspector.gradient_button.setChecked(True)
        x, y = inspector.histogram_curve.getData()
        assert len(x) == len(y) + 1
        assert int(y.sum()) == exp["numel"]
        lo, hi = inspector.heatmap_image.getLevels()
        assert lo == -hi
        assert hi == pytest.approx(exp["grad_max_abs"], rel=1e-6)
        assert tuple(inspector.color_bar.levels()) == (lo, hi)
        shape = exp["shape"]
        assert inspector.heatmap_image.image.shape == (shape if len(shape) == 2 else (1, shape[0]))
        # The toggle shows the values instead: same count, range of the weights.
        inspector.values_button.setChecked(True)
        x, y = inspector.histogram_curve.getData()
        assert int(y.sum()) == exp["numel"]
        assert x[0] == pytest.approx(exp["w_min"], rel=1e-6, abs=1e-9) or exp["w_min"] == exp["w_max"]
        assert x[-1] == pytest.approx(exp["w_max"], rel=1e-6, abs=1e-9) or exp["w_min"] == exp["w_max"]
    inspector.gradient_button.setChecked(True)


def test_norm_history_holds_every_step_on_a_log_scale(inspector, monkeypatch):
    monkeypatch.setattr(norm_history, "HISTORY_CAPACITY", 2)  # force the buffers to grow
    widget = inspector
    cfg = TrainConfig(**SMALL, style="tensors", steps=7, lr=1e-3)
    stats, _ = loop_stats(cfg)
    expected = expected_per_step(cfg)
    for s in stats:
        widget.show_stats(s)
    assert set(widget.norm_curves) == {"w1", "w2"}
    for name, curve in widget.norm_curves.items():
        x, y = curve.getData()
        np.testing.assert_array_equal(x, np.arange(7))
        want = [math.log10(step[name]["grad_norm"]) for step in expected]
        np.testing.assert_allclose(y, want, rtol=1e-9)
    assert widget.norm_plot.getAxis("left").logMode
    assert widget._history.steps.size >= 7  # grew from 2


def test_a_lower_step_starts_a_fresh_history(inspector):
    stats, _ = loop_stats(TrainConfig(**SMALL, style="tensors", steps=3, lr=1e-3))
    for s in stats:
        inspector.show_stats(s)
    inspector.show_stats(stats[0])  # a new run's first step
    x, _ = inspector.norm_curves["w1"].getData()
    np.testing.assert_array_equal(x, [0])
    inspector.show_stats(stats[0])  # the same step again replaces, does not append
    x, _ = inspector.norm_curves["w1"].getData()
    assert len(x) == 1


def test_freeze_stops_updates_and_unfreeze_shows_the_newest(inspector, qtbot):
    stats, _ = loop_stats(TrainConfig(**SMALL, style="sequential", steps=4))
    inspector.show_stats(stats[0])
    shown = cell(inspector, 0, "grad_norm").data(VALUE_ROLE)
    with qtbot.waitSignal(inspector.frozenChanged) as blocker:
        inspector.freeze_button.click()
    assert blocker.args == [True] and inspector.is_frozen()
    hist_before = inspector.histogram_curve.getData()[1].copy()
    for s in stats[1:]:
        inspector.show_stats(s)
    assert cell(inspector, 0, "grad_norm").data(VALUE_ROLE) == shown
    assert inspector.shown_stats() is stats[0]
    np.testing.assert_array_equal(inspector.histogram_curve.getData()[1], hist_before)
    assert "frozen" in inspector.status_label.text()
    inspector.set_frozen(False)
    assert inspector.shown_stats() is stats[-1]
    assert cell(inspector, 0, "grad_norm").data(VALUE_ROLE) == stats[-1].params[0].grad_norm
    x, _ = inspector.norm_curves["0.weight"].getData()
    np.testing.assert_array_equal(x, [0, 1, 2, 3])  # the frozen steps were kept


def test_live_charts_keep_to_their_budget_and_catch_up_with_the_newest(inspector, qtbot, monkeypatch):
    stats, _ = loop_stats(TrainConfig(**SMALL, style="tensors", steps=5, lr=1e-3))
    inspector.chart_pacer.min_ms = 60_000  # no second frame is due during the test
    inspector.set_live(True)
    inspector.show_stats(stats[0])  # the first frame of a quiet panel is drawn at once
    first = stats[0].params[0].grad_hist.counts
    np.testing.assert_array_equal(inspector.histogram_curve.getData()[1], first)
    for s in stats[1:]:
        inspector.show_stats(s)
    # The table shows every update; the charts wait for their turn ...
    assert cell(inspector, 0, "grad_norm").data(VALUE_ROLE) == stats[-1].params[0].grad_norm
    np.testing.assert_array_equal(inspector.histogram_curve.getData()[1], first)
    assert len(inspector.norm_curves["w1"].getData()[0]) == 1
    # ... and the run ending draws the newest at once.
    inspector.set_live(False)
    np.testing.assert_array_equal(inspector.histogram_curve.getData()[1], stats[-1].params[0].grad_hist.counts)
    np.testing.assert_array_equal(inspector.norm_curves["w1"].getData()[0], np.arange(5))


def test_live_charts_redraw_when_their_interval_has_passed(inspector, qtbot):
    stats, _ = loop_stats(TrainConfig(**SMALL, style="tensors", steps=3, lr=1e-3))
    inspector.chart_pacer.min_ms, inspector.chart_pacer.budget = 50, 1.0  # wait 50 ms or a frame
    inspector.set_live(True)
    for s in stats:
        inspector.show_stats(s)
    newest = stats[-1].params[0].grad_hist.counts
    qtbot.waitUntil(lambda: np.array_equal(inspector.histogram_curve.getData()[1], newest), timeout=3000)
    assert len(inspector.norm_curves["w1"].getData()[0]) == 3


def test_live_chart_interval_grows_with_the_cost_of_a_frame(inspector):
    stats, _ = loop_stats(TrainConfig(**SMALL, style="tensors", steps=1, lr=1e-3))
    inspector.plots.paint_s += 0.040  # 40 ms of paints since the last frame
    inspector.set_live(True)
    inspector.show_stats(stats[0])
    pacer = inspector.chart_pacer
    assert pacer.interval_ms >= 0.040 * 1000 / inspector_module.CHART_BUDGET
    assert pacer.interval_ms <= inspector_module.MAX_CHART_INTERVAL_MS
    inspector.show_stats(stats[0])  # a cheap frame (no paint since): back to the minimum
    inspector.set_live(False)
    assert pacer.interval_ms < 0.040 * 1000 / inspector_module.CHART_BUDGET


def test_sampled_norms_fill_the_history_between_statistics_in_step_order(inspector):
    stats, _ = loop_stats(TrainConfig(**SMALL, style="tensors", steps=21, lr=1e-3))
    norm_steps = np.arange(0, 21, 2)  # as a batch carries them: every other step
    grad_norms = np.array([[p.grad_norm for p in stats[i].params] for i in norm_steps]) * 1.5
    inspector.show_batch((stats[0], stats[9]), norm_steps, grad_norms)
    x, y = inspector.norm_curves["w1"].getData()
    np.testing.assert_array_equal(x, [0, 2, 4, 6, 8, 9, 10, 12, 14, 16, 18, 20])  # no reset, in order
    by_step = dict(zip(x.tolist(), y.tolist(), strict=True))
    assert by_step[0] == pytest.approx(math.log10(stats[0].params[0].grad_norm))  # the statistics win
    assert by_step[4] == pytest.approx(math.log10(1.5 * stats[4].params[0].grad_norm))
    inspector.show_grad_norms(np.array([20, 22]), np.ones((2, 2)))  # only steps after the newest
    assert inspector.norm_curves["w1"].getData()[0][-2:].tolist() == [20, 22]


def test_sampled_norms_wait_for_statistics_to_name_the_parameters(inspector):
    inspector.show_grad_norms(np.array([0, 1]), np.ones((2, 2)))
    assert inspector.norm_curves == {} and inspector._history.count == 0


def test_number_columns_have_room_for_the_longest_number(inspector):
    stats, _ = loop_stats(TrainConfig(**SMALL, style="tensors", steps=1, lr=1e-3))
    inspector.show_stats(stats[0])
    room = inspector.table.fontMetrics().horizontalAdvance(format_sci(-8.88e-88))
    for key in NUMBER_COLUMNS:
        assert inspector.table.columnWidth(COL[key]) > room, key


def highlighted_rows(widget: GradientInspector) -> list[int]:
    return [
        r
        for r in range(widget.table.rowCount())
        if widget.table.item(r, COL["name"]).background() == DIVERGED_BRUSH
    ]


def test_a_diverged_loss_is_explained_and_restart_carries_lr_over_ten(inspector, qtbot):
    cfg = TrainConfig(style="tensors", lr=1.0, steps=50, device="cpu", check_memory=False, N=16, D_in=50, H=20)
    stats, last = loop_stats(cfg)
    assert last.reason == "diverged" and last.divergence.tensor == "loss"
    for s in stats:  # includes the diverged step, whose gradients are not finite
        inspector.show_stats(s)
    lo, hi = inspector.heatmap_image.getLevels()
    assert lo == -hi and math.isfinite(hi)
    inspector.show_divergence(last.divergence, 1.0, last.diagnosis)
    assert not inspector.divergence_box.isHidden()
    assert inspector.highlighted_tensor() == "loss"
    assert inspector.highlighted_row() == -1 and highlighted_rows(inspector) == []
    text = inspector.divergence_label.text()
    assert f"step {last.divergence.step}" in text and "loss became" in text
    assert last.diagnosis.cause == "lr-too-high" and "Learning rate too high" in text
    with qtbot.waitSignal(inspector.restartRequested) as blocker:
        inspector.restart_button.click()
    assert blocker.args == [pytest.approx(0.1)]


def test_the_divergence_panel_names_the_diagnosed_cause_and_offers_no_lr_when_a_mistake_is_the_cure(
        inspector, qtbot):
    from playground.core.loop import train

    _, last = train(TrainConfig(mistake="no-zero-grad"))
    inspector.show()
    inspector.show_divergence(last.divergence, 1e-6, last.diagnosis)
    text = inspector.divergence_label.text()
    assert "zero_grad" in text and "too high" not in text
    assert inspector.restart_button.isHidden()


def test_a_diverged_weight_highlights_its_row(inspector, qtbot):
    # float32 weights overflow in the first update while the loss is still finite.
    cfg = TrainConfig(**{**SMALL, "style": "tensors", "lr": 1e36, "steps": 5, "bias": True})
    stats, last = loop_stats(cfg)
    d = last.divergence
    assert (d.tensor, d.kind) == ("w1", "weight")
    for s in stats:
        inspector.show_stats(s)
    inspector.show_divergence(d, 1e36, last.diagnosis)
    assert inspector.highlighted_row() == 0
    assert highlighted_rows(inspector) == [0]
    assert "w1 became inf" in inspector.divergence_label.text()
    with qtbot.waitSignal(inspector.restartRequested) as blocker:
        inspector.restart_button.click()
    assert blocker.args == [pytest.approx(1e35)]
    # The mark stays on its row when new statistics arrive, and clear() removes it.
    inspector.show_stats(stats[0])
    assert highlighted_rows(inspector) == [0]
    inspector.clear()
    assert inspector.divergence_box.isHidden() and inspector.table.rowCount() == 0


def test_divergence_before_any_statistics_marks_the_row_when_it_appears(inspector):
    cfg = TrainConfig(**SMALL, style="tensors", steps=2, lr=1e-3)
    stats, _ = loop_stats(cfg)
    divergence = type("D", (), {"step": 0, "tensor": "w2", "kind": "gradient", "value": "nan"})()
    inspector.show_divergence(divergence, 1e-3)
    inspector.show_stats(stats[0])
    assert highlighted_rows(inspector) == [1]


def test_gradient_check_button_and_graded_results(inspector, qtbot):
    with qtbot.waitSignal(inspector.gradientCheckRequested):
        inspector.check_button.click()
    runner = build_runner(TrainConfig(**SMALL, style="numpy", lr=1e-3))
    runner.forward_backward()
    runner.update()
    report = gradient_check(runner)
    inspector.show_gradient_check(report)
    assert not inspector.table.isColumnHidden(COL["check"])
    assert not inspector.table.isColumnHidden(COL["autograd"])
    for row, check in enumerate(report.params):
        assert cell(inspector, row, "name").text() == check.name
        assert cell(inspector, row, "check").text().endswith("good")
        assert cell(inspector, row, "check").data(VALUE_ROLE) == check.rel_error
        assert cell(inspector, row, "autograd").data(VALUE_ROLE) == check.autograd_rel_diff
        assert "vs" in cell(inspector, row, "check").toolTip()
    assert "good" in inspector.check_label.text() and "autograd" in inspector.check_label.text()

    class DropsFactorTwo(NumpyRunner):
        def backward(self, params, cache):
            return {n: g / 2 for n, g in super().backward(params, cache).items()}

    bad = gradient_check(DropsFactorTwo(TrainConfig(**SMALL, style="numpy")))
    inspector.show_gradient_check(bad)
    assert all(cell(inspector, r, "check").text().endswith("wrong") for r in range(2))
    assert "wrong" in inspector.check_label.text()

    # A torch style has no hand-written gradient: that column stays hidden.
    inspector.show_gradient_check(gradient_check(build_runner(TrainConfig(**SMALL, style="module"))))
    assert inspector.table.isColumnHidden(COL["autograd"])
    assert inspector.table.rowCount() == 2


@pytest.mark.parametrize(
    ("grade", "rel"), [("good", 1e-9), ("acceptable", 1e-6), ("suspicious", 1e-3), ("wrong", 0.3), ("unresolved", math.nan)]
)
def test_every_grade_is_shown_in_words(inspector, grade, rel):
    report = GradCheckReport(
        style="tensors", loss=1.0, eps=1e-6,
        params=(ParamCheck("w1", (2, 2), rel, grade, (0,), (1.0,), (1.0,)),),
    )
    inspector.show_gradient_check(report)
    words = {"good": "good", "acceptable": "acceptable", "suspicious": "suspicious", "wrong": "wrong",
             "unresolved": "too small to check"}
    assert cell(inspector, 0, "check").text().endswith(words[grade])


def test_gradient_check_error_is_shown(inspector):
    inspector.show_gradient_check_error("the loss is nan <here>")
    assert not inspector.check_label.isHidden()
    assert "&lt;here&gt;" in inspector.check_label.text()


def test_every_column_and_control_explains_itself(inspector):
    for key in COLUMNS:
        assert inspector.table.horizontalHeaderItem(COL[key]).toolTip()
    assert "1e-3" in inspector.table.horizontalHeaderItem(COL["update_ratio"]).toolTip()
    assert "1e-3" in inspector.hint_label.text()
    for control in (inspector.freeze_button, inspector.check_button, inspector.restart_button,
                    inspector.values_button, inspector.gradient_button, inspector.plots):
        assert control.toolTip()


def test_ratio_tooltip_places_the_step_against_the_rule_of_thumb(inspector):
    stats, _ = loop_stats(TrainConfig(**SMALL, style="tensors", steps=1, lr=1e-3))
    ratio = stats[0].params[0].update_ratio
    inspector.show_stats(stats[0])
    tip = cell(inspector, 0, "update_ratio").toolTip()
    assert "rule of thumb" in tip and ("above" in tip or "below" in tip or "about" in tip)
    assert ("above" in tip) == (math.log10(ratio / 1e-3) >= 0.5)


def test_stats_of_another_model_rebuild_the_rows(inspector):
    a, _ = loop_stats(TrainConfig(**SMALL, style="tensors", steps=1, lr=1e-3))
    b, _ = loop_stats(TrainConfig(**SMALL, style="sequential", steps=1))
    inspector.show_stats(a[0])
    inspector.show_gradient_check(gradient_check(build_runner(TrainConfig(**SMALL, style="tensors", lr=1e-3))))
    assert not inspector.table.isColumnHidden(COL["check"])
    inspector.show_stats(b[0])
    assert inspector.table.isColumnHidden(COL["check"])  # that check was about the other model
    assert inspector.check_label.isHidden()
    assert inspector.table.rowCount() == 4
    assert list(inspector.norm_curves) == ["0.weight", "0.bias", "1.weight", "1.bias"]
    assert inspector.selected_parameter() == "0.weight"
    inspector.select_parameter("1.bias")
    assert inspector.selected_parameter() == "1.bias"
    inspector.show_stats(dataclasses.replace(b[0], step=1))
    assert inspector.selected_parameter() == "1.bias"  # the selection survives updates


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.0, "0"), (1.234e-4, "1.23e-4"), (-5.0, "-5.00e0"), (12345.0, "1.23e4"), (math.nan, "nan"),
     (math.inf, "inf"), (-math.inf, "-inf")],
)
def test_format_sci(value, text):
    assert format_sci(value) == text


def charts_hold_no_data(widget: GradientInspector) -> bool:
    return (
        widget.histogram_curve.getData()[1] is None
        and widget.heatmap_image.image is None
        and widget.norm_curves == {}
    )


def test_before_any_run_and_after_clear_a_placeholder_stands_for_the_charts(inspector):
    assert inspector.chart_stack.currentWidget() is inspector.chart_placeholder
    assert "start a run" in inspector.chart_placeholder.text().lower()
    assert charts_hold_no_data(inspector)
    stats, _ = loop_stats(TrainConfig(**SMALL, style="tensors", steps=1, lr=1e-3))
    inspector.show_stats(stats[0])
    assert inspector.chart_stack.currentWidget() is inspector.charts_page
    inspector.clear()
    assert inspector.chart_stack.currentWidget() is inspector.chart_placeholder
    assert charts_hold_no_data(inspector)
    assert inspector.table.rowCount() == 0 and inspector.shown_stats() is None
    assert "no gradients yet" in inspector.status_label.text().lower()


def test_a_new_runs_first_statistics_are_drawn_at_once_not_when_the_pacer_allows(inspector):
    old, _ = loop_stats(TrainConfig(**SMALL, style="tensors", steps=3, lr=1e-3))
    new, _ = loop_stats(TrainConfig(**SMALL, style="sequential", steps=2, bias=True))
    pacer = inspector.chart_pacer
    pacer.min_ms = pacer.max_ms = 60_000  # no paced frame is due during the test
    inspector.set_live(True)
    for s in old:
        inspector.show_stats(s)  # the first is drawn at once, the rest wait for the pacer
    assert pacer.wait_ms() > 0
    inspector.clear()  # what the window does when the next run starts
    inspector.show_stats(new[0])
    first = new[0].params[0]
    assert inspector.shown_stats() is new[0]
    np.testing.assert_array_equal(inspector.histogram_curve.getData()[1], first.grad_hist.counts)
    assert inspector.heatmap_image.image.shape == first.grad_preview.shape
    assert list(inspector.norm_curves) == [p.name for p in new[0].params]
    np.testing.assert_array_equal(inspector.norm_curves[first.name].getData()[0], [0])
    # Later statistics of the same run keep to the pacing again.
    inspector.show_stats(new[1])
    np.testing.assert_array_equal(inspector.histogram_curve.getData()[1], first.grad_hist.counts)


def test_a_sampled_heat_map_says_which_rows_and_columns_it_shows(inspector):
    text = inspector.heatmap_caption_text((1000, 100), (128, 100))
    assert "128 of 1000 rows" in text and f"1 in {1000 / 128:.1f}" in text and "all 100 columns" in text
    both = inspector.heatmap_caption_text((1000, 300), (128, 128))
    assert "1 in 7.8" in both and f"128 of 300 columns (1 in {300 / 128:.1f})" in both
    assert inspector.heatmap_caption_text((50, 20), (50, 20)) == ""
    assert inspector.heatmap_caption_text((20,), (1, 20)) == ""  # a bias is one row
    # Shown with the statistics: a 1000 x 100 gradient, then an unsampled one.
    big, _ = loop_stats(TrainConfig(N=8, D_in=1000, H=100, D_out=3, style="tensors", steps=1, lr=1e-6,
                                    device="cpu", check_memory=False))
    inspector.show_stats(big[0])
    assert big[0].params[0].shape == (1000, 100) and inspector.heatmap_image.image.shape == (128, 100)
    assert not inspector.heatmap_caption.isHidden()
    assert "128 of 1000 rows (1 in 7.8)" in inspector.heatmap_caption.text()
    small, _ = loop_stats(TrainConfig(**SMALL, style="tensors", steps=1, lr=1e-3))
    inspector.show_stats(small[0])
    assert inspector.heatmap_caption.isHidden() and inspector.heatmap_caption.text() == ""


def test_colour_bar_tick_labels_are_short_and_fit_their_axis(inspector):
    stats, _ = loop_stats(TrainConfig(**SMALL, style="tensors", steps=1, lr=1e-3))
    level = 3.2e-4
    p = dataclasses.replace(stats[0].params[0], grad_max_abs=level, grad_preview=np.full((20, 10), level))
    inspector.show_stats(dataclasses.replace(stats[0], params=(p,) + stats[0].params[1:]))
    axis = inspector.color_bar.axis
    assert tuple(inspector.color_bar.levels()) == (-level, level)
    ticks = [v for _, values in axis.tickValues(-level, level, 100) for v in values]
    strings = axis.tickStrings(ticks, 1.0, 1e-4)
    assert "-3e-4" in strings or "-2e-4" in strings  # compact, not -0.0003
    font = axis.style.get("tickFont") or inspector.plots.font()
    room = axis.width() - axis.style["tickTextOffset"][0] - max(0, axis.style["tickLength"])
    widest = max(QFontMetrics(font).horizontalAdvance(s) for s in strings + [WIDEST_TICK])
    assert widest <= room


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.0, "0"), (0.5, "0.5"), (-12.0, "-12"), (3e-4, "3e-4"), (-1.5e6, "-1.5e6"), (1.25e-4, "1.25e-4"),
     (999.5, "1e3"), (math.nan, "nan")],
)
def test_compact_tick(value, text):
    assert compact_tick(value) == text


def test_the_update_ratio_hint_names_a_column_that_is_shown(inspector):
    header = inspector.table.horizontalHeaderItem(COL["update_ratio"]).text()
    assert header.split(" ")[0] in inspector.hint_label.text()
    assert not inspector.table.isColumnHidden(COL["update_ratio"])
    # It comes before the gradient's spread, so a narrow panel shows it without scrolling.
    assert COLUMNS.index("update_ratio") < COLUMNS.index("grad_mean")


def test_divergence_collapses_to_a_summary_and_expands_to_the_causes(inspector, qtbot):
    inspector.show()
    qtbot.waitExposed(inspector)
    divergence = type("D", (), {"step": 7, "tensor": "w1", "kind": "gradient", "value": "nan"})()
    inspector.show_divergence(divergence, 0.5)
    assert inspector.divergence_box.isVisible() and not inspector.divergence_details.isVisible()
    summary = inspector.divergence_summary.text()
    assert "step 7" in summary and "w1" in summary
    assert "<li>" not in summary and len(summary) < len(inspector.divergence_label.text())
    inspector.divergence_toggle.click()
    assert inspector.divergence_details.isVisible()
    assert "ten times smaller" in inspector.divergence_label.text()
    inspector.clear()
    assert not inspector.divergence_box.isVisible() and not inspector.divergence_details.isVisible()
    inspector.show_divergence(divergence, 0.5)  # the reader's choice stays
    assert inspector.divergence_details.isVisible()


def test_a_freeze_ends_with_its_run(inspector):
    old, _ = loop_stats(TrainConfig(**SMALL, style="tensors", steps=1, lr=1e-3))
    new, _ = loop_stats(TrainConfig(**SMALL, style="sequential", steps=1))
    inspector.show_stats(old[0])
    inspector.set_frozen(True)
    inspector.clear()  # the next run starts
    assert not inspector.is_frozen()
    inspector.show_stats(new[0])
    assert inspector.shown_stats() is new[0]
    assert inspector.chart_stack.currentWidget() is inspector.charts_page
