"""The data a run trains on: the lesson's random numbers, generated sets, the digits, a CSV file.

Every set is made with torch after ``torch.manual_seed(seed)``, in the statements the
exported script writes out (:mod:`playground.core.codegen`), so a seed reproduces the
data and the script trains on the same numbers as the app:

* ``random``: the lesson's ``x = torch.randn(N, D_in)`` then ``y = torch.randn(N, D_out)``;
  with no test set (the default) this is exactly :func:`playground.core.models.draw_data`.
* ``sine``: 1-D regression, ``y = sin(x) + noise * randn``.
* ``circles``, ``xor``, ``gaussians``, ``spiral``: 2-D two-class classification.
* ``digits``: the 8x8 handwritten digits bundled in ``resources/digits.npz``.
* ``file``: a CSV file of the student's own (:mod:`playground.core.csvdata`).

Then, for a test fraction above 0, ``perm = torch.randperm(N)`` puts the first
``n_test`` samples of the permutation in the test set, and for every set but
``random`` the features are standardised with the training split's mean and std (the
target too for a CSV file's regression, whose numbers may have any scale: its losses
are then in units of the target's std, 1 being what predicting the mean scores).

This module imports torch only inside its functions: the window reads the specs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import torch

    from .config import TrainConfig

DATASETS = ("random", "sine", "circles", "xor", "gaussians", "spiral", "digits", "file")
GENERATED = ("sine", "circles", "xor", "gaussians", "spiral")
TWO_D = ("circles", "xor", "gaussians", "spiral")
#: Largest noise level a generated set takes.
MAX_NOISE = 5.0
MAX_TEST_FRACTION = 0.9
DIGITS_FILE = "digits.npz"

DATASET_LABELS = {
    "random": "Random (the lesson)",
    "sine": "Sine (regression)",
    "circles": "Circles",
    "xor": "XOR",
    "gaussians": "Two Gaussians",
    "spiral": "Spiral",
    "digits": "Digits 8x8",
    "file": "CSV file",
}


@dataclass(frozen=True)
class DatasetSpec:
    """A data set's shape and the lesson defaults it trains well with."""

    name: str
    task: str  # "random" (the lesson's noise), "regression" or "classification"
    d_in: int | None  # None: set by the user (random) or by the file
    d_out: int | None
    #: Defaults for the fields a configuration leaves as None.
    defaults: dict[str, Any] = field(default_factory=dict)
    #: (optimizer, lr) for the torch styles, and the lr of the NumPy style's plain steps.
    optimizer: str | None = None
    lr: float | None = None
    numpy_lr: float | None = None
    bias: bool | None = None


_LESSON = {"N": 64, "H": 100, "steps": 500, "activation": "none", "noise": 0.0, "test_fraction": 0.0,
           "loss": "sum"}


def _real(**kw: Any) -> dict[str, Any]:
    out = {"noise": 0.0, "test_fraction": 0.2}
    out.update(kw)
    return out


#: Measured lesson defaults per set (README, "Data sets"): each trains to its figure there.
DATASET_SPECS: dict[str, DatasetSpec] = {
    "random": DatasetSpec("random", "random", None, None, dict(_LESSON)),
    "sine": DatasetSpec("sine", "regression", 1, 1,
                        _real(N=200, H=32, steps=1000, activation="tanh", noise=0.1, loss="mean"),
                        "adam", 1e-2, 0.05, True),
    "circles": DatasetSpec("circles", "classification", 2, 2,
                           _real(N=400, H=16, steps=500, activation="tanh", noise=0.1, loss="cross-entropy"),
                           "adam", 1e-2, 0.5, True),
    "xor": DatasetSpec("xor", "classification", 2, 2,
                       _real(N=400, H=16, steps=500, activation="tanh", noise=0.05, loss="cross-entropy"),
                       "adam", 1e-2, 0.5, True),
    "gaussians": DatasetSpec("gaussians", "classification", 2, 2,
                             _real(N=400, H=8, steps=300, activation="tanh", noise=0.1, loss="cross-entropy"),
                             "adam", 1e-2, 0.5, True),
    "spiral": DatasetSpec("spiral", "classification", 2, 2,
                          _real(N=1000, H=64, steps=2000, activation="tanh", noise=0.05, loss="cross-entropy"),
                          "adam", 1e-2, 0.5, True),
    "digits": DatasetSpec("digits", "classification", 64, 10,
                          _real(N=1797, H=64, steps=500, activation="relu", loss="cross-entropy"),
                          "adam", 1e-3, 0.3, True),
    "file": DatasetSpec("file", "table", None, None,
                        _real(H=32, steps=1000, activation="tanh", loss=None),
                        "adam", 1e-2, 0.1, True),
}


def n_test_for(n: int, fraction: float) -> int:
    """Samples held out for the test set: ``round(n * fraction)``, at least one when asked for."""
    if fraction <= 0:
        return 0
    return max(1, int(n * fraction + 0.5))


def digits_path() -> str:
    """The bundled digits file (source, installed or frozen)."""
    from importlib.resources import files

    return str(files("playground.resources").joinpath(DIGITS_FILE))


_DIGITS: tuple[np.ndarray, np.ndarray] | None = None


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """(images (1797, 64) uint8, labels (1797,) uint8) from ``resources/digits.npz``."""
    global _DIGITS
    if _DIGITS is None:
        with np.load(digits_path(), allow_pickle=False) as f:
            _DIGITS = (f["images"], f["labels"])
    return _DIGITS


@dataclass
class Data:
    """One run's data as tensors on the CPU, split and standardised."""

    x: torch.Tensor  # training features
    y: torch.Tensor  # training targets: (n, D_out) floats, or (n,) int64 class indices
    x_test: torch.Tensor | None = None
    y_test: torch.Tensor | None = None
    #: The training split's feature mean and std (None for the lesson's random data).
    mean: torch.Tensor | None = None
    std: torch.Tensor | None = None
    task: str = "random"
    #: A CSV regression's target mean and std on the training split (None: not standardised).
    y_mean: torch.Tensor | None = None
    y_std: torch.Tensor | None = None
    #: The features before standardisation (for the Prediction panel).
    raw_x: torch.Tensor | None = None
    raw_x_test: torch.Tensor | None = None
    classes: tuple[str, ...] = ()

    @property
    def classification(self) -> bool:
        return self.task == "classification"


def _generate(name: str, n: int, noise: float, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    """x then y of a generated set, drawn from torch's global generator (seeded by the caller).

    The statements are the ones :func:`playground.core.codegen` writes; keep them in step.
    """
    import torch

    if name == "sine":
        x = torch.rand(n, 1, dtype=dtype) * (2 * math.pi) - math.pi
        y = torch.sin(x) + noise * torch.randn(n, 1, dtype=dtype)
        return x, y
    if name == "circles":
        y = torch.randint(0, 2, (n,))
        r = torch.where(y == 0, torch.rand(n, dtype=dtype) * 0.5, 0.7 + torch.rand(n, dtype=dtype) * 0.3)
        a = torch.rand(n, dtype=dtype) * (2 * math.pi)
        x = torch.stack([r * torch.cos(a), r * torch.sin(a)], dim=1)
    elif name == "xor":
        x = torch.rand(n, 2, dtype=dtype) * 2 - 1
        x = x + 0.1 * torch.sign(x)  # a margin between the quadrants
        y = (x[:, 0] * x[:, 1] > 0).long()
    elif name == "gaussians":
        y = torch.randint(0, 2, (n,))
        x = torch.randn(n, 2, dtype=dtype) * 0.5 + (2 * y.to(dtype) - 1).unsqueeze(1)
    else:  # spiral: two arms, one turn and three quarters each
        y = torch.randint(0, 2, (n,))
        t = torch.rand(n, dtype=dtype)
        a = t * (1.75 * 2 * math.pi) + math.pi * y.to(dtype)
        x = torch.stack([t * torch.sin(a), t * torch.cos(a)], dim=1)
    x = x + noise * torch.randn(n, 2, dtype=dtype)
    return x, y


def make_data(cfg: TrainConfig) -> Data:
    """Seed torch's generator and make ``cfg``'s data (see the module docstring)."""
    import torch

    from .models import TORCH_DTYPES, draw_data

    dtype = TORCH_DTYPES[cfg.dtype]
    name = cfg.dataset
    n = cfg.N
    if name == "random":
        x, y = draw_data(cfg)  # the lesson's draws, untouched
        task = "random"
        classes: tuple[str, ...] = ()
    else:
        torch.manual_seed(cfg.seed)
        if name in GENERATED:
            x, y = _generate(name, n, cfg.noise, dtype)
            task = DATASET_SPECS[name].task
            classes = ("0", "1") if task == "classification" else ()
        elif name == "digits":
            images, labels = load_digits()
            x = torch.tensor(images, dtype=dtype)
            y = torch.tensor(labels, dtype=torch.int64)
            task, classes = "classification", tuple(str(i) for i in range(10))
        else:
            from .csvdata import cached_table

            table = cached_table(cfg.data_file, cfg.target, cfg.task)
            x = torch.tensor(table.x, dtype=dtype)
            task, classes = table.task, table.classes
            y = torch.tensor(table.y, dtype=torch.int64) if task == "classification" \
                else torch.tensor(table.y, dtype=dtype).unsqueeze(1)
    data = Data(x, y, task=task, classes=classes)
    k = n_test_for(x.shape[0], cfg.test_fraction)
    if k:
        perm = torch.randperm(x.shape[0])
        data.x_test, data.y_test = x[perm[:k]], y[perm[:k]]
        data.x, data.y = x[perm[k:]], y[perm[k:]]
    if name != "random":
        data.raw_x, data.raw_x_test = data.x, data.x_test
        mean, std = data.x.mean(0), data.x.std(0)
        std[std == 0] = 1.0  # a constant feature (a blank pixel) stays 0
        data.mean, data.std = mean, std
        data.x = (data.x - mean) / std
        if data.x_test is not None:
            data.x_test = (data.x_test - mean) / std
    if name == "file" and task == "regression":
        y_mean, y_std = data.y.mean(0), data.y.std(0)
        y_std[y_std == 0] = 1.0
        data.y_mean, data.y_std = y_mean, y_std
        data.y = (data.y - y_mean) / y_std
        if data.y_test is not None:
            data.y_test = (data.y_test - y_mean) / y_std
    return data
