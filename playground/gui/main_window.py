"""The main window: controls on the left; loss plot, inspector and lab in tabs on the right."""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ..core.batch import Batch
from ..core.config import MAX_STEPS, ConfigError, TrainConfig
from ..core.diagnosis import Diagnosis
from ..core.persistence import (
    Experiment,
    ExperimentError,
    RecordedRun,
    load_experiment,
    save_experiment,
)
from . import diagnosis_text, exports
from .banner import Banner
from .code_view import CodeView
from .controller import FINISHED, IDLE, PAUSED, RUNNING, TrainingController
from .controls import ControlPanel
from .inspector import GradientInspector
from .intro import IntroGuide
from .lazy_tab import LazyTab
from .loss_plot import LossPlot
from .network_diagram import NetworkDiagram
from .run_history import RunHistoryPanel
from .settings import Settings, save_settings
from .speed import DEFAULT_SPEED, SPEED_CHOICES, pace
from .status_bar import RunStatus
from .step_through import StepThroughView
from .sweep_tab import SweepTab
from .time_travel import TimeTravelBar

log = logging.getLogger(__name__)

APP_TITLE = exports.APP_TITLE
#: The status bar's numbers change at most this often while a run trains: batches come
#: 20 times a second, faster than anyone reads, and each update re-lays out the bar.
STATUS_INTERVAL_S = 0.2


class MainWindow(QMainWindow):
    """The Backprop Playground window."""

    closed = Signal()

    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings or Settings()
        self.setWindowTitle(APP_TITLE)
        self.controller = TrainingController(self)
        # The devices are known once the worker has loaded torch (see _on_worker_ready).
        machine = self.controller.machine
        self.controls = ControlPanel(self.settings.config, list(machine.devices), self, gpu_note=machine.gpu_note)
        from ..core.runs import Runs

        #: Every run of the session: the plot and the Runs table show it, saving and exports read it.
        self.runs = Runs()
        self.plot = LossPlot(self, self.runs)
        self.plot.set_log_y(self.settings.log_y)
        if self.settings.smoothing:
            self.plot.set_smoothing(self.settings.smoothing)
        self._pending_config: TrainConfig | None = None
        self.last_gradient_check = None
        self._last_batch: Batch | None = None
        self._single_step = False
        self._slow_config_accepted: TrainConfig | None = None  # started anyway: not asked again
        #: The configuration the controls showed last (a new lr is told from the others by it).
        self._shown_config = self.controls.last_valid_config()
        self._status_shown = -STATUS_INTERVAL_S  # time.monotonic() of the last status update
        self._run_started_at = 0.0
        self._build_ui()
        self._build_actions()
        self._connect()
        from .dataset_views import DatasetViews

        #: The Prediction tab, the dashed test loss and File > Open data… (gui/dataset_views.py).
        self.data_views = DatasetViews(self)
        self._update_actions()
        if self.settings.geometry:
            self.restoreGeometry(self.settings.geometry)
        else:
            self.resize(1280, 700)  # fits a 1366 x 768 laptop's screen below its panel
        if self.settings.window_state:  # the toolbar's place (a damaged state is ignored by Qt)
            self.restoreState(self.settings.window_state)
        for msg in self.settings.warnings:
            self.statusBar().showMessage(msg, 10000)
        self.intro = IntroGuide(self.plot)
        self.intro.dismissed.connect(self._on_intro_dismissed)
        if not self.settings.intro_seen:
            self.intro.show_guide()

    # -- layout ----------------------------------------------------------------
    @property
    def lab(self) -> QWidget:
        """The autograd lab (built now if its tab was never opened: it loads torch)."""
        return self.lab_tab.content()

    def _build_ui(self) -> None:
        # The controls belong to the Training tab: the other tabs (lab, runs, code) get
        # the whole width, and no signal has to show or hide the panel.
        self.controls_scroll = scroll = QScrollArea(self)
        scroll.setAccessibleName(self.tr("Controls"))
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.controls)
        # Wide enough for the panel's widest row beside a vertical scroll bar: the panel
        # cannot scroll sideways, so anything narrower cuts its labels off.
        scroll.setMinimumWidth(max(310, self.controls.minimumSizeHint().width()
                                   + scroll.verticalScrollBar().sizeHint().width() + 2 * scroll.frameWidth()))
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.banner = Banner(self)
        self.training_tab = QWidget(self)
        self.training_splitter = QSplitter(Qt.Orientation.Horizontal, self.training_tab)
        self.training_splitter.addWidget(self.plot)
        self.inspector = GradientInspector(self)
        # The inspector and the network diagram share the plot's right-hand side, as tabs.
        self.network = NetworkDiagram(self.controls.last_valid_config(), self)
        self.side_tabs = QTabWidget(self.training_tab)
        self.side_tabs.setAccessibleName(self.tr("Side panels"))
        self.side_tabs.setDocumentMode(True)
        self.side_tabs.addTab(self.inspector, self.tr("Gradients"))
        self.side_tabs.addTab(self.network, self.tr("Network"))
        self.training_splitter.addWidget(self.side_tabs)
        self.training_splitter.setStretchFactor(0, 3)
        self.training_splitter.setStretchFactor(1, 2)
        self.training_splitter.setSizes([540, 520])
        training_right = QWidget(self.training_tab)
        t_layout = QVBoxLayout(training_right)
        t_layout.setContentsMargins(0, 0, 0, 0)
        t_layout.addWidget(self.banner)
        t_layout.addWidget(self.training_splitter, 1)
        self.time_travel = TimeTravelBar(self.inspector, self.plot, training_right)
        self.time_travel.followers.append(self.network.show_stats)
        t_layout.addWidget(self.time_travel)
        self.controls_splitter = QSplitter(Qt.Orientation.Horizontal, self.training_tab)
        self.controls_splitter.addWidget(scroll)
        self.controls_splitter.addWidget(training_right)
        self.controls_splitter.setStretchFactor(1, 1)
        self.controls_splitter.setSizes([320, 960])
        tab_layout = QVBoxLayout(self.training_tab)
        tab_layout.setContentsMargins(0, 0, 0, 0)
        tab_layout.addWidget(self.controls_splitter)

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(self.tr("Views"))
        self.tabs.addTab(self.training_tab, self.tr("Training"))
        self.run_history = RunHistoryPanel(self.runs, self.plot, self)
        self.tabs.addTab(self.run_history, self.tr("Runs"))
        self.sweep_tab = SweepTab(self.controls.config, self)
        self.sweep_tab.cellOpened.connect(self.open_sweep_cell)
        self.tabs.addTab(self.sweep_tab, self.tr("Sweep"))
        self.lab_tab = LazyTab(_autograd_lab, self.tr("Autograd lab"), self)
        self.tabs.addTab(self.lab_tab, self.tr("Autograd lab"))
        self.code_view = CodeView(parent=self, config=self.controls.last_valid_config())
        self.tabs.addTab(self.code_view, self.tr("Code"))
        self.step_through = StepThroughView(self.controls.last_valid_config(), self,
                                            compute=self._step_through_in_worker)
        self.tabs.addTab(self.step_through, self.tr("Step-through"))

        self.setCentralWidget(self.tabs)

        self.status = RunStatus(self.statusBar(), self)
        self.status_labels = self.status.labels
        self._show_status(None)

    def _action(self, text: str, shortcut: QKeySequence | str | None, tip: str, slot) -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        a.setToolTip(f"{tip} ({QKeySequence(shortcut).toString()})" if shortcut else tip)
        a.setStatusTip(tip)
        a.triggered.connect(slot)
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        self.act_start = self._action(self.tr("Start"), "F5", self.tr("Start a run, or resume a paused one"),
                                      self.start_or_resume)
        self.act_pause = self._action(self.tr("Pause"), "F6", self.tr("Pause the run, or resume it"),
                                      self.toggle_pause)
        self.act_step = self._action(self.tr("Step"), "F10", self.tr("Run a single training step"),
                                     self.step_once)
        self.act_stop = self._action(self.tr("Stop"), "Shift+F5", self.tr("End the run; its curve stays"),
                                     self.stop)
        self.act_reset = self._action(self.tr("Reset"), "Ctrl+R", self.tr("Forget the current run"),
                                      self.reset)
        self.act_quit = self._action(self.tr("Quit"), QKeySequence.StandardKey.Quit,
                                     self.tr("Quit Backprop Playground"), self.close)
        self.act_quit.setShortcut(QKeySequence("Ctrl+Q"))
        self.act_log = self._action(self.tr("Log scale"), None, self.tr("Loss axis on a log scale"),
                                    self._on_log_toggled)
        self.act_log.setCheckable(True)
        self.act_log.setChecked(self.plot.log_y)
        self.act_smooth = self._action(self.tr("Smoothing"), None,
                                       self.tr("Draw a smoothed curve (EMA) over the raw one"),
                                       self._on_smooth_toggled)
        self.act_smooth.setCheckable(True)
        self.act_smooth.setChecked(self.plot.smoothing > 0)
        self.act_clear = self._action(self.tr("Clear runs"), None,
                                      self.tr("Remove the earlier runs from the plot"), self.plot.clear_runs)

        tb = QToolBar(self.tr("Run"), self)
        tb.setObjectName("runToolbar")
        tb.setMovable(False)
        for a in (self.act_start, self.act_pause, self.act_step, self.act_stop, self.act_reset):
            tb.addAction(a)
        tb.addSeparator()
        speed_label = QLabel(self.tr("Speed"), tb)
        speed_label.setContentsMargins(4, 0, 4, 0)
        tb.addWidget(speed_label)
        self.speed = QComboBox(tb)
        for value, text in SPEED_CHOICES:
            self.speed.addItem(QCoreApplication.translate("Speed", text), value)
        self.speed.setAccessibleName(self.tr("Speed"))
        self.speed.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.speed.setToolTip(self.tr("How many training steps a second to show: slow motion draws every "
                                      "step and its gradients; full speed trains as fast as the device can. "
                                      "Takes effect at once, also during a run."))
        speed_label.setBuddy(self.speed)
        index = self.speed.findData(self.settings.speed)
        self.speed.setCurrentIndex(index if index >= 0 else self.speed.findData(DEFAULT_SPEED))
        self.speed.currentIndexChanged.connect(self._on_speed_changed)
        self.controller.set_pace(pace(self.speed.currentData()))
        tb.addWidget(self.speed)
        tb.addSeparator()
        for a in (self.act_log, self.act_smooth, self.act_clear):
            tb.addAction(a)
        self.addToolBar(tb)
        self.toolbar = tb
        # Its text says "loading PyTorch…" until the worker is ready; its name stays "Start".
        tb.widgetForAction(self.act_start).setAccessibleName(self.tr("Start"))

        self.act_open = self._action(self.tr("Open experiment…"), "Ctrl+O",
                                     self.tr("Open a saved experiment: its settings and curves"),
                                     self.open_experiment_dialog)
        self.act_save = self._action(self.tr("Save experiment…"), "Ctrl+S",
                                     self.tr("Save the settings and the runs' loss histories as JSON"),
                                     self.save_experiment_dialog)
        self.act_save_history = QAction(self.tr("Include loss histories when saving"), self)
        self.act_save_history.setCheckable(True)
        self.act_save_history.setChecked(True)
        self.act_save_snapshots = QAction(self.tr("Include time-travel snapshots when saving"), self)
        self.act_save_snapshots.setCheckable(True)
        self.act_export_csv = self._action(self.tr("Export losses as CSV…"), None,
                                           self.tr("Every run, one row per step"),
                                           self.export_csv_dialog)
        self.act_export_plot = self._action(self.tr("Export plot image…"), None,
                                            self.tr("Save the loss plot as PNG or SVG"),
                                            self.export_plot_dialog)
        menu = self.menuBar()
        self.file_menu = menu.addMenu(self.tr("&File"))
        for a in (self.act_open, self.act_save, self.act_save_history, self.act_save_snapshots):
            self.file_menu.addAction(a)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.act_export_csv)
        self.file_menu.addAction(self.act_export_plot)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.act_quit)
        run_menu = menu.addMenu(self.tr("&Run"))
        for a in (self.act_start, self.act_pause, self.act_step, self.act_stop, self.act_reset):
            run_menu.addAction(a)
        self.view_menu = menu.addMenu(self.tr("&View"))
        for a in (self.act_log, self.act_smooth, self.act_clear):
            self.view_menu.addAction(a)
        from .i18n import add_language_menu

        self.language_menu = add_language_menu(self, self.settings)
        self.help_menu = menu.addMenu(self.tr("&Help"))
        self.act_intro = self._action(self.tr("Show the introduction"), None,
                                      self.tr("What the data is, what to press, what to try"), self.show_intro)
        self.help_menu.addAction(self.act_intro)

    def _connect(self) -> None:
        c = self.controller
        c.batchReady.connect(self._on_batch)
        c.runStarted.connect(self._on_run_started)
        c.runEnded.connect(self._on_run_ended)
        c.stateChanged.connect(self._on_state_changed)
        c.failed.connect(self._on_failed)
        c.workerReady.connect(self._on_worker_ready)
        self.controls.configChanged.connect(self._on_config_changed)
        self.controls.configInvalid.connect(self._on_config_invalid)
        self.controls.fastModeChanged.connect(self.controller.set_fast)
        self.inspector.restartRequested.connect(self.restart_with_lr)
        self.inspector.gradientCheckRequested.connect(self._on_gradient_check_requested)
        self.controls.configChanged.connect(self.code_view.set_config)
        self.controls.configChanged.connect(self.step_through.set_config)
        self.controls.configChanged.connect(self.network.set_config)
        self.code_view.statusMessage.connect(lambda text: self.statusBar().showMessage(text, 5000))

    # -- run commands ----------------------------------------------------------
    @Slot()
    def start_or_resume(self) -> None:
        if self.controller.state == PAUSED and self._pending_config is None:
            self.controller.resume()
            return
        self.start_new()

    def start_new(self, paused: bool = False) -> bool:
        try:
            cfg = self.controls.config()
        except ConfigError as exc:
            self.banner.show_message(self.tr("Cannot start: {0}").format(exc), "error")
            return False
        if self._warned_slow(cfg, paused):
            return False
        self._pending_config = None
        self.banner.hide()
        return self.controller.start(cfg, paused=paused)

    def _warned_slow(self, cfg: TrainConfig, paused: bool) -> bool:
        """Ask before a run whose steps take over SLOW_STEP_S here; True when the banner asks.

        A window that sits silent for half a minute a step looks broken: the banner says how
        long a step and the whole run will take, from a probe of this machine's speed, and
        starts the run only if asked to.  A configuration started anyway is not asked about
        again.
        """
        from ..core.probe import duration_text, seconds_text, slow_step_seconds

        seconds = None if cfg == self._slow_config_accepted else slow_step_seconds(cfg)
        if seconds is None:
            return False

        def start_anyway() -> None:
            self._slow_config_accepted = cfg
            # F10 asked for a paused run and its first step: the paused run takes that step.
            if self.start_new(paused) and paused:
                self.step_once()

        on_cpu = self.controller.machine.resolve(cfg) == "cpu"
        if cfg.steps >= MAX_STEPS:  # until paused: no total to tell
            text = (self.tr("These sizes take about {0} s a step on this CPU. Start anyway?") if on_cpu
                    else self.tr("These sizes take about {0} s a step on this GPU. Start anyway?"))
            text = text.format(seconds_text(seconds))
        else:
            text = (self.tr("These sizes take about {0} s a step on this CPU ({1} steps: about {2}). "
                            "Start anyway?") if on_cpu
                    else self.tr("These sizes take about {0} s a step on this GPU ({1} steps: about {2}). "
                                 "Start anyway?"))
            text = text.format(seconds_text(seconds), f"{cfg.steps:,}", duration_text(seconds * cfg.steps))
        self.banner.show_message(text, "warning",
                                 [(self.tr("Start anyway"), start_anyway), (self.tr("Cancel"), self.banner.hide)])
        return True

    @Slot()
    def toggle_pause(self) -> None:
        if self.controller.state == RUNNING:
            self.controller.pause()
        elif self.controller.state == PAUSED:
            self.controller.resume()

    @Slot()
    def step_once(self) -> None:
        if self.controller.state in (IDLE, FINISHED) or self._pending_config is not None:
            if not self.start_paused():
                return
        self._single_step = True  # the step's batch shows what it changed (see _on_batch)
        self.controller.step_once()

    def start_paused(self) -> bool:
        """Begin a new run without stepping (for single-stepping from the start)."""
        return self.start_new(paused=True)

    @Slot()
    def stop(self) -> None:
        self.controller.stop()

    @Slot()
    def reset(self) -> None:
        if self.controller.state in (RUNNING, PAUSED):
            self.runs.discard_current()
        self.controller.reset()
        # The inspector forgets the run at once; batches the stopping worker had already
        # sent still arrive, so it forgets again once the worker is gone.
        self.inspector.clear()
        self.controller.when_idle(self.inspector.clear)
        self.network.clear()
        self.controller.when_idle(self.network.clear)
        self._last_batch = None
        self._pending_config = None
        self.time_travel.reset()
        self.banner.hide()
        self._show_status(None)

    # -- controller events ------------------------------------------------------
    @Slot()
    def show_intro(self) -> None:
        """The first-run guide over the plot (Help → Show the introduction)."""
        self.tabs.setCurrentWidget(self.training_tab)
        self.intro.show_guide()

    @Slot()
    def _on_intro_dismissed(self) -> None:
        self.settings.intro_seen = True

    @Slot(object)
    def _on_run_started(self, cfg: TrainConfig) -> None:
        if self.intro.isVisible():  # the student pressed Start: the plot needs the room now
            self.intro.dismiss()
        self.runs.begin(cfg)
        self.inspector.clear()
        self.network.clear()
        self.time_travel.reset()
        self._last_batch = None
        self._run_started_at = time.monotonic()

    @Slot(object)
    def _on_batch(self, batch: Batch) -> None:
        self.runs.append(batch.steps, batch.losses)
        for step, lr in batch.lr_changes:
            self.runs.change_lr(step, lr)
        self.time_travel.feed(batch)
        if batch.stats and self.time_travel.live:
            self.network.show_stats(batch.stats[-1])
        if self.time_travel.live:  # else the inspector shows a recorded step
            self.inspector.show_batch(batch.stats, batch.norm_steps, batch.grad_norms)
        if self._single_step and len(batch.losses) == 1 and batch.stats:
            self._single_step = False
            history = self.runs.current.history if self.runs.current is not None else None
            previous = float(history.losses[-2]) if history is not None and len(history) > 1 else None
            self.inspector.show_step_change(batch.stats[-1], float(batch.losses[0]), previous)
        elif len(batch.losses) and not self._single_step:
            self.inspector.clear_step_change()
        self._last_batch = batch
        now = time.monotonic()
        if batch.done or now - self._status_shown >= STATUS_INTERVAL_S:
            self._status_shown = now
            self._show_status(batch)

    @Slot(object)
    def _on_run_ended(self, batch: Batch) -> None:
        self.plot.redraw()
        self.runs.end(batch.reason, batch.steps_per_s, batch.elapsed,
                      batch.divergence.step if batch.divergence is not None else None)
        self.time_travel.run_ended(batch)  # after a divergence: at the last finite snapshot
        if batch.divergence is not None:
            cfg = self.controller.config
            lr = self.controller.trainer.lr if self.controller.trainer else (cfg.lr if cfg else 0.0)
            self.inspector.show_divergence(batch.divergence, lr, batch.diagnosis)
            text = self.tr("The run diverged at step {0}.").format(batch.divergence.step)
            self.banner.show_message(self._with_cause(text, batch.diagnosis), "error",
                                     self._remedies(batch.diagnosis, lr))
        elif batch.reason == "stopped" and self.controller.steps_let_go:
            self.statusBar().showMessage(self.tr(
                "Stopped. The step in progress could not be cut short, so the training process was "
                "restarted."), 10000)
        elif batch.error is not None:
            text = self.tr("The run stopped with an error: {0}").format(batch.error)
            self.banner.show_message(self._with_cause(text, batch.diagnosis), "error",
                                     self._remedies(batch.diagnosis, None))

    @staticmethod
    def _with_cause(text: str, diagnosis: Diagnosis | None) -> str:
        """The banner's line: what happened, then the cause that fits and what to try."""
        if diagnosis is None:
            return text
        return (f"{text} {diagnosis_text.title(diagnosis)}{diagnosis_text.sentence_end()} "
                f"{diagnosis_text.hint(diagnosis)}")

    def _remedies(self, diagnosis: Diagnosis | None, lr: float | None) -> list[tuple[str, object]]:
        """The banner's buttons: the cure the diagnosis names (a mistake off, or a smaller lr)."""
        if diagnosis is not None and diagnosis.cause in ("accumulating-gradients", "update-outside-no-grad"):
            return [(self.tr("Switch the mistake off and restart"), self.restart_without_mistake)]
        restart = diagnosis.restart_lr if diagnosis is not None else (lr / 10 if lr else None)
        if restart is None:
            return []
        return [(self.tr("Restart with lr = {0:g}").format(restart), lambda: self.restart_with_lr(restart))]

    @Slot()
    def restart_without_mistake(self) -> None:
        """Start again with the same settings and no classic mistake switched on."""
        index = self.controls.mistake.findData("none")
        self.controls.mistake.setCurrentIndex(index)
        self.start_new()
        self.tabs.setCurrentWidget(self.training_tab)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.banner.show_message(self.tr("Cannot run: {0}").format(message), "error")

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        self.inspector.set_live(state == RUNNING)
        self._update_actions()
        self._show_status(self._last_batch)

    @Slot()
    def _on_gradient_check_requested(self) -> None:
        """Check the gradients of the current weights (pausing the run first)."""
        self.controller.pause()
        self.controller.when_idle(self._run_gradient_check)

    def _run_gradient_check(self) -> None:
        """Ask the worker to check the run's gradients (a fresh model's when there is no run)."""
        from ..core.worker import gradient_check_of

        try:
            cfg = self.controller.config or self.controls.config()
        except ConfigError as exc:
            self.inspector.show_gradient_check_error(str(exc))
            return
        self.controller.call_in_worker(gradient_check_of, (cfg,), self._on_gradient_check)

    def _step_through_in_worker(self, cfg: TrainConfig, done) -> None:
        from ..core.worker import step_through_of

        self.controller.call_in_worker(step_through_of, (cfg,), done)

    def _on_gradient_check(self, ok: bool, value: object) -> None:
        if not ok:
            self.inspector.show_gradient_check_error(str(value))
            return
        self.last_gradient_check = value
        self.inspector.show_gradient_check(value)

    @Slot(float)
    def restart_with_lr(self, lr: float) -> None:
        lr = max(lr, 1e-12)
        self.controls.lr.setValue(lr)
        self.start_new()
        self.tabs.setCurrentWidget(self.training_tab)

    # -- control events ----------------------------------------------------------
    @Slot(object)
    def _on_config_changed(self, cfg: TrainConfig) -> None:
        previous, self._shown_config = self._shown_config, cfg
        if cfg.lr != previous.lr and cfg.replace(lr=previous.lr) == previous:
            # The lr alone changed: a running training takes it at its next step.  With other
            # fields (a new style brings its own lr) it belongs to the run they ask for.
            self.controller.set_lr(cfg.lr)
        self._update_actions()
        if self.controller.state == IDLE:
            self._show_status(None)  # "0 / steps" and the device of the configuration shown
        running = self.controller.config
        if self.controller.state not in (RUNNING, PAUSED) or running is None:
            return
        if cfg.to_dict() | {"lr": running.lr} == running.to_dict():
            return  # only the learning rate differs: applied live
        self._pending_config = cfg
        self.banner.show_message(
            self.tr("You changed settings that need a new run. Restart with them now?"),
            "warning",
            [(self.tr("Restart"), self.start_new), (self.tr("Keep running"), self._keep_running)],
        )

    @Slot()
    def _keep_running(self) -> None:
        self.banner.hide()
        self.statusBar().showMessage(self.tr("The new settings apply to the next run."), 5000)

    @Slot(str)
    def _on_config_invalid(self, _message: str) -> None:
        self._update_actions()

    @Slot(int)
    def _on_speed_changed(self, _index: int) -> None:
        speed = float(self.speed.currentData())
        self.settings.speed = speed
        self.controller.set_pace(pace(speed))

    @Slot(bool)
    def _on_log_toggled(self, on: bool) -> None:
        self.plot.set_log_y(on)

    @Slot(bool)
    def _on_smooth_toggled(self, on: bool) -> None:
        self.plot.set_smoothing(0.05 if on else 0.0)

    # -- display ---------------------------------------------------------------
    @Slot()
    def _on_worker_ready(self) -> None:
        """Torch has loaded in the worker: offer the devices it found, and Start is Start again."""
        self.controls.set_machine(self.controller.machine)
        self.status.machine = self.controller.machine
        self._update_actions()
        self._show_status(self._last_batch)

    def _update_actions(self) -> None:
        state = self.controller.state
        valid = self.controls.valid
        # A run started before torch has loaded waits for it in the worker: Start works, and says so.
        self.act_start.setText(self.tr("Start") if self.controller.worker_ready
                               else self.tr("Start (loading PyTorch…)"))
        self.act_start.setEnabled((valid and state != RUNNING) or state == PAUSED)
        # F5 resumes a paused run too, but the button keeps its name: the Pause
        # button beside it already reads "Resume" then.
        self.act_pause.setEnabled(state in (RUNNING, PAUSED))
        self.act_pause.setText(self.tr("Resume") if state == PAUSED else self.tr("Pause"))
        self.act_step.setEnabled(valid or state == PAUSED)
        self.act_stop.setEnabled(state in (RUNNING, PAUSED))
        self.act_reset.setEnabled(state != IDLE)

    def _show_status(self, batch: Batch | None) -> None:
        self.status.show(self.controller.state, batch, self.controls.last_valid_config(), self.runs.current)

    # -- closing ---------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        # The run's data is all here already: its worker gets half a second to end its
        # step, then it is killed (closing never waits for a long step).
        self.controller.shutdown(500)
        self.controller.close_worker()
        self.plot.timer.stop()
        if not self.sweep_tab.shutdown(5.0):
            log.warning("sweep workers did not stop within 5 s")
        try:
            self.settings.config = self.controls.last_valid_config()
            self.settings.geometry = bytes(self.saveGeometry().data())
            self.settings.window_state = bytes(self.saveState().data())
            self.settings.log_y = self.plot.log_y
            self.settings.smoothing = self.plot.smoothing
            self.settings.speed = float(self.speed.currentData())
            save_settings(self.settings)
        except Exception:  # noqa: BLE001 - never let saving settings block quitting
            log.exception("could not save settings")
        event.accept()
        self.closed.emit()

    # -- experiments -----------------------------------------------------------
    def current_experiment(self) -> Experiment:
        runs: tuple[RecordedRun, ...] = self.runs.saved()  # every run, with outcome, speed, colour
        snapshots = self.time_travel.recorder if self.act_save_snapshots.isChecked() else None
        return Experiment(self.controls.last_valid_config(), runs, sweep=self.sweep_tab.saved(),
                          snapshots=snapshots if snapshots is not None and len(snapshots) else None)

    def save_experiment(self, path: str) -> bool:
        try:
            save_experiment(path, self.current_experiment(), self.act_save_history.isChecked())
        except OSError as exc:
            self._error_box(self.tr("Could not save the experiment"),
                            self.tr("{0}: {1}").format(path, exc.strerror or exc))
            return False
        self.statusBar().showMessage(self.tr("Saved {0}").format(path), 5000)
        return True

    def open_experiment(self, path: str) -> bool:
        """Restore the controls and curves from ``path``; a bad file changes nothing."""
        try:
            exp = load_experiment(path)
        except ExperimentError as exc:
            self._error_box(self.tr("Could not open the experiment"), str(exc))
            return False
        if self.controller.state in (RUNNING, PAUSED):
            self.controller.stop()
        self.controls.set_config(exp.config)
        self.controls.reset_user_choices()
        self.runs.extend(exp.runs)  # all in one go: the plot and the table follow once
        if exp.sweep is not None:
            self.sweep_tab.load(exp.sweep)
        if exp.snapshots is not None:  # a recorded run to scrub
            self.time_travel.load(exp.snapshots)
        self.data_views.warn_if_data_changed(exp.data_warning)
        self.statusBar().showMessage(self.tr("Opened {0}").format(path), 5000)
        return True

    @Slot()
    def open_experiment_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open experiment"), "",
                                              self.tr("Experiments (*.json);;All files (*)"))
        if path:
            self.open_experiment(path)

    @Slot()
    def save_experiment_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save experiment"), "experiment.bpexp.json",
                                              self.tr("Experiments (*.bpexp.json *.json)"))
        if path:
            self.save_experiment(path)

    @Slot()
    def export_csv_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export losses"), "losses.csv",
                                              self.tr("CSV files (*.csv)"))
        if path:
            self.export_csv(path)

    @Slot(object)
    def open_sweep_cell(self, result) -> None:
        """A sweep's cell as a run on the Training tab: its curve, and its settings in the controls and code."""
        from ..core.runs import Run

        outcome = result.reason if result.reason in ("completed", "stopped", "diverged", "error") else "recorded"
        run = Run(self.tr("sweep: {0}").format(", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}"
                                                          for k, v in result.values)),
                  result.config, result.steps, result.losses, outcome=outcome,
                  diverged_step=result.diverged_step, steps_per_s=result.steps_per_s, elapsed_s=result.elapsed)
        self.runs.add(run)
        self.controls.set_config(result.config)
        self.tabs.setCurrentWidget(self.training_tab)

    def export_csv(self, path: str) -> bool:
        return exports.export_csv(self, self.runs, path)

    @Slot()
    def export_plot_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export plot"), "loss.png",
                                              self.tr("PNG image (*.png);;SVG drawing (*.svg)"))
        if path:
            self.export_plot(path)

    def export_plot(self, path: str) -> bool:
        return exports.export_plot(self, self.plot, path)

    def runs_csv(self) -> str:
        """Every run as CSV (drawn on the plot or not): run,name,step,loss (full precision)."""
        return exports.runs_csv(self.runs)

    def _error_box(self, title: str, text: str) -> None:
        exports.error_box(self, title, text)


def _autograd_lab(parent: QWidget) -> QWidget:
    from .autograd_lab import AutogradLab

    return AutogradLab(parent)
