"""Experiments, exports and the run history, from the window."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from playground.core.config import TrainConfig
from playground.core.persistence import Experiment, RecordedRun, load_experiment, save_experiment
from playground.gui.controller import FINISHED
from playground.gui.main_window import MainWindow
from playground.gui.settings import Settings

SMALL = dict(N=16, D_in=40, H=12, D_out=4)


def cell(w: MainWindow, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    """What the Runs table shows in a cell (its text unless another role is asked for)."""
    model = w.run_history.table.model()
    return model.data(model.index(row, column), role)


@pytest.fixture
def errors(monkeypatch):
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: shown.append((title, text)))
    return shown


@pytest.fixture
def window_with_runs(qtbot):
    w = MainWindow(Settings(config=TrainConfig(**SMALL, steps=40)))
    qtbot.addWidget(w)
    w.start_or_resume()
    qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=10000)
    w.controls.lr.setValue(2e-6)
    w.start_or_resume()
    qtbot.waitUntil(lambda: w.controller.state == FINISHED and len(w.plot.runs) == 2, timeout=10000)
    yield w
    w.controller.shutdown(3000)


def test_save_and_open_round_trip(window_with_runs, qtbot, tmp_path, errors):
    w = window_with_runs
    path = tmp_path / "exp.json"
    assert w.save_experiment(str(path))
    data = json.loads(path.read_text())
    assert data["format"] == "backprop-playground-experiment" and len(data["runs"]) == 2
    exp = load_experiment(path)
    assert exp.config == w.controls.config()
    w2 = MainWindow(Settings(config=TrainConfig(style="module")))
    qtbot.addWidget(w2)
    assert w2.open_experiment(str(path))
    assert w2.controls.config() == exp.config
    assert [r.name for r in w2.plot.runs] == [r.name for r in w.plot.runs]
    for a, b in zip(w.plot.runs, w2.plot.runs, strict=True):
        np.testing.assert_array_equal(a.history.losses, b.history.losses)
        assert (b.outcome, b.colour, b.steps_per_s, b.elapsed_s) == \
            ("completed", a.colour, a.steps_per_s, a.elapsed_s)
    assert [cell(w2, row, 8) for row in range(2)] == ["completed", "completed"]
    assert [cell(w2, row, 8, Qt.ItemDataRole.ToolTipRole) for row in range(2)] == [None, None]
    assert errors == []


def test_save_without_history_keeps_only_the_configuration(window_with_runs, tmp_path):
    w = window_with_runs
    w.act_save_history.setChecked(False)
    path = tmp_path / "cfg.json"
    assert w.save_experiment(str(path))
    assert "runs" not in json.loads(path.read_text())


@pytest.mark.parametrize("content", [
    b"",
    b"{\"format\": \"backprop-playground-experiment\", \"format_version\": 1, \"config\": {\"N\": 6",
    b"\x89PNG\r\n\x1a\n\x00\x00binary",
    b"[1, 2, 3]",
    b"{\"format\": \"something-else\"}",
    b"{\"format\": \"backprop-playground-experiment\", \"format_version\": 1, \"config\": {\"N\": -4}}",
])
def test_bad_files_are_refused_and_change_nothing(qtbot, tmp_path, errors, content):
    w = MainWindow(Settings(config=TrainConfig(**SMALL)))
    qtbot.addWidget(w)
    before = w.controls.config()
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    assert not w.open_experiment(str(path))
    assert w.controls.config() == before and list(w.runs) == []
    assert len(errors) == 1 and errors[0][1]  # a message saying what is wrong


def test_truncated_save_is_refused_with_a_message_naming_json(window_with_runs, qtbot, tmp_path, errors):
    path = tmp_path / "exp.json"
    window_with_runs.save_experiment(str(path))
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    w = MainWindow(Settings(config=TrainConfig(**SMALL)))
    qtbot.addWidget(w)
    assert not w.open_experiment(str(path))
    assert "not valid JSON" in errors[0][1]


def test_save_to_unwritable_place_reports_and_keeps_working(window_with_runs, tmp_path, errors):
    assert not window_with_runs.save_experiment(str(tmp_path / "missing-folder" / "exp.json"))
    assert "missing-folder" in errors[0][1]


def test_csv_export_has_every_run_at_full_precision(window_with_runs, tmp_path):
    w = window_with_runs
    path = tmp_path / "all.csv"
    assert w.export_csv(str(path))
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert len(rows) == 80
    first = [float(r["loss"]) for r in rows if r["run"] == str(w.plot.runs[0].run_id)]
    np.testing.assert_array_equal(first, w.plot.runs[0].history.losses)


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_plot_exports_as_image(window_with_runs, tmp_path, suffix, magic):
    path = tmp_path / f"plot{suffix}"
    assert window_with_runs.export_plot(str(path))
    assert path.read_bytes().startswith(magic)


def test_run_history_hides_renames_and_deletes(window_with_runs):
    w = window_with_runs
    panel = w.run_history
    model = panel.table.model()
    assert model.rowCount() == 2
    curve = w.plot.drawing(w.runs[0]).curve
    assert model.setData(model.index(0, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert not w.runs[0].visible and w.plot.drawing(w.runs[0]) is None
    assert curve not in w.plot.plot_item.listDataItems()  # off the plot
    assert model.setData(model.index(1, 0), "adam baseline", Qt.ItemDataRole.EditRole)
    assert w.runs[1].name == "adam baseline"
    assert "adam baseline" in [label.text for _, label in w.plot.legend.items]
    panel.table.selectRow(0)
    panel.delete_selected()
    assert len(w.runs) == 1 and model.rowCount() == 1
    assert cell(w, 0, 5) == f"{w.runs[0].history.last:.4g}"


def test_lr_change_markers_are_saved_with_the_run(qtbot, tmp_path):
    w = MainWindow(Settings(config=TrainConfig(**SMALL, steps=30)))
    qtbot.addWidget(w)
    for _ in range(5):
        w.step_once()
        qtbot.waitUntil(lambda: not w.controller.busy, timeout=5000)
    w.controls.lr.setValue(3e-6)
    w.start_or_resume()
    qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=10000)
    path = tmp_path / "e.json"
    w.save_experiment(str(path))
    assert load_experiment(path).runs[0].lr_changes == ((5, 3e-6),)


def test_a_reopened_experiment_saves_back_unchanged(qtbot, tmp_path, errors):
    cfg = TrainConfig(**SMALL, steps=300, lr=1e-6)
    run = RecordedRun("too hot", cfg, np.arange(100, 200), np.logspace(0, 40, 100), ((150, 1e-5),),
                      "lr raised at 150", "diverged", 199, "#9467bd", 1234.0, 2.5)
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    save_experiment(first, Experiment(cfg, (run,)))
    w = MainWindow(Settings(config=TrainConfig(**SMALL)))
    qtbot.addWidget(w)
    assert w.open_experiment(str(first))
    row = [cell(w, 0, c) for c in range(w.run_history.table.model().columnCount())]
    assert row[0] == "too hot" and row[6] == "1,234" and row[7] == "2.5 s" and row[8] == "diverged at step 199"
    assert w.plot.runs[0].colour == "#9467bd"
    assert w.save_experiment(str(second))
    assert json.loads(second.read_text())["runs"] == json.loads(first.read_text())["runs"]
    assert errors == []


def test_a_diverged_run_is_reopened_as_diverged_at_its_step(qtbot, tmp_path):
    w = MainWindow(Settings(config=TrainConfig(**SMALL, steps=500, lr=1.0)))
    qtbot.addWidget(w)
    w.start_or_resume()
    qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=10000)
    divergence = w._last_batch.divergence
    assert divergence is not None
    shown = f"diverged at step {divergence.step}"
    assert cell(w, 0, 8) == shown
    path = tmp_path / "e.json"
    assert w.save_experiment(str(path))
    w2 = MainWindow(Settings(config=TrainConfig(**SMALL)))
    qtbot.addWidget(w2)
    assert w2.open_experiment(str(path))
    assert cell(w2, 0, 8) == shown
    assert cell(w2, 0, 6) == cell(w, 0, 6) != "–"
    assert w2.plot.runs[0].colour == w.plot.runs[0].colour
    w.controller.shutdown(3000)
