"""The status bar's run figures: state, step, speed, time, device and the last loss."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from ..core.batch import Batch
from ..core.config import MAX_STEPS, TrainConfig
from ..core.machine import CPU_ONLY, MachineFacts
from ..core.outcomes import END_REASONS
from ..core.runs import Run
from .controller import FINISHED, IDLE, PAUSED, RUNNING
from .run_history import outcome_words

# Texts here keep the main window's translation context ("MainWindow"), as they were its own;
# lupdate needs the context and text literally in each translate() call.


def steps_text(total: int) -> str:
    """A run's length: ∞ for a run that trains until paused."""
    return "∞" if total >= MAX_STEPS else f"{total:,}"


class RunStatus:
    """Permanent labels in ``bar``; :meth:`show` fills them from the newest batch (or none)."""

    KEYS = ("state", "step", "speed", "elapsed", "device", "loss")

    def __init__(self, bar: QStatusBar, parent: QWidget) -> None:
        #: What the worker found (the window sets it once torch has loaded there).
        self.machine: MachineFacts = CPU_ONLY
        tips = {
            "state": QCoreApplication.translate("MainWindow", "What the training is doing"),
            "step": QCoreApplication.translate("MainWindow", "Steps done / steps in the run"),
            "speed": QCoreApplication.translate("MainWindow", "Training steps per second"),
            "elapsed": QCoreApplication.translate("MainWindow", "Time spent training in this run"),
            "device": QCoreApplication.translate("MainWindow", "Where the arithmetic runs"),
            "loss": QCoreApplication.translate("MainWindow", "The last loss"),
        }
        self.labels: dict[str, QLabel] = {}
        for key in self.KEYS:
            label = QLabel(parent)
            label.setToolTip(tips[key])
            label.setAccessibleName(tips[key])
            label.setMinimumWidth(70)
            bar.addPermanentWidget(label)
            self.labels[key] = label

    def show(self, state: str, batch: Batch | None, config: TrainConfig, current: Run | None) -> None:
        names = {IDLE: QCoreApplication.translate("MainWindow", "ready"), RUNNING: QCoreApplication.translate("MainWindow", "running"), PAUSED: QCoreApplication.translate("MainWindow", "paused"), FINISHED: QCoreApplication.translate("MainWindow", "finished")}
        text = names.get(state, state)
        if batch is not None and batch.done and batch.reason in END_REASONS:
            text = outcome_words(batch.reason)
        lab = self.labels
        lab["state"].setText(text)
        if batch is None:
            lab["step"].setText(f"0 / {steps_text(config.steps)}")
            lab["speed"].setText("–")
            lab["elapsed"].setText("–")
            lab["loss"].setText(QCoreApplication.translate("MainWindow", "loss –"))
            lab["device"].setText(self.machine.resolve(config))
            return
        lab["step"].setText(f"{batch.step:,} / {steps_text(batch.total)}")
        lab["speed"].setText(QCoreApplication.translate("MainWindow", "{0:,.0f} steps/s").format(batch.steps_per_s))
        lab["elapsed"].setText(f"{batch.elapsed:.1f} s")
        lab["device"].setText(batch.device)
        last = current.history.last if current is not None else None
        if last is None and len(batch.losses):
            last = float(batch.losses[-1])
        lab["loss"].setText(QCoreApplication.translate("MainWindow", "loss {0:.4g}").format(last) if last is not None else QCoreApplication.translate("MainWindow", "loss –"))
