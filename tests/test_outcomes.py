"""How a run ended: one table (core/outcomes.py) that the loop, the files and the window read."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import QTranslator

from playground.core.config import TrainConfig
from playground.core.loop import Trainer
from playground.core.outcomes import END_REASONS, OUTCOME_LABELS, OUTCOMES, UNKNOWN_OUTCOME
from playground.core.persistence import (
    Experiment,
    ExperimentError,
    RecordedRun,
    experiment_from_dict,
    experiment_to_dict,
)
from playground.gui.controller import FINISHED
from playground.gui.main_window import MainWindow
from playground.gui.settings import Settings

SMALL = dict(N=8, D_in=12, H=6, D_out=3, device="cpu")


def _last(trainer: Trainer, **kwargs):
    return list(trainer.batches(**kwargs))[-1]


def test_the_loop_ends_a_run_for_an_end_reason_only():
    ends = {}
    ends["completed"] = _last(Trainer(TrainConfig(**SMALL, steps=3, lr=1e-3)))
    paused_trainer = Trainer(TrainConfig(**SMALL, steps=10, lr=1e-3))
    paused = _last(paused_trainer, max_steps=2)
    paused_trainer.request_stop()
    ends["stopped"] = _last(paused_trainer)
    ends["diverged"] = _last(Trainer(TrainConfig(**SMALL, steps=200, lr=1e6)))
    ends["error"] = _last(Trainer(TrainConfig(**SMALL, steps=3, optimizer="sgd-manual",
                                              mistake="update-outside-no-grad")))
    assert {reason: batch.reason for reason, batch in ends.items()} == {r: r for r in END_REASONS}
    assert all(batch.done for batch in ends.values())
    assert (paused.reason, paused.done) == ("paused", False) and paused.reason not in OUTCOMES


def _file_with_outcome(outcome: str) -> dict:
    cfg = TrainConfig(**SMALL, steps=2)
    run = RecordedRun("r", cfg, np.arange(2), np.array([2.0, 1.0]), outcome=outcome)
    return experiment_to_dict(Experiment(cfg, runs=(run,)))


def test_a_file_holds_exactly_the_outcomes_of_the_table():
    for outcome in OUTCOMES:
        assert experiment_from_dict(_file_with_outcome(outcome)).runs[0].outcome == outcome
    data = _file_with_outcome(UNKNOWN_OUTCOME)
    del data["runs"][0]["outcome"]
    assert experiment_from_dict(data).runs[0].outcome == UNKNOWN_OUTCOME  # a file from before outcomes
    with pytest.raises(ExperimentError, match="outcome must be one of " + ", ".join(OUTCOMES)):
        experiment_from_dict(_file_with_outcome("paused"))


class _OutcomeMarker(QTranslator):
    """Translates the "Outcome" context only, as [text]: shows which words come from the table."""

    def translate(self, context, source, disambiguation=None, n=-1):  # noqa: ARG002 - Qt's signature
        return f"[{source}]" if context == "Outcome" else None


@pytest.fixture
def marked(qapp):
    marker = _OutcomeMarker()
    qapp.installTranslator(marker)
    yield
    qapp.removeTranslator(marker)


def test_the_window_words_every_outcome_from_the_table_translated(qtbot, marked):
    w = MainWindow(Settings(config=TrainConfig(**SMALL, steps=3, lr=1e-3)))
    qtbot.addWidget(w)
    w.start_or_resume()
    qtbot.waitUntil(lambda: w.controller.state == FINISHED, timeout=10000)
    ended = w._last_batch
    assert w.status_labels["state"].text() == "[completed]"
    for reason in END_REASONS:
        w._show_status(dataclasses.replace(ended, reason=reason))
        assert w.status_labels["state"].text() == f"[{OUTCOME_LABELS[reason]}]", reason
    cfg = TrainConfig(**SMALL, steps=2)
    for outcome in OUTCOMES:
        w.plot.add_recorded(RecordedRun(outcome, cfg, np.arange(2), np.array([2.0, 1.0]), outcome=outcome))
    table = w.run_history.table.model()
    shown = [table.index(row, 8).data() for row in range(1, table.rowCount())]
    assert shown == [f"[{OUTCOME_LABELS[o]}]" for o in OUTCOMES]
    assert OUTCOME_LABELS["error"] == "failed"  # what a person reads for an error
    w.controller.shutdown(3000)
