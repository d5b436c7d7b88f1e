"""Time travel (core/snapshots.py, gui/time_travel.py): the inspector at a recorded step k shows
what it showed for a run stopped at k; the record keeps within its budget without losing the
first, the last, the steps around an lr change or a divergence; it is saved only when asked."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
from PySide6.QtCore import Qt

from playground.core.config import TrainConfig
from playground.core.gradstats import Histogram, ParamStats, StepStats
from playground.core.loop import Trainer
from playground.core.persistence import Experiment, load_experiment, save_experiment
from playground.core.snapshots import Snapshot, SnapshotRecorder, stats_bytes

STEPS = 40


def full_run(cfg: TrainConfig, **kwargs) -> list:
    return list(Trainer(cfg).batches(**kwargs))


def assert_stats_equal(a: StepStats, b: StepStats) -> None:
    assert (a.step, a.lr) == (b.step, b.lr)
    for p, q in zip(a.params, b.params, strict=True):
        assert (p.name, p.shape) == (q.name, q.shape)
        assert (p.weight_norm, p.grad_norm, p.grad_mean, p.grad_std, p.grad_max_abs, p.update_ratio) == (
            q.weight_norm, q.grad_norm, q.grad_mean, q.grad_std, q.grad_max_abs, q.update_ratio)
        for h, g in ((p.grad_hist, q.grad_hist), (p.weight_hist, q.weight_hist)):
            assert np.array_equal(h.counts, g.counts) and np.array_equal(h.edges, g.edges)
        assert np.array_equal(p.grad_preview, q.grad_preview)


def test_the_record_at_step_k_equals_a_run_stopped_at_k():
    cfg = TrainConfig(steps=STEPS)
    rec = SnapshotRecorder()
    for batch in full_run(cfg, stats_every=1):
        rec.feed(batch)
    assert rec.steps == list(range(STEPS))
    for k in (0, 17, STEPS - 1):
        stopped = list(Trainer(cfg).batches(max_steps=k + 1, stats_seconds=None))  # stops after step k
        assert stopped[-1].step == k + 1
        state = rec.state_at(k)
        assert state.snapshot.step == k
        assert_stats_equal(state.snapshot.stats, stopped[-1].stats[-1])
        # Every step up to 128 has its norms sampled; at step k the statistics' own norms stand.
        norm_steps = np.concatenate([b.norm_steps for b in stopped])
        norms = np.concatenate([b.grad_norms for b in stopped])
        assert np.array_equal(state.norm_steps, norm_steps)
        assert np.array_equal(state.grad_norms[-1], [p.grad_norm for p in stopped[-1].stats[-1].params])
        assert np.allclose(state.grad_norms, norms, rtol=1e-6)
    assert pickle.loads(pickle.dumps(rec.snapshots[5])).step == 5  # plain data, crosses processes


def _table(inspector) -> list[list[str]]:
    t = inspector.table
    return [[t.item(r, c).text() if t.item(r, c) else "" for c in range(t.columnCount())]
            for r in range(t.rowCount())]


def test_the_scrubbed_inspector_shows_what_a_run_stopped_at_k_showed(qtbot):
    from playground.gui.inspector import GradientInspector
    from playground.gui.loss_plot import LossPlot
    from playground.gui.time_travel import TimeTravelBar

    cfg = TrainConfig(steps=STEPS)
    k = 23
    watched = GradientInspector()  # the inspector of the same run stopped at k
    qtbot.addWidget(watched)
    for b in Trainer(cfg).batches(max_steps=k + 1, stats_every=1):
        watched.show_batch(b.stats, b.norm_steps, b.grad_norms)
    inspector = GradientInspector()
    plot = LossPlot()
    qtbot.addWidget(inspector)
    qtbot.addWidget(plot)
    bar = TimeTravelBar(inspector, plot)
    qtbot.addWidget(bar)
    assert bar.slider.accessibleName() == "Time travel"
    for b in full_run(cfg, stats_every=1):
        bar.feed(b)
        inspector.show_batch(b.stats, b.norm_steps, b.grad_norms)
    assert inspector.shown_stats().step == STEPS - 1
    bar.slider.setValue(k)
    assert not bar.live and bar.marker.isVisible() and bar.marker.value() == k
    assert_stats_equal(inspector.shown_stats(), watched.shown_stats())
    assert _table(inspector) == _table(watched)
    for name, curve in watched.norm_curves.items():
        x, y = curve.getData()
        x2, y2 = inspector.norm_curves[name].getData()
        assert np.array_equal(x, x2) and np.array_equal(y, y2, equal_nan=True)
    x, y = watched.histogram_curve.getData()
    x2, y2 = inspector.histogram_curve.getData()
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    assert np.array_equal(inspector.heatmap_image.image, watched.heatmap_image.image)
    bar.go_live()
    assert bar.live and not bar.marker.isVisible()
    assert inspector.shown_stats().step == STEPS - 1


def test_after_a_divergence_the_bar_opens_at_the_last_finite_snapshot(qtbot):
    from playground.gui.inspector import GradientInspector
    from playground.gui.loss_plot import LossPlot
    from playground.gui.time_travel import TimeTravelBar

    inspector, plot = GradientInspector(), LossPlot()
    qtbot.addWidget(inspector)
    qtbot.addWidget(plot)
    bar = TimeTravelBar(inspector, plot)
    qtbot.addWidget(bar)
    batches = full_run(TrainConfig(lr=1e-4, steps=200), stats_every=1)
    for b in batches:
        bar.feed(b)
    last = batches[-1]
    assert last.divergence is not None
    bar.run_ended(last)
    shown = bar.state.snapshot
    assert not bar.live and shown.finite
    assert shown.step == bar.recorder.last_finite().step
    assert shown.step in (last.divergence.step - 1, last.divergence.step)
    assert all(not s.finite for s in bar.recorder.snapshots if s.step > shown.step)
    assert inspector.shown_stats() is shown.stats


def _fake_stats(step: int, size: int = 1000) -> StepStats:
    hist = Histogram(np.zeros(4, np.int64), np.linspace(0, 1, 5))
    p = ParamStats("w1", (size,), 1.0, 1.0, 0.0, 1.0, 1.0, 0.1, hist, hist, np.zeros((1, size)))
    return StepStats(step, 1e-6, (p,))


class _Batch:
    """The fields of a Batch the recorder reads."""

    def __init__(self, step, stats, lr_changes=(), divergence=None):
        self.steps = np.array([step])
        self.losses = np.array([1.0])
        self.stats = stats
        self.lr_changes = lr_changes
        self.norm_steps = np.empty(0, np.int64)
        self.grad_norms = np.empty((0, 1))
        self.divergence = divergence


def test_thinning_keeps_first_last_lr_changes_and_the_step_before_a_divergence():
    one = stats_bytes(_fake_stats(0))
    rec = SnapshotRecorder(budget_bytes=40 * one)
    for step in range(1000):
        changes = ((500, 1e-7),) if step == 500 else ()
        rec.feed(_Batch(step, (_fake_stats(step),), changes))
        assert rec.nbytes <= 40 * one
    steps = rec.steps
    assert steps[0] == 0 and steps[-1] == 999
    assert 499 in steps and 500 in steps  # either side of the lr change
    assert len(steps) > 10
    gaps = np.diff(steps)
    assert gaps.max() <= 4 * max(1, np.median(gaps))  # spread over the whole run

    class Div:
        step = 1003

    rec.feed(_Batch(1000, (_fake_stats(1000),)))
    rec.feed(_Batch(1001, (_fake_stats(1001),)))
    rec.feed(_Batch(1002, (_fake_stats(1002),), divergence=Div()))
    for step in range(1003, 1100):
        rec.feed(_Batch(step, (_fake_stats(step),)))
    assert 1002 in rec.steps and 499 in rec.steps and 500 in rec.steps and rec.steps[0] == 0


def test_nearest_picks_the_closest_recorded_step():
    rec = SnapshotRecorder()
    for step in (0, 10, 30):
        rec.add(Snapshot(step, 1.0, _fake_stats(step, 4)))
    assert [rec.nearest(s).step for s in (-5, 4, 6, 19, 21, 500)] == [0, 0, 10, 10, 30, 30]


@pytest.mark.parametrize("asked", [True, False])
def test_snapshots_are_saved_only_when_asked_and_reopen(tmp_path, asked):
    cfg = TrainConfig(steps=12)
    rec = SnapshotRecorder()
    for b in full_run(cfg, stats_every=3):
        rec.feed(b)
    path = tmp_path / "exp.json"
    save_experiment(path, Experiment(cfg, snapshots=rec if asked else None))
    back = load_experiment(path).snapshots
    if not asked:
        assert back is None
        return
    assert back.steps == rec.steps == [0, 3, 6, 9, 11]
    for a, b in zip(rec.snapshots, back.snapshots, strict=True):
        assert_stats_equal(a.stats, b.stats)
        assert a.loss == b.loss
    for step in (0, 5, 11):
        s1, s2 = rec.state_at(step), back.state_at(step)
        assert np.array_equal(s1.norm_steps, s2.norm_steps) and np.array_equal(s1.grad_norms, s2.grad_norms)


def test_in_the_window_a_diverged_run_opens_at_the_last_finite_step_and_live_snaps_back(make_window, qtbot,
                                                                                        tmp_path):
    from playground.gui.controller import FINISHED

    w = make_window(TrainConfig(N=16, D_in=40, H=12, D_out=4, steps=500, lr=1.0))
    w.start_or_resume()
    qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=20000)
    last = w._last_batch
    assert last.reason == "diverged"
    bar = w.time_travel
    assert not bar.live and bar.live_button.isEnabled()
    shown = bar.state.snapshot
    assert shown.finite and shown.step == bar.recorder.last_finite().step
    assert shown.step < last.divergence.step
    assert bar.marker.isVisible() and bar.marker.value() == shown.step
    assert w.inspector.shown_stats() is shown.stats
    assert "diverged at step" in w.banner.label.text()  # the divergence is still explained
    bar.slider.setValue(0)
    assert w.inspector.shown_stats().step == bar.recorder.snapshots[0].step == 0
    w.network.draw_now()
    assert w.network.data.step == 0  # the network diagram travels with the inspector
    qtbot.mouseClick(bar.live_button, Qt.MouseButton.LeftButton)
    assert bar.live and not bar.marker.isVisible()
    assert w.inspector.shown_stats() is bar.recorder.snapshots[-1].stats

    path = str(tmp_path / "with-snapshots.json")
    w.act_save_snapshots.setChecked(True)
    assert w.save_experiment(path)
    other = make_window()
    assert other.open_experiment(path)
    assert other.time_travel.recorder.steps == bar.recorder.steps
    assert other.time_travel.state.snapshot.step == shown.step  # a classmate's run, at the same place
    assert_stats_equal(other.inspector.shown_stats(), shown.stats)


def test_a_paced_run_takes_statistics_all_through_for_time_travel():
    from playground.core.loop import snapshot_sampled

    trainer = Trainer(TrainConfig(steps=300), pace=1e9)  # paced (as the window trains), never waiting
    taken = {s.step for b in trainer.batches() for s in b.stats}
    wanted = {s for s in range(300) if snapshot_sampled(s)}
    assert wanted <= taken
    assert {0, 1, 63, 64, 66, 128, 132, 256, 264} <= wanted and 65 not in wanted and 130 not in wanted
    assert len(wanted) == 64 + 32 + 32 + 6  # every step to 64, then 32 per doubling


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d["snapshots"]["snapshots"][0].update(step=-1), "snapshots.snapshots[0]"),
    (lambda d: d["snapshots"]["snapshots"][1]["params"][0].update(numbers=[1, 2]), "params[0].numbers"),
    (lambda d: d["snapshots"]["snapshots"][0]["params"][0].update(grad_preview=[0.0]), "grad_preview"),
    (lambda d: d["snapshots"].update(norm_steps=[3, 1]), "norm_steps"),
])
def test_damaged_snapshots_in_a_file_are_refused_naming_the_place(tmp_path, change, words):
    from playground.core.persistence import ExperimentError

    cfg = TrainConfig(steps=4)
    rec = SnapshotRecorder()
    for b in full_run(cfg, stats_every=1):
        rec.feed(b)
    path = tmp_path / "exp.json"
    save_experiment(path, Experiment(cfg, snapshots=rec))
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    with pytest.raises(ExperimentError) as info:
        load_experiment(path)
    assert words in str(info.value)
