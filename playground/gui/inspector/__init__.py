"""The gradient inspector: per-parameter gradient statistics, live.

The panel shows what the training loop's :class:`~playground.core.gradstats.StepStats`
say about every parameter tensor: a table (norms, gradient mean / std / max,
update-to-weight ratio), and for the selected parameter a histogram of its
gradient (or of its values), a heat map of its gradient matrix and, for all
parameters, the gradient norm over the steps on a log scale.  It also explains a
divergence in plain words and shows the result of a gradient check.

Where things are
----------------
* :mod:`.panel`: :class:`GradientInspector`, which assembles the views below and decides
  what they show and when (freeze, chart pacing, the selected parameter).
* :mod:`.table`: the parameter table and its columns.
* :mod:`.charts`: histogram, heat map with its colour bar, gradient-norm history.
* :mod:`.norm_history`: the norms behind the history chart, in growing NumPy buffers.
* :mod:`.divergence`: the divergence summary, its explanation and the restart button.
* :mod:`.texts`: column headers and tips, gradient-check grades, heat-map captions.
* :mod:`.formatting`: how numbers and shapes are written.

Every text keeps the translation context "GradientInspector", wherever it is written.

API for the window that hosts it
--------------------------------
Feeding (GUI thread only; everything passed in is plain data):

* :meth:`GradientInspector.show_stats` ``(stats: StepStats)``: call with each
  ``StepStats`` of every :class:`~playground.core.loop.Batch` in order (the loop
  takes them a few times a second).  Cheap: table items and plot items are
  reused, the norm history grows in NumPy buffers.  A step number lower than the
  last one seen, or a different set of parameters, starts a fresh history.
* :meth:`GradientInspector.show_batch` ``(stats, norm_steps, grad_norms)``: a whole
  :class:`~playground.core.loop.Batch`'s statistics and the gradient norms the loop
  samples between them (every step early on, then 64 per doubling of the steps), in step
  order.
* :meth:`GradientInspector.clear` ``()``: a new run starts (or the run is reset); forgets
  everything and shows "start a run to see gradients" until the next statistics, whose
  charts are drawn at once, not when the pacing would allow.
* :meth:`GradientInspector.set_live` ``(bool)``: True while a run trains, so the
  charts redraw only as often as :data:`CHART_BUDGET` allows.
* :meth:`GradientInspector.show_divergence` ``(divergence, lr, diagnosis)``:
  with ``batch.divergence``, the learning rate in use and ``batch.diagnosis``.  Marks
  the parameter's row (nothing in the table when the loss itself went first),
  explains the usual causes and offers "Restart with lr / 10".
* :meth:`GradientInspector.show_gradient_check` ``(report: GradCheckReport)``
  from :func:`playground.core.gradcheck.gradient_check`, or
  :meth:`GradientInspector.show_gradient_check_error` ``(message)`` when the
  check raised (it refuses a diverged run with a ``ValueError``).

Signals:

* ``restartRequested(float)``: the user asked to restart with this learning rate
  (the diverged run's lr / 10).
* ``gradientCheckRequested()``: the user pressed "Gradient check"; run
  ``gradient_check(runner)`` while the runner is not stepping (between batches or
  paused) and hand the report to :meth:`show_gradient_check`.
* ``frozenChanged(bool)``: the "Freeze" toggle changed.  While frozen the panel
  keeps incoming statistics (and the history) but shows nothing new; on
  unfreeze it shows the newest.

Typical wiring::

    inspector.restartRequested.connect(window.restart_with_lr)
    inspector.gradientCheckRequested.connect(window._on_inspector_gradient_check)
    # per batch:  for s in batch.stats: inspector.show_stats(s)
    #             if batch.divergence: inspector.show_divergence(batch.divergence, lr, batch.diagnosis)
    # new run:    inspector.clear()

Items the window and tests may read: ``table``, ``histogram_curve``,
``heatmap_image``, ``heatmap_caption`` (which rows and columns a sampled heat map
shows), ``color_bar``, ``norm_curves`` (name -> curve), ``chart_stack`` (showing
``chart_placeholder`` or ``charts_page``), ``freeze_button``, ``values_button``,
``check_button``, ``restart_button``, ``divergence_box`` (a one-line summary),
``divergence_toggle`` and ``divergence_details`` (the full explanation); constants
``COLUMNS``, ``VALUE_ROLE`` (the raw float of a number cell) and ``MIN_CHART_VIEW_PX``.
"""

from __future__ import annotations

from .charts import (
    CHART_BUDGET,
    MAX_CHART_INTERVAL_MS,
    MIN_CHART_INTERVAL_MS,
    MIN_CHART_VIEW_PX,
    NORM_COLOURS,
    WIDEST_TICK,
)
from .formatting import compact_tick, format_sci, format_shape, matrix_shape, symmetric_level
from .norm_history import HISTORY_CAPACITY
from .panel import GradientInspector
from .table import (
    COL,
    COLUMNS,
    DIVERGED_BRUSH,
    MAX_TABLE_ROWS,
    MIN_TABLE_ROWS,
    NUMBER_COLUMNS,
    NUMBER_PADDING_PX,
    STEP_BRUSH,
    VALUE_ROLE,
    WIDEST_NUMBER,
)
from .texts import GRADE_COLOURS, RATIO_RULE

__all__ = [
    "CHART_BUDGET",
    "COL",
    "COLUMNS",
    "DIVERGED_BRUSH",
    "GRADE_COLOURS",
    "HISTORY_CAPACITY",
    "MAX_CHART_INTERVAL_MS",
    "MAX_TABLE_ROWS",
    "MIN_CHART_INTERVAL_MS",
    "MIN_CHART_VIEW_PX",
    "MIN_TABLE_ROWS",
    "NORM_COLOURS",
    "NUMBER_COLUMNS",
    "NUMBER_PADDING_PX",
    "RATIO_RULE",
    "STEP_BRUSH",
    "VALUE_ROLE",
    "WIDEST_NUMBER",
    "WIDEST_TICK",
    "GradientInspector",
    "compact_tick",
    "format_sci",
    "format_shape",
    "matrix_shape",
    "symmetric_level",
]
