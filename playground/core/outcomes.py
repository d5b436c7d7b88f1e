"""How a run ended, in one table: the loop's end reasons, the files' outcomes, their words.

The training loop ends a run for one of :data:`END_REASONS`; an experiment file
saves each run's outcome, one of :data:`OUTCOMES` (the end reasons, and
:data:`UNKNOWN_OUTCOME` for a run whose end is not known: a file from before
outcomes were saved, or a run saved while still going).  The words themselves
are what files and ``train --json`` hold; :data:`OUTCOME_LABELS` are the words a
person reads for each, which the window translates (they are marked for Qt
Linguist with ``QT_TRANSLATE_NOOP`` in the ``Outcome`` context).  Nothing here
imports Qt.
"""

from __future__ import annotations

# The marker Qt Linguist looks for, Qt-free; diagnosis.py's wording uses the same one.
from .diagnosis import QT_TRANSLATE_NOOP

COMPLETED = "completed"
STOPPED = "stopped"
DIVERGED = "diverged"
ERROR = "error"
RECORDED = "recorded"

#: Why the training loop ends a run (a batch with ``done``); "running" and "paused" are not ends.
END_REASONS = (COMPLETED, STOPPED, DIVERGED, ERROR)
#: How a saved run ended: an end reason, or "recorded" when that is not known.
OUTCOMES = (*END_REASONS, RECORDED)
UNKNOWN_OUTCOME = RECORDED

#: The words for each outcome.  An error reads "failed": the run did not end by itself.
OUTCOME_LABELS: dict[str, str] = {
    COMPLETED: QT_TRANSLATE_NOOP("Outcome", "completed"),
    STOPPED: QT_TRANSLATE_NOOP("Outcome", "stopped"),
    DIVERGED: QT_TRANSLATE_NOOP("Outcome", "diverged"),
    ERROR: QT_TRANSLATE_NOOP("Outcome", "failed"),
    RECORDED: QT_TRANSLATE_NOOP("Outcome", "recorded"),
}
