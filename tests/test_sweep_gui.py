"""The Sweep tab: its cells equal ``train``, a stop keeps finished cells, a click opens a cell as a
run on the Training tab, and a sweep saved in an experiment reopens."""

from __future__ import annotations

import multiprocessing

import numpy as np
from PySide6.QtCore import QPointF, Qt

from playground.core.config import TrainConfig
from playground.core.sweep import NOT_RUN, Sweep, make_spec
from tests.test_sweep import assert_same_bits, train_losses

WAIT_MS = 120_000


def _tab(qtbot, base: TrainConfig, workers: int | None = None):
    from playground.gui.sweep_tab import SweepTab

    tab = SweepTab(lambda: base, workers=workers)
    qtbot.addWidget(tab)
    tab.show()
    return tab


def test_the_tabs_cells_equal_train(qtbot, tmp_path):
    tab = _tab(qtbot, TrainConfig(steps=30))
    assert tab.accessibleName() == "Sweep"
    tab.axis1.set_field("lr")
    tab.axis1.set_lr_range("1e-7", "1e-4", 2)  # 1e-4 diverges
    tab.axis2.set_field("H")
    tab.axis2.set_values("10, 100")
    qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)
    assert tab.running and tab.stop_button.isEnabled()
    qtbot.waitUntil(lambda: not tab.running, timeout=WAIT_MS)
    assert sorted(tab.results) == [0, 1, 2, 3]
    assert tab.progress.value() == 100
    for i, r in tab.results.items():
        assert r.config == TrainConfig(steps=30, lr=(1e-7, 1e-4)[i // 2], H=(10, 100)[i % 2])
        _code, expected = train_losses(r.config, tmp_path, f"gui{i}")
        assert_same_bits(r.losses, expected)
        x, y = tab.cells[i].curve.getData()  # the small plot draws log10 of its finite losses
        finite = np.isfinite(expected)
        assert np.array_equal(x, np.flatnonzero(finite).astype(float))
        assert np.allclose(y, np.log10(expected[finite]), rtol=1e-6)
    heat = tab.measure_values()
    assert heat.shape == (2, 2)
    assert np.allclose(heat[0], np.log10([tab.results[0].final_loss, tab.results[1].final_loss]), rtol=1e-9)
    assert np.all(np.isnan(heat[1]))  # the diverged row has no final loss: marked instead
    assert len(tab.heat_marks) == 2


def test_stop_keeps_finished_cells(qtbot, tmp_path):
    tab = _tab(qtbot, TrainConfig(steps=300, lr=1e-9), workers=1)  # lr small: H=4096 must not diverge
    tab.axis1.set_field("H")
    tab.axis1.set_values("1, 4096, 2")  # H=4096 takes about a tenth of a second a step
    tab.run()
    qtbot.waitUntil(lambda: tab.cells[1].progress.value() > 0, timeout=WAIT_MS)
    qtbot.mouseClick(tab.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.running, timeout=WAIT_MS)
    first, second, third = (tab.results[i] for i in range(3))
    assert first.reason == "completed"
    _code, expected = train_losses(first.config, tmp_path, "kept")
    assert_same_bits(first.losses, expected)
    assert second.reason == "stopped" and 0 < len(second.losses) < 300
    assert third.reason == NOT_RUN
    assert tab.run_button.isEnabled() and not tab.stop_button.isEnabled()


def test_a_click_opens_the_cell_as_a_run_and_a_saved_sweep_reopens(make_window, qtbot, tmp_path):
    spec = make_spec(TrainConfig(steps=15), {"lr": (1e-7, 1e-6), "H": (10, 20)})
    sweep = Sweep(spec, workers=0)
    results = sweep.run()
    w = make_window()
    w.sweep_tab.start(spec)  # in worker processes, as the Run button does
    qtbot.waitUntil(lambda: not w.sweep_tab.running, timeout=WAIT_MS)
    for r in results:  # the tab's cells trained the same numbers as in-process ones
        assert_same_bits(w.sweep_tab.results[r.index].losses, r.losses)
    w.tabs.setCurrentWidget(w.sweep_tab)
    cell = w.sweep_tab.cells[3]
    before = len(w.runs)
    qtbot.mouseClick(cell.title, Qt.MouseButton.LeftButton)  # the label passes the click to its cell
    assert len(w.runs) == before + 1
    run = w.runs[len(w.runs) - 1]
    assert run.config == results[3].config
    assert_same_bits(run.losses, results[3].losses)
    assert run.outcome == "completed"
    assert w.tabs.currentWidget() is w.training_tab
    assert w.controls.last_valid_config() == results[3].config
    assert w.plot.is_drawn(run)

    # The heat map's squares open their cells too: row lr 1e-7, column H 20 is cell 1.
    w.tabs.setCurrentWidget(w.sweep_tab)
    heat = w.sweep_tab.heat
    heat.getPlotItem().getViewBox().autoRange(padding=0)
    qtbot.wait(50)
    scene_point = heat.getPlotItem().getViewBox().mapViewToScene(QPointF(1.5, 0.5))
    qtbot.mouseClick(heat.viewport(), Qt.MouseButton.LeftButton, pos=heat.mapFromScene(scene_point))
    assert len(w.runs) == before + 2
    assert_same_bits(w.runs[len(w.runs) - 1].losses, results[1].losses)
    assert w.tabs.currentWidget() is w.training_tab

    path = str(tmp_path / "sweep.bpexp.json")
    assert w.save_experiment(path)
    other = make_window()
    assert other.open_experiment(path)
    tab = other.sweep_tab
    assert tab.spec == spec
    assert sorted(tab.results) == [0, 1, 2, 3]
    for r in results:
        assert_same_bits(tab.results[r.index].losses, r.losses)
        assert tab.cells[r.index].result is tab.results[r.index]


def test_closing_the_window_stops_a_running_sweep(make_window, qtbot):
    w = make_window()
    spec = make_spec(TrainConfig(steps=1_000_000, lr=1e-9), {"H": (10, 20)})
    w.sweep_tab.start(spec)
    qtbot.waitUntil(lambda: any(c.progress.value() > 0 for c in w.sweep_tab.cells), timeout=WAIT_MS)
    thread = w.sweep_tab._thread
    with qtbot.waitSignal(w.closed, timeout=10_000):
        w.close()
    assert not thread.is_alive()  # the workers stopped and the events thread ended with them
    assert w.sweep_tab.sweep.stopping
    for child in multiprocessing.active_children():
        child.join(5)
    assert not [c for c in multiprocessing.active_children() if c.name.startswith("SpawnProcess")]


def test_bad_grids_are_refused_in_the_message_line_naming_the_field(qtbot):
    tab = _tab(qtbot, TrainConfig(steps=5))
    tab.axis1.set_field("H")
    tab.axis1.set_values("10, 0")
    assert not tab.run() and not tab.running
    assert "H:" in tab.message.text()
    tab.axis1.set_values("")
    assert not tab.run()
    assert "H:" in tab.message.text() and "comma-separated" in tab.message.text()
    tab.axis1.set_field("lr")
    tab.axis1.set_lr_range("1e-7", "-1", 3)
    assert not tab.run()
    assert "lr:" in tab.message.text()
    assert tab.cells == [] and tab.spec is None  # nothing was started


def test_opening_a_saved_sweep_while_one_runs_stops_it_and_shows_the_saved_one(qtbot):
    from playground.core.sweep import SavedSweep

    saved_spec = make_spec(TrainConfig(steps=8), {"N": (4, 8)})
    saved = SavedSweep(saved_spec, tuple(Sweep(saved_spec, workers=0).run()))
    tab = _tab(qtbot, TrainConfig(steps=1_000_000, lr=1e-9))
    tab.axis1.set_field("H")
    tab.axis1.set_values("10, 20, 30")
    tab.run()
    qtbot.waitUntil(lambda: any(c.progress.value() > 0 for c in tab.cells), timeout=WAIT_MS)
    thread = tab._thread
    tab.load(saved)
    assert not thread.is_alive() and not tab.running and tab.run_button.isEnabled()
    qtbot.wait(300)  # events the stopped sweep had queued arrive now, and are ignored
    assert tab.spec == saved_spec and len(tab.cells) == 2
    assert sorted(tab.results) == [0, 1]
    for r in saved.results:
        assert_same_bits(tab.results[r.index].losses, r.losses)
    assert tab.axis1.field.currentData() == "N" and tab.axis1.values.text() == "4, 8"
