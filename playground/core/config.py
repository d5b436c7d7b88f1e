"""The training configuration: one frozen, validated dataclass.

Every run, every saved experiment and every generated script starts from a
:class:`TrainConfig`.  Construction validates every field, so an instance that
exists is one the core can train; a bad value raises :class:`ConfigError` whose
message names the field and the allowed values.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .datasets import DATASET_SPECS, DATASETS, GENERATED, MAX_NOISE, MAX_TEST_FRACTION, n_test_for
from .specs import ACTIVATION_SPECS, OPTIMIZER_SPECS

STYLES = ("numpy", "tensors", "sequential", "module")
#: The lesson's hand-written update, then the torch.optim optimizers (one table: core/specs.py).
OPTIMIZERS = ("sgd-manual", *OPTIMIZER_SPECS)
DEVICES = ("auto", "cpu", "cuda", "mps")
DTYPES = ("float32", "float64")
#: The MSE's reduction: the lesson's sum, or the mean.
LOSSES = ("sum", "mean")
#: Every loss: the MSE's reductions, and cross-entropy for a classification data set.
ALL_LOSSES = (*LOSSES, "cross-entropy")
TASKS = ("auto", "classification", "regression")
ACTIVATIONS = ("none", *ACTIVATION_SPECS)
#: Classic mistakes a teacher can switch on; each changes the run and the code.
MISTAKES = ("none", "no-zero-grad", "update-outside-no-grad")

STYLE_LABELS = {
    "numpy": "NumPy by hand",
    "tensors": "Raw tensors + autograd",
    "sequential": "nn.Sequential + optimizer",
    "module": "nn.Module subclass",
}

#: The seed lesson's defaults per style: (optimizer, lr, bias).
STYLE_DEFAULTS: dict[str, tuple[str, float, bool]] = {
    "numpy": ("sgd-manual", 1e-6, False),
    "tensors": ("sgd-manual", 1e-6, False),
    "sequential": ("adam", 1e-4, True),
    "module": ("adam", 1e-4, False),
}

#: Learning rates that train each optimizer well at the lesson's sizes with the summed
#: loss, per weight initialisation: the raw styles draw their weights with randn (large),
#: the nn styles take nn.Linear's default (small).  Measured: 300 steps at each power of
#: ten, the loss falling at least a thousandfold without diverging; the lesson's own
#: values where it has them.
LESSON_LR: dict[str, dict[str, float]] = {
    "randn": {"sgd-manual": 1e-6, "sgd": 1e-6, "momentum": 1e-7, "adam": 1e-2, "adamw": 1e-2,
              "rmsprop": 1e-3, "adagrad": 1e-1},
    "linear": {"sgd-manual": 1e-4, "sgd": 1e-4, "momentum": 1e-5, "adam": 1e-4, "adamw": 1e-4,
               "rmsprop": 1e-4, "adagrad": 1e-3},
}
#: Optimizers whose step grows with the gradient (the summed loss's size matters to them).
PLAIN_STEP = ("sgd-manual", "sgd", "momentum")
#: How far below the recommended lr the loss barely moves (module + Adam at 1e-6: the
#: loss at 0.9 of its start after 300 steps), and how far above it a run blows up: plain
#: gradient steps diverged at 10 times the lesson's lr, Adam and its kin still trained at
#: 1000 times.
LR_LOW_FACTOR = 30.0
LR_HIGH_FACTOR = {"plain": 8.0, "adaptive": 1000.0}

#: Upper bound of each size field; the memory guard applies on top of it.
MAX_SIZE = 1 << 20
MAX_STEPS = 1 << 40
MAX_SEED = (1 << 63) - 1
SIZE_FIELDS = ("N", "D_in", "H", "D_out")
#: torch CPU threads a run uses unless told otherwise.  One thread is what the lesson's
#: sizes run fastest with behind a window (a second core is the GUI's), and one count
#: everywhere is what makes the window, ``train`` and the exported script print the same
#: digits: a matrix product split over another number of threads adds up in another order.
DEFAULT_THREADS = 1

log = logging.getLogger(__name__)


class ConfigError(ValueError):
    """A configuration value is invalid; ``field`` names the culprit."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name


def allowed_optimizers(style: str) -> tuple[str, ...]:
    """Optimizers that can train ``style`` (NumPy has no autograd or torch.optim)."""
    return ("sgd-manual",) if style == "numpy" else OPTIMIZERS


def allowed_mistakes(style: str, optimizer: str) -> tuple[str, ...]:
    """Mistakes that make sense for a style/optimizer pair."""
    if style == "numpy":
        return ("none",)
    if optimizer == "sgd-manual":
        return MISTAKES
    return ("none", "no-zero-grad")


def cpu_count() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def max_threads() -> int:
    """Most torch threads a run may ask for here: four per CPU (more only thrash)."""
    return 4 * cpu_count()


def _bytes_per(dtype: str) -> int:
    return 8 if dtype == "float64" else 4


def estimated_bytes(cfg: TrainConfig) -> int:
    """Rough peak memory of a run: data, activations, parameters and their companions.

    Parameters are counted six times over: the weights, their gradients, up to
    two optimizer buffers, and the snapshot the loop keeps to locate a divergence.
    """
    n, d_in, h, d_out = cfg.N, cfg.D_in, cfg.H, cfg.D_out
    params = d_in * h + h * d_out + (h + d_out if cfg.bias else 0)
    data = n * d_in + n * d_out
    activations = 4 * n * h + 3 * n * d_out
    return (data + activations + 6 * params) * _bytes_per(cfg.dtype)


def memory_budget(device: str) -> int:
    """Bytes a run may use on ``device``: half of what the machine has."""
    if device == "cuda":
        try:
            import torch

            if torch.cuda.is_available():
                free, _total = torch.cuda.mem_get_info()
                return int(free * 0.8)
        except Exception:  # noqa: BLE001 - no usable CUDA: fall back to host memory
            pass
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = 8 << 30
    return total // 2


def _check_int(name: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise ConfigError(name, f"must be a whole number from {lo} to {hi}, got {value!r}")
    if not lo <= value <= hi:
        raise ConfigError(name, f"must be from {lo} to {hi}, got {value}")
    return value


def _check_choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ConfigError(name, f"must be one of {', '.join(choices)}; got {value!r}")
    return value


@dataclass(frozen=True)
class TrainConfig:
    """Everything that defines a training run.

    Defaults are the seed lesson's; ``optimizer``, ``lr`` and ``bias`` left as
    ``None`` take the chosen style's seed defaults (see :data:`STYLE_DEFAULTS`).
    On another data set the fields left as ``None`` (sizes, steps, activation, loss,
    noise, test fraction, optimizer, lr, bias) take that set's lesson defaults
    (:data:`~playground.core.datasets.DATASET_SPECS`), and the set fixes D_in and D_out
    (and N for the digits and a CSV file); :meth:`with_dataset` switches set.
    """

    N: int = None  # type: ignore[assignment]
    D_in: int = 1000
    H: int = None  # type: ignore[assignment]
    D_out: int = 10
    style: str = "tensors"
    optimizer: str = None  # type: ignore[assignment]
    lr: float = None  # type: ignore[assignment]
    steps: int = None  # type: ignore[assignment]
    seed: int = 0
    device: str = "auto"
    dtype: str = "float32"
    loss: str = None  # type: ignore[assignment]
    activation: str = None  # type: ignore[assignment]
    bias: bool = None  # type: ignore[assignment]
    mistake: str = "none"
    #: torch CPU threads (intra-op); every entry point applies it, the exported script pins it.
    threads: int = DEFAULT_THREADS
    #: The data (core/datasets.py); N, H, steps, activation, loss, noise, test_fraction,
    #: optimizer, lr and bias left as None take the set's lesson defaults.
    dataset: str = "random"
    noise: float = None  # type: ignore[assignment]
    test_fraction: float = None  # type: ignore[assignment]
    #: A CSV file of the student's own (dataset "file"), its target column ("" = the last)
    #: and the task ("auto": guessed from the target).
    data_file: str = ""
    target: str = ""
    task: str = "auto"
    #: Skip the memory guard (tests only; the GUI and CLI always keep it).
    check_memory: bool = field(default=True, compare=False, repr=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        style = _check_choice("style", self.style, STYLES)
        _fill_data_defaults(self)
        d_opt, d_lr, d_bias = style_defaults(self.dataset, style, self.optimizer)
        for name in SIZE_FIELDS:
            set_(self, name, _check_int(name, getattr(self, name), 1, MAX_SIZE))
        set_(self, "steps", _check_int("steps", self.steps, 1, MAX_STEPS))
        set_(self, "seed", _check_int("seed", self.seed, 0, MAX_SEED))
        optimizer = d_opt if self.optimizer is None else self.optimizer
        _check_choice("optimizer", optimizer, OPTIMIZERS)
        if optimizer not in allowed_optimizers(style):
            raise ConfigError(
                "optimizer",
                f"the {style} style has no autograd, so it supports only "
                f"{', '.join(allowed_optimizers(style))}; got {optimizer!r}",
            )
        set_(self, "optimizer", optimizer)
        lr = d_lr if self.lr is None else self.lr
        if isinstance(lr, bool) or not isinstance(lr, (int, float)):
            raise ConfigError("lr", f"must be a number greater than 0, got {lr!r}")
        try:
            lr = float(lr)
        except OverflowError:  # an int too large for a float
            raise ConfigError("lr", "must be a finite number greater than 0, got a huge number") from None
        if not math.isfinite(lr) or lr <= 0:
            raise ConfigError("lr", f"must be a finite number greater than 0, got {lr!r}")
        set_(self, "lr", lr)
        _check_choice("device", self.device, DEVICES)
        if style == "numpy" and self.device not in ("auto", "cpu"):
            raise ConfigError("device", f"the numpy style runs on the CPU only; got {self.device!r}")
        _check_choice("dtype", self.dtype, DTYPES)
        _check_choice("loss", self.loss, ALL_LOSSES)
        _check_choice("activation", self.activation, ACTIVATIONS)
        bias = d_bias if self.bias is None else self.bias
        if not isinstance(bias, bool):
            raise ConfigError("bias", f"must be true or false, got {bias!r}")
        set_(self, "bias", bias)
        set_(self, "threads", _check_int("threads", self.threads, 1, max_threads()))
        _check_data(self)
        _check_choice("mistake", self.mistake, MISTAKES)
        if self.mistake not in allowed_mistakes(style, optimizer):
            raise ConfigError(
                "mistake",
                f"{self.mistake!r} does not apply to the {style} style with {optimizer}; "
                f"choose one of {', '.join(allowed_mistakes(style, optimizer))}",
            )
        if self.check_memory:
            need = estimated_bytes(self)
            budget = memory_budget(self.device)
            if need > budget:
                raise ConfigError(
                    "size",
                    f"N={self.N}, D_in={self.D_in}, H={self.H}, D_out={self.D_out} needs "
                    f"about {need / 2**30:.1f} GiB, more than the {budget / 2**30:.1f} GiB "
                    "this machine can give a run; make the sizes smaller",
                )

    # -- conveniences -------------------------------------------------------
    def replace(self, **changes: Any) -> TrainConfig:
        """A copy with ``changes`` applied (validated again)."""
        return dataclasses.replace(self, **changes)

    def with_style(self, style: str) -> TrainConfig:
        """Switch style and take that style's seed optimizer, lr and bias."""
        d_opt, d_lr, d_bias = style_defaults(self.dataset, _check_choice("style", style, STYLES), None)
        return dataclasses.replace(
            self, style=style, optimizer=d_opt, lr=d_lr, bias=d_bias, mistake="none"
        )

    def with_dataset(self, dataset: str, data_file: str = "", target: str = "", task: str = "auto") -> TrainConfig:
        """Switch data set and take its lesson defaults (sizes, activation, loss, optimizer, lr...)."""
        name = _check_choice("dataset", dataset, DATASETS)
        fixed = {"D_in": 1000, "D_out": 10} if name == "random" else {}
        return dataclasses.replace(
            self, dataset=name, data_file=data_file if name == "file" else "", target=target, task=task,
            N=None, H=None, steps=None, activation=None, loss=None, noise=None, test_fraction=None,
            optimizer=None, lr=None, bias=None, mistake="none", **fixed,
        )

    @property
    def classification(self) -> bool:
        """Whether this run trains a classifier (cross-entropy, accuracy)."""
        return self.loss == "cross-entropy"

    def resolved_device(self) -> str:
        """The concrete device ``auto`` stands for on this machine."""
        if self.device != "auto":
            return self.device
        if self.style == "numpy":
            return "cpu"
        import torch

        if torch.cuda.is_available():
            return "cuda"
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return "mps"
        return "cpu"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able fields (the test-only memory switch left out)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.compare}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrainConfig:
        """Build from a mapping; unknown keys are ignored with a warning."""
        if not isinstance(data, Mapping):
            raise ConfigError("config", f"must be a JSON object, got {type(data).__name__}")
        known = {f.name for f in dataclasses.fields(cls) if f.compare}
        unknown = sorted(str(k) for k in data if k not in known)
        if unknown:
            log.warning("ignoring unknown configuration keys: %s", ", ".join(unknown))
        fields = {k: v for k, v in data.items() if k in known}
        threads = fields.get("threads")
        if isinstance(threads, int) and not isinstance(threads, bool) and threads > max_threads():
            # A count saved on a bigger machine: a property of that machine, not of the lesson.
            log.warning("threads %d is more than this machine allows; using %d", threads, max_threads())
            fields["threads"] = max_threads()
        return cls(**fields)

    @classmethod
    def from_json(cls, text: str) -> TrainConfig:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError, TypeError) as exc:
            raise ConfigError("config", f"is not valid JSON ({exc})") from None
        return cls.from_dict(data)


def style_defaults(dataset: str, style: str, optimizer: str | None) -> tuple[str, float, bool]:
    """(optimizer, lr, bias) a style starts with on ``dataset``: the lesson's, or the set's own."""
    if dataset not in DATASET_SPECS or dataset == "random":
        return STYLE_DEFAULTS[style]
    spec = DATASET_SPECS[dataset]
    opt = "sgd-manual" if style == "numpy" else spec.optimizer
    chosen = optimizer if isinstance(optimizer, str) else opt
    lr = spec.numpy_lr if chosen in PLAIN_STEP else spec.lr
    return opt, lr, spec.bias  # type: ignore[return-value]


def _fill_data_defaults(cfg: TrainConfig) -> None:
    """Check ``cfg.dataset`` and fill the fields left as None with its lesson defaults."""
    set_ = object.__setattr__
    if isinstance(cfg.data_file, str) and cfg.data_file and cfg.dataset == "random":
        set_(cfg, "dataset", "file")  # a CSV file given alone means "train on it"
    name = _check_choice("dataset", cfg.dataset, DATASETS)
    _check_choice("task", cfg.task, TASKS)
    if not isinstance(cfg.target, str):
        raise ConfigError("target", f"must be a column name, got {cfg.target!r}")
    if not isinstance(cfg.data_file, str):
        raise ConfigError("data_file", f"must be a file path, got {cfg.data_file!r}")
    spec = DATASET_SPECS[name]
    for key, value in spec.defaults.items():
        if getattr(cfg, key) is None and value is not None:
            set_(cfg, key, value)
    if spec.d_in is not None:
        set_(cfg, "D_in", spec.d_in)
        set_(cfg, "D_out", spec.d_out)
    if name == "digits":
        set_(cfg, "N", spec.defaults["N"])
    if name == "file":
        from .csvdata import CsvError, cached_table

        if not cfg.data_file:
            raise ConfigError("data_file", "the file data set needs a CSV file (--data-file PATH)")
        try:
            table = cached_table(cfg.data_file, cfg.target, cfg.task)
        except CsvError as exc:
            raise ConfigError("data_file", str(exc)) from None
        set_(cfg, "N", table.rows)
        set_(cfg, "D_in", len(table.features))
        set_(cfg, "D_out", table.d_out)
        if cfg.loss is None:
            set_(cfg, "loss", "cross-entropy" if table.task == "classification" else "mean")
    elif cfg.data_file:
        raise ConfigError("data_file", f"a CSV file goes with the dataset 'file', not {name!r}")
    elif cfg.target or cfg.task != "auto":
        raise ConfigError("target" if cfg.target else "task", "applies to a CSV file (--data-file) only")


def _data_task(cfg: TrainConfig) -> str:
    spec = DATASET_SPECS[cfg.dataset]
    if cfg.dataset == "file":
        from .csvdata import cached_table

        return cached_table(cfg.data_file, cfg.target, cfg.task).task
    return spec.task


def _check_data(cfg: TrainConfig) -> None:
    """Noise, test fraction, the loss that fits the task, and a split with enough samples."""
    set_ = object.__setattr__
    for name, hi in (("noise", MAX_NOISE), ("test_fraction", MAX_TEST_FRACTION)):
        value = getattr(cfg, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or not 0 <= value <= hi:
            raise ConfigError(name, f"must be a number from 0 to {hi:g}, got {value!r}")
        set_(cfg, name, float(value))
    if cfg.noise and cfg.dataset not in GENERATED:
        raise ConfigError("noise", f"the {cfg.dataset} data set has no noise to set; only the generated sets "
                          f"({', '.join(GENERATED)}) take one")
    task = _data_task(cfg)
    if task == "classification" and cfg.loss != "cross-entropy":
        raise ConfigError("loss", f"the {cfg.dataset} data set is a classification: it trains with "
                          f"cross-entropy, not the MSE's {cfg.loss}")
    if task != "classification" and cfg.loss == "cross-entropy":
        raise ConfigError("loss", f"cross-entropy needs classes to predict; the {cfg.dataset} data set's "
                          "targets are numbers (use sum or mean)")
    k = n_test_for(cfg.N, cfg.test_fraction)
    least = 1 if cfg.dataset == "random" else 2  # a std needs two samples (the standardisation)
    if cfg.N - k < least:
        raise ConfigError("N", f"N={cfg.N} is too small for a test fraction of {cfg.test_fraction:g}: "
                          f"{k} test sample(s) leave {cfg.N - k} to train on (at least {least} needed)")


def recommended_lr(cfg: TrainConfig) -> float:
    """A learning rate that trains ``cfg``'s style and optimizer: the lesson's where it has one.

    Plain gradient steps grow with the summed loss, which adds N x D_out terms (640 in
    the lesson): the value is scaled by 640 / (N x D_out), or by 640 for the mean loss.
    Adam and its kin normalise the step and take the table's value as it is.
    """
    if cfg.dataset != "random":
        return style_defaults(cfg.dataset, cfg.style, cfg.optimizer)[1]
    d_opt, d_lr, _ = STYLE_DEFAULTS[cfg.style]
    init = "randn" if cfg.style in ("numpy", "tensors") else "linear"
    base = d_lr if cfg.optimizer == d_opt else LESSON_LR[init][cfg.optimizer]
    if cfg.optimizer not in PLAIN_STEP:
        return base
    scale = 640.0 if cfg.loss == "mean" else 640.0 / (cfg.N * cfg.D_out)
    return float(f"{base * scale:.2g}")


def lr_advice(cfg: TrainConfig) -> tuple[str, float] | None:
    """("low" or "high", the recommended lr) when ``cfg.lr`` is far from any value that trains."""
    rec = recommended_lr(cfg)
    if cfg.lr < rec / LR_LOW_FACTOR:
        return "low", rec
    if cfg.lr >= rec * LR_HIGH_FACTOR["plain" if cfg.optimizer in PLAIN_STEP else "adaptive"]:
        return "high", rec
    return None


def parse_lr(text: str) -> float:
    """Parse a typed learning rate such as ``1e-4``; raise :class:`ConfigError`."""
    try:
        value = float(str(text).strip())
    except ValueError:
        raise ConfigError("lr", f"{text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise ConfigError("lr", f"must be a finite number greater than 0, got {text!r}")
    return value


def available_devices() -> list[tuple[str, str]]:
    """(device, label) for each device torch can use here; the CPU always first."""
    import torch

    found = [("cpu", "CPU")]
    if torch.cuda.is_available():
        found.append(("cuda", f"CUDA: {torch.cuda.get_device_name(0)}"))
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        found.append(("mps", "Apple GPU (MPS)"))
    return found


def missing_gpu_reason() -> str | None:
    """Why no GPU is offered here (None when one is): a CPU-only build, or no device found."""
    import torch

    if torch.cuda.is_available():
        return None
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return None
    if torch.version.cuda is None and getattr(torch.version, "hip", None) is None:
        return f"this PyTorch ({torch.__version__}) is a CPU-only build: CPU only"
    return "no CUDA device found: CPU only"


def check_device(cfg: TrainConfig) -> str:
    """The concrete device for ``cfg``; :class:`ConfigError` if it is not present here."""
    device = cfg.resolved_device()
    if device not in {d for d, _ in available_devices()}:
        raise ConfigError("device", f"{device} is not available on this machine; use auto or cpu")
    return device
