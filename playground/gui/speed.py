"""The training pace a student watches at: the one table of speeds the window offers.

Each entry is steps a second; 0 is full speed (as fast as the device trains).  The
default lets a first-timer see the loss fall: the lesson's 500 steps take 5 s.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

FULL_SPEED = 0.0
#: (steps a second, label); the labels are translated in the "Speed" context.
SPEED_CHOICES: tuple[tuple[float, str], ...] = (
    (2.0, QT_TRANSLATE_NOOP("Speed", "slow motion: 2 steps/s")),
    (10.0, QT_TRANSLATE_NOOP("Speed", "10 steps/s")),
    (30.0, QT_TRANSLATE_NOOP("Speed", "30 steps/s")),
    (100.0, QT_TRANSLATE_NOOP("Speed", "100 steps/s")),
    (300.0, QT_TRANSLATE_NOOP("Speed", "300 steps/s")),
    (1000.0, QT_TRANSLATE_NOOP("Speed", "1000 steps/s")),
    (FULL_SPEED, QT_TRANSLATE_NOOP("Speed", "full speed")),
)
SPEEDS = tuple(v for v, _ in SPEED_CHOICES)
DEFAULT_SPEED = 100.0


def pace(speed: float) -> float | None:
    """The trainer's pace for a speed setting: None at full speed."""
    return None if speed == FULL_SPEED else speed
