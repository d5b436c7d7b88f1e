"""What the network predicts, as plain arrays for the Prediction panel.

The trainer calls :func:`make_prediction` at most every 0.3 s (and when a run ends)
and sends the result inside its :class:`~playground.core.loop.Batch`, so it crosses a
process boundary by pickle: NumPy arrays, numbers and strings only.

* ``grid``: a 2-D classification: the probability of class 1 (two classes) or the
  predicted class (more) over a ``GRID`` x ``GRID`` grid spanning the data, with the
  train and test points in the data's own coordinates;
* ``curve``: a 1-D regression (``sine``): the points and the fitted curve;
* ``digits``: test images (8x8) with their true and predicted labels, and the
  confusion matrix over the whole test set (``confusion`` alone for other classifiers);
* ``fit``: a regression on more than one feature: each sample's prediction against its
  target (``points``: training, ``test_points``: test; x the target, y the prediction);
* ``none``: nothing to draw but the train and test losses (the lesson's random data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Grid points per side of the decision-boundary image.
GRID = 64
#: Test images the digits view shows.
DIGIT_IMAGES = 36
#: Points of the fitted curve.
CURVE_POINTS = 200
#: Most training (and test) points a picture carries: the splits are already shuffled, so the
#: first ones are a fair sample, and a large CSV file does not cross the pipe every 0.3 s.
MAX_POINTS = 2000


def _empty(*shape: int, dtype: Any = np.float64) -> Any:
    return field(default_factory=lambda: np.empty(shape, dtype=dtype))


@dataclass(frozen=True)
class Prediction:
    """One picture of the network's predictions; see the module docstring."""

    kind: str  # grid | curve | digits | confusion | fit | none
    step: int
    classes: tuple[str, ...] = ()
    #: grid: (x0, x1, y0, y1) the grid spans, in the data's coordinates; grid[i, j] is at
    #: x = x0 + j * (x1 - x0) / (GRID - 1), y = y0 + i * (y1 - y0) / (GRID - 1).
    extent: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    grid: np.ndarray = _empty(0, 0, dtype=np.float32)
    #: Train and test points (grid: (n, 2); curve: (n, 1)) and their labels or targets.
    points: np.ndarray = _empty(0, 0)
    labels: np.ndarray = _empty(0)
    test_points: np.ndarray = _empty(0, 0)
    test_labels: np.ndarray = _empty(0)
    curve_x: np.ndarray = _empty(0)
    curve_y: np.ndarray = _empty(0)
    #: digits: (k, 8, 8) images with values 0..16, their labels and the network's guesses.
    images: np.ndarray = _empty(0, 8, 8, dtype=np.uint8)
    image_labels: np.ndarray = _empty(0, dtype=np.int64)
    image_predicted: np.ndarray = _empty(0, dtype=np.int64)
    #: confusion[i, j]: test samples of class i predicted as j (the training set without one).
    confusion: np.ndarray = _empty(0, 0, dtype=np.int64)


def _np(t: Any) -> np.ndarray:
    return t.detach().to("cpu").numpy() if hasattr(t, "detach") else np.asarray(t)


def _outputs(runner: Any, x_std: Any) -> np.ndarray:
    """The runner's outputs for standardised inputs, as float64 NumPy."""
    import torch

    if runner.device != "cpu" and isinstance(x_std, torch.Tensor):
        x_std = x_std.to(runner.device)
    with np.errstate(over="ignore", invalid="ignore"):
        return _np(runner.predict(x_std)).astype(np.float64)


def _standardise(data: Any, raw: np.ndarray) -> Any:
    import torch

    x = torch.as_tensor(raw, dtype=data.x.dtype)
    return (x - data.mean) / data.std


def _softmax1(out: np.ndarray) -> np.ndarray:
    z = out - out.max(axis=1, keepdims=True)
    with np.errstate(over="ignore", under="ignore"):
        p = np.exp(z)
    return p[:, 1] / p.sum(axis=1)


def make_prediction(runner: Any, step: int) -> Prediction:
    """The Prediction panel's picture of ``runner``'s network now (see the module docstring)."""
    data = runner.data
    if data is None or data.mean is None:
        return Prediction("none", step)
    k = MAX_POINTS
    raw = _np(data.raw_x[:k])
    raw_test = np.empty((0, raw.shape[1])) if data.raw_x_test is None else _np(data.raw_x_test[:k])
    y = _np(data.y[:k])
    y_test = np.empty((0,) + y.shape[1:], dtype=y.dtype) if data.y_test is None else _np(data.y_test[:k])
    d_in = raw.shape[1]
    if data.classification and d_in == 2:
        both = np.concatenate([raw, raw_test])
        lo, hi = both.min(axis=0), both.max(axis=0)
        pad = 0.1 * np.maximum(hi - lo, 1e-9)
        lo, hi = lo - pad, hi + pad
        gx = np.linspace(lo[0], hi[0], GRID)
        gy = np.linspace(lo[1], hi[1], GRID)
        xx, yy = np.meshgrid(gx, gy)
        out = _outputs(runner, _standardise(data, np.stack([xx.ravel(), yy.ravel()], axis=1)))
        values = _softmax1(out) if out.shape[1] == 2 else out.argmax(axis=1).astype(np.float64)
        return Prediction("grid", step, data.classes, (float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])),
                          values.reshape(GRID, GRID).astype(np.float32), raw, y.astype(np.int64), raw_test,
                          y_test.astype(np.int64))
    if not data.classification:  # targets and predictions in the target's own units
        y_mean = 0.0 if data.y_mean is None else float(data.y_mean[0])
        y_std = 1.0 if data.y_std is None else float(data.y_std[0])
        y = y.astype(np.float64) * y_std + y_mean
        y_test = y_test.astype(np.float64) * y_std + y_mean
    if not data.classification and d_in == 1:
        both = np.concatenate([raw, raw_test])[:, 0]
        cx = np.linspace(both.min(), both.max(), CURVE_POINTS)
        cy = _outputs(runner, _standardise(data, cx[:, None]))[:, 0] * y_std + y_mean
        return Prediction("curve", step, points=raw, labels=y[:, 0].astype(np.float64), test_points=raw_test,
                          test_labels=y_test.reshape(-1).astype(np.float64), curve_x=cx, curve_y=cy)
    if data.classification:  # the confusion matrix counts the whole split
        xs, ys, raws = (data.x_test, _np(data.y_test), raw_test) if data.x_test is not None \
            else (data.x, _np(data.y), raw)
        predicted = _outputs(runner, xs).argmax(axis=1).astype(np.int64)
        n_classes = len(data.classes)
        confusion = np.zeros((n_classes, n_classes), dtype=np.int64)
        np.add.at(confusion, (ys.astype(np.int64), predicted), 1)
        if getattr(runner.cfg, "dataset", "") == "digits" and raws.shape[0]:
            shown = min(DIGIT_IMAGES, raws.shape[0])
            images = np.clip(np.rint(raws[:shown]), 0, 255).astype(np.uint8).reshape(shown, 8, 8)
            return Prediction("digits", step, data.classes, images=images,
                              image_labels=ys[:shown].astype(np.int64), image_predicted=predicted[:shown],
                              confusion=confusion)
        return Prediction("confusion", step, data.classes, confusion=confusion)
    fit = np.column_stack([y[:, 0], _outputs(runner, data.x[:k])[:, 0] * y_std + y_mean])
    fit_test = np.empty((0, 2)) if data.x_test is None else \
        np.column_stack([y_test[:, 0], _outputs(runner, data.x_test[:k])[:, 0] * y_std + y_mean])
    return Prediction("fit", step, points=fit, test_points=fit_test)
