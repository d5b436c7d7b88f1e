"""What the loss plot shows is what the data say: axis labels, lr markers, legend, reopened runs."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from PySide6.QtCore import Qt

from playground.core.config import TrainConfig
from playground.core.history import LossHistory
from playground.core.persistence import RecordedRun
from playground.gui.loss_plot import MARKER_LABEL_ELIDED, LossPlot, log_tick_text
from playground.gui.run_history import RunHistoryPanel

_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SUPERSCRIPTS = set("⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def tick_log10(text: str) -> float:
    """log10 of the number a log-axis tick label states ("0.01", "2·10⁵", "10⁻¹²", "1e+30", ...)."""
    if "·" in text:
        mantissa, power = text.split("·")
        return math.log10(float(mantissa)) + tick_log10(power)
    if text.startswith("10") and any(c in _SUPERSCRIPTS for c in text):
        return float(text[2:].translate(_DIGITS))
    return math.log10(float(text))


@pytest.fixture
def plot(qtbot):
    p = LossPlot()
    qtbot.addWidget(p)
    p.resize(900, 500)
    p.show()
    qtbot.waitExposed(p)
    return p


def cell(panel: RunHistoryPanel, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    """What the Runs table shows in a cell (its text unless another role is asked for)."""
    model = panel.table.model()
    return model.data(model.index(row, column), role)


def shown_ticks(plot: LossPlot) -> list[tuple[float, str]]:
    """(value, label) of every tick the left axis draws for the current view."""
    axis = plot.plot_item.getAxis("left")
    (_, _), (y0, y1) = plot.plot_item.getViewBox().viewRange()
    out = []
    for spacing, values in axis.tickValues(y0, y1, axis.height()):
        out += zip(values, axis.tickStrings(values, axis.autoSIPrefixScale, spacing), strict=True)
    return out


@pytest.mark.parametrize("top", [35, 300, 308])
def test_log_axis_labels_read_the_true_loss_after_a_divergence(plot, qtbot, top):
    losses = np.concatenate([np.logspace(0, top, 200), [np.inf]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plot.add_recorded_run(TrainConfig(steps=300), losses, "blew up")
        plot.redraw()
        plot.plot_widget.grab()  # paints the axis: its ticks and label
        ticks = shown_ticks(plot)
    assert [str(w.message) for w in caught] == []
    axis = plot.plot_item.getAxis("left")
    assert "x1e" not in axis.labelString() and axis.autoSIPrefixScale == 1.0
    (_, _), (y0, y1) = plot.plot_item.getViewBox().viewRange()
    assert math.isfinite(y0) and math.isfinite(y1) and y0 <= 0 and top <= y1 < top + 10
    assert any(v == 0 for v, _ in ticks) and any(v == top - top % 10 for v, _ in ticks)
    for value, text in ticks:
        assert tick_log10(text) == pytest.approx(value, abs=0.05), (value, text)


def test_log_tick_text_covers_float64s_range():
    assert log_tick_text(0.0) == "1" and log_tick_text(-2.0) == "0.01" and log_tick_text(3.0) == "1000"
    assert log_tick_text(30.0) == "10³⁰" and log_tick_text(-300.0) == "10⁻³⁰⁰"
    assert log_tick_text(5 + math.log10(2)) == "2·10⁵" and log_tick_text(2.9999999999) == "1000"
    for exponent in np.linspace(-320, 320, 1281):
        assert tick_log10(log_tick_text(float(exponent))) == pytest.approx(exponent, abs=0.35)


def test_linear_axis_labels_have_no_multiplier(plot):
    plot.set_log_y(False)
    plot.add_recorded_run(TrainConfig(steps=300), np.concatenate([np.linspace(0, 3e35, 200), [np.inf]]))
    plot.redraw()
    axis = plot.plot_item.getAxis("left")
    assert "x1e" not in axis.labelString()
    (_, _), (y0, y1) = plot.plot_item.getViewBox().viewRange()
    assert math.isfinite(y1) and 3e35 <= y1 < 1e36
    ticks = shown_ticks(plot)
    assert ticks
    for value, text in ticks:
        assert float(text) == pytest.approx(value, rel=1e-6, abs=1e-300), (value, text)


def test_non_finite_losses_never_move_the_view(plot, qtbot):
    finite = np.logspace(3, -2, 150)
    plot.add_recorded_run(TrainConfig(steps=300), finite)
    plot.redraw()
    fitted = plot.plot_item.getViewBox().viewRange()[1]
    plot.clear_runs()
    plot.add_recorded_run(TrainConfig(steps=300), np.concatenate([finite, [np.inf, np.nan, 0.0]]))
    plot.redraw()
    assert plot.plot_item.getViewBox().viewRange()[1] == fitted
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plot.plot_item.getViewBox().enableAutoRange()  # "View all"
        plot.redraw()
        plot.plot_widget.grab()
    assert [str(w.message) for w in caught] == []
    y0, y1 = plot.plot_item.getViewBox().viewRange()[1]
    assert math.isfinite(y0) and math.isfinite(y1) and y0 <= -2 and 3 <= y1 < 5


def test_legend_shows_the_lr_a_run_ended_with(plot):
    run = plot.begin_run(TrainConfig(style="tensors", optimizer="sgd-manual", lr=1e-6))
    plot.append(np.arange(50), np.ones(50))

    def legend_text() -> str:
        return plot.legend.getLabel(plot.drawing(run).curve).text

    assert legend_text() == "tensors, sgd-manual, lr 1e-06"
    plot.mark_lr_change(None, 20, 1e-7)
    assert legend_text() == run.name == "tensors, sgd-manual, lr 1e-06 → 1e-07"
    plot.mark_lr_change(None, 30, 1e-9)
    plot.mark_lr_change(None, 40, 1e-8)
    assert legend_text() == "tensors, sgd-manual, lr 1e-06 → … → 1e-08"
    plot.rename_run(run, "my run")
    plot.mark_lr_change(None, 45, 1e-3)
    assert legend_text() == "my run"  # a name given by hand stays


def test_close_lr_markers_get_different_label_levels_or_short_labels(plot):
    run = plot.begin_run(TrainConfig(steps=1000, lr=1e-6))
    plot.append(np.arange(1000), np.linspace(10, 1, 1000))
    for step, lr in [(100, 1e-7), (102, 2e-7), (104, 3e-7), (900, 4e-7)]:
        plot.mark_lr_change(None, step, lr)
    plot.redraw()
    markers = plot.drawing(run).markers
    labels = [m.label for m in markers]
    close = [label.orthoPos for label in labels[:3]]
    assert len(set(close)) == 3  # staggered: no two at one height
    assert labels[3].orthoPos == labels[0].orthoPos  # a marker far off needs no other level
    assert [label.textItem.toPlainText() for label in labels] == [f"lr → {lr:g}" for lr in (1e-7, 2e-7, 3e-7, 4e-7)]
    for step, lr in [(106, 5e-7), (108, 6e-7), (110, 7e-7)]:
        plot.mark_lr_change(None, step, lr)
    plot.redraw()
    markers = plot.drawing(run).markers
    texts = [m.label.textItem.toPlainText() for m in markers]
    assert MARKER_LABEL_ELIDED in texts  # more close markers than levels: shortened ...
    for marker, (_, lr) in zip(markers, run.lr_changes, strict=True):
        assert marker.label.toolTip() == marker.toolTip() == f"lr → {lr:g}"  # ... with the full text on hover
    # zoomed in far enough, every label fits again at full length
    plot.plot_item.getViewBox().setXRange(95, 115, padding=0)
    plot.redraw()
    assert MARKER_LABEL_ELIDED not in [m.label.textItem.toPlainText() for m in plot.drawing(run).markers]


def test_reopened_run_keeps_its_steps_colour_and_outcome(plot, qtbot):
    panel = RunHistoryPanel(plot.runs, plot)
    qtbot.addWidget(panel)
    cfg = TrainConfig(steps=300, lr=1e-6)
    recorded = RecordedRun("", cfg, np.arange(100, 200), np.logspace(2, 40, 100), ((150, 1e-5),), "too hot",
                           "diverged", 199, "#9467bd", 1234.0, 2.5)
    run = plot.add_recorded(recorded)
    plot.redraw()
    x, _ = plot.drawing(run).curve.getOriginalDataset()
    assert x[0] == 100 and x[-1] == 199
    assert run.colour == "#9467bd" and [m.value() for m in plot.drawing(run).markers] == [150]
    row = [cell(panel, 0, c) for c in range(panel.table.model().columnCount())]
    assert row[3] == "1e-06 → 1e-05" and row[6] == "1,234" and row[7] == "2.5 s"
    assert row[8] == "diverged at step 199"
    again = run.saved()
    np.testing.assert_array_equal(again.steps, recorded.steps)
    assert (again.note, again.lr_changes, again.outcome, again.diverged_step, again.colour) == \
        ("too hot", ((150, 1e-5),), "diverged", 199, "#9467bd")
    assert plot.show_readout(150.4) == f"step 150\nloss {recorded.losses[50]:.6g}"


def test_a_new_run_takes_a_colour_no_reopened_run_has(plot):
    recorded = RecordedRun("a", TrainConfig(), np.arange(3), np.ones(3), colour="#ff7f0e")
    assert plot.add_recorded(recorded).colour == "#ff7f0e"
    assert plot.begin_run(TrainConfig()).colour not in ("#ff7f0e", "")


def test_history_with_step_numbers_maps_indices_to_steps():
    h = LossHistory.from_arrays(np.ones(5), np.array([10, 11, 12, 20, 21]))
    np.testing.assert_array_equal(h.steps, [10, 11, 12, 20, 21])
    assert (h.first_step, h.end_step) == (10, 22)
    assert h.index_range(11, 20) == (1, 3) and h.nearest_index(17) == 3 and h.nearest_index(0) == 0
    np.testing.assert_array_equal(h.step_numbers(np.array([0.0, 4.0])), [10, 21])
    with pytest.raises(ValueError, match="increasing"):
        LossHistory.from_arrays(np.ones(3), np.array([0, 2, 1]))
    with pytest.raises(ValueError, match="does not grow"):
        h.append(np.array([5]), np.ones(1))
    plain = LossHistory.from_arrays(np.ones(4), np.arange(4))
    assert plain.index_range(1.5, 3) == (2, 3) and plain.nearest_index(9) == 3


def test_a_run_from_an_old_file_says_its_end_is_not_known(plot, qtbot):
    panel = RunHistoryPanel(plot.runs, plot)
    qtbot.addWidget(panel)
    plot.add_recorded_run(TrainConfig(), np.ones(3), "old")
    assert cell(panel, 0, 8) == "recorded" and "not saved" in cell(panel, 0, 8, Qt.ItemDataRole.ToolTipRole)
    assert cell(panel, 0, 6) == cell(panel, 0, 7) == "–"


def test_before_any_run_the_plot_says_what_will_appear_instead_of_bare_axes(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.show()
    assert plot.stack.currentWidget() is plot.placeholder and "F5" in plot.placeholder.text()
    run = plot.begin_run(TrainConfig(N=8, D_in=10, H=4, D_out=2))
    assert plot.stack.currentWidget() is plot.plot_widget
    plot.remove_run(run)
    assert plot.stack.currentWidget() is plot.placeholder


def test_zooming_between_the_changes_of_a_run_with_many_lr_changes_draws_no_marker_and_does_not_fail(qtbot):
    from playground.gui.plot_markers import MAX_MARKER_LINES, change_steps, marker_groups

    changes = [(13 * k + 5, 1e-6 * (k + 1)) for k in range(MAX_MARKER_LINES * 4)]
    steps = change_steps(changes, None)
    assert marker_groups(changes, steps, 1000.0, 1004.0) == []  # 993 and 1006 are outside
    assert len(marker_groups(changes, steps, 0.0, 10_000.0)) == MAX_MARKER_LINES
