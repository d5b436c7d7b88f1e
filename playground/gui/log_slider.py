"""Sliders on a logarithmic scale with an exact, editable value beside them.

A learning rate spans 1e-8 .. 1 and a layer size 1 .. 65536: on a linear slider
the seed's values would sit in the first pixel.  The slider's integer positions
map onto log10 of the value range; the box beside it shows and accepts the exact
value.  superqt has labelled linear sliders but no log-scale one.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QSlider, QSpinBox, QVBoxLayout, QWidget

_TICKS = 1000
#: The learning-rate slider: 40 positions a decade, an arrow key moves a quarter decade
#: (x 10^(1/4)) and Page Up/Down a whole one; at 1 px a position, 40 px a decade.
TICKS_PER_DECADE = 40
QUARTER_DECADE = TICKS_PER_DECADE // 4


class _LogMap:
    def __init__(self, lo: float, hi: float, ticks: int = _TICKS) -> None:
        self.lo, self.hi = math.log10(lo), math.log10(hi)
        self.ticks = ticks

    def to_pos(self, value: float) -> int:
        value = max(value, 10**self.lo)
        frac = (math.log10(value) - self.lo) / (self.hi - self.lo)
        return round(min(max(frac, 0.0), 1.0) * self.ticks)

    def to_value(self, pos: int) -> float:
        return 10 ** (self.lo + (self.hi - self.lo) * pos / self.ticks)


class LogFloatSlider(QWidget):
    """A float on a log scale (the learning rate): slider plus a text box for the exact value.

    ``valueChanged`` fires for every accepted value; ``invalidText`` carries a
    message when the typed text is not a usable value (the previous value stays).
    """

    valueChanged = Signal(float)
    invalidText = Signal(str)

    def __init__(self, lo: float, hi: float, value: float, parent: QWidget | None = None,
                 stacked: bool = False) -> None:
        """``stacked``: the text box (and :attr:`top_row`, for a button beside it) above a
        slider of the whole width, at least 40 px a decade; else the two side by side."""
        super().__init__(parent)
        decades = math.log10(hi) - math.log10(lo)
        ticks = max(1, round(decades * TICKS_PER_DECADE))
        self._map = _LogMap(lo, hi, ticks)
        self._lo, self._hi = lo, hi
        self._value = value
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(0, ticks)
        self.slider.setSingleStep(QUARTER_DECADE)
        self.slider.setPageStep(TICKS_PER_DECADE)
        self.edit = QLineEdit(self)
        self.edit.setMaximumWidth(90)
        if stacked:
            self.slider.setMinimumWidth(ticks)
            self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
            self.slider.setTickInterval(TICKS_PER_DECADE)
            layout = QVBoxLayout(self)
            layout.setContentsMargins(0, 0, 0, 0)
            self.top_row = QHBoxLayout()
            self.top_row.addWidget(self.edit)
            layout.addLayout(self.top_row)
            layout.addWidget(self.slider)
        else:
            layout = QHBoxLayout(self)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(self.slider, 1)
            layout.addWidget(self.edit)
        self.slider.valueChanged.connect(self._on_slider_moved)
        self.edit.editingFinished.connect(self._on_edit_finished)
        self._show(value)

    def value(self) -> float:
        return self._value

    def setValue(self, value: float) -> None:
        if value != self._value:
            self._value = value
            self._show(value)
            self.valueChanged.emit(value)
        else:
            self._show(value)

    def _show(self, value: float) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(self._map.to_pos(value))
        self.slider.blockSignals(False)
        self.edit.setText(f"{value:.3g}")

    @Slot(int)
    def _on_slider_moved(self, pos: int) -> None:
        raw = self._map.to_value(pos)
        # round to 2 significant digits: 3.2e-05 reads better than 3.1622776e-05
        value = float(f"{raw:.2g}")
        if value != self._value:
            self._value = value
            self.edit.setText(f"{value:.3g}")
            self.valueChanged.emit(value)

    @Slot()
    def _on_edit_finished(self) -> None:
        text = self.edit.text().strip()
        try:
            value = float(text)
        except ValueError:
            self.invalidText.emit(self.tr("learning rate: '{0}' is not a number").format(text))
            self._show(self._value)
            return
        if not math.isfinite(value) or value <= 0:
            self.invalidText.emit(self.tr("learning rate: must be a finite number greater than 0, got '{0}'").format(text))
            self._show(self._value)
            return
        self._value = value
        self.slider.blockSignals(True)
        self.slider.setValue(self._map.to_pos(value))
        self.slider.blockSignals(False)
        self.valueChanged.emit(value)


class LogIntSlider(QWidget):
    """An integer on a log scale (a layer size): slider plus a spin box for the exact value."""

    valueChanged = Signal(int)

    def __init__(self, lo: int, hi: int, value: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._map = _LogMap(lo, hi)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(0, _TICKS)
        self.spin = QSpinBox(self)
        self.spin.setRange(lo, hi)
        self.spin.setKeyboardTracking(False)
        self.spin.setCorrectionMode(QSpinBox.CorrectionMode.CorrectToNearestValue)
        self.spin.setMinimumWidth(80)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.spin)
        self.spin.setValue(value)
        self.slider.setValue(self._map.to_pos(value))
        self.slider.valueChanged.connect(self._on_slider_moved)
        self.spin.valueChanged.connect(self._on_spin_changed)

    def value(self) -> int:
        return self.spin.value()

    def setValue(self, value: int) -> None:
        self.spin.setValue(value)

    def minimum(self) -> int:
        return self.spin.minimum()

    def maximum(self) -> int:
        return self.spin.maximum()

    @Slot(int)
    def _on_slider_moved(self, pos: int) -> None:
        value = round(self._map.to_value(pos))
        self.spin.setValue(max(self.spin.minimum(), min(self.spin.maximum(), value)))

    @Slot(int)
    def _on_spin_changed(self, value: int) -> None:
        if round(self._map.to_value(self.slider.value())) != value:
            self.slider.blockSignals(True)
            self.slider.setValue(self._map.to_pos(value))
            self.slider.blockSignals(False)
        self.valueChanged.emit(value)

