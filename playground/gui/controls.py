"""The control panel: sizes, learning rate, style, optimizer and the rest of a run's setup.

The panel edits a :class:`~playground.core.config.TrainConfig`.  It emits one
signal, ``configChanged``, with the new, validated configuration whenever any
control changes, the learning rate included (the window applies a new learning
rate to a running training without a restart); ``configInvalid`` carries a
message naming the field instead.  Validity is state (:attr:`ControlPanel.valid`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from superqt import QCollapsible
from superqt.utils import signals_blocked

from ..core import config as C
from ..core.config import ConfigError, TrainConfig
from ..core.datasets import DATASET_SPECS, DATASETS, GENERATED, MAX_NOISE, MAX_TEST_FRACTION
from ..core.machine import MachineFacts
from .accessibility import name_form_fields
from .log_slider import LogFloatSlider, LogIntSlider

SIZE_RANGES = {"N": (1, 65536), "D_in": (1, 8192), "H": (1, 8192), "D_out": (1, 8192)}
LR_RANGE = (1e-8, 1.0)


class ControlPanel(QWidget):
    configChanged = Signal(object)  # TrainConfig
    configInvalid = Signal(str)
    #: The GPU fast mode (CUDA graphs) was switched on or off, and can apply.
    fastModeChanged = Signal(bool)

    def __init__(self, config: TrainConfig | None = None, devices: list[tuple[str, str]] | None = None,
                 parent: QWidget | None = None, gpu_note: str | None = None) -> None:
        """``gpu_note``: why no GPU is offered (shown under the device list), None when one is."""
        super().__init__(parent)
        self._gpu_note = gpu_note
        self._config = config or TrainConfig()
        self._lr_user_set = False
        #: Whether the controls show a configuration that can train (kept as state: the
        #: message saying why not is hidden with the panel on other tabs).
        self.valid = True
        #: A style switch kept a typed lr: the advice offers the new style's lesson lr.
        self._offer_lesson_lr = False
        self._optimizer_user_set = False
        self._bias_user_set = False
        self._devices = devices or [("cpu", "CPU")]
        self._cuda = any(d == "cuda" for d, _ in self._devices)
        self._asked_device = "auto"
        self._build()
        name_form_fields(self)  # every field's accessible name is its row's label
        self.set_config(self._config)

    # -- construction ----------------------------------------------------------
    def _combo(self, items: list[tuple[str, str]], tip: str) -> QComboBox:
        box = QComboBox(self)
        for data, label in items:
            box.addItem(label, data)
        box.setToolTip(tip)
        box.currentIndexChanged.connect(self._on_any_changed)
        return box

    def _build_data_rows(self, form: QFormLayout) -> None:
        """The Dataset choice, its noise and the test fraction (see core/datasets.py)."""
        #: The student's CSV file (dataset "file"), its target column and task.
        self._data_file, self._target, self._task = "", "", "auto"
        names = {
            "random": self.tr("Random (the lesson)"), "sine": self.tr("Sine (regression)"),
            "circles": self.tr("Circles"), "xor": self.tr("XOR"), "gaussians": self.tr("Two Gaussians"),
            "spiral": self.tr("Spiral"), "digits": self.tr("Digits 8x8"), "file": self.tr("CSV file"),
        }
        self.dataset = QComboBox(self)
        for d in DATASETS:
            self.dataset.addItem(names[d], d)
        self.dataset.setAccessibleName(self.tr("Dataset"))
        self.dataset.setToolTip(self.tr(
            "What the network learns from. Random: the lesson's random inputs and targets (it can only "
            "memorise them). The others have something to learn; each brings its own sizes, activation, "
            "loss, optimizer, lr and steps, which you can change. A CSV file of your own: File > Open data."))
        self.dataset.currentIndexChanged.connect(self._on_dataset_changed)
        form.addRow(self.tr("Dataset"), self.dataset)
        self.noise = QDoubleSpinBox(self)
        self.noise.setRange(0.0, MAX_NOISE)
        self.noise.setSingleStep(0.05)
        self.noise.setDecimals(2)
        self.noise.setKeyboardTracking(False)
        self.noise.setAccessibleName(self.tr("Noise"))
        self.noise.valueChanged.connect(self._on_any_changed)
        form.addRow(self.tr("Noise"), self.noise)
        self.target_box = QComboBox(self)
        self.target_box.setAccessibleName(self.tr("Target column"))
        self.target_box.setToolTip(self.tr("The CSV column the network learns to predict; the other columns "
                                           "are its inputs."))
        self.target_box.activated.connect(self._on_target_chosen)
        form.addRow(self.tr("Target column"), self.target_box)
        self.task_box = QComboBox(self)
        for data, label in (("auto", self.tr("guessed from the target")), ("classification", self.tr("classification")),
                            ("regression", self.tr("regression"))):
            self.task_box.addItem(label, data)
        self.task_box.setAccessibleName(self.tr("Task"))
        self.task_box.setToolTip(self.tr("Classification: the target's values are classes (cross-entropy, "
                                         "accuracy). Regression: a number to predict (the mean squared error)."))
        self.task_box.activated.connect(self._on_target_chosen)
        form.addRow(self.tr("Task"), self.task_box)
        self._data_form = form
        self.test_fraction = QDoubleSpinBox(self)
        self.test_fraction.setRange(0.0, MAX_TEST_FRACTION)
        self.test_fraction.setSingleStep(0.05)
        self.test_fraction.setDecimals(2)
        self.test_fraction.setKeyboardTracking(False)
        self.test_fraction.setAccessibleName(self.tr("Test fraction"))
        self.test_fraction.setToolTip(self.tr(
            "Share of the samples held out as a test set, never trained on: its loss is drawn dashed. "
            "On random data the training loss falls while the test loss does not: memorisation."))
        self.test_fraction.valueChanged.connect(self._on_any_changed)
        form.addRow(self.tr("Test fraction"), self.test_fraction)

    def _build(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self._build_data_rows(form)
        tips = {
            "N": self.tr("N: how many training samples (rows of x and y). The lesson uses 64."),
            "D_in": self.tr("D_in: the size of each input vector. The lesson uses 1000."),
            "H": self.tr("H: neurons in the hidden layer. The lesson uses 100."),
            "D_out": self.tr("D_out: the size of each output vector. The lesson uses 10."),
        }
        self.sizes: dict[str, LogIntSlider] = {}
        for name, (lo, hi) in SIZE_RANGES.items():
            w = LogIntSlider(lo, hi, getattr(self._config, name), self)
            w.setToolTip(tips[name])
            # The row's label names the box and the slider for screen readers (and tests).
            w.setAccessibleName(name)
            w.spin.setAccessibleName(name)
            w.slider.setAccessibleName(self.tr("{0} slider").format(name))
            w.valueChanged.connect(self._on_any_changed)
            self.sizes[name] = w
            form.addRow(name, w)
        self._size_tips = tips

        style_names = {  # literal texts, so that lupdate finds them (C.STYLE_LABELS in English)
            "numpy": self.tr("NumPy by hand"),
            "tensors": self.tr("Raw tensors + autograd"),
            "sequential": self.tr("nn.Sequential + optimizer"),
            "module": self.tr("nn.Module subclass"),
        }
        self.style = self._combo(
            [(s, style_names.get(s, C.STYLE_LABELS[s])) for s in C.STYLES],
            self.tr("How the network is written: by hand in NumPy, raw tensors with autograd, "
                    "nn.Sequential with an optimizer, or your own nn.Module subclass. Choosing a "
                    "style loads the lesson's learning rate and optimizer for it."),
        )
        form.addRow(self.tr("Style"), self.style)

        self.lr = LogFloatSlider(*LR_RANGE, self._config.lr, self, stacked=True)
        self.lr.setToolTip(self.tr("Learning rate: how big a step each update takes. Drag while "
                                   "training to see the curve bend; type an exact value such as 3e-6 in "
                                   "the box; the arrow keys step by x10^(1/4), Page Up/Down by x10."))
        self.lr.setAccessibleName(self.tr("Learning rate"))
        self.lr.edit.setAccessibleName(self.tr("Learning rate"))
        self.lr.slider.setAccessibleName(self.tr("Learning rate slider"))
        self.lr.valueChanged.connect(self._on_lr_changed)
        self.lr.invalidText.connect(self._show_error)
        self.lesson_lr_button = QPushButton(self.tr("Lesson lr"), self)
        self.lesson_lr_button.setAccessibleName(self.tr("Lesson lr"))
        self.lesson_lr_button.setToolTip(self.tr("Set the learning rate this style and optimizer train with "
                                                 "(the lesson's own where it has one)."))
        self.lesson_lr_button.clicked.connect(self.use_lesson_lr)
        self.lr.top_row.addWidget(self.lesson_lr_button)
        self.lr.top_row.addStretch(1)
        form.addRow(QLabel(self.tr("Learning rate"), self))
        form.addRow(self.lr)
        self.lr_advice = QLabel(self)
        self.lr_advice.setObjectName("lrAdvice")
        self.lr_advice.setAccessibleName(self.tr("Learning rate advice"))
        self.lr_advice.setWordWrap(True)
        self.lr_advice.setStyleSheet("color: #8a4b00;")
        self.lr_advice.hide()
        form.addRow(self.lr_advice)

        self.optimizer = self._combo(
            [(o, o) for o in C.OPTIMIZERS],
            self.tr("How gradients become updates. sgd-manual is the lesson's w -= lr * grad; the "
                    "others are torch.optim optimizers."),
        )
        form.addRow(self.tr("Optimizer"), self.optimizer)

        self.loss = self._combo(
            [("sum", self.tr("sum (as the lesson)")), ("mean", self.tr("mean")),
             ("cross-entropy", self.tr("cross-entropy"))],
            self.tr("How the squared errors are reduced to one number. A summed loss has "
                    "gradients N x D_out times larger than a mean, so it needs a smaller lr."),
        )
        form.addRow(self.tr("Loss"), self.loss)

        self.activation = self._combo(
            [(a, self.tr("none") if a == "none" else a) for a in C.ACTIVATIONS],
            self.tr("The function between the two layers. The lesson has none, which makes the "
                    "network a single linear map in disguise."),
        )
        form.addRow(self.tr("Activation"), self.activation)

        self.steps = QSpinBox(self)
        self.steps.setRange(1, 2_000_000_000)
        self.steps.setKeyboardTracking(False)
        self.steps.setToolTip(self.tr("How many training steps the run takes. The lesson runs 500."))
        self.steps.valueChanged.connect(self._on_any_changed)
        self.steps.setAccessibleName(self.tr("Steps"))
        self.until_paused = QCheckBox(self.tr("until paused (∞)"), self)
        self.until_paused.setAccessibleName(self.tr("until paused (∞)"))
        self.until_paused.setToolTip(self.tr("Train until you pause or stop it, as TensorFlow Playground does; "
                                             "the plot's x axis follows the run."))
        self.until_paused.toggled.connect(self._on_until_paused_toggled)
        steps_row = QHBoxLayout()
        steps_row.setContentsMargins(0, 0, 0, 0)
        steps_row.addWidget(self.steps, 1)
        steps_row.addWidget(self.until_paused)
        form.addRow(self.tr("Steps"), steps_row)

        self.seed = QSpinBox(self)
        self.seed.setRange(0, 2_147_483_647)
        self.seed.setKeyboardTracking(False)
        self.seed.setToolTip(self.tr("torch.manual_seed before drawing x, y and the weights: the same "
                                     "seed gives the same run, step for step."))
        self.seed.valueChanged.connect(self._on_any_changed)
        form.addRow(self.tr("Seed"), self.seed)

        self.device = self._combo(
            [("auto", self.tr("auto"))] + [(d, label) for d, label in self._devices],
            self.tr("Where the tensors live and the arithmetic runs. auto picks a GPU when "
                    "there is one. NumPy always runs on the CPU."),
        )
        form.addRow(self.tr("Device"), self.device)
        self.device_note = QLabel(self)
        self.device_note.setObjectName("deviceNote")
        self.device_note.setAccessibleName(self.tr("Device note"))
        self.device_note.setWordWrap(True)
        self.device_note.setStyleSheet("color: #555;")
        if self._gpu_note:
            self.device_note.setText(self._gpu_note_text(self._gpu_note))
        self.device_note.setVisible(bool(self._gpu_note))
        form.addRow(self.device_note)
        self.fast_mode = QCheckBox(self.tr("GPU fast mode (CUDA graphs)"), self)
        self.fast_mode.setAccessibleName(self.tr("GPU fast mode (CUDA graphs)"))
        self.fast_mode.toggled.connect(self._on_fast_mode_toggled)
        form.addRow(self.fast_mode)

        self.dtype = self._combo(
            [(d, d) for d in C.DTYPES],
            self.tr("Number precision. float32 is PyTorch's default; float64 rounds far less."),
        )
        form.addRow(self.tr("Precision"), self.dtype)

        self.threads = QSpinBox(self)
        self.threads.setRange(1, C.max_threads())
        self.threads.setKeyboardTracking(False)
        self.threads.setAccessibleName(self.tr("Threads"))
        self.threads.setToolTip(self.tr(
            "CPU threads torch may use (torch.set_num_threads). The lesson's sizes run as fast on 1 as on "
            "more, and the window stays smoother; large sizes gain from more. The Code tab and the train "
            "command use the same count, so they print the same digits: another count adds the matrix "
            "products up in another order."))
        self.threads.valueChanged.connect(self._on_any_changed)
        form.addRow(self.tr("Threads"), self.threads)

        advanced = QCollapsible(self.tr("More: bias and classic mistakes"), self)
        inner = QWidget(advanced)
        adv_form = QFormLayout(inner)
        self.bias = QCheckBox(self.tr("Bias in both layers"), inner)
        self.bias.setToolTip(self.tr("Add a bias vector to each layer. nn.Sequential in the lesson "
                                     "has it; the nn.Module subclass does not."))
        self.bias.toggled.connect(self._on_any_changed)
        adv_form.addRow(self.bias)
        self.mistake = QComboBox(inner)
        for data, label in [
            ("none", self.tr("none")),
            ("no-zero-grad", self.tr("forget to zero the gradients")),
            ("update-outside-no-grad", self.tr("update outside torch.no_grad()")),
        ]:
            self.mistake.addItem(label, data)
        self.mistake.setToolTip(self.tr("Break it on purpose: run (and show the code of) a classic "
                                        "mistake to see what it does."))
        self.mistake.currentIndexChanged.connect(self._on_any_changed)
        adv_form.addRow(self.tr("Mistake"), self.mistake)
        advanced.addWidget(inner)
        self.advanced = advanced

        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setObjectName("configMessage")
        self.message.setStyleSheet("color: #b00020;")
        self.message.hide()

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(advanced)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.style.currentIndexChanged.connect(self._on_style_changed)
        self.optimizer.activated.connect(self._on_optimizer_chosen)
        self.bias.clicked.connect(self._on_bias_clicked)

    # -- public API ------------------------------------------------------------
    def config(self) -> TrainConfig:
        """The configuration the controls show; raises ConfigError naming the field."""
        return TrainConfig(
            N=self.sizes["N"].value(),
            D_in=self.sizes["D_in"].value(),
            H=self.sizes["H"].value(),
            D_out=self.sizes["D_out"].value(),
            style=self.style.currentData(),
            optimizer=self.optimizer.currentData(),
            lr=self.lr.value(),
            steps=C.MAX_STEPS if self.until_paused.isChecked() else self.steps.value(),
            seed=self.seed.value(),
            device=self.device.currentData(),
            dtype=self.dtype.currentData(),
            loss=self.loss.currentData(),
            activation=self.activation.currentData(),
            bias=self.bias.isChecked(),
            mistake=self.mistake.currentData(),
            threads=self.threads.value(),
            **self._data_fields(),
        )

    def _data_fields(self) -> dict:
        dataset = self.dataset.currentData()
        return {"dataset": dataset, "noise": self.noise.value(), "test_fraction": self.test_fraction.value(),
                "data_file": self._data_file if dataset == "file" else "",
                "target": self._target if dataset == "file" else "",
                "task": self._task if dataset == "file" else "auto"}

    def last_valid_config(self) -> TrainConfig:
        return self._config

    def set_config(self, cfg: TrainConfig) -> None:
        """Show ``cfg`` in the controls without emitting a change per widget."""
        widgets = [*self.sizes.values(), self.style, self.lr, self.optimizer, self.loss,
                   self.activation, self.steps, self.until_paused, self.seed, self.device, self.dtype, self.threads, self.bias,
                   self.mistake, self.dataset, self.noise, self.test_fraction]
        with signals_blocked_all(widgets):
            if cfg.dataset == "file":
                self._data_file, self._target, self._task = cfg.data_file, cfg.target, cfg.task
                self._fill_target_boxes()
            _select(self.dataset, cfg.dataset)
            self.noise.setValue(cfg.noise)
            self.test_fraction.setValue(cfg.test_fraction)
            for name, w in self.sizes.items():
                w.setValue(min(max(getattr(cfg, name), w.minimum()), w.maximum()))
            _select(self.style, cfg.style)
            self.lr.setValue(cfg.lr)
            _select(self.optimizer, cfg.optimizer)
            _select(self.loss, cfg.loss)
            _select(self.activation, cfg.activation)
            endless = cfg.steps >= C.MAX_STEPS
            self.until_paused.setChecked(endless)
            self.steps.setEnabled(not endless)
            if not endless:
                self.steps.setValue(min(cfg.steps, self.steps.maximum()))
            self.seed.setValue(min(cfg.seed, self.seed.maximum()))
            self._asked_device = cfg.device  # offered later if the worker finds it (set_machine)
            if not _select(self.device, cfg.device):
                _select(self.device, "auto")
            _select(self.dtype, cfg.dtype)
            self.threads.setValue(min(max(cfg.threads, 1), self.threads.maximum()))
            self.bias.setChecked(cfg.bias)
            _select(self.mistake, cfg.mistake)
        self._update_enabled()
        self._validate()

    # -- reactions -------------------------------------------------------------
    @Slot()
    def _on_any_changed(self, *_args) -> None:
        self._update_enabled()
        self._validate()

    def _gpu_note_text(self, note: str) -> str:
        if note.startswith("no CUDA device found"):
            return self.tr("No CUDA device found: CPU only.")
        return self.tr("This PyTorch is a CPU-only build: CPU only.")

    def fast_mode_active(self) -> bool:
        """The fast mode is ticked and can train the configuration shown."""
        return self.fast_mode.isChecked() and self.fast_mode.isEnabled()

    @Slot(bool)
    def _on_fast_mode_toggled(self, _on: bool) -> None:
        self.fastModeChanged.emit(self.fast_mode_active())

    def set_machine(self, machine: MachineFacts) -> None:
        """Offer the devices the worker found (it tells once torch has loaded), keeping the choice."""
        chosen = self.device.currentData()
        if chosen == "auto" and self._asked_device in {d for d, _ in machine.devices}:
            chosen = self._asked_device  # the configuration's device, unknown until now
        self._devices = list(machine.devices)
        self._gpu_note = machine.gpu_note
        self._cuda = machine.cuda
        blocked = self.device.blockSignals(True)
        self.device.clear()
        for data, label in [("auto", self.tr("auto")), *self._devices]:
            self.device.addItem(label, data)
        index = self.device.findData(chosen)
        self.device.setCurrentIndex(index if index >= 0 else 0)
        self.device.blockSignals(blocked)
        self.device_note.setText(self._gpu_note_text(self._gpu_note) if self._gpu_note else "")
        self.device_note.setVisible(bool(self._gpu_note))
        self._on_any_changed()

    def _update_fast_mode(self, cfg: TrainConfig) -> None:
        """Grey the fast mode out, saying why, where it cannot apply."""
        from ..core.machine import fast_mode_support

        try:
            reason = fast_mode_support(cfg, self._cuda)
        except Exception as exc:  # noqa: BLE001 - e.g. a device torch cannot query
            reason = str(exc)
        was = self.fast_mode_active()
        self.fast_mode.setEnabled(reason is None)
        self.fast_mode.setToolTip(
            self.tr("Replay each training step from CUDA graphs: far fewer kernel launches on a GPU. "
                    "Adam, AdamW and RMSprop then agree with the plain run to float rounding, not bit "
                    "for bit.") if reason is None
            else self.tr("Not available: {0}.").format(reason))
        if was != self.fast_mode_active():
            self.fastModeChanged.emit(self.fast_mode_active())

    @Slot(bool)
    def _on_until_paused_toggled(self, on: bool) -> None:
        self.steps.setEnabled(not on)
        self._on_any_changed()

    @Slot()
    def use_lesson_lr(self) -> None:
        """Set the learning rate that trains the current style and optimizer."""
        try:
            cfg = self.config()
        except ConfigError:
            cfg = self._config
        self.lr.setValue(C.recommended_lr(cfg))
        self._lr_user_set = False

    @Slot(float)
    def _on_lr_changed(self, lr: float) -> None:
        self._lr_user_set = True
        self._offer_lesson_lr = False
        self._validate()

    @Slot(int)
    def _on_optimizer_chosen(self, _index: int) -> None:
        self._optimizer_user_set = True

    @Slot(bool)
    def _on_bias_clicked(self, _checked: bool) -> None:
        self._bias_user_set = True

    @Slot(int)
    def _on_style_changed(self, _index: int) -> None:
        """Load the new style's seed defaults for what the user has not changed."""
        style = self.style.currentData()
        d_opt, d_lr, d_bias = C.style_defaults(self.dataset.currentData(), style, None)
        with signals_blocked_all([self.optimizer, self.lr, self.bias, self.mistake]):
            if not self._optimizer_user_set or self.optimizer.currentData() not in C.allowed_optimizers(style):
                _select(self.optimizer, d_opt)
            if not self._lr_user_set:
                self.lr.setValue(d_lr)
            else:
                self._offer_lesson_lr = True
            if not self._bias_user_set:
                self.bias.setChecked(d_bias)
            if self.mistake.currentData() not in C.allowed_mistakes(style, self.optimizer.currentData()):
                _select(self.mistake, "none")
        self._on_any_changed()

    @Slot(int)
    def _on_dataset_changed(self, _index: int) -> None:
        """Load the new data set's lesson defaults (sizes, activation, loss, optimizer, lr, steps)."""
        name = self.dataset.currentData()
        try:
            cfg = self.config() if self.valid else self._config
        except ConfigError:
            cfg = self._config
        try:
            new = cfg.with_dataset(name, self._data_file, self._target, self._task)
        except ConfigError as exc:
            self._show_error(str(exc))
            self.configInvalid.emit(str(exc))
            return
        self.reset_user_choices()
        self.set_config(new)

    def set_data_file(self, path: str, target: str = "", task: str = "auto") -> str | None:
        """Train on a CSV file: None when it loads, else the one-line reason it cannot."""
        try:
            cfg = self._config.with_dataset("file", path, target, task)
        except ConfigError as exc:
            return str(exc).removeprefix("data_file: ")
        self._data_file, self._target, self._task = path, target, task
        self.reset_user_choices()
        self.set_config(cfg)
        return None

    @Slot(int)
    def _on_target_chosen(self, _index: int) -> None:
        """Train on another column of the CSV file, or with another task; a choice that fails is undone."""
        target, task = self.target_box.currentData() or "", self.task_box.currentData() or "auto"
        problem = self.set_data_file(self._data_file, target, task)
        if problem is not None:  # the controls keep the last choice that worked, and say why
            self._fill_target_boxes()
            self.message.setText(problem)
            self.message.show()

    def _fill_target_boxes(self) -> None:
        """The CSV file's columns, the chosen one selected (the last when none is named)."""
        from ..core.csvdata import CsvError, cached_table

        columns: tuple[str, ...] = ()
        if self._data_file:
            try:
                columns = cached_table(self._data_file, self._target, self._task).columns
            except CsvError:
                pass
        with signals_blocked_all([self.target_box, self.task_box]):
            self.target_box.clear()
            for name in columns:
                self.target_box.addItem(name, name)
            if columns:
                _select(self.target_box, self._target or columns[-1])
            _select(self.task_box, self._task)

    def _update_data_enabled(self) -> None:
        """Grey the sizes a data set fixes (showing its value, saying why) and the noise it has none of."""
        name = self.dataset.currentData()
        spec = DATASET_SPECS[name]
        fixed = {"D_in", "D_out"} if spec.d_in is not None or name == "file" else set()
        if name in ("digits", "file"):
            fixed.add("N")
        why = {
            "file": self.tr("Fixed by the CSV file: its rows, feature columns and classes."),
            "digits": self.tr("Fixed by the digits: 1,797 images of 8x8 = 64 pixels, 10 classes."),
        }.get(name, self.tr("Fixed by the data set: its inputs and outputs have this size."))
        for size, w in self.sizes.items():
            w.setEnabled(size not in fixed)
            w.setToolTip(why if size in fixed else self._size_tips[size])
        self.noise.setEnabled(name in GENERATED)
        self.noise.setToolTip(self.tr("Noise added to the generated points (0: clean).") if name in GENERATED
                              else self.tr("Only the generated sets (sine, circles, xor, gaussians, spiral) "
                                           "take a noise level."))
        self.dataset.model().item(DATASETS.index("file")).setEnabled(bool(self._data_file))
        for w in (self.target_box, self.task_box):
            self._data_form.setRowVisible(w, name == "file")
        classes = spec.task == "classification"
        if name == "file" and self._data_file:
            from ..core.csvdata import CsvError, cached_table

            try:
                classes = cached_table(self._data_file, self._target, self._task).task == "classification"
            except CsvError:
                pass
        lmodel = self.loss.model()
        for i in range(self.loss.count()):
            ok = (self.loss.itemData(i) == "cross-entropy") == classes
            lmodel.item(i).setEnabled(ok)
            lmodel.item(i).setToolTip("" if ok else self.tr("Classes train with cross-entropy") if classes
                                      else self.tr("Cross-entropy needs classes; these targets are numbers"))

    def reset_user_choices(self) -> None:
        """Forget which defaults the user overrode (after loading a configuration)."""
        self._lr_user_set = self._optimizer_user_set = self._bias_user_set = False

    def _update_enabled(self) -> None:
        """Disable the choices the chosen style cannot use, saying why."""
        self._update_data_enabled()
        style = self.style.currentData()
        numpy_style = style == "numpy"
        allowed = C.allowed_optimizers(style)
        model = self.optimizer.model()
        for i in range(self.optimizer.count()):
            item = model.item(i)
            ok = self.optimizer.itemData(i) in allowed
            item.setEnabled(ok)
            item.setToolTip("" if ok else self.tr("The NumPy style has no autograd and no torch.optim: "
                                                  "it updates the weights by hand (sgd-manual)."))
        mistakes = C.allowed_mistakes(style, self.optimizer.currentData())
        mmodel = self.mistake.model()
        for i in range(self.mistake.count()):
            item = mmodel.item(i)
            ok = self.mistake.itemData(i) in mistakes
            item.setEnabled(ok)
            item.setToolTip("" if ok else self.tr("Needs a torch style with the manual update (sgd-manual)."))
        dmodel = self.device.model()
        for i in range(self.device.count()):
            ok = not numpy_style or self.device.itemData(i) in ("auto", "cpu")
            dmodel.item(i).setEnabled(ok)
            dmodel.item(i).setToolTip("" if ok else self.tr("The NumPy style runs on the CPU only."))
        if numpy_style and self.device.currentData() not in ("auto", "cpu"):
            with signals_blocked(self.device):
                _select(self.device, "cpu")

    def _validate(self) -> None:
        try:
            cfg = self.config()
        except ConfigError as exc:
            self._show_error(str(exc))
            self.configInvalid.emit(str(exc))
            return
        self.message.hide()
        self.valid = True
        self._show_lr_advice(cfg)
        self._update_fast_mode(cfg)
        if cfg != self._config:
            self._config = cfg
            self.configChanged.emit(cfg)

    def _show_lr_advice(self, cfg: TrainConfig) -> None:
        """Warn when the lr is far from any value that trains; offer the lesson's after a style switch."""
        advice = C.lr_advice(cfg)
        rec = C.recommended_lr(cfg)
        if advice is not None and advice[0] == "low":
            text = self.tr("lr = {0:g} is far below what {1} trains with here (about {2:g}): the loss will "
                           "barely move. Press Lesson lr to use {2:g}.").format(cfg.lr, cfg.optimizer, rec)
        elif advice is not None:
            text = self.tr("lr = {0:g} is far above what {1} trains with here (about {2:g}): the run will "
                           "likely diverge. Press Lesson lr to use {2:g}.").format(cfg.lr, cfg.optimizer, rec)
        elif self._offer_lesson_lr and cfg.lr != rec:
            text = self.tr("You kept lr = {0:g}; this style's lesson trains with {1:g} (Lesson lr).").format(
                cfg.lr, rec)
        else:
            text = ""
        self.lr_advice.setText(text)
        self.lr_advice.setVisible(bool(text))

    @Slot(str)
    def _show_error(self, text: str) -> None:
        self.valid = False
        self.message.setText(text)
        self.message.show()


@contextmanager
def signals_blocked_all(widgets: list[QWidget]) -> Iterator[None]:
    """superqt's ``signals_blocked`` for several widgets at once."""
    with ExitStack() as stack:
        for w in widgets:
            stack.enter_context(signals_blocked(w))
        yield


def _select(box: QComboBox, data: object) -> bool:
    i = box.findData(data)
    if i >= 0:
        box.setCurrentIndex(i)
    return i >= 0
