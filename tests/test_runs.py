"""The session's runs: one Qt-free model (core.runs) that the plot, the Runs table, saving,
exports and the language switch all read, so nothing a user owns is lost to a view's limits."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt

from playground.core.config import TrainConfig
from playground.core.persistence import Experiment, RecordedRun, load_experiment, save_experiment
from playground.core.runs import (
    APPENDED,
    CHANGED,
    CLEARED,
    EXTENDED,
    INSERTED,
    REMOVED,
    RUNNING,
    Run,
    Runs,
    run_label,
)

SMALL = dict(N=8, D_in=10, H=4, D_out=2)
OUTCOMES_IN_TURN = ("completed", "stopped", "diverged", "error", "recorded")


def finished_run(i: int, steps: int = 30) -> Run:
    """A run as a file holds it, each one different: its steps, lr changes, note, outcome, colour, speed."""
    cfg = TrainConfig(**SMALL, steps=steps + i, lr=1e-6 * (i + 1))
    outcome = OUTCOMES_IN_TURN[i % len(OUTCOMES_IN_TURN)]
    start = i % 7
    losses = np.linspace(100.0, 1.0 + i, steps) * (1 + 0.01 * i)
    if outcome == "diverged":
        losses[-1] = np.inf
    changes = tuple((start + 3 * k, 1e-6 * (k + 2)) for k in range(i % 4))
    return Run(f"run {i}" if i % 3 else "", cfg, np.arange(start, start + steps), losses, changes, f"note {i}",
               outcome, start + steps - 1 if outcome == "diverged" else None,
               "" if i % 5 == 0 else f"#{(i * 2654435761) % 0xFFFFFF:06x}",
               100.0 * i if outcome != "recorded" else 0.0, 0.5 * i if outcome != "recorded" else 0.0)


def listen(runs: Runs) -> list[tuple[str, Run | None]]:
    heard: list[tuple[str, Run | None]] = []
    runs.subscribe(lambda kind, run: heard.append((kind, run)))
    return heard


# -- the model, without Qt ---------------------------------------------------------------------
def test_every_change_to_the_runs_is_told_to_their_listeners():
    runs = Runs()
    heard = listen(runs)
    live = runs.begin(TrainConfig(**SMALL))
    assert runs.current is live and live.outcome == RUNNING
    runs.append(np.arange(3), np.array([3.0, 2.0, 1.0]))
    runs.change_lr(2, 1e-5)
    runs.end("completed", 1000.0, 0.3)
    old = runs.add(finished_run(1))
    runs.rename(old, "mine")
    runs.set_visible(old, False)
    runs.remove(old)
    assert heard == [(INSERTED, live), (APPENDED, live), (CHANGED, live), (CHANGED, live),
                     (INSERTED, old), (CHANGED, old), (CHANGED, old), (REMOVED, old)]
    assert runs.current is None and list(runs) == [live]
    assert (live.outcome, live.steps_per_s, live.elapsed_s, len(live.history)) == ("completed", 1000.0, 0.3, 3)


def test_many_runs_are_added_in_one_go_with_one_event():
    runs = Runs()
    live = runs.begin(TrainConfig(**SMALL))
    heard = listen(runs)
    added = runs.extend(finished_run(i) for i in range(100))
    assert heard == [(EXTENDED, None)]
    assert list(runs) == [live, *added] and runs.current is live
    assert [r.run_id for r in runs] == list(range(1, 102))
    runs.clear_finished()
    assert heard[-1] == (CLEARED, None) and list(runs) == [live]


def test_a_run_named_by_the_app_follows_its_lr_changes_and_one_named_by_hand_keeps_its_name():
    runs = Runs()
    cfg = TrainConfig(**SMALL, lr=1e-6)
    automatic = runs.add(Run("", cfg, np.arange(2), np.ones(2)))
    labelled = runs.add(Run(run_label(cfg), cfg, np.arange(2), np.ones(2)))
    given = runs.add(Run("baseline", cfg, np.arange(2), np.ones(2)))
    for run in (automatic, labelled, given):
        runs.change_lr(1, 1e-7, run)
    assert automatic.name == labelled.name == run_label(cfg, ((1, 1e-7),)) == "tensors, sgd-manual, lr 1e-06 → 1e-07"
    assert given.name == "baseline"
    runs.rename(automatic, "by hand")
    runs.change_lr(1, 1e-8, automatic)
    assert automatic.name == "by hand"


def test_the_runs_shown_are_the_current_one_and_the_most_recent_visible_ones():
    runs = Runs(finished_run(i) for i in range(10))
    live = runs.begin(TrainConfig(**SMALL))
    later = runs.extend(finished_run(i) for i in range(10, 15))
    for run in (runs[8], later[3]):
        runs.set_visible(run, False)
    shown = runs.shown(5)
    assert shown == [live, later[0], later[1], later[2], later[4]]  # in the runs' order
    assert runs.shown(1) == [live]
    runs.set_visible(live, False)
    assert runs.shown(3) == [later[1], later[2], later[4]]
    assert runs.shown(30) == [r for r in runs if r.visible]


def test_a_saved_run_is_a_copy_as_a_file_keeps_it():
    runs = Runs()
    live = runs.begin(TrainConfig(**SMALL))
    runs.append(np.arange(2), np.array([2.0, 1.0]))
    live.steps_per_s, live.elapsed_s = 50.0, 1.0
    (saved,) = runs.saved()
    assert saved is not live and (saved.outcome, saved.steps_per_s, saved.elapsed_s) == ("recorded", 0.0, 0.0)
    runs.append(np.arange(2, 4), np.array([0.5, 0.25]))
    assert len(saved.history) == 2 and len(live.history) == 4  # the copy keeps what it was
    runs.begin(TrainConfig(**SMALL))  # no step yet: not saved
    assert len(runs.saved()) == 1


def test_the_file_record_of_a_run_is_the_run(tmp_path):
    assert RecordedRun is Run
    run = finished_run(2)
    path = tmp_path / "one.json"
    save_experiment(path, Experiment(run.config, (run,)))
    (back,) = load_experiment(path).runs
    assert isinstance(back, Run) and back.history.first_step == run.history.first_step
    np.testing.assert_array_equal(back.steps, run.steps)
    np.testing.assert_array_equal(back.losses, run.losses)


# -- the views ---------------------------------------------------------------------------------
@pytest.fixture
def plot(qtbot):
    from playground.gui.loss_plot import LossPlot

    p = LossPlot()
    qtbot.addWidget(p)
    p.resize(900, 500)
    p.show()
    qtbot.waitExposed(p)
    return p


def test_the_plot_draws_the_runs_it_views_and_follows_their_changes(plot):
    from playground.gui.loss_plot import MAX_RUNS

    runs = plot.runs
    first = runs.add(finished_run(1))
    live = runs.begin(TrainConfig(**SMALL))
    older = runs.extend(finished_run(i) for i in range(2, 2 + MAX_RUNS))
    drawn = plot.drawn_runs()
    assert len(drawn) == MAX_RUNS and live in drawn and first not in drawn  # the current run always
    assert drawn == [live, *older[-(MAX_RUNS - 1):]]
    curve = plot.drawing(older[-1]).curve
    runs.set_visible(older[-1], False)
    assert plot.drawing(older[-1]) is None and curve not in plot.plot_item.listDataItems()
    assert plot.is_drawn(older[0])  # one more fits now
    runs.rename(live, "live one")
    assert plot.legend.getLabel(plot.drawing(live).curve).text == "live one"
    runs.remove(live)
    assert not plot.is_drawn(live) and len(plot.drawn_runs()) == MAX_RUNS
    legend = [label.text for _, label in plot.legend.items]
    assert legend == [r.name for r in plot.drawn_runs()]


def test_thousands_of_lr_changes_get_a_bounded_number_of_marker_lines(plot):
    from playground.gui.loss_plot import MAX_MARKER_LINES

    runs = plot.runs
    changes = tuple((2 * k, 1e-6 * (1 + k % 9)) for k in range(5000))
    run = runs.add(Run("many", TrainConfig(**SMALL, steps=10_000), np.arange(10_000), np.linspace(10, 1, 10_000),
                       changes))

    def marker_lines() -> list[pg.InfiniteLine]:
        return [item for item in plot.plot_item.items
                if isinstance(item, pg.InfiniteLine) and item not in (plot._vline, plot._hline)]

    plot.redraw()
    lines = plot.drawing(run).markers
    assert 1 <= len(lines) <= MAX_MARKER_LINES and marker_lines() == lines
    counted = sum(int(line.toolTip().split(" ", 1)[0]) for line in lines)
    assert counted == 5000  # every change is one line's, said in its tooltip
    assert all(line.toolTip().count("lr →") <= 20 for line in lines)
    # zoomed in, the few changes in view get a line each, at their steps
    plot.plot_item.getViewBox().setXRange(999.5, 1020.5, padding=0)
    plot.redraw()
    steps = sorted(line.value() for line in plot.drawing(run).markers)
    assert steps == [float(s) for s, _ in changes if 1000 <= s <= 1020]
    assert [line.toolTip() for line in plot.drawing(run).markers] == \
        [f"lr → {lr:g}" for s, lr in changes if 1000 <= s <= 1020]
    runs.change_lr(10_001, 1e-3, run)  # a change is placed at the next redraw, not as it comes
    assert len(marker_lines()) == len(steps)


@pytest.fixture
def window(qtbot):
    from playground.gui.main_window import MainWindow
    from playground.gui.settings import Settings

    w = MainWindow(Settings(config=TrainConfig(**SMALL)))
    qtbot.addWidget(w)
    yield w
    w.controller.shutdown(3000)


def run_entries(path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["runs"]


def test_an_experiment_of_more_runs_than_the_plot_draws_saves_back_every_run(window, tmp_path):
    from playground.gui.loss_plot import MAX_RUNS

    originals = tuple(finished_run(i) for i in range(60))
    assert len(originals) > MAX_RUNS
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    save_experiment(first, Experiment(TrainConfig(**SMALL), originals))
    assert window.open_experiment(str(first))
    assert len(window.runs) == 60 and window.run_history.table.model().rowCount() == 60
    assert len(window.plot.drawn_runs()) == MAX_RUNS
    assert window.save_experiment(str(second))
    saved, written = run_entries(second), run_entries(first)
    assert len(saved) == 60
    for i, (again, before) in enumerate(zip(saved, written, strict=True)):
        if before["name"] == "":  # a name the app makes is written out the second time
            assert again.pop("name") == run_label(originals[i].config, originals[i].lr_changes)
            before.pop("name")
        if before["colour"] == "":  # and so is the colour it was given
            assert again.pop("colour").startswith("#")
            before.pop("colour")
        assert again == before, i


def test_csv_export_and_a_language_switch_have_every_run(qtbot, tmp_path):
    from playground.gui import i18n
    from playground.gui.main_window import MainWindow
    from playground.gui.settings import Settings

    window = MainWindow(Settings(config=TrainConfig(**SMALL)))  # closed by the switch: no fixture to stop it
    qtbot.addWidget(window)
    path = tmp_path / "runs.json"
    save_experiment(path, Experiment(TrainConfig(**SMALL), tuple(finished_run(i) for i in range(30))))
    assert window.open_experiment(str(path))
    window.runs.set_visible(window.runs[29], False)
    rows = list(csv.DictReader(io.StringIO(window.runs_csv())))
    assert len({row["run"] for row in rows}) == 30 and len(rows) == 30 * 30
    new = i18n.rebuild_window(window)
    qtbot.addWidget(new)
    try:
        assert [r.name for r in new.runs] == [r.name for r in window.runs]
        for a, b in zip(window.runs, new.runs, strict=True):
            np.testing.assert_array_equal(a.steps, b.steps)
            assert (a.outcome, a.colour, a.lr_changes, a.note, a.visible) == \
                (b.outcome, b.colour, b.lr_changes, b.note, b.visible)
    finally:
        new.controller.shutdown(3000)


def test_opening_many_runs_refreshes_the_table_and_the_plot_once(window, qtbot, tmp_path):
    path = tmp_path / "many.json"
    save_experiment(path, Experiment(TrainConfig(**SMALL), tuple(finished_run(i, 5) for i in range(200))))
    model = window.run_history.table.model()
    resets, inserts, plot_changes = [], [], []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsInserted.connect(lambda *_: inserts.append(1))
    window.plot.runsChanged.connect(lambda: plot_changes.append(1))
    assert window.open_experiment(str(path))
    assert (len(resets), len(inserts), len(plot_changes)) == (1, 0, 1)
    assert model.rowCount() == 200


def test_the_table_lists_every_run_and_says_which_are_not_drawn(window):
    from playground.gui.loss_plot import MAX_RUNS

    window.runs.extend(finished_run(i) for i in range(MAX_RUNS + 5))
    model = window.run_history.table.model()

    def tooltip(row: int) -> str | None:
        return model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)

    assert model.rowCount() == MAX_RUNS + 5
    assert [tooltip(row) is not None for row in range(model.rowCount())] == [True] * 5 + [False] * MAX_RUNS
    assert "not drawn" in tooltip(0) and model.data(model.index(0, 0), Qt.ItemDataRole.FontRole).italic()
    model.setData(model.index(MAX_RUNS + 4, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert not window.runs[MAX_RUNS + 4].visible and window.plot.is_drawn(window.runs[4])
    assert tooltip(4) is None and tooltip(MAX_RUNS + 4) is None  # drawn now; and unticked, so not missed
