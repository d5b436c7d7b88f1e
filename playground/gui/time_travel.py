"""The "Time travel" scrubber: the inspector at any recorded step of the run.

A :class:`TimeTravelBar` sits under the loss plot.  It keeps the run's
:class:`~playground.core.snapshots.SnapshotRecorder` (fed every batch by the window);
dragging its slider moves the inspector (table, histograms, heat map, norm history) and
its followers (the network diagram) to the recorded state nearest the chosen step and marks that step on the loss plot;
*Live* snaps back to the present.  While the bar is not live the window stops
handing new batches to the inspector and the diagram (the recorder still takes them).  After a
divergence the bar opens at the last finite snapshot: the step before the blow-up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from ..core.snapshots import SnapshotRecorder, TravelState


class TimeTravelBar(QWidget):
    """Slider over the run's steps, a read-out and a *Live* button."""

    #: The step of the state shown, or -1 when back to live.
    travelled = Signal(int)

    def __init__(self, inspector, plot, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inspector = inspector
        self.plot = plot
        self.recorder = SnapshotRecorder()
        self.live = True
        self.state: TravelState | None = None
        #: Other views of a step's statistics (the network diagram): called with the recorded
        #: StepStats when travelling, and with the newest when back to live.
        self.followers: list[Callable[[Any], None]] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        title = QLabel(self.tr("Time travel"), self)
        layout.addWidget(title)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setAccessibleName(self.tr("Time travel"))
        self.slider.setToolTip(self.tr("Drag back over the run: the inspector shows the gradients recorded "
                                       "nearest that step, and the loss plot marks it"))
        self.slider.setRange(0, 0)
        self.slider.setEnabled(False)
        title.setBuddy(self.slider)
        layout.addWidget(self.slider, 1)
        self.readout = QLabel(self.tr("live"), self)
        self.readout.setAccessibleName(self.tr("Time travel step"))
        self.readout.setMinimumWidth(self.readout.fontMetrics().horizontalAdvance("step 0000000 (live)"))
        layout.addWidget(self.readout)
        self.live_button = QPushButton(self.tr("Live"), self)
        self.live_button.setAccessibleName(self.tr("Live"))
        self.live_button.setToolTip(self.tr("Back to the present: the inspector follows the run again"))
        self.live_button.setEnabled(False)
        self.live_button.clicked.connect(self.go_live)
        layout.addWidget(self.live_button)
        self.setAccessibleName(self.tr("Time travel"))
        self.slider.valueChanged.connect(self._on_slider_moved)
        self.marker = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#c03", width=2))
        self.marker.setZValue(90)
        self.marker.hide()
        plot.plot_item.addItem(self.marker, ignoreBounds=True)

    # -- feeding ---------------------------------------------------------------
    def reset(self) -> None:
        """A new run: forget the record and follow the present."""
        self.recorder.clear()
        self._set_live_look(True)
        self._set_range(0)

    def feed(self, batch) -> None:
        """Record a batch of the current run."""
        self.recorder.feed(batch)
        self._set_range(max(0, self.recorder.last_step))

    def run_ended(self, batch) -> None:
        """After a divergence, open at the last finite snapshot (the step before the blow-up)."""
        if batch.divergence is None:
            return
        snap = self.recorder.last_finite()
        if snap is not None:
            self.travel_to(snap.step)

    def load(self, recorder: SnapshotRecorder) -> None:
        """A record read from a file (a classmate's run): opens at its last finite snapshot."""
        self.recorder = recorder
        last = max([recorder.last_step, *recorder.steps, 0])
        self._set_range(last)
        snap = recorder.last_finite() or (recorder.snapshots[-1] if recorder.snapshots else None)
        if snap is not None:
            self.travel_to(snap.step)

    # -- travelling ------------------------------------------------------------
    def travel_to(self, step: int) -> TravelState | None:
        """Show the recorded state nearest ``step``; None when nothing is recorded."""
        state = self.recorder.state_at(step)
        if state is None:
            return None
        self.state = state
        self._set_live_look(False)
        self.slider.blockSignals(True)
        self.slider.setValue(int(step))
        self.slider.blockSignals(False)
        snap = state.snapshot
        self.inspector.show_state(snap.stats, state.norm_steps, state.grad_norms)
        for follow in self.followers:
            follow(snap.stats)
        self.marker.setValue(snap.step)
        self.marker.show()
        self.readout.setText(self.tr("step {0}").format(snap.step))
        self.travelled.emit(snap.step)
        return state

    @Slot()
    def go_live(self) -> None:
        """Back to the present: the inspector shows the newest statistics and the whole norm history."""
        was_live = self.live
        self._set_live_look(True)
        self.state = None
        self._set_range(max(0, self.recorder.last_step))
        if not was_live and self.recorder.snapshots:
            newest = self.recorder.snapshots[-1]
            steps, norms = self.recorder.norms_until(self.recorder.last_step)
            self.inspector.show_state(newest.stats, steps, norms)
            for follow in self.followers:
                follow(newest.stats)
        self.travelled.emit(-1)

    # -- internals -------------------------------------------------------------
    def _set_live_look(self, live: bool) -> None:
        self.live = live
        self.live_button.setEnabled(not live)
        if live:
            self.marker.hide()
            self.readout.setText(self.tr("live"))

    def _set_range(self, last: int) -> None:
        self.slider.blockSignals(True)
        self.slider.setRange(0, last)
        if self.live:
            self.slider.setValue(last)
        self.slider.blockSignals(False)
        self.slider.setEnabled(bool(self.recorder.snapshots))

    @Slot(int)
    def _on_slider_moved(self, value: int) -> None:
        self.travel_to(value)
